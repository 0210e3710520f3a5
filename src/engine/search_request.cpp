#include "engine/search_request.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

namespace vivrovert::engine {

namespace {

using nlohmann::json;

Result<std::optional<double>> ReadBound(const json& entry, const char* key,
                                        const std::string& path) {
  auto found = entry.find(key);
  if (found == entry.end() || found->is_null()) return std::optional<double>();
  if (!found->is_number()) {
    return InvalidArgument("La borne doit être un nombre.", path + "." + key);
  }
  double value = found->get<double>();
  if (!std::isfinite(value))
    return InvalidArgument("La borne doit être un nombre fini.", path + "." + key);
  return std::optional<double>(value);
}

Result<std::vector<std::string>> ReadCodes(const json& territory, const char* key) {
  std::vector<std::string> codes;
  const json& list = territory.at(key);
  const std::string path = std::string("territory.") + key;
  if (!list.is_array() || list.empty()) {
    return InvalidArgument("Une liste non vide de codes est attendue.", path);
  }
  if (list.size() > 40000) return InvalidArgument("Trop de codes.", path);
  for (size_t index = 0; index < list.size(); ++index) {
    if (!list[index].is_string()) {
      return InvalidArgument("Chaque code doit être une chaîne.",
                             path + "[" + std::to_string(index) + "]");
    }
    codes.push_back(list[index].get<std::string>());
  }
  return codes;
}

Result<Importance> ReadImportance(const json& entry, const std::string& path,
                                  const std::string& prefix) {
  if (entry.contains("importance") && !entry["importance"].is_string()) {
    return InvalidArgument(prefix + "L'importance doit être « required » ou « preferred ».",
                           path + ".importance");
  }
  const std::string importance = entry.value("importance", std::string("required"));
  if (importance == "required") return Importance::kRequired;
  if (importance == "preferred") return Importance::kPreferred;
  return InvalidArgument(prefix + "L'importance doit être « required » ou « preferred ».",
                         path + ".importance");
}

Result<int> ReadWeight(const json& entry, const std::string& path, const std::string& prefix) {
  if (!entry.contains("weight")) return 1;
  const json& weight = entry["weight"];
  if (!weight.is_number_integer() || weight.get<int64_t>() < 1 || weight.get<int64_t>() > 5) {
    return InvalidArgument(prefix + "Le poids doit être un entier de 1 à 5.", path + ".weight");
  }
  return static_cast<int>(weight.get<int64_t>());
}

// One entry of "places", located with `locator`.
Result<PlaceConstraint> ReadPlace(const json& entry, const std::string& path,
                                  const PlaceLocator& locator) {
  if (!entry.is_object()) return InvalidArgument("Un objet est attendu pour chaque lieu.", path);
  PlaceConstraint place;
  auto name = entry.find("name");
  if (name == entry.end() || !name->is_string() || name->get<std::string>().empty()) {
    return InvalidArgument("Donnez un nom à chaque lieu (par exemple « travail de Léa »).",
                           path + ".name");
  }
  place.name = name->get<std::string>();
  if (place.name.size() > 80) {
    return InvalidArgument("Le nom du lieu dépasse 80 caractères.", path + ".name");
  }
  const std::string prefix = "Lieu « " + place.name + " » : ";
  for (const auto& [key, value] : entry.items()) {
    if (key != "name" && key != "lat" && key != "lon" && key != "commune" && key != "address" &&
        key != "max_km" && key != "importance" && key != "weight") {
      return InvalidArgument(prefix + "champ inconnu.", path + "." + key);
    }
  }
  for (const char* key : {"lat", "lon"}) {
    auto found = entry.find(key);
    if (found == entry.end() || found->is_null()) continue;
    if (!found->is_number() || !std::isfinite(found->get<double>())) {
      return InvalidArgument(prefix + "la latitude et la longitude sont des nombres (degrés).",
                             path + "." + key);
    }
    (std::string(key) == "lat" ? place.given_latitude : place.given_longitude) =
        found->get<double>();
  }
  for (const char* key : {"commune", "address"}) {
    auto found = entry.find(key);
    if (found == entry.end() || found->is_null()) continue;
    if (!found->is_string() || found->get<std::string>().size() > 200) {
      return InvalidArgument(prefix + "une chaîne de caractères est attendue.", path + "." + key);
    }
    (std::string(key) == "commune" ? place.commune : place.address) = found->get<std::string>();
  }
  const bool has_point = place.given_latitude || place.given_longitude;
  if (has_point && (!place.given_latitude || !place.given_longitude)) {
    return InvalidArgument(prefix + "indiquez la latitude et la longitude ensemble.",
                           path + (place.given_latitude ? ".lon" : ".lat"));
  }
  if (has_point && !place.commune.empty()) {
    return InvalidArgument(
        prefix + "indiquez soit des coordonnées, soit une commune, pas les deux.",
        path + ".commune");
  }
  if (!has_point && place.commune.empty()) {
    return InvalidArgument(
        prefix + "position manquante : indiquez « lat » et « lon », ou le code « commune ».", path);
  }
  if (!place.address.empty() && place.commune.empty()) {
    return InvalidArgument(prefix + "une adresse s'accompagne du code de sa commune.",
                           path + ".commune");
  }
  auto max_km = entry.find("max_km");
  if (max_km == entry.end() || !max_km->is_number() || !std::isfinite(max_km->get<double>())) {
    return InvalidArgument(prefix + "la distance maximale « max_km » (en km) est attendue.",
                           path + ".max_km");
  }
  place.max_km = max_km->get<double>();
  if (place.max_km <= 0 || place.max_km > kMaxPlaceKm) {
    return InvalidArgument(prefix + "la distance maximale doit être comprise entre 0 (exclu) et " +
                               std::to_string(static_cast<int>(kMaxPlaceKm)) + " km.",
                           path + ".max_km");
  }
  VV_ASSIGN_OR_RETURN(place.importance, ReadImportance(entry, path, prefix));
  VV_ASSIGN_OR_RETURN(place.weight, ReadWeight(entry, path, prefix));
  if (!locator) {
    return InvalidArgument(prefix + "les lieux ne sont pas pris en charge ici.", path);
  }
  Result<PlacePosition> position = locator(place);
  if (!position.ok()) {
    return InvalidArgument(prefix + position.status().message(),
                           path + (has_point ? ".lat" : ".commune"));
  }
  place.x = position->x;
  place.y = position->y;
  place.latitude = position->latitude;
  place.longitude = position->longitude;
  return place;
}

}  // namespace

Result<SearchRequest> ParseSearchRequest(const json& body, const GridFile& grid,
                                         const PlaceLocator& locator) {
  SearchRequest request;
  if (!body.is_object()) return InvalidArgument("Un objet JSON est attendu.", "");
  for (const auto& [key, value] : body.items()) {
    if (key != "level" && key != "territory" && key != "criteria" && key != "places" &&
        key != "page") {
      return InvalidArgument("Champ inconnu.", key);
    }
  }

  std::string level_name = "5km";
  if (auto level = body.find("level"); level != body.end()) {
    if (!level->is_string())
      return InvalidArgument("Le niveau doit être « 1km » ou « 5km ».", "level");
    level_name = level->get<std::string>();
  }
  std::optional<Level> level = ParseLevel(level_name);
  if (!level) return InvalidArgument("Le niveau doit être « 1km » ou « 5km ».", "level");
  if (grid.level(*level) == nullptr) {
    return InvalidArgument("La grille ne contient pas le niveau " + level_name + ".", "level");
  }
  request.level = *level;

  if (auto places = body.find("places"); places != body.end() && !places->is_null()) {
    if (!places->is_array()) return InvalidArgument("Une liste de lieux est attendue.", "places");
    if (places->size() > kMaxPlaces) {
      return InvalidArgument("Au plus " + std::to_string(kMaxPlaces) + " lieux (" +
                                 std::to_string(places->size()) + " indiqués).",
                             "places");
    }
    for (size_t index = 0; index < places->size(); ++index) {
      VV_ASSIGN_OR_RETURN(
          PlaceConstraint place,
          ReadPlace((*places)[index], "places[" + std::to_string(index) + "]", locator));
      request.places.push_back(std::move(place));
    }
  }

  auto criteria = body.find("criteria");
  if (criteria == body.end() || !criteria->is_array()) {
    return InvalidArgument("La liste des critères est attendue.", "criteria");
  }
  if (criteria->empty() && request.places.empty())
    return InvalidArgument("Choisissez au moins un critère.", "criteria");
  if (criteria->size() > kMaxConstraints) {
    return InvalidArgument("Au plus " + std::to_string(kMaxConstraints) + " critères.", "criteria");
  }
  const CriteriaCatalogue& catalogue = grid.catalogue();
  for (size_t index = 0; index < criteria->size(); ++index) {
    const json& entry = (*criteria)[index];
    const std::string path = "criteria[" + std::to_string(index) + "]";
    if (!entry.is_object()) return InvalidArgument("Un objet est attendu.", path);
    for (const auto& [key, value] : entry.items()) {
      if (key != "criterion" && key != "min" && key != "max" && key != "importance" &&
          key != "weight") {
        return InvalidArgument("Champ inconnu.", path + "." + key);
      }
    }
    Constraint constraint;
    auto id = entry.find("criterion");
    if (id == entry.end() || !id->is_string()) {
      return InvalidArgument("Le critère est attendu.", path + ".criterion");
    }
    std::optional<size_t> criterion = catalogue.Find(id->get<std::string>());
    if (!criterion) {
      return InvalidArgument("Critère inconnu : « " + id->get<std::string>().substr(0, 60) + " ».",
                             path + ".criterion");
    }
    constraint.criterion = *criterion;
    VV_ASSIGN_OR_RETURN(constraint.min, ReadBound(entry, "min", path));
    VV_ASSIGN_OR_RETURN(constraint.max, ReadBound(entry, "max", path));
    if (!constraint.min && !constraint.max) {
      return InvalidArgument("Indiquez un minimum, un maximum ou les deux.", path);
    }
    if (constraint.min && constraint.max && *constraint.min > *constraint.max) {
      return InvalidArgument("Le minimum dépasse le maximum.", path + ".min");
    }
    VV_ASSIGN_OR_RETURN(constraint.importance, ReadImportance(entry, path, ""));
    VV_ASSIGN_OR_RETURN(constraint.weight, ReadWeight(entry, path, ""));
    request.constraints.push_back(constraint);
  }

  if (auto territory = body.find("territory"); territory != body.end() && !territory->is_null()) {
    if (!territory->is_object() || territory->size() != 1) {
      return InvalidArgument(
          "Le territoire est un objet avec « communes », « epci » ou « departements ».",
          "territory");
    }
    const std::string kind = territory->begin().key();
    if (kind != "communes" && kind != "epci" && kind != "departements") {
      return InvalidArgument(
          "Le territoire est un objet avec « communes », « epci » ou « departements ».",
          "territory." + kind);
    }
    VV_ASSIGN_OR_RETURN(std::vector<std::string> codes, ReadCodes(*territory, kind.c_str()));
    const GridFile::CodeKind code_kind = kind == "communes" ? GridFile::CodeKind::kCommune
                                         : kind == "epci"   ? GridFile::CodeKind::kEpci
                                                            : GridFile::CodeKind::kDepartement;
    std::set<uint32_t> selected;
    for (size_t code_idx = 0; code_idx < codes.size(); ++code_idx) {
      const std::vector<uint32_t>* members = grid.CommunesWithCode(code_kind, codes[code_idx]);
      if (members == nullptr) {
        return InvalidArgument(
            "Code inconnu dans la grille : « " + codes[code_idx].substr(0, 20) + " ».",
            "territory." + kind + "[" + std::to_string(code_idx) + "]");
      }
      selected.insert(members->begin(), members->end());
    }
    request.territory_communes.assign(selected.begin(), selected.end());
    request.has_territory = true;
  }

  if (auto page = body.find("page"); page != body.end()) {
    if (!page->is_object()) return InvalidArgument("La page est un objet {offset, limit}.", "page");
    if (page->contains("offset")) {
      if (!(*page)["offset"].is_number_unsigned())
        return InvalidArgument("Entier positif attendu.", "page.offset");
      request.offset = (*page)["offset"].get<size_t>();
    }
    if (page->contains("limit")) {
      if (!(*page)["limit"].is_number_unsigned() ||
          (*page)["limit"].get<size_t>() > kMaxPageLimit) {
        return InvalidArgument("La limite va de 0 à " + std::to_string(kMaxPageLimit) + ".",
                               "page.limit");
      }
      request.limit = (*page)["limit"].get<size_t>();
    }
  }
  return request;
}

json PlacesToJson(const std::vector<PlaceConstraint>& places) {
  json out = json::array();
  for (const PlaceConstraint& place : places) {
    json entry = {
        {"name", place.name},
        {"max_km", place.max_km},
        {"importance", place.importance == Importance::kRequired ? "required" : "preferred"}};
    if (place.given_latitude && place.given_longitude) {
      entry["lat"] = *place.given_latitude;
      entry["lon"] = *place.given_longitude;
    } else {
      entry["commune"] = place.commune;
      if (!place.address.empty()) entry["address"] = place.address;
    }
    if (place.importance == Importance::kPreferred) entry["weight"] = place.weight;
    out.push_back(entry);
  }
  return out;
}

json SearchRequestToJson(const SearchRequest& request, const GridFile& grid) {
  json criteria = json::array();
  for (const Constraint& constraint : request.constraints) {
    json entry = {
        {"criterion", grid.catalogue().criteria()[constraint.criterion].id},
        {"importance", constraint.importance == Importance::kRequired ? "required" : "preferred"}};
    if (constraint.min) entry["min"] = *constraint.min;
    if (constraint.max) entry["max"] = *constraint.max;
    if (constraint.importance == Importance::kPreferred) entry["weight"] = constraint.weight;
    criteria.push_back(entry);
  }
  json out = {{"level", LevelName(request.level)}, {"criteria", criteria}};
  if (!request.places.empty()) out["places"] = PlacesToJson(request.places);
  if (request.has_territory) {
    json codes = json::array();
    for (uint32_t commune : request.territory_communes)
      codes.push_back(grid.communes()[commune].code);
    out["territory"] = {{"communes", codes}};
  }
  return out;
}

}  // namespace vivrovert::engine
