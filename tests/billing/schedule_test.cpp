// The payment schedule: 30 % / 50 % / 20 % of the first year, then one invoice per quarter
// from month 12, the last shorter period prorated by month; always adding up to
// monthly × months to the cent.
#include <gtest/gtest.h>

#include <chrono>
#include <numeric>

#include "domain/billing/quote.hpp"

namespace vivrovert::billing {
namespace {

Date Day(const char* iso) {
  const std::optional<Date> date = ParseIsoDate(iso);
  EXPECT_TRUE(date.has_value()) << iso;
  return date.value_or(Date{});
}

Cents SumHt(const std::vector<Instalment>& schedule) {
  return std::accumulate(schedule.begin(), schedule.end(), Cents{0},
                         [](Cents sum, const Instalment& item) { return sum + item.amount_ht; });
}

Date NextDay(Date date) { return Date{std::chrono::sys_days(date) + std::chrono::days(1)}; }

Quote BaseQuote(const char* start, int months) {
  QuoteRequest request;
  request.kind = CollectivityKind::kCommune;
  request.start = Day(start);
  request.months = months;
  Result<Quote> quote = ComputeQuote(request);
  EXPECT_TRUE(quote.ok()) << quote.status().ToString();
  return quote.ok() ? *quote : Quote{};
}

// Base alone, 1 100 € a month, 12 months from 15 January 2027: 13 200 € in three payments.
TEST(ScheduleTest, TwelveMonthsIsTheFirstYearInThreePayments) {
  const Quote quote = BaseQuote("2027-01-15", 12);
  ASSERT_EQ(quote.schedule.size(), 3u);
  const Instalment& signature = quote.schedule[0];
  const Instalment& service = quote.schedule[1];
  const Instalment& eleventh = quote.schedule[2];
  EXPECT_EQ(signature.kind, InstalmentKind::kSignature);
  EXPECT_EQ(signature.due, Day("2027-01-15"));
  EXPECT_EQ(signature.amount_ht, Euros(3960));  // 30 % of 13 200
  EXPECT_EQ(service.kind, InstalmentKind::kServiceStart);
  EXPECT_EQ(service.due, Day("2027-02-15"));  // one month after signature by default
  EXPECT_EQ(service.amount_ht, Euros(6600));  // 50 %
  EXPECT_EQ(eleventh.kind, InstalmentKind::kEleventhMonth);
  EXPECT_EQ(eleventh.due, Day("2027-12-15"));  // 11 months after signature
  EXPECT_EQ(eleventh.amount_ht, Euros(2640));  // 20 %
  EXPECT_EQ(SumHt(quote.schedule), quote.total_ht);
  EXPECT_EQ(quote.total_ht, Euros(13200));
  EXPECT_NE(signature.label.find("30 %"), std::string::npos);
  EXPECT_NE(service.label.find("50 %"), std::string::npos);
  EXPECT_NE(eleventh.label.find("20 %"), std::string::npos);
  for (const Instalment& item : quote.schedule) {
    EXPECT_EQ(item.period_first, Day("2027-01-15"));
    EXPECT_EQ(item.period_last, Day("2028-01-14"));
    EXPECT_EQ(item.period_months, 12);
  }
}

TEST(ScheduleTest, ThirteenMonthsEndsWithOneProratedMonth) {
  const Quote quote = BaseQuote("2027-01-15", 13);
  ASSERT_EQ(quote.schedule.size(), 4u);
  const Instalment& last = quote.schedule[3];
  EXPECT_EQ(last.kind, InstalmentKind::kQuarter);
  EXPECT_EQ(last.due, Day("2028-01-15"));
  EXPECT_EQ(last.period_first, Day("2028-01-15"));
  EXPECT_EQ(last.period_last, Day("2028-02-14"));
  EXPECT_EQ(last.period_months, 1);
  EXPECT_EQ(last.amount_ht, Euros(1100));
  EXPECT_EQ(last.label, "Période du 15/01/2028 au 14/02/2028 (1 mois, au prorata)");
  EXPECT_EQ(SumHt(quote.schedule), Euros(1100) * 13);
  EXPECT_EQ(quote.end, Day("2028-02-14"));
}

TEST(ScheduleTest, TwentyFourMonthsHasFourQuarters) {
  const Quote quote = BaseQuote("2027-01-15", 24);
  ASSERT_EQ(quote.schedule.size(), 7u);
  const char* const dues[] = {"2028-01-15", "2028-04-15", "2028-07-15", "2028-10-15"};
  for (int quarter_idx = 0; quarter_idx < 4; ++quarter_idx) {
    const Instalment& quarter = quote.schedule[3 + quarter_idx];
    EXPECT_EQ(quarter.kind, InstalmentKind::kQuarter);
    EXPECT_EQ(quarter.due, Day(dues[quarter_idx]));
    EXPECT_EQ(quarter.period_first, quarter.due);  // invoiced for the quarter ahead
    EXPECT_EQ(quarter.period_months, 3);
    EXPECT_EQ(quarter.amount_ht, Euros(3300));
  }
  EXPECT_EQ(quote.schedule[3].label, "Trimestre du 15/01/2028 au 14/04/2028");
  EXPECT_EQ(quote.schedule.back().period_last, Day("2029-01-14"));
  EXPECT_EQ(quote.schedule.back().period_last, quote.end);
  EXPECT_EQ(SumHt(quote.schedule), Euros(1100) * 24);
}

TEST(ScheduleTest, ThirtySixMonthsHasEightQuarters) {
  QuoteRequest request;
  request.kind = CollectivityKind::kEpci;
  request.start = Day("2027-01-01");
  request.options = {ProductCode::kOption1, ProductCode::kOption2};
  request.months = 36;
  Result<Quote> quote = ComputeQuote(request);
  ASSERT_TRUE(quote.ok());
  ASSERT_EQ(quote->schedule.size(), 3u + 8u);
  EXPECT_EQ(quote->schedule[1].due, Day("2027-04-01"));  // option 2: three months
  EXPECT_EQ(quote->schedule[3].due, Day("2028-01-01"));
  EXPECT_EQ(quote->schedule.back().due, Day("2029-10-01"));
  EXPECT_EQ(quote->schedule.back().period_last, Day("2029-12-31"));
  for (size_t item_idx = 3; item_idx < quote->schedule.size(); ++item_idx) {
    EXPECT_EQ(quote->schedule[item_idx].amount_ht, Euros(2000) * 3);
  }
  EXPECT_EQ(SumHt(quote->schedule), Euros(2000) * 36);
  EXPECT_EQ(quote->total_ht, Euros(72000));
}

TEST(ScheduleTest, EighteenAndFourteenMonths) {
  Quote quote = BaseQuote("2027-03-01", 18);
  ASSERT_EQ(quote.schedule.size(), 5u);
  EXPECT_EQ(quote.schedule[3].period_months, 3);
  EXPECT_EQ(quote.schedule[4].period_months, 3);
  EXPECT_EQ(quote.schedule[4].period_last, Day("2028-08-31"));
  quote = BaseQuote("2027-03-01", 14);
  ASSERT_EQ(quote.schedule.size(), 4u);
  EXPECT_EQ(quote.schedule[3].period_months, 2);
  EXPECT_EQ(quote.schedule[3].amount_ht, Euros(2200));
  EXPECT_EQ(quote.schedule[3].period_last, Day("2028-04-30"));
}

// Every duration, with a price of every option and PVD: periods follow each other without
// a gap from the end of the first year to the contract's last day, and the sum is exact.
TEST(ScheduleTest, EveryDurationAddsUpAndLeavesNoGap) {
  QuoteRequest request;
  request.kind = CollectivityKind::kDepartement;
  request.start = Day("2028-02-29");
  request.options = {ProductCode::kOption1, ProductCode::kOption2, ProductCode::kOption3};
  request.pvd = true;
  request.pvd_members = {
      {ProductCode::kOption1, 3}, {ProductCode::kOption2, 7}, {ProductCode::kOption3, 1}};
  for (int months = kMinMonths; months <= kMaxMonths; ++months) {
    request.months = months;
    Result<Quote> quote = ComputeQuote(request);
    ASSERT_TRUE(quote.ok()) << months;
    EXPECT_EQ(SumHt(quote->schedule), quote->monthly_ht * months) << months;
    EXPECT_EQ(quote->total_ht, quote->monthly_ht * months);
    const size_t quarters = static_cast<size_t>((months - 12 + 2) / 3);
    ASSERT_EQ(quote->schedule.size(), 3 + quarters) << months;
    Date expected_first = NextDay(quote->schedule[2].period_last);
    int covered = 12;
    for (size_t item_idx = 3; item_idx < quote->schedule.size(); ++item_idx) {
      const Instalment& item = quote->schedule[item_idx];
      EXPECT_EQ(item.period_first, expected_first) << months << " #" << item_idx;
      EXPECT_EQ(item.due, item.period_first);
      EXPECT_EQ(item.amount_ht, quote->monthly_ht * item.period_months);
      EXPECT_TRUE(item.period_months == 3 || item_idx + 1 == quote->schedule.size());
      expected_first = NextDay(item.period_last);
      covered += item.period_months;
    }
    EXPECT_EQ(covered, months);
    EXPECT_EQ(expected_first, NextDay(quote->end)) << months;
    Cents tva = 0;
    for (const Instalment& item : quote->schedule) {
      EXPECT_EQ(item.tva, PercentOf(item.amount_ht, kTvaPercent));
      EXPECT_EQ(item.amount_ttc, item.amount_ht + item.tva);
      tva += item.tva;
    }
    EXPECT_EQ(quote->total_tva, tva);
    EXPECT_EQ(quote->total_ttc, quote->total_ht + tva);
  }
}

TEST(ScheduleTest, SixtyMonthsEndsOnTheLastDay) {
  const Quote quote = BaseQuote("2027-01-01", 60);
  ASSERT_EQ(quote.schedule.size(), 3u + 16u);
  EXPECT_EQ(quote.schedule.back().due, Day("2031-10-01"));
  EXPECT_EQ(quote.schedule.back().period_last, Day("2031-12-31"));
  EXPECT_EQ(quote.end, Day("2031-12-31"));
  EXPECT_EQ(SumHt(quote.schedule), Euros(1100) * 60);
}

// Shares that are not whole cents: the 30 % and 50 % round, the 20 % takes the remainder.
TEST(ScheduleTest, RoundingRemainderGoesToTheTwentyPercent) {
  const Date start = Day("2027-01-01");
  // 3,33 € a month: first year 39,96 €; 30 % = 11,988 → 11,99; 50 % = 19,98; rest 7,99.
  std::vector<Instalment> schedule = BuildSchedule(start, AddMonths(start, 1), 12, 333);
  ASSERT_EQ(schedule.size(), 3u);
  EXPECT_EQ(schedule[0].amount_ht, 1199);
  EXPECT_EQ(schedule[1].amount_ht, 1998);
  EXPECT_EQ(schedule[2].amount_ht, 799);
  // One cent a month: 12 cents; 30 % = 3,6 → 4; 50 % = 6; rest 2.
  schedule = BuildSchedule(start, start, 13, 1);
  EXPECT_EQ(schedule[0].amount_ht, 4);
  EXPECT_EQ(schedule[1].amount_ht, 6);
  EXPECT_EQ(schedule[2].amount_ht, 2);
  EXPECT_EQ(schedule[3].amount_ht, 1);
  for (Cents monthly : {1, 7, 333, 12345, 99999}) {
    for (int months : {12, 13, 17, 24, 36, 60}) {
      EXPECT_EQ(SumHt(BuildSchedule(start, start, months, monthly)), monthly * months)
          << monthly << " × " << months;
    }
  }
}

TEST(ScheduleTest, MonthEndsAreClampedWithoutDrift) {
  const Quote quote = BaseQuote("2027-01-31", 18);
  EXPECT_EQ(quote.schedule[1].due, Day("2027-02-28"));  // service start, one month after
  EXPECT_EQ(quote.schedule[2].due, Day("2027-12-31"));  // 11 months
  EXPECT_EQ(quote.schedule[3].due, Day("2028-01-31"));  // month 12
  EXPECT_EQ(quote.schedule[3].period_last, Day("2028-04-29"));
  EXPECT_EQ(quote.schedule[4].due, Day("2028-04-30"));  // month 15: April has 30 days
  EXPECT_EQ(quote.schedule[4].period_last, Day("2028-07-30"));
  EXPECT_EQ(quote.end, Day("2028-07-30"));
}

TEST(CalendarTest, Dates) {
  EXPECT_EQ(FormatIsoDate(Day("2027-03-09")), "2027-03-09");
  EXPECT_EQ(FormatFrenchDate(Day("2027-03-09")), "09/03/2027");
  EXPECT_EQ(AddMonths(Day("2027-11-30"), 3), Day("2028-02-29"));
  EXPECT_EQ(AddMonths(Day("2027-01-31"), 2), Day("2027-03-31"));
  EXPECT_EQ(PreviousDay(Day("2028-03-01")), Day("2028-02-29"));
  for (const char* bad :
       {"2027-02-29", "2027-00-10", "27-01-01", "2027-01-01T00", "", "aaaa-mm-jj"}) {
    EXPECT_FALSE(ParseIsoDate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace vivrovert::billing
