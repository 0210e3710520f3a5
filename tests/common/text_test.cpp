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

TEST(TextTest, Windows1252BecomesUtf8) {
  EXPECT_EQ(Windows1252ToUtf8("\xE9t\xE9 \x80"), "été €");
  EXPECT_TRUE(IsValidUtf8("été €"));
  EXPECT_FALSE(IsValidUtf8("\xE9t\xE9"));
}

}  // namespace
}  // namespace vivrovert
