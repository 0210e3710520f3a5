// The cost of recording the barometer's demand (issue #20), side by side with the search
// it is recorded for (Google Benchmark, one run):
//   Search             the engine's answer to a request, as POST /api/v1/search computes it
//   SearchAndRecord    the same plus DemandRecorder::Record (what the route adds)
//   Record             Record alone
//   Flush              the worker's cost per search: evaluation on each partner territory
//                      and the writes with their aggregates, on SQLite (a temporary file)
// The requests are the ready-made profiles of data/profiles.json (required criteria the
// grid lacks are dropped), round robin; partners: the Lot's département, the CA du Grand
// Cahors and Figeac (the territories a Lot grid has).
//
//   vivrovert_bench_demand [--grid PATH] [--profiles FILE] [benchmark flags]
// PATH defaults to var/grid/vivrovert.grid; FILE to data/profiles.json.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "domain/demand/demand_recorder.hpp"
#include "domain/partners/partner_store.hpp"
#include "engine/engine.hpp"

namespace {

using namespace vivrovert;

struct Fixture {
  std::unique_ptr<engine::GridFile> grid;
  std::unique_ptr<engine::SearchEngine> engine;
  std::vector<engine::SearchRequest> requests;
  std::unique_ptr<storage::Database> database;
  std::string folder;
};
Fixture* fixture = nullptr;

std::unique_ptr<demand::DemandRecorder> NewRecorder() {
  return std::make_unique<demand::DemandRecorder>(*fixture->database, *fixture->grid,
                                                  SystemClock::Instance(), "");
}

void BM_Search(benchmark::State& state) {
  size_t next = 0;
  for (auto _ : state) {
    engine::SearchResult result = fixture->engine->Search(fixture->requests[next]);
    benchmark::DoNotOptimize(result.green_count);
    next = next + 1 == fixture->requests.size() ? 0 : next + 1;
  }
}

void BM_SearchAndRecord(benchmark::State& state) {
  auto recorder = NewRecorder();
  size_t next = 0, recorded = 0;
  for (auto _ : state) {
    engine::SearchResult result = fixture->engine->Search(fixture->requests[next]);
    benchmark::DoNotOptimize(result.green_count);
    recorder->Record(fixture->requests[next], "");
    next = next + 1 == fixture->requests.size() ? 0 : next + 1;
    if (++recorded == 100'000) {  // a worker would have taken them: start afresh
      state.PauseTiming();
      recorder = NewRecorder();
      recorded = 0;
      state.ResumeTiming();
    }
  }
}

void BM_Record(benchmark::State& state) {
  auto recorder = NewRecorder();
  size_t next = 0, recorded = 0;
  for (auto _ : state) {
    recorder->Record(fixture->requests[next], "");
    next = next + 1 == fixture->requests.size() ? 0 : next + 1;
    if (++recorded == 100'000) {
      state.PauseTiming();
      recorder = NewRecorder();
      recorded = 0;
      state.ResumeTiming();
    }
  }
}

void BM_Flush(benchmark::State& state) {
  auto recorder = NewRecorder();
  const size_t batch = static_cast<size_t>(state.range(0));
  size_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (size_t search = 0; search < batch; ++search) {
      recorder->Record(fixture->requests[next], "");
      next = next + 1 == fixture->requests.size() ? 0 : next + 1;
    }
    state.ResumeTiming();
    demand::FlushReport report = recorder->Flush();
    benchmark::DoNotOptimize(report.searches);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}

}  // namespace

int main(int argc, char** argv) {
  std::string grid_path = "var/grid/vivrovert.grid";
  std::string profiles_path = "data/profiles.json";
  std::vector<char*> rest{argv[0]};
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    if (std::strcmp(argv[arg_idx], "--grid") == 0 && arg_idx + 1 < argc) {
      grid_path = argv[++arg_idx];
    } else if (std::strcmp(argv[arg_idx], "--profiles") == 0 && arg_idx + 1 < argc) {
      profiles_path = argv[++arg_idx];
    } else {
      rest.push_back(argv[arg_idx]);
    }
  }
  Fixture data;
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << grid.status().ToString() << "\n";
    return 1;
  }
  data.grid = std::move(*grid);
  data.engine = std::make_unique<engine::SearchEngine>(*data.grid);
  nlohmann::json profiles = nlohmann::json::parse(std::ifstream(profiles_path), nullptr, false);
  if (!profiles.is_object()) {
    std::cerr << "cannot read " << profiles_path << "\n";
    return 1;
  }
  for (const nlohmann::json& profile : profiles["profiles"]) {
    nlohmann::json criteria = nlohmann::json::array();
    for (const nlohmann::json& constraint : profile["criteria"]) {
      if (data.grid->catalogue().Find(constraint.value("criterion", "")))
        criteria.push_back(constraint);
    }
    auto request =
        engine::ParseSearchRequest({{"level", "1km"}, {"criteria", criteria}}, *data.grid);
    if (request.ok()) data.requests.push_back(*request);
  }
  if (data.requests.empty()) {
    std::cerr << "no usable profile in " << profiles_path << "\n";
    return 1;
  }
  std::cerr << data.requests.size() << " requests from " << profiles_path << "\n";

  char folder[] = "/tmp/vivrovert-demand-bench-XXXXXX";
  data.folder = mkdtemp(folder);
  auto database = storage::Database::Open("sqlite:" + data.folder + "/bench.db");
  if (!database.ok() || !storage::Migrate(**database).ok()) {
    std::cerr << "cannot open the benchmark database\n";
    return 1;
  }
  data.database = std::move(*database);
  {
    storage::Connection connection = data.database->Acquire();
    const std::vector<std::pair<std::string, engine::TerritoryCodes>> partners = {
        {"lot", {{}, {}, {"46"}}},
        {"grand-cahors", {{}, {"200023737"}, {}}},
        {"figeac", {{"46102"}, {}, {}}}};
    for (const auto& [slug, codes] : partners) {
      partners::PartnerInput input;
      input.kind = slug == "lot"      ? partners::PartnerKind::kDepartement
                   : slug == "figeac" ? partners::PartnerKind::kCommune
                                      : partners::PartnerKind::kEpci;
      input.name = slug;
      input.slug = slug;
      input.territory = codes;
      auto created = partners::PartnerStore::Create(connection, input, 0);
      if (!created.ok()) std::cerr << slug << ": " << created.status().ToString() << "\n";
    }
  }
  fixture = &data;

  benchmark::RegisterBenchmark("Search (baseline)", BM_Search);
  benchmark::RegisterBenchmark("SearchAndRecord", BM_SearchAndRecord);
  benchmark::RegisterBenchmark("Record", BM_Record);
  benchmark::RegisterBenchmark("Flush", BM_Flush)->Arg(500)->Unit(benchmark::kMillisecond);
  int bench_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&bench_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ignored;
  std::filesystem::remove_all(data.folder, ignored);
  return 0;
}
