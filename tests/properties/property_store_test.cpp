// Saved properties in the database, on SQLite and PostgreSQL: a person reaches only their
// own, names and radii are checked, a listing saved twice is one property, the number is
// bounded, and deleting the account deletes them. Also the listings' box filter the
// property page reads its surroundings with.
#include "domain/properties/property_store.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/user_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "support/test_database.hpp"

namespace vivrovert::properties {
namespace {

class PropertyStoreTest : public ::testing::Test {
 protected:
  int64_t NewUser(const std::string& email) {
    storage::Connection connection = database_.db().Acquire();
    accounts::NewUser user{email, "hash", accounts::Role::kUser, "Personne", true};
    return accounts::UserStore::Create(connection, user, kNow)->id;
  }
  int64_t NewListing(const std::string& title, double longitude, double latitude) {
    storage::Connection connection = database_.db().Acquire();
    listings::Listing listing;
    listing.source_key = "test";
    listing.external_id = title;
    listing.title = title;
    listing.commune_code = "46042";
    listing.longitude = longitude;
    listing.latitude = latitude;
    listing.tile_1km = "CRS3035RES1000mN2410000E3639000";
    listing.tile_5km = "CRS3035RES5000mN2410000E3635000";
    listing.content_hash = title;
    return listings::ListingStore::Insert(connection, listing);
  }
  static SavedProperty Point(int64_t user_id, const std::string& name) {
    SavedProperty property;
    property.user_id = user_id;
    property.name = name;
    property.latitude = 44.4475;
    property.longitude = 1.4414;
    property.commune_code = "46042";
    property.placement = "exact";
    return property;
  }
  static constexpr int64_t kNow = 1'800'000'000;
  testing::TestDatabase database_;
};

TEST_F(PropertyStoreTest, APersonReachesOnlyTheirOwnProperties) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  storage::Connection connection = database_.db().Acquire();
  auto saved = PropertyStore::Save(connection, Point(camille, "  Maison du causse  "), kNow);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_TRUE(saved->created);
  EXPECT_EQ(saved->property.name, "Maison du causse");
  const int64_t id = saved->property.id;

  auto mine = PropertyStore::Get(connection, camille, id);
  ASSERT_TRUE(mine.has_value());
  EXPECT_DOUBLE_EQ(mine->latitude, 44.4475);
  EXPECT_DOUBLE_EQ(mine->longitude, 1.4414);
  EXPECT_EQ(mine->radius_km, kDefaultRadiusKm);
  EXPECT_FALSE(mine->listing_id.has_value());
  EXPECT_FALSE(PropertyStore::Get(connection, dominique, id).has_value());
  EXPECT_TRUE(PropertyStore::List(connection, dominique).empty());
  EXPECT_EQ(PropertyStore::Update(connection, dominique, id, "x", 5, kNow).code(),
            StatusCode::kNotFound);
  EXPECT_FALSE(PropertyStore::Delete(connection, dominique, id));

  ASSERT_TRUE(PropertyStore::Update(connection, camille, id, "Maison", 25, kNow + 9).ok());
  mine = PropertyStore::Get(connection, camille, id);
  EXPECT_EQ(mine->name, "Maison");
  EXPECT_EQ(mine->radius_km, 25);
  EXPECT_EQ(mine->updated_at, kNow + 9);
  EXPECT_TRUE(PropertyStore::Delete(connection, camille, id));
  EXPECT_TRUE(PropertyStore::List(connection, camille).empty());
}

TEST_F(PropertyStoreTest, NamesAndRadiiAreChecked) {
  const int64_t camille = NewUser("camille@example.fr");
  storage::Connection connection = database_.db().Acquire();
  EXPECT_EQ(PropertyStore::Save(connection, Point(camille, "  "), kNow).status().field(), "name");
  EXPECT_EQ(
      PropertyStore::Save(connection, Point(camille, std::string(101, 'a')), kNow).status().field(),
      "name");
  SavedProperty far = Point(camille, "Loin");
  far.radius_km = 51;
  Result<PropertyStore::Saved> refused = PropertyStore::Save(connection, far, kNow);
  EXPECT_EQ(refused.status().field(), "radius_km");
  EXPECT_NE(refused.status().message().find("entre 2 et 50 km"), std::string::npos);
  far.radius_km = 1;
  EXPECT_EQ(PropertyStore::Save(connection, far, kNow).status().field(), "radius_km");
  auto saved = PropertyStore::Save(connection, Point(camille, "Ici"), kNow);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(PropertyStore::Update(connection, camille, saved->property.id, "Ici", 0, kNow).field(),
            "radius_km");
  EXPECT_TRUE(PropertyStore::List(connection, camille).size() == 1);
}

TEST_F(PropertyStoreTest, AListingSavedTwiceIsOnePropertyAndTheNumberIsBounded) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  const int64_t listing = NewListing("Maison en pierre", 1.45, 44.45);
  storage::Connection connection = database_.db().Acquire();
  SavedProperty house = Point(camille, "Maison en pierre");
  house.listing_id = listing;
  auto first = PropertyStore::Save(connection, house, kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = PropertyStore::Save(connection, house, kNow + 5);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->property.id, first->property.id);
  EXPECT_EQ(again->property.listing_id, listing);
  // Another person saves the same listing for themselves.
  house.user_id = dominique;
  auto theirs = PropertyStore::Save(connection, house, kNow);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->created);
  EXPECT_NE(theirs->property.id, first->property.id);

  for (size_t index = 1; index < kMaxSavedProperties; ++index) {
    ASSERT_TRUE(
        PropertyStore::Save(connection, Point(camille, "P" + std::to_string(index)), kNow).ok());
  }
  EXPECT_EQ(PropertyStore::Save(connection, Point(camille, "Un de trop"), kNow).status().code(),
            StatusCode::kResourceExhausted);
  // Newest first.
  EXPECT_EQ(PropertyStore::List(connection, camille).back().name, "Maison en pierre");
}

TEST_F(PropertyStoreTest, PropertiesGoWithTheAccount) {
  const int64_t camille = NewUser("camille@example.fr");
  const int64_t dominique = NewUser("dominique@example.fr");
  storage::Connection connection = database_.db().Acquire();
  ASSERT_TRUE(PropertyStore::Save(connection, Point(camille, "A"), kNow).ok());
  ASSERT_TRUE(PropertyStore::Save(connection, Point(camille, "B"), kNow).ok());
  ASSERT_TRUE(PropertyStore::Save(connection, Point(dominique, "C"), kNow).ok());
  connection.Execute("DELETE FROM users WHERE id = $1", {camille});
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM saved_properties")->Int(0), 1);
  EXPECT_EQ(PropertyStore::List(connection, dominique).size(), 1u);
}

TEST_F(PropertyStoreTest, ListingsAreFilteredByABox) {
  const int64_t inside = NewListing("Dans la boîte", 1.45, 44.45);
  NewListing("Au nord", 1.45, 44.60);
  NewListing("À l'ouest", 1.20, 44.45);
  storage::Connection connection = database_.db().Acquire();
  listings::ListingFilter filter;
  filter.within = listings::BoundingBox{1.40, 44.40, 1.50, 44.50};
  filter.today = "2027-01-01";
  filter.status = listings::kStatusActive;
  std::vector<listings::Listing> found = listings::ListingStore::List(connection, filter);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, inside);
  filter.within = listings::BoundingBox{1.0, 44.0, 2.0, 45.0};
  EXPECT_EQ(listings::ListingStore::List(connection, filter).size(), 3u);
}

}  // namespace
}  // namespace vivrovert::properties
