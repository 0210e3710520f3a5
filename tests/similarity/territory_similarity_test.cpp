// Similar territories (domain/similarity) against a by-hand computation on a small random
// grid whose 12 communes form 6 EPCI: means per EPCI, z-scores across EPCI, root mean
// square distances, ranking.
#include "domain/similarity/territory_similarity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "../engine/search_test_grid.hpp"
#include "brute_similarity.hpp"

namespace vivrovert::similarity {
namespace {

engine::GridData SixEpciGrid() {
  engine::GridData data = engine::testing::RandomGrid(2500, 5);
  for (size_t commune_idx = 0; commune_idx < data.communes.size(); ++commune_idx)
    data.communes[commune_idx].epci = "E" + std::to_string(commune_idx % 6);
  return data;
}

class SimilarityTest : public ::testing::Test {
 protected:
  SimilarityTest() : file_(SixEpciGrid()), index_(SimilarityIndex::Build(file_.grid())) {}

  // The by-hand profiles: mean per EPCI over the tiles one of whose communes is in it.
  std::map<std::string, std::vector<double>> BruteProfiles() {
    return testing::BruteProfiles(file_.grid(),
                                  [](const engine::CommuneRef& commune) { return commune.epci; });
  }

  engine::testing::TestGridFile file_;
  SimilarityIndex index_;
};

TEST_F(SimilarityTest, ProfilesAndRankingMatchAComputationByHand) {
  const std::map<std::string, std::vector<double>> brute = BruteProfiles();
  ASSERT_EQ(index_.codes().size(), 6u);
  for (const auto& [epci, profile] : brute) {
    const std::vector<double> indexed = index_.ProfileOfUnit(epci);
    ASSERT_EQ(indexed.size(), profile.size());
    for (size_t criterion_idx = 0; criterion_idx < profile.size(); ++criterion_idx) {
      if (std::isnan(profile[criterion_idx])) {
        EXPECT_TRUE(std::isnan(indexed[criterion_idx])) << epci << " " << criterion_idx;
      } else {
        EXPECT_NEAR(indexed[criterion_idx], profile[criterion_idx], 1e-9) << epci;
      }
    }
  }
  for (const auto& [epci, profile] : brute) {
    std::vector<std::pair<double, std::string>> expected;
    for (const auto& [other, other_profile] : brute) {
      double squares = 0;
      int shared = 0;
      for (size_t criterion_idx = 0; criterion_idx < profile.size(); ++criterion_idx) {
        if (std::isnan(profile[criterion_idx]) || std::isnan(other_profile[criterion_idx]))
          continue;
        squares += std::pow(profile[criterion_idx] - other_profile[criterion_idx], 2);
        ++shared;
      }
      expected.emplace_back(std::sqrt(squares / shared), other);
    }
    std::sort(expected.begin(), expected.end());
    const std::vector<Neighbour> nearest = index_.Nearest(index_.ProfileOfUnit(epci), 4, {epci});
    ASSERT_EQ(nearest.size(), 4u);
    // expected[0] is the EPCI itself, at distance 0.
    EXPECT_EQ(expected[0].second, epci);
    for (size_t rank = 0; rank < nearest.size(); ++rank) {
      EXPECT_EQ(nearest[rank].code, expected[rank + 1].second) << epci << " rank " << rank;
      EXPECT_NEAR(nearest[rank].distance, expected[rank + 1].first, 1e-9);
    }
  }
}

TEST_F(SimilarityTest, AnyTerritoryIsProfiledLikeAnEpciOfTheSameTiles) {
  const engine::GridFile& grid = file_.grid();
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  // The communes of E2 (2 and 8) as a territory of their own.
  const std::vector<uint32_t> tiles = engine::Territory::FromCommunes({2, 8}).Tiles(level);
  const std::vector<double> profile = index_.ProfileOf(grid, tiles);
  EXPECT_NEAR(SimilarityIndex::Distance(profile, index_.ProfileOfUnit("E2")), 0, 1e-12);
  const std::vector<Neighbour> nearest = index_.Nearest(profile, 1);
  ASSERT_EQ(nearest.size(), 1u);
  EXPECT_EQ(nearest[0].code, "E2");
}

TEST_F(SimilarityTest, CommunesAreComparedLikeEpci) {
  const SimilarityIndex communes =
      SimilarityIndex::Build(file_.grid(), engine::Level::k1km, Unit::kCommune);
  const std::map<std::string, std::vector<double>> brute = testing::BruteProfiles(
      file_.grid(), [](const engine::CommuneRef& commune) { return commune.code; });
  ASSERT_EQ(communes.codes().size(), file_.grid().communes().size());
  ASSERT_EQ(brute.size(), communes.codes().size());
  for (const auto& [code, profile] : brute) {
    const std::vector<double> indexed = communes.ProfileOfUnit(code);
    ASSERT_EQ(indexed.size(), profile.size()) << code;
    for (size_t criterion_idx = 0; criterion_idx < profile.size(); ++criterion_idx) {
      if (std::isnan(profile[criterion_idx])) {
        EXPECT_TRUE(std::isnan(indexed[criterion_idx])) << code << " " << criterion_idx;
      } else {
        EXPECT_NEAR(indexed[criterion_idx], profile[criterion_idx], 1e-9) << code;
      }
    }
    const std::vector<std::pair<double, std::string>> expected = testing::BruteNearest(brute, code);
    const std::vector<Neighbour> nearest = communes.Nearest(indexed, 5, {code});
    ASSERT_EQ(nearest.size(), std::min<size_t>(5, expected.size()));
    for (size_t rank = 0; rank < nearest.size(); ++rank) {
      EXPECT_EQ(nearest[rank].code, expected[rank].second) << code << " rank " << rank;
      EXPECT_NEAR(nearest[rank].distance, expected[rank].first, 1e-9);
    }
  }
}

TEST(SimilarityDistance, LeavesOutMissingCriteriaAndIsInfiniteWithoutSharedOnes) {
  const double nan = std::nan("");
  EXPECT_DOUBLE_EQ(SimilarityIndex::Distance({0, 1, nan}, {0, 3, 5}), std::sqrt(2.0));
  EXPECT_TRUE(std::isinf(SimilarityIndex::Distance({nan, 1}, {2, nan})));
}

}  // namespace
}  // namespace vivrovert::similarity
