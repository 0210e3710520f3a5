// What a digest says, from its inputs: each listing once, new only, the 200-tile rule.
#include "jobs/nightly/digest.hpp"

#include <gtest/gtest.h>

namespace vivrovert::nightly {
namespace {

// 1 km tiles 1 km apart in a row, and the 5 km tile of the first.
std::string Tile1km(int east_km, int north_km = 2410) {
  return "CRS3035RES1000mN" + std::to_string(north_km * 1000) + "E" +
         std::to_string(east_km * 1000);
}

listings::Listing Listing(int64_t id, const std::string& commune, const std::string& tile,
                          int64_t created_at, listings::Kind kind = listings::Kind::kHousing) {
  listings::Listing listing;
  listing.id = id;
  listing.kind = kind;
  listing.commune_code = commune;
  listing.tile_1km = tile;
  listing.tile_5km = engine::TileId::Parse(tile)->Parent().ToString();
  listing.created_at = created_at;
  return listing;
}

std::vector<int64_t> Ids(const std::vector<const listings::Listing*>& listings) {
  std::vector<int64_t> ids;
  for (const listings::Listing* listing : listings) ids.push_back(listing->id);
  return ids;
}

TEST(DigestTest, EachListingOnceNewOnlyAndNeverPoiOrCv) {
  const std::vector<listings::Listing> all = {
      Listing(1, "46042", Tile1km(3639), 1000),                        // in Cahors, new
      Listing(2, "46042", Tile1km(3640), 100),                         // in Cahors, old
      Listing(3, "46042", Tile1km(3641), 1000, listings::Kind::kPoi),  // not news
      Listing(4, "46042", Tile1km(3642), 1000),                        // already told
      Listing(5, "46191", Tile1km(3643), 1000),                        // another commune
  };
  NewsIndex news(all);
  EXPECT_EQ(news.size(), 4u);
  DigestInput input;
  input.window_start = 500;
  input.matched = {&all[4]};
  input.clicked_communes = {"46042", "46191"};
  input.already_told = {4};
  DigestContent content = BuildDigest(input, news);
  EXPECT_EQ(Ids(content.matched), (std::vector<int64_t>{5}));
  ASSERT_EQ(content.prospects.size(), 1u) << "46191's only news is already in the matches";
  EXPECT_EQ(content.prospects[0].commune_code, "46042");
  EXPECT_EQ(Ids(content.prospects[0].listings), (std::vector<int64_t>{1}));
  EXPECT_TRUE(content.contacts.empty());

  input.matched.clear();
  input.clicked_communes.clear();
  EXPECT_TRUE(BuildDigest(input, news).empty());
}

TEST(DigestTest, ContactsOnlyForSearchesOfAtMost200FiveKmTiles) {
  const std::vector<listings::Listing> all = {Listing(1, "46042", Tile1km(3639), 1000),
                                              Listing(2, "46102", Tile1km(3640), 1000)};
  NewsIndex news(all);
  SearchForDigest search;
  search.search_id = 7;
  search.name = "Près de Cahors";
  search.green_tiles = {Tile1km(3639), Tile1km(3640)};
  search.tiles_5km = CountTiles5km(search.green_tiles);
  EXPECT_EQ(search.tiles_5km, 2);  // east 3,639 km lies in the 5 km tile of 3,635, 3,640 in its own
  search.hits = {{10, "CA du Grand Cahors", {"46042"}}};
  DigestInput input;
  input.window_start = 500;
  input.searches = {search};
  DigestContent content = BuildDigest(input, news);
  ASSERT_EQ(content.contacts.size(), 1u);
  EXPECT_EQ(content.contacts[0].partner_name, "CA du Grand Cahors");
  EXPECT_EQ(content.contacts[0].search_name, "Près de Cahors");
  EXPECT_EQ(Ids(content.contacts[0].listings), (std::vector<int64_t>{1}))
      << "46102 is outside the territory";

  // 201 distinct 5 km tiles: too imprecise, no contact news; 200: still fine.
  std::set<std::string> wide;
  for (int i = 0; i < 201; ++i) wide.insert(Tile1km(3000 + 5 * i));
  EXPECT_EQ(CountTiles5km(wide), 201);
  wide.insert(Tile1km(3639));
  wide.insert(Tile1km(3640));
  input.searches[0].green_tiles = wide;
  input.searches[0].tiles_5km = CountTiles5km(wide);
  EXPECT_GT(input.searches[0].tiles_5km, kMaxContactTiles5km);
  EXPECT_TRUE(BuildDigest(input, news).empty());
  input.searches[0].tiles_5km = kMaxContactTiles5km;
  EXPECT_EQ(BuildDigest(input, news).contacts.size(), 1u);
}

TEST(DigestTest, CountsFiveKmTilesOfOneKmAndFiveKmIds) {
  // Four 1 km tiles of one 5 km tile, one of the next, and a 5 km id itself.
  std::set<std::string> tiles = {Tile1km(3635), Tile1km(3636),
                                 Tile1km(3639), Tile1km(3635, 2414),
                                 Tile1km(3640), "CRS3035RES5000mN2400000E3635000"};
  EXPECT_EQ(CountTiles5km(tiles), 3);
}

}  // namespace
}  // namespace vivrovert::nightly
