// The effect of a communication event on the demand (issue #20, "Events"): the daily
// number of searches turning the territory green in the days before the event against the
// days from it on, the change in level (difference of the daily means) and a bootstrap
// interval over days — each side's days resampled with replacement, kEventResamples times,
// from a fixed seed, the 2.5th and 97.5th percentiles of the differences. When the interval
// contains zero the change is not measurable ("aucun changement mesurable").
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vivrovert::demand {

inline constexpr int kEventWindowDays = 28;
inline constexpr int kEventResamples = 2000;
inline constexpr uint64_t kEventSeed = 2026;

struct EventEffect {
  int days_before = 0;
  int days_after = 0;
  double mean_before = 0;  // per day
  double mean_after = 0;
  double change = 0;  // mean_after − mean_before
  double low = 0;     // the 95 % bootstrap interval of the change
  double high = 0;
  // Both sides have days and the interval excludes zero.
  bool measurable = false;
};

// `before` and `after`: one count per day (days without search count 0). An empty side
// gives an effect with measurable = false and zero means.
EventEffect MeasureEventEffect(const std::vector<int64_t>& before,
                               const std::vector<int64_t>& after, uint64_t seed = kEventSeed,
                               int resamples = kEventResamples);

}  // namespace vivrovert::demand
