// The stored form of a saved search's green tiles (migration 0009, saved_search_tiles):
// rows of the grid as runs of consecutive tiles, compact because green tiles cluster.
//
//   "1km|2410:3639-3645,3650|2411:3640"
//
// is level 1 km, row north = 2,410 km with east 3,639 … 3,645 km and 3,650 km, then row
// 2,411 km with east 3,640 km (kilometres of EPSG:3035 lower-left corners). Rows ascend,
// runs ascend within a row and do not touch. An empty set is "1km" alone.
//
// Thread safety: pure functions. Errors: DataLoss with the French reason when the text is
// malformed (a stored row was damaged).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "engine/engine.hpp"

namespace vivrovert::matching {

struct TileRuns {
  engine::Level level = engine::Level::k1km;
  std::vector<engine::TileId> tiles;  // sorted by (north, east), unique
};

// Tiles of one level in any order (duplicates allowed).
std::string EncodeTileRuns(engine::Level level, std::vector<engine::TileId> tiles);
Result<TileRuns> DecodeTileRuns(std::string_view text);

}  // namespace vivrovert::matching
