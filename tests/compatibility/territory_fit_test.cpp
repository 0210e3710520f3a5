// The compatibility rule (domain/compatibility/territory_fit.hpp) against brute force: on a
// small random grid, every tile's values are read back and compared with the bounds by
// hand, and the best tile, its criteria met, its margin and the green tiles must agree.
#include "domain/compatibility/territory_fit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "../engine/search_test_grid.hpp"

namespace vivrovert::compatibility {
namespace {

using engine::Constraint;
using engine::Importance;
using engine::SearchRequest;

struct Brute {
  uint32_t met = 0;
  double margin = 0;
};

// One tile by hand: values decoded from the grid, bounds compared as written.
Brute BruteTile(const engine::GridFile& grid, const SearchRequest& request, uint32_t tile) {
  const engine::LevelView& level = *grid.level(request.level);
  Brute brute;
  double margin = std::numeric_limits<double>::infinity();
  for (const Constraint& constraint : request.constraints) {
    if (constraint.importance != Importance::kRequired) continue;
    std::optional<double> value = level.Value(constraint.criterion, tile);
    if (!value) continue;
    if ((constraint.min && *value < *constraint.min) ||
        (constraint.max && *value > *constraint.max))
      continue;
    ++brute.met;
    double distance = std::numeric_limits<double>::infinity();
    if (constraint.min) distance = std::min(distance, *value - *constraint.min);
    if (constraint.max) distance = std::min(distance, *constraint.max - *value);
    double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
    for (size_t other = 0; other < level.tile_count(); ++other) {
      if (auto seen = level.Value(constraint.criterion, other)) {
        lowest = std::min(lowest, *seen);
        highest = std::max(highest, *seen);
      }
    }
    const double spread = highest - lowest;
    margin = std::min(margin, spread > 0 ? std::min(1.0, distance / spread) : 1.0);
  }
  for (const engine::PlaceConstraint& place : request.places) {
    if (place.importance != Importance::kRequired) continue;
    const engine::TileId id = level.tile(tile);
    const double east = id.east + 500.0, north = id.north + 500.0;
    const double km =
        std::sqrt((east - place.x) * (east - place.x) + (north - place.y) * (north - place.y)) /
        1000.0;
    if (km > place.max_km) continue;
    ++brute.met;
    margin = std::min(margin, (place.max_km - km) / place.max_km);
  }
  brute.margin = brute.met == 0 ? 0 : margin;
  return brute;
}

// Bounds half a storage step away from every stored value, so no tile sits on a bound.
double OffGrid(double value, double step) { return std::floor(value / step) * step + step / 2; }

TEST(TerritoryFit, MatchesBruteForceOnRandomRequests) {
  engine::testing::TestGridFile file(engine::testing::RandomGrid(900, 7));
  const engine::GridFile& grid = file.grid();
  engine::SearchEngine engine(grid);
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  std::mt19937 random(11);
  std::uniform_real_distribution<double> unit(0, 1);
  const double steps[] = {0.01, 1, 0.01, 1};
  const double highs[] = {40, 3000, 40, 10};
  const double lows[] = {0, 0, -20, 0};
  int compared = 0, partial = 0;
  for (int round = 0; round < 60; ++round) {
    SearchRequest request;
    const int constraints = 1 + static_cast<int>(random() % 4);
    for (int constraint_idx = 0; constraint_idx < constraints; ++constraint_idx) {
      Constraint constraint;
      constraint.criterion = random() % 4;
      const double span = highs[constraint.criterion] - lows[constraint.criterion];
      const double a = lows[constraint.criterion] + unit(random) * span;
      const double b = a + unit(random) * span * 0.6;
      const double step = steps[constraint.criterion];
      if (random() % 3 != 0) constraint.min = OffGrid(a, step);
      if (!constraint.min || random() % 2 == 0) constraint.max = OffGrid(b, step);
      constraint.importance = random() % 4 == 0 ? Importance::kPreferred : Importance::kRequired;
      request.constraints.push_back(constraint);
    }
    if (round % 3 == 0) {
      engine::PlaceConstraint place;
      place.name = "travail";
      place.x = 3'600'000 + unit(random) * 30'000 + 250;
      place.y = 2'400'000 + unit(random) * 30'000 + 250;
      place.max_km = 3 + static_cast<double>(random() % 10) + 0.37;
      request.places.push_back(place);
    }
    std::vector<uint32_t> communes{static_cast<uint32_t>(random() % 12),
                                   static_cast<uint32_t>(random() % 12)};
    const std::vector<uint32_t> tiles = engine::Territory::FromCommunes(communes).Tiles(level);
    ASSERT_FALSE(tiles.empty());

    const TerritoryFit fit = EvaluateFit(engine, request, tiles);

    uint32_t total = 0;
    for (const Constraint& constraint : request.constraints)
      total += constraint.importance == Importance::kRequired;
    total += static_cast<uint32_t>(request.places.size());
    EXPECT_EQ(fit.criteria_total, total) << "round " << round;
    if (total == 0) {
      EXPECT_FALSE(fit.best_tile);
      continue;
    }
    std::optional<uint32_t> best_tile;
    Brute best;
    uint64_t green = 0;
    for (uint32_t tile : tiles) {
      const Brute brute = BruteTile(grid, request, tile);
      if (brute.met == total) ++green;
      if (!best_tile || brute.met > best.met ||
          (brute.met == best.met && brute.margin > best.margin)) {
        best_tile = tile;
        best = brute;
      }
    }
    ASSERT_TRUE(fit.best_tile) << "round " << round;
    EXPECT_EQ(fit.criteria_met, best.met) << "round " << round;
    EXPECT_NEAR(fit.margin, best.margin, 1e-9) << "round " << round;
    EXPECT_EQ(*fit.best_tile, *best_tile) << "round " << round;
    EXPECT_EQ(fit.green_tiles, green) << "round " << round;
    ++compared;
    partial += best.met < total;
  }
  // The rounds cover both territories that suit fully and ones that do not.
  EXPECT_GT(compared, 40);
  EXPECT_GT(partial, 5);
  EXPECT_LT(partial, compared);
}

TEST(TerritoryFit, BetterFitRanksShareThenMarginThenGreenTiles) {
  TerritoryFit nine_of_eleven{11, 9, 0u, 0.2, 0};
  TerritoryFit two_of_two{2, 2, 0u, 0.1, 3};
  TerritoryFit two_of_two_wider{2, 2, 0u, 0.3, 1};
  EXPECT_TRUE(BetterFit(two_of_two, nine_of_eleven));
  EXPECT_FALSE(BetterFit(nine_of_eleven, two_of_two));
  EXPECT_TRUE(BetterFit(two_of_two_wider, two_of_two));
  EXPECT_DOUBLE_EQ(nine_of_eleven.Share(), 9.0 / 11.0);
}

}  // namespace
}  // namespace vivrovert::compatibility
