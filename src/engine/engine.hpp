// The engine's door: what loads a grid and searches it. Other layers include this header
// (and the value types it brings: GridFile, SearchEngine, SearchRequest, Territory, the
// JSON views of answers) rather than reaching into the engine's files one by one.
//
//   engine::SearchBackend backend = engine::SearchBackend::Load(config.grid_file);
//   if (!backend.engine) …backend.load_status says why…
//   Result<SearchRequest> request = ParseSearchRequest(body, *backend.grid);
//   SearchResult result = backend.engine->Search(*request);
//
// Thread safety: a loaded backend is immutable; any number of threads may search it.
#pragma once

#include <memory>
#include <string>

#include "core/common/status.hpp"
#include "engine/criteria_catalogue.hpp"
#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "engine/search_json.hpp"
#include "engine/search_request.hpp"
#include "engine/territory.hpp"
#include "engine/territory_outcome.hpp"
#include "engine/tile_id.hpp"

namespace vivrovert::engine {

// The loaded grid and its engine; `engine` is null when the grid file could not be read.
struct SearchBackend {
  std::unique_ptr<GridFile> grid;
  std::unique_ptr<SearchEngine> engine;
  Status load_status;  // why the grid is absent

  // Opens (maps) the grid file and builds its engine. Never fails: a missing or unreadable
  // file leaves `grid` and `engine` null with the reason in `load_status`, so that a server
  // can still serve its other pages.
  static SearchBackend Load(const std::string& grid_path);
};

}  // namespace vivrovert::engine
