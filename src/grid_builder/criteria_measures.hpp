// How each criterion measured from the bundled national data gets its value per tile.
// One function per family (census grid, distances, commune figures); the criterion ids
// are the catalogue's (data/criteria.json). See docs/CRITERIA.md for the method of each.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/criteria_catalogue.hpp"
#include "geo/geography.hpp"
#include "grid_builder/coverage.hpp"
#include "grid_builder/nearest.hpp"
#include "importers/national_sources.hpp"

namespace vivrovert::grid_builder {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct MeasureInputs {
  const geo::Geography* geography = nullptr;
  std::vector<importers::CensusCell> census;         // national: total population
  std::vector<importers::CensusCell> census_detail;  // Lot + Corrèze: every variable
  // Point sets in EPSG:3035, keyed by criterion id (dist_station_km → stations…).
  std::unordered_map<std::string, NearestPoints> point_sets;
};

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
