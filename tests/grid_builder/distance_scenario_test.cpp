// Distance scenarios drawn as ASCII maps: one character per 1 km tile, north up;
// 'S' a tile with a station at its centre, '.' a tile, ' ' no tile. Expected distances
// (km, straight line between tile centres) are written beside each map.
#include <gtest/gtest.h>

#include "data/grid_builder/criteria_measures.hpp"
#include "engine/criteria_catalogue.hpp"

namespace vivrovert::grid_builder {
namespace {

using engine::Level;
using engine::TileId;

struct Scenario {
  LevelCoverage coverage;
  std::vector<geo::Point> stations;
};

Scenario FromMap(const std::vector<std::string>& rows) {
  Scenario scenario;
  scenario.coverage.level = Level::k1km;
  scenario.coverage.offsets.push_back(0);
  const int32_t top = static_cast<int32_t>(rows.size()) - 1;
  for (size_t row = 0; row < rows.size(); ++row) {
    for (size_t col = 0; col < rows[row].size(); ++col) {
      char mark = rows[row][col];
      if (mark == ' ') continue;
      TileId tile{Level::k1km, 3'600'000 + static_cast<int32_t>(col) * 1000,
                  2'400'000 + (top - static_cast<int32_t>(row)) * 1000};
      scenario.coverage.tiles.push_back(tile);
      scenario.coverage.offsets.push_back(0);
      if (mark == 'S') scenario.stations.push_back({tile.CentreEast(), tile.CentreNorth()});
    }
  }
  return scenario;
}

std::vector<double> StationDistances(const Scenario& scenario) {
  auto catalogue =
      engine::CriteriaCatalogue::Load(std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json");
  EXPECT_TRUE(catalogue.ok());
  geo::Geography geography;
  MeasureInputs inputs;
  inputs.geography = &geography;
  inputs.point_sets.emplace("dist_station_km", NearestPoints(scenario.stations));
  std::vector<std::vector<double>> values;
  std::unordered_map<std::string, std::string> unavailable;
  MeasureFineTiles(*catalogue, scenario.coverage, inputs, values, unavailable);
  EXPECT_FALSE(unavailable.contains("dist_station_km"));
  return values[*catalogue->Find("dist_station_km")];
}

TEST(DistanceScenarioTest, OneStationInACorner) {
  Scenario scenario = FromMap({
      "S..",  // 0    1     2
      "...",  // 1    1.414 2.236
  });
  std::vector<double> expected = {0, 1, 2, 1, std::sqrt(2.0), std::sqrt(5.0)};
  std::vector<double> distances = StationDistances(scenario);
  ASSERT_EQ(distances.size(), expected.size());
  for (size_t tile_idx = 0; tile_idx < expected.size(); ++tile_idx) {
    EXPECT_NEAR(distances[tile_idx], expected[tile_idx], 1e-9)
        << scenario.coverage.tiles[tile_idx].ToString();
  }
}

TEST(DistanceScenarioTest, NearestOfTwoStationsAcrossAGap) {
  Scenario scenario = FromMap({
      "S   .S",  // 0       1 0
      ".    .",  // 1         1
  });
  std::vector<double> expected = {0, 1, 0, 1, 1};
  std::vector<double> distances = StationDistances(scenario);
  ASSERT_EQ(distances.size(), expected.size());
  for (size_t tile_idx = 0; tile_idx < expected.size(); ++tile_idx) {
    EXPECT_NEAR(distances[tile_idx], expected[tile_idx], 1e-9) << tile_idx;
  }
}

TEST(DistanceScenarioTest, NoStationAtAllIsNotAvailableNotZero) {
  Scenario scenario = FromMap({"..."});
  auto catalogue =
      engine::CriteriaCatalogue::Load(std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json");
  ASSERT_TRUE(catalogue.ok());
  geo::Geography geography;
  MeasureInputs inputs;
  inputs.geography = &geography;
  inputs.point_sets.emplace("dist_station_km", NearestPoints({}));
  std::vector<std::vector<double>> values;
  std::unordered_map<std::string, std::string> unavailable;
  MeasureFineTiles(*catalogue, scenario.coverage, inputs, values, unavailable);
  EXPECT_TRUE(unavailable.contains("dist_station_km"));
  for (double value : values[*catalogue->Find("dist_station_km")]) EXPECT_TRUE(std::isnan(value));
  // Criteria without any source (BPE here) are unavailable with the place to get them.
  ASSERT_TRUE(unavailable.contains("dist_gp_km"));
  EXPECT_NE(unavailable["dist_gp_km"].find("insee.fr"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::grid_builder
