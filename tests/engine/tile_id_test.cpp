#include "engine/tile_id.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace vivrovert::engine {
namespace {

TEST(TileIdTest, FormatsAndParsesEurostatIds) {
  TileId tile{Level::k1km, 3326000, 2776000};
  EXPECT_EQ(tile.ToString(), "CRS3035RES1000mN2776000E3326000");
  auto parsed = TileId::Parse("CRS3035RES5000mN2410000E3635000");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->level, Level::k5km);
  EXPECT_EQ(parsed->east, 3635000);
  EXPECT_EQ(parsed->north, 2410000);
  EXPECT_EQ(TileId::Parse(parsed->ToString()), parsed);
}

TEST(TileIdTest, RefusesMalformedOtherResolutionsAndMisalignedIds) {
  for (const char* text : {"", "CRS3035RES1000mN1E2", "CRS3035RES100mN2776000E3326000",
                           "CRS3035RES1000mN2776500E3326000", "CRS3035RES1000mN2776000E3326000x",
                           "CRS4326RES1000mN2776000E3326000", "CRS3035RES1000mN-1000E3326000"}) {
    EXPECT_FALSE(TileId::Parse(text).has_value()) << text;
  }
}

TEST(TileIdTest, OneKilometreTilesNestInTheirFiveKilometreParent) {
  TileId tile{Level::k1km, 3639000, 2410000};
  TileId parent = tile.Parent();
  EXPECT_EQ(parent.level, Level::k5km);
  EXPECT_EQ(parent.east, 3635000);
  EXPECT_EQ(parent.north, 2410000);
  EXPECT_LE(parent.east, tile.east);
  EXPECT_LT(tile.east, parent.east + 5000);
  EXPECT_EQ(parent.Parent(), parent);
  EXPECT_DOUBLE_EQ(tile.CentreEast(), 3639500);
}

TEST(TileIdTest, HilbertCurveVisitsEveryCellOnceThroughNeighbours) {
  constexpr uint32_t kOrder = 4;
  constexpr uint32_t kSide = 1u << kOrder;
  std::vector<std::pair<uint32_t, uint32_t>> by_index(kSide * kSide);
  std::set<uint64_t> seen;
  for (uint32_t x = 0; x < kSide; ++x) {
    for (uint32_t y = 0; y < kSide; ++y) {
      uint64_t index = HilbertIndex(kOrder, x, y);
      ASSERT_LT(index, kSide * kSide);
      EXPECT_TRUE(seen.insert(index).second);
      by_index[index] = {x, y};
    }
  }
  for (size_t step = 1; step < by_index.size(); ++step) {
    int dx = std::abs(static_cast<int>(by_index[step].first) -
                      static_cast<int>(by_index[step - 1].first));
    int dy = std::abs(static_cast<int>(by_index[step].second) -
                      static_cast<int>(by_index[step - 1].second));
    EXPECT_EQ(dx + dy, 1) << "step " << step;
  }
}

}  // namespace
}  // namespace vivrovert::engine
