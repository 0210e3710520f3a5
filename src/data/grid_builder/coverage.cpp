#include "data/grid_builder/coverage.hpp"

#include <geos_c.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace vivrovert::grid_builder {

namespace {

using engine::CellSizeMetres;
using engine::Level;
using engine::TileId;

constexpr int32_t kCell = CellSizeMetres(Level::k1km);

uint64_t Key(int32_t east, int32_t north) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(east)) << 32) | static_cast<uint32_t>(north);
}

struct Piece {
  uint64_t cell;
  uint32_t commune;
  double area;
};

// One worker: its own GEOS context; takes communes from a shared counter.
void CoverCommunes(const std::vector<CommuneContour>& contours, std::atomic<size_t>& next,
                   std::vector<Piece>& out) {
  GEOSContextHandle_t context = GEOS_init_r();
  GEOSWKBReader* reader = GEOSWKBReader_create_r(context);
  for (size_t contour_idx = next++; contour_idx < contours.size(); contour_idx = next++) {
    const CommuneContour& contour = contours[contour_idx];
    GEOSGeometry* geometry = GEOSWKBReader_read_r(
        context, reader, reinterpret_cast<const unsigned char*>(contour.wkb.data()),
        contour.wkb.size());
    if (geometry == nullptr) continue;
    const int32_t first_col = static_cast<int32_t>(std::floor(contour.min_x / kCell));
    const int32_t last_col = static_cast<int32_t>(std::floor(contour.max_x / kCell));
    const int32_t first_row = static_cast<int32_t>(std::floor(contour.min_y / kCell));
    const int32_t last_row = static_cast<int32_t>(std::floor(contour.max_y / kCell));
    for (int32_t row = first_row; row <= last_row; ++row) {
      const double y0 = static_cast<double>(row) * kCell;
      GEOSGeometry* strip =
          GEOSClipByRect_r(context, geometry, contour.min_x - 1, y0, contour.max_x + 1, y0 + kCell);
      if (strip == nullptr) continue;
      if (GEOSisEmpty_r(context, strip) != 1) {
        for (int32_t col = first_col; col <= last_col; ++col) {
          const double x0 = static_cast<double>(col) * kCell;
          GEOSGeometry* cell = GEOSClipByRect_r(context, strip, x0, y0, x0 + kCell, y0 + kCell);
          if (cell == nullptr) continue;
          double area = 0;
          if (GEOSisEmpty_r(context, cell) != 1 && GEOSArea_r(context, cell, &area) == 1 &&
              area >= kMinimumOverlapM2) {
            out.push_back({Key(col * kCell, row * kCell),
                           static_cast<uint32_t>(contour.commune_index), area});
          }
          GEOSGeom_destroy_r(context, cell);
        }
      }
      GEOSGeom_destroy_r(context, strip);
    }
    GEOSGeom_destroy_r(context, geometry);
  }
  GEOSWKBReader_destroy_r(context, reader);
  GEOS_finish_r(context);
}

LevelCoverage Assemble(Level level, std::vector<Piece>& pieces) {
  LevelCoverage coverage;
  coverage.level = level;
  std::unordered_map<uint64_t, std::vector<CellOverlap>> by_cell;
  by_cell.reserve(pieces.size());
  for (const Piece& piece : pieces) {
    auto& overlaps = by_cell[piece.cell];
    auto existing = std::find_if(overlaps.begin(), overlaps.end(),
                                 [&](const CellOverlap& o) { return o.commune == piece.commune; });
    if (existing != overlaps.end()) {
      existing->area_m2 += piece.area;
    } else {
      overlaps.push_back({piece.commune, piece.area});
    }
  }
  coverage.tiles.reserve(by_cell.size());
  for (const auto& [key, overlaps] : by_cell) {
    coverage.tiles.push_back(
        {level, static_cast<int32_t>(key >> 32), static_cast<int32_t>(key & 0xffffffffu)});
  }
  SortHilbert(coverage.tiles);
  coverage.offsets.reserve(coverage.tiles.size() + 1);
  coverage.offsets.push_back(0);
  for (const TileId& tile : coverage.tiles) {
    auto& overlaps = by_cell[Key(tile.east, tile.north)];
    std::sort(overlaps.begin(), overlaps.end(), [](const CellOverlap& a, const CellOverlap& b) {
      return a.area_m2 != b.area_m2 ? a.area_m2 > b.area_m2 : a.commune < b.commune;
    });
    coverage.overlaps.insert(coverage.overlaps.end(), overlaps.begin(), overlaps.end());
    coverage.offsets.push_back(static_cast<uint32_t>(coverage.overlaps.size()));
  }
  return coverage;
}

}  // namespace

void SortHilbert(std::vector<TileId>& tiles) {
  if (tiles.empty()) return;
  const int32_t cell = CellSizeMetres(tiles.front().level);
  std::vector<std::pair<uint64_t, TileId>> keyed;
  keyed.reserve(tiles.size());
  for (const TileId& tile : tiles) {
    keyed.emplace_back(engine::HilbertIndex(16, static_cast<uint32_t>(tile.east / cell),
                                            static_cast<uint32_t>(tile.north / cell)),
                       tile);
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t tile_idx = 0; tile_idx < tiles.size(); ++tile_idx)
    tiles[tile_idx] = keyed[tile_idx].second;
}

std::vector<LevelCoverage> ComputeCoverage(const std::vector<CommuneContour>& contours,
                                           int threads) {
  threads = std::max(1, threads);
  std::atomic<size_t> next{0};
  std::vector<std::vector<Piece>> per_worker(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  for (int worker_idx = 0; worker_idx < threads; ++worker_idx) {
    workers.emplace_back(CoverCommunes, std::cref(contours), std::ref(next),
                         std::ref(per_worker[static_cast<size_t>(worker_idx)]));
  }
  for (std::thread& worker : workers) worker.join();
  std::vector<Piece> fine;
  for (auto& pieces : per_worker) fine.insert(fine.end(), pieces.begin(), pieces.end());

  constexpr int32_t kCoarse = CellSizeMetres(Level::k5km);
  std::vector<Piece> coarse;
  coarse.reserve(fine.size());
  for (const Piece& piece : fine) {
    const int32_t east = static_cast<int32_t>(piece.cell >> 32);
    const int32_t north = static_cast<int32_t>(piece.cell & 0xffffffffu);
    coarse.push_back(
        {Key(east / kCoarse * kCoarse, north / kCoarse * kCoarse), piece.commune, piece.area});
  }
  std::vector<LevelCoverage> levels;
  levels.push_back(Assemble(Level::k1km, fine));
  levels.push_back(Assemble(Level::k5km, coarse));
  return levels;
}

}  // namespace vivrovert::grid_builder
