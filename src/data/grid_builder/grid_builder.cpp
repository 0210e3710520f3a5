#include "data/grid_builder/grid_builder.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "data/geo/geography.hpp"
#include "data/grid_builder/contours.hpp"
#include "data/grid_builder/coverage.hpp"
#include "data/grid_builder/criteria_measures.hpp"
#include "data/grid_builder/distance_points.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "data/importers/national_sources.hpp"

namespace vivrovert::grid_builder {

namespace {

namespace fs = std::filesystem;

class PhaseTimer {
 public:
  explicit PhaseTimer(GridBuildReport* report) : report_(report), start_(Clock::now()) {}
  void Done(const std::string& phase) {
    auto now = Clock::now();
    if (report_)
      report_->phase_seconds.emplace_back(phase,
                                          std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  using Clock = std::chrono::steady_clock;
  GridBuildReport* report_;
  Clock::time_point start_;
};

// Contour files of the requested départements (all metropolitan ones by default).
Result<std::vector<std::string>> ContourFiles(const fs::path& folder,
                                              const std::vector<std::string>& departements,
                                              const geo::Geography& geography) {
  if (!fs::is_directory(folder)) {
    return NotFound("commune contours folder missing: " + folder.string() + " (see docs/DATA.md)");
  }
  std::map<std::string, std::string> by_departement;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    // communes-46-lot.geojson → "46"
    if (!name.starts_with("communes-")) continue;
    const size_t dash = name.find('-', 9);
    if (dash == std::string::npos) continue;
    by_departement[name.substr(9, dash - 9)] = entry.path().string();
  }
  std::vector<std::string> files;
  if (departements.empty()) {
    for (const auto& [code, file] : by_departement) files.push_back(file);
    return files;
  }
  for (const std::string& code : departements) {
    const geo::Departement* departement = geography.FindDepartement(code);
    if (departement == nullptr)
      return InvalidArgument("unknown département code '" + code + "'", "departements");
    if (!departement->metropolitan) {
      return InvalidArgument(
          "département " + code + " is not in metropolitan France, which the grid covers",
          "departements");
    }
    auto found = by_departement.find(code);
    if (found == by_departement.end()) {
      return NotFound("no commune contours for département " + code + " in " + folder.string(),
                      "departements");
    }
    files.push_back(found->second);
  }
  return files;
}

Result<std::vector<geo::Point>> ToLaea(const std::vector<geo::Point>& wgs84) {
  VV_ASSIGN_OR_RETURN(geo::Projector projector, geo::Projector::Create(geo::kWgs84, geo::kLaea));
  std::vector<geo::Point> out;
  out.reserve(wgs84.size());
  for (geo::Point point : wgs84) {
    if (projector.Transform(point)) out.push_back(point);
  }
  return out;
}

nlohmann::json Source(const std::string& publisher, const std::string& dataset,
                      const std::string& vintage, const std::string& folder) {
  return {{"publisher", publisher}, {"dataset", dataset}, {"vintage", vintage}, {"folder", folder}};
}

}  // namespace

Result<engine::GridData> BuildGrid(const GridBuildOptions& options, GridBuildReport* report) {
  PhaseTimer timer(report);
  const fs::path data(options.data_dir);
  engine::GridData grid;
  grid.built_at = options.built_at;
  VV_ASSIGN_OR_RETURN(grid.catalogue, engine::CriteriaCatalogue::Load(options.catalogue_path));

  VV_ASSIGN_OR_RETURN(geo::Geography geography, geo::LoadGeography(options.data_dir));
  grid.sources.push_back(Source("INSEE, DGCL (via Etalab)", "Découpage administratif", "COG 2026",
                                "etalab-decoupage-administratif"));
  grid.sources.push_back(Source("INSEE", "Base du comparateur de territoires", "2021 (COG 2024)",
                                "rcarlier-datas-fun"));
  timer.Done("geography");

  VV_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      ContourFiles(data / "contours-communes", options.departements, geography));
  VV_ASSIGN_OR_RETURN(std::vector<CommuneContour> contours, LoadCommuneContours(files, geography));
  grid.sources.push_back(
      Source("IGN", "ADMIN EXPRESS (contours simplifiés)", "2018", "contours-communes"));
  timer.Done("contours");

  std::vector<LevelCoverage> coverage = ComputeCoverage(contours, options.threads);
  timer.Done("coverage");

  MeasureInputs inputs;
  inputs.geography = &geography;
  const fs::path census = data / "eurostat-census2021-grid-1km";
  VV_ASSIGN_OR_RETURN(inputs.census, importers::ReadCensusGrid(
                                         (census / "census2021_grid1km_FR_metro_T.csv").string()));
  VV_ASSIGN_OR_RETURN(inputs.census_detail,
                      importers::ReadCensusGrid(
                          (census / "census2021_grid1km_dep46_dep19_all_fields.csv").string()));
  grid.sources.push_back(Source("Eurostat", "Census 2021 population grid 1 km", "2021",
                                "eurostat-census2021-grid-1km"));

  // The national distance criteria's points (distance_points.hpp, shared with the amenities).
  VV_ASSIGN_OR_RETURN(auto distance_points,
                      LoadNationalDistancePoints(options.data_dir, geography));
  grid.sources.push_back(
      Source("SNCF Voyageurs", "Gares de voyageurs ; fréquentation", "2023", "sncf-gares"));
  grid.sources.push_back(Source("Eurostat GISCO", "Healthcare services (FINESS)", "2020",
                                "eurostat-gisco-healthcare"));
  for (const auto& [id, set] : distance_points) {
    std::vector<geo::Point> points;
    points.reserve(set.points.size());
    for (const DistancePoint& point : set.points) points.push_back(point.wgs84);
    VV_ASSIGN_OR_RETURN(std::vector<geo::Point> projected, ToLaea(points));
    inputs.point_sets.emplace(id, NearestPoints(std::move(projected)));
  }
  timer.Done("sources");

  const ImportSearch search{options.data_dir, options.imports_dir,
                            fs::path(options.catalogue_path).parent_path().string()};
  VV_ASSIGN_OR_RETURN(std::vector<LoadedLayer> layers, LoadImportLayers(search, options.progress));
  ApplyImportLayers(layers, geography, contours, coverage[0], grid, inputs);
  timer.Done("imports");

  std::vector<std::vector<double>> fine_values, coarse_values;
  MeasureFineTiles(grid.catalogue, coverage[0], inputs, fine_values, grid.unavailable_reasons);
  AggregateCoarseTiles(grid.catalogue, coverage[0], fine_values, coverage[1], inputs,
                       coarse_values);
  timer.Done("measures");

  // Commune table: only the communes some tile overlaps, in geography order.
  std::vector<int64_t> remap(geography.communes().size(), -1);
  for (const LevelCoverage& level : coverage) {
    for (const CellOverlap& overlap : level.overlaps) remap[overlap.commune] = 0;
  }
  for (size_t commune_idx = 0; commune_idx < remap.size(); ++commune_idx) {
    if (remap[commune_idx] < 0) continue;
    remap[commune_idx] = static_cast<int64_t>(grid.communes.size());
    const geo::Commune& commune = geography.communes()[commune_idx];
    engine::CommuneRef ref{commune.code, commune.name, commune.departement, commune.epci};
    ref.population = commune.legal_population;
    if (commune.stats) {
      ref.longitude = commune.stats->centre_wgs84.x;
      ref.latitude = commune.stats->centre_wgs84.y;
    }
    ref.postcodes = commune.postcodes;
    grid.communes.push_back(std::move(ref));
    if (!commune.epci.empty() && !grid.area_names.epcis.contains(commune.epci)) {
      const geo::Epci* epci = geography.FindEpci(commune.epci);
      if (epci) grid.area_names.epcis.emplace(epci->code, epci->name);
    }
    if (!grid.area_names.departements.contains(commune.departement)) {
      const geo::Departement* departement = geography.FindDepartement(commune.departement);
      if (departement) grid.area_names.departements.emplace(departement->code, departement->name);
    }
  }
  if (report) report->communes = grid.communes.size();

  const auto& criteria = grid.catalogue.criteria();
  for (size_t level_idx = 0; level_idx < coverage.size(); ++level_idx) {
    const LevelCoverage& level = coverage[level_idx];
    const auto& values = level_idx == 0 ? fine_values : coarse_values;
    const double cell_area = static_cast<double>(engine::CellSizeMetres(level.level)) *
                             engine::CellSizeMetres(level.level);
    engine::LevelData out;
    out.level = level.level;
    out.tiles = level.tiles;
    out.share_offsets = level.offsets;
    out.shares.reserve(level.overlaps.size());
    for (const CellOverlap& overlap : level.overlaps) {
      out.shares.push_back({static_cast<uint32_t>(remap[overlap.commune]),
                            static_cast<float>(std::min(1.0, overlap.area_m2 / cell_area))});
    }
    out.codes.resize(criteria.size());
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      const engine::CriterionSpec& spec = criteria[criterion_idx];
      auto& codes = out.codes[criterion_idx];
      codes.reserve(level.tiles.size());
      for (double value : values[criterion_idx]) {
        codes.push_back(std::isnan(value) ? spec.MissingCode() : spec.Encode(value));
      }
    }
    grid.levels.push_back(std::move(out));
  }
  if (options.departements.empty()) {
    grid.scope = "France métropolitaine";
  } else {
    grid.scope = "départements";
    for (const std::string& code : options.departements) grid.scope += " " + code;
  }
  timer.Done("encoding");
  return grid;
}

}  // namespace vivrovert::grid_builder
