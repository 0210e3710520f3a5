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

}  // namespace

Result<SearchRequest> ParseSearchRequest(const json& body, const GridFile& grid) {
  SearchRequest request;
  if (!body.is_object()) return InvalidArgument("Un objet JSON est attendu.", "");
  for (const auto& [key, value] : body.items()) {
    if (key != "level" && key != "territory" && key != "criteria" && key != "page") {
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

  auto criteria = body.find("criteria");
  if (criteria == body.end() || !criteria->is_array()) {
    return InvalidArgument("La liste des critères est attendue.", "criteria");
  }
  if (criteria->empty()) return InvalidArgument("Choisissez au moins un critère.", "criteria");
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
    if (entry.contains("importance") && !entry["importance"].is_string()) {
      return InvalidArgument("L'importance doit être « required » ou « preferred ».",
                             path + ".importance");
    }
    const std::string importance = entry.value("importance", std::string("required"));
    if (importance == "required") {
      constraint.importance = Importance::kRequired;
    } else if (importance == "preferred") {
      constraint.importance = Importance::kPreferred;
    } else {
      return InvalidArgument("L'importance doit être « required » ou « preferred ».",
                             path + ".importance");
    }
    if (entry.contains("weight")) {
      const json& weight = entry["weight"];
      if (!weight.is_number_integer() || weight.get<int64_t>() < 1 || weight.get<int64_t>() > 5) {
        return InvalidArgument("Le poids doit être un entier de 1 à 5.", path + ".weight");
      }
      constraint.weight = static_cast<int>(weight.get<int64_t>());
    }
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
  if (request.has_territory) {
    json codes = json::array();
    for (uint32_t commune : request.territory_communes)
      codes.push_back(grid.communes()[commune].code);
    out["territory"] = {{"communes", codes}};
  }
  return out;
}

}  // namespace vivrovert::engine
