#include "domain/similarity/territory_similarity.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace vivrovert::similarity {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sums and counts of each criterion's values, per territory.
struct Tally {
  std::vector<double> sum;
  std::vector<uint32_t> count;
  explicit Tally(size_t criteria) : sum(criteria, 0.0), count(criteria, 0) {}
  void Add(const engine::LevelView& level, size_t tile_idx) {
    for (size_t criterion_idx = 0; criterion_idx < sum.size(); ++criterion_idx) {
      if (std::optional<double> value = level.Value(criterion_idx, tile_idx)) {
        sum[criterion_idx] += *value;
        ++count[criterion_idx];
      }
    }
  }
  double Mean(size_t criterion_idx) const {
    return count[criterion_idx] == 0 ? kNaN : sum[criterion_idx] / count[criterion_idx];
  }
};

}  // namespace

SimilarityIndex SimilarityIndex::Build(const engine::GridFile& grid, engine::Level level,
                                       Unit unit) {
  SimilarityIndex index;
  index.level_ = level;
  index.unit_ = unit;
  index.criteria_ = grid.catalogue().criteria().size();
  const engine::LevelView* view = grid.level(level);
  auto code_of = [&grid, unit](size_t commune_idx) -> const std::string& {
    const engine::CommuneRef& commune = grid.communes()[commune_idx];
    return unit == Unit::kEpci ? commune.epci : commune.code;
  };
  // Codes in order; a tile counts once for each unit among its communes.
  std::map<std::string, size_t> slot_of;
  for (size_t commune_idx = 0; commune_idx < grid.communes().size(); ++commune_idx) {
    if (!code_of(commune_idx).empty()) slot_of.emplace(code_of(commune_idx), 0);
  }
  for (auto& [code, slot] : slot_of) {
    slot = index.codes_.size();
    index.codes_.push_back(code);
  }
  std::vector<size_t> slot_of_commune(grid.communes().size(), SIZE_MAX);
  for (size_t commune_idx = 0; commune_idx < grid.communes().size(); ++commune_idx) {
    if (!code_of(commune_idx).empty())
      slot_of_commune[commune_idx] = slot_of.at(code_of(commune_idx));
  }
  std::vector<Tally> tallies(index.codes_.size(), Tally(index.criteria_));
  if (view != nullptr) {
    std::vector<size_t> seen;
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
      seen.clear();
      auto [first, last] = view->communes(tile_idx);
      for (auto share = first; share != last; ++share) {
        const size_t slot = slot_of_commune[share->commune];
        if (slot == SIZE_MAX || std::find(seen.begin(), seen.end(), slot) != seen.end()) continue;
        seen.push_back(slot);
        tallies[slot].Add(*view, tile_idx);
      }
    }
  }
  // Centre and spread of each criterion over the units' means (population standard
  // deviation).
  index.centre_.assign(index.criteria_, 0.0);
  index.spread_.assign(index.criteria_, 0.0);
  for (size_t criterion_idx = 0; criterion_idx < index.criteria_; ++criterion_idx) {
    double sum = 0, squares = 0;
    size_t count = 0;
    for (const Tally& tally : tallies) {
      const double mean = tally.Mean(criterion_idx);
      if (std::isnan(mean)) continue;
      sum += mean;
      ++count;
    }
    if (count == 0) continue;
    const double centre = sum / static_cast<double>(count);
    for (const Tally& tally : tallies) {
      const double mean = tally.Mean(criterion_idx);
      if (!std::isnan(mean)) squares += (mean - centre) * (mean - centre);
    }
    index.centre_[criterion_idx] = centre;
    index.spread_[criterion_idx] = std::sqrt(squares / static_cast<double>(count));
  }
  index.profiles_.assign(index.codes_.size() * index.criteria_, kNaN);
  for (size_t slot = 0; slot < index.codes_.size(); ++slot) {
    for (size_t criterion_idx = 0; criterion_idx < index.criteria_; ++criterion_idx) {
      const double mean = tallies[slot].Mean(criterion_idx);
      if (std::isnan(mean) || index.spread_[criterion_idx] <= 0) continue;
      index.profiles_[slot * index.criteria_ + criterion_idx] =
          (mean - index.centre_[criterion_idx]) / index.spread_[criterion_idx];
    }
  }
  return index;
}

std::vector<double> SimilarityIndex::ProfileOf(const engine::GridFile& grid,
                                               const std::vector<uint32_t>& tiles) const {
  Tally tally(criteria_);
  if (const engine::LevelView* view = grid.level(level_)) {
    for (uint32_t tile : tiles) tally.Add(*view, tile);
  }
  std::vector<double> profile(criteria_, kNaN);
  for (size_t criterion_idx = 0; criterion_idx < criteria_; ++criterion_idx) {
    const double mean = tally.Mean(criterion_idx);
    if (std::isnan(mean) || spread_[criterion_idx] <= 0) continue;
    profile[criterion_idx] = (mean - centre_[criterion_idx]) / spread_[criterion_idx];
  }
  return profile;
}

std::vector<double> SimilarityIndex::ProfileOfUnit(std::string_view code) const {
  auto found = std::lower_bound(codes_.begin(), codes_.end(), code);
  if (found == codes_.end() || *found != code) return {};
  const size_t slot = static_cast<size_t>(found - codes_.begin());
  return {profiles_.begin() + static_cast<std::ptrdiff_t>(slot * criteria_),
          profiles_.begin() + static_cast<std::ptrdiff_t>((slot + 1) * criteria_)};
}

namespace {

// The root mean square of the differences over the `n` criteria both profiles have.
double RootMeanSquare(const double* a, const double* b, size_t n) {
  double squares = 0;
  size_t shared = 0;
  for (size_t criterion_idx = 0; criterion_idx < n; ++criterion_idx) {
    if (std::isnan(a[criterion_idx]) || std::isnan(b[criterion_idx])) continue;
    const double difference = a[criterion_idx] - b[criterion_idx];
    squares += difference * difference;
    ++shared;
  }
  return shared == 0 ? std::numeric_limits<double>::infinity()
                     : std::sqrt(squares / static_cast<double>(shared));
}

}  // namespace

double SimilarityIndex::Distance(const std::vector<double>& a, const std::vector<double>& b) {
  return RootMeanSquare(a.data(), b.data(), std::min(a.size(), b.size()));
}

std::vector<Neighbour> SimilarityIndex::Nearest(const std::vector<double>& profile, size_t k,
                                                const std::vector<std::string>& exclude) const {
  // (distance, slot): codes_ are ascending, so the slot breaks ties by code.
  std::vector<std::pair<double, size_t>> all;
  all.reserve(codes_.size());
  const size_t compared = std::min(profile.size(), criteria_);
  for (size_t slot = 0; slot < codes_.size(); ++slot) {
    if (std::find(exclude.begin(), exclude.end(), codes_[slot]) != exclude.end()) continue;
    const double distance =
        RootMeanSquare(profile.data(), profiles_.data() + slot * criteria_, compared);
    if (!std::isinf(distance)) all.emplace_back(distance, slot);
  }
  const size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end());
  std::vector<Neighbour> nearest;
  nearest.reserve(keep);
  for (size_t rank = 0; rank < keep; ++rank)
    nearest.push_back({codes_[all[rank].second], all[rank].first});
  return nearest;
}

}  // namespace vivrovert::similarity
