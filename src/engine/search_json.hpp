// JSON views of the engine's answers, shared by the CLI and the web API so both speak
// exactly the same format (documented in docs/API.md and /api/v1/openapi.json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/search_engine.hpp"

namespace vivrovert::engine {

// {"level", "green_count", "communes_count", "page": {offset, limit}, "tiles": [{id, score}],
//  "communes": [{code, name, departement, green_tiles}], "relax": [...]}, and when the
// request has places, "places": [{name, importance, max_km, weight?, latitude, longitude,
// x, y, distance: "straight_line", relax: null | {gain_if_dropped, relaxable,
// suggestion: {max_km}, green_with_suggestion, doubles}}].
// `max_communes` (≤ kRankedCommunes) bounds the communes listed; communes_count is the full count.
nlohmann::json SearchResultToJson(const SearchEngine& engine, const SearchRequest& request,
                                  const SearchResult& result,
                                  size_t max_communes = kRankedCommunes);

// The same answer as SearchResultToJson(...).dump(), byte for byte, written straight to
// text without building a JSON tree: the hot path of POST /api/v1/search. Throws like
// dump() when a string of the grid is not valid UTF-8.
std::string SearchResultJsonText(const SearchEngine& engine, const SearchRequest& request,
                                 const SearchResult& result, size_t max_communes = kRankedCommunes);

// The pieces of that writer, each producing exactly what nlohmann::json::dump() does for
// the same value (default settings: UTF-8 kept as is, strict).
namespace json_text {
// `text` as a quoted JSON string: `"` and `\` escaped, \b \f \n \r \t, other bytes below
// 0x20 as \u00xx. Returns false, leaving `out` as it was, when `text` is not valid UTF-8.
bool AppendString(std::string& out, std::string_view text);
// Shortest round-trip form ("0.5", "1.0", "1e-05"); "null" when not finite.
void AppendDouble(std::string& out, double value);
void AppendUnsigned(std::string& out, uint64_t value);
}  // namespace json_text

// "straight_line" (JSON) and "à vol d'oiseau" (for people): how a place's distance is measured.
const char* PlaceMetricName(PlaceMetric metric);
const char* PlaceMetricLabel(PlaceMetric metric);
// "à 31 km de « travail de Léa » (max 25)".
std::string PlaceCheckText(const PlaceConstraint& place, const PlaceCheck& check);

// {"tile", "level", "green", "in_territory", "score", "checks": [...]}, and "places":
// [{name, importance, max_km, distance_km, distance, distance_label, passes, margin_km,
// text, weight?, score?}] when the request has places.
nlohmann::json ExplanationToJson(const SearchEngine& engine, const SearchRequest& request,
                                 uint32_t tile, const Explanation& explanation);

// Catalogue: {"criteria": [{id, label, help, unit, group, direction, available, coverage:
// {1km, 5km}, coverage_where: {5km: {departements, others}}, source, method, …}], "groups"}.
nlohmann::json CatalogueToJson(const GridFile& grid);

// A tile's values, communes and provenance.
nlohmann::json TileToJson(const GridFile& grid, Level level, uint32_t tile);

}  // namespace vivrovert::engine
