// The similarity of domain/similarity computed the plain way, as the tests' reference:
// per unit (EPCI or commune, `UnitOf` names a commune's), the mean of each criterion over
// the tiles one of whose communes is in it, z-scores across units, and the root mean square
// of the differences over the criteria both units have.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/grid_file.hpp"

namespace vivrovert::similarity::testing {

using UnitOf = std::function<std::string(const engine::CommuneRef&)>;

// Standardised profile per unit code; NaN where a unit has no value or the spread is 0.
inline std::map<std::string, std::vector<double>> BruteProfiles(const engine::GridFile& grid,
                                                                const UnitOf& unit_of) {
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  const size_t criteria = grid.catalogue().criteria().size();
  std::map<std::string, std::vector<double>> sums, counts;
  for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
    std::set<std::string> units;
    auto [first, last] = level.communes(tile_idx);
    for (auto share = first; share != last; ++share)
      units.insert(unit_of(grid.communes()[share->commune]));
    for (const std::string& unit : units) {
      sums[unit].resize(criteria, 0);
      counts[unit].resize(criteria, 0);
      for (size_t criterion_idx = 0; criterion_idx < criteria; ++criterion_idx) {
        if (auto value = level.Value(criterion_idx, tile_idx)) {
          sums[unit][criterion_idx] += *value;
          counts[unit][criterion_idx] += 1;
        }
      }
    }
  }
  std::map<std::string, std::vector<double>> z;
  for (size_t criterion_idx = 0; criterion_idx < criteria; ++criterion_idx) {
    std::vector<double> means;
    for (const auto& [unit, sum] : sums) {
      const double count = counts[unit][criterion_idx];
      means.push_back(count > 0 ? sum[criterion_idx] / count : std::nan(""));
    }
    double centre = 0, present = 0;
    for (double mean : means) {
      if (std::isnan(mean)) continue;
      centre += mean;
      present += 1;
    }
    centre /= present;
    double squares = 0;
    for (double mean : means)
      if (!std::isnan(mean)) squares += (mean - centre) * (mean - centre);
    const double spread = std::sqrt(squares / present);
    size_t slot = 0;
    for (const auto& [unit, sum] : sums) {
      z[unit].push_back(spread > 0 && !std::isnan(means[slot]) ? (means[slot] - centre) / spread
                                                               : std::nan(""));
      ++slot;
    }
  }
  return z;
}

// Every other unit by distance to `code`, nearest first, then by code; infinitely far ones
// (no shared criterion) left out.
inline std::vector<std::pair<double, std::string>> BruteNearest(
    const std::map<std::string, std::vector<double>>& profiles, const std::string& code) {
  const std::vector<double>& profile = profiles.at(code);
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [other, other_profile] : profiles) {
    if (other == code) continue;
    double squares = 0;
    int shared = 0;
    for (size_t criterion_idx = 0; criterion_idx < profile.size(); ++criterion_idx) {
      if (std::isnan(profile[criterion_idx]) || std::isnan(other_profile[criterion_idx])) continue;
      squares += std::pow(profile[criterion_idx] - other_profile[criterion_idx], 2);
      ++shared;
    }
    if (shared > 0) ranked.emplace_back(std::sqrt(squares / shared), other);
  }
  std::sort(ranked.begin(), ranked.end());
  return ranked;
}

}  // namespace vivrovert::similarity::testing
