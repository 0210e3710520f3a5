#include "engine/departement_coverage.hpp"

#include <algorithm>
#include <map>

namespace vivrovert::engine {

size_t DepartementCoverage::Present(size_t criterion_idx) const {
  size_t present = 0;
  for (size_t count : valued[criterion_idx]) present += count;
  return present;
}

DepartementCoverage::Named DepartementCoverage::NamedDepartements(size_t criterion_idx) const {
  const size_t present = Present(criterion_idx);
  if (present == 0 || present >= tile_count) return {};
  std::vector<size_t> order;
  for (size_t departement_idx = 0; departement_idx < departements.size(); ++departement_idx) {
    if (valued[criterion_idx][departement_idx] > 0) order.push_back(departement_idx);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return valued[criterion_idx][a] > valued[criterion_idx][b];
  });
  size_t named = 0, held = 0;
  while (named < order.size() && static_cast<double>(held) < kNamedShare * present) {
    held += valued[criterion_idx][order[named++]];
  }
  if (named > kNamedDepartements) return {};
  Named result;
  for (size_t order_idx = 0; order_idx < named; ++order_idx) {
    const size_t departement_idx = order[order_idx];
    result.departements.push_back({departements[departement_idx],
                                   static_cast<double>(valued[criterion_idx][departement_idx]) /
                                       static_cast<double>(departement_tiles[departement_idx])});
  }
  result.others = named < order.size();
  return result;
}

DepartementCoverage ComputeDepartementCoverage(const GridFile& grid, Level level) {
  const auto& criteria = grid.catalogue().criteria();
  const auto& communes = grid.communes();
  DepartementCoverage coverage;
  std::map<std::string, size_t> index;
  for (const CommuneRef& commune : communes) index.emplace(commune.departement, 0);
  index.emplace(std::string(), 0);
  for (auto& [code, departement_idx] : index) {
    departement_idx = coverage.departements.size();
    coverage.departements.push_back(code);
  }
  coverage.departement_tiles.assign(coverage.departements.size(), 0);
  coverage.valued.assign(criteria.size(), std::vector<size_t>(coverage.departements.size(), 0));
  const LevelView* view = grid.level(level);
  if (view == nullptr) return coverage;
  coverage.tile_count = view->tile_count();
  std::vector<size_t> commune_departement(communes.size());
  for (size_t commune_idx = 0; commune_idx < communes.size(); ++commune_idx) {
    commune_departement[commune_idx] = index[communes[commune_idx].departement];
  }
  const size_t no_commune = index[std::string()];
  for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
    auto [first, last] = view->communes(tile_idx);
    const CommuneShare* largest = first;
    for (auto share = first; share != last; ++share) {
      if (share->share > largest->share) largest = share;
    }
    const size_t departement_idx =
        first == last ? no_commune : commune_departement[largest->commune];
    ++coverage.departement_tiles[departement_idx];
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      if (view->Code(criterion_idx, tile_idx) != criteria[criterion_idx].MissingCode()) {
        ++coverage.valued[criterion_idx][departement_idx];
      }
    }
  }
  return coverage;
}

}  // namespace vivrovert::engine
