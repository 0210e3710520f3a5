// Climate stations interpolated to the tiles (imported_sources): inverse distance weights
// and the altitude correction of temperatures, on the Lot with hand-made import layers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "data/grid_builder/grid_builder.hpp"
#include "data/importers/import_layer.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::grid_builder {
namespace {

using engine::Level;
using engine::TileId;

class ClimateInterpolationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        ("vivrovert-climate-" + std::to_string(::getpid())));
    importers::ImportLayer climate;
    climate.kind = "climate";
    climate.source = {"Météo-France", "test", "normales 1991-2020", {}, 0, 0, 0, {}};
    // S1 on the centre of the Cahors station tile, S2 6 km east of it.
    for (const char* criterion : {"summer_temp_c", "rainfall_mm"}) {
      climate.stations[criterion] = {{3639500, 2410500, 100, 20}, {3645500, 2410500, 400, 22}};
    }
    importers::ImportLayer altitude;
    altitude.kind = "altitude";
    altitude.source = {"IGN", "test", "2024", {}, 0, 0, 0, {}};
    altitude.cells["altitude_m"] = {{3639000, 2410000, 300}};
    ASSERT_TRUE(importers::WriteLayer(climate, (*folder_ / "climate.json").string()).ok());
    ASSERT_TRUE(importers::WriteLayer(altitude, (*folder_ / "altitude.json").string()).ok());

    GridBuildOptions options;
    options.data_dir = VIVROVERT_TEST_DATA_DIR;
    options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
    options.departements = {"46"};
    options.threads = 2;
    options.built_at = 1'800'000'000;
    options.imports_dir = folder_->string();
    auto data = BuildGrid(options, nullptr);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    const std::string path = (*folder_ / "lot.grid").string();
    ASSERT_TRUE(engine::WriteGridFile(*data, path).ok());
    auto grid = engine::GridFile::Open(path);
    ASSERT_TRUE(grid.ok()) << grid.status().ToString();
    grid_ = grid->release();
  }
  static void TearDownTestSuite() {
    delete grid_;
    std::filesystem::remove_all(*folder_);
    delete folder_;
  }
  static std::optional<double> Value(int32_t east, int32_t north, const char* criterion) {
    const engine::LevelView* view = grid_->level(Level::k1km);
    auto tile_idx = view->Find({Level::k1km, east, north});
    EXPECT_TRUE(tile_idx.has_value()) << east << " " << north;
    return view->Value(*grid_->catalogue().Find(criterion), *tile_idx);
  }

  static inline std::filesystem::path* folder_ = nullptr;
  static inline engine::GridFile* grid_ = nullptr;
};

TEST_F(ClimateInterpolationTest, StationTileTakesTheStationValueAtItsAltitude) {
  // 20 °C at 100 m, brought to sea level (+0.65) then to the tile's 300 m (−1.95).
  EXPECT_NEAR(*Value(3639000, 2410000, "summer_temp_c"), 20 + 0.0065 * 100 - 0.0065 * 300, 0.006);
  // Rainfall gets no altitude correction.
  EXPECT_NEAR(*Value(3639000, 2410000, "rainfall_mm"), 20, 0.5);
}

TEST_F(ClimateInterpolationTest, MidwayTileWithoutAltitudeIsThePlainMean) {
  // Centre 3 km from each station, no altitude here: (20 + 22) / 2.
  EXPECT_NEAR(*Value(3642000, 2410000, "summer_temp_c"), 21, 0.006);
}

TEST_F(ClimateInterpolationTest, InverseSquareDistanceWeights) {
  // Centre 1 km east of S1 (d = 1000 m) and 5 km west of S2: weights 1/1e6 and 1/25e6.
  const double expected = (20 / 1e6 + 22 / 25e6) / (1 / 1e6 + 1 / 25e6);
  EXPECT_NEAR(*Value(3640000, 2410000, "summer_temp_c"), expected, 0.006);
}

}  // namespace
}  // namespace vivrovert::grid_builder
