// The amenity index on the real open data (../shared/data): the kinds and their sources,
// nearest and within-radius queries around known places of the Lot, an import layer's kind
// with the départements it covers, and distances that agree with the grid's values of the
// same criteria (both measure in EPSG:3035 to the same points).
#include "data/amenities/amenity_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "data/amenities/amenity_sources.hpp"
#include "data/geo/projection.hpp"
#include "data/grid_builder/grid_builder.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::amenities {
namespace {

// Cahors town hall and a farm on the causse of Gramat, WGS84.
constexpr double kCahorsLon = 1.4414, kCahorsLat = 44.4475;
constexpr double kCausseLon = 1.7420, kCausseLat = 44.7000;

class AmenityIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    AmenityOptions options;
    options.data_dir = VIVROVERT_TEST_DATA_DIR;
    options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
    auto loaded = LoadAmenities(options);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    index_ = new AmenityIndex(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }
  static AmenityIndex* index_;
};
AmenityIndex* AmenityIndexTest::index_ = nullptr;

TEST_F(AmenityIndexTest, KindsAreTheDistanceCriteriaWithTheirSources) {
  for (const char* criterion :
       {"dist_station_km", "dist_major_station_km", "dist_hospital_km", "dist_prefecture_km",
        "dist_town_10k_km", "dist_town_50k_km", "dist_city_200k_km"}) {
    const AmenityKind* kind = index_->Find(criterion);
    ASSERT_NE(kind, nullptr) << criterion;
    EXPECT_FALSE(kind->label.empty());
    EXPECT_FALSE(kind->source.publisher.empty()) << criterion;
    EXPECT_FALSE(kind->source.vintage.empty()) << criterion;
    EXPECT_TRUE(kind->source.departements.empty()) << criterion << " covers all of France";
    EXPECT_FALSE(kind->points.empty()) << criterion;
  }
  EXPECT_EQ(index_->Find("dist_station_km")->label, "Gare");
  EXPECT_EQ(index_->Find("dist_station_km")->source.publisher, "SNCF Voyageurs");
  // 96 metropolitan départements, each with its chef-lieu at the centre the comparateur
  // gives; Paris, Lyon and Marseille at the centre of each of their arrondissements (the
  // file has no row of the city itself).
  const AmenityKind& prefectures = *index_->Find("dist_prefecture_km");
  std::set<std::string> chefs_lieux;
  for (const Amenity& amenity : prefectures.points) chefs_lieux.insert(amenity.commune_code);
  EXPECT_EQ(chefs_lieux.size(), 96u);
  EXPECT_EQ(prefectures.points.size(), 96u - 3 + 20 + 9 + 16);
  EXPECT_TRUE(std::any_of(
      prefectures.points.begin(), prefectures.points.end(),
      [](const Amenity& amenity) { return amenity.name == "Cahors (préfecture : Lot)"; }));
  // Not a distance to points, or no source in the data folder: no kind.
  EXPECT_EQ(index_->Find("density"), nullptr);
  EXPECT_EQ(index_->Find("dist_gp_km"), nullptr);  // needs the BPE (vivrovert import bpe)
}

TEST_F(AmenityIndexTest, NearestAndWithinAroundCahors) {
  auto prefecture = index_->Nearest("dist_prefecture_km", kCahorsLon, kCahorsLat);
  ASSERT_TRUE(prefecture.has_value());
  EXPECT_EQ(prefecture->amenity->commune_code, "46042");
  EXPECT_NE(prefecture->amenity->name.find("Cahors"), std::string::npos);
  EXPECT_LT(prefecture->distance_m, 2'000);

  auto station = index_->Nearest("dist_station_km", kCahorsLon, kCahorsLat);
  ASSERT_TRUE(station.has_value());
  EXPECT_EQ(station->amenity->commune_code, "46042");
  EXPECT_LT(station->distance_m, 2'000);

  // Within 30 km of the causse: nearest first, all within the radius, bounded in number.
  std::vector<FoundAmenity> stations =
      index_->Within("dist_station_km", kCausseLon, kCausseLat, 30'000, 5);
  ASSERT_FALSE(stations.empty());
  EXPECT_LE(stations.size(), 5u);
  for (size_t found_idx = 0; found_idx < stations.size(); ++found_idx) {
    EXPECT_LE(stations[found_idx].distance_m, 30'000);
    if (found_idx > 0) {
      EXPECT_LE(stations[found_idx - 1].distance_m, stations[found_idx].distance_m);
    }
  }
  EXPECT_DOUBLE_EQ(stations.front().distance_m,
                   index_->Nearest("dist_station_km", kCausseLon, kCausseLat)->distance_m);
  // No city of 200,000 inhabitants within 50 km of Cahors (Toulouse is ~100 km away).
  EXPECT_TRUE(index_->Within("dist_city_200k_km", kCahorsLon, kCahorsLat, 50'000, 10).empty());
  auto city = index_->Nearest("dist_city_200k_km", kCahorsLon, kCahorsLat);
  ASSERT_TRUE(city.has_value());
  EXPECT_EQ(city->amenity->name, "Toulouse");
  EXPECT_GT(city->distance_m, 80'000);
  EXPECT_LT(city->distance_m, 110'000);
  // Unknown kinds and unprojectable points answer nothing.
  EXPECT_FALSE(index_->Nearest("dist_nowhere_km", kCahorsLon, kCahorsLat).has_value());
  EXPECT_FALSE(index_->Nearest("dist_station_km", NAN, kCahorsLat).has_value());
}

TEST_F(AmenityIndexTest, ACityOfSeveralPointsIsFoundOnce) {
  // The Place de la Concorde: Paris is a point per arrondissement, a dozen within 5 km.
  constexpr double kConcordeLon = 2.3212, kConcordeLat = 48.8656;
  std::vector<FoundAmenity> cities =
      index_->Within("dist_city_200k_km", kConcordeLon, kConcordeLat, 50'000, 10);
  ASSERT_EQ(cities.size(), 1u);  // Paris once; Boulogne-Billancourt has 121,000 inhabitants
  EXPECT_EQ(cities.front().amenity->name, "Paris");
  EXPECT_LT(cities.front().distance_m, 1'500);
  std::vector<FoundAmenity> towns =
      index_->Within("dist_town_50k_km", kConcordeLon, kConcordeLat, 10'000, 5);
  ASSERT_EQ(towns.size(), 5u);
  std::set<std::string> names;
  for (const FoundAmenity& town : towns) names.insert(town.amenity->name);
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(towns.front().amenity->name, "Paris");
  auto prefecture = index_->Nearest("dist_prefecture_km", kConcordeLon, kConcordeLat);
  ASSERT_TRUE(prefecture.has_value());
  EXPECT_EQ(prefecture->amenity->commune_code, "75056");
}

TEST_F(AmenityIndexTest, AnImportLayerKindCarriesItsSourceAndCoverage) {
  // The data folder holds the Annuaire de l'éducation of Ille-et-Vilaine only.
  const AmenityKind* schools = index_->Find("dist_school_km");
  ASSERT_NE(schools, nullptr);
  EXPECT_EQ(schools->label, "École");
  EXPECT_EQ(schools->source.departements, std::vector<std::string>{"35"});
  EXPECT_FALSE(schools->source.vintage.empty());
  EXPECT_FALSE(schools->points.empty());
  EXPECT_TRUE(Covers(schools->source, "35"));
  EXPECT_FALSE(Covers(schools->source, "46"));
  EXPECT_TRUE(Covers(index_->Find("dist_station_km")->source, "46"));
  // Rennes has schools within 2 km of its centre.
  EXPECT_FALSE(index_->Within("dist_school_km", -1.6778, 48.1173, 2'000, 3).empty());
}

TEST_F(AmenityIndexTest, DistancesAgreeWithTheGridBuiltFromTheSameData) {
  grid_builder::GridBuildOptions options;
  options.data_dir = VIVROVERT_TEST_DATA_DIR;
  options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
  options.departements = {"46"};
  options.threads = 2;
  auto data = grid_builder::BuildGrid(options, nullptr);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vivrovert-amenities-" + std::to_string(::getpid()) + ".grid"))
                               .string();
  ASSERT_TRUE(engine::WriteGridFile(*data, path).ok());
  auto grid = engine::GridFile::Open(path);
  ASSERT_TRUE(grid.ok()) << grid.status().ToString();
  const engine::LevelView& level = *(*grid)->level(engine::Level::k1km);
  auto to_wgs84 = geo::Projector::Create(geo::kLaea, geo::kWgs84);
  ASSERT_TRUE(to_wgs84.ok());
  size_t compared = 0;
  for (const char* criterion :
       {"dist_station_km", "dist_hospital_km", "dist_prefecture_km", "dist_town_10k_km"}) {
    const size_t criterion_idx = *(*grid)->catalogue().Find(criterion);
    for (size_t tile_idx = 0; tile_idx < level.tile_count(); tile_idx += 997) {
      std::optional<double> value = level.Value(criterion_idx, tile_idx);
      ASSERT_TRUE(value.has_value()) << criterion;
      const engine::TileId tile = level.tile(tile_idx);
      geo::Point centre{tile.CentreEast(), tile.CentreNorth()};
      ASSERT_TRUE(to_wgs84->Transform(centre));
      auto nearest = index_->Nearest(criterion, centre.x, centre.y);
      ASSERT_TRUE(nearest.has_value()) << criterion;
      EXPECT_NEAR(nearest->distance_m / 1000, *value, 0.011)
          << criterion << " at " << tile.ToString();
      ++compared;
    }
  }
  EXPECT_GT(compared, 12u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vivrovert::amenities
