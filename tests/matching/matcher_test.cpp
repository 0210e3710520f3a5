// The matcher on a real database (SQLite and PostgreSQL): edits are seen by the next
// match, and a new matcher rebuilt from the database after a "restart" answers exactly
// as the one that followed the edits; stored green tiles are used as they are, computed
// again when stale, and damaged or unrunnable searches are left out and counted.
#include "domain/matching/matcher.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/matching/matching_listener.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/search_test_grid.hpp"
#include "support/test_database.hpp"

namespace vivrovert::matching {
namespace {

using interests::InterestStore;
using nlohmann::json;

constexpr int64_t kNow = 1'800'000'000;
const std::string kCheap = R"({"criteria":[{"criterion":"density","max":300}],"level":"1km"})";
const std::string kDense = R"({"criteria":[{"criterion":"density","min":1500}],"level":"1km"})";

class MatcherTest : public ::testing::Test {
 protected:
  MatcherTest() : grid_(engine::testing::RandomGrid(400, 11)), engine_(grid_.grid()) {}

  int64_t NewUser(const std::string& email) {
    storage::Connection connection = database_.db().Acquire();
    accounts::NewUser user{email, "hash", accounts::Role::kUser, "Personne", true};
    return accounts::UserStore::Create(connection, user, kNow)->id;
  }
  void PutProfile(int64_t user_id, json data, const char* notification) {
    storage::Connection connection = database_.db().Acquire();
    profiles::Profile profile;
    profile.data = std::move(data);
    profile.notification = notification;
    profiles::ProfileStore::Put(connection, user_id, profile, kNow);
  }
  std::vector<std::string> GreenTiles(const std::string& request) {
    auto parsed = engine::ParseSearchRequest(json::parse(request), grid_.grid());
    std::vector<std::string> ids;
    for (uint32_t tile_idx : engine_.GreenTiles(*parsed)) {
      ids.push_back(grid_.grid().level(engine::Level::k1km)->tile(tile_idx).ToString());
    }
    return ids;
  }
  ListingFacts House(const std::string& tile_id, double price,
                     const std::string& commune = "99999") {
    const engine::TileId tile = *engine::TileId::Parse(tile_id);
    return ListingFacts::FromFields(
        listings::Kind::kHousing, tile_id, tile.Parent().ToString(), commune,
        {{"transaction", "sale"}, {"property_type", "house"}, {"price_eur", price}});
  }
  std::vector<std::string> AllTiles() {
    std::vector<std::string> ids;
    const engine::LevelView* view = grid_.grid().level(engine::Level::k1km);
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx)
      ids.push_back(view->tile(tile_idx).ToString());
    return ids;
  }
  // Every match of a house at `price` on every tile of the grid, as one list.
  std::vector<std::pair<std::string, int64_t>> AllMatches(const Matcher& matcher, double price) {
    std::vector<std::pair<std::string, int64_t>> all;
    for (const std::string& tile : AllTiles()) {
      for (const PersonMatch& match : matcher.Match(House(tile, price)))
        all.emplace_back(tile, match.user_id);
    }
    return all;
  }

  testing::TestDatabase database_;
  engine::testing::TestGridFile grid_;
  engine::SearchEngine engine_;
};

TEST_F(MatcherTest, FollowsEditsAndARestartRebuildsTheSameIndex) {
  Matcher matcher(database_.db(), &engine_);
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  const int64_t sacha = NewUser("sacha@example.fr");
  const std::vector<std::string> cheap = GreenTiles(kCheap);
  ASSERT_GT(cheap.size(), 20u);
  ASSERT_LT(cheap.size(), 380u);
  const std::vector<std::string> tiles = AllTiles();
  const std::string outside =
      *std::find_if(tiles.begin(), tiles.end(), [&](const std::string& tile) {
        return std::find(cheap.begin(), cheap.end(), tile) == cheap.end();
      });

  storage::Connection connection = database_.db().Acquire();
  // Camille: a saved search and a housing budget.
  PutProfile(camille, {{"housing_price_max", 150000}}, "instant");
  auto search = InterestStore::SaveSearch(connection, camille, "Calme", kCheap, kNow);
  ASSERT_TRUE(search.ok());
  ASSERT_TRUE(matcher.SearchSaved(connection, camille, search->id, kNow).ok());
  EXPECT_EQ(matcher.Match(House(cheap[0], 140000)),
            (std::vector<PersonMatch>{{camille, Notification::kInstant}}));
  EXPECT_TRUE(matcher.Match(House(cheap[0], 180000)).empty()) << "over budget";
  EXPECT_TRUE(matcher.Match(House(outside, 140000)).empty()) << "not green";

  // The profile changes: the next match differs.
  PutProfile(camille, {{"housing_price_max", 200000}}, "weekly");
  matcher.PersonChanged(connection, camille, kNow);
  EXPECT_EQ(matcher.Match(House(cheap[0], 180000)),
            (std::vector<PersonMatch>{{camille, Notification::kWeekly}}));

  // Dominique: no profile (wants everything), a favourite commune and a clicked tile.
  ASSERT_TRUE(
      InterestStore::AddFavourite(connection, dominique, {"commune", "46042", "Cahors", kNow})
          .ok());
  InterestStore::RecordClick(connection, dominique, outside, true, kNow);
  matcher.PersonChanged(connection, dominique, kNow);
  EXPECT_EQ(matcher.Match(House(outside, 1e6)),
            (std::vector<PersonMatch>{{dominique, Notification::kDaily}}));
  EXPECT_EQ(matcher.Match(House(cheap[1], 1e6, "46042")).size(), 1u);
  // An anonymous click names nobody.
  InterestStore::RecordClick(connection, std::nullopt, cheap[2], false, kNow);

  // Sacha: "none", a favourite 5 km tile; matches, carrying the preference.
  PutProfile(sacha, {{"leisure", "randonnée"}}, "none");
  const std::string parent = engine::TileId::Parse(cheap[3])->Parent().ToString();
  ASSERT_TRUE(InterestStore::AddFavourite(connection, sacha, {"tile", parent, "dalle", kNow}).ok());
  matcher.PersonChanged(connection, sacha, kNow);
  const ListingFacts walk = ListingFacts::FromFields(listings::Kind::kLeisure, cheap[3], parent, "",
                                                     {{"category", "nature"}});
  std::vector<PersonMatch> walkers = matcher.Match(walk);
  EXPECT_NE(std::find(walkers.begin(), walkers.end(), PersonMatch{sacha, Notification::kNone}),
            walkers.end());

  // The search's request changes: its green tiles follow.
  const std::vector<std::string> dense = GreenTiles(kDense);
  ASSERT_FALSE(dense.empty());
  ASSERT_TRUE(
      InterestStore::UpdateSearch(connection, camille, search->id, "Dense", kDense, kNow + 10)
          .ok());
  ASSERT_TRUE(matcher.SearchSaved(connection, camille, search->id, kNow + 10).ok());
  EXPECT_EQ(matcher.Match(House(dense[0], 100000)).size(), 1u);
  for (const std::string& tile : cheap) {
    if (std::find(dense.begin(), dense.end(), tile) != dense.end()) continue;
    std::vector<PersonMatch> found = matcher.Match(House(tile, 100000, "46042"));
    EXPECT_TRUE(std::none_of(found.begin(), found.end(), [&](const PersonMatch& m) {
      return m.user_id == camille;
    })) << tile;
  }

  // Restart: a new matcher on another pool, rebuilt from the database, answers the same.
  const auto before = AllMatches(matcher, 120000);
  ASSERT_FALSE(before.empty());
  std::unique_ptr<storage::Database> other = database_.OpenAnother();
  Matcher restarted(*other, &engine_);
  LoadStats stats = restarted.Rebuild(kNow + 20);
  EXPECT_EQ(stats.people, 3);
  EXPECT_EQ(stats.searches, 1);
  EXPECT_EQ(stats.recomputed, 0) << "stored tiles are read, not computed again";
  EXPECT_EQ(AllMatches(restarted, 120000), before);
  EXPECT_EQ(restarted.Match(walk), walkers);

  // The search is deleted, then the account: both are followed.
  ASSERT_TRUE(InterestStore::DeleteSearch(connection, camille, search->id));
  matcher.PersonChanged(connection, camille, kNow);
  EXPECT_TRUE(matcher.Match(House(dense[0], 100000)).empty());
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM saved_search_tiles")->Int(0), 0);
  connection.Execute("DELETE FROM users WHERE id = $1", {dominique});
  matcher.PersonDeleted(dominique);
  EXPECT_TRUE(matcher.Match(House(outside, 1)).empty());
  Matcher again(database_.db(), &engine_);
  EXPECT_EQ(again.Rebuild(kNow).people, 1);  // Sacha only
  EXPECT_EQ(AllMatches(again, 1), AllMatches(matcher, 1));
}

// Two processes on one database: a change made through one reaches the other's index
// through the change log, once, and never comes back to the process that made it.
TEST_F(MatcherTest, AnotherProcessFollowsTheChangesThroughTheChangeLog) {
  Matcher node_a(database_.db(), &engine_);
  Matcher node_b(database_.db(), &engine_);
  node_a.Rebuild(kNow);
  node_b.Rebuild(kNow);
  const int64_t dominique = NewUser("dominique@example.org");
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(
        InterestStore::AddFavourite(connection, dominique, {"commune", "46042", "Cahors", kNow})
            .ok());
    node_a.PersonChanged(connection, dominique, kNow);
  }
  const std::string tile = AllTiles().front();
  EXPECT_EQ(node_a.Match(House(tile, 100000, "46042")).size(), 1u);
  EXPECT_TRUE(node_b.Match(House(tile, 100000, "46042")).empty()) << "not followed yet";

  EXPECT_EQ(node_b.FollowChanges(kNow + 2), 1);
  ASSERT_EQ(node_b.Match(House(tile, 100000, "46042")).size(), 1u);
  EXPECT_EQ(node_b.Match(House(tile, 100000, "46042")).front().user_id, dominique);
  EXPECT_EQ(node_b.FollowChanges(kNow + 4), 0) << "a change is followed once";
  EXPECT_EQ(node_a.FollowChanges(kNow + 2), 0) << "its own change";
  EXPECT_EQ(node_b.changes_followed(), 1);

  // The log is purged after a day; what is younger stays.
  storage::Connection connection = database_.db().Acquire();
  EXPECT_EQ(Matcher::PurgeChanges(connection, kNow + 60), 0);
  EXPECT_EQ(Matcher::PurgeChanges(connection, kNow + Matcher::kChangeRetentionSeconds + 1), 1);
}

TEST_F(MatcherTest, StaleOrMissingTilesAreComputedAgainAtStart) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  storage::Connection connection = database_.db().Acquire();
  // Saved before the matcher existed: no stored tiles.
  auto search = InterestStore::SaveSearch(connection, camille, "Calme", kCheap, kNow);
  ASSERT_TRUE(search.ok());
  const std::vector<std::string> cheap = GreenTiles(kCheap);

  Matcher without_grid(database_.db(), nullptr);
  LoadStats blind = without_grid.Rebuild(kNow);
  EXPECT_EQ(blind.stale_searches, 1);
  EXPECT_EQ(blind.people, 0);

  Matcher matcher(database_.db(), &engine_);
  LoadStats stats = matcher.Rebuild(kNow);
  EXPECT_EQ(stats.recomputed, 1);
  EXPECT_EQ(stats.people, 1);
  EXPECT_EQ(matcher.Match(House(cheap[0], 1)).size(), 1u);
  EXPECT_EQ(
      connection
          .QueryOne("SELECT tile_count FROM saved_search_tiles WHERE search_id = $1", {search->id})
          ->Int(0),
      static_cast<int64_t>(cheap.size()));
  // Now stored: the grid-less matcher uses them as they are.
  EXPECT_EQ(Matcher(database_.db(), nullptr).Rebuild(kNow).people, 1);

  // Another grid build: computed again.
  connection.Execute("UPDATE saved_search_tiles SET grid_built_at = grid_built_at - 1");
  EXPECT_EQ(Matcher(database_.db(), &engine_).Rebuild(kNow).recomputed, 1);

  // A damaged row is computed again; a request this grid cannot run is left out and
  // counted, and its author keeps their other places.
  connection.Execute("UPDATE saved_search_tiles SET tiles = $1", {std::string("1km|oops")});
  auto broken = InterestStore::SaveSearch(
      connection, dominique, "Ancien critère",
      R"({"criteria":[{"criterion":"gone","max":1}],"level":"1km"})", kNow);
  ASSERT_TRUE(broken.ok());
  ASSERT_TRUE(
      InterestStore::AddFavourite(connection, dominique, {"tile", cheap[0], "dalle", kNow}).ok());
  Matcher damaged(database_.db(), &engine_);
  EXPECT_EQ(damaged.SearchSaved(connection, dominique, broken->id, kNow).code(),
            StatusCode::kInvalidArgument);
  LoadStats counted = damaged.Rebuild(kNow);
  EXPECT_EQ(counted.stale_searches, 1);
  EXPECT_EQ(counted.recomputed, 1);
  EXPECT_EQ(counted.people, 2);
  EXPECT_EQ(damaged.Match(House(cheap[0], 1)),
            (std::vector<PersonMatch>{{camille, Notification::kDaily},
                                      {dominique, Notification::kDaily}}));
}

TEST_F(MatcherTest, AsTheInterestsListenerItFollowsSavedSearchesAndClicks) {
  Matcher matcher(database_.db(), &engine_);
  MatchingListener listener(matcher);
  const int64_t camille = NewUser("camille@example.fr");
  const std::vector<std::string> cheap = GreenTiles(kCheap);
  const std::vector<std::string> tiles = AllTiles();
  const std::string outside =
      *std::find_if(tiles.begin(), tiles.end(), [&](const std::string& tile) {
        return std::find(cheap.begin(), cheap.end(), tile) == cheap.end();
      });
  storage::Connection connection = database_.db().Acquire();
  {
    storage::Transaction transaction(connection);
    auto search = InterestStore::SaveSearch(connection, camille, "Calme", kCheap, kNow);
    ASSERT_TRUE(search.ok());
    listener.SearchSaved(connection, *search, kNow);
    transaction.Commit();
  }
  EXPECT_EQ(matcher.Match(House(cheap[0], 1)).size(), 1u);
  EXPECT_TRUE(matcher.Match(House(outside, 1)).empty());
  {
    storage::Transaction transaction(connection);
    InterestStore::RecordClick(connection, camille, outside, false, kNow);
    listener.TileClicked(connection, 1, camille, outside, false, kNow);
    InterestStore::RecordClick(connection, std::nullopt, cheap[0], false, kNow);
    listener.TileClicked(connection, 2, std::nullopt, cheap[0], false, kNow);
    transaction.Commit();
  }
  EXPECT_EQ(matcher.Match(House(outside, 1)),
            (std::vector<PersonMatch>{{camille, Notification::kDaily}}));
  // What the listener stored is what a restart reads.
  Matcher restarted(database_.db(), &engine_);
  EXPECT_EQ(restarted.Rebuild(kNow).recomputed, 0);
  EXPECT_EQ(AllMatches(restarted, 1), AllMatches(matcher, 1));
}

}  // namespace
}  // namespace vivrovert::matching
