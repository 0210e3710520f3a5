// The builder on real data: Lot and Corrèze from ../shared/data, as `vivrovert grid build
// --departements 46,19` does it. Checks values one can verify by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "data/grid_builder/grid_builder.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::grid_builder {
namespace {

using engine::Level;
using engine::TileId;

GridBuildOptions Options(std::vector<std::string> departements) {
  GridBuildOptions options;
  options.data_dir = VIVROVERT_TEST_DATA_DIR;
  options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
  options.departements = std::move(departements);
  options.threads = 2;
  options.built_at = 1'800'000'000;
  return options;
}

class LotCorrezeGridTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto data = BuildGrid(Options({"46", "19"}), nullptr);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    path_ = new std::string((std::filesystem::temp_directory_path() /
                             ("vivrovert-4619-" + std::to_string(::getpid()) + ".grid"))
                                .string());
    ASSERT_TRUE(engine::WriteGridFile(*data, *path_).ok());
    auto grid = engine::GridFile::Open(*path_);
    ASSERT_TRUE(grid.ok()) << grid.status().ToString();
    grid_ = grid->release();
  }
  static void TearDownTestSuite() {
    delete grid_;
    std::filesystem::remove(*path_);
    delete path_;
  }
  static double Value(Level level, const TileId& tile, const char* criterion) {
    const engine::LevelView* view = grid_->level(level);
    auto tile_idx = view->Find(tile);
    EXPECT_TRUE(tile_idx.has_value()) << tile.ToString();
    auto value = view->Value(*grid_->catalogue().Find(criterion), *tile_idx);
    return value.value_or(-1);
  }

  static inline engine::GridFile* grid_ = nullptr;
  static inline std::string* path_ = nullptr;
};

// Cahors station (44.449275 N, 1.433325 E) lies in CRS3035RES1000mN2410000E3639000.
const TileId kCahorsStationTile{Level::k1km, 3639000, 2410000};

TEST_F(LotCorrezeGridTest, CahorsStationTileIsWithinAKilometreOfAStation) {
  const double distance = Value(Level::k1km, kCahorsStationTile, "dist_station_km");
  EXPECT_GE(distance, 0);
  EXPECT_LE(distance, 1);
  // Cahors is the prefecture of the Lot and a town of over 10,000 inhabitants.
  EXPECT_LE(Value(Level::k1km, kCahorsStationTile, "dist_prefecture_km"), 1.5);
  EXPECT_LE(Value(Level::k1km, kCahorsStationTile, "dist_town_10k_km"), 1.5);
  // Toulouse, the nearest city of 200,000, is about 95 km away.
  EXPECT_NEAR(Value(Level::k1km, kCahorsStationTile, "dist_city_200k_km"), 95, 5);
}

TEST_F(LotCorrezeGridTest, TileCommunesAndShares) {
  const engine::LevelView* view = grid_->level(Level::k1km);
  auto tile_idx = view->Find(kCahorsStationTile);
  ASSERT_TRUE(tile_idx.has_value());
  auto [first, last] = view->communes(*tile_idx);
  ASSERT_GE(last - first, 1);
  EXPECT_EQ(grid_->communes()[first->commune].code, "46042");      // Cahors
  EXPECT_EQ(grid_->communes()[first->commune].epci, "200023737");  // CA du Grand Cahors
  float total = 0;
  for (const auto* share = first; share != last; ++share) total += share->share;
  EXPECT_NEAR(total, 1.0, 1e-3);  // an inland tile is fully covered by communes
  EXPECT_DOUBLE_EQ(Value(Level::k1km, kCahorsStationTile, "commune_pop"), 20141);
}

TEST_F(LotCorrezeGridTest, CommuneTableCarriesCentrePopulationPostcodesAndNames) {
  std::optional<uint32_t> cahors_idx = grid_->FindCommune("46042");
  ASSERT_TRUE(cahors_idx.has_value());
  const engine::CommuneRef& cahors = grid_->communes()[*cahors_idx];
  EXPECT_GT(cahors.population, 15'000);
  ASSERT_TRUE(cahors.has_centre());
  EXPECT_NEAR(cahors.latitude, 44.45, 0.05);
  EXPECT_NEAR(cahors.longitude, 1.44, 0.05);
  EXPECT_EQ(cahors.postcodes, std::vector<std::string>{"46000"});
  const std::vector<uint32_t>* served = grid_->CommunesWithPostcode("46000");
  ASSERT_NE(served, nullptr);
  EXPECT_NE(std::find(served->begin(), served->end(), *cahors_idx), served->end());
  EXPECT_EQ(grid_->DepartementName("46"), "Lot");
  EXPECT_EQ(grid_->DepartementName("19"), "Corrèze");
  EXPECT_NE(grid_->EpciName("200023737").find("Cahors"), std::string::npos);
}

TEST_F(LotCorrezeGridTest, EveryTileHasCommunesAndNestsInAFiveKilometreTile) {
  const engine::LevelView* fine = grid_->level(Level::k1km);
  const engine::LevelView* coarse = grid_->level(Level::k5km);
  ASSERT_GT(fine->tile_count(), 11000u);  // Lot + Corrèze ≈ 11,100 km²
  ASSERT_LT(fine->tile_count(), 12500u);
  std::set<std::string> departements;
  for (size_t tile_idx = 0; tile_idx < fine->tile_count(); ++tile_idx) {
    auto [first, last] = fine->communes(tile_idx);
    ASSERT_GT(last - first, 0) << fine->tile(tile_idx).ToString();
    for (const auto* share = first; share != last; ++share) {
      ASSERT_GT(share->share, 0.0f);
      ASSERT_LE(share->share, 1.0f);
      departements.insert(grid_->communes()[share->commune].departement);
    }
    EXPECT_TRUE(coarse->Find(fine->tile(tile_idx).Parent()).has_value());
  }
  EXPECT_EQ(departements, (std::set<std::string>{"19", "46"}));
}

TEST_F(LotCorrezeGridTest, DensityComesFromTheCensusGrid) {
  // First cell of the census all-fields file: 18 inhabitants.
  EXPECT_DOUBLE_EQ(Value(Level::k1km, {Level::k1km, 3630000, 2384000}, "density"), 18);
  // Detailed shares exist in the Lot: 2 of 18 under 15.
  EXPECT_NEAR(Value(Level::k1km, {Level::k1km, 3630000, 2384000}, "share_under15_pct"),
              100.0 * 2 / 18, 0.01);
}

TEST_F(LotCorrezeGridTest, UnavailableCriteriaAreMissingEverywhereWithAReason) {
  const auto& header = grid_->header();
  for (const char* id : {"dist_gp_km", "price_m2_house", "fibre_pct", "share_employed_pct"}) {
    EXPECT_TRUE(header["unavailable_reasons"].contains(id)) << id;
    EXPECT_DOUBLE_EQ(header["levels"][0]["coverage"][id].get<double>(), 0.0) << id;
  }
  EXPECT_DOUBLE_EQ(header["levels"][0]["coverage"]["density"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(header["levels"][0]["coverage"]["dist_station_km"].get<double>(), 1.0);
}

TEST_F(LotCorrezeGridTest, AltitudeAroundCahorsFromTheDemOfTheDataFolder) {
  // The SRTM extract covers the Cahors area only: a value there, none elsewhere.
  const double altitude = Value(Level::k1km, kCahorsStationTile, "altitude_m");
  EXPECT_GT(altitude, 100);
  EXPECT_LT(altitude, 300);
  const double coverage = grid_->header()["levels"][0]["coverage"]["altitude_m"].get<double>();
  EXPECT_GT(coverage, 0.02);
  EXPECT_LT(coverage, 0.2);
  const auto& spec = grid_->catalogue().criteria()[*grid_->catalogue().Find("altitude_m")];
  EXPECT_EQ(spec.source.vintage, "SRTM 2000, extrait 2024");
}

TEST_F(LotCorrezeGridTest, FiveKilometreDistanceIsTheMeanOfItsKilometreTiles) {
  const engine::LevelView* fine = grid_->level(Level::k1km);
  const size_t criterion = *grid_->catalogue().Find("dist_station_km");
  const TileId parent = kCahorsStationTile.Parent();
  double sum = 0;
  int count = 0;
  for (size_t tile_idx = 0; tile_idx < fine->tile_count(); ++tile_idx) {
    if (fine->tile(tile_idx).Parent() == parent) {
      sum += *fine->Value(criterion, tile_idx);
      ++count;
    }
  }
  ASSERT_EQ(count, 25);
  EXPECT_NEAR(Value(Level::k5km, parent, "dist_station_km"), sum / count, 0.01);
}

// Paris, Lyon and Marseille: the smallest build holding the three cities (Paris, the Rhône
// and the Bouches-du-Rhône). Their figures come from their arrondissements.
class CitiesGridTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto data = BuildGrid(Options({"75", "69", "13"}), nullptr);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    path_ = new std::string((std::filesystem::temp_directory_path() /
                             ("vivrovert-cities-" + std::to_string(::getpid()) + ".grid"))
                                .string());
    ASSERT_TRUE(engine::WriteGridFile(*data, *path_).ok());
    auto grid = engine::GridFile::Open(*path_);
    ASSERT_TRUE(grid.ok()) << grid.status().ToString();
    grid_ = grid->release();
  }
  static void TearDownTestSuite() {
    delete grid_;
    std::filesystem::remove(*path_);
    delete path_;
  }

  // The smallest value of a criterion over the 1 km tiles lying wholly in a commune, and
  // how many such tiles have a value.
  struct Extent {
    double min = 1e9;
    double max = -1e9;
    int tiles = 0;
    int with_value = 0;
  };
  static Extent OverCommune(const std::string& code, const char* criterion) {
    const engine::LevelView* view = grid_->level(Level::k1km);
    const size_t criterion_idx = *grid_->catalogue().Find(criterion);
    Extent extent;
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
      auto [first, last] = view->communes(tile_idx);
      if (last - first != 1 || grid_->communes()[first->commune].code != code) continue;
      ++extent.tiles;
      if (auto value = view->Value(criterion_idx, tile_idx)) {
        ++extent.with_value;
        extent.min = std::min(extent.min, *value);
        extent.max = std::max(extent.max, *value);
      }
    }
    return extent;
  }

  static inline engine::GridFile* grid_ = nullptr;
  static inline std::string* path_ = nullptr;
};

// Half the diagonal of a 1 km tile: a point inside a tile is at most this far from its centre.
constexpr double kHalfDiagonalKm = 0.7072;

TEST_F(CitiesGridTest, EachCityIsAPrefectureAndACityNearAllItsTiles) {
  for (const char* code : {"75056", "69123", "13055"}) {
    for (const char* criterion :
         {"dist_prefecture_km", "dist_city_200k_km", "dist_town_50k_km", "dist_town_10k_km"}) {
      const Extent extent = OverCommune(code, criterion);
      ASSERT_GT(extent.tiles, 20) << code;
      EXPECT_EQ(extent.with_value, extent.tiles) << code << " " << criterion;
      // The tile holding an arrondissement's centre.
      EXPECT_LE(extent.min, kHalfDiagonalKm) << code << " " << criterion;
      // Every tile is near one of the city's arrondissements: measured to a single centre,
      // the calanques of Marseille would be 20 km from Marseille.
      EXPECT_LT(extent.max, 10) << code << " " << criterion;
    }
  }
}

TEST_F(CitiesGridTest, EveryTileOfACityHasItsCommuneFigures) {
  for (const char* code : {"75056", "69123", "13055"}) {
    for (const char* criterion : {"commune_pop", "unemployment_pct", "household_size",
                                  "pop_change_pct", "natural_balance_per_1000"}) {
      const Extent extent = OverCommune(code, criterion);
      ASSERT_GT(extent.tiles, 20) << code;
      EXPECT_EQ(extent.with_value, extent.tiles) << code << " " << criterion;
      // A tile of one commune takes that commune's figure: the same on all of them.
      EXPECT_NEAR(extent.min, extent.max, 0.011) << code << " " << criterion;
    }
    // Each of the three has more than 500,000 inhabitants.
    EXPECT_GT(OverCommune(code, "commune_pop").min, 500'000) << code;
  }
}

TEST_F(CitiesGridTest, CentralParisTakesItsFiguresFromParis) {
  // The 5 km tile of central Paris (Châtelet) takes the figure of the commune covering most
  // of it: Paris.
  const engine::LevelView* view = grid_->level(Level::k5km);
  auto tile_idx = view->Find({Level::k5km, 3755000, 2885000});
  ASSERT_TRUE(tile_idx.has_value());
  auto population = view->Value(*grid_->catalogue().Find("commune_pop"), *tile_idx);
  ASSERT_TRUE(population.has_value());
  EXPECT_GT(*population, 2'000'000);
}

TEST_F(CitiesGridTest, CommuneTableGivesTheCitiesACentre) {
  for (const char* code : {"75056", "69123", "13055"}) {
    std::optional<uint32_t> city_idx = grid_->FindCommune(code);
    ASSERT_TRUE(city_idx.has_value()) << code;
    const engine::CommuneRef& city = grid_->communes()[*city_idx];
    EXPECT_GT(city.population, 500'000) << code;
    EXPECT_TRUE(city.has_centre()) << code;
  }
}

TEST(GridBuildErrorsTest, UnknownOrOverseasDepartementIsRefused) {
  auto unknown = BuildGrid(Options({"99"}), nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "departements");
  EXPECT_NE(unknown.status().message().find("99"), std::string::npos);
  auto overseas = BuildGrid(Options({"971"}), nullptr);
  ASSERT_FALSE(overseas.ok());
  EXPECT_NE(overseas.status().message().find("metropolitan"), std::string::npos);
}

TEST(GridBuildErrorsTest, MissingDataDirectoryNamesTheFile) {
  GridBuildOptions options = Options({"46"});
  options.data_dir = "/nonexistent/data";
  auto result = BuildGrid(options, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("communes.json"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::grid_builder
