// The points each national distance criterion is measured to, written once: the grid
// builder measures every tile's distance to them, and the amenity index (data/amenities)
// names the nearest one to a person. Keeping one rule is what makes "à 12 km de la gare de
// Figeac" agree with the tile's value.
//
//   dist_station_km         every SNCF passenger station
//   dist_major_station_km   stations with at least kMajorStationTravellers a year (2023)
//   dist_hospital_km        acute-care hospitals of the GISCO healthcare list (FINESS)
//   dist_prefecture_km      the chef-lieu of each metropolitan département
//   dist_town_10k_km …      metropolitan communes of at least 10,000 / 50,000 / 200,000
//   dist_city_200k_km       inhabitants (INSEE 2021)
// A commune is its centre; Paris, Lyon and Marseille are the centres of their
// arrondissements, one point each, all bearing the city's name and code.
//
// Thread safety: pure function of its inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/geography.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::grid_builder {

inline constexpr int64_t kMajorStationTravellers = 1'000'000;
inline constexpr int kRidershipYear = 2023;

struct DistancePoint {
  std::string name;          // as the source names it ("Figeac", "Cahors (préfecture : Lot)")
  std::string commune_code;  // INSEE code when the point is a commune or lies in a known one
  geo::Point wgs84;          // longitude, latitude
};

struct DistancePointSet {
  std::string origin;  // the folder of ../shared/data the points come from
  std::vector<DistancePoint> points;
};

// The point sets of the national criteria above, by criterion id, read from `data_dir`
// (SNCF, GISCO) and `geography` (préfectures, towns). Errors: those of the readers
// (NotFound for a missing file, InvalidArgument naming the file and line).
Result<std::map<std::string, DistancePointSet>> LoadNationalDistancePoints(
    const std::string& data_dir, const geo::Geography& geography);

}  // namespace vivrovert::grid_builder
