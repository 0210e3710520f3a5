// A search: "which tiles match my criteria?" — the request as the engine reads it, and
// its parsing from the JSON that the CLI and the API accept:
//
//   {"level": "1km" | "5km",
//    "territory": {"departements": ["46"]} | {"communes": ["46042"]} | {"epci": ["200023737"]},
//    "criteria": [{"criterion": "dist_station_km", "max": 10, "importance": "required"},
//                 {"criterion": "density", "min": 10, "max": 150,
//                  "importance": "preferred", "weight": 3}],
//    "page": {"offset": 0, "limit": 50}}
//
// Bounds are inclusive and optional (at least one per constraint). "required" constraints
// decide which tiles are green; "preferred" ones (weight 1–5, default 1) only score them.
// Errors are InvalidArgument with the field path ("criteria[2].max") and a French message.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::engine {

enum class Importance { kRequired, kPreferred };

struct Constraint {
  size_t criterion = 0;  // index in the grid's catalogue
  std::optional<double> min;
  std::optional<double> max;
  Importance importance = Importance::kRequired;
  int weight = 1;  // 1–5, preferred constraints only
};

struct SearchRequest {
  Level level = Level::k1km;
  std::vector<Constraint> constraints;
  // Indices (in the grid's commune table) of the communes the search is restricted to;
  // empty when the request names no territory.
  std::vector<uint32_t> territory_communes;
  bool has_territory = false;
  size_t offset = 0;
  size_t limit = 50;
};

inline constexpr size_t kMaxConstraints = 64;
inline constexpr size_t kMaxPageLimit = 1000;

// Parses and checks a request against `grid` (criteria, level, territory codes).
Result<SearchRequest> ParseSearchRequest(const nlohmann::json& body, const GridFile& grid);

// The request back as JSON (for explanations and logs), in the same format.
nlohmann::json SearchRequestToJson(const SearchRequest& request, const GridFile& grid);

}  // namespace vivrovert::engine
