// What one search gives a territory: how many of its tiles are green, and for each
// required constraint how many of its tiles fail that constraint alone — the engine's
// relaxation ("how many more tiles would be green with this constraint dropped",
// search_engine.hpp) restricted to the territory's tiles — with the bound that would have
// admitted the nearest of them. The barometer (domain/demand) records this per partner
// territory for every search answered, so "criteria in retreat" are counted exactly, not
// estimated.
//
// A tile counts only when the search could reach it: inside the search's own territory
// filter, if any. Preferred constraints never decide greenness and get no outcome.
//
// Thread safety: a pure function over the immutable grid.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/grid_file.hpp"
#include "engine/search_request.hpp"
#include "engine/territory.hpp"

namespace vivrovert::engine {

struct ConstraintOutcome {
  size_t constraint = 0;       // index in the request's constraints (a required one)
  uint64_t lone_failures = 0;  // reachable tiles failing this constraint and no other
  // The bound that admits the nearest lone-failing tile (its value), on the side it fails;
  // both empty when every lone-failing tile lacks a value.
  std::optional<double> needed_min;
  std::optional<double> needed_max;
};

struct TerritoryOutcome {
  uint64_t reachable = 0;  // tiles of the territory inside the search's own filter
  uint64_t green = 0;      // of those, the green ones
  // One per required constraint, in request order.
  std::vector<ConstraintOutcome> constraints;

  // The constraints that alone kept the territory from turning green: none of its tiles
  // is green, and dropping that one constraint would make at least one green.
  std::vector<size_t> Blockers() const;
};

// `tiles`: storage indices of the territory's tiles at the request's level (as
// Territory::Tiles gives them). `search_filter`: the request's territory filter as a
// Territory (Territory::FromCommunes(request.territory_communes)), or nullptr when the
// request has none.
TerritoryOutcome EvaluateTerritory(const GridFile& grid, const SearchRequest& request,
                                   const std::vector<uint32_t>& tiles,
                                   const Territory* search_filter);

}  // namespace vivrovert::engine
