// Coordinate transformations between the reference systems VivroVert meets, on PROJ.
//
// The grid lives in ETRS89-LAEA (EPSG:3035), in metres. Open data arrive in WGS84
// (EPSG:4326, longitude/latitude) or Lambert-93 (EPSG:2154); map tiles are drawn in Web
// Mercator (EPSG:3857). Axis order is always (x = easting or longitude, y = northing or
// latitude): PROJ's authority order (northing first for 3035, latitude first for 4326) is
// normalised away with proj_normalize_for_visualization.
//
// Thread safety: a Projector owns its PROJ context and is used by one thread at a time;
// make one per thread.
#pragma once

#include <memory>
#include <string>

#include "core/common/status.hpp"

struct pj_ctx;
struct PJconsts;

namespace vivrovert::geo {

struct Point {
  double x = 0;  // easting (m) or longitude (degrees)
  double y = 0;  // northing (m) or latitude (degrees)
};

inline constexpr const char* kWgs84 = "EPSG:4326";
inline constexpr const char* kLaea = "EPSG:3035";
inline constexpr const char* kLambert93 = "EPSG:2154";
inline constexpr const char* kWebMercator = "EPSG:3857";

class Projector {
 public:
  // Errors: InvalidArgument when PROJ does not know a system or cannot join them.
  static Result<Projector> Create(const std::string& from, const std::string& to);
  Projector(Projector&&) noexcept;
  Projector& operator=(Projector&&) noexcept;
  ~Projector();

  // Transforms one point; returns false (and leaves `point` unspecified) when PROJ cannot
  // (e.g. a latitude beyond the poles).
  bool Transform(Point& point) const;

 private:
  Projector(pj_ctx* context, PJconsts* transformation);
  pj_ctx* context_ = nullptr;
  PJconsts* transformation_ = nullptr;
};

}  // namespace vivrovert::geo
