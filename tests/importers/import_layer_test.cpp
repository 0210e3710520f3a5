// Import layers: written atomically, read back unchanged.
#include "data/importers/import_layer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vivrovert::importers {
namespace {

namespace fs = std::filesystem;

ImportLayer Sample() {
  ImportLayer layer;
  layer.kind = "bpe";
  layer.source = {"INSEE", "BPE", "2024", {"BPE24.csv"}, 3, 2, 1, {"1 row overseas"}};
  layer.departements = {"46", "35", "35"};
  layer.points["dist_gp_km"] = {{3639000.4, 2410000.6}, {3600000, 2400000}};
  layer.points["dist_bank_km"] = {};
  layer.count_radius_m["shops_5km_count"] = 5000;
  layer.cells["altitude_m"] = {{3640000, 2410000, 180.25}, {3639000, 2410000, 123.5}};
  layer.communes["fibre_pct"] = {{"46042", 99.25}, {"46001", 66.5}};
  layer.Normalise();
  return layer;
}

TEST(ImportLayerTest, RoundTrip) {
  const fs::path folder =
      fs::temp_directory_path() / ("vivrovert-layer-" + std::to_string(::getpid()));
  const std::string path = (folder / "imports" / "bpe.json").string();
  ImportLayer layer = Sample();
  ASSERT_TRUE(WriteLayer(layer, path).ok());
  auto read = ReadLayer(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->kind, "bpe");
  EXPECT_EQ(read->source.vintage, "2024");
  EXPECT_EQ(read->source.notes, std::vector<std::string>{"1 row overseas"});
  EXPECT_EQ(read->departements, (std::vector<std::string>{"35", "46"}));
  ASSERT_EQ(read->points.at("dist_gp_km").size(), 2u);
  EXPECT_EQ(read->points.at("dist_gp_km")[0].x, 3600000);  // sorted
  EXPECT_EQ(read->points.at("dist_gp_km")[1].x, 3639000);  // rounded to the metre
  EXPECT_EQ(read->points.at("dist_gp_km")[1].y, 2410001);
  EXPECT_TRUE(read->points.at("dist_bank_km").empty());
  EXPECT_EQ(read->count_radius_m.at("shops_5km_count"), 5000);
  ASSERT_EQ(read->cells.at("altitude_m").size(), 2u);
  EXPECT_EQ(read->cells.at("altitude_m")[0].east, 3639000);
  EXPECT_EQ(read->cells.at("altitude_m")[1].value, 180.25);
  EXPECT_EQ(read->communes.at("fibre_pct"),
            (std::map<std::string, double>{{"46001", 66.5}, {"46042", 99.25}}));
  // No temporary file is left behind.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(folder / "imports"))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);
  fs::remove_all(folder);
}

TEST(ImportLayerTest, TruncatedLayerIsDataLoss) {
  const fs::path path =
      fs::temp_directory_path() / ("vivrovert-layer-bad-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << "{\"layer_version\": 1, \"kind\": \"bpe\", \"sou";
  auto read = ReadLayer(path.string());
  fs::remove(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kDataLoss);
}

TEST(ImportLayerTest, Departements) {
  EXPECT_EQ(MetropolitanDepartements().size(), 96u);
  EXPECT_EQ(DepartementOfCommune("35238"), "35");
  EXPECT_EQ(DepartementOfCommune("2A004"), "2A");
  EXPECT_EQ(DepartementOfCommune("97411"), "974");
}

}  // namespace
}  // namespace vivrovert::importers
