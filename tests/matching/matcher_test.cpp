// The matcher on a real database (SQLite and PostgreSQL): edits are seen by the next
// match, and a new matcher rebuilt from the database after a "restart" answers exactly
// as the one that followed the edits; stored green tiles are used as they are, computed
// again when stale, and damaged or unrunnable searches are left out and counted.
#include "domain/matching/matcher.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/matching/change_log.hpp"
#include "domain/matching/index_snapshot.hpp"
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

// A node's start from the leader's snapshot (index_snapshot.hpp): a temporary folder for
// the file, people with every kind of place, and every listing kind on every tile to
// compare two indexes by their answers.
class SnapshotTest : public MatcherTest {
 protected:
  SnapshotTest() {
    char folder[] = "/tmp/vivrovert-snapshot-XXXXXX";
    folder_ = ::mkdtemp(folder);
    path_ = folder_ + "/matching-index.snapshot";
  }
  ~SnapshotTest() override { std::filesystem::remove_all(folder_); }

  // 24 people: saved searches, favourite communes and tiles (both levels), clicks, and
  // profiles wanting housing on a budget, jobs, leisure or everything.
  std::vector<int64_t> Populate(Matcher& matcher) {
    const std::vector<std::string> tiles = AllTiles();
    std::vector<int64_t> people;
    storage::Connection connection = database_.db().Acquire();
    for (size_t person_idx = 0; person_idx < 24; ++person_idx) {
      const int64_t user_id = NewUser("p" + std::to_string(person_idx) + "@example.fr");
      people.push_back(user_id);
      switch (person_idx % 4) {
        case 0:
          PutProfile(user_id, {{"housing_price_max", 100000 + 20000 * person_idx}}, "instant");
          break;
        case 1:
          PutProfile(user_id, {{"work_rome_codes", {person_idx % 8 == 1 ? "A1101" : "M1805"}}},
                     "daily");
          break;
        case 2:
          PutProfile(user_id, {{"leisure", "randonnée"}}, "weekly");
          break;
        default:
          break;  // no profile: every kind
      }
      if (person_idx % 5 == 0) {
        EXPECT_TRUE(
            InterestStore::AddFavourite(connection, user_id, {"commune", "46042", "Cahors", kNow})
                .ok());
      }
      const std::string& tile = tiles[(person_idx * 7) % tiles.size()];
      EXPECT_TRUE(
          InterestStore::AddFavourite(connection, user_id, {"tile", tile, "dalle", kNow}).ok());
      if (person_idx % 3 == 0) {
        const std::string parent = engine::TileId::Parse(tile)->Parent().ToString();
        EXPECT_TRUE(
            InterestStore::AddFavourite(connection, user_id, {"tile", parent, "dalle", kNow}).ok());
      }
      InterestStore::RecordClick(connection, user_id, tiles[(person_idx * 11 + 3) % tiles.size()],
                                 true, kNow);
      if (person_idx % 4 < 2) {
        auto search = InterestStore::SaveSearch(connection, user_id, "Recherche",
                                                person_idx % 2 ? kDense : kCheap, kNow);
        EXPECT_TRUE(search.ok());
        EXPECT_TRUE(matcher.SearchSaved(connection, user_id, search->id, kNow).ok());
      } else {
        matcher.PersonChanged(connection, user_id, kNow);
      }
    }
    return people;
  }

  // The people each listing of every kind on every tile (in and out of commune 46042)
  // fits, as one list.
  template <typename Index>
  std::vector<std::tuple<int, std::string, int64_t, int>> Answers(const Index& index) {
    std::vector<ListingFacts> kinds;
    std::vector<std::tuple<int, std::string, int64_t, int>> all;
    for (const std::string& tile : AllTiles()) {
      const std::string parent = engine::TileId::Parse(tile)->Parent().ToString();
      const std::vector<ListingFacts> listings = {
          House(tile, 150000),
          House(tile, 400000, "46042"),
          ListingFacts::FromFields(listings::Kind::kJob, tile, parent, "46042",
                                   {{"rome_code", "A1101"}}),
          ListingFacts::FromFields(listings::Kind::kJob, tile, parent, "",
                                   {{"rome_code", "M1805"}}),
          ListingFacts::FromFields(listings::Kind::kLeisure, tile, parent, "",
                                   {{"category", "nature"}}),
      };
      for (size_t listing_idx = 0; listing_idx < listings.size(); ++listing_idx) {
        for (const PersonMatch& match : index.Match(listings[listing_idx])) {
          all.emplace_back(static_cast<int>(listing_idx), tile, match.user_id,
                           static_cast<int>(match.notification));
        }
      }
    }
    return all;
  }

  // What a rebuild from scratch answers at `now`.
  std::vector<std::tuple<int, std::string, int64_t, int>> Rebuilt(int64_t now) {
    Matcher fresh(database_.db(), &engine_);
    fresh.Rebuild(now);
    return Answers(fresh);
  }

  std::string folder_;
  std::string path_;
};

TEST_F(SnapshotTest, SnapshotPlusTheChangesSinceAnswersAsARebuild) {
  Matcher leader(database_.db(), &engine_);
  const std::vector<int64_t> people = Populate(leader);
  // A change long before the snapshot: the log's anchor.
  {
    storage::Connection connection = database_.db().Acquire();
    leader.PersonChanged(connection, people[0], kNow - 600);
  }
  leader.Rebuild(kNow);
  ASSERT_TRUE(leader.WriteSnapshot(path_, kNow).ok());
  const auto at_snapshot = Answers(leader);
  ASSERT_GT(at_snapshot.size(), 100u);

  // After the snapshot, through the leader: a new person, a new budget, a search
  // deleted, a favourite removed, a search saved, and an account deleted.
  const std::vector<std::string> tiles = AllTiles();
  {
    storage::Connection connection = database_.db().Acquire();
    const int64_t newcomer = NewUser("newcomer@example.fr");
    ASSERT_TRUE(InterestStore::AddFavourite(connection, newcomer,
                                            {"commune", "46042", "Cahors", kNow + 100})
                    .ok());
    leader.PersonChanged(connection, newcomer, kNow + 100);
    PutProfile(people[4], {{"housing_price_max", 1000000}}, "weekly");
    leader.PersonChanged(connection, people[4], kNow + 110);
    for (const interests::SavedSearch& search :
         InterestStore::SearchesBetween(connection, people[1], people[1])) {
      ASSERT_TRUE(InterestStore::DeleteSearch(connection, people[1], search.id));
    }
    leader.PersonChanged(connection, people[1], kNow + 120);
    ASSERT_TRUE(InterestStore::RemoveFavourite(connection, people[5], "commune", "46042"));
    leader.PersonChanged(connection, people[5], kNow + 130);
    auto search = InterestStore::SaveSearch(connection, people[2], "Dense", kDense, kNow + 140);
    ASSERT_TRUE(search.ok());
    ASSERT_TRUE(leader.SearchSaved(connection, people[2], search->id, kNow + 140).ok());
    ASSERT_TRUE(accounts::UserStore::Delete(connection, people[3]));
    accounts::DeletionLog::Record(connection, people[3], kNow + 150);
    leader.PersonDeleted(people[3]);
  }
  const auto rebuilt = Rebuilt(kNow + 200);
  EXPECT_EQ(Answers(leader), rebuilt) << "the leader followed its own edits";
  ASSERT_NE(at_snapshot, rebuilt) << "the edits change the answers";

  Matcher node(database_.db(), &engine_);
  const LoadStats started = node.Start(path_, kNow + 200);
  EXPECT_TRUE(started.from_snapshot) << started.snapshot_refused;
  // The 24 changes of Populate are younger than the snapshot's position (the overlap for
  // late commits), then the 5 after it.
  EXPECT_EQ(started.changes_replayed, 24 + 5);
  EXPECT_EQ(started.deletions_replayed, 1);
  EXPECT_EQ(started.people, static_cast<int64_t>(node.person_count()));
  EXPECT_EQ(Answers(node), rebuilt);
  // It then follows the log from its start like any node.
  EXPECT_EQ(node.FollowChanges(kNow + 202), 0);
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(InterestStore::AddFavourite(connection, people[6],
                                            {"commune", "46042", "Cahors", kNow + 210})
                    .ok());
    leader.PersonChanged(connection, people[6], kNow + 210);
  }
  EXPECT_EQ(node.FollowChanges(kNow + 212), 1);
  EXPECT_EQ(Answers(node), Rebuilt(kNow + 212));
}

TEST_F(SnapshotTest, TheFileKeepsTheIndexWithItsFreeSlots) {
  MatchIndex index;
  for (int64_t user_id = 1; user_id <= 50; ++user_id) {
    PersonInterest person;
    person.user_id = user_id;
    person.notification = static_cast<Notification>(user_id % 4);
    if (user_id % 3 == 0) person.wishes = Wishes::FromProfile({{"housing_price_max", 200000}});
    if (user_id % 3 == 1) person.wishes = Wishes::FromProfile({{"work_rome_codes", {"A1101"}}});
    const std::vector<std::string> tiles = AllTiles();
    person.tiles.push_back(*TileKey(tiles[static_cast<size_t>(user_id * 13) % tiles.size()]));
    person.tiles.push_back(TileKey(
        engine::TileId::Parse(tiles[static_cast<size_t>(user_id * 5) % tiles.size()])->Parent()));
    if (user_id % 7 == 0) person.communes.push_back("46042");
    index.Upsert(std::move(person));
  }
  for (int64_t user_id = 10; user_id <= 50; user_id += 10) index.Remove(user_id);
  ASSERT_TRUE(WriteIndexSnapshot(path_, index, {kNow - 60, kNow, 42, "sqlite:x", 7, 9}).ok());
  Result<LoadedSnapshot> loaded = ReadIndexSnapshot(path_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->stamp.follow_since, kNow - 60);
  EXPECT_EQ(loaded->stamp.grid_stamp, 42);
  EXPECT_EQ(loaded->stamp.database, "sqlite:x");
  EXPECT_EQ(loaded->stamp.anchor_change_id, 7);
  EXPECT_EQ(loaded->stamp.last_change_id, 9);
  EXPECT_EQ(loaded->index->person_count(), 45u);
  EXPECT_EQ(loaded->index->posting_count(), index.posting_count());
  EXPECT_EQ(Answers(*loaded->index), Answers(index));
  // Edits go on in the loaded index as in the original (free slots reused).
  for (MatchIndex* edited : {&index, loaded->index.get()}) {
    PersonInterest person;
    person.user_id = 99;
    person.communes.push_back("46042");
    edited->Upsert(std::move(person));
    edited->Remove(21);
  }
  EXPECT_EQ(Answers(*loaded->index), Answers(index));
}

TEST_F(SnapshotTest, ARefusedSnapshotFallsBackToARebuild) {
  Matcher leader(database_.db(), &engine_);
  Populate(leader);
  leader.Rebuild(kNow);
  const auto rebuilt = Rebuilt(kNow + 100);
  auto start_refused = [&](int64_t now, const std::string& reason) {
    Matcher node(database_.db(), &engine_);
    const LoadStats started = node.Start(path_, now);
    EXPECT_FALSE(started.from_snapshot) << reason;
    EXPECT_NE(started.snapshot_refused.find(reason), std::string::npos) << started.snapshot_refused;
    EXPECT_EQ(started.people, static_cast<int64_t>(leader.person_count()));
    EXPECT_EQ(Answers(node), rebuilt) << reason;
  };
  start_refused(kNow + 100, "cannot read");  // none written yet

  auto rewrite = [&] {
    ASSERT_TRUE(leader.WriteSnapshot(path_, kNow).ok());
    Matcher node(database_.db(), &engine_);
    ASSERT_TRUE(node.Start(path_, kNow + 100).from_snapshot) << "valid as written";
  };
  auto bytes = [&] {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto put = [&](const std::string& content) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
  };

  rewrite();
  std::string content = bytes();
  content[content.size() / 2] ^= 0x5A;
  put(content);
  start_refused(kNow + 100, "damaged");

  rewrite();
  content = bytes();
  put(content.substr(0, content.size() * 2 / 3));
  start_refused(kNow + 100, "truncated");

  rewrite();
  content = bytes();
  content[8] = static_cast<char>(kSnapshotFormat + 1);
  put(content);
  start_refused(kNow + 100, "snapshot format");

  rewrite();
  start_refused(kNow + Matcher::kSnapshotMaxAgeSeconds + 100, "older than the change log keeps");

  // Another database (another test database: another URL).
  rewrite();
  {
    testing::TestDatabase other;
    Matcher node(other.db(), &engine_);
    const LoadStats started = node.Start(path_, kNow + 100);
    EXPECT_FALSE(started.from_snapshot);
    EXPECT_NE(started.snapshot_refused.find("another database"), std::string::npos);
    EXPECT_EQ(started.people, 0);
  }

  // Another grid (built at another time).
  rewrite();
  {
    engine::GridData data = engine::testing::RandomGrid(400, 11);
    data.built_at = GridStamp(engine_) + 86400;
    engine::testing::TestGridFile other_grid(std::move(data));
    engine::SearchEngine other_engine(other_grid.grid());
    Matcher node(database_.db(), &other_engine);
    const LoadStats started = node.Start(path_, kNow + 100);
    EXPECT_FALSE(started.from_snapshot);
    EXPECT_NE(started.snapshot_refused.find("another grid"), std::string::npos);
  }

  // The log restored from an older backup: its last changes are gone.
  rewrite();
  {
    storage::Connection connection = database_.db().Acquire();
    const int64_t last = ChangeLog::LastId(connection);
    ASSERT_GT(last, 0);
    connection.Execute("DELETE FROM matching_changes WHERE id = $1", {last});
  }
  start_refused(kNow + 100, "the change log ends before it");

  // The anchor purged: changes after it may be gone too.
  {
    storage::Connection connection = database_.db().Acquire();
    ChangeLog::Record(connection, 1, "elsewhere", kNow - 500);
  }
  rewrite();
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_GT(ChangeLog::PurgeBefore(connection, kNow - 400, 100), 0);
  }
  start_refused(kNow + 100, "no longer holds its position");
}

}  // namespace
}  // namespace vivrovert::matching
