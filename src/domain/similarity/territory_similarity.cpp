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

SimilarityIndex SimilarityIndex::Build(const engine::GridFile& grid, engine::Level level) {
  SimilarityIndex index;
  index.level_ = level;
  index.criteria_ = grid.catalogue().criteria().size();
  const engine::LevelView* view = grid.level(level);
  // EPCI codes in order; a tile counts once for each EPCI among its communes.
  std::map<std::string, size_t> slot_of;
  for (const engine::CommuneRef& commune : grid.communes()) {
    if (!commune.epci.empty()) slot_of.emplace(commune.epci, 0);
  }
  for (auto& [code, slot] : slot_of) {
    slot = index.epcis_.size();
    index.epcis_.push_back(code);
  }
  std::vector<size_t> epci_of_commune(grid.communes().size(), SIZE_MAX);
  for (size_t commune_idx = 0; commune_idx < grid.communes().size(); ++commune_idx) {
    const std::string& epci = grid.communes()[commune_idx].epci;
    if (!epci.empty()) epci_of_commune[commune_idx] = slot_of.at(epci);
  }
  std::vector<Tally> tallies(index.epcis_.size(), Tally(index.criteria_));
  if (view != nullptr) {
    std::vector<size_t> seen;
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
      seen.clear();
      auto [first, last] = view->communes(tile_idx);
      for (auto share = first; share != last; ++share) {
        const size_t slot = epci_of_commune[share->commune];
        if (slot == SIZE_MAX || std::find(seen.begin(), seen.end(), slot) != seen.end()) continue;
        seen.push_back(slot);
        tallies[slot].Add(*view, tile_idx);
      }
    }
  }
  // Centre and spread of each criterion over the EPCI means (population standard deviation).
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
  index.profiles_.assign(index.epcis_.size() * index.criteria_, kNaN);
  for (size_t slot = 0; slot < index.epcis_.size(); ++slot) {
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

std::vector<double> SimilarityIndex::ProfileOfEpci(std::string_view siren) const {
  auto found = std::lower_bound(epcis_.begin(), epcis_.end(), siren);
  if (found == epcis_.end() || *found != siren) return {};
  const size_t slot = static_cast<size_t>(found - epcis_.begin());
  return {profiles_.begin() + static_cast<std::ptrdiff_t>(slot * criteria_),
          profiles_.begin() + static_cast<std::ptrdiff_t>((slot + 1) * criteria_)};
}

double SimilarityIndex::Distance(const std::vector<double>& a, const std::vector<double>& b) {
  double squares = 0;
  size_t shared = 0;
  for (size_t criterion_idx = 0; criterion_idx < a.size() && criterion_idx < b.size();
       ++criterion_idx) {
    if (std::isnan(a[criterion_idx]) || std::isnan(b[criterion_idx])) continue;
    const double difference = a[criterion_idx] - b[criterion_idx];
    squares += difference * difference;
    ++shared;
  }
  return shared == 0 ? std::numeric_limits<double>::infinity()
                     : std::sqrt(squares / static_cast<double>(shared));
}

std::vector<Neighbour> SimilarityIndex::Nearest(const std::vector<double>& profile, size_t k,
                                                const std::vector<std::string>& exclude) const {
  std::vector<Neighbour> all;
  all.reserve(epcis_.size());
  std::vector<double> row(criteria_);
  for (size_t slot = 0; slot < epcis_.size(); ++slot) {
    if (std::find(exclude.begin(), exclude.end(), epcis_[slot]) != exclude.end()) continue;
    std::copy_n(profiles_.begin() + static_cast<std::ptrdiff_t>(slot * criteria_), criteria_,
                row.begin());
    const double distance = Distance(profile, row);
    if (std::isinf(distance)) continue;
    all.push_back({epcis_[slot], distance});
  }
  auto nearer = [](const Neighbour& a, const Neighbour& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.epci < b.epci;
  };
  const size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    nearer);
  all.resize(keep);
  return all;
}

}  // namespace vivrovert::similarity
