// Saved searches and tile clicks in the database, on SQLite and PostgreSQL: a person only
// ever reaches their own searches, names are checked, the number is bounded, and deleting
// an account deletes what it showed interest in.
#include "domain/interests/interest_store.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/user_store.hpp"
#include "support/test_database.hpp"

namespace vivrovert::interests {
namespace {

class InterestStoreTest : public ::testing::Test {
 protected:
  int64_t NewUser(const std::string& email) {
    storage::Connection connection = database_.db().Acquire();
    accounts::NewUser user{email, "hash", accounts::Role::kUser, "Personne", true};
    return accounts::UserStore::Create(connection, user, kNow)->id;
  }
  static constexpr int64_t kNow = 1'800'000'000;
  testing::TestDatabase database_;
};

const std::string kRequest = R"({"criteria":[{"criterion":"density","max":50}],"level":"5km"})";

TEST_F(InterestStoreTest, APersonReachesOnlyTheirOwnSearches) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  storage::Connection connection = database_.db().Acquire();
  auto saved =
      InterestStore::SaveSearch(connection, camille, "  Calme dans le Lot  ", kRequest, kNow);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->name, "Calme dans le Lot");
  EXPECT_TRUE(InterestStore::Search(connection, camille, saved->id).has_value());
  EXPECT_FALSE(InterestStore::Search(connection, dominique, saved->id).has_value());
  EXPECT_EQ(
      InterestStore::UpdateSearch(connection, dominique, saved->id, "x", kRequest, kNow).code(),
      StatusCode::kNotFound);
  EXPECT_FALSE(InterestStore::DeleteSearch(connection, dominique, saved->id));
  EXPECT_TRUE(InterestStore::Searches(connection, dominique).empty());

  ASSERT_TRUE(
      InterestStore::UpdateSearch(connection, camille, saved->id, "Version 2", kRequest, kNow + 5)
          .ok());
  auto updated = InterestStore::Search(connection, camille, saved->id);
  EXPECT_EQ(updated->name, "Version 2");
  EXPECT_EQ(updated->updated_at, kNow + 5);
  EXPECT_TRUE(InterestStore::DeleteSearch(connection, camille, saved->id));
  EXPECT_TRUE(InterestStore::Searches(connection, camille).empty());
}

TEST_F(InterestStoreTest, NamesAreCheckedAndSearchesBounded) {
  const int64_t camille = NewUser("camille@example.fr");
  storage::Connection connection = database_.db().Acquire();
  EXPECT_EQ(InterestStore::SaveSearch(connection, camille, "   ", kRequest, kNow).status().field(),
            "name");
  EXPECT_EQ(InterestStore::SaveSearch(connection, camille, std::string(101, 'a'), kRequest, kNow)
                .status()
                .field(),
            "name");
  EXPECT_EQ(
      InterestStore::SaveSearch(connection, camille, "\xC3\x28", kRequest, kNow).status().field(),
      "name");
  for (size_t index = 0; index < kMaxSavedSearches; ++index) {
    ASSERT_TRUE(
        InterestStore::SaveSearch(connection, camille, "R" + std::to_string(index), kRequest, kNow)
            .ok());
  }
  EXPECT_EQ(
      InterestStore::SaveSearch(connection, camille, "Une de trop", kRequest, kNow).status().code(),
      StatusCode::kResourceExhausted);
}

TEST_F(InterestStoreTest, ClicksBelongToTheirAuthorAndGoWithTheAccount) {
  const int64_t camille = NewUser("camille@example.fr");
  storage::Connection connection = database_.db().Acquire();
  InterestStore::RecordClick(connection, std::nullopt, "CRS3035RES5000mN2405000E3635000", false,
                             kNow);
  InterestStore::RecordClick(connection, camille, "CRS3035RES5000mN2405000E3635000", true, kNow);
  InterestStore::RecordClick(connection, camille, "CRS3035RES1000mN2409000E3640000", false,
                             kNow + 1);
  std::vector<TileClick> clicks = InterestStore::Clicks(connection, camille);
  ASSERT_EQ(clicks.size(), 2u);
  EXPECT_EQ(clicks[1].tile, "CRS3035RES1000mN2409000E3640000");
  ASSERT_TRUE(InterestStore::SaveSearch(connection, camille, "Calme", kRequest, kNow).ok());
  connection.Execute("DELETE FROM users WHERE id = $1", {camille});
  EXPECT_EQ(
      connection.QueryOne("SELECT COUNT(*) FROM tile_clicks WHERE user_id IS NOT NULL")->Int(0), 0);
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM saved_searches")->Int(0), 0);
  // The anonymous click stays, in aggregate statistics only.
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM tile_clicks")->Int(0), 1);
}

TEST_F(InterestStoreTest, FavouritesAreOncePerSectorAndPersonal) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  storage::Connection connection = database_.db().Acquire();
  ASSERT_TRUE(
      InterestStore::AddFavourite(connection, camille, {"commune", "46042", "Cahors", kNow}).ok());
  ASSERT_TRUE(
      InterestStore::AddFavourite(connection, camille, {"commune", "46042", "Cahors", kNow + 9})
          .ok());
  ASSERT_TRUE(InterestStore::AddFavourite(
                  connection, camille, {"tile", "CRS3035RES5000mN2405000E3635000", "Dalle", kNow})
                  .ok());
  std::vector<Favourite> favourites = InterestStore::Favourites(connection, camille);
  ASSERT_EQ(favourites.size(), 2u);
  EXPECT_TRUE(InterestStore::Favourites(connection, dominique).empty());
  EXPECT_FALSE(InterestStore::RemoveFavourite(connection, dominique, "commune", "46042"));
  EXPECT_TRUE(InterestStore::RemoveFavourite(connection, camille, "commune", "46042"));
  EXPECT_EQ(InterestStore::Favourites(connection, camille).size(), 1u);
}

}  // namespace
}  // namespace vivrovert::interests
