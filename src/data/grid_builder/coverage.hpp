// Which grid cells the communes cover, and how much of each cell each commune covers.
//
// The tiles of a level are the cells a commune polygon overlaps. For each commune, its
// polygon is cut into 1 km rows, then each row piece into cells (GEOS ClipByRect, exact for
// area), giving the overlap area of every (cell, commune) pair. 5 km overlaps are the sums
// of their 1 km cells', so both levels agree exactly.
//
// Thread safety: ComputeCoverage runs `threads` workers, each with its own GEOS context.
#pragma once

#include <cstdint>
#include <vector>

#include "data/grid_builder/contours.hpp"
#include "engine/engine.hpp"

namespace vivrovert::grid_builder {

struct CellOverlap {
  uint32_t commune = 0;  // index in the geography's communes
  double area_m2 = 0;
};

struct LevelCoverage {
  engine::Level level = engine::Level::k1km;
  std::vector<engine::TileId> tiles;  // Hilbert order
  // For tiles[i]: overlaps[offsets[i] .. offsets[i+1]), largest area first.
  std::vector<uint32_t> offsets;
  std::vector<CellOverlap> overlaps;
};

// Overlaps smaller than this are dropped as artefacts of simplified boundaries.
inline constexpr double kMinimumOverlapM2 = 1.0;

// Computes both levels (1 km, then 5 km from it).
std::vector<LevelCoverage> ComputeCoverage(const std::vector<CommuneContour>& contours,
                                           int threads);

// Orders tiles along a Hilbert curve (by their cell coordinates).
void SortHilbert(std::vector<engine::TileId>& tiles);

}  // namespace vivrovert::grid_builder
