// vivrovert_bench_matching: the index's side of the matching benchmark (bench/README.md,
// "Matching listings to people").
//
//   vivrovert_bench_matching generate --grid FRANCE.grid --rome rome_fiches.csv --out DIR
//                                     [--seed 1848] [--people 1000000] [--listings 10000]
//   vivrovert_bench_matching run --data DIR --out DIR [--runs 5]
//   vivrovert_bench_matching restart --data DIR --db URL --out DIR [--no-load] [--loader L]
//   vivrovert_bench_matching start --data DIR --db URL --out DIR --snapshot FILE
//                                  [--changes 1000] [--no-load] [--loader L]
//
// `run` loads the CSV files, builds the index (timed), matches every listing once as a
// warm-up, then times each listing's match alone (median, p90, p99 over the listings) and
// the whole batch (median of --runs), on one thread, and writes <out>/pairs.csv
// (listing_id,user_id ordered by both) and <out>/timings.json.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/storage/migrations.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/matching/change_log.hpp"
#include "domain/matching/matcher.hpp"
#include "matching_data.hpp"
#include "matching_db.hpp"

namespace {

using namespace vivrovert;
using Clock = std::chrono::steady_clock;

void WritePairs(const std::string& path, const std::vector<std::pair<int64_t, int64_t>>& pairs);

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of this thread: on a machine shared with builds the wall clock also counts the
// time others held the core, the CPU time does not (see bench/README.md).
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double Quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(q * static_cast<double>(values.size() - 1))];
}

int Run(const std::string& data_dir, const std::string& out_dir, int runs) {
  auto started = Clock::now();
  bench::BenchData data = bench::ReadMatchingData(data_dir);
  const double read_s = Seconds(started);

  started = Clock::now();
  const double build_cpu_started = ThreadCpuSeconds();
  matching::MatchIndex index;
  index.Reserve(data.people.size());
  size_t input_tiles = 0;
  for (const matching::PersonInterest& person : data.people) input_tiles += person.tiles.size();
  index.BulkUpsert(std::move(data.people));
  const double build_s = Seconds(started);
  const double build_cpu_s = ThreadCpuSeconds() - build_cpu_started;
  data.people.clear();
  data.people.shrink_to_fit();

  // Warm-up, and the answer.
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (const bench::BenchListing& listing : data.listings) {
    for (const matching::PersonMatch& match : index.Match(listing.facts))
      pairs.emplace_back(listing.listing_id, match.user_id);
  }
  std::sort(pairs.begin(), pairs.end());

  // One listing at a time, as a publication triggers it.
  std::vector<double> single_us, single_cpu_us;
  single_us.reserve(data.listings.size());
  single_cpu_us.reserve(data.listings.size());
  size_t sink = 0;
  for (const bench::BenchListing& listing : data.listings) {
    const auto start = Clock::now();
    sink += index.Match(listing.facts).size();
    single_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  for (const bench::BenchListing& listing : data.listings) {
    const double start = ThreadCpuSeconds();
    sink += index.Match(listing.facts).size();
    single_cpu_us.push_back((ThreadCpuSeconds() - start) * 1e6);
  }
  // The batch, back to back.
  std::vector<double> batch_ms, batch_cpu_ms;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    for (const bench::BenchListing& listing : data.listings)
      sink += index.Match(listing.facts).size();
    batch_cpu_ms.push_back((ThreadCpuSeconds() - cpu_start) * 1e3);
    batch_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }

  std::filesystem::create_directories(out_dir);
  WritePairs(out_dir + "/pairs.csv", pairs);

  nlohmann::json timings = {
      {"people_indexed", index.person_count()},
      {"input_place_tiles", input_tiles},
      {"postings", index.posting_count()},
      {"index_mib", static_cast<double>(index.ApproximateBytes()) / (1 << 20)},
      {"listings", data.listings.size()},
      {"pairs", pairs.size()},
      {"read_csv_s", read_s},
      {"build_s", build_s},
      {"build_cpu_s", build_cpu_s},
      {"single_median_us", Quantile(single_us, 0.5)},
      {"single_p90_us", Quantile(single_us, 0.9)},
      {"single_p99_us", Quantile(single_us, 0.99)},
      {"single_max_us", Quantile(single_us, 1.0)},
      {"single_cpu_median_us", Quantile(single_cpu_us, 0.5)},
      {"single_cpu_p99_us", Quantile(single_cpu_us, 0.99)},
      {"batch_median_ms", Quantile(batch_ms, 0.5)},
      {"batch_cpu_median_ms", Quantile(batch_cpu_ms, 0.5)},
      {"batch_runs", runs},
      {"checksum", sink},
  };
  std::FILE* json_out = std::fopen((out_dir + "/timings.json").c_str(), "w");
  std::fputs(timings.dump(2).c_str(), json_out);
  std::fputc('\n', json_out);
  std::fclose(json_out);
  std::cout << timings.dump(2) << "\n";
  return 0;
}

void WritePairs(const std::string& path, const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) throw std::runtime_error("cannot write " + path);
  std::fputs("listing_id,user_id\n", out);
  for (const auto& [listing_id, user_id] : pairs) {
    std::fprintf(out, "%lld,%lld\n", static_cast<long long>(listing_id),
                 static_cast<long long>(user_id));
  }
  std::fclose(out);
}

std::unique_ptr<storage::Database> OpenMigrated(const std::string& url) {
  auto database = storage::Database::Open(url);
  if (!database.ok()) throw std::runtime_error(database.status().ToString());
  auto migrated = storage::Migrate(**database);
  if (!migrated.ok()) throw std::runtime_error(migrated.status().ToString());
  return std::move(database).value();
}

// Writes the data into the database, then times the matcher's rebuild from it and writes
// the rebuilt index's pairs, which must equal those of `run`.
int Restart(const std::string& data_dir, const std::string& url, const std::string& out_dir,
            bool load, bench::Loader loader) {
  std::unique_ptr<storage::Database> database = OpenMigrated(url);
  nlohmann::json report;
  if (load) {
    bench::BenchData data = bench::ReadMatchingData(data_dir);
    const auto started = Clock::now();
    bench::LoadIntoDatabase(*database, data, data_dir, loader);
    report["load_db_s"] = Seconds(started);
    report["loader"] = loader == bench::Loader::kBulk ? "bulk" : "inserts";
    report["people_loaded_per_s"] =
        static_cast<double>(data.people.size()) / report["load_db_s"].get<double>();
  }
  bench::BenchData listings_only = bench::ReadMatchingData(data_dir);
  listings_only.people.clear();
  listings_only.people.shrink_to_fit();
  matching::Matcher matcher(*database, nullptr);
  const matching::LoadStats stats = matcher.Rebuild(1'800'000'000);
  report["rebuild_s"] = stats.seconds;
  report["people"] = stats.people;
  report["searches"] = stats.searches;
  report["stale_searches"] = stats.stale_searches;
  report["postings"] = stats.postings;
  report["backend"] = storage::BackendName(database->dialect().backend);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (const bench::BenchListing& listing : listings_only.listings) {
    for (const matching::PersonMatch& match : matcher.Match(listing.facts))
      pairs.emplace_back(listing.listing_id, match.user_id);
  }
  std::sort(pairs.begin(), pairs.end());
  report["pairs"] = pairs.size();
  std::filesystem::create_directories(out_dir);
  WritePairs(out_dir + "/pairs.csv", pairs);
  std::FILE* json_out = std::fopen((out_dir + "/timings.json").c_str(), "w");
  std::fputs(report.dump(2).c_str(), json_out);
  std::fputc('\n', json_out);
  std::fclose(json_out);
  std::cout << report.dump(2) << "\n";
  return 0;
}

// Every (listing, person) pair of the generated listings, sorted.
std::vector<std::pair<int64_t, int64_t>> PairsOf(const matching::Matcher& matcher,
                                                 const bench::BenchData& listings) {
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (const bench::BenchListing& listing : listings.listings) {
    for (const matching::PersonMatch& match : matcher.Match(listing.facts))
      pairs.emplace_back(listing.listing_id, match.user_id);
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// A node's start (issue 25), side by side on the same database in one process: the
// rebuild from the database, then the leader's snapshot written, `changes` people changed
// after it (a favourite commune added, through the change log as another node records
// it), a rebuild again (timed: the start without a snapshot) and a start from the snapshot
// with those changes replayed (timed). The two indexes must give the same pairs.
int Start(const std::string& data_dir, const std::string& url, const std::string& out_dir,
          const std::string& snapshot_path, int64_t changes, bool load, bench::Loader loader,
          bool start_only) {
  constexpr int64_t kAt = 1'800'000'000;
  std::unique_ptr<storage::Database> database = OpenMigrated(url);
  nlohmann::json report;
  report["backend"] = storage::BackendName(database->dialect().backend);
  if (start_only) {
    // The snapshot of an earlier run, read by a new process.
    matching::Matcher started(*database, nullptr);
    const double cpu_before = ThreadCpuSeconds();
    const matching::LoadStats stats = started.Start(snapshot_path, kAt + 20);
    report["start_cpu_s"] = ThreadCpuSeconds() - cpu_before;
    if (!stats.from_snapshot)
      throw std::runtime_error("snapshot refused: " + stats.snapshot_refused);
    report["start_from_snapshot_s"] = stats.seconds;
    report["snapshot_read_s"] = stats.snapshot_read_seconds;
    report["changes_replayed"] = stats.changes_replayed;
    report["start_people"] = stats.people;
    std::cout << report.dump(2) << "\n";
    return 0;
  }
  bench::BenchData data = bench::ReadMatchingData(data_dir);
  if (load) {
    const auto started = Clock::now();
    bench::LoadIntoDatabase(*database, data, data_dir, loader);
    report["load_db_s"] = Seconds(started);
  }
  const auto people = static_cast<int64_t>(data.people.size());
  data.people.clear();
  data.people.shrink_to_fit();
  {
    matching::Matcher leader(*database, nullptr);
    const matching::LoadStats first = leader.Rebuild(kAt);
    report["first_rebuild_s"] = first.seconds;
    const auto started = Clock::now();
    Status written = leader.WriteSnapshot(snapshot_path, kAt);
    if (!written.ok()) throw std::runtime_error(written.ToString());
    report["snapshot_write_s"] = Seconds(started);
    report["snapshot_bytes"] = std::filesystem::file_size(snapshot_path);
  }
  {
    // Changes after the snapshot, as another node records them.
    storage::Connection connection = database->Acquire();
    storage::Transaction transaction(connection);
    const int64_t step = std::max<int64_t>(1, people / std::max<int64_t>(1, changes));
    int64_t changed = 0;
    for (int64_t user_id = 1; user_id <= people && changed < changes; user_id += step) {
      (void)interests::InterestStore::AddFavourite(connection, user_id,
                                                   {"commune", "46042", "Cahors", kAt + 10});
      matching::ChangeLog::Record(connection, user_id, "benchmark", kAt + 10);
      ++changed;
    }
    transaction.Commit();
    report["changes_after_snapshot"] = changed;
  }
  std::vector<std::pair<int64_t, int64_t>> rebuilt_pairs;
  {
    matching::Matcher rebuilt(*database, nullptr);
    const double cpu_before = ThreadCpuSeconds();
    const matching::LoadStats stats = rebuilt.Rebuild(kAt + 20);
    report["rebuild_cpu_s"] = ThreadCpuSeconds() - cpu_before;
    report["rebuild_s"] = stats.seconds;
    report["people"] = stats.people;
    report["postings"] = stats.postings;
    rebuilt_pairs = PairsOf(rebuilt, data);
  }
  matching::Matcher started(*database, nullptr);
  const double cpu_before = ThreadCpuSeconds();
  const matching::LoadStats stats = started.Start(snapshot_path, kAt + 20);
  report["start_cpu_s"] = ThreadCpuSeconds() - cpu_before;
  if (!stats.from_snapshot) throw std::runtime_error("snapshot refused: " + stats.snapshot_refused);
  report["start_from_snapshot_s"] = stats.seconds;
  report["snapshot_read_s"] = stats.snapshot_read_seconds;
  report["changes_replayed"] = stats.changes_replayed;
  report["start_people"] = stats.people;
  report["start_over_rebuild"] = stats.seconds / report["rebuild_s"].get<double>();
  const std::vector<std::pair<int64_t, int64_t>> started_pairs = PairsOf(started, data);
  report["pairs"] = rebuilt_pairs.size();
  report["same_pairs"] = started_pairs == rebuilt_pairs;
  std::filesystem::create_directories(out_dir);
  std::FILE* json_out = std::fopen((out_dir + "/start.json").c_str(), "w");
  std::fputs(report.dump(2).c_str(), json_out);
  std::fputc('\n', json_out);
  std::fclose(json_out);
  std::cout << report.dump(2) << "\n";
  return started_pairs == rebuilt_pairs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The matching benchmark: generate the data, or time the index on it"};
  app.require_subcommand(1);
  bench::GeneratorOptions options;
  CLI::App* generate = app.add_subcommand("generate", "write the people and listings CSV files");
  generate->add_option("--grid", options.grid_path, "the real national grid")->required();
  generate->add_option("--rome", options.rome_csv, "rome_fiches.csv of the open data")->required();
  generate->add_option("--out", options.out_dir)->required();
  generate->add_option("--seed", options.seed);
  generate->add_option("--people", options.people)
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  generate->add_option("--listings", options.listings)
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  std::string data_dir, out_dir;
  int runs = 5;
  CLI::App* run = app.add_subcommand("run", "time the index on a data folder");
  run->add_option("--data", data_dir)->required();
  run->add_option("--out", out_dir)->required();
  run->add_option("--runs", runs)->check(CLI::Range(1, 100));
  std::string url;
  CLI::App* restart = app.add_subcommand(
      "restart", "write the people into a database (unless --no-load) and time the rebuild");
  restart->add_option("--data", data_dir)->required();
  restart->add_option("--db", url, "sqlite:PATH or postgresql://…")->required();
  restart->add_option("--out", out_dir)->required();
  bool no_load = false;
  restart->add_flag("--no-load", no_load, "the database already holds the people");
  std::string loader = "bulk";
  restart
      ->add_option("--loader", loader,
                   "bulk (COPY, or one prepared SQLite statement) or inserts (before issue 25)")
      ->check(CLI::IsMember({"bulk", "inserts"}));
  CLI::App* start = app.add_subcommand(
      "start", "a node's start: rebuild, then from the leader's snapshot with changes replayed");
  start->add_option("--data", data_dir)->required();
  start->add_option("--db", url, "sqlite:PATH or postgresql://…")->required();
  start->add_option("--out", out_dir)->required();
  std::string snapshot_path;
  int64_t changes = 1000;
  start->add_option("--snapshot", snapshot_path, "where the snapshot is written")->required();
  start->add_option("--changes", changes, "people changed after the snapshot")
      ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
  start->add_flag("--no-load", no_load, "the database already holds the people");
  start->add_option("--loader", loader, "bulk or inserts")
      ->check(CLI::IsMember({"bulk", "inserts"}));
  bool start_only = false;
  start->add_flag("--start-only", start_only,
                  "only time a start from the snapshot an earlier run wrote (nothing compared)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (start->parsed()) {
      return Start(data_dir, url, out_dir, snapshot_path, changes, !no_load,
                   loader == "bulk" ? bench::Loader::kBulk : bench::Loader::kInserts, start_only);
    }
    if (restart->parsed()) {
      return Restart(data_dir, url, out_dir, !no_load,
                     loader == "bulk" ? bench::Loader::kBulk : bench::Loader::kInserts);
    }
    if (generate->parsed()) {
      const auto started = Clock::now();
      bench::GeneratorSummary summary = bench::GenerateMatchingData(options);
      std::cout << nlohmann::json{{"people", summary.people},
                                  {"searches", summary.searches},
                                  {"search_green_tiles", summary.search_tiles},
                                  {"search_runs", summary.search_runs},
                                  {"favourite_and_clicked_tiles", summary.tiles},
                                  {"favourite_communes", summary.communes},
                                  {"skills", summary.skills},
                                  {"listings", summary.listings},
                                  {"grid_tiles_1km", summary.grid_tiles_1km},
                                  {"seconds", Seconds(started)}}
                       .dump(2)
                << "\n";
      return 0;
    }
    return Run(data_dir, out_dir, runs);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
}
