#include "domain/matching/tile_runs.hpp"

#include <algorithm>
#include <charconv>

namespace vivrovert::matching {

namespace {

bool ReadNumber(std::string_view& text, int32_t& out) {
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, out);
  if (error != std::errc() || out < 0 || out > 20000) return false;
  text.remove_prefix(static_cast<size_t>(next - text.data()));
  return true;
}

}  // namespace

std::string EncodeTileRuns(engine::Level level, std::vector<engine::TileId> tiles) {
  std::sort(tiles.begin(), tiles.end(), [](const engine::TileId& a, const engine::TileId& b) {
    return a.north != b.north ? a.north < b.north : a.east < b.east;
  });
  tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
  const int32_t step_km = engine::CellSizeMetres(level) / 1000;
  std::string out = engine::LevelName(level);
  size_t tile_idx = 0;
  while (tile_idx < tiles.size()) {
    const int32_t north = tiles[tile_idx].north;
    out += '|';
    out += std::to_string(north / 1000);
    out += ':';
    bool first = true;
    while (tile_idx < tiles.size() && tiles[tile_idx].north == north) {
      const int32_t start = tiles[tile_idx].east / 1000;
      int32_t last = start;
      ++tile_idx;
      while (tile_idx < tiles.size() && tiles[tile_idx].north == north &&
             tiles[tile_idx].east / 1000 == last + step_km) {
        last += step_km;
        ++tile_idx;
      }
      if (!first) out += ',';
      first = false;
      out += std::to_string(start);
      if (last != start) {
        out += '-';
        out += std::to_string(last);
      }
    }
  }
  return out;
}

Result<TileRuns> DecodeTileRuns(std::string_view text) {
  auto damaged = [](const std::string& why) {
    return Status(StatusCode::kDataLoss, "Dalles enregistrées illisibles : " + why + ".");
  };
  TileRuns runs;
  const size_t bar = text.find('|');
  std::optional<engine::Level> level = engine::ParseLevel(text.substr(0, bar));
  if (!level) return damaged("niveau inconnu");
  runs.level = *level;
  const int32_t step_km = engine::CellSizeMetres(*level) / 1000;
  if (bar == std::string_view::npos) return runs;
  text.remove_prefix(bar + 1);
  int32_t previous_north = -1;
  while (true) {
    int32_t north = 0;
    if (!ReadNumber(text, north) || text.empty() || text.front() != ':')
      return damaged("rangée mal formée");
    if (north <= previous_north || north % step_km != 0) return damaged("rangées hors d'ordre");
    previous_north = north;
    text.remove_prefix(1);
    int32_t previous_east = -2 * step_km;
    while (true) {
      int32_t start = 0;
      if (!ReadNumber(text, start)) return damaged("suite mal formée");
      int32_t last = start;
      if (!text.empty() && text.front() == '-') {
        text.remove_prefix(1);
        if (!ReadNumber(text, last)) return damaged("suite mal formée");
      }
      if (start <= previous_east + step_km || last < start || start % step_km != 0 ||
          last % step_km != 0) {
        return damaged("suites hors d'ordre");
      }
      for (int32_t east = start; east <= last; east += step_km) {
        runs.tiles.push_back({*level, east * 1000, north * 1000});
      }
      previous_east = last;
      if (text.empty() || text.front() != ',') break;
      text.remove_prefix(1);
    }
    if (text.empty()) break;
    if (text.front() != '|') return damaged("séparateur inattendu");
    text.remove_prefix(1);
  }
  return runs;
}

}  // namespace vivrovert::matching
