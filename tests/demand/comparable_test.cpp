// The share among comparable territories, on each backend, over the grid of the Lot (all in
// Occitanie): recorded searches limited to one commune or another, replayed on the engine for
// every commune of the région the grid holds; Cahors's rank and share on a small known case,
// and the page's figures.
#include "domain/demand/comparable.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "data/geo/geography.hpp"
#include "domain/demand/barometer_report.hpp"
#include "domain/demand/demand_recorder.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::demand {
namespace {

using nlohmann::json;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::TestSite;

// Green on every tile of `commune` (and nowhere else: the search is limited to it).
json GreenOn(const std::string& commune) {
  return {{"level", "1km"},
          {"territory", {{"communes", {commune}}}},
          {"criteria",
           {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
}
// Green nowhere.
json Impossible() {
  return {{"level", "1km"},
          {"criteria", {{{"criterion", "density"}, {"min", 1e9}, {"importance", "required"}}}}};
}

// The régions of the COG files in the shared data, as the site reads them.
RegionsOfDepartements CogRegions() {
  auto loaded = geo::LoadRegionsOfDepartements(VIVROVERT_TEST_DATA_DIR);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  RegionsOfDepartements regions;
  if (!loaded.ok()) return regions;
  for (const auto& [departement, region] : *loaded)
    regions.emplace(departement, Region{region.code, region.name});
  return regions;
}

TEST(RegionTest, DepartementsOfTheirRegionFromTheCog) {
  const RegionsOfDepartements regions = CogRegions();
  EXPECT_EQ(regions.at("46").name, "Occitanie");
  EXPECT_EQ(regions.at("46").code, "76");
  EXPECT_EQ(regions.at("19").name, "Nouvelle-Aquitaine");
  EXPECT_EQ(regions.at("2A").name, "Corse");
  EXPECT_EQ(regions.size(), 96u) << "the metropolitan départements only";
  EXPECT_FALSE(regions.contains("971"));
}

TEST(ComparableTest, RankAndShareAmongTheCommunesOfTheRegion) {
  TestSite site;
  Connection connection = site.db().Acquire();
  partners::PartnerInput input;
  input.kind = partners::PartnerKind::kCommune;
  input.name = "Ville de Cahors";
  input.slug = "cahors";
  input.territory = {{"46042"}, {}, {}};
  const partners::Partner partner =
      *partners::PartnerStore::Create(connection, input, site.clock().NowSeconds());
  testing::Subscribe(connection, partner.id,
                     {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption1});
  const int64_t agent = site.CreateUser("agent@cahors.fr", accounts::Role::kPartnerStaff);
  ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, partner.id, agent,
                                               partners::StaffRole::kViewer,
                                               site.clock().NowSeconds())
                  .ok());
  const engine::GridFile& grid = site.grid();
  const engine::Territory territory = *partners::ResolveTerritory(connection, grid, partner);
  int64_t communes_of_lot = 0;
  for (const engine::CommuneRef& commune : grid.communes())
    communes_of_lot += commune.departement == "46";

  // Brute force: a search limited to a commune and green on every tile turns green the
  // communes sharing a 1 km tile with it (a territory owns every tile it overlaps).
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  auto sharing_a_tile = [&](const std::string& code) {
    const uint32_t target = *grid.FindCommune(code);
    std::set<uint32_t> neighbours;
    for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
      auto [first, last] = level.communes(tile_idx);
      bool has_target = false;
      for (auto share = first; share != last; ++share) has_target |= share->commune == target;
      if (!has_target) continue;
      for (auto share = first; share != last; ++share) neighbours.insert(share->commune);
    }
    return neighbours;
  };
  const std::set<uint32_t> near_cahors = sharing_a_tile("46042");
  const std::set<uint32_t> near_figeac = sharing_a_tile("46102");
  ASSERT_GT(near_cahors.size(), 1u);
  for (uint32_t commune : near_cahors) ASSERT_FALSE(near_figeac.contains(commune));
  const auto around = [](const std::set<uint32_t>& communes) {
    return static_cast<int64_t>(communes.size());
  };

  const int64_t now = site.clock().NowSeconds();
  auto record = [&](const json& request) {
    site.site().demand()->RecordAt(*engine::ParseSearchRequest(request, grid),
                                   request.contains("territory") ? request["territory"].dump() : "",
                                   now - 3600, false);
  };
  // Cahors green once, Figeac once, nothing once: Cahors first, ex aequo with every commune
  // green once.
  record(GreenOn("46042"));
  record(GreenOn("46102"));
  record(Impossible());
  site.site().demand()->Flush();
  std::optional<ComparableShare> share =
      ComputeComparableShare(connection, grid, CogRegions(), partner, territory, 0, now + 3600);
  ASSERT_TRUE(share.has_value());
  EXPECT_EQ(share->region, "Occitanie");
  EXPECT_EQ(share->kind_label, "communes");
  EXPECT_EQ(share->territories, communes_of_lot);
  EXPECT_EQ(share->replayed, 3);
  EXPECT_EQ(share->green, 1);
  EXPECT_EQ(share->green_all, around(near_cahors) + around(near_figeac));
  EXPECT_EQ(share->rank, 1);
  EXPECT_DOUBLE_EQ(share->share, 1.0 / static_cast<double>(share->green_all));

  // Figeac once more: Cahors after Figeac and the communes sharing its tiles.
  record(GreenOn("46102"));
  site.site().demand()->Flush();
  share = ComputeComparableShare(connection, grid, CogRegions(), partner, territory, 0, now + 3600);
  EXPECT_EQ(share->green, 1);
  EXPECT_EQ(share->green_all, around(near_cahors) + 2 * around(near_figeac));
  EXPECT_EQ(share->rank, 1 + around(near_figeac));
  EXPECT_DOUBLE_EQ(share->share, 1.0 / static_cast<double>(share->green_all));
  const std::string expected_rank = std::to_string(share->rank);
  const std::string expected_share = FrenchPercent(share->share);

  // A grouping has no comparable kind.
  partners::Partner grouping = partner;
  grouping.kind = partners::PartnerKind::kGrouping;
  EXPECT_FALSE(
      ComputeComparableShare(connection, grid, CogRegions(), grouping, territory, 0, now + 3600));

  Browser browser = site.SignedIn("agent@cahors.fr");
  testing::Page page = browser.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200) << site.errors();
  EXPECT_TRUE(
      testing::Contains(page.body, "<strong id=\"comparable-rank\">" + expected_rank + "</strong>"))
      << page.body;
  EXPECT_TRUE(testing::Contains(page.body,
                                "<strong id=\"comparable-share\">" + expected_share + "</strong>"));
  EXPECT_TRUE(testing::Contains(page.body, "Parmi les " + std::to_string(communes_of_lot) +
                                               " communes de la région Occitanie"))
      << page.body;

  // The replay is kept a minute: Cahors green twice more changes the page only after it.
  record(GreenOn("46042"));
  record(GreenOn("46042"));
  site.site().demand()->Flush();
  share = ComputeComparableShare(connection, grid, CogRegions(), partner, territory, 0, now + 3600);
  ASSERT_EQ(share->rank, 1);
  page = browser.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(
      testing::Contains(page.body, "<strong id=\"comparable-rank\">" + expected_rank + "</strong>"))
      << "within the minute, the kept answer";
  site.clock().Advance(60);
  page = browser.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"comparable-rank\">1</strong>"))
      << "a minute later, the new one";
}

}  // namespace
}  // namespace vivrovert::demand
