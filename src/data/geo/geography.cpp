#include "data/geo/geography.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_set>

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

// The figures of a commune made of several rows of the statistics file: counts and areas
// summed, the centre of the most populous piece.
struct Pieces {
  CommuneStats sum;
  int64_t largest = -1;  // population 2021 of the piece whose centre is kept

  void Add(const CommuneStats& piece) {
    if (piece.population_2021 > largest) {
      largest = piece.population_2021;
      sum.centre_wgs84 = piece.centre_wgs84;
    }
    sum.area_km2 += piece.area_km2;
    sum.population_2021 += piece.population_2021;
    sum.population_2015 += piece.population_2015;
    sum.households_2021 += piece.households_2021;
    sum.births_2022 += piece.births_2022;
    sum.deaths_2022 += piece.deaths_2022;
    sum.active_15_64_2021 += piece.active_15_64_2021;
    sum.unemployed_15_64_2021 += piece.unemployed_15_64_2021;
  }
};

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
  if (const Commune* city = CityOfArrondissement(code)) return city;
  auto former = former_codes_.find(std::string(code));
  return former == former_codes_.end() ? nullptr : FindCommune(former->second);
}

const Commune* Geography::CityOfArrondissement(std::string_view code) const {
  auto found = arrondissements_.find(std::string(code));
  return found == arrondissements_.end() ? nullptr : FindCommune(found->second);
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

void Geography::AddArrondissement(std::string code, std::string city_code) {
  arrondissements_.emplace(std::move(code), std::move(city_code));
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
    } else if (type == "arrondissement-municipal") {
      geography.AddArrondissement(code, Text(entry, "commune"));
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

  // Statistics (COG 2024): sum merged communes into their current one. Paris, Lyon and
  // Marseille have no row of their own, only the rows of their arrondissements (type ARM):
  // those are summed into the city, unless the city has its own row (which would already
  // count them). Delegated communes (COMD) repeat the COM row of their commune, and the
  // file repeats a row once per postcode: each (type, code) counts once.
  const std::string stats_path =
      (std::filesystem::path(data_dir) / "rcarlier-datas-fun" / "communes.csv").string();
  std::unordered_map<int32_t, Pieces> commune_pieces;  // COM rows, by current commune
  std::unordered_map<int32_t, Pieces> city_pieces;     // ARM rows, by city
  std::unordered_set<int32_t> with_own_row;            // communes with a COM row of their code
  std::unordered_set<std::string> seen_rows;
  importers::CsvOptions options;
  options.required_columns = {"insee_com",
                              "commune_type",
                              "insee_parente",
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
        if (type != "COM" && type != "ARM") return Status::Ok();
        VV_ASSIGN_OR_RETURN(std::string_view code, row.Get("insee_com"));
        if (!seen_rows.insert(std::string(type) + ":" + std::string(code)).second) {
          return Status::Ok();
        }
        const Commune* current = nullptr;
        if (type == "COM") {
          current = geography.CurrentCommune(code);
        } else {
          current = geography.CityOfArrondissement(code);
          if (current == nullptr) {
            VV_ASSIGN_OR_RETURN(std::string_view parent, row.Get("insee_parente"));
            current = geography.CurrentCommune(parent);
          }
        }
        if (current == nullptr)
          return row.Error("insee_com", "unknown commune code '" + std::string(code) + "'");
        const int32_t index = geography.CommuneIndex(current->code);
        auto number = [&row](const char* column) -> Result<int64_t> {
          VV_ASSIGN_OR_RETURN(std::optional<double> value, row.GetNumber(column));
          return static_cast<int64_t>(value.value_or(0.0));
        };
        CommuneStats piece;
        VV_ASSIGN_OR_RETURN(std::optional<double> lat, row.GetNumber("lat"));
        VV_ASSIGN_OR_RETURN(std::optional<double> lng, row.GetNumber("lng"));
        VV_ASSIGN_OR_RETURN(std::optional<double> area, row.GetNumber("superficie_km2"));
        piece.centre_wgs84 = {lng.value_or(0.0), lat.value_or(0.0)};
        piece.area_km2 = area.value_or(0.0);
        VV_ASSIGN_OR_RETURN(piece.population_2021, number("population_2021"));
        VV_ASSIGN_OR_RETURN(piece.population_2015, number("population_2015"));
        VV_ASSIGN_OR_RETURN(piece.households_2021, number("menages_2021"));
        VV_ASSIGN_OR_RETURN(piece.births_2022, number("naissances_2022"));
        VV_ASSIGN_OR_RETURN(piece.deaths_2022, number("deces_2022"));
        VV_ASSIGN_OR_RETURN(piece.active_15_64_2021, number("pop_15_64_active_2021"));
        VV_ASSIGN_OR_RETURN(piece.unemployed_15_64_2021, number("pop_15_64_chomage_2021"));
        if (piece.centre_wgs84.y < -90 || piece.centre_wgs84.y > 90 ||
            piece.centre_wgs84.x < -180 || piece.centre_wgs84.x > 180) {
          return row.Error("lat", "coordinates out of range");
        }
        if (type == "COM") {
          if (code == current->code) with_own_row.insert(index);
          commune_pieces[index].Add(piece);
        } else {
          city_pieces[index].Add(piece);
          city_pieces[index].sum.arrondissement_centres.push_back(piece.centre_wgs84);
        }
        return Status::Ok();
      }));
  for (auto& [index, pieces] : city_pieces) {
    if (with_own_row.contains(index)) continue;
    Pieces& city = commune_pieces[index];
    city.Add(pieces.sum);
    city.sum.arrondissement_centres = std::move(pieces.sum.arrondissement_centres);
  }
  for (auto& [index, pieces] : commune_pieces) {
    geography.communes_[static_cast<size_t>(index)].stats = pieces.sum;
  }
  return geography;
}

Result<std::unordered_map<std::string, Region>> LoadRegionsOfDepartements(
    const std::string& data_dir) {
  const std::filesystem::path cog =
      std::filesystem::path(data_dir) / "etalab-decoupage-administratif";
  VV_ASSIGN_OR_RETURN(json regions, ReadJson(cog / "regions.json"));
  std::unordered_map<std::string, std::string> names;
  for (const json& entry : regions) names[Text(entry, "code")] = Text(entry, "nom");
  VV_ASSIGN_OR_RETURN(json departements, ReadJson(cog / "departements.json"));
  std::unordered_map<std::string, Region> out;
  for (const json& entry : departements) {
    if (Text(entry, "zone") != "metro") continue;
    const std::string region = Text(entry, "region");
    auto name = names.find(region);
    if (name == names.end())
      return InvalidArgument((cog / "departements.json").string() + ": département " +
                             Text(entry, "code") + " names région " + region +
                             ", absent from regions.json");
    out[Text(entry, "code")] = Region{region, name->second};
  }
  return out;
}

}  // namespace vivrovert::geo
