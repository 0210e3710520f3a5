// Quote requests checked at the edge (each error names its field), the lines of a quote and
// its warnings.
#include "domain/billing/quote.hpp"

#include <gtest/gtest.h>

namespace vivrovert::billing {
namespace {

using K = CollectivityKind;
using P = ProductCode;

QuoteRequestText Text(const char* type, const char* start) {
  QuoteRequestText text;
  text.type = type;
  text.start = start;
  return text;
}

Date Day(const char* iso) {
  const std::optional<Date> date = ParseIsoDate(iso);
  EXPECT_TRUE(date.has_value()) << iso;
  return date.value_or(Date{});
}

Quote QuoteOf(const QuoteRequestText& text) {
  Result<QuoteRequest> request = ParseQuoteRequest(text);
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  if (!request.ok()) return {};
  Result<Quote> quote = ComputeQuote(*request);
  EXPECT_TRUE(quote.ok()) << quote.status().ToString();
  return quote.ok() ? *quote : Quote{};
}

// The field of the error `text` gets ("" when it is accepted).
std::string ErrorField(const QuoteRequestText& text) {
  Result<QuoteRequest> request = ParseQuoteRequest(text);
  if (request.ok()) return "";
  EXPECT_EQ(request.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(request.status().message().empty());
  return request.status().field();
}

Cents LineMonthly(const Quote& quote, P code) {
  for (const QuoteLine& line : quote.lines) {
    if (line.code == code) return line.monthly_ht;
  }
  ADD_FAILURE() << "no line " << ProductCodeName(code);
  return -1;
}

bool HasWarningMentioning(const Quote& quote, const std::string& words) {
  for (const std::string& warning : quote.warnings) {
    if (warning.find(words) != std::string::npos) return true;
  }
  return false;
}

// The issue's example: an EPCI with options 1 and 2 pays 1 100 + 250 + 650 = 2 000 € a month.
TEST(QuoteTest, TheIssuesExample) {
  QuoteRequestText text = Text("epci", "2027-01-01");
  text.options = "1,2";
  const Quote quote = QuoteOf(text);
  EXPECT_EQ(quote.monthly_ht, Euros(1100) + Euros(250) + Euros(650));
  ASSERT_EQ(quote.lines.size(), 3u);
  EXPECT_EQ(quote.lines[0].code, P::kBase);
  EXPECT_EQ(quote.lines[1].code, P::kOption1);
  EXPECT_EQ(quote.lines[2].code, P::kOption2);
  EXPECT_EQ(quote.lines[1].monthly_ht, Euros(250));
  EXPECT_EQ(quote.lines[2].monthly_ht, Euros(650));
  EXPECT_EQ(quote.months, 12);
  EXPECT_EQ(quote.total_ht, 12 * quote.monthly_ht);
  EXPECT_EQ(quote.monthly_tva, PercentOf(quote.monthly_ht, 20));
  EXPECT_EQ(quote.monthly_ttc, quote.monthly_ht + quote.monthly_tva);
  EXPECT_EQ(quote.end, Day("2027-12-31"));
}

TEST(QuoteTest, NoOptionsIsTheBaseAlone) {
  for (const char* options : std::initializer_list<const char*>{"", " ", nullptr}) {
    QuoteRequestText text = Text("departement", "2027-03-10");
    if (options) text.options = options;
    const Quote quote = QuoteOf(text);
    ASSERT_EQ(quote.lines.size(), 1u);
    EXPECT_EQ(quote.lines[0].code, P::kBase);
    EXPECT_EQ(quote.monthly_ht, Euros(1100));
  }
}

TEST(QuoteTest, OptionsInAnyOrderComeOutByNumber) {
  QuoteRequestText text = Text("commune", "2027-01-01");
  text.options = "3, 1,2";
  const Quote quote = QuoteOf(text);
  ASSERT_EQ(quote.lines.size(), 4u);
  EXPECT_EQ(quote.lines[1].code, P::kOption1);
  EXPECT_EQ(quote.lines[3].code, P::kOption3);
  EXPECT_EQ(quote.monthly_ht, Euros(1100 + 200 + 500 + 300));
}

TEST(QuoteTest, AliasKindsPriceAsEpci) {
  QuoteRequestText text = Text("metropole", "2027-01-01");
  text.options = "1,2,3";
  EXPECT_EQ(QuoteOf(text).monthly_ht, Euros(1100 + 250 + 650 + 400));
  EXPECT_EQ(QuoteOf(text).kind, K::kEpci);
}

TEST(QuoteTest, PvdSeedExampleFourCommunautes) {
  QuoteRequestText text = Text("epci", "2027-01-01");
  text.options = "1,2,3";
  text.pvd_members = "4";
  const Quote quote = QuoteOf(text);
  EXPECT_TRUE(quote.pvd);
  EXPECT_EQ(LineMonthly(quote, P::kBase), Euros(1100));
  EXPECT_EQ(LineMonthly(quote, P::kOption1), Euros(500));
  EXPECT_EQ(LineMonthly(quote, P::kOption2), Euros(1040));
  EXPECT_EQ(LineMonthly(quote, P::kOption3), Euros(640));
  EXPECT_EQ(quote.monthly_ht, Euros(1100 + 500 + 1040 + 640));
  for (const QuoteLine& line : quote.lines) {
    if (line.code == P::kBase) continue;
    EXPECT_EQ(line.members, 4);
    EXPECT_FALSE(line.floor_applied);
  }
}

TEST(QuoteTest, PvdFloorOnTheOptionsTotal) {
  QuoteRequestText text = Text("commune", "2027-01-01");
  text.options = "2";
  text.pvd_members = "1";
  const Quote quote = QuoteOf(text);
  EXPECT_EQ(LineMonthly(quote, P::kOption2), Euros(500));  // not 1 × 500 × 40 % = 200
  ASSERT_EQ(quote.lines.size(), 2u);
  EXPECT_TRUE(quote.lines[1].floor_applied);
  EXPECT_EQ(quote.lines[1].rate_percent, 40);
}

TEST(QuoteTest, PvdCountsPerOption) {
  QuoteRequestText text = Text("epci", "2027-01-01");
  text.options = "1,3";
  text.pvd_members = "1=4,3=2";
  const Quote quote = QuoteOf(text);
  EXPECT_EQ(LineMonthly(quote, P::kOption1), Euros(500));  // 4 × 250 × 50 %
  EXPECT_EQ(LineMonthly(quote, P::kOption3), Euros(400));  // 2 × 400 × 40 % = 320 → 400
  EXPECT_EQ(quote.monthly_ht, Euros(1100 + 500 + 400));
}

TEST(QuoteTest, PvdWithoutOptionsIsTheBaseOnceWithAWarning) {
  QuoteRequestText text = Text("commune", "2027-01-01");
  text.pvd_members = "6";
  const Quote quote = QuoteOf(text);
  EXPECT_EQ(quote.monthly_ht, Euros(1100));
  EXPECT_TRUE(HasWarningMentioning(quote, "PVD"));
}

TEST(QuoteTest, MonthsBounds) {
  for (const char* months : {"12", "13", "24", "36", "60"}) {
    QuoteRequestText text = Text("commune", "2027-01-01");
    text.months = months;
    EXPECT_EQ(ErrorField(text), "") << months;
    EXPECT_EQ(QuoteOf(text).total_ht, Euros(1100) * std::stoi(months));
  }
  for (const char* months : {"11", "0", "61", "1200", "-12", "12.5", "douze", "", "99999999999"}) {
    QuoteRequestText text = Text("commune", "2027-01-01");
    text.months = months;
    EXPECT_EQ(ErrorField(text), "months") << months;
  }
}

TEST(QuoteTest, DefaultDurationIsTwelveMonths) {
  const Quote quote = QuoteOf(Text("commune", "2027-05-20"));
  EXPECT_EQ(quote.months, 12);
  EXPECT_EQ(quote.end, Day("2028-05-19"));
}

TEST(QuoteTest, Option2RecommendsTwentyFourMonths) {
  for (const char* months : {"12", "23"}) {
    QuoteRequestText text = Text("epci", "2027-01-01");
    text.options = "2";
    text.months = months;
    const Quote quote = QuoteOf(text);
    EXPECT_TRUE(HasWarningMentioning(quote, "24 mois")) << months;
    EXPECT_EQ(quote.months, std::stoi(months));  // warned, never refused
  }
  QuoteRequestText text = Text("epci", "2027-01-01");
  text.options = "2";
  text.months = "24";
  EXPECT_TRUE(QuoteOf(text).warnings.empty());
  text.options = "1,3";
  text.months = "12";
  EXPECT_TRUE(QuoteOf(text).warnings.empty());
}

TEST(QuoteTest, ServiceStartDefaults) {
  QuoteRequestText text = Text("commune", "2027-01-31");
  EXPECT_EQ(QuoteOf(text).service_start, Day("2027-02-28"));  // one month, end of month kept
  text.options = "1,3";
  EXPECT_EQ(QuoteOf(text).service_start, Day("2027-02-28"));
  text.options = "2";
  EXPECT_EQ(QuoteOf(text).service_start, Day("2027-04-30"));  // three months with option 2
  text = Text("epci", "2027-01-01");
  text.options = "1,2";
  EXPECT_EQ(QuoteOf(text).service_start, Day("2027-04-01"));
}

TEST(QuoteTest, ServiceStartGiven) {
  QuoteRequestText text = Text("commune", "2027-01-01");
  text.service_start = "2027-01-01";  // the day of signature is allowed
  Quote quote = QuoteOf(text);
  EXPECT_EQ(quote.service_start, Day("2027-01-01"));
  EXPECT_TRUE(quote.warnings.empty());
  text.service_start = "2027-12-01";  // the day of the 20 %, the latest
  quote = QuoteOf(text);
  EXPECT_EQ(quote.service_start, Day("2027-12-01"));
  EXPECT_TRUE(HasWarningMentioning(quote, "01/12/2027"));  // later than the announced delay
  text.service_start = "2027-12-02";
  EXPECT_EQ(ErrorField(text), "service_start");
  text.service_start = "2026-12-31";
  EXPECT_EQ(ErrorField(text), "service_start");
  text.service_start = "2027-13-01";
  EXPECT_EQ(ErrorField(text), "service_start");
}

// The forms take days as people write them in France; the API's AAAA-MM-JJ still works.
TEST(QuoteTest, DaysTypedTheFrenchWay) {
  QuoteRequestText text = Text("commune", "15/01/2027");
  text.service_start = "1/3/2027";
  const Quote quote = QuoteOf(text);
  EXPECT_EQ(quote.start, Day("2027-01-15"));
  EXPECT_EQ(quote.service_start, Day("2027-03-01"));
  text.start = "30/02/2027";
  Result<QuoteRequest> request = ParseQuoteRequest(text);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().field(), "start");
  EXPECT_NE(request.status().message().find("Date de signature illisible : « 30/02/2027 »"),
            std::string::npos)
      << request.status().message();
  EXPECT_NE(request.status().message().find("JJ/MM/AAAA"), std::string::npos);
}

TEST(QuoteTest, BadInputNamesItsField) {
  struct Case {
    const char* description;
    QuoteRequestText text;
    const char* field;
  };
  auto with = [](auto change) {
    QuoteRequestText text = Text("commune", "2027-01-01");
    change(text);
    return text;
  };
  const Case cases[] = {
      {"no type", with([](QuoteRequestText& t) { t.type.reset(); }), "type"},
      {"unknown type", with([](QuoteRequestText& t) { t.type = "region"; }), "type"},
      {"no start", with([](QuoteRequestText& t) { t.start.reset(); }), "start"},
      {"empty start", with([](QuoteRequestText& t) { t.start = ""; }), "start"},
      {"no such day", with([](QuoteRequestText& t) { t.start = "2027-02-29"; }), "start"},
      {"month first", with([](QuoteRequestText& t) { t.start = "02/28/2027"; }), "start"},
      {"no such French day", with([](QuoteRequestText& t) { t.start = "29/02/2027"; }), "start"},
      {"short date", with([](QuoteRequestText& t) { t.start = "2027-2-01"; }), "start"},
      {"option 4", with([](QuoteRequestText& t) { t.options = "1,4"; }), "options"},
      {"option 5", with([](QuoteRequestText& t) { t.options = "5"; }), "options"},
      {"option 0", with([](QuoteRequestText& t) { t.options = "0"; }), "options"},
      {"option word", with([](QuoteRequestText& t) { t.options = "barometre"; }), "options"},
      {"option twice", with([](QuoteRequestText& t) { t.options = "1,1"; }), "options"},
      {"no members", with([](QuoteRequestText& t) { t.pvd_members = "0"; }), "pvd_members"},
      {"members word", with([](QuoteRequestText& t) { t.pvd_members = "quatre"; }), "pvd_members"},
      {"members empty", with([](QuoteRequestText& t) { t.pvd_members = ""; }), "pvd_members"},
      {"too many members", with([](QuoteRequestText& t) { t.pvd_members = "1001"; }),
       "pvd_members"},
      {"members of option 4", with([](QuoteRequestText& t) {
         t.options = "1";
         t.pvd_members = "1=3,4=2";
       }),
       "pvd_members"},
      {"members of an option not chosen", with([](QuoteRequestText& t) {
         t.options = "1";
         t.pvd_members = "1=3,3=2";
       }),
       "pvd_members"},
      {"an option chosen without members", with([](QuoteRequestText& t) {
         t.options = "1,2";
         t.pvd_members = "1=3";
       }),
       "pvd_members"},
      {"members twice", with([](QuoteRequestText& t) {
         t.options = "1";
         t.pvd_members = "1=3,1=4";
       }),
       "pvd_members"},
      {"members zero for one option", with([](QuoteRequestText& t) {
         t.options = "1";
         t.pvd_members = "1=0";
       }),
       "pvd_members"},
  };
  for (const Case& test_case : cases) {
    EXPECT_EQ(ErrorField(test_case.text), test_case.field) << test_case.description;
  }
}

TEST(QuoteTest, TypedRequestsAreCheckedToo) {
  QuoteRequest request;
  request.kind = K::kCommune;
  request.start = Day("2027-01-01");
  request.months = 6;
  Result<Quote> quote = ComputeQuote(request);
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.status().field(), "months");

  request.months = 12;
  request.options = {P::kBase};
  quote = ComputeQuote(request);
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.status().field(), "options");

  request.options = {P::kOption1};
  request.pvd_members = {{P::kOption1, 3}};  // counts without option 4
  quote = ComputeQuote(request);
  ASSERT_FALSE(quote.ok());
  EXPECT_EQ(quote.status().field(), "pvd_members");

  request.pvd = true;
  EXPECT_TRUE(ComputeQuote(request).ok());
}

}  // namespace
}  // namespace vivrovert::billing
