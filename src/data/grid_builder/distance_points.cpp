#include "data/grid_builder/distance_points.hpp"

#include <filesystem>

#include "data/importers/national_sources.hpp"

namespace vivrovert::grid_builder {

namespace fs = std::filesystem;

namespace {

// Where a town is: its centre, or for Paris, Lyon and Marseille the centre of each of their
// arrondissements (a single centre would put the far end of Marseille 20 km from
// Marseille).
std::vector<geo::Point> CentresOf(const geo::Commune& commune) {
  if (!commune.stats->arrondissement_centres.empty()) return commune.stats->arrondissement_centres;
  return {commune.stats->centre_wgs84};
}

}  // namespace

Result<std::map<std::string, DistancePointSet>> LoadNationalDistancePoints(
    const std::string& data_dir, const geo::Geography& geography) {
  const fs::path data(data_dir);
  std::map<std::string, DistancePointSet> sets;

  VV_ASSIGN_OR_RETURN(
      auto stations,
      importers::ReadSncfStations((data / "sncf-gares" / "gares-de-voyageurs.csv").string()));
  VV_ASSIGN_OR_RETURN(
      auto ridership,
      importers::ReadSncfRidership((data / "sncf-gares" / "frequentation-gares.csv").string(),
                                   kRidershipYear));
  DistancePointSet& all_stations = sets["dist_station_km"];
  DistancePointSet& major_stations = sets["dist_major_station_km"];
  all_stations.origin = major_stations.origin = "sncf-gares";
  for (const importers::Station& station : stations) {
    const DistancePoint point{
        station.name, station.commune_code, {station.longitude, station.latitude}};
    all_stations.points.push_back(point);
    for (const std::string& uic : station.uic_codes) {
      auto found = ridership.find(uic);
      if (found != ridership.end() && found->second >= kMajorStationTravellers) {
        major_stations.points.push_back(point);
        break;
      }
    }
  }

  VV_ASSIGN_OR_RETURN(
      auto hospitals,
      importers::ReadGiscoHealthcare((data / "eurostat-gisco-healthcare" / "FR.csv").string()));
  DistancePointSet& acute = sets["dist_hospital_km"];
  acute.origin = "eurostat-gisco-healthcare";
  for (const importers::Hospital& hospital : hospitals) {
    if (importers::IsAcuteCareHospital(hospital.facility_type)) {
      acute.points.push_back({hospital.name, "", {hospital.longitude, hospital.latitude}});
    }
  }

  DistancePointSet& prefectures = sets["dist_prefecture_km"];
  prefectures.origin = "etalab-decoupage-administratif";
  for (const geo::Departement& departement : geography.departements()) {
    if (!departement.metropolitan) continue;
    const geo::Commune* chef_lieu = geography.FindCommune(departement.prefecture);
    if (chef_lieu && chef_lieu->stats) {
      for (const geo::Point& centre : CentresOf(*chef_lieu)) {
        prefectures.points.push_back({chef_lieu->name + " (préfecture : " + departement.name + ")",
                                      chef_lieu->code, centre});
      }
    }
  }

  struct TownKind {
    const char* criterion;
    int64_t population;
  };
  constexpr TownKind kTownKinds[] = {
      {"dist_town_10k_km", 10'000}, {"dist_town_50k_km", 50'000}, {"dist_city_200k_km", 200'000}};
  for (const TownKind& town : kTownKinds) {
    DistancePointSet& set = sets[town.criterion];
    set.origin = "rcarlier-datas-fun";
    for (const geo::Commune& commune : geography.communes()) {
      if (commune.metropolitan && commune.stats &&
          commune.stats->population_2021 >= town.population) {
        for (const geo::Point& centre : CentresOf(commune)) {
          set.points.push_back({commune.name, commune.code, centre});
        }
      }
    }
  }
  return sets;
}

}  // namespace vivrovert::grid_builder
