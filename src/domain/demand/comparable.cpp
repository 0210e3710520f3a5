#include "domain/demand/comparable.hpp"

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "domain/demand/demand_store.hpp"

namespace vivrovert::demand {

namespace {

std::optional<Region> RegionOf(const RegionsOfDepartements& regions,
                               const std::string& departement) {
  auto found = regions.find(departement);
  if (found == regions.end()) return std::nullopt;
  return found->second;
}

}  // namespace

std::optional<ComparableShare> ComputeComparableShare(storage::Connection& connection,
                                                      const engine::GridFile& grid,
                                                      const RegionsOfDepartements& regions,
                                                      const partners::Partner& partner,
                                                      const engine::Territory& territory,
                                                      int64_t from, int64_t to) {
  using partners::PartnerKind;
  if (partner.kind == PartnerKind::kGrouping || territory.empty()) return std::nullopt;
  const auto& communes = grid.communes();
  // The key grouping communes into territories of the partner's kind.
  auto key_of = [&](uint32_t commune_idx) -> std::string {
    const engine::CommuneRef& commune = communes[commune_idx];
    switch (partner.kind) {
      case PartnerKind::kCommune:
        return commune.code;
      case PartnerKind::kEpci:
        return commune.epci;
      default:
        return commune.departement;
    }
  };
  // The partner's région and key: those of its first commune; a territory over several
  // régions or keys (an EPCI across a border) is compared as its first commune's.
  const uint32_t first = territory.communes().front();
  const std::optional<Region> region = RegionOf(regions, communes[first].departement);
  if (!region) return std::nullopt;
  const std::string own_key = key_of(first);
  std::map<std::string, std::vector<uint32_t>> groups;
  for (uint32_t commune_idx = 0; commune_idx < communes.size(); ++commune_idx) {
    const std::optional<Region> other = RegionOf(regions, communes[commune_idx].departement);
    if (!other || other->code != region->code) continue;
    const std::string key = key_of(commune_idx);
    if (!key.empty()) groups[key].push_back(commune_idx);
  }
  // The partner is compared as its own territory, whatever the grouping says.
  groups[own_key] = territory.communes();

  struct Compared {
    std::string key;
    engine::Territory territory;
    std::array<std::vector<uint32_t>, engine::kLevelCount> tiles;
    int64_t green = 0;
  };
  std::vector<Compared> compared;
  for (auto& [key, members] : groups) {
    Compared item{key, engine::Territory::FromCommunes(members), {}, 0};
    for (int level_idx = 0; level_idx < engine::kLevelCount; ++level_idx) {
      const engine::LevelView* view = grid.level(static_cast<engine::Level>(level_idx));
      if (view != nullptr) item.tiles[static_cast<size_t>(level_idx)] = item.territory.Tiles(*view);
    }
    compared.push_back(std::move(item));
  }

  ComparableShare share;
  share.region = region->name;
  share.kind_label = partner.kind == PartnerKind::kCommune ? "communes"
                     : partner.kind == PartnerKind::kEpci  ? "intercommunalités"
                                                           : "départements";
  share.territories = static_cast<int64_t>(compared.size());
  for (const StoredSearch& stored :
       DemandStore::Searches(connection, from, to, kMaxComparedSearches, /*newest_first=*/true)) {
    nlohmann::json body = nlohmann::json::parse(stored.request, nullptr, false);
    Result<engine::SearchRequest> request = engine::ParseSearchRequest(body, grid);
    if (!request.ok()) continue;  // recorded against another grid
    ++share.replayed;
    std::optional<engine::Territory> filter;
    if (request->has_territory)
      filter = engine::Territory::FromCommunes(request->territory_communes);
    for (Compared& item : compared) {
      const std::vector<uint32_t>& tiles = item.tiles[static_cast<size_t>(request->level)];
      if (tiles.empty()) continue;
      const engine::TerritoryOutcome outcome =
          engine::EvaluateTerritory(grid, *request, tiles, filter ? &*filter : nullptr);
      item.green += outcome.green > 0;
    }
  }
  for (const Compared& item : compared) {
    share.green_all += item.green;
    if (item.key == own_key) share.green = item.green;
  }
  share.rank = 1;
  for (const Compared& item : compared) share.rank += item.green > share.green;
  if (share.green_all > 0)
    share.share = static_cast<double>(share.green) / static_cast<double>(share.green_all);
  return share;
}

}  // namespace vivrovert::demand
