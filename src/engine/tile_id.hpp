// Tiles ("dalles"): cells of the INSPIRE / Eurostat grid in ETRS89-LAEA (EPSG:3035).
//
// A tile is named by its level and the lower-left corner of its cell in metres, as in
// Eurostat's identifiers: "CRS3035RES1000mN2776000E3326000" is the 1 km cell whose
// lower-left corner is at northing 2,776,000 m, easting 3,326,000 m. 1 km cells nest
// exactly in 5 km cells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vivrovert::engine {

enum class Level : uint8_t { k1km = 0, k5km = 1 };

inline constexpr int kLevelCount = 2;

constexpr int32_t CellSizeMetres(Level level) { return level == Level::k1km ? 1000 : 5000; }
const char* LevelName(Level level);  // "1km", "5km"
std::optional<Level> ParseLevel(std::string_view name);

struct TileId {
  Level level = Level::k1km;
  int32_t east = 0;  // lower-left corner, metres, multiple of the cell size
  int32_t north = 0;

  // Eurostat identifier, e.g. "CRS3035RES1000mN2776000E3326000".
  std::string ToString() const;
  // Parses an Eurostat identifier of a level VivroVert uses; nullopt when malformed, of
  // another resolution, or not aligned on its cell size.
  static std::optional<TileId> Parse(std::string_view text);

  // The 5 km tile containing this one (itself for a 5 km tile).
  TileId Parent() const;

  double CentreEast() const { return east + CellSizeMetres(level) / 2.0; }
  double CentreNorth() const { return north + CellSizeMetres(level) / 2.0; }

  friend bool operator==(const TileId&, const TileId&) = default;
};

// Position of (x, y) on a Hilbert curve of order `order` (a 2^order square); tiles are
// stored in this order so that neighbours in space are neighbours in memory.
uint64_t HilbertIndex(uint32_t order, uint32_t x, uint32_t y);

}  // namespace vivrovert::engine
