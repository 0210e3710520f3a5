#include "data/importers/point_sources.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "data/csv/csv_reader.hpp"
#include "data/importers/import_helpers.hpp"

namespace vivrovert::importers {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

Result<json> LoadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path, "file");
  try {
    return json::parse(in);
  } catch (const json::parse_error& error) {
    return InvalidArgument(path + ": malformed JSON: " + error.what());
  }
}

// Projectors from each coordinate system met in a file to EPSG:3035, made once.
class ProjectorCache {
 public:
  Result<const geo::Projector*> To3035(const std::string& crs) {
    auto found = projectors_.find(crs);
    if (found != projectors_.end()) return &found->second;
    VV_ASSIGN_OR_RETURN(geo::Projector projector, geo::Projector::Create(crs, geo::kLaea));
    return &projectors_.emplace(crs, std::move(projector)).first->second;
  }

 private:
  std::map<std::string, geo::Projector> projectors_;
};

// "2154", "EPSG:2154", "epsg:2154" → "EPSG:2154"; empty stays empty.
std::string NormaliseEpsg(std::string_view text) {
  if (text.size() > 5 && (text.substr(0, 5) == "EPSG:" || text.substr(0, 5) == "epsg:"))
    text.remove_prefix(5);
  if (text.empty()) return {};
  return "EPSG:" + std::string(text);
}

bool HasColumn(const CsvRow& row, std::string_view column) { return row.Get(column).ok(); }

// Reads (x, y) from two columns; nullopt when both are empty. One empty and not the other,
// or a value that is not a number, is an error naming the column.
Result<std::optional<geo::Point>> ReadXY(const CsvRow& row, const char* x_column,
                                         const char* y_column) {
  VV_ASSIGN_OR_RETURN(std::optional<double> x, row.GetNumber(x_column));
  VV_ASSIGN_OR_RETURN(std::optional<double> y, row.GetNumber(y_column));
  if (!x && !y) return std::optional<geo::Point>();
  if (!x || !y)
    return row.Error(x ? y_column : x_column, "coordinate missing while the other is present");
  return std::optional<geo::Point>(geo::Point{*x, *y});
}

Result<std::vector<PointClass>> ParseClasses(const json& entries, const char* code_field,
                                             const std::string& where) {
  std::vector<PointClass> classes;
  std::set<std::string> seen;
  try {
    for (const json& entry : entries) {
      PointClass point_class;
      point_class.criterion = entry.at("criterion").get<std::string>();
      if (!seen.insert(point_class.criterion).second) {
        return InvalidArgument(where + ": criterion '" + point_class.criterion + "' listed twice",
                               "criterion");
      }
      if (entry.contains(code_field)) {
        const json& codes = entry.at(code_field);
        if (codes.is_object()) {
          for (const auto& [code, label] : codes.items()) point_class.codes.push_back(code);
        } else {
          point_class.codes = codes.get<std::vector<std::string>>();
        }
      }
      const std::string prefix_field = std::string(code_field) + "_prefix";
      if (entry.contains(prefix_field))
        point_class.prefixes = entry.at(prefix_field).get<std::vector<std::string>>();
      if (point_class.codes.empty() && point_class.prefixes.empty()) {
        return InvalidArgument(where + ": class '" + point_class.criterion + "' has no code",
                               code_field);
      }
      point_class.count_radius_m = entry.value("count_radius_km", 0.0) * 1000.0;
      classes.push_back(std::move(point_class));
    }
  } catch (const json::exception& error) {
    return InvalidArgument(where + ": " + error.what());
  }
  return classes;
}

// Adds a point to every class its code matches; returns whether one did.
bool AddToClasses(const std::vector<PointClass>& classes, std::string_view code,
                  const geo::Point& point, ImportLayer& layer) {
  bool kept = false;
  for (const PointClass& point_class : classes) {
    if (!point_class.Matches(code)) continue;
    layer.points[point_class.criterion].push_back(point);
    kept = true;
  }
  return kept;
}

void DeclareClasses(const std::vector<PointClass>& classes, ImportLayer& layer) {
  for (const PointClass& point_class : classes) {
    layer.points[point_class.criterion];  // present, even when empty: the source has none
    if (point_class.count_radius_m > 0)
      layer.count_radius_m[point_class.criterion] = point_class.count_radius_m;
  }
}

}  // namespace

bool PointClass::Matches(std::string_view code) const {
  for (const std::string& exact : codes) {
    if (code == exact) return true;
  }
  for (const std::string& prefix : prefixes) {
    if (code.starts_with(prefix)) return true;
  }
  return false;
}

Result<std::vector<PointClass>> LoadBpeClasses(const std::string& path) {
  VV_ASSIGN_OR_RETURN(json document, LoadJson(path));
  if (!document.contains("classes"))
    return InvalidArgument(path + ": a 'classes' array was expected", "classes");
  return ParseClasses(document["classes"], "typequ", path);
}

Result<EducationClasses> LoadEducationClasses(const std::string& path) {
  VV_ASSIGN_OR_RETURN(json document, LoadJson(path));
  if (!document.contains("classes"))
    return InvalidArgument(path + ": a 'classes' array was expected", "classes");
  EducationClasses classes;
  VV_ASSIGN_OR_RETURN(classes.classes, ParseClasses(document["classes"], "code_nature", path));
  try {
    classes.open_states = document.at("open_states").get<std::vector<std::string>>();
  } catch (const json::exception& error) {
    return InvalidArgument(path + ": " + error.what(), "open_states");
  }
  return classes;
}

Result<ImportLayer> ImportBpe(const std::vector<std::string>& files,
                              const std::vector<PointClass>& classes, const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "bpe";
  layer.source.publisher = "INSEE";
  layer.source.dataset = "Base permanente des équipements (BPE), ensemble géolocalisé";
  layer.source.files = FileNames(files);
  DeclareClasses(classes, layer);
  ProjectorCache projectors;
  FileProgress file_progress(files, progress);
  std::set<std::string> departements, years;
  int64_t overseas = 0, unlocated = 0, outside = 0;
  for (const std::string& file : files) {
    CsvOptions options;
    options.delimiter = ';';
    options.required_columns = {"TYPEQU", "DEPCOM"};
    options.on_block = file_progress.ForFile("BPE " + fs::path(file).filename().string());
    bool checked_header = false;
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      if (!checked_header) {
        checked_header = true;
        const bool wgs84 = HasColumn(row, "LONGITUDE") && HasColumn(row, "LATITUDE");
        const bool lambert = HasColumn(row, "LAMBERT_X") && HasColumn(row, "LAMBERT_Y");
        if (!wgs84 && !lambert) {
          return row.Error("LAMBERT_X",
                           "the header has neither LONGITUDE/LATITUDE nor LAMBERT_X/LAMBERT_Y");
        }
      }
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string_view commune, row.Get("DEPCOM"));
      VV_ASSIGN_OR_RETURN(std::string_view typequ, row.Get("TYPEQU"));
      if (commune.size() != 5)
        return row.Error("DEPCOM", "not a commune code ('" + std::string(commune) + "')");
      if (typequ.size() != 4)
        return row.Error("TYPEQU", "not an equipment type ('" + std::string(typequ) + "')");
      for (const char* year_column : {"AN", "REF_YEAR"}) {
        auto year = row.Get(year_column);
        if (year.ok() && !year->empty()) years.emplace(*year);
      }
      const std::string departement = DepartementOfCommune(commune);
      if (departement.size() == 3) {
        ++overseas;
        return Status::Ok();
      }
      departements.insert(departement);
      bool any = false;
      for (const PointClass& point_class : classes) any = any || point_class.Matches(typequ);
      if (!any) return Status::Ok();

      std::optional<geo::Point> point;
      std::string crs;
      if (HasColumn(row, "LONGITUDE") && HasColumn(row, "LATITUDE")) {
        VV_ASSIGN_OR_RETURN(point, ReadXY(row, "LONGITUDE", "LATITUDE"));
        crs = geo::kWgs84;
        if (point && (point->x < -180 || point->x > 180 || point->y < -90 || point->y > 90)) {
          return row.Error("LONGITUDE", "not a longitude/latitude pair");
        }
      }
      if (!point && HasColumn(row, "LAMBERT_X")) {
        VV_ASSIGN_OR_RETURN(point, ReadXY(row, "LAMBERT_X", "LAMBERT_Y"));
        auto epsg = row.Get("EPSG");
        crs = epsg.ok() && !epsg->empty() ? NormaliseEpsg(*epsg) : geo::kLambert93;
      }
      if (!point) {
        ++unlocated;
        return Status::Ok();
      }
      VV_ASSIGN_OR_RETURN(const geo::Projector* projector, projectors.To3035(crs));
      if (!projector->Transform(*point) || !InMetropolitanFrance(*point)) {
        ++outside;
        return Status::Ok();
      }
      if (AddToClasses(classes, typequ, *point, layer)) ++layer.source.rows_kept;
      return Status::Ok();
    }));
  }
  for (const std::string& year : years) {
    layer.source.vintage += (layer.source.vintage.empty() ? "" : ", ") + year;
  }
  layer.departements = CoveredDepartements(departements);
  layer.source.rows_skipped = overseas + unlocated + outside;
  if (overseas)
    layer.source.notes.push_back(std::to_string(overseas) +
                                 " rows overseas (the grid covers metropolitan France)");
  if (unlocated)
    layer.source.notes.push_back(std::to_string(unlocated) +
                                 " equipments of the classes without coordinates");
  if (outside)
    layer.source.notes.push_back(
        std::to_string(outside) +
        " equipments of the classes with coordinates outside metropolitan France");
  layer.Normalise();
  return layer;
}

Result<ImportLayer> ImportEducationAnnuaire(const std::vector<std::string>& files,
                                            const EducationClasses& classes,
                                            const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "education";
  layer.source.publisher = "Ministère de l'Éducation nationale";
  layer.source.dataset = "Annuaire de l'éducation";
  layer.source.files = FileNames(files);
  DeclareClasses(classes.classes, layer);
  ProjectorCache projectors;
  FileProgress file_progress(files, progress);
  std::set<std::string> departements;
  std::string latest_update;
  int64_t overseas = 0, unlocated = 0, outside = 0, closed = 0;
  for (const std::string& file : files) {
    CsvOptions options;
    options.delimiter = ';';
    options.required_columns = {"Identifiant_de_l_etablissement",
                                "code_nature",
                                "etat",
                                "Code_departement",
                                "latitude",
                                "longitude"};
    options.on_block = file_progress.ForFile("Annuaire " + fs::path(file).filename().string());
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string_view departement_field, row.Get("Code_departement"));
      std::string departement(departement_field);
      // "035" → "35", "02A" → "2A"; overseas keep three characters ("971").
      if (departement.size() == 3 && departement[0] == '0') departement.erase(0, 1);
      if (departement.size() != 2 && departement.size() != 3) {
        return row.Error("Code_departement", "not a département code ('" + departement + "')");
      }
      if (departement.size() == 3) {
        ++overseas;
        return Status::Ok();
      }
      departements.insert(departement);
      if (auto updated = row.Get("date_maj_ligne"); updated.ok() && *updated > latest_update) {
        latest_update = *updated;
      }
      VV_ASSIGN_OR_RETURN(std::string_view nature, row.Get("code_nature"));
      bool any = false;
      for (const PointClass& point_class : classes.classes)
        any = any || point_class.Matches(nature);
      if (!any) return Status::Ok();
      VV_ASSIGN_OR_RETURN(std::string_view state, row.Get("etat"));
      if (std::find(classes.open_states.begin(), classes.open_states.end(), state) ==
          classes.open_states.end()) {
        ++closed;
        return Status::Ok();
      }
      VV_ASSIGN_OR_RETURN(std::optional<geo::Point> point, ReadXY(row, "longitude", "latitude"));
      std::string crs = geo::kWgs84;
      if (point && (point->x < -180 || point->x > 180 || point->y < -90 || point->y > 90)) {
        return row.Error("latitude", "not a latitude/longitude pair");
      }
      if (!point && HasColumn(row, "coordonnee_X") && HasColumn(row, "epsg")) {
        VV_ASSIGN_OR_RETURN(point, ReadXY(row, "coordonnee_X", "coordonnee_Y"));
        VV_ASSIGN_OR_RETURN(std::string_view epsg, row.Get("epsg"));
        crs = NormaliseEpsg(epsg);
        if (point && crs.empty())
          return row.Error("epsg", "coordinates without their reference system");
      }
      if (!point) {
        ++unlocated;
        return Status::Ok();
      }
      VV_ASSIGN_OR_RETURN(const geo::Projector* projector, projectors.To3035(crs));
      if (!projector->Transform(*point) || !InMetropolitanFrance(*point)) {
        ++outside;
        return Status::Ok();
      }
      if (AddToClasses(classes.classes, nature, *point, layer)) ++layer.source.rows_kept;
      return Status::Ok();
    }));
  }
  layer.source.vintage = latest_update.empty() ? "" : "mise à jour du " + latest_update;
  layer.departements = CoveredDepartements(departements);
  layer.source.rows_skipped = overseas + unlocated + outside + closed;
  if (overseas)
    layer.source.notes.push_back(std::to_string(overseas) +
                                 " rows overseas (the grid covers metropolitan France)");
  if (closed)
    layer.source.notes.push_back(std::to_string(closed) +
                                 " establishments of the classes not open");
  if (unlocated)
    layer.source.notes.push_back(std::to_string(unlocated) +
                                 " establishments of the classes without coordinates");
  if (outside)
    layer.source.notes.push_back(
        std::to_string(outside) +
        " establishments of the classes with coordinates outside metropolitan France");
  layer.Normalise();
  return layer;
}

}  // namespace vivrovert::importers
