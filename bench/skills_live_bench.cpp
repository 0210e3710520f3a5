// The skills alert's whole live path (issue #22, option 3) on a database of SYNTHETIC
// people, beside the database path it replaces:
//  - a SQLite database is filled with generated people (fixed seed 2222): accounts,
//    profiles with 1 to 3 ROME codes each among 532 SYNTHETIC codes drawn ~1/rank, 20 %
//    consented to offers of territories they did not look at, 10 % wanting no
//    notification, 5 % prospects of the partner (a click on its territory), 30 % fully
//    compatible with it, 10 % with 1 to 3 skills alerts this week;
//  - the in-memory index is built from it (LiveSkillIndex::Rebuild, as at a start), then one
//    job of the most common code and one of the median code are chosen for, through
//    ChooseFromIndex (the live path: the index with the partners' leads, batched reads of
//    the people it may choose) and ChooseFromDatabase (the reference: profiles scanned by
//    code, every candidate's facts read), with the default caps and with the job cap lifted;
//  - both must choose the same people (checked at every run); the partner's leads, which
//    the database path reads for each job and the live path keeps in memory, are timed on
//    their own.
// Never real people. docs/PERFORMANCE.md reports the figures.
//
//   vivrovert_bench_skills_live [--people N] [--small N] [--runs N] [--no-old-at-full]
// --people: the large population (default 1,000,000), where the database path runs once
// per job (it takes seconds); --small: the population where both run --runs times
// (default 50,000, 5 runs).
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "deterministic_random.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/skills/live_skill_index.hpp"
#include "domain/skills/skill_alerts.hpp"

namespace {

using namespace vivrovert;
using storage::SqlValue;

constexpr uint64_t kPeopleSeed = 2222;
constexpr int kRomeCodes = 532;
constexpr int64_t kNow = 1781517600;  // 2026-06-15 10:00 UTC
const std::string kTile = "CRS3035RES1000mN2400000E3600000";

// SYNTHETIC code of a rank: "A1000" … "F1031".
std::string CodeOf(int rank) {
  return std::string(1, static_cast<char>('A' + rank / 100)) + std::to_string(1000 + rank % 100);
}

// Inserts rows of `columns` in statements of a few hundred rows, bound parameters only.
void InsertRows(storage::Connection& connection, const std::string& table,
                const std::vector<std::string>& columns,
                const std::vector<std::vector<SqlValue>>& rows) {
  const size_t per_statement = 400;
  for (size_t first = 0; first < rows.size(); first += per_statement) {
    const size_t count = std::min(per_statement, rows.size() - first);
    std::string sql = "INSERT INTO " + table + " (";
    for (size_t col = 0; col < columns.size(); ++col) sql += (col ? ", " : "") + columns[col];
    sql += ") VALUES ";
    std::vector<SqlValue> params;
    for (size_t row = first; row < first + count; ++row) {
      sql += row == first ? "(" : ", (";
      for (size_t col = 0; col < columns.size(); ++col) {
        params.push_back(rows[row][col]);
        sql += (col ? ", $" : "$") + std::to_string(params.size());
      }
      sql += ")";
    }
    connection.Execute(sql, params);
  }
}

struct Population {
  std::unique_ptr<storage::Database> database;
  std::string folder;
  int64_t partner_id = 0;
  std::string common_code, median_code;
  size_t common_holders = 0, median_holders = 0;
  listings::Listing common_job, median_job;
};

listings::Listing InsertJob(storage::Connection& connection, int64_t partner_id,
                            const std::string& code, const std::string& key) {
  listings::Listing job;
  job.source_key = "partner:" + std::to_string(partner_id);
  job.partner_id = partner_id;
  job.external_id = key;
  job.kind = listings::Kind::kJob;
  job.title = "Emploi SYNTHETIQUE " + key;
  job.commune_code = "46042";
  job.tile_1km = kTile;
  job.tile_5km = "CRS3035RES5000mN2400000E3600000";
  job.details = {{"rome_code", code}, {"contract", "cdi"}};
  job.content_hash = key;
  job.created_at = job.updated_at = kNow;
  job.id = listings::ListingStore::Insert(connection, job);
  return job;
}

Population Generate(size_t people, const std::string& name) {
  Population population;
  population.folder = (std::filesystem::temp_directory_path() /
                       ("vivrovert-bench-skills-" + name + "-" + std::to_string(::getpid())))
                          .string();
  std::filesystem::remove_all(population.folder);
  std::filesystem::create_directories(population.folder);
  auto opened = storage::Database::Open("sqlite:" + population.folder + "/bench.db");
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  population.database = std::move(opened).value();
  if (auto migrated = storage::Migrate(*population.database); !migrated.ok())
    throw std::runtime_error(migrated.status().ToString());

  storage::Connection connection = population.database->Acquire();
  storage::Transaction transaction(connection);
  partners::PartnerInput input;
  input.kind = partners::PartnerKind::kEpci;
  input.name = "Partenaire SYNTHETIQUE";
  input.slug = "partenaire-synthetique";
  input.territory = {{}, {"200023737"}, {}};
  population.partner_id = partners::PartnerStore::Create(connection, input, kNow)->id;
  std::vector<int64_t> past_jobs;
  for (int job_idx = 0; job_idx < 3; ++job_idx)
    past_jobs.push_back(
        InsertJob(connection, population.partner_id, CodeOf(0), "past-" + std::to_string(job_idx))
            .id);

  bench::DeterministicRandom random = bench::DeterministicRandom::Stream(kPeopleSeed, "people");
  std::vector<size_t> holders(kRomeCodes, 0);
  std::vector<std::vector<SqlValue>> users, profiles, consents, compatibility, alerts, clicks;
  std::vector<int64_t> clickers;
  // Written a slice of people at a time, to keep the memory of the rows small.
  auto flush = [&] {
    InsertRows(connection, "users",
               {"email", "password_hash", "role", "display_name", "email_verified_at", "created_at",
                "updated_at"},
               users);
    users.clear();
    InsertRows(connection, "profiles", {"user_id", "data", "notification", "updated_at"}, profiles);
    profiles.clear();
    InsertRows(connection, "consents", {"user_id", "scope", "granted", "recorded_at"}, consents);
    InsertRows(connection, "territory_compatibility",
               {"user_id", "partner_id", "search_id", "criteria_met", "criteria_total", "best_tile",
                "margin", "green_tiles", "computed_at"},
               compatibility);
    InsertRows(connection, "skill_alerts", {"listing_id", "user_id", "unvisited", "sent_at"},
               alerts);
    compatibility.clear();
    consents.clear();
    alerts.clear();
  };
  for (size_t person = 0; person < people; ++person) {
    const int64_t user_id = static_cast<int64_t>(person + 1);
    users.push_back({"p" + std::to_string(user_id) + "@synthetique.invalid", std::string("x"),
                     std::string("user"), std::string("SYNTHETIQUE"), kNow - 86400, kNow - 86400,
                     kNow - 86400});
    nlohmann::json codes = nlohmann::json::array();
    const int count = 1 + static_cast<int>(random.Next() % 3);
    for (int code_idx = 0; code_idx < count; ++code_idx) {
      const int rank = std::min(
          static_cast<int>(std::pow(static_cast<double>(kRomeCodes), random.Uniform())) - 1,
          kRomeCodes - 1);
      codes.push_back(CodeOf(rank));
      ++holders[static_cast<size_t>(rank)];
    }
    const bool silent = random.Uniform() < 0.10;
    profiles.push_back({user_id, nlohmann::json{{"work_rome_codes", codes}}.dump(),
                        std::string(silent ? "none" : "instant"), kNow - 7200});
    if (random.Uniform() < 0.20)
      consents.push_back({user_id, std::string("unvisited_jobs"), int64_t{1}, kNow - 7000});
    if (random.Uniform() < 0.05) clickers.push_back(user_id);
    if (random.Uniform() < 0.30)
      compatibility.push_back({user_id, population.partner_id, int64_t{1}, int64_t{5}, int64_t{5},
                               kTile, 0.5, int64_t{12}, kNow - 6000});
    if (random.Uniform() < 0.10) {
      const int sent = 1 + static_cast<int>(random.Next() % 3);
      for (int alert_idx = 0; alert_idx < sent; ++alert_idx)
        alerts.push_back(
            {past_jobs[static_cast<size_t>(alert_idx)], user_id, int64_t{0}, kNow - 86400});
    }
    if (users.size() == 20'000) flush();
  }
  flush();
  for (int64_t user_id : clickers) clicks.push_back({user_id, kTile, int64_t{0}, kNow - 5000});
  InsertRows(connection, "tile_clicks", {"user_id", "tile", "linked", "clicked_at"}, clicks);
  std::vector<std::vector<SqlValue>> partner_clicks;
  for (const storage::Row& row : connection.Query("SELECT id, user_id FROM tile_clicks"))
    partner_clicks.push_back({row.Int(0), population.partner_id, row.Int(1), kTile,
                              std::string("46042"), int64_t{0}, kNow - 5000});
  InsertRows(connection, "partner_clicks",
             {"click_id", "partner_id", "user_id", "tile", "communes", "linked", "clicked_at"},
             partner_clicks);

  std::vector<std::pair<size_t, int>> by_holders;
  for (int rank = 0; rank < kRomeCodes; ++rank)
    by_holders.emplace_back(holders[static_cast<size_t>(rank)], rank);
  std::sort(by_holders.begin(), by_holders.end());
  population.common_code = CodeOf(by_holders.back().second);
  population.common_holders = by_holders.back().first;
  population.median_code = CodeOf(by_holders[by_holders.size() / 2].second);
  population.median_holders = by_holders[by_holders.size() / 2].first;
  population.common_job =
      InsertJob(connection, population.partner_id, population.common_code, "common");
  population.median_job =
      InsertJob(connection, population.partner_id, population.median_code, "median");
  transaction.Commit();
  return population;
}

// Resident memory of the process, in MiB (Linux).
double ResidentMib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double CpuSeconds() {
  timespec spec{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec);
  return static_cast<double>(spec.tv_sec) + static_cast<double>(spec.tv_nsec) * 1e-9;
}

struct Timing {
  double wall_ms = 0;
  double cpu_ms = 0;
  size_t chosen = 0;
};

// Median over `runs` of wall and CPU time.
template <typename Run>
Timing Measure(int runs, Run run) {
  std::vector<double> walls, cpus;
  size_t chosen = 0;
  for (int run_idx = 0; run_idx < runs; ++run_idx) {
    const auto started = std::chrono::steady_clock::now();
    const double cpu_started = CpuSeconds();
    chosen = run();
    cpus.push_back((CpuSeconds() - cpu_started) * 1000);
    walls.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::sort(walls.begin(), walls.end());
  std::sort(cpus.begin(), cpus.end());
  return {walls[walls.size() / 2], cpus[cpus.size() / 2], chosen};
}

void Report(const std::string& what, const Timing& timing) {
  std::cout << "| " << what << " | " << std::fixed << std::setprecision(2) << timing.wall_ms
            << " ms | " << timing.cpu_ms << " ms | " << timing.chosen << " |" << std::endl;
}

void RunPopulation(size_t people, int runs, int old_runs, const std::string& name) {
  std::cout << "\n## " << people << " SYNTHETIC people (seed " << kPeopleSeed << ")" << std::endl;
  const auto generating = std::chrono::steady_clock::now();
  Population population = Generate(people, name);
  std::cout << "generated in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - generating).count()
            << " s; most common code " << population.common_code << " held by "
            << population.common_holders << ", median code " << population.median_code
            << " held by " << population.median_holders << std::endl;
  const double resident_before = ResidentMib();
  skills::LiveSkillIndex index(*population.database);
  const skills::LiveSkillIndex::BuildStats built = index.Rebuild(kNow);
  std::cout << "index built from the database in " << built.seconds << " s: " << built.people
            << " people, " << built.postings << " codes held; resident memory " << resident_before
            << " MiB before, " << ResidentMib() << " MiB after" << std::endl;
  std::cout << "| what | wall (median) | CPU (median) | told |\n|---|---|---|---|" << std::endl;
  storage::Connection connection = population.database->Acquire();
  const std::set<int64_t> matched;
  // What the database path reads for each job and the live path keeps in memory: the
  // partner's contacts and prospects.
  Report("the partner's leads read (database path only: LeadStore::Load, LeadsAt)",
         Measure(runs, [&] {
           return leads::LeadsAt(leads::LeadStore::Load(connection, population.partner_id), kNow)
               .size();
         }));
  for (const skills::SkillAlertLimits limits :
       {skills::SkillAlertLimits{200, 3}, skills::SkillAlertLimits{1'000'000, 3}}) {
    for (const listings::Listing* job : {&population.common_job, &population.median_job}) {
      const std::string label =
          std::string(job == &population.common_job ? "most common" : "median") +
          " code, job cap " + std::to_string(limits.per_job);
      std::vector<skills::Recipient> live, reference;
      Report("live: " + label, Measure(runs, [&] {
               live = skills::ChooseFromIndex(connection, index, *job, matched, limits, kNow);
               return live.size();
             }));
      if (old_runs > 0) {
        Report("database: " + label, Measure(old_runs, [&] {
                 reference = skills::ChooseFromDatabase(connection, *job, matched, limits, kNow);
                 return reference.size();
               }));
        if (live != reference) {
          std::cerr << "the live path and the database path disagree (" << label << ")"
                    << std::endl;
          std::exit(1);
        }
      }
    }
  }
  std::filesystem::remove_all(population.folder);
}

}  // namespace

int main(int argc, char** argv) {
  size_t people = 1'000'000, small = 50'000;
  int runs = 5;
  bool old_at_full = true;
  for (int arg = 1; arg < argc; ++arg) {
    const std::string flag = argv[arg];
    if (flag == "--people" && arg + 1 < argc) {
      people = std::stoul(argv[++arg]);
    } else if (flag == "--small" && arg + 1 < argc) {
      small = std::stoul(argv[++arg]);
    } else if (flag == "--runs" && arg + 1 < argc) {
      runs = std::stoi(argv[++arg]);
    } else if (flag == "--no-old-at-full") {
      old_at_full = false;
    } else {
      std::cerr << "usage: vivrovert_bench_skills_live [--people N] [--small N] [--runs N] "
                   "[--no-old-at-full]"
                << std::endl;
      return 2;
    }
  }
  try {
    if (small > 0) RunPopulation(small, runs, runs, "small");
    RunPopulation(people, runs, old_at_full ? 1 : 0, "full");
  } catch (const std::exception& error) {
    std::cerr << "vivrovert_bench_skills_live: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
