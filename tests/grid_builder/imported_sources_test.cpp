// The grid built on Ille-et-Vilaine, where the data folder holds the real Annuaire de
// l'éducation of the département: school distances inside it, none where a school of a
// neighbouring département (not in the file) could be nearer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "data/geo/projection.hpp"
#include "data/grid_builder/grid_builder.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::grid_builder {
namespace {

using engine::Level;
using engine::TileId;

class IlleEtVilaineGridTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    GridBuildOptions options;
    options.data_dir = VIVROVERT_TEST_DATA_DIR;
    options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
    options.departements = {"35"};
    options.threads = 2;
    options.built_at = 1'800'000'000;
    auto data = BuildGrid(options, nullptr);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    path_ = new std::string((std::filesystem::temp_directory_path() /
                             ("vivrovert-35-" + std::to_string(::getpid()) + ".grid"))
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
  static TileId TileAt(double longitude, double latitude) {
    auto projector = geo::Projector::Create(geo::kWgs84, geo::kLaea);
    geo::Point point{longitude, latitude};
    EXPECT_TRUE(projector->Transform(point));
    return {Level::k1km, static_cast<int32_t>(std::floor(point.x / 1000) * 1000),
            static_cast<int32_t>(std::floor(point.y / 1000) * 1000)};
  }
  static std::optional<double> Value(const TileId& tile, const char* criterion) {
    const engine::LevelView* view = grid_->level(Level::k1km);
    auto tile_idx = view->Find(tile);
    EXPECT_TRUE(tile_idx.has_value()) << tile.ToString();
    return view->Value(*grid_->catalogue().Find(criterion), *tile_idx);
  }
  static double Coverage(const char* criterion) {
    return grid_->header()["levels"][0]["coverage"][criterion].get<double>();
  }

  static inline engine::GridFile* grid_ = nullptr;
  static inline std::string* path_ = nullptr;
};

TEST_F(IlleEtVilaineGridTest, SchoolsNearRennesCentre) {
  const TileId rennes = TileAt(-1.6800, 48.1113);  // Rennes town hall
  ASSERT_TRUE(Value(rennes, "dist_school_km").has_value());
  EXPECT_LE(*Value(rennes, "dist_school_km"), 1.0);
  EXPECT_LE(*Value(rennes, "dist_college_km"), 1.5);
  EXPECT_LE(*Value(rennes, "dist_lycee_km"), 1.5);
}

TEST_F(IlleEtVilaineGridTest, CoverageStopsWhereAnotherDepartementCouldBeNearer) {
  // Most tiles of the département, not those at its edge.
  EXPECT_GT(Coverage("dist_school_km"), 0.7);
  EXPECT_LT(Coverage("dist_school_km"), 1.0);
  // Lycées are farther apart: fewer tiles can be sure of the nearest one.
  EXPECT_LT(Coverage("dist_lycee_km"), Coverage("dist_school_km"));
  EXPECT_GT(Coverage("dist_lycee_km"), 0.2);
}

TEST_F(IlleEtVilaineGridTest, SourceAndVintageAreKept) {
  const auto& header = grid_->header();
  bool found = false;
  for (const auto& source : header["sources"]) {
    if (source["dataset"] != "Annuaire de l'éducation") continue;
    found = true;
    EXPECT_EQ(source["vintage"], "mise à jour du 2023-06-08");
    EXPECT_EQ(source["folder"], "education-annuaire");
    EXPECT_EQ(source["departements"], nlohmann::json::array({"35"}));
  }
  EXPECT_TRUE(found);
  const auto& spec = grid_->catalogue().criteria()[*grid_->catalogue().Find("dist_school_km")];
  EXPECT_EQ(spec.source.publisher, "Ministère de l'Éducation nationale");
  EXPECT_FALSE(spec.source.url.empty());
  // BPE criteria stay unavailable: the BPE sample of the data folder is not loaded.
  EXPECT_TRUE(header["unavailable_reasons"].contains("dist_gp_km"));
  EXPECT_DOUBLE_EQ(Coverage("dist_emergency_km"), 0.0);
  // No DEM covers Ille-et-Vilaine.
  EXPECT_DOUBLE_EQ(Coverage("altitude_m"), 0.0);
}

}  // namespace
}  // namespace vivrovert::grid_builder
