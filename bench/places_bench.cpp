// The cost of the person's own places (issue 23), Google Benchmark, side by side in one
// run: the same 1 km search (POST /api/v1/search's work: green count, ranked page,
// communes, relaxation hints) without places, with two required places (a household's
// 25 and 40 km, and 300 and 350 km circles that keep most tiles), with two preferred
// places, and with one of each. docs/PERFORMANCE.md reports the ratios.
//
//   vivrovert_bench_places [--grid PATH] [benchmark flags]
// PATH defaults to var/grid/vivrovert.grid (the national grid of `make run`).
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/listings/placement.hpp"
#include "engine/engine.hpp"

namespace {

using namespace vivrovert;

struct Fixture {
  std::unique_ptr<engine::GridFile> grid;
  std::unique_ptr<engine::SearchEngine> engine;
  std::vector<engine::SearchRequest> requests;
};
Fixture* fixture = nullptr;

// A household of Brive-la-Gaillarde (Léa) and Tulle (Sam), 22 km apart.
constexpr const char* kCriteria =
    R"("criteria":[{"criterion":"dist_station_km","max":15},
       {"criterion":"density","min":10,"max":300,"importance":"preferred","weight":3},
       {"criterion":"dist_hospital_km","max":20,"importance":"preferred"}])";
constexpr const char* kLea = R"({"name":"travail de Léa","lat":45.158,"lon":1.533,"max_km":25)";
constexpr const char* kSam = R"({"name":"travail de Sam","lat":45.267,"lon":1.770,"max_km":40)";

struct Case {
  const char* label;
  std::string places;  // the "places" list, or empty
};

std::vector<Case> Cases() {
  const std::string lea = kLea, sam = kSam;
  const std::string preferred = R"(,"importance":"preferred","weight":2})";
  return {
      {"no places", ""},
      {"2 required places", "[" + lea + "}," + sam + "}]"},
      {"2 preferred places", "[" + lea + preferred + "," + sam + preferred + "]"},
      {"1 required + 1 preferred", "[" + lea + "}," + sam + preferred + "]"},
      // The worst case of the filter: circles of 300 and 350 km cross hundreds of blocks,
      // which compute distances tile by tile, and keep most of the green tiles.
      {"2 required places, 300/350 km",
       R"([{"name":"travail de Léa","lat":45.158,"lon":1.533,"max_km":300},)"
       R"({"name":"travail de Sam","lat":45.267,"lon":1.770,"max_km":350}])"},
  };
}

void BM_Search(benchmark::State& state) {
  const auto& request = fixture->requests[static_cast<size_t>(state.range(0))];
  uint64_t green = 0;
  for (auto _ : state) {
    engine::SearchResult result = fixture->engine->Search(request);
    green = result.green_count;
    benchmark::DoNotOptimize(result.tiles.data());
  }
  state.counters["green"] = static_cast<double>(green);
  state.SetLabel(Cases()[static_cast<size_t>(state.range(0))].label);
}
BENCHMARK(BM_Search)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::string grid_path = "var/grid/vivrovert.grid";
  std::vector<char*> rest;
  for (int arg_idx = 0; arg_idx < argc; ++arg_idx) {
    if (std::strncmp(argv[arg_idx], "--grid=", 7) == 0) {
      grid_path = argv[arg_idx] + 7;
    } else if (std::strcmp(argv[arg_idx], "--grid") == 0 && arg_idx + 1 < argc) {
      grid_path = argv[++arg_idx];
    } else {
      rest.push_back(argv[arg_idx]);
    }
  }
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << "vivrovert_bench_places: " << grid.status().ToString() << " (--grid PATH)\n";
    return 1;
  }
  Fixture data;
  data.grid = std::move(grid).value();
  data.engine = std::make_unique<engine::SearchEngine>(*data.grid);
  const engine::PlaceLocator locator = listings::PlaceLocatorFor(*data.grid);
  for (const Case& c : Cases()) {
    std::string text = std::string(R"({"level":"1km",)") + kCriteria;
    if (!c.places.empty()) text += R"(,"places":)" + c.places;
    text += "}";
    auto request = engine::ParseSearchRequest(nlohmann::json::parse(text), *data.grid, locator);
    if (!request.ok()) {
      std::cerr << c.label << ": " << request.status().ToString() << "\n";
      return 1;
    }
    data.requests.push_back(*request);
  }
  fixture = &data;
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
