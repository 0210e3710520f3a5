// Text helpers: escaping, dates in both forms, encodings.
#include "core/common/text.hpp"

#include <gtest/gtest.h>

namespace vivrovert {
namespace {

TEST(TextTest, EscapeXmlReplacesTheFiveSpecialCharacters) {
  EXPECT_EQ(EscapeXml("Maison <T4> & \"jardin\" d'été"),
            "Maison &lt;T4&gt; &amp; &quot;jardin&quot; d&#39;été");
  EXPECT_EQ(EscapeXml(""), "");
  EXPECT_EQ(EscapeXml("</title><script>"), "&lt;/title&gt;&lt;script&gt;");
}

TEST(TextTest, DatesRoundTrip) {
  const int64_t first_of_march_2026 = 1772323200;  // 2026-03-01T00:00:00Z
  EXPECT_EQ(UtcDate(first_of_march_2026), "2026-03-01");
  EXPECT_EQ(UtcDate(first_of_march_2026 + 86399), "2026-03-01");
  EXPECT_EQ(FrenchDate(first_of_march_2026), "01/03/2026");
  EXPECT_EQ(ParseUtcDate("2026-03-01"), first_of_march_2026);
  EXPECT_EQ(ParseUtcDate("1970-01-01"), 0);
  EXPECT_EQ(ParseUtcDate("2024-02-29"), ParseUtcDate("2024-02-28").value() + 86400) << "leap day";
}

TEST(TextTest, ParseUtcDateRefusesWhatIsNotADate) {
  for (const char* text :
       {"", "2026-3-01", "2026/03/01", "01/03/2026", "2026-02-30", "2025-02-29", "2026-13-01",
        "2026-00-10", "2026-03-01T00:00", "demain", "2026-O3-01"}) {
    EXPECT_FALSE(ParseUtcDate(text).has_value()) << text;
  }
}

TEST(TextTest, ParseTypedDayReadsFrenchAndIsoDays) {
  EXPECT_EQ(ParseTypedDay("15/01/2027"), "2027-01-15");
  EXPECT_EQ(ParseTypedDay("4/1/2027"), "2027-01-04");
  EXPECT_EQ(ParseTypedDay("  29/02/2028 "), "2028-02-29") << "leap day, spaces around";
  EXPECT_EQ(ParseTypedDay("2027-01-15"), "2027-01-15") << "links and API clients";
  EXPECT_EQ(ParseTypedDay("31/12/2200"), "2200-12-31");
}

TEST(TextTest, ParseTypedDayRefusesWhatIsNotADay) {
  for (const char* text : {"",
                           "15/01",
                           "15/01/27",
                           "01/15/2027",
                           "31/02/2027",
                           "29/02/2027",
                           "00/01/2027",
                           "15/00/2027",
                           "15-01-2027",
                           "2027/01/15",
                           "2027-1-15",
                           "15/01/2027/1",
                           "1//2027",
                           "/01/2027",
                           "15/01/",
                           "015/01/2027",
                           "15 /01/2027",
                           "quinze/01/2027",
                           "15/01/1899",
                           "01/01/2201",
                           "2026-03-01T00:00",
                           "demain"}) {
    EXPECT_FALSE(ParseTypedDay(text).has_value()) << text;
  }
}

TEST(TextTest, Windows1252BecomesUtf8) {
  EXPECT_EQ(Windows1252ToUtf8("\xE9t\xE9 \x80"), "été €");
  EXPECT_TRUE(IsValidUtf8("été €"));
  EXPECT_FALSE(IsValidUtf8("\xE9t\xE9"));
}

TEST(TextTest, SplitListTrimsAndSkipsEmptyItems) {
  EXPECT_EQ(SplitList(" 46, 19 ,,2A "), (std::vector<std::string>{"46", "19", "2A"}));
  EXPECT_EQ(SplitList("a|b\nc", "|\n"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(SplitList("").empty());
  EXPECT_TRUE(SplitList(" , ").empty());
  EXPECT_EQ(TrimView(" \t x y \r\n"), "x y");
}

TEST(TextTest, ParsePositiveIdTakesDecimalIdsOnly) {
  EXPECT_EQ(ParsePositiveId("1"), 1);
  EXPECT_EQ(ParsePositiveId("9223372036854775807"), INT64_MAX);
  for (const char* text : {"", "0", "-3", "+3", "12a", "1e3", " 7", "9223372036854775808", "٣"}) {
    EXPECT_FALSE(ParsePositiveId(text).has_value()) << text;
  }
}

TEST(TextTest, IsoWeekKeyFollowsIso8601) {
  EXPECT_EQ(IsoWeekKey("2027-03-08"), "2027-W10");  // a Monday
  EXPECT_EQ(IsoWeekKey("2027-03-07"), "2027-W09");  // the Sunday before
  EXPECT_EQ(IsoWeekKey("2027-01-01"), "2026-W53");  // a Friday of the year before's last week
  EXPECT_EQ(IsoWeekKey("2024-12-30"), "2025-W01");  // a Monday of the next year's first week
  EXPECT_EQ(IsoWeekKey("2026-11-29"), "2026-W48");
  EXPECT_EQ(IsoWeekKey("demain"), "");
}

}  // namespace
}  // namespace vivrovert
