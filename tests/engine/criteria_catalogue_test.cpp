#include "engine/criteria_catalogue.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace vivrovert::engine {
namespace {

const std::string kCataloguePath = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";

TEST(CriteriaCatalogueTest, ShippedCatalogueIsCompleteAndConsistent) {
  auto catalogue = CriteriaCatalogue::Load(kCataloguePath);
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  EXPECT_GE(catalogue->criteria().size(), 30u);
  std::set<std::string> groups(catalogue->groups().begin(), catalogue->groups().end());
  EXPECT_EQ(groups.size(), 9u);
  size_t bytes = 0;
  for (const CriterionSpec& spec : catalogue->criteria()) {
    EXPECT_TRUE(groups.contains(spec.group)) << spec.id << " has unknown group " << spec.group;
    EXPECT_FALSE(spec.label.empty()) << spec.id;
    EXPECT_FALSE(spec.source.publisher.empty()) << spec.id;
    EXPECT_FALSE(spec.source.url.empty()) << spec.id;
    EXPECT_FALSE(spec.method.empty()) << spec.id;
    bytes += spec.width;
  }
  // Storage budget: on average about 2 bytes per criterion (≤ 64 bytes for 30 criteria).
  EXPECT_LE(bytes * 30, 64 * catalogue->criteria().size()) << bytes << " bytes per tile";
  for (const char* id : {"density",
                         "commune_pop",
                         "pop_change_pct",
                         "unemployment_pct",
                         "household_size",
                         "natural_balance_per_1000",
                         "dist_station_km",
                         "dist_major_station_km",
                         "dist_hospital_km",
                         "dist_prefecture_km",
                         "dist_town_10k_km",
                         "dist_town_50k_km",
                         "dist_city_200k_km",
                         "share_under15_pct",
                         "share_65plus_pct",
                         "share_movers_pct",
                         "share_employed_pct",
                         "dist_gp_km",
                         "fibre_pct",
                         "price_m2_house"}) {
    EXPECT_TRUE(catalogue->Find(id).has_value()) << id;
  }
}

TEST(CriteriaCatalogueTest, EncodingRoundsToTheStepAndClampsToTheRange) {
  CriterionSpec spec;
  spec.width = 2;
  spec.step = 0.01;
  spec.offset = -100;
  EXPECT_EQ(spec.MissingCode(), 65535u);
  EXPECT_DOUBLE_EQ(spec.Decode(spec.Encode(-4.956)), -4.96);
  EXPECT_EQ(spec.Encode(-1000), 0u);
  EXPECT_EQ(spec.Encode(1e9), spec.MaxCode());
  EXPECT_NE(spec.Encode(1e9), spec.MissingCode());
  spec.width = 4;
  EXPECT_EQ(spec.MissingCode(), 4294967295u);
}

TEST(CriteriaCatalogueTest, ErrorsNameTheCriterionAndField) {
  nlohmann::json document = {{"criteria",
                              {{{"id", "x"},
                                {"label", "X"},
                                {"unit", "km"},
                                {"group", "Santé"},
                                {"direction", "sideways"},
                                {"source", nlohmann::json::object()},
                                {"storage", {{"width", 2}, {"step", 1}}}}}}};
  auto catalogue = CriteriaCatalogue::FromJson(document);
  ASSERT_FALSE(catalogue.ok());
  EXPECT_NE(catalogue.status().message().find("'x'"), std::string::npos);
  EXPECT_EQ(catalogue.status().field(), "direction");

  document["criteria"][0]["direction"] = "lower";
  document["criteria"][0]["storage"]["width"] = 3;
  EXPECT_EQ(CriteriaCatalogue::FromJson(document).status().field(), "width");
}

TEST(CriteriaCatalogueTest, JsonRoundTripKeepsEverything) {
  auto catalogue = CriteriaCatalogue::Load(kCataloguePath);
  ASSERT_TRUE(catalogue.ok());
  auto again = CriteriaCatalogue::FromJson(catalogue->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_EQ(again->criteria().size(), catalogue->criteria().size());
  for (size_t index = 0; index < catalogue->criteria().size(); ++index) {
    const CriterionSpec& a = catalogue->criteria()[index];
    const CriterionSpec& b = again->criteria()[index];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.width, b.width);
    EXPECT_DOUBLE_EQ(a.step, b.step);
    EXPECT_DOUBLE_EQ(a.offset, b.offset);
    EXPECT_EQ(a.aggregation, b.aggregation);
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.source.vintage, b.source.vintage);
  }
}

}  // namespace
}  // namespace vivrovert::engine
