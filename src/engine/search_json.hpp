// JSON views of the engine's answers, shared by the CLI and the web API so both speak
// exactly the same format (documented in docs/API.md and /api/v1/openapi.json).
#pragma once

#include <nlohmann/json.hpp>

#include "engine/search_engine.hpp"

namespace vivrovert::engine {

// {"level", "green_count", "communes_count", "page": {offset, limit}, "tiles": [{id, score}],
//  "communes": [{code, name, departement, green_tiles}], "relax": [...]}
// `max_communes` (≤ kRankedCommunes) bounds the communes listed; communes_count is the full count.
nlohmann::json SearchResultToJson(const SearchEngine& engine, const SearchRequest& request,
                                  const SearchResult& result, size_t max_communes = kRankedCommunes);

// {"tile", "level", "green", "in_territory", "score", "checks": [...]}
nlohmann::json ExplanationToJson(const SearchEngine& engine, const SearchRequest& request, uint32_t tile,
                                 const Explanation& explanation);

// The catalogue with availability: {"criteria": [{id, label, help, unit, group, direction,
// available, coverage: {"1km", "5km"}, source: {...}, method, unavailable_reason}], "groups"}.
nlohmann::json CatalogueToJson(const GridFile& grid);

// A tile's values, communes and provenance.
nlohmann::json TileToJson(const GridFile& grid, Level level, uint32_t tile);

}  // namespace vivrovert::engine
