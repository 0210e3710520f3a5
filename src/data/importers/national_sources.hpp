// Readers of the national open-data files the grid builder measures from, each in the
// layout its publisher uses (see docs/DATA.md and each folder's SOURCE.txt):
//  - SNCF "gares de voyageurs" (CSV ';' with BOM, position "lat, lon") and
//    "fréquentation en gares" (CSV ',', ridership per year);
//  - Eurostat GISCO healthcare services (CSV, lat/lon, facility_type);
//  - Eurostat Census 2021 1 km grid (CSV, GRD_ID with Eurostat ids, confidentiality flags).
// Errors name the file, the row and the column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::importers {

struct Station {
  std::string name;
  std::string commune_code;
  double longitude = 0;
  double latitude = 0;
  std::vector<std::string> uic_codes;
};

// Stations published without a position (a handful of stops) are left out.
Result<std::vector<Station>> ReadSncfStations(const std::string& path);

// Ridership (travellers, "Total Voyageurs <year>") per UIC code.
Result<std::unordered_map<std::string, int64_t>> ReadSncfRidership(const std::string& path,
                                                                   int year);

struct Hospital {
  std::string id;  // FINESS
  std::string name;
  std::string facility_type;
  double longitude = 0;
  double latitude = 0;
};

Result<std::vector<Hospital>> ReadGiscoHealthcare(const std::string& path);

// Whether a GISCO facility_type is a hospital for the "dist_hospital_km" criterion:
// general and regional hospital centres, former local hospitals, multi-disciplinary,
// surgical, medical, obstetric establishments and cancer centres count; psychiatric,
// follow-up care (SSR) and long-stay sites do not.
bool IsAcuteCareHospital(const std::string& facility_type);

// One cell of the Eurostat census grid. A value flagged confidential (*_CI = 1) is nullopt.
struct CensusCell {
  int32_t east = 0;  // lower-left corner, EPSG:3035 metres
  int32_t north = 0;
  std::optional<double> total;
  std::optional<double> under_15;
  std::optional<double> over_65;
  std::optional<double> employed;
  std::optional<double> moved_in;
};

// Reads either the national file (GRD_ID, T, T_CI) or the all-fields file (also Y_LT15,
// Y_GE65, EMP, CHG_IN with their *_CI flags); fields absent from the file stay nullopt.
Result<std::vector<CensusCell>> ReadCensusGrid(const std::string& path);

}  // namespace vivrovert::importers
