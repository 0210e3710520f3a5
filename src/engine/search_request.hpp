// A search: "which tiles match my criteria?" — the request as the engine reads it, and
// its parsing from the JSON that the CLI and the API accept:
//
//   {"level": "1km" | "5km",
//    "territory": {"departements": ["46"]} | {"communes": ["46042"]} | {"epci": ["200023737"]},
//    "criteria": [{"criterion": "dist_station_km", "max": 10, "importance": "required"},
//                 {"criterion": "density", "min": 10, "max": 150,
//                  "importance": "preferred", "weight": 3}],
//    "places": [{"name": "travail de Léa", "lat": 45.158, "lon": 1.533, "max_km": 25,
//                "importance": "required"},
//               {"name": "travail de Sam", "commune": "46042", "address": "…", "max_km": 40,
//                "importance": "preferred", "weight": 2}],
//    "page": {"offset": 0, "limit": 50}}
//
// Bounds are inclusive and optional (at least one per constraint). "required" constraints
// decide which tiles are green; "preferred" ones (weight 1–5, default 1) only score them.
// Places (up to kMaxPlaces) are the person's own points: a tile's distance to one is the
// straight line, in EPSG:3035, from the tile's centre to the point projected there.
// Errors are InvalidArgument with the field path ("criteria[2].max", "places[1].max_km")
// and a French message (naming the place for places).
#pragma once

#include <cstdint>
#include <functional>
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

// How a place's distance is measured. Only straight lines today; travel times (by road, by
// public transport) would be further kinds, with their own labels.
enum class PlaceMetric { kStraightLine };

// One of the person's own points ("travail de Léa") with the largest distance a tile's
// centre may lie from it. This struct is what the request says about the place (kept to
// write the request back, and for whoever records searches' constraints) plus its
// position, resolved by a PlaceLocator when the request is parsed.
struct PlaceConstraint {
  std::string name;
  // As given: coordinates (WGS84), or a commune code with an optional address.
  std::optional<double> given_latitude;
  std::optional<double> given_longitude;
  std::string commune;
  std::string address;
  double max_km = 0;  // > 0
  Importance importance = Importance::kRequired;
  int weight = 1;  // 1–5, preferred places only
  PlaceMetric metric = PlaceMetric::kStraightLine;
  // Resolved position: EPSG:3035 easting/northing (metres) and WGS84.
  double x = 0;
  double y = 0;
  double latitude = 0;
  double longitude = 0;
};

struct PlacePosition {
  double x = 0;  // EPSG:3035 easting, metres
  double y = 0;  // EPSG:3035 northing, metres
  double latitude = 0;
  double longitude = 0;
};

// Resolves where a place lies (the engine does no projection nor geocoding itself: the
// caller injects how, see listings::PlaceLocatorFor). Errors: InvalidArgument with a
// French message (the parser prefixes the place's name and sets the field).
using PlaceLocator = std::function<Result<PlacePosition>(const PlaceConstraint& place)>;

struct SearchRequest {
  Level level = Level::k1km;
  std::vector<Constraint> constraints;
  std::vector<PlaceConstraint> places;
  // Indices (in the grid's commune table) of the communes the search is restricted to;
  // empty when the request names no territory.
  std::vector<uint32_t> territory_communes;
  bool has_territory = false;
  size_t offset = 0;
  size_t limit = 50;
};

inline constexpr size_t kMaxConstraints = 64;
inline constexpr size_t kMaxPageLimit = 1000;
inline constexpr size_t kMaxPlaces = 8;
inline constexpr double kMaxPlaceKm = 1000;

// Parses and checks a request against `grid` (criteria, level, territory codes, places).
// Places are located with `locator`; without one, a request naming places is refused.
// A request needs at least one criterion or one place.
Result<SearchRequest> ParseSearchRequest(const nlohmann::json& body, const GridFile& grid,
                                         const PlaceLocator& locator = {});

// The request back as JSON (for explanations and logs, and stored as saved searches), in
// the same format: places as they were given (not their resolved positions).
nlohmann::json SearchRequestToJson(const SearchRequest& request, const GridFile& grid);
// The "places" list of that JSON.
nlohmann::json PlacesToJson(const std::vector<PlaceConstraint>& places);

}  // namespace vivrovert::engine
