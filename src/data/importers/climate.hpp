// Climate normals per station from Météo-France's monthly climatological data, "Données
// climatologiques de base - mensuelles" (files MENSQ_<dép>_<period>.csv.gz, CSV ';', one
// row per station and month: NUM_POSTE, NOM_USUEL, LAT, LON (WGS84), ALTI (m), AAAAMM,
// then the month's figures, each followed by its quality code: RR (rainfall, mm), TX and
// TN (means of the daily maximum and minimum temperatures, °C), INST (sunshine, minutes)…).
//
// Normals over a reference period (1991–2020 by default, the WMO's current one): per
// station and calendar month, the mean of the years that have a value, kept only when at
// least 80 % of the period's years have one (24 of 30). Then, per station:
//  - rainfall_mm: sum of the 12 monthly rainfall normals (all 12 needed);
//  - sunshine_hours: sum of the 12 monthly sunshine normals, in hours (all 12 needed);
//  - summer_temp_c: July normal of the mean temperature (TX + TN) / 2, Météo-France's
//    definition, from the years where both exist; winter_temp_c: January.
// The grid builder interpolates the stations to the tiles (grid_builder/imported_sources).
//
// Empty cells and "mq" are missing; any other value that is not a number is an error naming
// the file, line and column. Stations overseas (NUM_POSTE starting with 97 or 98) are
// skipped. The layer covers the départements of the stations read (first two digits of
// NUM_POSTE; "20" is Corsica, both 2A and 2B).
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

struct ClimateRules {
  int first_year = 1991;
  int last_year = 2020;
  double min_share_of_years = 0.8;
};

Result<ImportLayer> ImportClimateNormals(const std::vector<std::string>& files,
                                         const ClimateRules& rules, const ProgressFn& progress);

}  // namespace vivrovert::importers
