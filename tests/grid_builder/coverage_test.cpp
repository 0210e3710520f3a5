// Area shares on hand-made communes whose overlaps are known exactly.
#include "data/grid_builder/coverage.hpp"

#include <gtest/gtest.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vivrovert::grid_builder {
namespace {

using engine::Level;

// A contour from WKT in EPSG:3035 metres, offset to a realistic place in France.
CommuneContour Contour(int32_t commune, const std::string& wkt) {
  OGRGeometry* geometry = nullptr;
  EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &geometry), OGRERR_NONE);
  CommuneContour contour = ContourFromGeometry(commune, *geometry);
  OGRGeometryFactory::destroyGeometry(geometry);
  return contour;
}

std::string Box(double x0, double y0, double x1, double y1) {
  auto px = [](double x) { return std::to_string(3'600'000 + x); };
  auto py = [](double y) { return std::to_string(2'400'000 + y); };
  return "POLYGON((" + px(x0) + " " + py(y0) + "," + px(x1) + " " + py(y0) + "," + px(x1) + " " +
         py(y1) + "," + px(x0) + " " + py(y1) + "," + px(x0) + " " + py(y0) + "))";
}

// Overlaps of the 1 km tile at (east, north) offsets in km.
std::vector<CellOverlap> OverlapsAt(const LevelCoverage& coverage, int east_km, int north_km) {
  const int32_t cell = engine::CellSizeMetres(coverage.level);
  for (size_t tile_idx = 0; tile_idx < coverage.tiles.size(); ++tile_idx) {
    const auto& tile = coverage.tiles[tile_idx];
    if (tile.east == 3'600'000 + east_km * cell && tile.north == 2'400'000 + north_km * cell) {
      return {coverage.overlaps.begin() + coverage.offsets[tile_idx],
              coverage.overlaps.begin() + coverage.offsets[tile_idx + 1]};
    }
  }
  return {};
}

TEST(CoverageTest, CommuneAlignedOnCellsCoversThemWhole) {
  auto levels = ComputeCoverage({Contour(7, Box(0, 0, 2000, 2000))}, 1);
  ASSERT_EQ(levels[0].tiles.size(), 4u);
  for (int east : {0, 1}) {
    for (int north : {0, 1}) {
      auto overlaps = OverlapsAt(levels[0], east, north);
      ASSERT_EQ(overlaps.size(), 1u);
      EXPECT_EQ(overlaps[0].commune, 7u);
      EXPECT_NEAR(overlaps[0].area_m2, 1e6, 1e-3);
    }
  }
  ASSERT_EQ(levels[1].tiles.size(), 1u);
  EXPECT_NEAR(levels[1].overlaps[0].area_m2, 4e6, 1e-3);
}

TEST(CoverageTest, OffsetSquareSharesFourCellsEqually) {
  auto levels = ComputeCoverage({Contour(0, Box(500, 500, 1500, 1500))}, 2);
  ASSERT_EQ(levels[0].tiles.size(), 4u);
  for (int east : {0, 1}) {
    for (int north : {0, 1}) {
      auto overlaps = OverlapsAt(levels[0], east, north);
      ASSERT_EQ(overlaps.size(), 1u);
      EXPECT_NEAR(overlaps[0].area_m2, 0.25e6, 1e-3);
    }
  }
}

// Map (1 km cells, y up):   A A|B B B   — A covers [0, 1.5 km), B [1.5, 3 km)
TEST(CoverageTest, TwoCommunesSplitACellLargestFirst) {
  auto levels =
      ComputeCoverage({Contour(1, Box(0, 0, 1500, 1000)), Contour(2, Box(1500, 0, 3000, 700))}, 2);
  ASSERT_EQ(levels[0].tiles.size(), 3u);
  auto left = OverlapsAt(levels[0], 0, 0);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].commune, 1u);
  auto middle = OverlapsAt(levels[0], 1, 0);
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(middle[0].commune, 1u);  // 0.5 km² before B's 0.35 km²
  EXPECT_NEAR(middle[0].area_m2, 0.5e6, 1e-3);
  EXPECT_NEAR(middle[1].area_m2, 0.35e6, 1e-3);
  auto right = OverlapsAt(levels[0], 2, 0);
  ASSERT_EQ(right.size(), 1u);
  EXPECT_NEAR(right[0].area_m2, 0.7e6, 1e-3);
  // The 5 km tile sums them.
  ASSERT_EQ(levels[1].tiles.size(), 1u);
  EXPECT_NEAR(levels[1].overlaps[0].area_m2, 1.5e6, 1e-3);
  EXPECT_NEAR(levels[1].overlaps[1].area_m2, 1.05e6, 1e-3);
}

TEST(CoverageTest, TilesFollowTheHilbertCurve) {
  auto levels = ComputeCoverage({Contour(0, Box(0, 0, 8000, 8000))}, 2);
  ASSERT_EQ(levels[0].tiles.size(), 64u);
  for (size_t tile_idx = 1; tile_idx < levels[0].tiles.size(); ++tile_idx) {
    const auto& a = levels[0].tiles[tile_idx - 1];
    const auto& b = levels[0].tiles[tile_idx];
    EXPECT_EQ(std::abs(a.east - b.east) + std::abs(a.north - b.north), 1000) << tile_idx;
  }
}

// Loads `geojson`, written to a file named like a département's contours, against a
// geography that only knows Cahors.
Result<std::vector<CommuneContour>> LoadGeoJson(const std::string& name,
                                                const std::string& geojson) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            (name + "-" + std::to_string(::getpid()) + ".geojson"))
                               .string();
  std::ofstream(path) << geojson;
  geo::Geography geography;
  geography.AddCommune({"46042", "Cahors", "46", "76", "", 0, true, std::nullopt});
  auto contours = LoadCommuneContours({path}, geography);
  std::filesystem::remove(path);
  return contours;
}

TEST(ContoursTest, MalformedGeoJsonNamesTheFileAndGdalsReason) {
  auto contours = LoadGeoJson(
      "communes-46-broken",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"46042"},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[1.4,44.4],[1.5,44.4],)");
  ASSERT_FALSE(contours.ok());
  EXPECT_NE(contours.status().message().find("communes-46-broken-"), std::string::npos)
      << contours.status().message();
  EXPECT_NE(contours.status().message().find("GDAL cannot read it"), std::string::npos);
}

TEST(ContoursTest, UnknownCommuneCodeIsNamed) {
  auto contours = LoadGeoJson(
      "communes-46-unknown",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"46999"},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[1.4,44.4],[1.5,44.4],[1.5,44.5],[1.4,44.4]]]}}]})");
  ASSERT_FALSE(contours.ok());
  EXPECT_NE(contours.status().message().find("unknown commune code '46999'"), std::string::npos)
      << contours.status().message();
  EXPECT_NE(contours.status().message().find("feature 1"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::grid_builder
