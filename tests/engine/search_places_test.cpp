// The person's own places against brute force on random grids (filter, score, relaxation,
// explanation), plus the parsing of "places" with a stand-in locator.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/search_engine.hpp"
#include "engine/search_json.hpp"
#include "search_test_grid.hpp"

namespace vivrovert::engine {
namespace {

using testing::RandomGrid;
using testing::TestGridFile;

// The rules written the plain way: decoded values, hypot from the tile's centre.
struct BruteForce {
  const GridFile& grid;
  const SearchRequest& request;

  const LevelView& view() const { return *grid.level(request.level); }
  double DistanceMetres(uint32_t tile, const PlaceConstraint& place) const {
    const TileId id = view().tile(tile);
    return std::hypot(id.east + 500.0 - place.x, id.north + 500.0 - place.y);
  }
  bool Green(uint32_t tile, std::optional<size_t> skip_place = std::nullopt) const {
    if (request.has_territory) {
      bool inside = false;
      auto [first, last] = view().communes(tile);
      for (auto share = first; share != last; ++share) {
        inside = inside || std::binary_search(request.territory_communes.begin(),
                                              request.territory_communes.end(), share->commune);
      }
      if (!inside) return false;
    }
    for (const Constraint& c : request.constraints) {
      if (c.importance != Importance::kRequired) continue;
      auto value = view().Value(c.criterion, tile);
      if (!value || (c.min && *value < *c.min) || (c.max && *value > *c.max)) return false;
    }
    for (size_t place_idx = 0; place_idx < request.places.size(); ++place_idx) {
      const PlaceConstraint& place = request.places[place_idx];
      if (place.importance != Importance::kRequired || place_idx == skip_place) continue;
      if (DistanceMetres(tile, place) > place.max_km * 1000) return false;
    }
    return true;
  }
  std::vector<uint32_t> GreenTiles(std::optional<size_t> skip_place = std::nullopt) const {
    std::vector<uint32_t> green;
    for (uint32_t tile = 0; tile < view().tile_count(); ++tile) {
      if (Green(tile, skip_place)) green.push_back(tile);
    }
    return green;
  }
  double Spread(size_t criterion) const {
    double lo = INFINITY, hi = -INFINITY;
    for (uint32_t tile = 0; tile < view().tile_count(); ++tile) {
      if (auto value = view().Value(criterion, tile)) {
        lo = std::min(lo, *value);
        hi = std::max(hi, *value);
      }
    }
    return hi > lo ? hi - lo : 1.0;
  }
  double PlaceScore(uint32_t tile, const PlaceConstraint& place) const {
    const double distance = DistanceMetres(tile, place), max = place.max_km * 1000;
    return distance <= max ? 1.0 : std::max(0.0, 1.0 - (distance - max) / max);
  }
  double Score(uint32_t tile) const {
    double weighted = 0, weights = 0;
    for (const Constraint& c : request.constraints) {
      if (c.importance != Importance::kPreferred) continue;
      weights += c.weight;
      auto value = view().Value(c.criterion, tile);
      if (!value) continue;
      const double outside = c.min && *value < *c.min   ? *c.min - *value
                             : c.max && *value > *c.max ? *value - *c.max
                                                        : 0;
      weighted += c.weight * std::max(0.0, 1.0 - outside / Spread(c.criterion));
    }
    for (const PlaceConstraint& place : request.places) {
      if (place.importance != Importance::kPreferred) continue;
      weights += place.weight;
      weighted += place.weight * PlaceScore(tile, place);
    }
    return weights == 0 ? 1.0 : weighted / weights;
  }
};

// 0–2 criteria and 1–3 places around (and sometimes beyond) the grid's square of
// 3,600–3,671 km east, 2,400–2,471 km north.
SearchRequest RandomRequest(std::mt19937& random) {
  SearchRequest request;
  std::uniform_real_distribution<double> unit(0, 1);
  const int criteria = static_cast<int>(random() % 3);
  for (int index = 0; index < criteria; ++index) {
    Constraint c;
    c.criterion = random() % 2;
    const double scale[] = {40, 3000};
    c.max = unit(random) * scale[c.criterion];
    c.importance = random() % 3 == 0 ? Importance::kPreferred : Importance::kRequired;
    c.weight = 1 + static_cast<int>(random() % 5);
    request.constraints.push_back(c);
  }
  const int places = 1 + static_cast<int>(random() % 3);
  for (int index = 0; index < places; ++index) {
    PlaceConstraint place;
    place.name = "lieu " + std::to_string(index);
    place.x = 3'590'000 + unit(random) * 90'000;
    place.y = 2'390'000 + unit(random) * 90'000;
    place.max_km = 2 + unit(random) * 40;
    place.importance = random() % 3 == 0 ? Importance::kPreferred : Importance::kRequired;
    place.weight = 1 + static_cast<int>(random() % 5);
    request.places.push_back(place);
  }
  if (random() % 4 == 0) {
    request.has_territory = true;
    request.territory_communes = {static_cast<uint32_t>(random() % 6),
                                  static_cast<uint32_t>(6 + random() % 6)};
  }
  request.limit = 20;
  return request;
}

TEST(SearchPlacesTest, MatchesBruteForceOnRandomGridsAndRequests) {
  TestGridFile file(RandomGrid(5000, 23));
  SearchEngine engine(file.grid());
  const LevelView& view = *file.grid().level(Level::k1km);
  std::mt19937 random(2023);
  int relaxable_hints = 0;
  for (int round = 0; round < 200; ++round) {
    SearchRequest request = RandomRequest(random);
    BruteForce brute{file.grid(), request};
    const std::vector<uint32_t> expected = brute.GreenTiles();
    ASSERT_EQ(engine.GreenTiles(request), expected) << "round " << round;
    ASSERT_EQ(engine.Count(request), expected.size()) << "round " << round;

    // Ranking by the brute-force score, then tile id; the top through TopTiles too.
    SearchResult result = engine.Search(request);
    ASSERT_EQ(result.green_count, expected.size());
    std::vector<std::pair<double, uint32_t>> ranked;
    for (uint32_t tile : expected) ranked.emplace_back(brute.Score(tile), tile);
    std::sort(ranked.begin(), ranked.end(), [&view](const auto& a, const auto& b) {
      if (std::abs(a.first - b.first) > 1e-12) return a.first > b.first;
      TileId ta = view.tile(a.second), tb = view.tile(b.second);
      return ta.north != tb.north ? ta.north < tb.north : ta.east < tb.east;
    });
    ASSERT_EQ(result.tiles.size(), std::min<size_t>(20, expected.size()));
    std::vector<RankedTile> top = engine.TopTiles(request, 20);
    ASSERT_EQ(top.size(), result.tiles.size());
    for (size_t rank = 0; rank < result.tiles.size(); ++rank) {
      EXPECT_NEAR(result.tiles[rank].score, ranked[rank].first, 1e-9) << "round " << round;
      EXPECT_EQ(result.tiles[rank].tile, ranked[rank].second) << "round " << round;
      EXPECT_EQ(top[rank].tile, ranked[rank].second) << "round " << round;
    }

    // One hint per required place: the gain without it, and the suggested distance
    // searched again gives the announced count; 0.1 km less does not double.
    size_t hint_idx = 0;
    for (size_t place_idx = 0; place_idx < request.places.size(); ++place_idx) {
      if (request.places[place_idx].importance != Importance::kRequired) continue;
      ASSERT_LT(hint_idx, result.place_relax.size());
      const PlaceRelaxHint& hint = result.place_relax[hint_idx++];
      EXPECT_EQ(hint.place, place_idx);
      EXPECT_EQ(hint.gain_if_dropped, brute.GreenTiles(place_idx).size() - expected.size())
          << "round " << round;
      SearchRequest relaxed = request;
      relaxed.places[place_idx].max_km = hint.max_km;
      const size_t relaxed_count = BruteForce{file.grid(), relaxed}.GreenTiles().size();
      EXPECT_EQ(relaxed_count, hint.green_with_suggestion) << "round " << round;
      const uint64_t doubled = std::max<uint64_t>(2 * expected.size(), 1);
      EXPECT_EQ(hint.doubles, relaxed_count >= doubled) << "round " << round;
      if (hint.relaxable) {
        ++relaxable_hints;
        EXPECT_GT(hint.max_km, request.places[place_idx].max_km);
        EXPECT_EQ(std::round(hint.max_km * 10), hint.max_km * 10);  // 0.1 km steps
      }
      if (hint.doubles && hint.max_km - 0.1 > request.places[place_idx].max_km) {
        SearchRequest tighter = request;
        tighter.places[place_idx].max_km = hint.max_km - 0.1;
        const size_t tighter_count = BruteForce{file.grid(), tighter}.GreenTiles().size();
        EXPECT_LT(tighter_count, doubled) << "round " << round;
      }
    }
    EXPECT_EQ(hint_idx, result.place_relax.size());

    // Explanations of a few tiles: distances, verdicts, scores.
    for (int probe = 0; probe < 5; ++probe) {
      const auto tile = static_cast<uint32_t>(random() % view.tile_count());
      Explanation explanation = engine.Explain(request, tile);
      EXPECT_EQ(explanation.green, brute.Green(tile)) << "round " << round;
      EXPECT_NEAR(explanation.score, brute.Score(tile), 1e-9);
      ASSERT_EQ(explanation.places.size(), request.places.size());
      for (size_t place_idx = 0; place_idx < request.places.size(); ++place_idx) {
        const PlaceCheck& check = explanation.places[place_idx];
        const PlaceConstraint& place = request.places[place_idx];
        EXPECT_EQ(check.place, place_idx);
        EXPECT_NEAR(check.distance_km, brute.DistanceMetres(tile, place) / 1000, 1e-9);
        EXPECT_EQ(check.passes, brute.DistanceMetres(tile, place) <= place.max_km * 1000);
        EXPECT_NEAR(check.margin_km, place.max_km - check.distance_km, 1e-12);
        if (place.importance == Importance::kPreferred) {
          EXPECT_NEAR(check.score, brute.PlaceScore(tile, place), 1e-12);
        }
      }
    }
  }
  EXPECT_GT(relaxable_hints, 50);  // the random requests do exercise the hints
}

TEST(SearchPlacesTest, TwoRequiredPlacesKeepTheTilesNearBoth) {
  TestGridFile file(RandomGrid(5000, 3));
  SearchEngine engine(file.grid());
  SearchRequest request;
  PlaceConstraint lea;
  lea.name = "travail de Léa";
  lea.x = 3'610'000;
  lea.y = 2'430'000;
  lea.max_km = 25;
  PlaceConstraint sam = lea;
  sam.name = "travail de Sam";
  sam.x = 3'650'000;
  sam.max_km = 20;
  request.places = {lea, sam};
  std::vector<uint32_t> green = engine.GreenTiles(request);
  ASSERT_FALSE(green.empty());
  const LevelView& view = *file.grid().level(Level::k1km);
  for (uint32_t tile : green) {
    EXPECT_LE(PlaceDistanceKm(view.tile(tile), lea), 25);
    EXPECT_LE(PlaceDistanceKm(view.tile(tile), sam), 20);
  }
  // A tile beside Léa's work but 40 km from Sam's: not green, and said so.
  const std::optional<size_t> near_lea = view.Find({Level::k1km, 3'610'000, 2'430'000});
  ASSERT_TRUE(near_lea.has_value());
  Explanation explanation = engine.Explain(request, static_cast<uint32_t>(*near_lea));
  EXPECT_FALSE(explanation.green);
  ASSERT_EQ(explanation.places.size(), 2u);
  EXPECT_TRUE(explanation.places[0].passes);
  EXPECT_FALSE(explanation.places[1].passes);
  EXPECT_EQ(PlaceCheckText(sam, explanation.places[1]), "à 40 km de « travail de Sam » (max 20)");
  EXPECT_EQ(PlaceCheckText(lea, explanation.places[0]), "à 0,7 km de « travail de Léa » (max 25)");
  nlohmann::json json =
      ExplanationToJson(engine, request, static_cast<uint32_t>(*near_lea), explanation);
  EXPECT_EQ(json["places"][1]["distance"], "straight_line");
  EXPECT_EQ(json["places"][1]["distance_label"], "à vol d'oiseau");
  EXPECT_EQ(json["places"][1]["passes"], false);

  // The answer lists the places, each with its hint; the text writer agrees with dump().
  SearchResult result = engine.Search(request);
  nlohmann::json answer = SearchResultToJson(engine, request, result);
  ASSERT_EQ(answer["places"].size(), 2u);
  EXPECT_EQ(answer["places"][0]["name"], "travail de Léa");
  EXPECT_TRUE(answer["places"][0]["relax"]["suggestion"].contains("max_km"));
  EXPECT_EQ(SearchResultJsonText(engine, request, result), answer.dump());
}

// A team of three to five people, each with criteria and places: how many each tile suits,
// against each member's brute-force green tiles.
TEST(SearchGroupTest, CountsTheMembersEachTileSuits) {
  TestGridFile file(RandomGrid(5000, 31));
  SearchEngine engine(file.grid());
  const LevelView& view = *file.grid().level(Level::k1km);
  std::mt19937 random(99);
  for (int round = 0; round < 20; ++round) {
    std::vector<SearchRequest> members;
    const size_t count = 3 + random() % 3;
    for (size_t member_idx = 0; member_idx < count; ++member_idx) {
      SearchRequest request = RandomRequest(random);
      for (PlaceConstraint& place : request.places) place.max_km += 20;  // overlapping circles
      members.push_back(request);
    }
    std::vector<uint64_t> green_for(view.tile_count(), 0);
    for (size_t member_idx = 0; member_idx < count; ++member_idx) {
      for (uint32_t tile : BruteForce{file.grid(), members[member_idx]}.GreenTiles())
        green_for[tile] |= uint64_t{1} << member_idx;
    }
    GroupResult result = engine.SearchGroup(members, 30);
    ASSERT_EQ(result.suited_by.size(), count + 1);
    std::vector<uint64_t> suited_by(count + 1, 0);
    std::vector<std::pair<int, uint32_t>> expected;  // (−suited, tile) in tile-id order
    for (uint32_t tile = 0; tile < view.tile_count(); ++tile) {
      const int suited = std::popcount(green_for[tile]);
      suited_by[static_cast<size_t>(suited)]++;
      if (suited > 0) expected.emplace_back(-suited, tile);
    }
    EXPECT_EQ(result.suited_by, suited_by) << "round " << round;
    EXPECT_EQ(result.suits_everyone, suited_by[count]);
    std::sort(expected.begin(), expected.end(), [&view](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      const TileId ta = view.tile(a.second), tb = view.tile(b.second);
      return ta.north != tb.north ? ta.north < tb.north : ta.east < tb.east;
    });
    ASSERT_EQ(result.best.size(), std::min<size_t>(30, expected.size())) << "round " << round;
    for (size_t rank = 0; rank < result.best.size(); ++rank) {
      const GroupTile& best = result.best[rank];
      EXPECT_EQ(best.tile, expected[rank].second) << "round " << round << " rank " << rank;
      EXPECT_EQ(best.members_suited, static_cast<uint32_t>(-expected[rank].first));
      const uint64_t everyone = (uint64_t{1} << count) - 1;
      EXPECT_EQ(best.failing, everyone & ~green_for[best.tile]);
    }
  }
}

TEST(SearchPlacesTest, RoundingOfDistancesInTextsKeepsTheVerdictVisible) {
  PlaceConstraint place;
  place.name = "école";
  place.max_km = 25;
  PlaceCheck check;
  check.distance_km = 25.3;  // 25 would hide that it is beyond the maximum
  EXPECT_EQ(PlaceCheckText(place, check), "à 25,3 km de « école » (max 25)");
  check.distance_km = 31.4;
  EXPECT_EQ(PlaceCheckText(place, check), "à 31 km de « école » (max 25)");
  place.max_km = 12.5;
  check.distance_km = 3.04;
  EXPECT_EQ(PlaceCheckText(place, check), "à 3,0 km de « école » (max 12,5)");
}

// Parsing with a locator that puts every place at a fixed point, or refuses one.
class PlaceParsingTest : public ::testing::Test {
 protected:
  PlaceParsingTest() : file_(RandomGrid(100, 1)) {}
  Result<SearchRequest> Parse(const std::string& places) {
    const std::string body =
        R"({"level":"1km","criteria":[{"criterion":"density","max":100}],"places":)" + places + "}";
    return ParseSearchRequest(nlohmann::json::parse(body), file_.grid(), locator_);
  }
  PlaceLocator locator_ = [](const PlaceConstraint& place) -> Result<PlacePosition> {
    if (place.commune == "99999") return InvalidArgument("commune inconnue.");
    if (place.given_latitude && *place.given_latitude > 52)
      return InvalidArgument("hors de France métropolitaine.");
    return PlacePosition{3'605'000, 2'405'000, 44.4, 1.4};
  };
  TestGridFile file_;
};

TEST_F(PlaceParsingTest, ReadsCoordinatesOrCommunesAndWritesThemBack) {
  auto request = Parse(
      R"([{"name":"travail de Léa","lat":45.158,"lon":1.533,"max_km":25},
          {"name":"travail de Sam","commune":"46042","address":"1 rue X","max_km":40,
           "importance":"preferred","weight":3}])");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  ASSERT_EQ(request->places.size(), 2u);
  EXPECT_EQ(request->places[0].importance, Importance::kRequired);
  EXPECT_DOUBLE_EQ(request->places[0].x, 3'605'000);
  EXPECT_EQ(request->places[0].metric, PlaceMetric::kStraightLine);
  EXPECT_EQ(request->places[1].weight, 3);
  EXPECT_EQ(request->places[1].address, "1 rue X");
  nlohmann::json back = SearchRequestToJson(*request, file_.grid());
  EXPECT_EQ(back["places"][0]["lat"], 45.158);
  EXPECT_FALSE(back["places"][0].contains("commune"));
  EXPECT_EQ(back["places"][1]["commune"], "46042");
  EXPECT_EQ(back["places"][1]["address"], "1 rue X");
  auto again = ParseSearchRequest(back, file_.grid(), locator_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(SearchRequestToJson(*again, file_.grid()), back);
}

TEST_F(PlaceParsingTest, PlacesAloneMakeARequest) {
  auto request = ParseSearchRequest(nlohmann::json::parse(R"({"level":"1km","criteria":[],"places":[
        {"name":"travail","lat":44.4,"lon":1.4,"max_km":10}]})"),
                                    file_.grid(), locator_);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_TRUE(request->constraints.empty());
}

TEST_F(PlaceParsingTest, BadPlacesNameThePlaceAndTheField) {
  struct Case {
    std::string places;
    std::string field;
    std::string named;  // in the message
  } cases[] = {
      {R"([{"name":"travail de Léa","max_km":25}])", "places[0]", "travail de Léa"},
      {R"([{"name":"travail de Léa","lat":45,"max_km":25}])", "places[0].lon", "travail de Léa"},
      {R"([{"name":"crèche","lat":45,"lon":1,"max_km":0}])", "places[0].max_km", "crèche"},
      {R"([{"name":"crèche","lat":45,"lon":1,"max_km":-3}])", "places[0].max_km", "crèche"},
      {R"([{"name":"crèche","lat":45,"lon":1}])", "places[0].max_km", "crèche"},
      {R"([{"name":"Berlin","lat":52.5,"lon":13.4,"max_km":25}])", "places[0].lat", "Berlin"},
      {R"([{"name":"a","lat":45,"lon":1,"max_km":5},{"name":"mairie","commune":"99999","max_km":5}])",
       "places[1].commune", "mairie"},
      {R"([{"name":"gare","lat":45,"lon":1,"commune":"46042","max_km":5}])", "places[0].commune",
       "gare"},
      {R"([{"name":"gare","lat":45,"lon":1,"max_km":5,"importance":"must"}])",
       "places[0].importance", "gare"},
      {R"([{"name":"gare","lat":45,"lon":1,"max_km":5,"importance":"preferred","weight":6}])",
       "places[0].weight", "gare"},
      {R"([{"name":"gare","lat":45,"lon":1,"max_km":5,"colour":"red"}])", "places[0].colour",
       "gare"},
      {R"([{"lat":45,"lon":1,"max_km":5}])", "places[0].name", ""},
      {R"({"name":"gare"})", "places", ""},
  };
  for (const Case& c : cases) {
    auto request = Parse(c.places);
    ASSERT_FALSE(request.ok()) << c.places;
    EXPECT_EQ(request.status().code(), StatusCode::kInvalidArgument) << c.places;
    EXPECT_EQ(request.status().field(), c.field) << c.places;
    EXPECT_NE(request.status().message().find(c.named), std::string::npos)
        << c.places << " → " << request.status().message();
  }
  // More than eight.
  std::string nine = "[";
  for (int index = 0; index < 9; ++index) {
    nine += std::string(index ? "," : "") + R"({"name":"p)" + std::to_string(index) +
            R"(","lat":45,"lon":1,"max_km":5})";
  }
  auto request = Parse(nine + "]");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().field(), "places");
  // Without a locator, places are refused (never silently dropped).
  auto without = ParseSearchRequest(
      nlohmann::json::parse(
          R"({"level":"1km","criteria":[],"places":[{"name":"x","lat":45,"lon":1,"max_km":5}]})"),
      file_.grid());
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.status().field(), "places[0]");
}

}  // namespace
}  // namespace vivrovert::engine
