// France's administrative geography as of the COG in use (2026 with the bundled data):
// communes, EPCI with their members, départements, régions, and the statistics of each
// commune, plus the mapping from older commune codes (merged communes) to current ones.
//
// Sources (read by LoadGeography from the data directory, see docs/DATA.md):
//  - etalab-decoupage-administratif/{communes,epci,departements,regions}.json (COG 2026)
//  - rcarlier-datas-fun/communes.csv: centre, area, population 2015/2021, households,
//    births, deaths, active and unemployed 15–64 (COG 2024; older codes are mapped to the
//    current commune and merged communes' figures are summed, their area too; the centre
//    is the most populous piece's). Paris, Lyon and Marseille have no row of their own in
//    that file, only their arrondissements municipaux' (ARM, 75101–75120, 69381–69389,
//    13201–13216): the city's figures are the same sums over its arrondissements, its
//    centre the most populous arrondissement's, and it keeps every arrondissement's
//    centre. A row repeated per postcode counts once.
//
// Thread safety: immutable after loading; share it freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::geo {

// Figures of the "Base du comparateur de territoires" for one commune.
struct CommuneStats {
  Point centre_wgs84;  // longitude, latitude
  double area_km2 = 0;
  int64_t population_2021 = 0;
  int64_t population_2015 = 0;
  int64_t households_2021 = 0;
  int64_t births_2022 = 0;
  int64_t deaths_2022 = 0;
  int64_t active_15_64_2021 = 0;
  int64_t unemployed_15_64_2021 = 0;
  // Paris, Lyon and Marseille: the centre of each of their arrondissements, in the file's
  // order; empty for every other commune.
  std::vector<Point> arrondissement_centres = {};
};

struct Commune {
  std::string code;  // INSEE code, current COG
  std::string name;
  std::string departement;       // code, e.g. "46", "2A"
  std::string region;            // code
  std::string epci;              // SIREN of its EPCI; empty for the few communes outside any
  int64_t legal_population = 0;  // population of the COG file
  bool metropolitan = false;
  std::optional<CommuneStats> stats;        // absent when the statistics file lacks the commune
  std::vector<std::string> postcodes = {};  // La Poste codes serving the commune (COG file)
};

struct Epci {
  std::string code;  // SIREN
  std::string name;
  std::string type;                  // CC, CA, CU, METRO, MET69
  std::vector<std::string> members;  // commune codes
};

struct Departement {
  std::string code;
  std::string name;
  std::string region;
  std::string prefecture;  // commune code of the chef-lieu
  bool metropolitan = false;
};

struct Region {
  std::string code;
  std::string name;
};

struct SourceInfo {
  std::string publisher;
  std::string dataset;
  std::string vintage;
};

class Geography {
 public:
  const std::vector<Commune>& communes() const { return communes_; }
  const std::vector<Epci>& epcis() const { return epcis_; }
  const std::vector<Departement>& departements() const { return departements_; }
  const std::vector<Region>& regions() const { return regions_; }

  const Commune* FindCommune(std::string_view code) const;
  const Epci* FindEpci(std::string_view code) const;
  const Departement* FindDepartement(std::string_view code) const;

  // The current commune a code designates: itself when current, its successor when it
  // is the code of a merged (delegated, associated) commune, its city when it is an
  // arrondissement municipal of Paris, Lyon or Marseille; nullptr when unknown.
  const Commune* CurrentCommune(std::string_view code) const;
  // The city (Paris 75056, Lyon 69123, Marseille 13055) of an arrondissement municipal's
  // code (75101–75120, 69381–69389, 13201–13216 in the COG); nullptr for any other code.
  const Commune* CityOfArrondissement(std::string_view code) const;

  // Index of a commune in communes(), or -1.
  int32_t CommuneIndex(std::string_view code) const;

  // Adds a commune; for tests that build small geographies by hand.
  void AddCommune(Commune commune);
  void AddDepartement(Departement departement);
  void AddEpci(Epci epci);
  void AddFormerCode(std::string old_code, std::string current_code);
  void AddArrondissement(std::string code, std::string city_code);

  SourceInfo cog_source;
  SourceInfo stats_source;

 private:
  std::vector<Commune> communes_;
  std::vector<Epci> epcis_;
  std::vector<Departement> departements_;
  std::vector<Region> regions_;
  std::unordered_map<std::string, int32_t> commune_index_;
  std::unordered_map<std::string, std::string> former_codes_;
  std::unordered_map<std::string, std::string> arrondissements_;  // code → city's code
  std::unordered_map<std::string, int32_t> epci_index_;
  std::unordered_map<std::string, int32_t> departement_index_;

  friend Result<Geography> LoadGeography(const std::string& data_dir);
};

// Loads the geography from `data_dir` (the folders named above). Errors name the file
// and, for CSV, the row.
Result<Geography> LoadGeography(const std::string& data_dir);

// The région of each metropolitan département (code → région), from the COG's
// departements.json and regions.json alone: a light read for those who need no more.
// Errors: a file missing or malformed (named).
Result<std::unordered_map<std::string, Region>> LoadRegionsOfDepartements(
    const std::string& data_dir);

}  // namespace vivrovert::geo
