#include "engine/tile_id.hpp"

#include <charconv>
#include <utility>

namespace vivrovert::engine {

const char* LevelName(Level level) { return level == Level::k1km ? "1km" : "5km"; }

std::optional<Level> ParseLevel(std::string_view name) {
  if (name == "1km") return Level::k1km;
  if (name == "5km") return Level::k5km;
  return std::nullopt;
}

std::string TileId::ToString() const {
  return "CRS3035RES" + std::to_string(CellSizeMetres(level)) + "mN" + std::to_string(north) + "E" +
         std::to_string(east);
}

std::optional<TileId> TileId::Parse(std::string_view text) {
  constexpr std::string_view kPrefix = "CRS3035RES";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  auto read_int = [&text](int32_t& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (error != std::errc() || end == text.data()) return false;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    return true;
  };
  int32_t resolution = 0;
  TileId tile;
  if (!read_int(resolution) || !text.starts_with("mN")) return std::nullopt;
  text.remove_prefix(2);
  if (!read_int(tile.north) || !text.starts_with("E")) return std::nullopt;
  text.remove_prefix(1);
  if (!read_int(tile.east) || !text.empty()) return std::nullopt;
  if (resolution == 1000) {
    tile.level = Level::k1km;
  } else if (resolution == 5000) {
    tile.level = Level::k5km;
  } else {
    return std::nullopt;
  }
  if (tile.east % resolution != 0 || tile.north % resolution != 0 || tile.east < 0 ||
      tile.north < 0) {
    return std::nullopt;
  }
  return tile;
}

TileId TileId::Parent() const {
  constexpr int32_t kParent = CellSizeMetres(Level::k5km);
  return {Level::k5km, east / kParent * kParent, north / kParent * kParent};
}

uint64_t HilbertIndex(uint32_t order, uint32_t x, uint32_t y) {
  // The classic walk from the largest quadrant down, rotating the frame so that each
  // quadrant's curve joins the next one.
  const uint64_t side = uint64_t{1} << order;
  uint64_t index = 0;
  for (uint64_t half = side / 2; half > 0; half /= 2) {
    const uint64_t rx = (x & half) ? 1 : 0;
    const uint64_t ry = (y & half) ? 1 : 0;
    index += half * half * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = static_cast<uint32_t>(side - 1 - x);
        y = static_cast<uint32_t>(side - 1 - y);
      }
      std::swap(x, y);
    }
  }
  return index;
}

}  // namespace vivrovert::engine
