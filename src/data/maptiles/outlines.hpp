// Outlines for the offline map: the départements of metropolitan France and the communes
// of one département, as WGS84 GeoJSON FeatureCollections, made from the commune contours
// of the data folder (grid_builder/contours: GDAL, reprojected to EPSG:3035).
//
//  - départements: the union (GEOS) of their communes, simplified with a tolerance of
//    kDepartementToleranceMetres (topology preserving, per département, so neighbours'
//    shared borders may differ by up to the tolerance); properties {code, name};
//  - communes of a département: each commune simplified with kCommuneToleranceMetres;
//    properties {code, name, departement}.
// Coordinates are longitude/latitude with 4 decimals (about 10 m).
//
// Each file is computed once per process at its first request, and kept in memory and,
// when a cache folder is given, on disk (valid while newer than every contour file), so a
// restarted server reads it back instead of recomputing.
//
// Thread safety: every method may be called from any thread; a computation in progress
// makes the callers of the same file wait for it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/common/status.hpp"
#include "data/geo/geography.hpp"

namespace vivrovert::maptiles {

inline constexpr double kDepartementToleranceMetres = 400;
inline constexpr double kCommuneToleranceMetres = 40;

struct OutlineOptions {
  std::string data_dir;   // holds contours-communes/ and the geography (docs/DATA.md)
  std::string cache_dir;  // where computed files are kept; empty: memory only
};

class Outlines {
 public:
  explicit Outlines(OutlineOptions options);
  ~Outlines();
  Outlines(const Outlines&) = delete;
  Outlines& operator=(const Outlines&) = delete;

  // The départements' GeoJSON. Errors: Unavailable when the data folder lacks the contours
  // or the geography; InvalidArgument from the contour reader.
  Result<std::shared_ptr<const std::string>> Departements();
  // The communes of département `code` ("46", "2A"). Errors: NotFound (field
  // "departement") when the geography has no metropolitan département of that code or the
  // data folder no contour file for it; otherwise as Departements().
  Result<std::shared_ptr<const std::string>> Communes(const std::string& code);

  // Computes the départements on a background thread (joined by the destructor), so that
  // the first visitor does not wait.
  void WarmInBackground();

 private:
  Result<const geo::Geography*> Geography();
  // The contour file of every département present, by code.
  Result<std::map<std::string, std::string>> ContourFiles();
  std::optional<std::string> ReadCache(const std::string& name);
  void WriteCache(const std::string& name, const std::string& text);

  const OutlineOptions options_;
  std::mutex geography_mutex_;
  std::optional<geo::Geography> geography_;
  std::mutex departements_mutex_;
  std::shared_ptr<const std::string> departements_;
  std::mutex communes_mutex_;
  std::map<std::string, std::shared_ptr<const std::string>> communes_;
  std::thread warming_;
};

}  // namespace vivrovert::maptiles
