// The stored text of green tiles: round trips at both levels, and damaged text refused.
#include "domain/matching/tile_runs.hpp"

#include <gtest/gtest.h>

#include <random>

namespace vivrovert::matching {
namespace {

using engine::Level;
using engine::TileId;

TEST(TileRunsTest, EncodesRowsAsRuns) {
  std::vector<TileId> tiles = {{Level::k1km, 3641000, 2410000}, {Level::k1km, 3639000, 2410000},
                               {Level::k1km, 3640000, 2410000}, {Level::k1km, 3650000, 2410000},
                               {Level::k1km, 3640000, 2411000}, {Level::k1km, 3640000, 2411000}};
  const std::string text = EncodeTileRuns(Level::k1km, tiles);
  EXPECT_EQ(text, "1km|2410:3639-3641,3650|2411:3640");
  Result<TileRuns> back = DecodeTileRuns(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->tiles.size(), 5u);
  EXPECT_EQ(EncodeTileRuns(Level::k5km,
                           {{Level::k5km, 3635000, 2405000}, {Level::k5km, 3640000, 2405000}}),
            "5km|2405:3635-3640");
  EXPECT_EQ(DecodeTileRuns("5km|2405:3635-3640")->tiles.size(), 2u);
  EXPECT_EQ(EncodeTileRuns(Level::k1km, {}), "1km");
  EXPECT_TRUE(DecodeTileRuns("1km")->tiles.empty());
}

TEST(TileRunsTest, RandomSetsRoundTrip) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    const Level level = round % 2 ? Level::k5km : Level::k1km;
    const int32_t step = engine::CellSizeMetres(level);
    std::vector<TileId> tiles;
    const int count = static_cast<int>(random() % 300);
    for (int tile_idx = 0; tile_idx < count; ++tile_idx) {
      tiles.push_back({level, 3'500'000 + static_cast<int32_t>(random() % 40) * step,
                       2'300'000 + static_cast<int32_t>(random() % 40) * step});
    }
    Result<TileRuns> back = DecodeTileRuns(EncodeTileRuns(level, tiles));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    std::sort(tiles.begin(), tiles.end(), [](const TileId& a, const TileId& b) {
      return a.north != b.north ? a.north < b.north : a.east < b.east;
    });
    tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
    EXPECT_EQ(back->tiles, tiles);
    EXPECT_EQ(back->level, level);
  }
}

TEST(TileRunsTest, DamagedTextIsRefused) {
  for (const char* text :
       {"", "2km|1:1", "1km|", "1km|2410", "1km|2410:", "1km|2410:3650,3640", "1km|2411:1|2410:1",
        "1km|2410:5-3", "5km|2405:3636", "1km|2410:1,2", "1km|2410:1;"}) {
    Result<TileRuns> runs = DecodeTileRuns(text);
    ASSERT_FALSE(runs.ok()) << text;
    EXPECT_EQ(runs.status().code(), StatusCode::kDataLoss) << text;
  }
}

}  // namespace
}  // namespace vivrovert::matching
