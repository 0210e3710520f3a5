// vivrovert_bench_queries: writes the benchmark's search requests for a grid (see
// query_generator.hpp for the model).
//
//   vivrovert_bench_queries --grid var/bench/synthetic.grid --count 100 --seed 1792 --out DIR
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "engine/grid_file.hpp"
#include "query_generator.hpp"

namespace vivrovert::bench {
namespace {

int Fail(const Status& status) {
  std::cerr << "vivrovert_bench_queries: " << status.ToString() << "\n";
  return 1;
}

int Run(int argc, char** argv) {
  CLI::App app{"Write deterministic benchmark search requests (engine request JSON) for a grid"};
  QueryGeneratorOptions options;
  std::string grid_path, out_dir, level_name = "1km";
  app.add_option("--grid", grid_path, "Grid file the bounds are drawn from")->required();
  app.add_option("--out", out_dir,
                 "Directory to write <query>.json, manifest.tsv, GENERATOR.txt into")
      ->required();
  app.add_option("--count", options.count, "Number of queries")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--seed", options.seed, "Seed of every random draw")->capture_default_str();
  app.add_option("--level", level_name, "1km or 5km")->capture_default_str();
  app.add_option("--min-share", options.min_share, "Smallest target green share")
      ->capture_default_str();
  app.add_option("--max-share", options.max_share, "Largest target green share")
      ->capture_default_str();
  app.add_option("--min-constraints", options.min_constraints, "Fewest constraints per query")
      ->capture_default_str();
  app.add_option("--max-constraints", options.max_constraints, "Most constraints per query")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::optional<engine::Level> level = engine::ParseLevel(level_name);
  if (!level) return Fail(InvalidArgument("level must be 1km or 5km", "level"));
  options.level = *level;

  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) return Fail(grid.status());
  auto queries = GenerateQueries(**grid, options);
  if (!queries.ok()) return Fail(queries.status());
  std::ostringstream description;
  description
      << "Benchmark queries written by vivrovert_bench_queries (bench/query_generator.hpp).\n"
      << "grid: " << grid_path << " (" << (*grid)->header().value("scope", std::string()) << ")\n"
      << "regenerate: vivrovert_bench_queries --grid " << grid_path << " --level " << level_name
      << " --count " << options.count << " --seed " << options.seed << " --min-share "
      << options.min_share << " --max-share " << options.max_share << " --min-constraints "
      << options.min_constraints << " --max-constraints " << options.max_constraints << " --out "
      << out_dir;
  Status written = WriteQueries(*queries, out_dir, description.str());
  if (!written.ok()) return Fail(written);

  std::vector<double> shares;
  for (const GeneratedQuery& query : *queries) {
    shares.push_back(static_cast<double>(query.green_count) /
                     static_cast<double>(query.level_tiles));
  }
  std::sort(shares.begin(), shares.end());
  std::printf("%zu queries (%s, seed %llu) written to %s\n", queries->size(), level_name.c_str(),
              static_cast<unsigned long long>(options.seed), out_dir.c_str());
  std::printf("green share: min %.3f %%, median %.3f %%, max %.3f %%\n", 100 * shares.front(),
              100 * shares[shares.size() / 2], 100 * shares.back());
  return 0;
}

}  // namespace
}  // namespace vivrovert::bench

int main(int argc, char** argv) { return vivrovert::bench::Run(argc, argv); }
