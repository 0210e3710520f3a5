// Option 3's hot paths (issue #22), Google Benchmark, side by side in one run:
//  - a skills alert for one job against 1,000,000 SYNTHETIC people (fixed seed 2222): the
//    ROME-code index's candidates and the rule's choice under consent and caps
//    (domain/skills/skill_rules.hpp), for the most common code and a median one; beside
//    it, a plain scan of every person's codes, the cost without the index;
//  - the similarity of one territory to every EPCI (domain/similarity), on the SYNTHETIC
//    national grid (seed 1789, bench/synthetic_grid.hpp), beside building the index.
// Never real people: every person, code and fact is generated. docs/PERFORMANCE.md reports
// the figures.
//
//   vivrovert_bench_skills [benchmark flags]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "deterministic_random.hpp"
#include "domain/similarity/territory_similarity.hpp"
#include "domain/skills/skill_rules.hpp"
#include "synthetic_grid.hpp"

namespace {

using namespace vivrovert;

constexpr uint64_t kPeopleSeed = 2222;
constexpr size_t kPeople = 1'000'000;
constexpr uint32_t kRomeCodes = 532;  // fiches of the ROME v3

struct People {
  std::vector<skills::SkillIndex::PersonSkills> skills;
  skills::SkillIndex index;
  skills::AudienceFacts facts;
  uint32_t common_code = 0;  // held by the most people
  uint32_t median_code = 0;
};

// 1 to 3 codes a person, Zipf-like over the codes (a few trades are very common); 5 % looked
// at the territory, 30 % compatible with it, 20 % consented, 10 % excluded, 10 % with
// 1 to 3 alerts this week.
People MakePeople() {
  People people;
  bench::DeterministicRandom random = bench::DeterministicRandom::Stream(kPeopleSeed, "people");
  people.skills.reserve(kPeople);
  std::vector<size_t> holders(kRomeCodes, 0);
  for (size_t person = 0; person < kPeople; ++person) {
    skills::SkillIndex::PersonSkills entry;
    entry.user_id = static_cast<int64_t>(person + 1);
    const int codes = 1 + static_cast<int>(random.Next() % 3);
    for (int code_idx = 0; code_idx < codes; ++code_idx) {
      const double u = random.Uniform();
      const uint32_t rank =
          static_cast<uint32_t>(std::pow(static_cast<double>(kRomeCodes), u)) - 1;  // ~1/rank
      entry.rome_codes.push_back(10'000 + std::min(rank, kRomeCodes - 1));
      ++holders[std::min(rank, kRomeCodes - 1)];
    }
    const double u = random.Uniform();
    if (u < 0.05) people.facts.looked.push_back(entry.user_id);
    if (random.Uniform() < 0.30) people.facts.compatible.push_back(entry.user_id);
    if (random.Uniform() < 0.20) people.facts.consented.push_back(entry.user_id);
    if (random.Uniform() < 0.10) people.facts.excluded.push_back(entry.user_id);
    if (random.Uniform() < 0.10)
      people.facts.alerts_this_week.emplace_back(entry.user_id,
                                                 1 + static_cast<int>(random.Next() % 3));
    people.skills.push_back(std::move(entry));
  }
  people.index = skills::SkillIndex::Build(people.skills);
  std::vector<std::pair<size_t, uint32_t>> by_holders;
  for (uint32_t rank = 0; rank < kRomeCodes; ++rank) by_holders.emplace_back(holders[rank], rank);
  std::sort(by_holders.begin(), by_holders.end());
  people.common_code = 10'000 + by_holders.back().second;
  people.median_code = 10'000 + by_holders[by_holders.size() / 2].second;
  return people;
}

People* people = nullptr;

void BM_SkillAlert(benchmark::State& state) {
  const uint32_t code = state.range(0) == 0 ? people->common_code : people->median_code;
  const skills::SkillAlertLimits limits{1'000'000, 3};  // no job cap: the whole audience
  size_t chosen = 0, candidates = 0;
  for (auto _ : state) {
    const auto found = people->index.People(code);
    const std::vector<skills::Recipient> recipients =
        skills::ChooseRecipients(found, people->facts, limits);
    candidates = found.size();
    chosen = recipients.size();
    benchmark::DoNotOptimize(recipients.data());
  }
  state.counters["candidates"] = static_cast<double>(candidates);
  state.counters["told"] = static_cast<double>(chosen);
  state.SetLabel(state.range(0) == 0 ? "1M people, most common code" : "1M people, median code");
}
BENCHMARK(BM_SkillAlert)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The baseline: every person's codes scanned for the job's, then the same rule.
void BM_SkillAlertScan(benchmark::State& state) {
  const uint32_t code = people->common_code;
  const skills::SkillAlertLimits limits{1'000'000, 3};
  size_t chosen = 0;
  for (auto _ : state) {
    std::vector<int64_t> found;
    for (const auto& person : people->skills) {
      if (std::find(person.rome_codes.begin(), person.rome_codes.end(), code) !=
          person.rome_codes.end())
        found.push_back(person.user_id);
    }
    chosen = skills::ChooseRecipients(found, people->facts, limits).size();
    benchmark::DoNotOptimize(found.data());
  }
  state.counters["told"] = static_cast<double>(chosen);
  state.SetLabel("1M people, most common code, scan without index");
}
BENCHMARK(BM_SkillAlertScan)->Unit(benchmark::kMillisecond);

struct Territories {
  std::string path;
  std::unique_ptr<engine::GridFile> grid;
  std::unique_ptr<similarity::SimilarityIndex> index;
  ~Territories() {
    grid.reset();
    if (!path.empty()) std::filesystem::remove(path);
  }
};
Territories* territories = nullptr;

void BM_SimilarToAllEpci(benchmark::State& state) {
  const similarity::SimilarityIndex& index = *territories->index;
  const std::string& epci = index.codes()[index.codes().size() / 2];
  size_t found = 0;
  for (auto _ : state) {
    const std::vector<similarity::Neighbour> nearest =
        index.Nearest(index.ProfileOfUnit(epci), 10, {epci});
    found = nearest.size();
    benchmark::DoNotOptimize(nearest.data());
  }
  state.counters["epci"] = static_cast<double>(index.codes().size());
  state.counters["criteria"] = static_cast<double>(index.criterion_count());
  state.counters["found"] = static_cast<double>(found);
  state.SetLabel("one EPCI against every EPCI, 10 nearest (SYNTHETIC grid)");
}
BENCHMARK(BM_SimilarToAllEpci)->Unit(benchmark::kMillisecond);

void BM_SimilarityIndexBuild(benchmark::State& state) {
  for (auto _ : state) {
    similarity::SimilarityIndex index = similarity::SimilarityIndex::Build(*territories->grid);
    benchmark::DoNotOptimize(index.codes().data());
  }
  state.SetLabel("profiles of every EPCI, once per grid (SYNTHETIC grid)");
}
BENCHMARK(BM_SimilarityIndexBuild)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  People made = MakePeople();
  people = &made;

  bench::SyntheticGridOptions options;
  options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
  auto data = bench::MakeSyntheticGrid(options);
  if (!data.ok()) {
    std::cerr << "vivrovert_bench_skills: " << data.status().ToString() << "\n";
    return 1;
  }
  Territories loaded;
  loaded.path = (std::filesystem::temp_directory_path() /
                 ("vivrovert-bench-skills-" + std::to_string(::getpid()) + ".grid"))
                    .string();
  if (Status written = engine::WriteGridFile(*data, loaded.path); !written.ok()) {
    std::cerr << "vivrovert_bench_skills: " << written.ToString() << "\n";
    return 1;
  }
  auto grid = engine::GridFile::Open(loaded.path);
  if (!grid.ok()) {
    std::cerr << "vivrovert_bench_skills: " << grid.status().ToString() << "\n";
    return 1;
  }
  loaded.grid = std::move(grid).value();
  loaded.index = std::make_unique<similarity::SimilarityIndex>(
      similarity::SimilarityIndex::Build(*loaded.grid));
  territories = &loaded;

  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
