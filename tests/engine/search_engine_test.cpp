// The engine against brute force on random grids, plus hand-made cases for each rule.
#include "engine/search_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/search_json.hpp"
#include "search_test_grid.hpp"

namespace vivrovert::engine {
namespace {

using testing::RandomGrid;
using testing::TestGridFile;

// The rules written the plain way, on decoded values.
struct BruteForce {
  const GridFile& grid;
  const SearchRequest& request;

  const LevelView& view() const { return *grid.level(request.level); }
  bool InTerritory(uint32_t tile) const {
    if (!request.has_territory) return true;
    auto [first, last] = view().communes(tile);
    for (auto share = first; share != last; ++share) {
      if (std::binary_search(request.territory_communes.begin(), request.territory_communes.end(),
                             share->commune)) {
        return true;
      }
    }
    return false;
  }
  static bool Holds(const Constraint& c, std::optional<double> value) {
    return value && (!c.min || *value >= *c.min) && (!c.max || *value <= *c.max);
  }
  bool Green(uint32_t tile, std::optional<size_t> skip = std::nullopt) const {
    if (!InTerritory(tile)) return false;
    for (size_t index = 0; index < request.constraints.size(); ++index) {
      const Constraint& c = request.constraints[index];
      if (c.importance != Importance::kRequired || index == skip) continue;
      if (!Holds(c, view().Value(c.criterion, tile))) return false;
    }
    return true;
  }
  std::vector<uint32_t> GreenTiles() const {
    std::vector<uint32_t> green;
    for (uint32_t tile = 0; tile < view().tile_count(); ++tile) {
      if (Green(tile)) green.push_back(tile);
    }
    return green;
  }
  double Spread(size_t criterion) const {
    if (auto cached = spreads.find(criterion); cached != spreads.end()) return cached->second;
    double lo = INFINITY, hi = -INFINITY;
    for (uint32_t tile = 0; tile < view().tile_count(); ++tile) {
      if (auto value = view().Value(criterion, tile)) {
        lo = std::min(lo, *value);
        hi = std::max(hi, *value);
      }
    }
    return spreads[criterion] = hi > lo ? hi - lo : 1.0;
  }
  mutable std::map<size_t, double> spreads;
  double Score(uint32_t tile) const {
    double weighted = 0, weights = 0;
    for (const Constraint& c : request.constraints) {
      if (c.importance != Importance::kPreferred) continue;
      weights += c.weight;
      auto value = view().Value(c.criterion, tile);
      if (!value) continue;
      double outside = c.min && *value < *c.min   ? *c.min - *value
                       : c.max && *value > *c.max ? *value - *c.max
                                                  : 0;
      weighted += c.weight * std::max(0.0, 1.0 - outside / Spread(c.criterion));
    }
    return weights == 0 ? 1.0 : weighted / weights;
  }
};

SearchRequest RandomRequest(const GridFile& grid, std::mt19937& random) {
  SearchRequest request;
  std::uniform_real_distribution<double> unit(0, 1);
  const int count = 1 + static_cast<int>(random() % 4);
  for (int index = 0; index < count; ++index) {
    Constraint c;
    c.criterion = random() % 4;
    const double scale[] = {40, 3000, 60, 10};
    const double offset[] = {0, 0, -20, 0};
    double a = offset[c.criterion] + unit(random) * scale[c.criterion];
    double b = offset[c.criterion] + unit(random) * scale[c.criterion];
    if (c.criterion == 3) a = std::round(a), b = std::round(b);  // hit exact stored values
    switch (random() % 3) {
      case 0:
        c.min = std::min(a, b);
        c.max = std::max(a, b);
        break;
      case 1:
        c.max = a;
        break;
      default:
        c.min = a;
        break;
    }
    c.importance = random() % 3 == 0 ? Importance::kPreferred : Importance::kRequired;
    c.weight = 1 + static_cast<int>(random() % 5);
    request.constraints.push_back(c);
  }
  if (random() % 3 == 0) {
    request.has_territory = true;
    request.territory_communes = {static_cast<uint32_t>(random() % 12),
                                  static_cast<uint32_t>(6 + random() % 6)};
    std::sort(request.territory_communes.begin(), request.territory_communes.end());
  }
  request.limit = 20;
  (void)grid;
  return request;
}

TEST(SearchEngineTest, MatchesBruteForceOnRandomGridsAndRequests) {
  TestGridFile file(RandomGrid(5000, 42));
  SearchEngine engine(file.grid());
  std::mt19937 random(7);
  for (int round = 0; round < 150; ++round) {
    SearchRequest request = RandomRequest(file.grid(), random);
    BruteForce brute{file.grid(), request, {}};
    std::vector<uint32_t> expected = brute.GreenTiles();
    ASSERT_EQ(engine.GreenTiles(request), expected) << "round " << round;
    ASSERT_EQ(engine.Count(request), expected.size()) << "round " << round;

    SearchResult result = engine.Search(request);
    ASSERT_EQ(result.green_count, expected.size());
    // Ranking: by brute-force score, then tile id.
    std::vector<std::pair<double, uint32_t>> ranked;
    for (uint32_t tile : expected) ranked.emplace_back(brute.Score(tile), tile);
    const LevelView& view = *file.grid().level(Level::k1km);
    std::sort(ranked.begin(), ranked.end(), [&view](const auto& a, const auto& b) {
      if (std::abs(a.first - b.first) > 1e-12) return a.first > b.first;
      TileId ta = view.tile(a.second), tb = view.tile(b.second);
      return ta.north != tb.north ? ta.north < tb.north : ta.east < tb.east;
    });
    ASSERT_EQ(result.tiles.size(), std::min<size_t>(20, expected.size()));
    for (size_t rank = 0; rank < result.tiles.size(); ++rank) {
      EXPECT_NEAR(result.tiles[rank].score, ranked[rank].first, 1e-9)
          << "round " << round << " rank " << rank;
      EXPECT_EQ(result.tiles[rank].tile, ranked[rank].second)
          << "round " << round << " rank " << rank;
    }
    // Communes covering green tiles, with counts.
    std::map<uint32_t, uint32_t> commune_counts;
    for (uint32_t tile : expected) {
      auto [first, last] = view.communes(tile);
      for (auto share = first; share != last; ++share) commune_counts[share->commune]++;
    }
    ASSERT_EQ(result.communes.size(), commune_counts.size());
    for (const CommuneCount& count : result.communes)
      EXPECT_EQ(count.green_tiles, commune_counts[count.commune]);
    std::vector<std::pair<int64_t, uint32_t>> commune_ranking;  // (−count, commune)
    for (const auto& [commune, count] : commune_counts)
      commune_ranking.emplace_back(-int64_t{count}, commune);
    std::sort(commune_ranking.begin(), commune_ranking.end());
    for (size_t rank = 0; rank < std::min(kRankedCommunes, commune_ranking.size()); ++rank) {
      EXPECT_EQ(result.communes[rank].commune, commune_ranking[rank].second) << "round " << round;
    }

    // Relaxation hints, one per required constraint.
    size_t hint_idx = 0;
    for (size_t constraint_idx = 0; constraint_idx < request.constraints.size(); ++constraint_idx) {
      const Constraint& c = request.constraints[constraint_idx];
      if (c.importance != Importance::kRequired) continue;
      ASSERT_LT(hint_idx, result.relax.size());
      const RelaxHint& hint = result.relax[hint_idx++];
      EXPECT_EQ(hint.constraint, constraint_idx);
      uint64_t without = 0;
      for (uint32_t tile = 0; tile < view.tile_count(); ++tile)
        without += brute.Green(tile, constraint_idx);
      EXPECT_EQ(hint.gain_if_dropped, without - expected.size()) << "round " << round;
      // The suggested bounds, searched again, give the announced count.
      SearchRequest relaxed = request;
      relaxed.constraints[constraint_idx].min = hint.min;
      relaxed.constraints[constraint_idx].max = hint.max;
      const uint64_t relaxed_count = BruteForce{file.grid(), relaxed, {}}.GreenTiles().size();
      EXPECT_EQ(relaxed_count, hint.green_with_suggestion) << "round " << round;
      EXPECT_EQ(hint.doubles, relaxed_count >= std::max<uint64_t>(2 * expected.size(), 1))
          << "round " << round;
    }
    EXPECT_EQ(hint_idx, result.relax.size());
  }
}

TEST(SearchEngineTest, RelaxSuggestionIsTheTightestThatDoubles) {
  TestGridFile file(RandomGrid(3000, 5));
  SearchEngine engine(file.grid());
  SearchRequest request;
  request.constraints.push_back({0, std::nullopt, 3.0, Importance::kRequired, 1});
  SearchResult result = engine.Search(request);
  ASSERT_GT(result.green_count, 0u);
  ASSERT_EQ(result.relax.size(), 1u);
  const RelaxHint& hint = result.relax[0];
  ASSERT_TRUE(hint.doubles);
  SearchRequest tighter = request;
  tighter.constraints[0].max = *hint.max - 0.01;  // one storage step less
  EXPECT_LT(engine.Count(tighter), 2 * result.green_count);
}

// One row of four tiles with known values: inclusive bounds, missing values, territory.
class HandMadeGridTest : public ::testing::Test {
 protected:
  HandMadeGridTest() : file_(Make()), engine_(file_.grid()) {}
  static GridData Make() {
    GridData data;
    data.catalogue = *CriteriaCatalogue::FromJson(testing::TestCatalogueJson());
    data.communes = {{"46042", "Cahors", "46", "E1"}, {"19272", "Tulle", "19", "E2"}};
    LevelData level;
    level.level = Level::k1km;
    const auto& specs = data.catalogue.criteria();
    const std::optional<double> dist[] = {10.0, 10.01, std::nullopt, 2.5};
    const double density[] = {100, 151, 30, 5000};
    for (int tile = 0; tile < 4; ++tile) {
      level.tiles.push_back({Level::k1km, 3'600'000 + tile * 1000, 2'400'000});
      level.shares.push_back({tile < 2 ? 0u : 1u, 1.0f});
      level.share_offsets.push_back(static_cast<uint32_t>(tile));
      level.codes.resize(specs.size());
      level.codes[0].push_back(dist[tile] ? specs[0].Encode(*dist[tile]) : specs[0].MissingCode());
      level.codes[1].push_back(specs[1].Encode(density[tile]));
      level.codes[2].push_back(specs[2].Encode(0));
      level.codes[3].push_back(specs[3].Encode(1));
    }
    level.share_offsets.push_back(4);
    data.levels.push_back(level);
    return data;
  }
  Result<SearchRequest> Parse(const char* json) {
    return ParseSearchRequest(nlohmann::json::parse(json), file_.grid());
  }

  TestGridFile file_;
  SearchEngine engine_;
};

TEST_F(HandMadeGridTest, BoundsAreInclusiveAndMissingValuesFail) {
  auto request = Parse(R"({"level":"1km","criteria":[{"criterion":"dist_km","max":10}]})");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(engine_.GreenTiles(*request),
            (std::vector<uint32_t>{0, 3}));  // 10.00 in, 10.01 out, missing out
  request =
      Parse(R"({"level":"1km","criteria":[{"criterion":"dist_km","min":10.01,"max":10.01}]})");
  EXPECT_EQ(engine_.GreenTiles(*request), (std::vector<uint32_t>{1}));
}

TEST_F(HandMadeGridTest, PreferredConstraintsScoreAndMissingScoresZero) {
  auto request = Parse(R"({"level":"1km","criteria":[
      {"criterion":"density","max":5000},
      {"criterion":"dist_km","max":5,"importance":"preferred","weight":2}]})");
  ASSERT_TRUE(request.ok());
  SearchResult result = engine_.Search(*request);
  ASSERT_EQ(result.green_count, 4u);
  EXPECT_EQ(file_.grid().level(Level::k1km)->tile(result.tiles[0].tile).east,
            3'603'000);  // 2.5 km: inside
  EXPECT_DOUBLE_EQ(result.tiles[0].score, 1.0);
  EXPECT_DOUBLE_EQ(result.tiles.back().score, 0.0);  // missing distance
  Explanation explanation = engine_.Explain(*request, 2);
  EXPECT_TRUE(explanation.green);
  EXPECT_FALSE(explanation.checks[1].value.has_value());
  EXPECT_DOUBLE_EQ(explanation.checks[1].score, 0.0);
}

TEST_F(HandMadeGridTest, TerritoryRestrictsToItsCommunes) {
  auto request = Parse(
      R"({"level":"1km","territory":{"departements":["19"]},"criteria":[{"criterion":"density","min":0}]})");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(engine_.GreenTiles(*request), (std::vector<uint32_t>{2, 3}));
  request = Parse(
      R"({"level":"1km","territory":{"communes":["46042"]},"criteria":[{"criterion":"density","min":0}]})");
  EXPECT_EQ(engine_.GreenTiles(*request), (std::vector<uint32_t>{0, 1}));
  request = Parse(
      R"({"level":"1km","territory":{"epci":["E2"]},"criteria":[{"criterion":"density","min":0}]})");
  EXPECT_EQ(engine_.Count(*request), 2u);
  EXPECT_FALSE(engine_.Explain(*request, 0).in_territory);
}

TEST_F(HandMadeGridTest, ExplanationGivesValuesMarginsAndVerdicts) {
  auto request =
      Parse(R"({"level":"1km","criteria":[{"criterion":"density","min":50,"max":150}]})");
  ASSERT_TRUE(request.ok());
  Explanation in = engine_.Explain(*request, 0);  // density 100
  EXPECT_TRUE(in.green);
  EXPECT_DOUBLE_EQ(*in.checks[0].margin, 50);
  Explanation out = engine_.Explain(*request, 1);  // 151
  EXPECT_FALSE(out.green);
  EXPECT_DOUBLE_EQ(*out.checks[0].margin, -1);
  nlohmann::json json = ExplanationToJson(engine_, *request, 1, out);
  EXPECT_EQ(json["tile"], "CRS3035RES1000mN2400000E3601000");
  EXPECT_EQ(json["checks"][0]["passes"], false);
}

TEST_F(HandMadeGridTest, BadRequestsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"level":"1km","criteria":[{"criterion":"nope","max":1}]})", "criteria[0].criterion"},
      {R"({"level":"1km","criteria":[{"criterion":"density","min":5,"max":1}]})",
       "criteria[0].min"},
      {R"({"level":"1km","criteria":[{"criterion":"density","max":"dix"}]})", "criteria[0].max"},
      {R"({"level":"1km","criteria":[{"criterion":"density","max":"NaN"}]})", "criteria[0].max"},
      {R"({"level":"1km","criteria":[{"criterion":"density"}]})", "criteria[0]"},
      {R"({"level":"1km","criteria":[]})", "criteria"},
      {R"({"level":"5km","criteria":[{"criterion":"density","max":1}]})", "level"},
      {R"({"level":"2km","criteria":[{"criterion":"density","max":1}]})", "level"},
      {R"({"level":"1km","territory":{"communes":["99999"]},"criteria":[{"criterion":"density","max":1}]})",
       "territory.communes[0]"},
      {R"({"level":"1km","criteria":[{"criterion":"density","max":1,"importance":"preferred","weight":9}]})",
       "criteria[0].weight"},
      {R"({"level":"1km","criteria":[{"criterion":"density","max":1}],"extra":1})", "extra"},
      // Found by the fuzzer: a level that is not a string used to throw.
      {R"({"level":[{"criterion":"density","min":1e308}]})", "level"},
      {R"({"level":"1km","criteria":[{"criterion":"density","max":1,"importance":[1]}]})",
       "criteria[0].importance"},
  };
  for (const Case& c : cases) {
    auto request = Parse(c.body);
    ASSERT_FALSE(request.ok()) << c.body;
    EXPECT_EQ(request.status().code(), StatusCode::kInvalidArgument) << c.body;
    EXPECT_EQ(request.status().field(), c.field) << c.body;
    EXPECT_FALSE(request.status().message().empty());
  }
}

TEST(CodeRangeTest, FindsExactlyTheCodesInsideTheBounds) {
  CriterionSpec spec;
  spec.step = 0.01;
  spec.offset = -100;
  for (double bound : {-100.0, -4.96, 0.0, 0.005, 10.0, 555.33}) {
    auto [lo, hi] = CodeRangeFor(spec, bound, std::nullopt);
    EXPECT_GE(spec.Decode(lo), bound);
    if (lo > 0) {
      EXPECT_LT(spec.Decode(lo - 1), bound);
    }
    auto [lo2, hi2] = CodeRangeFor(spec, std::nullopt, bound);
    EXPECT_LE(spec.Decode(hi2), bound);
    EXPECT_GT(spec.Decode(hi2 + 1), bound);
    (void)hi;
    (void)lo2;
  }
  auto [lo, hi] = CodeRangeFor(spec, 1e9, std::nullopt);
  EXPECT_GT(lo, hi);
}

}  // namespace
}  // namespace vivrovert::engine
