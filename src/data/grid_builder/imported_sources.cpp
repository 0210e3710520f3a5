#include "data/grid_builder/imported_sources.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

#include "data/grid_builder/covered_area.hpp"
#include "data/importers/climate.hpp"
#include "data/importers/commune_figures.hpp"
#include "data/importers/dem.hpp"
#include "data/importers/dvf.hpp"
#include "data/importers/point_sources.hpp"

namespace vivrovert::grid_builder {

namespace {

namespace fs = std::filesystem;

// Files of `folder` with one of the extensions, sorted (deterministic builds).
std::vector<std::string> FilesIn(const fs::path& folder,
                                 const std::vector<std::string>& extensions) {
  std::vector<std::string> files;
  std::error_code error;
  if (!fs::is_directory(folder, error)) return files;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    std::string extension = entry.path().extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (std::find(extensions.begin(), extensions.end(), extension) != extensions.end()) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Reads the data folder's real files of one kind; nullopt when it has none.
Result<std::optional<LoadedLayer>> FromDataFolder(const ImportSearch& search,
                                                  const std::string& kind,
                                                  const importers::ProgressFn& progress) {
  const fs::path data(search.data_dir);
  const fs::path classes(search.classes_dir);
  if (kind == "bpe") {
    std::vector<std::string> files = FilesIn(data / "insee-bpe", {".csv"});
    if (files.empty()) return std::optional<LoadedLayer>();
    VV_ASSIGN_OR_RETURN(auto bpe_classes,
                        importers::LoadBpeClasses((classes / "bpe_classes.json").string()));
    VV_ASSIGN_OR_RETURN(auto layer, importers::ImportBpe(files, bpe_classes, progress));
    return std::optional<LoadedLayer>(LoadedLayer{std::move(layer), "insee-bpe"});
  }
  if (kind == "education") {
    std::vector<std::string> files = FilesIn(data / "education-annuaire", {".csv"});
    if (files.empty()) return std::optional<LoadedLayer>();
    VV_ASSIGN_OR_RETURN(auto education_classes, importers::LoadEducationClasses(
                                                    (classes / "education_classes.json").string()));
    VV_ASSIGN_OR_RETURN(auto layer,
                        importers::ImportEducationAnnuaire(files, education_classes, progress));
    return std::optional<LoadedLayer>(LoadedLayer{std::move(layer), "education-annuaire"});
  }
  if (kind == "altitude") {
    std::vector<std::string> files = FilesIn(data / "dem", {".tif", ".tiff", ".asc"});
    importers::LayerSource source{
        "IGN", "RGE ALTI / BD ALTI (modèle numérique de terrain)", "", {}, 0, 0, 0, {}};
    std::string origin = "dem";
    if (files.empty() && fs::exists(data / "rcarto-geodata-lot" / "elevation.tif")) {
      files.push_back((data / "rcarto-geodata-lot" / "elevation.tif").string());
      // As its SOURCE.txt says: SRTM through R elevatr, extract of rCarto/geodata (2024).
      source = {"NASA (via rCarto/geodata, R elevatr)",
                "SRTM, modèle numérique de terrain (extrait autour de Cahors)",
                "SRTM 2000, extrait 2024",
                {},
                0,
                0,
                0,
                {}};
      origin = "rcarto-geodata-lot";
    }
    if (files.empty()) return std::optional<LoadedLayer>();
    VV_ASSIGN_OR_RETURN(auto layer, importers::ImportDem(files, source, progress));
    return std::optional<LoadedLayer>(LoadedLayer{std::move(layer), origin});
  }
  if (kind == "dvf") {
    std::vector<std::string> files = FilesIn(data / "dvf", {".csv"});
    if (files.empty()) return std::optional<LoadedLayer>();
    VV_ASSIGN_OR_RETURN(auto layer, importers::ImportDvf(files, importers::DvfRules{}, progress));
    return std::optional<LoadedLayer>(LoadedLayer{std::move(layer), "dvf"});
  }
  if (kind == "insee" || kind == "arcep") {
    const char* folder = kind == "insee" ? "insee-comparateur" : "arcep";
    std::vector<std::string> files = FilesIn(data / folder, {".csv"});
    if (files.empty()) return std::optional<LoadedLayer>();
    auto layer = kind == "insee" ? importers::ImportInseeComparateur(files, progress)
                                 : importers::ImportArcepFibre(files, progress);
    if (!layer.ok()) return layer.status();
    return std::optional<LoadedLayer>(LoadedLayer{std::move(*layer), folder});
  }
  if (kind == "climate") {
    std::vector<std::string> files = FilesIn(data / "meteo-france", {".csv"});
    if (files.empty()) return std::optional<LoadedLayer>();
    VV_ASSIGN_OR_RETURN(
        auto layer, importers::ImportClimateNormals(files, importers::ClimateRules{}, progress));
    return std::optional<LoadedLayer>(LoadedLayer{std::move(layer), "meteo-france"});
  }
  return std::optional<LoadedLayer>();
}

// Inverse-distance weighting of station values to the 1 km tiles (docs/CRITERIA.md): the
// kIdwStations nearest stations, weights 1/d²; no value beyond kIdwMaxNearestM of the
// nearest station. With `lapse`, station values are brought to sea level at kLapseRate
// per metre first and the result to the tile's altitude, where the tile has one.
constexpr size_t kIdwStations = 8;
constexpr double kIdwMaxNearestM = 50'000;
constexpr double kLapseRate = 0.0065;  // °C per metre, the standard atmosphere's

void InterpolateStations(const std::vector<importers::StationValue>& stations, bool lapse,
                         const std::unordered_map<uint64_t, double>* altitudes,
                         const LevelCoverage& fine, const std::unordered_set<uint64_t>* allowed,
                         std::unordered_map<uint64_t, double>& values) {
  std::vector<geo::Point> points;
  for (const importers::StationValue& station : stations) {
    points.push_back({static_cast<double>(station.east), static_cast<double>(station.north)});
  }
  const NearestPoints tree(std::move(points));
  if (tree.empty()) return;
  for (const engine::TileId& tile : fine.tiles) {
    const uint64_t key = CellKey(tile.east, tile.north);
    if (allowed && !allowed->contains(key)) continue;
    const auto nearest = tree.KNearest({tile.CentreEast(), tile.CentreNorth()}, kIdwStations);
    if (nearest.empty() || nearest.front().second > kIdwMaxNearestM) continue;
    const auto altitude =
        altitudes ? altitudes->find(key) : std::unordered_map<uint64_t, double>::const_iterator();
    const bool corrected = lapse && altitudes && altitude != altitudes->end();
    double weighted = 0, weight = 0;
    for (const auto& [station_idx, distance] : nearest) {
      const importers::StationValue& station = stations[station_idx];
      const double value = station.value + (corrected ? kLapseRate * station.altitude_m : 0);
      if (distance < 1) {  // the tile centre is the station
        weighted = value;
        weight = 1;
        break;
      }
      weighted += value / (distance * distance);
      weight += 1 / (distance * distance);
    }
    values[key] = weighted / weight - (corrected ? kLapseRate * altitude->second : 0);
  }
}

// The 1 km cells whose largest commune lies in one of `departements`: a value per cell
// from a source covering some départements only is kept there alone (the cells of a
// neighbouring département would be measured from one side of the border only).
std::unordered_set<uint64_t> CellsInDepartements(const LevelCoverage& fine,
                                                 const geo::Geography& geography,
                                                 const std::vector<std::string>& departements) {
  const std::set<std::string> wanted(departements.begin(), departements.end());
  std::unordered_set<uint64_t> cells;
  for (size_t tile_idx = 0; tile_idx < fine.tiles.size(); ++tile_idx) {
    if (fine.offsets[tile_idx] == fine.offsets[tile_idx + 1]) continue;
    const geo::Commune& commune =
        geography.communes()[fine.overlaps[fine.offsets[tile_idx]].commune];
    if (wanted.contains(commune.departement))
      cells.insert(CellKey(fine.tiles[tile_idx].east, fine.tiles[tile_idx].north));
  }
  return cells;
}

}  // namespace

const std::vector<std::string>& ImportKinds() {
  static const std::vector<std::string> kinds = {"education", "bpe",   "altitude", "dvf",
                                                 "insee",     "arcep", "climate",  "osm"};
  return kinds;
}

std::string ImportsDirIn(const std::string& var_dir) {
  return (fs::path(var_dir) / "imports").string();
}

std::string LayerPath(const std::string& imports_dir, const std::string& kind) {
  return (fs::path(imports_dir) / (kind + ".json")).string();
}

Result<std::vector<LoadedLayer>> LoadImportLayers(const ImportSearch& search,
                                                  const importers::ProgressFn& progress) {
  std::vector<LoadedLayer> layers;
  for (const std::string& kind : ImportKinds()) {
    if (!search.imports_dir.empty() && fs::exists(LayerPath(search.imports_dir, kind))) {
      VV_ASSIGN_OR_RETURN(importers::ImportLayer layer,
                          importers::ReadLayer(LayerPath(search.imports_dir, kind)));
      layers.push_back({std::move(layer), "imports/" + kind + ".json"});
      continue;
    }
    VV_ASSIGN_OR_RETURN(std::optional<LoadedLayer> found, FromDataFolder(search, kind, progress));
    if (found) layers.push_back(std::move(*found));
  }
  return layers;
}

void ApplyImportLayers(const std::vector<LoadedLayer>& layers, const geo::Geography& geography,
                       const std::vector<CommuneContour>& contours, const LevelCoverage& fine,
                       engine::GridData& grid, MeasureInputs& inputs) {
  // Per criterion, the layer that measures it: national before partial, then kind order.
  std::map<std::string, const LoadedLayer*> chosen;
  for (const LoadedLayer& loaded : layers) {
    auto offer = [&](const std::string& criterion) {
      if (!grid.catalogue.Find(criterion)) return;  // a class for a criterion this catalogue lacks
      auto [slot, inserted] = chosen.emplace(criterion, &loaded);
      if (!inserted && !slot->second->layer.departements.empty() &&
          loaded.layer.departements.empty()) {
        slot->second = &loaded;
      }
    };
    for (const auto& [criterion, points] : loaded.layer.points) offer(criterion);
    for (const auto& [criterion, cells] : loaded.layer.cells) offer(criterion);
    for (const auto& [criterion, figures] : loaded.layer.communes) offer(criterion);
    for (const auto& [criterion, stations] : loaded.layer.stations) offer(criterion);
  }
  std::map<const LoadedLayer*, std::vector<double>> reach_by_layer;
  std::map<const LoadedLayer*, std::unordered_set<uint64_t>> cells_by_layer;
  auto cells_of = [&](const LoadedLayer* loaded) -> const std::unordered_set<uint64_t>* {
    if (loaded->layer.departements.empty()) return nullptr;
    auto found = cells_by_layer.find(loaded);
    if (found == cells_by_layer.end()) {
      found = cells_by_layer
                  .emplace(loaded, CellsInDepartements(fine, geography, loaded->layer.departements))
                  .first;
    }
    return &found->second;
  };
  std::vector<std::pair<std::string, const LoadedLayer*>>
      interpolated;  // after the altitude is known
  std::set<const LoadedLayer*> used;
  for (const auto& [criterion, loaded] : chosen) {
    const importers::ImportLayer& layer = loaded->layer;
    used.insert(loaded);
    if (auto points = layer.points.find(criterion); points != layer.points.end()) {
      inputs.point_sets.erase(criterion);
      inputs.point_sets.emplace(criterion, NearestPoints(points->second));
      if (auto radius = layer.count_radius_m.find(criterion);
          radius != layer.count_radius_m.end()) {
        inputs.count_radius_m[criterion] = radius->second;
      }
      if (!layer.departements.empty()) {
        auto reach = reach_by_layer.find(loaded);
        if (reach == reach_by_layer.end()) {
          reach = reach_by_layer
                      .emplace(loaded, ReachInsideDepartements(contours, geography,
                                                               layer.departements, fine))
                      .first;
        }
        inputs.reach_m[criterion] = reach->second;
      }
    } else if (layer.stations.contains(criterion)) {
      interpolated.emplace_back(criterion, loaded);
    } else if (auto figures = layer.communes.find(criterion); figures != layer.communes.end()) {
      std::vector<double>& values = inputs.commune_values[criterion];
      values.assign(geography.communes().size(), kMissing);
      for (size_t commune_idx = 0; commune_idx < values.size(); ++commune_idx) {
        auto found = figures->second.find(geography.communes()[commune_idx].code);
        if (found != figures->second.end()) values[commune_idx] = found->second;
      }
    } else {
      auto& values = inputs.cell_values[criterion];
      const std::unordered_set<uint64_t>* allowed = cells_of(loaded);
      for (const importers::CellValue& cell : layer.cells.at(criterion)) {
        const uint64_t key = CellKey(cell.east, cell.north);
        if (!allowed || allowed->contains(key)) values[key] = cell.value;
      }
    }
    grid.catalogue.SetSource(
        criterion, {layer.source.publisher, layer.source.dataset, layer.source.vintage, ""});
  }
  const auto altitudes = inputs.cell_values.find("altitude_m");
  for (const auto& [criterion, loaded] : interpolated) {
    const bool lapse = criterion == "summer_temp_c" || criterion == "winter_temp_c";
    InterpolateStations(loaded->layer.stations.at(criterion), lapse,
                        altitudes == inputs.cell_values.end() ? nullptr : &altitudes->second, fine,
                        cells_of(loaded), inputs.cell_values[criterion]);
  }
  for (const LoadedLayer& loaded : layers) {
    if (!used.contains(&loaded)) continue;
    const importers::LayerSource& source = loaded.layer.source;
    nlohmann::json entry = {{"publisher", source.publisher}, {"dataset", source.dataset},
                            {"vintage", source.vintage},     {"folder", loaded.origin},
                            {"files", source.files},         {"rows_kept", source.rows_kept}};
    if (!loaded.layer.departements.empty()) entry["departements"] = loaded.layer.departements;
    grid.sources.push_back(std::move(entry));
  }
}

}  // namespace vivrovert::grid_builder
