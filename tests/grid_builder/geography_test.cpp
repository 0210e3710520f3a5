// The COG geography and its statistics (data/geo): Paris, Lyon and Marseille from their
// arrondissements municipaux, on a hand-made data folder whose sums are known, then on the
// real files of ../shared/data.
#include "data/geo/geography.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "data/grid_builder/distance_points.hpp"

namespace vivrovert::geo {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A data folder with Paris (two arrondissements), Lyon (which has, in this file, a row of
// its own besides one of its arrondissements) and Cahors (one row repeated per postcode).
class SmallGeographyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vivrovert-geo-" + std::to_string(::getpid()));
    const fs::path cog = dir_ / "etalab-decoupage-administratif";
    Write(cog / "communes.json", R"([
      {"code":"75056","nom":"Paris","type":"commune-actuelle","zone":"metro","departement":"75",
       "region":"11","population":2103778,"codesPostaux":["75001","75002"]},
      {"code":"75101","nom":"Paris 1er Arrondissement","type":"arrondissement-municipal",
       "commune":"75056","departement":"75","region":"11"},
      {"code":"75102","nom":"Paris 2e Arrondissement","type":"arrondissement-municipal",
       "commune":"75056","departement":"75","region":"11"},
      {"code":"69123","nom":"Lyon","type":"commune-actuelle","zone":"metro","departement":"69",
       "region":"84","population":519127},
      {"code":"69381","nom":"Lyon 1er Arrondissement","type":"arrondissement-municipal",
       "commune":"69123","departement":"69","region":"84"},
      {"code":"46042","nom":"Cahors","type":"commune-actuelle","zone":"metro","departement":"46",
       "region":"76","population":19800}
    ])");
    Write(cog / "departements.json",
          R"([{"code":"75","nom":"Paris","region":"11","chefLieu":"75056","zone":"metro"}])");
    Write(cog / "regions.json", R"([{"code":"11","nom":"Île-de-France"}])");
    Write(cog / "epci.json", "[]");
    Write(dir_ / "rcarlier-datas-fun" / "communes.csv",
          "insee_com,code_postal,commune_type,insee_parente,lat,lng,superficie_km2,"
          "population_2021,population_2015,menages_2021,naissances_2022,deces_2022,"
          "pop_15_64_active_2021,pop_15_64_chomage_2021\n"
          // Paris 1er: 20 % unemployed; Paris 2e: 10 %, with twice the active population.
          "75101,75001,ARM,75056,48.862,2.336,1.5,1000,1100,500,10,8,600,120\n"
          "75102,75002,ARM,75056,48.868,2.341,1.0,3000,2900,1400,40,20,1200,120\n"
          // The file repeats a row for each postcode of an arrondissement or a commune.
          "75102,75016,ARM,75056,48.868,2.341,1.0,3000,2900,1400,40,20,1200,120\n"
          "69381,69001,ARM,69123,45.770,4.826,1.5,29016,29551,16222,281,162,17014,2166\n"
          "69123,69001,COM,,45.760,4.835,47.9,522250,513275,270000,6000,3900,290000,25000\n"
          "46042,46000,COM,,44.447,1.441,64.7,20141,19907,10200,160,240,11000,1400\n"
          "46042,46090,COM,,44.447,1.441,64.7,20141,19907,10200,160,240,11000,1400\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(SmallGeographyTest, ParisFiguresAreTheSumsOfItsArrondissements) {
  auto geography = LoadGeography(dir_.string());
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  const Commune* paris = geography->FindCommune("75056");
  ASSERT_NE(paris, nullptr);
  ASSERT_TRUE(paris->stats.has_value());
  const CommuneStats& stats = *paris->stats;
  EXPECT_EQ(stats.population_2021, 4000);  // 1000 + 3000, the repeated row once
  EXPECT_EQ(stats.population_2015, 4000);
  EXPECT_EQ(stats.households_2021, 1900);
  EXPECT_EQ(stats.births_2022, 50);
  EXPECT_EQ(stats.deaths_2022, 28);
  EXPECT_EQ(stats.active_15_64_2021, 1800);
  EXPECT_EQ(stats.unemployed_15_64_2021, 240);
  EXPECT_DOUBLE_EQ(stats.area_km2, 2.5);
  // The unemployment rate of the sums is the mean of the arrondissements' rates weighted by
  // their active population: (20 % × 600 + 10 % × 1200) / 1800.
  EXPECT_DOUBLE_EQ(100.0 * static_cast<double>(stats.unemployed_15_64_2021) /
                       static_cast<double>(stats.active_15_64_2021),
                   (20.0 * 600 + 10.0 * 1200) / 1800);
  // The centre is the most populous arrondissement's.
  EXPECT_DOUBLE_EQ(stats.centre_wgs84.y, 48.868);
  EXPECT_DOUBLE_EQ(stats.centre_wgs84.x, 2.341);
}

TEST_F(SmallGeographyTest, ArrondissementCodesDesignateTheirCity) {
  auto geography = LoadGeography(dir_.string());
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  ASSERT_NE(geography->CurrentCommune("75102"), nullptr);
  EXPECT_EQ(geography->CurrentCommune("75102")->code, "75056");
  ASSERT_NE(geography->CityOfArrondissement("69381"), nullptr);
  EXPECT_EQ(geography->CityOfArrondissement("69381")->code, "69123");
  EXPECT_EQ(geography->CityOfArrondissement("46042"), nullptr);
  EXPECT_EQ(geography->FindCommune("75101"), nullptr);  // not a commune of its own
}

TEST_F(SmallGeographyTest, ACityWithARowOfItsOwnKeepsIt) {
  auto geography = LoadGeography(dir_.string());
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  const Commune* lyon = geography->FindCommune("69123");
  ASSERT_NE(lyon, nullptr);
  ASSERT_TRUE(lyon->stats.has_value());
  EXPECT_EQ(lyon->stats->population_2021, 522250);  // its arrondissement not counted twice
}

TEST_F(SmallGeographyTest, ARowRepeatedForEachPostcodeCountsOnce) {
  auto geography = LoadGeography(dir_.string());
  ASSERT_TRUE(geography.ok()) << geography.status().ToString();
  const Commune* cahors = geography->FindCommune("46042");
  ASSERT_NE(cahors, nullptr);
  ASSERT_TRUE(cahors->stats.has_value());
  EXPECT_EQ(cahors->stats->population_2021, 20141);
  EXPECT_DOUBLE_EQ(cahors->stats->area_km2, 64.7);
}

// On the real files.
class RealGeographyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = LoadGeography(VIVROVERT_TEST_DATA_DIR);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    geography_ = new Geography(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete geography_; }
  static inline Geography* geography_ = nullptr;
};

TEST_F(RealGeographyTest, ParisLyonAndMarseilleHaveTheirFigures) {
  for (const char* code : {"75056", "69123", "13055"}) {
    const Commune* city = geography_->FindCommune(code);
    ASSERT_NE(city, nullptr) << code;
    ASSERT_TRUE(city->stats.has_value()) << code;
    // INSEE's population 2021 of the statistics and the legal population of the COG 2026
    // are two vintages of one count: within 3 % of each other.
    EXPECT_NEAR(static_cast<double>(city->stats->population_2021),
                static_cast<double>(city->legal_population), 0.03 * city->legal_population)
        << code;
    EXPECT_GT(city->stats->households_2021, 0) << code;
    EXPECT_GT(city->stats->active_15_64_2021, city->stats->unemployed_15_64_2021) << code;
    EXPECT_GT(city->stats->unemployed_15_64_2021, 0) << code;
    EXPECT_GT(city->stats->area_km2, 40) << code;  // Lyon, the smallest, has 48 km²
  }
}

TEST_F(RealGeographyTest, NoCommuneCountsItsRowsTwice) {
  // The file repeats a commune's row once per postcode: counted twice, a commune's
  // population would be about double its legal population.
  int compared = 0;
  for (const Commune& commune : geography_->communes()) {
    if (!commune.metropolitan || !commune.stats || commune.legal_population < 2000) continue;
    ++compared;
    EXPECT_LT(static_cast<double>(commune.stats->population_2021),
              1.5 * static_cast<double>(commune.legal_population))
        << commune.code << " " << commune.name;
  }
  EXPECT_GT(compared, 4000);
}

TEST_F(RealGeographyTest, TheThreeCitiesArePrefecturesAndCitiesOf200000) {
  auto sets = grid_builder::LoadNationalDistancePoints(VIVROVERT_TEST_DATA_DIR, *geography_);
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  auto contains = [&](const char* criterion, const char* code) {
    const auto& points = sets->at(criterion).points;
    return std::any_of(points.begin(), points.end(), [&](const grid_builder::DistancePoint& p) {
      return p.commune_code == code;
    });
  };
  for (const char* code : {"75056", "69123", "13055"}) {
    EXPECT_TRUE(contains("dist_prefecture_km", code)) << code;
    EXPECT_TRUE(contains("dist_city_200k_km", code)) << code;
    EXPECT_TRUE(contains("dist_town_50k_km", code)) << code;
    EXPECT_TRUE(contains("dist_town_10k_km", code)) << code;
  }
}

}  // namespace
}  // namespace vivrovert::geo
