// The scheduled data update (app/data_update_schedule.hpp) on a manual clock: due once on
// the configured day from the configured hour, Paris time; off by default; not again the
// same day, even after a restart (the state file).
#include "app/data_update_schedule.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/common/env.hpp"
#include "core/common/paris_time.hpp"
#include "core/config/config.hpp"
#include "web_test_support.hpp"

namespace vivrovert::app {
namespace {

// 2026-03-02 is a Monday; in winter Paris is UTC+1.
constexpr int64_t kMondayMidnightUtc = 1772409600;  // 2026-03-02 00:00 UTC, 01:00 Paris
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

TEST(DataUpdateScheduleTest, ParisWeekdays) {
  EXPECT_EQ(ParisWeekday(kMondayMidnightUtc), 1);
  EXPECT_EQ(ParisWeekday(kMondayMidnightUtc + 2 * kDay), 3);
  EXPECT_EQ(ParisWeekday(kMondayMidnightUtc + 6 * kDay), 7);
  // Sunday 23:30 UTC is already Monday 00:30 in Paris.
  EXPECT_EQ(ParisWeekday(kMondayMidnightUtc - kHour / 2), 1);
  EXPECT_EQ(ParisWeekday(kMondayMidnightUtc - 2 * kHour), 7);
}

TEST(DataUpdateScheduleTest, OffByDefault) {
  testing::TempDir folder;
  ManualClock clock(kMondayMidnightUtc + 10 * kHour);
  Config config;
  DataUpdateSchedule schedule(config.data_update_day, config.data_update_hour, clock,
                              (folder.path() / "last-run").string());
  EXPECT_FALSE(schedule.enabled());
  for (int day = 0; day < 7; ++day) {
    clock.Set(kMondayMidnightUtc + day * kDay + 10 * kHour);
    EXPECT_FALSE(schedule.Due());
  }
}

TEST(DataUpdateScheduleTest, RunsOnceOnTheDayFromTheHour) {
  testing::TempDir folder;
  const std::string state = (folder.path() / "var" / "last-run").string();
  ManualClock clock(kMondayMidnightUtc);
  // Wednesday from 4 a.m., Paris time (3 a.m. UTC in winter).
  DataUpdateSchedule schedule(3, 4, clock, state);
  ASSERT_TRUE(schedule.enabled());
  int runs = 0;
  // Every 5 minutes for two weeks, as the server's scheduler looks.
  std::vector<int64_t> run_times;
  for (int64_t now = kMondayMidnightUtc; now < kMondayMidnightUtc + 14 * kDay; now += 300) {
    clock.Set(now);
    if (schedule.Due()) {
      ++runs;
      run_times.push_back(now);
      ASSERT_TRUE(schedule.MarkRun().ok());
    }
  }
  ASSERT_EQ(runs, 2);
  EXPECT_EQ(run_times[0], kMondayMidnightUtc + 2 * kDay + 3 * kHour);
  EXPECT_EQ(run_times[1], kMondayMidnightUtc + 9 * kDay + 3 * kHour);

  // A restart the same Wednesday afternoon does not run it again; the next week it does.
  clock.Set(kMondayMidnightUtc + 9 * kDay + 14 * kHour);
  DataUpdateSchedule restarted(3, 4, clock, state);
  EXPECT_FALSE(restarted.Due());
  clock.Set(kMondayMidnightUtc + 16 * kDay + 5 * kHour);
  EXPECT_TRUE(restarted.Due());
}

TEST(DataUpdateScheduleTest, EveryDay) {
  testing::TempDir folder;
  ManualClock clock(kMondayMidnightUtc);
  DataUpdateSchedule schedule(0, 23, clock, (folder.path() / "last-run").string());
  int runs = 0;
  for (int64_t now = kMondayMidnightUtc; now < kMondayMidnightUtc + 3 * kDay; now += 300) {
    clock.Set(now);
    if (schedule.Due()) {
      ++runs;
      EXPECT_EQ(ParisHour(now), 23);
      ASSERT_TRUE(schedule.MarkRun().ok());
    }
  }
  EXPECT_EQ(runs, 3);
}

}  // namespace
}  // namespace vivrovert::app
