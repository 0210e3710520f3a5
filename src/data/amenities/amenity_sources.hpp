// Where the amenities come from: the same open data and import layers the grid builder
// measures its distance criteria from, so that a distance shown beside a saved property
// and a tile's value of the same criterion agree.
//
//   dist_station_km        SNCF "gares de voyageurs" (every station with a position)
//   dist_major_station_km  those stations with at least 1 million travellers in 2023
//   dist_hospital_km       GISCO healthcare services kept by importers::IsAcuteCareHospital
//   dist_prefecture_km     the centre of each metropolitan département's chef-lieu (COG)
//   dist_town_10k_km,      the centres of communes of at least 10,000, 50,000 and 200,000
//   dist_town_50k_km,      inhabitants (population 2021 of the comparateur de territoires),
//   dist_city_200k_km      as the catalogue's thresholds say
//   any other dist_* criterion with points in an import layer (BPE, Annuaire de
//   l'éducation, OpenStreetMap): the layer the grid builder would choose (one covering all
//   of France before one covering some départements, then ImportKinds() order).
// Each kind carries the catalogue's label and source; an imported kind carries its layer's
// publisher, dataset and vintage instead (what the grid header records).
//
// Thread safety: reentrant.
#pragma once

#include <string>

#include "core/common/status.hpp"
#include "data/amenities/amenity_index.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::amenities {

struct AmenityOptions {
  std::string data_dir;            // the open data (paths.data_dir)
  std::string imports_dir;         // var/imports; empty: the data folder's files only
  std::string catalogue_path;      // data/criteria.json (its folder holds the import classes)
  importers::ProgressFn progress;  // may be empty
};

// Errors: a source file missing or malformed (named), the catalogue unreadable.
Result<AmenityIndex> LoadAmenities(const AmenityOptions& options);

}  // namespace vivrovert::amenities
