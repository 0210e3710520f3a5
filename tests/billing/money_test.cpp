#include "domain/billing/money.hpp"

#include <gtest/gtest.h>

namespace vivrovert::billing {
namespace {

TEST(DivideRoundedTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(DivideRounded(5, 2), 3);
  EXPECT_EQ(DivideRounded(-5, 2), -3);
  EXPECT_EQ(DivideRounded(7, 2), 4);
  EXPECT_EQ(DivideRounded(150, 100), 2);
  EXPECT_EQ(DivideRounded(-150, 100), -2);
  EXPECT_EQ(DivideRounded(149, 100), 1);
  EXPECT_EQ(DivideRounded(-149, 100), -1);
}

TEST(DivideRoundedTest, ExactAndOddDenominators) {
  EXPECT_EQ(DivideRounded(300, 3), 100);
  EXPECT_EQ(DivideRounded(4, 3), 1);  // 1.33
  EXPECT_EQ(DivideRounded(5, 3), 2);  // 1.67
  EXPECT_EQ(DivideRounded(-5, 3), -2);
  EXPECT_EQ(DivideRounded(1, 3), 0);
  EXPECT_EQ(DivideRounded(0, 7), 0);
}

TEST(PercentOfTest, UsesTheRoundingRule) {
  EXPECT_EQ(PercentOf(Euros(7200), 30), Euros(2160));
  EXPECT_EQ(PercentOf(1, 50), 1);  // half a cent → one cent
  EXPECT_EQ(PercentOf(3, 20), 1);  // 0.6 cent
  EXPECT_EQ(PercentOf(2, 20), 0);  // 0.4 cent
  EXPECT_EQ(PercentOf(12345, 20), 2469);
  EXPECT_EQ(PercentOf(12, 30), 4);  // 3.6 cents
}

TEST(CentsToEurosTest, ExactEuros) {
  EXPECT_EQ(CentsToEuros(Euros(2000)), 2000.0);
  EXPECT_EQ(CentsToEuros(123456), 1234.56);
  EXPECT_EQ(CentsToEuros(5), 0.05);
}

TEST(FormatEurosFrenchTest, GroupsThousandsWithCommaDecimals) {
  EXPECT_EQ(FormatEurosFrench(Euros(1100)), "1\u202f100,00\u00a0€");
  EXPECT_EQ(FormatEurosFrench(5), "0,05\u00a0€");
  EXPECT_EQ(FormatEurosFrench(123456789), "1\u202f234\u202f567,89\u00a0€");
  EXPECT_EQ(FormatEurosFrench(-12345), "-123,45\u00a0€");
  EXPECT_EQ(FormatEurosFrench(Euros(100)), "100,00\u00a0€");
}

TEST(ParseEurosTest, ReadsWhatPeopleType) {
  EXPECT_EQ(ParseEuros("1 234,56"), 123456);
  EXPECT_EQ(ParseEuros("1234.5 €"), 123450);
  EXPECT_EQ(ParseEuros("80"), Euros(80));
  EXPECT_EQ(ParseEuros(FormatEurosFrench(123456789)), 123456789);  // what the pages print
  EXPECT_EQ(ParseEuros("0,05"), 5);
}

TEST(ParseEurosTest, RefusesWhatIsNotAnAmount) {
  for (const char* text :
       {"", "€", "-5", "12,345", "1,2,3", "douze", "12,", ",5", "1e3", "9999999999999"}) {
    EXPECT_EQ(ParseEuros(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace vivrovert::billing
