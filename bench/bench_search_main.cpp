// vivrovert_bench_search: the engine side of bench/compare.sh. Reads every request JSON of
// a folder, times the green count and the ranked top-500 (median of --runs after one
// warm-up, one thread), and writes the ids so that compare.sh can check them against
// DuckDB (format in bench/README.md, "What the engine side must provide").
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"

namespace {

using namespace vivrovert;
using namespace vivrovert::engine;
namespace fs = std::filesystem;

template <typename Work>
double MedianMilliseconds(int runs, Work&& work) {
  work();  // warm-up
  std::vector<double> times;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    work();
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time the engine on the benchmark queries and write their results"};
  std::string grid_path, queries, out;
  int runs = 5;
  app.add_option("--grid", grid_path)->required();
  app.add_option("--queries", queries)->required();
  app.add_option("--out", out)->required();
  app.add_option("--runs", runs)->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  auto grid = GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << grid.status().ToString() << "\n";
    return 1;
  }
  SearchEngine engine(**grid);
  fs::create_directories(out);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(queries)) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "manifest.json")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::ofstream timings(fs::path(out) / "timings.tsv");
  timings << "query\tgreen_count\tcount_ms\ttop500_ms\n";
  for (const fs::path& file : files) {
    std::ifstream in(file);
    nlohmann::json body = nlohmann::json::parse(in, nullptr, false);
    auto request = body.is_discarded() ? Result<SearchRequest>(InvalidArgument("malformed JSON"))
                                       : ParseSearchRequest(body, **grid);
    if (!request.ok()) {
      std::cerr << file << ": " << request.status().ToString() << "\n";
      return 1;
    }
    const std::string name = file.stem().string();
    const LevelView& view = *(*grid)->level(request->level);
    uint64_t green = 0;
    const double count_ms = MedianMilliseconds(runs, [&] { green = engine.Count(*request); });
    std::vector<RankedTile> top;
    const double top_ms = MedianMilliseconds(runs, [&] { top = engine.TopTiles(*request, 500); });

    std::vector<std::string> ids;
    for (uint32_t tile : engine.GreenTiles(*request)) ids.push_back(view.tile(tile).ToString());
    std::sort(ids.begin(), ids.end());
    std::ofstream green_out(fs::path(out) / (name + ".green.txt"));
    for (const std::string& id : ids) green_out << id << '\n';
    std::ofstream top_out(fs::path(out) / (name + ".top500.tsv"));
    char score[32];
    for (const RankedTile& ranked : top) {
      std::snprintf(score, sizeof(score), "%.17g", ranked.score);
      top_out << view.tile(ranked.tile).ToString() << '\t' << score << '\n';
    }
    timings << name << '\t' << green << '\t' << count_ms << '\t' << top_ms << '\n';
  }
  return 0;
}
