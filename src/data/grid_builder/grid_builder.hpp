// The grid builder: turns the open data of the data directory into a GridData (all tiles
// of both levels, their communes with area shares, and every criterion's values), which
// engine::WriteGridFile stores.
//
// Steps: geography (communes, EPCI, statistics) → commune contours (GDAL) → coverage
// (GEOS: tiles and area shares) → measures at 1 km (census grid, distances on KD-trees,
// commune figures spread by area share) → 5 km values aggregated from 1 km → encoding.
// Criteria whose source is absent stay missing everywhere, with the reason recorded;
// nothing is estimated.
//
// Thread safety: BuildGrid is reentrant.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.hpp"
#include "engine/engine.hpp"

namespace vivrovert::grid_builder {

struct GridBuildOptions {
  std::string data_dir;
  std::string catalogue_path;             // data/criteria.json
  std::vector<std::string> departements;  // empty: all of metropolitan France
  int threads = 2;
  int64_t built_at = 0;  // epoch seconds, stamped in the header
  // Layers written by `vivrovert import` (imported_sources.hpp); empty: none.
  std::string imports_dir;
  // Progress of long readings (data-folder files read during the build); may be empty.
  std::function<void(std::string_view what, double fraction)> progress;
};

struct GridBuildReport {
  std::vector<std::pair<std::string, double>> phase_seconds;
  size_t communes = 0;
};

Result<engine::GridData> BuildGrid(const GridBuildOptions& options, GridBuildReport* report);

}  // namespace vivrovert::grid_builder
