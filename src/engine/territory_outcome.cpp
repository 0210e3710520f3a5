#include "engine/territory_outcome.hpp"

#include <limits>

#include "engine/search_engine.hpp"
#include "engine/territory.hpp"

namespace vivrovert::engine {

std::vector<size_t> TerritoryOutcome::Blockers() const {
  std::vector<size_t> blockers;
  if (green > 0) return blockers;
  for (const ConstraintOutcome& outcome : constraints) {
    if (outcome.lone_failures > 0) blockers.push_back(outcome.constraint);
  }
  return blockers;
}

TerritoryOutcome EvaluateTerritory(const GridFile& grid, const SearchRequest& request,
                                   const std::vector<uint32_t>& tiles,
                                   const Territory* search_filter) {
  TerritoryOutcome outcome;
  const LevelView* view = grid.level(request.level);
  const auto& criteria = grid.catalogue().criteria();
  struct Range {
    size_t criterion;
    uint32_t lo;
    uint32_t hi;
  };
  std::vector<Range> ranges;
  for (size_t constraint_idx = 0; constraint_idx < request.constraints.size(); ++constraint_idx) {
    const Constraint& constraint = request.constraints[constraint_idx];
    if (constraint.importance != Importance::kRequired) continue;
    // The engine's own code ranges, so that "passes" here is exactly the search's test.
    auto [lo, hi] = CodeRangeFor(criteria[constraint.criterion], constraint.min, constraint.max);
    ranges.push_back({constraint.criterion, lo, hi});
    outcome.constraints.push_back({constraint_idx, 0, std::nullopt, std::nullopt});
  }
  if (view == nullptr) return outcome;
  // Per constraint, the distance outside its bounds of the nearest lone-failing tile.
  std::vector<double> nearest(ranges.size(), std::numeric_limits<double>::infinity());
  for (uint32_t tile_idx : tiles) {
    if (search_filter != nullptr && !search_filter->OwnsTile(*view, tile_idx)) continue;
    ++outcome.reachable;
    // A required place of the person's own (issue 23) out of reach fails the tile as the
    // search does, but is no criterion of the territory's: it is never a lone blocker.
    bool place_failed = false;
    for (const PlaceConstraint& place : request.places) {
      if (place.importance == Importance::kRequired &&
          PlaceDistanceKm(view->tile(tile_idx), place) > place.max_km) {
        place_failed = true;
        break;
      }
    }
    size_t failures = place_failed ? 1 : 0;
    size_t failed = 0;
    for (size_t range_idx = 0; range_idx < ranges.size() && failures < 2; ++range_idx) {
      const Range& range = ranges[range_idx];
      const uint32_t code = view->Code(range.criterion, tile_idx);
      if (range.lo <= range.hi && code >= range.lo && code <= range.hi) continue;
      ++failures;
      failed = range_idx;
    }
    if (failures == 0) {
      ++outcome.green;
      continue;
    }
    if (failures > 1 || place_failed) continue;
    ConstraintOutcome& lone = outcome.constraints[failed];
    ++lone.lone_failures;
    std::optional<double> value = view->Value(ranges[failed].criterion, tile_idx);
    if (!value) continue;  // no bound admits a missing value
    const Constraint& constraint = request.constraints[lone.constraint];
    // Decoded values: code ∈ [lo, hi] exactly when min ≤ value ≤ max (CodeRangeFor).
    if (constraint.min && *value < *constraint.min) {
      const double distance = *constraint.min - *value;
      if (distance < nearest[failed]) {
        nearest[failed] = distance;
        lone.needed_min = *value;
        lone.needed_max.reset();
      }
    } else if (constraint.max && *value > *constraint.max) {
      const double distance = *value - *constraint.max;
      if (distance < nearest[failed]) {
        nearest[failed] = distance;
        lone.needed_max = *value;
        lone.needed_min.reset();
      }
    }
  }
  return outcome;
}

}  // namespace vivrovert::engine
