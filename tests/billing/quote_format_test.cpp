// The JSON of `vivrovert billing quote --format json` and the French text table.
#include "domain/billing/quote_format.hpp"

#include <gtest/gtest.h>

namespace vivrovert::billing {
namespace {

Quote ExampleQuote() {
  QuoteRequestText text;
  text.type = "epci";
  text.start = "2027-01-01";
  text.options = "1,2";
  Result<QuoteRequest> request = ParseQuoteRequest(text);
  EXPECT_TRUE(request.ok());
  Result<Quote> quote = ComputeQuote(*request);
  EXPECT_TRUE(quote.ok());
  return *quote;
}

TEST(QuoteJsonTest, TheInterfacesShape) {
  const Quote quote = ExampleQuote();
  const nlohmann::ordered_json json = QuoteToJson(quote);
  ASSERT_TRUE(json["monthly_ht"].is_number_float());
  EXPECT_EQ(json["monthly_ht"].get<double>(), 2000.0);
  EXPECT_NE(json.dump().find("\"monthly_ht\":2000.0"), std::string::npos) << json.dump();
  ASSERT_EQ(json["lines"].size(), quote.lines.size());
  for (size_t line_idx = 0; line_idx < quote.lines.size(); ++line_idx) {
    EXPECT_EQ(json["lines"][line_idx]["code"], ProductCodeName(quote.lines[line_idx].code));
    EXPECT_EQ(json["lines"][line_idx]["monthly_ht"].get<double>(),
              CentsToEuros(quote.lines[line_idx].monthly_ht));
  }
  EXPECT_EQ(json["lines"][1]["code"], "option1");
  EXPECT_EQ(json["lines"][1]["monthly_ht"].get<double>(), 250.0);
  ASSERT_EQ(json["schedule"].size(), quote.schedule.size());
  EXPECT_EQ(json["schedule"][0]["due"], "2027-01-01");
  EXPECT_EQ(json["schedule"][0]["amount_ht"].get<double>(), 7200.0);  // 30 % of 24 000
  EXPECT_EQ(json["schedule"][1]["due"], "2027-04-01");
  EXPECT_EQ(json["schedule"][1]["amount_ht"].get<double>(), 12000.0);
  EXPECT_EQ(json["schedule"][2]["due"], "2027-12-01");
  EXPECT_EQ(json["schedule"][2]["amount_ht"].get<double>(), 4800.0);
  for (const auto& item : json["schedule"]) {
    EXPECT_TRUE(item["label"].is_string());
    EXPECT_FALSE(item["label"].get<std::string>().empty());
  }
  ASSERT_TRUE(json["warnings"].is_array());
  EXPECT_EQ(json["warnings"].size(), quote.warnings.size());
  EXPECT_EQ(json["total_ht"].get<double>(), 24000.0);
  EXPECT_EQ(json["total_ttc"].get<double>(), 28800.0);
}

TEST(QuoteJsonTest, CentsSurviveTheEuros) {
  Quote quote;
  quote.monthly_ht = 123456;
  quote.lines.push_back(QuoteLine{ProductCode::kBase, 123456, 1, 100, false, 123456});
  const nlohmann::ordered_json json = QuoteToJson(quote);
  EXPECT_NE(json.dump().find("\"monthly_ht\":1234.56"), std::string::npos) << json.dump();
}

TEST(QuoteTextTest, AFrenchTable) {
  const std::string text = QuoteToText(ExampleQuote());
  EXPECT_NE(text.find("Total mensuel HT"), std::string::npos) << text;
  EXPECT_NE(text.find("2\u202f000,00\u00a0€"), std::string::npos) << text;
  EXPECT_NE(text.find("01/12/2027"), std::string::npos) << text;
  EXPECT_NE(text.find("Attention : "), std::string::npos) << text;  // option 2 on 12 months
}

}  // namespace
}  // namespace vivrovert::billing
