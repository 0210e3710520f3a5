// Commune polygons, read through GDAL/OGR (GeoJSON here; IGN's ADMIN EXPRESS Shapefile or
// GeoPackage read the same way) and reprojected to the grid's EPSG:3035.
//
// Each feature's commune code is read from the first of the fields `code`, `INSEE_COM`,
// `insee`, `CODE_INSEE` that exists. Codes of merged communes (the 2018 contours predate
// many mergers) are mapped to the current commune through the geography; the pieces of a
// current commune are unioned into one geometry. A feature whose code the geography does
// not know is an error naming the file and the code.
//
// Thread safety: LoadCommuneContours is reentrant; the result is plain data.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/geography.hpp"

class OGRGeometry;

namespace vivrovert::grid_builder {

struct CommuneContour {
  int32_t commune_index = -1;  // in Geography::communes()
  std::string wkb;             // (Multi)Polygon in EPSG:3035, metres, ISO WKB
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // bounding box
};

// Reads every file (any OGR-readable vector dataset of commune polygons in any CRS with
// a declared SRS; GeoJSON defaults to WGS84).
Result<std::vector<CommuneContour>> LoadCommuneContours(const std::vector<std::string>& files,
                                                        const geo::Geography& geography);

// The contour of a geometry already in EPSG:3035 (the builder's own step, and tests that
// draw communes by hand).
CommuneContour ContourFromGeometry(int32_t commune_index, const OGRGeometry& geometry);

}  // namespace vivrovert::grid_builder
