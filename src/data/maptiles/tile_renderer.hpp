// Web Mercator (EPSG:3857) XYZ map tiles of a search's green tiles, 256×256 PNG.
//
// What a tile shows: green grid cells semi-opaque green, the other cells of the grid light
// grey (so the grid's extent is visible), everything else transparent. Zooms below
// kFirstFineZoom draw the 5 km level, zooms from kFirstFineZoom on the 1 km level (a grid
// without a level draws the other one at every zoom).
//
// How: the tile's pixel centres are not projected one by one; a mesh of nodes every
// MeshStep(z) pixels (8 to 32) is transformed to ETRS89-LAEA with PROJ and the
// pixels in between are interpolated bilinearly (the error is well below a pixel at every
// zoom). Each pixel then finds its cell in a dense raster of the level's storage indices
// (built once: about 4 bytes per km² of the grid's bounding box at 1 km, ~5.5 MB
// nationally). The PNG is palette-coded (2 bits per pixel) through libpng's simplified
// API. Tiles that miss the grid, or have no cell in them, are one shared PNG.
//
// Thread safety: a TileRenderer is immutable after construction; Render may run on any
// number of threads (each thread keeps its own PROJ transformation). It borrows the grid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/maptiles/green_tiles.hpp"
#include "engine/engine.hpp"

namespace vivrovert::maptiles {

inline constexpr int kTileSize = 256;
inline constexpr int kMaxZoom = 20;
inline constexpr int kFirstFineZoom = 9;
// Pixels between two PROJ-transformed mesh nodes: 8 below zoom 5 (a tile spans
// thousands of km), 16 at zooms 5–6, 32 from zoom 7 (a 32-pixel span is under 10 km).
inline constexpr int kFinestMeshStep = 8;
constexpr int MeshStep(int z) { return z < 5 ? 8 : z < 7 ? 16 : 32; }

// Palette indices of a rasterised tile.
enum PixelClass : uint8_t { kTransparent = 0, kOutside = 0, kGridCell = 1, kGreenCell = 2 };

// RGBA of each class as drawn.
inline constexpr std::array<std::array<uint8_t, 4>, 3> kPalette = {{
    {0, 0, 0, 0},         // transparent
    {128, 128, 128, 56},  // a grid cell that is not green: light grey
    {22, 163, 74, 170},   // a green cell: semi-opaque green (#16a34a)
}};

struct TileAddress {
  int z = 0;
  uint32_t x = 0;
  uint32_t y = 0;
};

// Parses z, x, y ("12", "2075", "1480" — decimal digits only): InvalidArgument naming the
// field when not a number, z > kMaxZoom, or x or y ≥ 2^z.
Result<TileAddress> ParseTileAddress(std::string_view z, std::string_view x, std::string_view y);

class TileRenderer {
 public:
  // Builds the dense index of each level. Errors: InvalidArgument when PROJ cannot
  // transform between EPSG:3857 and EPSG:3035.
  static Result<std::unique_ptr<TileRenderer>> Create(const engine::GridFile& grid);

  // The level drawn at zoom `z`.
  engine::Level LevelForZoom(int z) const;
  // Fills `pixels` (kTileSize² bytes, row-major from the top) with PixelClass values;
  // returns false when the tile holds no grid cell (then `pixels` is all transparent).
  bool Rasterise(const GreenTiles& green, const TileAddress& tile, uint8_t* pixels) const;
  // The PNG of a tile (EmptyPng() when it holds no grid cell).
  std::string Render(const GreenTiles& green, const TileAddress& tile) const;
  // The PNG of a fully transparent tile.
  const std::string& EmptyPng() const { return empty_png_; }

 private:
  struct DenseIndex {
    int32_t min_east = 0, min_north = 0;  // lower-left corner of the raster, metres
    int32_t cell = 1000;
    uint32_t cols = 0, rows = 0;
    std::vector<int32_t> tiles;  // storage index per cell (row-major from the south), −1: none
  };
  TileRenderer() = default;

  const engine::GridFile* grid_ = nullptr;
  std::array<std::optional<DenseIndex>, engine::kLevelCount> indices_;
  // The grid's bounding box in Web Mercator metres, with a margin.
  double min_mx_ = 0, min_my_ = 0, max_mx_ = 0, max_my_ = 0;
  std::string empty_png_;
};

// A palette PNG (2 bits per pixel, kPalette) of `pixels` (width × height PixelClass
// bytes). Empty on a libpng failure.
std::string EncodePalettePng(const uint8_t* pixels, int width, int height);
// An 8-bit RGBA PNG of `rgba` with libpng's defaults (the benchmark's baseline).
std::string EncodeRgbaPng(const uint8_t* rgba, int width, int height);

}  // namespace vivrovert::maptiles
