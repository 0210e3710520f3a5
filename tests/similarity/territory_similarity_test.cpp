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
    const engine::GridFile& grid = file_.grid();
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    const size_t criteria = grid.catalogue().criteria().size();
    std::map<std::string, std::vector<double>> sums, counts;
    for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
      std::set<std::string> epcis;
      auto [first, last] = level.communes(tile_idx);
      for (auto share = first; share != last; ++share)
        epcis.insert(grid.communes()[share->commune].epci);
      for (const std::string& epci : epcis) {
        sums[epci].resize(criteria, 0);
        counts[epci].resize(criteria, 0);
        for (size_t criterion_idx = 0; criterion_idx < criteria; ++criterion_idx) {
          if (auto value = level.Value(criterion_idx, tile_idx)) {
            sums[epci][criterion_idx] += *value;
            counts[epci][criterion_idx] += 1;
          }
        }
      }
    }
    std::map<std::string, std::vector<double>> z;
    for (size_t criterion_idx = 0; criterion_idx < criteria; ++criterion_idx) {
      std::vector<double> means;
      for (const auto& [epci, sum] : sums)
        means.push_back(sum[criterion_idx] / counts[epci][criterion_idx]);
      double centre = 0;
      for (double mean : means) centre += mean;
      centre /= static_cast<double>(means.size());
      double squares = 0;
      for (double mean : means) squares += (mean - centre) * (mean - centre);
      const double spread = std::sqrt(squares / static_cast<double>(means.size()));
      size_t slot = 0;
      for (const auto& [epci, sum] : sums) {
        z[epci].push_back(spread > 0 ? (means[slot] - centre) / spread : std::nan(""));
        ++slot;
      }
    }
    return z;
  }

  engine::testing::TestGridFile file_;
  SimilarityIndex index_;
};

TEST_F(SimilarityTest, ProfilesAndRankingMatchAComputationByHand) {
  const std::map<std::string, std::vector<double>> brute = BruteProfiles();
  ASSERT_EQ(index_.epcis().size(), 6u);
  for (const auto& [epci, profile] : brute) {
    const std::vector<double> indexed = index_.ProfileOfEpci(epci);
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
    const std::vector<Neighbour> nearest = index_.Nearest(index_.ProfileOfEpci(epci), 4, {epci});
    ASSERT_EQ(nearest.size(), 4u);
    // expected[0] is the EPCI itself, at distance 0.
    EXPECT_EQ(expected[0].second, epci);
    for (size_t rank = 0; rank < nearest.size(); ++rank) {
      EXPECT_EQ(nearest[rank].epci, expected[rank + 1].second) << epci << " rank " << rank;
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
  EXPECT_NEAR(SimilarityIndex::Distance(profile, index_.ProfileOfEpci("E2")), 0, 1e-12);
  const std::vector<Neighbour> nearest = index_.Nearest(profile, 1);
  ASSERT_EQ(nearest.size(), 1u);
  EXPECT_EQ(nearest[0].epci, "E2");
}

TEST(SimilarityDistance, LeavesOutMissingCriteriaAndIsInfiniteWithoutSharedOnes) {
  const double nan = std::nan("");
  EXPECT_DOUBLE_EQ(SimilarityIndex::Distance({0, 1, nan}, {0, 3, 5}), std::sqrt(2.0));
  EXPECT_TRUE(std::isinf(SimilarityIndex::Distance({nan, 1}, {2, nan})));
}

}  // namespace
}  // namespace vivrovert::similarity
