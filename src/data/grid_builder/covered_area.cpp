#include "data/grid_builder/covered_area.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "data/grid_builder/criteria_measures.hpp"

namespace vivrovert::grid_builder {

std::vector<double> ReachInsideDepartements(const std::vector<CommuneContour>& contours,
                                            const geo::Geography& geography,
                                            const std::vector<std::string>& departements,
                                            const LevelCoverage& fine) {
  std::vector<double> reach(fine.tiles.size(), kMissing);
  const std::set<std::string> covered(departements.begin(), departements.end());
  auto in_covered = [&](int64_t commune_index) {
    return covered.contains(geography.communes()[static_cast<size_t>(commune_index)].departement);
  };

  GEOSContextHandle_t context = GEOS_init_r();
  GEOSWKBReader* reader = GEOSWKBReader_create_r(context);
  std::vector<GEOSGeometry*> pieces;
  for (const CommuneContour& contour : contours) {
    if (!in_covered(contour.commune_index)) continue;
    GEOSGeometry* geometry = GEOSWKBReader_read_r(
        context, reader, reinterpret_cast<const unsigned char*>(contour.wkb.data()),
        contour.wkb.size());
    if (geometry != nullptr) pieces.push_back(geometry);
  }
  GEOSWKBReader_destroy_r(context, reader);
  if (pieces.empty()) {
    GEOS_finish_r(context);
    return reach;
  }
  // The collection takes ownership of the pieces.
  GEOSGeometry* collection = GEOSGeom_createCollection_r(
      context, GEOS_GEOMETRYCOLLECTION, pieces.data(), static_cast<unsigned>(pieces.size()));
  GEOSGeometry* area = GEOSUnaryUnion_r(context, collection);
  GEOSGeom_destroy_r(context, collection);
  GEOSGeometry* border = area ? GEOSBoundary_r(context, area) : nullptr;
  if (area != nullptr && border != nullptr) {
    const GEOSPreparedGeometry* prepared_area = GEOSPrepare_r(context, area);
    const GEOSPreparedGeometry* prepared_border = GEOSPrepare_r(context, border);
    for (size_t tile_idx = 0; tile_idx < fine.tiles.size(); ++tile_idx) {
      if (fine.offsets[tile_idx] == fine.offsets[tile_idx + 1]) continue;
      if (!in_covered(fine.overlaps[fine.offsets[tile_idx]].commune))
        continue;  // largest overlap first
      const engine::TileId& tile = fine.tiles[tile_idx];
      GEOSGeometry* centre =
          GEOSGeom_createPointFromXY_r(context, tile.CentreEast(), tile.CentreNorth());
      double distance = 0;
      if (GEOSPreparedContains_r(context, prepared_area, centre) == 1 &&
          GEOSPreparedDistance_r(context, prepared_border, centre, &distance) == 1) {
        reach[tile_idx] = distance;
      }
      GEOSGeom_destroy_r(context, centre);
    }
    GEOSPreparedGeom_destroy_r(context, prepared_border);
    GEOSPreparedGeom_destroy_r(context, prepared_area);
  }
  if (border) GEOSGeom_destroy_r(context, border);
  if (area) GEOSGeom_destroy_r(context, area);
  GEOS_finish_r(context);
  return reach;
}

}  // namespace vivrovert::grid_builder
