#include "data/geo/geography.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/csv/csv_reader.hpp"

namespace vivrovert::geo {

namespace {

using nlohmann::json;

Result<json> ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path.string() + " (see docs/DATA.md)", "file");
  try {
    return json::parse(in);
  } catch (const json::parse_error& error) {
    return InvalidArgument(path.filename().string() + ": malformed JSON at byte " +
                           std::to_string(error.byte) + ": " + error.what());
  }
}

std::string Text(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

int64_t Integer(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<int64_t>() : 0;
}

}  // namespace

const Commune* Geography::FindCommune(std::string_view code) const {
  int32_t index = CommuneIndex(code);
  return index < 0 ? nullptr : &communes_[static_cast<size_t>(index)];
}

int32_t Geography::CommuneIndex(std::string_view code) const {
  auto found = commune_index_.find(std::string(code));
  return found == commune_index_.end() ? -1 : found->second;
}

const Epci* Geography::FindEpci(std::string_view code) const {
  auto found = epci_index_.find(std::string(code));
  return found == epci_index_.end() ? nullptr : &epcis_[static_cast<size_t>(found->second)];
}

const Departement* Geography::FindDepartement(std::string_view code) const {
  auto found = departement_index_.find(std::string(code));
  return found == departement_index_.end() ? nullptr
                                           : &departements_[static_cast<size_t>(found->second)];
}

const Commune* Geography::CurrentCommune(std::string_view code) const {
  if (const Commune* commune = FindCommune(code)) return commune;
  auto former = former_codes_.find(std::string(code));
  return former == former_codes_.end() ? nullptr : FindCommune(former->second);
}

void Geography::AddCommune(Commune commune) {
  commune_index_[commune.code] = static_cast<int32_t>(communes_.size());
  communes_.push_back(std::move(commune));
}

void Geography::AddDepartement(Departement departement) {
  departement_index_[departement.code] = static_cast<int32_t>(departements_.size());
  departements_.push_back(std::move(departement));
}

void Geography::AddEpci(Epci epci) {
  epci_index_[epci.code] = static_cast<int32_t>(epcis_.size());
  for (const std::string& member : epci.members) {
    int32_t index = CommuneIndex(member);
    if (index >= 0) communes_[static_cast<size_t>(index)].epci = epci.code;
  }
  epcis_.push_back(std::move(epci));
}

void Geography::AddFormerCode(std::string old_code, std::string current_code) {
  former_codes_.emplace(std::move(old_code), std::move(current_code));
}

Result<Geography> LoadGeography(const std::string& data_dir) {
  const std::filesystem::path cog =
      std::filesystem::path(data_dir) / "etalab-decoupage-administratif";
  Geography geography;
  geography.cog_source = {"INSEE, DGCL (via Etalab)", "Découpage administratif (COG)", "2026"};
  geography.stats_source = {"INSEE", "Base du comparateur de territoires", "2021"};

  VV_ASSIGN_OR_RETURN(json communes, ReadJson(cog / "communes.json"));
  if (!communes.is_array()) return InvalidArgument("communes.json: an array was expected");
  for (const json& entry : communes) {
    if (Text(entry, "type") != "commune-actuelle") continue;
    Commune commune;
    commune.code = Text(entry, "code");
    commune.name = Text(entry, "nom");
    commune.departement = Text(entry, "departement");
    commune.region = Text(entry, "region");
    commune.legal_population = Integer(entry, "population");
    if (auto postcodes = entry.find("codesPostaux");
        postcodes != entry.end() && postcodes->is_array()) {
      for (const json& postcode : *postcodes) {
        if (postcode.is_string()) commune.postcodes.push_back(postcode.get<std::string>());
      }
    }
    commune.metropolitan = Text(entry, "zone") == "metro";
    if (commune.code.size() != 5) {
      return InvalidArgument("communes.json: commune with a malformed code '" + commune.code + "'");
    }
    geography.AddCommune(std::move(commune));
  }
  for (const json& entry : communes) {
    const std::string type = Text(entry, "type");
    const std::string code = Text(entry, "code");
    if (type == "commune-actuelle") {
      if (auto former = entry.find("anciensCodes"); former != entry.end() && former->is_array()) {
        for (const json& old_code : *former) {
          if (old_code.is_string()) geography.AddFormerCode(old_code.get<std::string>(), code);
        }
      }
    } else if ((type == "commune-deleguee" || type == "commune-associee") &&
               !geography.FindCommune(code)) {
      geography.AddFormerCode(code, Text(entry, "chefLieu"));
    }
  }

  VV_ASSIGN_OR_RETURN(json regions, ReadJson(cog / "regions.json"));
  for (const json& entry : regions) {
    geography.regions_.push_back({Text(entry, "code"), Text(entry, "nom")});
  }
  VV_ASSIGN_OR_RETURN(json departements, ReadJson(cog / "departements.json"));
  for (const json& entry : departements) {
    geography.AddDepartement({Text(entry, "code"), Text(entry, "nom"), Text(entry, "region"),
                              Text(entry, "chefLieu"), Text(entry, "zone") == "metro"});
  }
  VV_ASSIGN_OR_RETURN(json epcis, ReadJson(cog / "epci.json"));
  for (const json& entry : epcis) {
    Epci epci{Text(entry, "code"), Text(entry, "nom"), Text(entry, "type"), {}};
    if (auto members = entry.find("membres"); members != entry.end() && members->is_array()) {
      for (const json& member : *members) epci.members.push_back(Text(member, "code"));
    }
    geography.AddEpci(std::move(epci));
  }

  // Statistics (COG 2024): sum merged communes into their current one.
  const std::string stats_path =
      (std::filesystem::path(data_dir) / "rcarlier-datas-fun" / "communes.csv").string();
  std::unordered_map<int32_t, int64_t> largest_piece;
  importers::CsvOptions options;
  options.required_columns = {"insee_com",
                              "commune_type",
                              "lat",
                              "lng",
                              "superficie_km2",
                              "population_2021",
                              "population_2015",
                              "menages_2021",
                              "naissances_2022",
                              "deces_2022",
                              "pop_15_64_active_2021",
                              "pop_15_64_chomage_2021"};
  VV_RETURN_IF_ERROR(
      importers::ReadCsv(stats_path, options, [&](const importers::CsvRow& row) -> Status {
        VV_ASSIGN_OR_RETURN(std::string_view type, row.Get("commune_type"));
        if (type != "COM")
          return Status::Ok();  // delegated communes and arrondissements repeat COM
        VV_ASSIGN_OR_RETURN(std::string_view code, row.Get("insee_com"));
        const Commune* current = geography.CurrentCommune(code);
        if (current == nullptr)
          return row.Error("insee_com", "unknown commune code '" + std::string(code) + "'");
        const int32_t index = geography.CommuneIndex(current->code);
        Commune& commune = geography.communes_[static_cast<size_t>(index)];
        auto number = [&row](const char* column) -> Result<double> {
          VV_ASSIGN_OR_RETURN(std::optional<double> value, row.GetNumber(column));
          return value.value_or(0.0);
        };
        VV_ASSIGN_OR_RETURN(double lat, number("lat"));
        VV_ASSIGN_OR_RETURN(double lng, number("lng"));
        VV_ASSIGN_OR_RETURN(double area, number("superficie_km2"));
        VV_ASSIGN_OR_RETURN(double pop_2021, number("population_2021"));
        VV_ASSIGN_OR_RETURN(double pop_2015, number("population_2015"));
        VV_ASSIGN_OR_RETURN(double households, number("menages_2021"));
        VV_ASSIGN_OR_RETURN(double births, number("naissances_2022"));
        VV_ASSIGN_OR_RETURN(double deaths, number("deces_2022"));
        VV_ASSIGN_OR_RETURN(double active, number("pop_15_64_active_2021"));
        VV_ASSIGN_OR_RETURN(double unemployed, number("pop_15_64_chomage_2021"));
        if (lat < -90 || lat > 90 || lng < -180 || lng > 180) {
          return row.Error("lat", "coordinates out of range");
        }
        if (!commune.stats) commune.stats = CommuneStats{};
        CommuneStats& stats = *commune.stats;
        auto as_int = [](double value) { return static_cast<int64_t>(value); };
        if (!largest_piece.contains(index) || as_int(pop_2021) > largest_piece[index]) {
          largest_piece[index] = as_int(pop_2021);
          stats.centre_wgs84 = {lng, lat};
        }
        stats.area_km2 += area;
        stats.population_2021 += as_int(pop_2021);
        stats.population_2015 += as_int(pop_2015);
        stats.households_2021 += as_int(households);
        stats.births_2022 += as_int(births);
        stats.deaths_2022 += as_int(deaths);
        stats.active_15_64_2021 += as_int(active);
        stats.unemployed_15_64_2021 += as_int(unemployed);
        return Status::Ok();
      }));
  return geography;
}

}  // namespace vivrovert::geo
