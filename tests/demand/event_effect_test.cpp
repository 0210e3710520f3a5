// The change in level around an event and its bootstrap interval, on series with known
// answers.
#include "domain/demand/event_effect.hpp"

#include <gtest/gtest.h>

namespace vivrovert::demand {
namespace {

TEST(EventEffectTest, AConstantRiseIsMeasuredExactly) {
  const EventEffect effect =
      MeasureEventEffect(std::vector<int64_t>(28, 10), std::vector<int64_t>(14, 20));
  EXPECT_EQ(effect.days_before, 28);
  EXPECT_EQ(effect.days_after, 14);
  EXPECT_DOUBLE_EQ(effect.mean_before, 10);
  EXPECT_DOUBLE_EQ(effect.mean_after, 20);
  EXPECT_DOUBLE_EQ(effect.change, 10);
  // Every resample of constant days gives the same difference.
  EXPECT_DOUBLE_EQ(effect.low, 10);
  EXPECT_DOUBLE_EQ(effect.high, 10);
  EXPECT_TRUE(effect.measurable);
}

TEST(EventEffectTest, TheSameDaysOnBothSidesAreNoMeasurableChange) {
  const std::vector<int64_t> days = {0, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9};
  const EventEffect effect = MeasureEventEffect(days, days);
  EXPECT_DOUBLE_EQ(effect.change, 0);
  EXPECT_LT(effect.low, 0);
  EXPECT_GT(effect.high, 0);
  EXPECT_FALSE(effect.measurable);
}

TEST(EventEffectTest, AClearDropIsMeasurableAndTheIntervalHoldsTheChange) {
  const std::vector<int64_t> before = {9, 11, 10, 12, 8, 10, 11, 9, 10, 10};
  const std::vector<int64_t> after = {2, 3, 1, 2, 4, 2, 3, 2, 1, 3};
  const EventEffect effect = MeasureEventEffect(before, after);
  EXPECT_DOUBLE_EQ(effect.mean_before, 10);
  EXPECT_DOUBLE_EQ(effect.mean_after, 2.3);
  EXPECT_DOUBLE_EQ(effect.change, -7.7);
  EXPECT_LE(effect.low, effect.change);
  EXPECT_GE(effect.high, effect.change);
  EXPECT_LT(effect.high, 0);
  EXPECT_TRUE(effect.measurable);
  // Fixed seed: the same interval every time.
  const EventEffect again = MeasureEventEffect(before, after);
  EXPECT_EQ(again.low, effect.low);
  EXPECT_EQ(again.high, effect.high);
}

TEST(EventEffectTest, NoDayAfterTheEventGivesNoConclusion) {
  const EventEffect effect = MeasureEventEffect({1, 2, 3}, {});
  EXPECT_EQ(effect.days_after, 0);
  EXPECT_FALSE(effect.measurable);
}

}  // namespace
}  // namespace vivrovert::demand
