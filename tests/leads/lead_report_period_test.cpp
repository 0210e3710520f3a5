// The periods of lead reports: which days a run on a given date reports, their keys, their
// words and their bounds in Europe/Paris (expected epochs from the system's tzdata, via
// `TZ=Europe/Paris date +%s`).
#include <gtest/gtest.h>

#include "domain/leads/lead_report.hpp"

namespace vivrovert::leads {
namespace {

using partners::ReportFrequency;

ReportPeriod Period(ReportFrequency frequency, const std::string& run_date) {
  Result<ReportPeriod> period = ReportPeriodFor(frequency, run_date);
  EXPECT_TRUE(period.ok()) << run_date << ": " << period.status().ToString();
  return period.ok() ? *period : ReportPeriod{};
}

TEST(LeadReportPeriodTest, MonthlyReportsThePreviousCalendarMonthOnAnyDayOfTheNext) {
  for (const char* run : {"2026-12-01", "2026-12-17", "2026-12-31"}) {
    const ReportPeriod period = Period(ReportFrequency::kMonthly, run);
    EXPECT_EQ(period.key, "2026-11") << run;
    EXPECT_EQ(period.first_day, "2026-11-01");
    EXPECT_EQ(period.last_day, "2026-11-30");
    EXPECT_EQ(period.words, "novembre 2026");
    EXPECT_EQ(period.from, 1793487600) << "1 Nov 2026 00:00 in Paris (CET)";
    EXPECT_EQ(period.to, 1796079600 - 1) << "up to 1 Dec 2026 00:00 in Paris";
  }
  const ReportPeriod january = Period(ReportFrequency::kMonthly, "2027-01-01");
  EXPECT_EQ(january.key, "2026-12");
  EXPECT_EQ(january.words, "décembre 2026");
  EXPECT_EQ(january.last_day, "2026-12-31");
  const ReportPeriod february = Period(ReportFrequency::kMonthly, "2024-03-10");
  EXPECT_EQ(february.key, "2024-02");
  EXPECT_EQ(february.last_day, "2024-02-29") << "leap year";
  EXPECT_EQ(february.words, "février 2024");
}

TEST(LeadReportPeriodTest, WeeklyReportsThePreviousIsoWeekMondayToSunday) {
  // 2026-11-23 is a Monday, 2026-11-29 the Sunday after it.
  for (const char* run : {"2026-11-23", "2026-11-25", "2026-11-29"}) {
    const ReportPeriod period = Period(ReportFrequency::kWeekly, run);
    EXPECT_EQ(period.key, "2026-W47") << run;
    EXPECT_EQ(period.first_day, "2026-11-16");
    EXPECT_EQ(period.last_day, "2026-11-22");
    EXPECT_EQ(period.words, "semaine du 16 au 22 novembre 2026");
  }
  const ReportPeriod across_months = Period(ReportFrequency::kWeekly, "2026-12-07");
  EXPECT_EQ(across_months.key, "2026-W49");
  EXPECT_EQ(across_months.words, "semaine du 30 novembre au 6 décembre 2026");
  const ReportPeriod first_of_month = Period(ReportFrequency::kWeekly, "2025-12-08");
  EXPECT_EQ(first_of_month.words, "semaine du 1er au 7 décembre 2025");
  // ISO weeks belong to the year of their Thursday.
  const ReportPeriod across_years = Period(ReportFrequency::kWeekly, "2026-01-05");
  EXPECT_EQ(across_years.key, "2026-W01");
  EXPECT_EQ(across_years.words, "semaine du 29 décembre 2025 au 4 janvier 2026");
  EXPECT_EQ(Period(ReportFrequency::kWeekly, "2021-01-04").key, "2020-W53");
}

TEST(LeadReportPeriodTest, DailyReportsTheDayBeforeWithParisDaylightSaving) {
  const ReportPeriod period = Period(ReportFrequency::kDaily, "2026-11-29");
  EXPECT_EQ(period.key, "2026-11-28");
  EXPECT_EQ(period.first_day, "2026-11-28");
  EXPECT_EQ(period.last_day, "2026-11-28");
  EXPECT_EQ(period.words, "28 novembre 2026");
  EXPECT_EQ(Period(ReportFrequency::kDaily, "2026-12-02").words, "1er décembre 2026");
  EXPECT_EQ(Period(ReportFrequency::kDaily, "2024-03-01").key, "2024-02-29");

  // The spring-forward day has 23 hours, the fall-back day 25.
  const ReportPeriod spring = Period(ReportFrequency::kDaily, "2026-03-30");
  EXPECT_EQ(spring.from, 1774738800);
  EXPECT_EQ(spring.to, 1774821600 - 1);
  EXPECT_EQ(spring.to - spring.from + 1, 23 * 3600);
  const ReportPeriod autumn = Period(ReportFrequency::kDaily, "2026-10-26");
  EXPECT_EQ(autumn.from, 1792879200);
  EXPECT_EQ(autumn.to - autumn.from + 1, 25 * 3600);
}

TEST(LeadReportPeriodTest, RefusesBadDatesAndTheNoneFrequency) {
  for (const char* bad : {"2026-02-30", "30/11/2026", "", "2026-11-2"}) {
    Result<ReportPeriod> period = ReportPeriodFor(ReportFrequency::kMonthly, bad);
    ASSERT_FALSE(period.ok()) << bad;
    EXPECT_EQ(period.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(period.status().field(), "run_date");
    EXPECT_NE(period.status().message().find("AAAA-MM-JJ"), std::string::npos)
        << period.status().message();
  }
  EXPECT_EQ(ReportPeriodFor(ReportFrequency::kNone, "2026-11-29").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(ParisDayStart("2026-13-01").has_value());
  EXPECT_EQ(ParisDayStart("2026-03-01"), 1772319600);
}

}  // namespace
}  // namespace vivrovert::leads
