#include "domain/compatibility/territory_fit.hpp"

#include <algorithm>
#include <limits>

namespace vivrovert::compatibility {

bool BetterFit(const TerritoryFit& a, const TerritoryFit& b) {
  // Compare shares without division: met_a / total_a vs met_b / total_b.
  const uint64_t left = uint64_t{a.criteria_met} * b.criteria_total;
  const uint64_t right = uint64_t{b.criteria_met} * a.criteria_total;
  if (left != right) return left > right;
  if (a.margin != b.margin) return a.margin > b.margin;
  return a.green_tiles > b.green_tiles;
}

TerritoryFit EvaluateFit(const engine::SearchEngine& engine, const engine::SearchRequest& request,
                         const std::vector<uint32_t>& tiles) {
  TerritoryFit fit;
  // Spreads once per constraint (the engine's own value ranges at the level).
  std::vector<double> spreads(request.constraints.size(), 0.0);
  for (size_t constraint_idx = 0; constraint_idx < request.constraints.size(); ++constraint_idx) {
    const engine::Constraint& constraint = request.constraints[constraint_idx];
    if (constraint.importance != engine::Importance::kRequired) continue;
    ++fit.criteria_total;
    if (auto range = engine.ValueRange(request.level, constraint.criterion))
      spreads[constraint_idx] = range->second - range->first;
  }
  for (const engine::PlaceConstraint& place : request.places) {
    if (place.importance == engine::Importance::kRequired) ++fit.criteria_total;
  }
  if (fit.criteria_total == 0) return fit;

  for (uint32_t tile : tiles) {
    const engine::Explanation explanation = engine.Explain(request, tile);
    uint32_t met = 0;
    double margin = std::numeric_limits<double>::infinity();
    for (const engine::ConstraintCheck& check : explanation.checks) {
      const engine::Constraint& constraint = request.constraints[check.constraint];
      if (constraint.importance != engine::Importance::kRequired || !check.passes) continue;
      ++met;
      const double spread = spreads[check.constraint];
      const double relative = spread > 0 ? std::min(1.0, check.margin.value_or(0.0) / spread) : 1.0;
      margin = std::min(margin, relative);
    }
    for (const engine::PlaceCheck& check : explanation.places) {
      const engine::PlaceConstraint& place = request.places[check.place];
      if (place.importance != engine::Importance::kRequired || !check.passes) continue;
      ++met;
      margin = std::min(margin, std::clamp(check.margin_km / place.max_km, 0.0, 1.0));
    }
    if (met == 0) margin = 0;
    if (met == fit.criteria_total) ++fit.green_tiles;
    if (!fit.best_tile || met > fit.criteria_met ||
        (met == fit.criteria_met && margin > fit.margin)) {
      fit.best_tile = tile;
      fit.criteria_met = met;
      fit.margin = margin;
    }
  }
  return fit;
}

}  // namespace vivrovert::compatibility
