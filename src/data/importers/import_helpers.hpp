// Small pieces shared by the importers of the national sources (point_sources, dvf,
// commune_figures, climate): file names, progress over several files, the metropolitan
// extent, the covered départements. Internal to src/importers.
//
// Thread safety: FileProgress is not thread-safe; the functions are reentrant.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "data/geo/projection.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

// Metropolitan France in EPSG:3035, with a margin (Corsica included): a point projected
// outside is a coordinate error of the source, skipped and counted.
bool InMetropolitanFrance(const geo::Point& point);

// The file names of `files`, without their folders.
std::vector<std::string> FileNames(const std::vector<std::string>& files);

// The listed départements that are metropolitan, sorted, or none when they are all of
// metropolitan France.
std::vector<std::string> CoveredDepartements(const std::set<std::string>& seen);

// Progress over several files, by bytes.
class FileProgress {
 public:
  FileProgress(const std::vector<std::string>& files, const ProgressFn& progress);
  // The CsvOptions::on_block callback of the next file, reported as `label`.
  std::function<void(int64_t)> ForFile(const std::string& label);

 private:
  const ProgressFn& progress_;
  int64_t total_ = 0;
  int64_t done_ = 0;
};

}  // namespace vivrovert::importers
