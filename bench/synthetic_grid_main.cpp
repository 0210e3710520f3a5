// vivrovert_synthetic_grid: writes the SYNTHETIC national benchmark grid (see
// synthetic_grid.hpp for the model, bench/README.md for how the benchmark uses it).
//
//   vivrovert_synthetic_grid -o var/bench/synthetic.grid [--tiles-from REAL.grid] [--seed 1789]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "engine/grid_file.hpp"
#include "synthetic_grid.hpp"

namespace vivrovert::bench {
namespace {

int Fail(const Status& status) {
  std::cerr << "vivrovert_synthetic_grid: " << status.ToString() << "\n";
  return 1;
}

// One line per criterion: coverage and the 10th / 50th / 90th / 99th percentiles, to see
// the skew of what was generated.
void PrintSummary(const engine::GridFile& grid) {
  for (engine::Level level : {engine::Level::k1km, engine::Level::k5km}) {
    const engine::LevelView* view = grid.level(level);
    if (view == nullptr) continue;
    std::printf("level %s: %zu tiles\n", engine::LevelName(level), view->tile_count());
    if (level != engine::Level::k1km) continue;
    std::printf("  %-26s %8s %10s %10s %10s %10s\n", "criterion", "present", "p10", "p50", "p90",
                "p99");
    const auto& criteria = grid.catalogue().criteria();
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      std::vector<double> values;
      values.reserve(view->tile_count());
      for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
        if (auto value = view->Value(criterion_idx, tile_idx)) values.push_back(*value);
      }
      std::sort(values.begin(), values.end());
      auto at = [&](double quantile) {
        return values.empty()
                   ? 0.0
                   : values[static_cast<size_t>(quantile * static_cast<double>(values.size() - 1))];
      };
      std::printf(
          "  %-26s %7.2f%% %10.2f %10.2f %10.2f %10.2f\n", criteria[criterion_idx].id.c_str(),
          100.0 * static_cast<double>(values.size()) / static_cast<double>(view->tile_count()),
          at(0.1), at(0.5), at(0.9), at(0.99));
    }
  }
}

int Run(int argc, char** argv) {
  CLI::App app{"Write the SYNTHETIC national benchmark grid (deterministic, fixed seed)"};
  SyntheticGridOptions options;
  options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
  std::string output;
  std::string tiles_from;
  bool quiet = false;
  app.add_option("-o,--output", output, "Grid file to write")->required();
  app.add_option("--tiles-from", tiles_from,
                 "A real grid file whose 1 km tiles and communes to reuse (values stay synthetic); "
                 "default: a procedural France-shaped outline");
  app.add_option("--seed", options.seed, "Seed of every random draw")->capture_default_str();
  app.add_option("--criteria", options.criteria_count,
                 "Criteria kept from the head of the catalogue")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--catalogue", options.catalogue_path, "Criteria catalogue")
      ->capture_default_str();
  app.add_option("--missing", options.missing_share, "Share of missing values per criterion")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  app.add_flag("-q,--quiet", quiet, "Do not print the per-criterion summary");
  CLI11_PARSE(app, argc, argv);

  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<engine::GridFile> source;
  if (!tiles_from.empty()) {
    auto opened = engine::GridFile::Open(tiles_from);
    if (!opened.ok()) return Fail(opened.status());
    source = std::move(*opened);
    options.tiles_from = source.get();
  }
  auto grid = MakeSyntheticGrid(options);
  if (!grid.ok()) return Fail(grid.status());
  Status written = engine::WriteGridFile(*grid, output);
  if (!written.ok()) return Fail(written);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s written to %s in %.1f s\n", grid->scope.c_str(), output.c_str(), seconds);
  std::printf("  %s\n", (*grid).sources[0]["dataset"].get<std::string>().c_str());
  if (!quiet) {
    auto reopened = engine::GridFile::Open(output);
    if (!reopened.ok()) return Fail(reopened.status());
    PrintSummary(**reopened);
  }
  return 0;
}

}  // namespace
}  // namespace vivrovert::bench

int main(int argc, char** argv) { return vivrovert::bench::Run(argc, argv); }
