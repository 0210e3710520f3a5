#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/common/json_input.hpp"
#include "domain/listings/placement.hpp"
#include "engine/engine.hpp"

namespace vivrovert::cli {

namespace {

int RunSearch(const std::string& criteria_path, const std::string& grid_path,
              const std::string& format) {
  if (format != "ids" && format != "json")
    return Fail(InvalidArgument("--format must be ids or json", "format"));
  std::string text;
  if (criteria_path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(criteria_path, std::ios::binary);
    if (!in) return Fail(NotFound("cannot open " + criteria_path, "criteria"));
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  Result<nlohmann::json> parsed = ParseUntrustedJson(text, "criteria");
  if (!parsed.ok())
    return Fail(InvalidArgument(criteria_path + ": " + parsed.status().message(), "criteria"));
  nlohmann::json body = std::move(parsed).value();
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) return Fail(grid.status());
  auto request = engine::ParseSearchRequest(body, **grid, listings::PlaceLocatorFor(**grid));
  if (!request.ok()) return Fail(request.status());
  engine::SearchEngine search(**grid);
  if (format == "ids") {
    const engine::LevelView& view = *(*grid)->level(request->level);
    std::vector<std::string> ids;
    for (uint32_t tile : search.GreenTiles(*request)) ids.push_back(view.tile(tile).ToString());
    std::sort(ids.begin(), ids.end());
    for (const std::string& id : ids) std::cout << id << '\n';
    return std::cout ? 0 : 1;
  }
  engine::SearchResult result = search.Search(*request);
  std::cout << engine::SearchResultToJson(search, *request, result).dump(2) << '\n';
  return 0;
}

}  // namespace

void RegisterSearchCommand(CLI::App& app, std::vector<Command>& commands) {
  auto criteria = std::make_shared<std::string>();
  auto grid = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("json");
  CLI::App* search = app.add_subcommand(
      "search", "Find the green tiles of a set of criteria (same JSON as POST /api/v1/search)");
  search->add_option("--criteria", *criteria, "Search request JSON file ('-' for stdin)")
      ->required();
  search->add_option("--grid", *grid, "Grid file (default: the configured paths.grid_file)");
  search->add_option("--format", *format,
                     "ids (green tile ids, one per line, sorted) or json (the API's answer)");
  commands.push_back({search, [=](const Config& config) {
                        return RunSearch(*criteria, grid->empty() ? config.grid_file : *grid,
                                         *format);
                      }});
}

}  // namespace vivrovert::cli
