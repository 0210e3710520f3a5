// The nightly run's calendar: Paris dates across both summer-time changes, the
// maintenance window, ISO weeks at year ends.
#include "jobs/nightly/calendar.hpp"

#include <gtest/gtest.h>

namespace vivrovert::nightly {
namespace {

// 2027-03-28 is the last Sunday of March: summer time from 01:00 UTC.
constexpr int64_t kBeforeSpring = 1806195599;  // 2027-03-28T00:59:59Z
constexpr int64_t kAtSpring = 1806195600;      // 2027-03-28T01:00:00Z
// 2027-10-31 is the last Sunday of October: back to winter time at 01:00 UTC.
constexpr int64_t kBeforeAutumn = 1824944399;    // 2027-10-31T00:59:59Z
constexpr int64_t kAtAutumn = 1824944400;        // 2027-10-31T01:00:00Z
constexpr int64_t kTuesdayMorning = 1804586400;  // 2027-03-09T10:00:00Z

TEST(CalendarTest, ParisIsOneHourAheadInWinterAndTwoInSummer) {
  EXPECT_EQ(ParisOffsetSeconds(kTuesdayMorning), 3600);
  EXPECT_EQ(ParisOffsetSeconds(kBeforeSpring), 3600);
  EXPECT_EQ(ParisOffsetSeconds(kAtSpring), 7200);
  EXPECT_EQ(ParisOffsetSeconds(kBeforeAutumn), 7200);
  EXPECT_EQ(ParisOffsetSeconds(kAtAutumn), 3600);
  EXPECT_EQ(ParisHour(kTuesdayMorning), 11);
  EXPECT_EQ(ParisHour(kAtSpring), 3);  // 01:59:59 + 1 s jumps to 03:00
  EXPECT_EQ(ParisHour(kBeforeAutumn), 2);
  EXPECT_EQ(ParisHour(kAtAutumn), 2);  // 02:59:59 summer, then 02:00 winter again
}

TEST(CalendarTest, TheRunOfANightIsNamedByItsParisDate) {
  // 23:30 UTC on 8 March is 00:30 on 9 March in Paris: inside the maintenance window.
  const int64_t late = kTuesdayMorning - 10 * 3600 - 30 * 60;
  EXPECT_EQ(ParisDate(late), "2027-03-09");
  EXPECT_TRUE(InMaintenanceWindow(late));
  EXPECT_FALSE(InMaintenanceWindow(late + 30 * 60));  // 01:00 Paris
  EXPECT_FALSE(InMaintenanceWindow(late - 31 * 60));  // 23:59 Paris the day before
  EXPECT_EQ(ParisDate(late - 31 * 60), "2027-03-08");
}

TEST(CalendarTest, IsoWeeksAndDays) {
  EXPECT_EQ(IsoWeekKey("2027-03-09"), "2027-W10");
  EXPECT_EQ(IsoWeekKey("2027-03-08"), "2027-W10");  // Monday
  EXPECT_EQ(IsoWeekKey("2027-03-07"), "2027-W09");  // Sunday
  EXPECT_EQ(IsoWeekKey("2027-01-01"), "2026-W53");  // a Friday belongs to the week of 31 Dec
  EXPECT_EQ(IsoWeekKey("2027-01-04"), "2027-W01");
  EXPECT_EQ(IsoWeekKey("2026-11-29"), "2026-W48");
  EXPECT_EQ(AddDays("2027-02-28", 1), "2027-03-01");
  EXPECT_EQ(AddDays("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(AddDays("2027-01-01", -1), "2026-12-31");
  EXPECT_TRUE(IsDate("2028-02-29"));
  EXPECT_FALSE(IsDate("2027-02-29"));
  EXPECT_FALSE(IsDate("2027-3-9"));
  EXPECT_FALSE(IsDate("2027-03-09x"));
  EXPECT_EQ(IsoWeekKey("demain"), "");
}

}  // namespace
}  // namespace vivrovert::nightly
