// How each criterion measured from the bundled national data gets its value per tile.
// One function per family (census grid, distances, commune figures); the criterion ids
// are the catalogue's (data/criteria.json). See docs/CRITERIA.md for the method of each.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/geo/geography.hpp"
#include "data/grid_builder/coverage.hpp"
#include "data/grid_builder/nearest.hpp"
#include "data/importers/national_sources.hpp"
#include "engine/engine.hpp"

namespace vivrovert::grid_builder {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct MeasureInputs {
  const geo::Geography* geography = nullptr;
  std::vector<importers::CensusCell> census;         // national: total population
  std::vector<importers::CensusCell> census_detail;  // Lot + Corrèze: every variable
  // Point sets in EPSG:3035, keyed by criterion id (dist_station_km → stations…).
  std::unordered_map<std::string, NearestPoints> point_sets;
  // Criteria of point_sets measured as the number of points within a radius (metres)
  // instead of the distance to the nearest one (shops_5km_count).
  std::unordered_map<std::string, double> count_radius_m;
  // Criteria of point_sets whose source covers only some départements: per 1 km tile,
  // how far a value can be trusted (covered_area.hpp); NaN where it cannot.
  std::unordered_map<std::string, std::vector<double>> reach_m;
  // Values per 1 km cell (key: CellKey(east, north)) from rasters, keyed by criterion id.
  std::unordered_map<std::string, std::unordered_map<uint64_t, double>> cell_values;
  // Figures per commune (index in geography->communes(), NaN where missing) from imported
  // tables, keyed by criterion id; spread over the tiles like the bundled commune figures.
  std::unordered_map<std::string, std::vector<double>> commune_values;
};

// The key of a cell's lower-left corner in cell_values.
inline uint64_t CellKey(int32_t east, int32_t north) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(east)) << 32) | static_cast<uint32_t>(north);
}

// values[criterion][tile] for the 1 km tiles of `fine`, NaN where missing. Criteria with
// no measurer or no source are left missing and get a reason in `unavailable`.
void MeasureFineTiles(const engine::CriteriaCatalogue& catalogue, const LevelCoverage& fine,
                      const MeasureInputs& inputs, std::vector<std::vector<double>>& values,
                      std::unordered_map<std::string, std::string>& unavailable);

// values for the 5 km tiles of `coarse`, from the 1 km values by each criterion's
// aggregation rule.
void AggregateCoarseTiles(const engine::CriteriaCatalogue& catalogue, const LevelCoverage& fine,
                          const std::vector<std::vector<double>>& fine_values,
                          const LevelCoverage& coarse, const MeasureInputs& inputs,
                          std::vector<std::vector<double>>& values);

}  // namespace vivrovert::grid_builder
