// Where a listing lies: its point, commune, and 1-km and 5-km tiles, from what the
// publisher gave — no online geocoder.
//
//   coordinates (WGS84)  → the point as given ('exact'); the commune is the given commune
//                          code when it overlaps the point's tile, else the commune of the
//                          tile (the only one, or the one whose centre is nearest);
//   commune code         → the commune's centre ('commune', approximate);
//   postcode (+ address) → the centre of the commune the postcode serves; when it serves
//                          several, the one whose name appears in the address, else the
//                          most populous ('postcode', approximate).
// A point outside the grid (abroad, at sea, overseas) is refused.
//
// Thread safety: Place may be called from any thread (one PROJ context per thread).
#pragma once

#include <optional>
#include <string>

#include "core/common/status.hpp"
#include "engine/engine.hpp"

namespace vivrovert::listings {

enum class Precision { kExact, kCommune, kPostcode };

const char* PrecisionName(Precision precision);  // "exact", "commune", "postcode"

struct LocationInput {
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string commune_code;
  std::string postcode;
  std::string address;
};

struct Placement {
  uint32_t commune = 0;  // index in grid.communes()
  std::string commune_code;
  double latitude = 0;
  double longitude = 0;
  Precision precision = Precision::kExact;
  engine::TileId tile_1km;
  engine::TileId tile_5km;
};

// The tile of `level` holding a WGS84 point; nullopt when the grid has none there.
Result<std::optional<engine::TileId>> TileAtPoint(const engine::GridFile& grid, engine::Level level,
                                                  double longitude, double latitude);

// Errors: InvalidArgument naming the field (unknown commune or postcode, point outside
// the grid, commune far from the given point).
Result<Placement> Place(const engine::GridFile& grid, const LocationInput& input);

// How searches locate the person's own places (engine::PlaceLocator), as listings are
// placed: coordinates as given, or the centre of the given commune (the address is kept
// for people, not geocoded); then projected to EPSG:3035. A point on no tile of the grid
// (abroad, at sea, overseas) is refused. The grid must outlive the locator.
engine::PlaceLocator PlaceLocatorFor(const engine::GridFile& grid);

}  // namespace vivrovert::listings
