#include "data/amenities/amenity_sources.hpp"

#include <filesystem>
#include <map>

#include "data/geo/geography.hpp"
#include "data/grid_builder/distance_points.hpp"
#include "data/grid_builder/imported_sources.hpp"
#include "data/importers/national_sources.hpp"
#include "engine/engine.hpp"

namespace vivrovert::amenities {

namespace {

namespace fs = std::filesystem;

// The grid builder's rules (grid_builder.cpp); amenity_index_test checks that the
// distances agree with a built grid's values.

// A kind labelled and sourced from the catalogue; nullopt when the catalogue lacks it.
std::optional<AmenityKind> CatalogueKind(const engine::CriteriaCatalogue& catalogue,
                                         const std::string& criterion, const std::string& origin) {
  std::optional<size_t> index = catalogue.Find(criterion);
  if (!index) return std::nullopt;
  const engine::CriterionSpec& spec = catalogue.criteria()[*index];
  AmenityKind kind;
  kind.criterion = criterion;
  kind.label = spec.label;
  kind.source = {
      spec.source.publisher, spec.source.dataset, spec.source.vintage, spec.source.url, origin, {}};
  return kind;
}

}  // namespace

Result<AmenityIndex> LoadAmenities(const AmenityOptions& options) {
  const fs::path data(options.data_dir);
  VV_ASSIGN_OR_RETURN(engine::CriteriaCatalogue catalogue,
                      engine::CriteriaCatalogue::Load(options.catalogue_path));
  std::map<std::string, AmenityKind> kinds;
  auto add_kind = [&](const std::string& criterion, const std::string& origin) -> AmenityKind* {
    std::optional<AmenityKind> kind = CatalogueKind(catalogue, criterion, origin);
    if (!kind) return nullptr;
    return &kinds.insert_or_assign(criterion, std::move(*kind)).first->second;
  };

  // The national distance criteria's points, as the grid builder measures them.
  VV_ASSIGN_OR_RETURN(geo::Geography geography, geo::LoadGeography(options.data_dir));
  VV_ASSIGN_OR_RETURN(auto distance_points,
                      grid_builder::LoadNationalDistancePoints(options.data_dir, geography));
  for (const auto& [criterion, set] : distance_points) {
    AmenityKind* kind = add_kind(criterion, set.origin);
    if (!kind) continue;
    for (const grid_builder::DistancePoint& point : set.points) {
      kind->points.push_back({point.name, point.commune_code, point.wgs84});
    }
  }

  // The import layers, chosen per criterion as grid_builder::ApplyImportLayers does.
  const grid_builder::ImportSearch search{options.data_dir, options.imports_dir,
                                          fs::path(options.catalogue_path).parent_path().string()};
  VV_ASSIGN_OR_RETURN(std::vector<grid_builder::LoadedLayer> layers,
                      grid_builder::LoadImportLayers(search, options.progress));
  std::map<std::string, const grid_builder::LoadedLayer*> chosen;
  for (const grid_builder::LoadedLayer& loaded : layers) {
    for (const auto& [criterion, points] : loaded.layer.points) {
      if (!criterion.starts_with("dist_") || loaded.layer.count_radius_m.contains(criterion))
        continue;
      auto [slot, inserted] = chosen.emplace(criterion, &loaded);
      if (!inserted && !slot->second->layer.departements.empty() &&
          loaded.layer.departements.empty()) {
        slot->second = &loaded;
      }
    }
  }
  auto to_wgs84 = geo::Projector::Create(geo::kLaea, geo::kWgs84);
  if (!to_wgs84.ok()) return to_wgs84.status();
  for (const auto& [criterion, loaded] : chosen) {
    AmenityKind* kind = add_kind(criterion, loaded->origin);
    if (!kind) continue;  // a class for a criterion this catalogue lacks
    const importers::LayerSource& source = loaded->layer.source;
    kind->source.publisher = source.publisher;
    kind->source.dataset = source.dataset;
    kind->source.vintage = source.vintage;
    kind->source.departements = loaded->layer.departements;
    for (geo::Point point : loaded->layer.points.at(criterion)) {
      if (to_wgs84->Transform(point)) kind->points.push_back({"", "", point});
    }
  }

  std::vector<AmenityKind> ordered;
  // Catalogue order, so that pages list kinds as the criteria form does.
  for (const engine::CriterionSpec& spec : catalogue.criteria()) {
    auto found = kinds.find(spec.id);
    if (found != kinds.end()) ordered.push_back(std::move(found->second));
  }
  return AmenityIndex::Build(std::move(ordered));
}

}  // namespace vivrovert::amenities
