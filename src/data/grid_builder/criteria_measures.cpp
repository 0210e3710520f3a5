#include "data/grid_builder/criteria_measures.hpp"

#include <optional>
#include <unordered_set>

namespace vivrovert::grid_builder {

namespace {

using engine::Aggregation;
using engine::TileId;

uint64_t Key(int32_t east, int32_t north) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(east)) << 32) | static_cast<uint32_t>(north);
}

// Figures of the "comparateur de territoires" per commune; nullopt when the commune has
// no statistics or the denominator is zero.
std::optional<double> CommuneFigure(const std::string& id, const geo::Commune& commune) {
  if (!commune.stats) return std::nullopt;
  const geo::CommuneStats& stats = *commune.stats;
  auto ratio = [](double numerator, double denominator, double scale) -> std::optional<double> {
    if (denominator <= 0) return std::nullopt;
    return numerator / denominator * scale;
  };
  if (id == "unemployment_pct") {
    return ratio(static_cast<double>(stats.unemployed_15_64_2021),
                 static_cast<double>(stats.active_15_64_2021), 100);
  }
  if (id == "household_size") {
    return ratio(static_cast<double>(stats.population_2021),
                 static_cast<double>(stats.households_2021), 1);
  }
  if (id == "pop_change_pct") {
    return ratio(static_cast<double>(stats.population_2021 - stats.population_2015),
                 static_cast<double>(stats.population_2015), 100);
  }
  if (id == "natural_balance_per_1000") {
    return ratio(static_cast<double>(stats.births_2022 - stats.deaths_2022),
                 static_cast<double>(stats.population_2021), 1000);
  }
  if (id == "commune_pop") return static_cast<double>(stats.population_2021);
  return std::nullopt;
}

bool IsCommuneFigure(const std::string& id) {
  return id == "unemployment_pct" || id == "household_size" || id == "pop_change_pct" ||
         id == "natural_balance_per_1000" || id == "commune_pop";
}

// Area-weighted mean of a commune figure over the communes overlapping tile `tile_idx`;
// for the "major" rule, the figure of the commune with the largest overlap.
double SpreadCommuneFigure(const std::string& id, Aggregation rule, const LevelCoverage& coverage,
                           size_t tile_idx, const geo::Geography& geography) {
  double weighted = 0, weight = 0;
  for (uint32_t overlap_idx = coverage.offsets[tile_idx];
       overlap_idx < coverage.offsets[tile_idx + 1]; ++overlap_idx) {
    const CellOverlap& overlap = coverage.overlaps[overlap_idx];
    std::optional<double> figure = CommuneFigure(id, geography.communes()[overlap.commune]);
    if (rule == Aggregation::kMajor) return figure.value_or(kMissing);  // overlaps: largest first
    if (!figure) continue;
    weighted += *figure * overlap.area_m2;
    weight += overlap.area_m2;
  }
  return weight > 0 ? weighted / weight : kMissing;
}

// The same spreading for a figure imported per commune (NaN where missing).
double SpreadImportedFigure(const std::vector<double>& figures, const LevelCoverage& coverage,
                            size_t tile_idx) {
  double weighted = 0, weight = 0;
  for (uint32_t overlap_idx = coverage.offsets[tile_idx];
       overlap_idx < coverage.offsets[tile_idx + 1]; ++overlap_idx) {
    const CellOverlap& overlap = coverage.overlaps[overlap_idx];
    const double figure = figures[overlap.commune];
    if (std::isnan(figure)) continue;
    weighted += figure * overlap.area_m2;
    weight += overlap.area_m2;
  }
  return weight > 0 ? weighted / weight : kMissing;
}

double Share(const std::optional<double>& part, const std::optional<double>& total) {
  if (!part || !total || *total <= 0) return kMissing;
  return *part / *total * 100;
}

}  // namespace

void MeasureFineTiles(const engine::CriteriaCatalogue& catalogue, const LevelCoverage& fine,
                      const MeasureInputs& inputs, std::vector<std::vector<double>>& values,
                      std::unordered_map<std::string, std::string>& unavailable) {
  const auto& criteria = catalogue.criteria();
  const size_t tile_count = fine.tiles.size();
  values.assign(criteria.size(), std::vector<double>(tile_count, kMissing));

  std::unordered_map<uint64_t, const importers::CensusCell*> census;
  for (const auto& cell : inputs.census) census.emplace(Key(cell.east, cell.north), &cell);
  std::unordered_map<uint64_t, const importers::CensusCell*> detail;
  for (const auto& cell : inputs.census_detail) detail.emplace(Key(cell.east, cell.north), &cell);

  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const engine::CriterionSpec& spec = criteria[criterion_idx];
    std::vector<double>& column = values[criterion_idx];
    const std::string& id = spec.id;
    if (id == "density") {
      if (census.empty()) {
        unavailable[id] = "grille de population du recensement absente";
        continue;
      }
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        const TileId& tile = fine.tiles[tile_idx];
        auto found = census.find(Key(tile.east, tile.north));
        // The census grid omits unpopulated cells: a land tile absent from it has nobody.
        column[tile_idx] = found == census.end() ? 0.0 : found->second->total.value_or(kMissing);
      }
    } else if (id == "share_under15_pct" || id == "share_65plus_pct" || id == "share_movers_pct" ||
               id == "share_employed_pct") {
      if (detail.empty()) {
        unavailable[id] = "variables détaillées du recensement 2021 absentes";
        continue;
      }
      auto variable = [&id](const importers::CensusCell& cell) {
        return id == "share_under15_pct"  ? cell.under_15
               : id == "share_65plus_pct" ? cell.over_65
               : id == "share_movers_pct" ? cell.moved_in
                                          : cell.employed;
      };
      // The published extract writes 0 where Eurostat had no figure: a variable that is
      // 0 in every cell was not published, and must not read as "0 %".
      bool published = false;
      for (const auto& cell : inputs.census_detail)
        published = published || variable(cell).value_or(0) > 0;
      if (!published) {
        unavailable[id] =
            "variable non publiée dans la grille du recensement 2021 (toutes les valeurs valent 0)";
        continue;
      }
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        const TileId& tile = fine.tiles[tile_idx];
        auto found = detail.find(Key(tile.east, tile.north));
        if (found == detail.end()) continue;
        const importers::CensusCell& cell = *found->second;
        column[tile_idx] = Share(variable(cell), cell.total);
      }
    } else if (IsCommuneFigure(id)) {
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        column[tile_idx] =
            SpreadCommuneFigure(id, spec.aggregation, fine, tile_idx, *inputs.geography);
      }
    } else if (auto points = inputs.point_sets.find(id); points != inputs.point_sets.end()) {
      const auto radius = inputs.count_radius_m.find(id);
      const bool is_count = radius != inputs.count_radius_m.end();
      if (points->second.empty() && !is_count) {
        unavailable[id] = "aucun point source trouvé";
        continue;
      }
      const auto reach_entry = inputs.reach_m.find(id);
      const std::vector<double>* reach =
          reach_entry == inputs.reach_m.end() ? nullptr : &reach_entry->second;
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        const TileId& tile = fine.tiles[tile_idx];
        const geo::Point centre{tile.CentreEast(), tile.CentreNorth()};
        // A partial source is trusted only within its reach (see covered_area.hpp).
        const double limit = reach ? (*reach)[tile_idx] : std::numeric_limits<double>::infinity();
        if (std::isnan(limit)) continue;
        if (is_count) {
          if (radius->second <= limit) {
            column[tile_idx] =
                static_cast<double>(points->second.CountWithin(centre, radius->second));
          }
          continue;
        }
        const double distance = points->second.NearestDistance(centre);
        if (distance <= limit) column[tile_idx] = distance / 1000.0;
      }
    } else if (auto figures = inputs.commune_values.find(id);
               figures != inputs.commune_values.end()) {
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        column[tile_idx] = SpreadImportedFigure(figures->second, fine, tile_idx);
      }
    } else if (auto cells = inputs.cell_values.find(id); cells != inputs.cell_values.end()) {
      for (size_t tile_idx = 0; tile_idx < tile_count; ++tile_idx) {
        const TileId& tile = fine.tiles[tile_idx];
        auto found = cells->second.find(CellKey(tile.east, tile.north));
        if (found != cells->second.end()) column[tile_idx] = found->second;
      }
    } else {
      unavailable[id] = "source absente : " + spec.source.publisher + ", " + spec.source.dataset +
                        " (" + spec.source.url + ")";
    }
  }
}

void AggregateCoarseTiles(const engine::CriteriaCatalogue& catalogue, const LevelCoverage& fine,
                          const std::vector<std::vector<double>>& fine_values,
                          const LevelCoverage& coarse, const MeasureInputs& inputs,
                          std::vector<std::vector<double>>& values) {
  const auto& criteria = catalogue.criteria();
  const size_t coarse_count = coarse.tiles.size();
  std::unordered_map<uint64_t, uint32_t> coarse_index;
  for (uint32_t tile_idx = 0; tile_idx < coarse_count; ++tile_idx) {
    coarse_index.emplace(Key(coarse.tiles[tile_idx].east, coarse.tiles[tile_idx].north), tile_idx);
  }
  std::vector<uint32_t> parent(fine.tiles.size());
  std::vector<uint32_t> children(coarse_count, 0);
  for (size_t tile_idx = 0; tile_idx < fine.tiles.size(); ++tile_idx) {
    TileId up = fine.tiles[tile_idx].Parent();
    parent[tile_idx] = coarse_index.at(Key(up.east, up.north));
    children[parent[tile_idx]]++;
  }
  values.assign(criteria.size(), std::vector<double>(coarse_count, kMissing));
  for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
    const engine::CriterionSpec& spec = criteria[criterion_idx];
    std::vector<double>& column = values[criterion_idx];
    if (spec.aggregation == Aggregation::kMajor) {
      if (!IsCommuneFigure(spec.id)) continue;
      for (size_t tile_idx = 0; tile_idx < coarse_count; ++tile_idx) {
        column[tile_idx] =
            SpreadCommuneFigure(spec.id, spec.aggregation, coarse, tile_idx, *inputs.geography);
      }
      continue;
    }
    std::vector<double> sums(coarse_count, 0);
    std::vector<uint32_t> present(coarse_count, 0);
    for (size_t tile_idx = 0; tile_idx < fine.tiles.size(); ++tile_idx) {
      double value = fine_values[criterion_idx][tile_idx];
      if (std::isnan(value)) continue;
      sums[parent[tile_idx]] += value;
      present[parent[tile_idx]]++;
    }
    for (size_t tile_idx = 0; tile_idx < coarse_count; ++tile_idx) {
      if (present[tile_idx] == 0) continue;
      // Density: population over every 1 km land tile of the 5 km tile; mean: over the
      // 1 km tiles that have a value.
      const double count =
          spec.aggregation == Aggregation::kDensity ? children[tile_idx] : present[tile_idx];
      column[tile_idx] = sums[tile_idx] / count;
    }
  }
}

}  // namespace vivrovert::grid_builder
