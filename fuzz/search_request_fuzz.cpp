// Fuzz target: the search request parser (the JSON of POST /api/v1/search) and the
// engine behind it must answer any input with a result or an InvalidArgument.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/common/json_input.hpp"
#include "engine/search_engine.hpp"

namespace {

using namespace vivrovert::engine;

const GridFile& Grid() {
  static std::unique_ptr<GridFile> grid = [] {
    nlohmann::json catalogue = {{"groups", {"G"}},
                                {"criteria",
                                 {{{"id", "dist_station_km"},
                                   {"label", "Gare"},
                                   {"unit", "km"},
                                   {"group", "G"},
                                   {"direction", "lower"},
                                   {"source", nlohmann::json::object()},
                                   {"storage", {{"width", 2}, {"step", 0.01}}}},
                                  {{"id", "density"},
                                   {"label", "Densité"},
                                   {"unit", "/km²"},
                                   {"group", "G"},
                                   {"direction", "lower"},
                                   {"source", nlohmann::json::object()},
                                   {"storage", {{"width", 4}, {"step", 1}}}}}}};
    GridData data;
    data.catalogue = *CriteriaCatalogue::FromJson(catalogue);
    data.communes = {{"46042", "Cahors", "46", "200023737"}};
    for (Level level : {Level::k1km, Level::k5km}) {
      LevelData level_data;
      level_data.level = level;
      level_data.share_offsets.push_back(0);
      level_data.codes.resize(2);
      for (int tile = 0; tile < 3000; ++tile) {
        level_data.tiles.push_back({level, 3'600'000 + (tile % 60) * CellSizeMetres(level),
                                    2'400'000 + (tile / 60) * CellSizeMetres(level)});
        level_data.shares.push_back({0, 1.0f});
        level_data.share_offsets.push_back(static_cast<uint32_t>(tile + 1));
        level_data.codes[0].push_back(tile % 97 == 0 ? 65535u
                                                     : static_cast<uint32_t>(tile * 7 % 5000));
        level_data.codes[1].push_back(static_cast<uint32_t>(tile * 13 % 3000));
      }
      data.levels.push_back(level_data);
    }
    std::string path = (std::filesystem::temp_directory_path() /
                        ("vivrovert-fuzz-" + std::to_string(::getpid()) + ".grid"))
                           .string();
    if (!WriteGridFile(data, path).ok()) std::abort();
    auto opened = GridFile::Open(path);
    std::filesystem::remove(path);  // stays mapped
    if (!opened.ok()) std::abort();
    return std::move(opened).value();
  }();
  return *grid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // As POST /api/v1/search reads its body: with the nesting limit of outside JSON.
  auto parsed = vivrovert::ParseUntrustedJson(
      std::string_view(reinterpret_cast<const char*>(data), size), "body");
  if (!parsed.ok()) return 0;
  const nlohmann::json& body = *parsed;
  static const SearchEngine engine(Grid());
  auto request = ParseSearchRequest(body, Grid());
  if (!request.ok()) return 0;
  SearchResult result = engine.Search(*request);
  if (result.green_count > 0)
    (void)engine.Explain(*request, result.tiles.empty() ? 0 : result.tiles[0].tile);
  return 0;
}
