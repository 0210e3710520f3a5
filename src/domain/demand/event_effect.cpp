#include "domain/demand/event_effect.hpp"

#include <algorithm>
#include <random>

namespace vivrovert::demand {

namespace {

double Mean(const std::vector<int64_t>& values) {
  double sum = 0;
  for (int64_t value : values) sum += static_cast<double>(value);
  return sum / static_cast<double>(values.size());
}

// An index in [0, size) from the generator's high bits (the same on every platform).
size_t Pick(std::mt19937_64& random, size_t size) {
  const double fraction = static_cast<double>(random() >> 11) * 0x1.0p-53;
  return std::min(size - 1, static_cast<size_t>(fraction * static_cast<double>(size)));
}

double ResampledMean(std::mt19937_64& random, const std::vector<int64_t>& values) {
  double sum = 0;
  for (size_t draw = 0; draw < values.size(); ++draw)
    sum += static_cast<double>(values[Pick(random, values.size())]);
  return sum / static_cast<double>(values.size());
}

}  // namespace

EventEffect MeasureEventEffect(const std::vector<int64_t>& before,
                               const std::vector<int64_t>& after, uint64_t seed, int resamples) {
  EventEffect effect;
  effect.days_before = static_cast<int>(before.size());
  effect.days_after = static_cast<int>(after.size());
  if (before.empty() || after.empty() || resamples < 1) return effect;
  effect.mean_before = Mean(before);
  effect.mean_after = Mean(after);
  effect.change = effect.mean_after - effect.mean_before;
  std::mt19937_64 random(seed);
  std::vector<double> changes;
  changes.reserve(static_cast<size_t>(resamples));
  for (int resample = 0; resample < resamples; ++resample)
    changes.push_back(ResampledMean(random, after) - ResampledMean(random, before));
  std::sort(changes.begin(), changes.end());
  const auto at = [&](double p) {
    return changes[static_cast<size_t>(p * static_cast<double>(changes.size() - 1))];
  };
  effect.low = at(0.025);
  effect.high = at(0.975);
  effect.measurable = effect.low > 0 || effect.high < 0;
  return effect;
}

}  // namespace vivrovert::demand
