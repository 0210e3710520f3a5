// OpenStreetMap extracts through libosmium, on a fixture drawn on the INSPIRE grid around
// Cahors (tests/importers/fixtures/osm/README.md), in PBF and in XML.
#include "data/importers/osm.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace vivrovert::importers {
namespace {

const std::string kFixtures = std::string(VIVROVERT_SOURCE_ROOT) + "/tests/importers/fixtures/osm/";
const std::string kClasses = std::string(VIVROVERT_SOURCE_ROOT) + "/data/osm_classes.json";

ImportLayer Import(const std::string& file) {
  auto classes = LoadOsmClasses(kClasses);
  EXPECT_TRUE(classes.ok()) << classes.status().ToString();
  auto layer = ImportOsm({kFixtures + file}, *classes, {"46"}, nullptr);
  EXPECT_TRUE(layer.ok()) << layer.status().ToString();
  return layer.ok() ? *layer : ImportLayer{};
}

std::optional<double> Cell(const ImportLayer& layer, int32_t east, int32_t north) {
  for (const CellValue& cell : layer.cells.at("share_forest_pct")) {
    if (cell.east == east && cell.north == north) return cell.value;
  }
  return std::nullopt;
}

TEST(OsmImportTest, ForestSharesOnTheGrid) {
  const ImportLayer layer = Import("cahors_fixture.osm.pbf");
  EXPECT_EQ(layer.departements, std::vector<std::string>{"46"});
  EXPECT_EQ(Cell(layer, 3630000, 2405000), 100);            // a whole cell of landuse=forest
  EXPECT_EQ(Cell(layer, 3632000, 2405000), 50);             // its west half, natural=wood
  EXPECT_EQ(Cell(layer, 3634000, 2405000), 75);             // a multipolygon with a 500 m hole
  EXPECT_EQ(Cell(layer, 3631000, 2405000), 0);              // inside the extract, no forest
  EXPECT_FALSE(Cell(layer, 3600000, 2405000).has_value());  // outside the extract
}

TEST(OsmImportTest, EquipmentsAndWater) {
  const ImportLayer layer = Import("cahors_fixture.osm.pbf");
  ASSERT_EQ(layer.points.at("dist_pharmacy_km").size(), 1u);
  EXPECT_NEAR(layer.points.at("dist_pharmacy_km")[0].x, 3639500, 1);
  EXPECT_NEAR(layer.points.at("dist_pharmacy_km")[0].y, 2410500, 1);
  ASSERT_EQ(layer.points.at("dist_post_office_km").size(), 1u);  // a building: mean of its corners
  EXPECT_NEAR(layer.points.at("dist_post_office_km")[0].x, 3639200, 1);
  EXPECT_EQ(layer.points.at("dist_gp_km").size(), 1u);
  EXPECT_EQ(layer.points.at("shops_5km_count").size(), 2u);  // bakery and clothes
  EXPECT_EQ(layer.count_radius_m.at("shops_5km_count"), 5000);
  EXPECT_TRUE(
      layer.points.at("dist_swimming_pool_km").empty());  // a pool without access=yes|public
  // The pond's outline, a point at least every 100 m.
  const auto& water = layer.points.at("dist_water_km");
  ASSERT_GE(water.size(),
            9u);  // 5 vertices (the first repeated) and a point inside each 200 m edge
  for (const geo::Point& point : water) {
    EXPECT_GE(point.x, 3649999);
    EXPECT_LE(point.x, 3650201);
    EXPECT_GE(point.y, 2399999);
    EXPECT_LE(point.y, 2400201);
  }
}

TEST(OsmImportTest, XmlAndPbfGiveTheSameLayer) {
  const ImportLayer pbf = Import("cahors_fixture.osm.pbf");
  const ImportLayer xml = Import("cahors_fixture.osm");
  EXPECT_EQ(pbf.points.at("dist_water_km").size(), xml.points.at("dist_water_km").size());
  ASSERT_EQ(pbf.cells.at("share_forest_pct").size(), xml.cells.at("share_forest_pct").size());
  for (size_t cell_idx = 0; cell_idx < pbf.cells.at("share_forest_pct").size(); ++cell_idx) {
    EXPECT_EQ(pbf.cells.at("share_forest_pct")[cell_idx].value,
              xml.cells.at("share_forest_pct")[cell_idx].value);
  }
}

TEST(OsmImportTest, UnreadableFileAndUnknownDepartement) {
  auto classes = LoadOsmClasses(kClasses);
  ASSERT_TRUE(classes.ok());
  EXPECT_FALSE(ImportOsm({kFixtures + "README.md"}, *classes, {"46"}, nullptr).ok());
  auto refused = ImportOsm({kFixtures + "cahors_fixture.osm.pbf"}, *classes, {"99"}, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("'99'"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::importers
