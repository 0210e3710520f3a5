#include "engine/grid_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vivrovert::engine {
namespace {

namespace fs = std::filesystem;

GridData SmallGrid() {
  nlohmann::json catalogue = {{"groups", {"Mobilité"}},
                              {"criteria",
                               {{{"id", "dist_station_km"},
                                 {"label", "Gare"},
                                 {"unit", "km"},
                                 {"group", "Mobilité"},
                                 {"direction", "lower"},
                                 {"source", {{"publisher", "SNCF"}}},
                                 {"storage", {{"width", 2}, {"step", 0.01}}}},
                                {{"id", "density"},
                                 {"label", "Densité"},
                                 {"unit", "hab./km²"},
                                 {"group", "Mobilité"},
                                 {"direction", "lower"},
                                 {"source", {{"publisher", "Eurostat"}}},
                                 {"storage", {{"width", 4}, {"step", 1}}}}}}};
  GridData data;
  data.catalogue = *CriteriaCatalogue::FromJson(catalogue);
  data.communes = {{"46042", "Cahors", "46", "200023737"},
                   {"46224", "Pradines", "46", "200023737"}};
  data.communes[0].population = 19'405;
  data.communes[0].longitude = 1.4436;
  data.communes[0].latitude = 44.4475;
  data.communes[0].postcodes = {"46000"};
  data.communes[1].postcodes = {"46090"};
  data.area_names.epcis = {{"200023737", "CA du Grand Cahors"}};
  data.area_names.departements = {{"46", "Lot"}};
  LevelData level;
  level.level = Level::k1km;
  level.tiles = {{Level::k1km, 3639000, 2410000}, {Level::k1km, 3640000, 2410000}};
  level.share_offsets = {0, 1, 3};
  level.shares = {{0, 1.0f}, {0, 0.6f}, {1, 0.4f}};
  const auto& specs = data.catalogue.criteria();
  level.codes = {{specs[0].Encode(0.47), specs[0].MissingCode()},
                 {specs[1].Encode(2538), specs[1].Encode(12)}};
  data.levels.push_back(level);
  data.scope = "test";
  data.built_at = 1'790'000'000;
  data.sources.push_back({{"publisher", "SNCF"}});
  return data;
}

class GridFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("vivrovert-grid-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(folder_);
    path_ = (folder_ / "test.grid").string();
  }
  void TearDown() override { fs::remove_all(folder_); }
  fs::path folder_;
  std::string path_;
};

TEST_F(GridFileTest, WrittenValuesReadBackThroughTheMapping) {
  ASSERT_TRUE(WriteGridFile(SmallGrid(), path_).ok());
  auto grid = GridFile::Open(path_);
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  EXPECT_EQ((*grid)->header()["scope"], "test");
  EXPECT_EQ((*grid)->communes()[1].name, "Pradines");
  const LevelView* level = (*grid)->level(Level::k1km);
  ASSERT_NE(level, nullptr);
  EXPECT_EQ((*grid)->level(Level::k5km), nullptr);
  ASSERT_EQ(level->tile_count(), 2u);
  EXPECT_EQ(level->tile(1).ToString(), "CRS3035RES1000mN2410000E3640000");
  EXPECT_DOUBLE_EQ(*level->Value(0, 0), 0.47);
  EXPECT_FALSE(level->Value(0, 1).has_value());
  EXPECT_DOUBLE_EQ(*level->Value(1, 0), 2538);
  auto [first, last] = level->communes(1);
  ASSERT_EQ(last - first, 2);
  EXPECT_FLOAT_EQ(first[1].share, 0.4f);
  EXPECT_EQ(level->Find({Level::k1km, 3640000, 2410000}), 1u);
  EXPECT_FALSE(level->Find({Level::k1km, 3641000, 2410000}).has_value());
  EXPECT_DOUBLE_EQ((*grid)->header()["levels"][0]["coverage"]["dist_station_km"].get<double>(),
                   0.5);
  EXPECT_FALSE(fs::exists(path_ + ".tmp." + std::to_string(::getpid())));
}

TEST_F(GridFileTest, CommunesKeepPopulationCentrePostcodesAndAreaNames) {
  ASSERT_TRUE(WriteGridFile(SmallGrid(), path_).ok());
  auto grid = GridFile::Open(path_);
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  const CommuneRef& cahors = (*grid)->communes()[0];
  EXPECT_EQ(cahors.population, 19'405);
  ASSERT_TRUE(cahors.has_centre());
  EXPECT_DOUBLE_EQ(cahors.longitude, 1.4436);
  EXPECT_FALSE((*grid)->communes()[1].has_centre());
  EXPECT_EQ((*grid)->FindCommune("46224"), 1u);
  EXPECT_FALSE((*grid)->FindCommune("75056").has_value());
  const std::vector<uint32_t>* served = (*grid)->CommunesWithPostcode("46090");
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(*served, std::vector<uint32_t>{1});
  EXPECT_EQ((*grid)->CommunesWithPostcode("75001"), nullptr);
  EXPECT_EQ((*grid)->EpciName("200023737"), "CA du Grand Cahors");
  EXPECT_EQ((*grid)->DepartementName("46"), "Lot");
  EXPECT_EQ((*grid)->DepartementName("99"), "");
}

TEST_F(GridFileTest, AnotherFormatVersionIsRefusedWithAClearMessage) {
  ASSERT_TRUE(WriteGridFile(SmallGrid(), path_).ok());
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(8);
    uint32_t version = kGridFormatVersion + 1;
    file.write(reinterpret_cast<const char*>(&version), 4);
  }
  auto grid = GridFile::Open(path_);
  ASSERT_FALSE(grid.ok());
  EXPECT_EQ(grid.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(
      grid.status().message().find("format version " + std::to_string(kGridFormatVersion + 1)),
      std::string::npos)
      << grid.status().message();
  EXPECT_NE(grid.status().message().find("rebuild"), std::string::npos);
}

TEST_F(GridFileTest, TruncatedFileIsRefused) {
  ASSERT_TRUE(WriteGridFile(SmallGrid(), path_).ok());
  const auto size = fs::file_size(path_);
  for (auto cut : {size - 10, size / 2, uintmax_t{40}, uintmax_t{10}}) {
    fs::copy_file(path_, path_ + ".cut", fs::copy_options::overwrite_existing);
    fs::resize_file(path_ + ".cut", cut);
    auto grid = GridFile::Open(path_ + ".cut");
    ASSERT_FALSE(grid.ok()) << "cut at " << cut;
    EXPECT_EQ(grid.status().code(), StatusCode::kDataLoss) << grid.status().ToString();
  }
}

TEST_F(GridFileTest, ForeignAndMissingFilesAreRefused) {
  std::ofstream(path_) << "tile_id,level\nnot a grid file at all, just text\n";
  auto foreign = GridFile::Open(path_);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("not a VivroVert grid file"), std::string::npos);
  auto missing = GridFile::Open((folder_ / "absent.grid").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(GridFileTest, InconsistentDataIsNotWritten) {
  GridData data = SmallGrid();
  data.levels[0].codes[1].pop_back();
  EXPECT_FALSE(WriteGridFile(data, path_).ok());
  EXPECT_FALSE(fs::exists(path_));
}

}  // namespace
}  // namespace vivrovert::engine
