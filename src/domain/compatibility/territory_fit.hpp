// Compatibility of a search with a territory: whether and how well the territory's tiles
// meet the search's required criteria, as the engine judges each tile (Explain), so no
// criterion is re-implemented here.
//
// The rule (docs/SKILLS.md, "Compatibility of a person with a territory"):
//  - the criteria counted are the request's required constraints and required places
//    (preferred ones never decide greenness and are not counted);
//  - each tile of the territory meets some of them; the best tile meets the most, then has
//    the largest margin, then the smallest storage index;
//  - the margin of a tile is the smallest relative margin among the criteria it meets:
//    for a criterion, the distance to its nearest bound over the spread of the criterion at
//    that level (capped at 1; 1 when the spread is 0), for a place (max − distance) / max;
//    0 when the tile meets none;
//  - green_tiles counts the territory's tiles meeting every counted criterion.
// The search's own territory filter is ignored: the question is whether this territory
// would suit the person's criteria, not whether they looked there.
//
// Thread safety: pure functions over the immutable engine.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/engine.hpp"

namespace vivrovert::compatibility {

struct TerritoryFit {
  uint32_t criteria_total = 0;        // required constraints and places of the request
  uint32_t criteria_met = 0;          // met by the best tile
  std::optional<uint32_t> best_tile;  // storage index at the request's level; none: no tile
  double margin = 0;                  // of the best tile, in [0, 1]
  uint64_t green_tiles = 0;           // tiles meeting every counted criterion

  double Share() const {
    return criteria_total == 0 ? 0.0 : static_cast<double>(criteria_met) / criteria_total;
  }
};

// True when `a` is a better fit than `b`: a larger share met, then a larger margin, then
// more green tiles.
bool BetterFit(const TerritoryFit& a, const TerritoryFit& b);

// `tiles`: storage indices at the request's level (engine::Territory::Tiles).
TerritoryFit EvaluateFit(const engine::SearchEngine& engine, const engine::SearchRequest& request,
                         const std::vector<uint32_t>& tiles);

}  // namespace vivrovert::compatibility
