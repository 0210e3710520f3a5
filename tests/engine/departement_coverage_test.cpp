// Where a partial criterion's values lie: the départements named by
// ComputeDepartementCoverage and by GET /api/v1/criteria's coverage_where (CatalogueToJson),
// on a small grid written and read back through the real file.
#include "engine/departement_coverage.hpp"

#include <gtest/gtest.h>

#include "engine/search_json.hpp"
#include "search_test_grid.hpp"

namespace vivrovert::engine {
namespace {

using nlohmann::json;
using testing::RandomGrid;
using testing::TestGridFile;

// RandomGrid's communes 0–5 lie in the Lot (46), 6–11 in Corrèze (19); a tile belongs to
// its first commune (share 0.7). "dist_km" is kept in the Lot only, "flat" everywhere;
// the same tiles are given as a 5 km level too.
GridData LotOnlyGrid() {
  GridData data = RandomGrid(400, 5);
  data.area_names.departements = {{"46", "Lot"}, {"19", "Corrèze"}};
  LevelData& level = data.levels.front();
  const CriterionSpec& dist = data.catalogue.criteria()[0];
  for (size_t tile_idx = 0; tile_idx < level.tiles.size(); ++tile_idx) {
    const CommuneShare& first = level.shares[level.share_offsets[tile_idx]];
    if (first.commune >= 6) level.codes[0][tile_idx] = dist.MissingCode();
  }
  LevelData coarse = level;
  coarse.level = Level::k5km;
  for (TileId& tile : coarse.tiles) tile = {Level::k5km, tile.east * 5, tile.north * 5};
  data.levels.push_back(coarse);
  return data;
}

TEST(DepartementCoverageTest, APartialCriterionNamesTheDepartementsHoldingItsValues) {
  TestGridFile file(LotOnlyGrid());
  const DepartementCoverage coverage = ComputeDepartementCoverage(file.grid(), Level::k1km);
  EXPECT_EQ(coverage.tile_count, 400u);
  // dist_km: the Lot alone, where about 95 % of its tiles have a value (RandomGrid leaves
  // 5 % missing).
  const DepartementCoverage::Named dist = coverage.NamedDepartements(0);
  ASSERT_EQ(dist.departements.size(), 1u);
  EXPECT_EQ(dist.departements[0].departement, "46");
  EXPECT_GT(dist.departements[0].share, 0.85);
  EXPECT_LT(dist.departements[0].share, 1.0);
  EXPECT_FALSE(dist.others);
  size_t lot_tiles = 0;
  for (size_t departement_idx = 0; departement_idx < coverage.departements.size();
       ++departement_idx) {
    if (coverage.departements[departement_idx] == "46")
      lot_tiles = coverage.departement_tiles[departement_idx];
  }
  EXPECT_EQ(coverage.Present(0),
            static_cast<size_t>(dist.departements[0].share * static_cast<double>(lot_tiles) + 0.5));
  // "flat" has a value on every tile: nothing to name.
  EXPECT_EQ(coverage.Present(3), 400u);
  EXPECT_TRUE(coverage.NamedDepartements(3).departements.empty());
  // A level the grid lacks has no tile.
  TestGridFile fine_only(RandomGrid(50, 1));
  EXPECT_EQ(ComputeDepartementCoverage(fine_only.grid(), Level::k5km).tile_count, 0u);
}

TEST(DepartementCoverageTest, TheCatalogueSaysWhereAtFiveKilometres) {
  TestGridFile file(LotOnlyGrid());
  const json catalogue = CatalogueToJson(file.grid());
  const json& dist = catalogue["criteria"][0];
  ASSERT_EQ(dist["id"], "dist_km");
  EXPECT_LT(dist["coverage"]["5km"].get<double>(), 0.95);
  const json& where = dist["coverage_where"]["5km"];
  ASSERT_EQ(where["departements"].size(), 1u);
  EXPECT_EQ(where["departements"][0]["code"], "46");
  EXPECT_EQ(where["departements"][0]["name"], "Lot");
  EXPECT_GT(where["departements"][0]["share"].get<double>(), 0.85);
  EXPECT_EQ(where["others"], false);
  // Only the level the search page counts is described.
  EXPECT_FALSE(dist["coverage_where"].contains("1km"));
  const json& flat = catalogue["criteria"][3];
  EXPECT_TRUE(flat["coverage_where"]["5km"]["departements"].empty());
}

}  // namespace
}  // namespace vivrovert::engine
