// The index against a brute-force scan of every person (the rules of fit_rules.hpp
// applied literally), on many random people and listings, with edits in between.
#include "domain/matching/match_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace vivrovert::matching {
namespace {

using engine::Level;
using engine::TileId;
using nlohmann::json;

// A 30 km × 30 km patch: 900 1 km tiles, 36 5 km tiles, 8 communes.
struct World {
  std::mt19937 random;
  explicit World(uint32_t seed) : random(seed) {}

  int Pick(int count) { return static_cast<int>(random() % static_cast<uint32_t>(count)); }
  TileId Tile1km() {
    return {Level::k1km, 3'600'000 + Pick(30) * 1000, 2'400'000 + Pick(30) * 1000};
  }
  std::string Commune() { return "4604" + std::to_string(Pick(8)); }

  json RandomProfile() {
    json data = json::object();
    if (Pick(4) == 0) return data;  // no wish at all
    if (Pick(2)) {
      const char* tenures[] = {"buy", "rent", "either"};
      const char* types[] = {"house", "flat", "land", "any"};
      if (Pick(2)) data["housing_tenure"] = tenures[Pick(3)];
      if (Pick(2)) data["housing_type"] = types[Pick(4)];
      if (Pick(2)) data["housing_rooms_min"] = Pick(6);
      if (Pick(2)) data["housing_surface_min"] = 20 + Pick(150);
      if (Pick(2)) data["housing_price_max"] = Pick(2) ? 500 + Pick(1500) : 50000 + Pick(400000);
      if (data.empty()) data["housing_type"] = "any";
    }
    if (Pick(2)) {
      json codes = json::array();
      for (int code_idx = 0; code_idx <= Pick(3); ++code_idx) codes.push_back(Rome());
      data["work_rome_codes"] = codes;
    }
    if (Pick(4) == 0) {
      const char* sectors[] = {"retail", "food_service", "craft"};
      if (Pick(2))
        data["business_sector"] = sectors[Pick(3)];
      else
        data["business_budget_eur"] = 20000 + Pick(300000);
    }
    if (Pick(4) == 0) data["leisure"] = "randonnée";
    return data;
  }
  std::string Rome() {
    const char* codes[] = {"A1101", "J1506", "M1805", "K2111", "G1603", "N4101"};
    return codes[Pick(6)];
  }

  PersonInterest RandomPerson(int64_t user_id) {
    PersonInterest person;
    person.user_id = user_id;
    person.notification = static_cast<Notification>(Pick(4));
    person.wishes = Wishes::FromProfile(RandomProfile());
    const int searches = Pick(3);
    for (int search_idx = 0; search_idx < searches; ++search_idx) {
      // A search's green tiles: a square patch at 1 km, or some 5 km tiles.
      if (Pick(3)) {
        const TileId corner = Tile1km();
        const int side = 1 + Pick(6);
        for (int row = 0; row < side; ++row) {
          for (int col = 0; col < side; ++col) {
            person.tiles.push_back(
                TileKey(TileId{Level::k1km, corner.east + col * 1000, corner.north + row * 1000}));
          }
        }
      } else {
        for (int tile_idx = 0; tile_idx < 1 + Pick(4); ++tile_idx)
          person.tiles.push_back(TileKey(Tile1km().Parent()));
      }
    }
    for (int fav_idx = 0; fav_idx < Pick(4); ++fav_idx) {
      person.tiles.push_back(TileKey(Pick(3) ? Tile1km() : Tile1km().Parent()));
    }
    for (int commune_idx = 0; commune_idx < Pick(2); ++commune_idx)
      person.communes.push_back(Commune());
    return person;
  }

  ListingFacts RandomListing() {
    const TileId tile = Tile1km();
    const listings::Kind kinds[] = {listings::Kind::kHousing, listings::Kind::kHousing,
                                    listings::Kind::kJob,     listings::Kind::kBusiness,
                                    listings::Kind::kLeisure, listings::Kind::kPoi,
                                    listings::Kind::kCv};
    const listings::Kind kind = kinds[Pick(7)];
    json fields = json::object();
    if (kind == listings::Kind::kHousing) {
      const char* types[] = {"house", "flat", "land", "farm", "other"};
      fields = {{"transaction", Pick(2) ? "sale" : "rent"}, {"property_type", types[Pick(5)]}};
      fields["price_eur"] =
          fields["transaction"] == "rent" ? 300 + Pick(1500) : 30000 + Pick(500000);
      if (Pick(3)) fields["rooms"] = 1 + Pick(7);
      if (Pick(3)) fields["surface_m2"] = 15 + Pick(200);
    } else if (kind == listings::Kind::kJob) {
      fields = {{"rome_code", Rome()}, {"contract", "cdi"}};
    } else if (kind == listings::Kind::kBusiness) {
      const char* sectors[] = {"retail", "food_service", "craft", "health"};
      fields = {{"sector", sectors[Pick(4)]}};
      if (Pick(3)) fields["price_eur"] = 10000 + Pick(400000);
    }
    return ListingFacts::FromFields(kind, tile.ToString(), tile.Parent().ToString(), Commune(),
                                    fields);
  }
};

// Rule 1 and rule 2 of fit_rules.hpp, looked at person by person.
std::vector<PersonMatch> BruteForce(const std::map<int64_t, PersonInterest>& people,
                                    const ListingFacts& listing) {
  std::vector<PersonMatch> matches;
  const uint32_t tile_1km = *TileKey(listing.tile_1km);
  const uint32_t tile_5km = *TileKey(listing.tile_5km);
  for (const auto& [user_id, person] : people) {
    bool in_place = false;
    for (uint32_t key : person.tiles) in_place = in_place || key == tile_1km || key == tile_5km;
    for (const std::string& commune : person.communes)
      in_place = in_place || commune == listing.commune_code;
    if (in_place && FitsWishes(person.wishes, listing))
      matches.push_back({user_id, person.notification});
  }
  return matches;
}

TEST(MatchIndexTest, TileKeysRoundTrip) {
  const TileId tile{Level::k5km, 3'635'000, 2'405'000};
  EXPECT_EQ(TileOfKey(TileKey(tile)), tile);
  EXPECT_EQ(TileKey(tile.ToString()), TileKey(tile));
  EXPECT_NE(TileKey(TileId{Level::k1km, 3'635'000, 2'405'000}), TileKey(tile));
  EXPECT_FALSE(TileKey("CRS3035RES2000mN2405000E3635000").has_value());
}

TEST(MatchIndexTest, AgreesWithBruteForceOnRandomPeopleAndEdits) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    World world(seed);
    MatchIndex index;
    std::map<int64_t, PersonInterest> people;
    std::vector<PersonInterest> initial;
    for (int64_t user_id = 1; user_id <= 300; ++user_id) {
      PersonInterest person = world.RandomPerson(user_id);
      if (!person.tiles.empty() || !person.communes.empty())
        people[user_id] = person;  // no place: never indexed
      initial.push_back(person);
    }
    // Half of the seeds load in bulk (a start-up rebuild), the others one by one.
    if (seed % 2) {
      index.BulkUpsert(initial);
    } else {
      for (const PersonInterest& person : initial) index.Upsert(person);
    }
    size_t non_empty = 0;
    for (int round = 0; round < 200; ++round) {
      const ListingFacts listing = world.RandomListing();
      const std::vector<PersonMatch> expected = BruteForce(people, listing);
      non_empty += !expected.empty();
      ASSERT_EQ(index.Match(listing), expected) << "seed " << seed << " round " << round;
      // An edit between two matches: replace, remove or add a person.
      const int64_t user_id = 1 + world.Pick(320);
      if (round % 50 == 49) {
        // A bulk load into a filled index replaces the people it names.
        std::vector<PersonInterest> batch;
        for (int batch_idx = 0; batch_idx < 10; ++batch_idx) {
          batch.push_back(world.RandomPerson(1 + world.Pick(320)));
          PersonInterest& person = batch.back();
          if (person.tiles.empty() && person.communes.empty()) {
            people.erase(person.user_id);
          } else {
            people[person.user_id] = person;
          }
        }
        index.BulkUpsert(batch);
      } else if (world.Pick(4) == 0) {
        EXPECT_EQ(index.Remove(user_id), people.erase(user_id) == 1);
      } else {
        PersonInterest person = world.RandomPerson(user_id);
        index.Upsert(person);
        if (person.tiles.empty() && person.communes.empty()) {
          people.erase(user_id);
        } else {
          people[user_id] = person;
        }
      }
      ASSERT_EQ(index.person_count(), people.size());
    }
    EXPECT_GT(non_empty, 50u) << "the random data must produce matches to compare";
  }
}

TEST(MatchIndexTest, AProfileChangeShowsInTheNextMatch) {
  MatchIndex index;
  const TileId tile{Level::k1km, 3'600'000, 2'400'000};
  PersonInterest person;
  person.user_id = 7;
  person.notification = Notification::kInstant;
  person.wishes = Wishes::FromProfile({{"housing_price_max", 150000}});
  person.tiles = {TileKey(tile)};
  index.Upsert(person);
  const ListingFacts house = ListingFacts::FromFields(
      listings::Kind::kHousing, tile.ToString(), tile.Parent().ToString(), "46042",
      {{"transaction", "sale"}, {"property_type", "house"}, {"price_eur", 180000}});
  EXPECT_TRUE(index.Match(house).empty());
  person.wishes = Wishes::FromProfile({{"housing_price_max", 200000}});
  index.Upsert(person);
  EXPECT_EQ(index.Match(house), (std::vector<PersonMatch>{{7, Notification::kInstant}}));
  // A place through the 5 km parent only, and through the commune only.
  person.tiles = {TileKey(tile.Parent())};
  index.Upsert(person);
  EXPECT_EQ(index.Match(house).size(), 1u);
  person.tiles.clear();
  person.communes = {"46042"};
  index.Upsert(person);
  EXPECT_EQ(index.Match(house).size(), 1u);
  person.communes.clear();
  index.Upsert(person);  // no place left: out of the index
  EXPECT_EQ(index.person_count(), 0u);
  EXPECT_EQ(index.posting_count(), 0u);
  EXPECT_TRUE(index.Match(house).empty());
}

TEST(MatchIndexTest, NoneStillMatchesAndCarriesThePreference) {
  MatchIndex index;
  const TileId tile{Level::k1km, 3'600'000, 2'400'000};
  index.Upsert({1, Notification::kNone, Wishes{}, {TileKey(tile)}, {}});
  const ListingFacts leisure =
      ListingFacts::FromFields(listings::Kind::kLeisure, tile.ToString(), tile.Parent().ToString(),
                               "46042", {{"category", "sport"}});
  EXPECT_EQ(index.Match(leisure), (std::vector<PersonMatch>{{1, Notification::kNone}}));
}

}  // namespace
}  // namespace vivrovert::matching
