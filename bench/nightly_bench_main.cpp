// The nightly run on generated data (bench/README.md, "The nightly run"): the people of
// the matching benchmark's data folder written into a real database (SQLite or
// PostgreSQL), N of its SYNTHETIC listings published as new, then the whole run timed as
// the server and `vivrovert nightly` do it: the matcher's rebuild, the matching pass
// (notifications, instant mails) and the digests (selection, rendering, queueing). SMTP
// delivery is not part of it. Never part of `make test`.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "core/storage/migrations.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "matching_data.hpp"
#include "matching_db.hpp"

namespace vivrovert {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The generated people were written at 1.8e9 (matching_db.cpp); the listings are published
// an hour later and the run starts two hours later.
constexpr int64_t kPeopleWritten = 1'800'000'000;
constexpr int64_t kPublished = kPeopleWritten + 3600;
constexpr int64_t kRunAt = kPeopleWritten + 7200;

double Seconds(SteadyClock::time_point since) {
  return std::chrono::duration<double>(SteadyClock::now() - since).count();
}

const char* PropertyTypeCode(matching::PropertyType type) {
  switch (type) {
    case matching::PropertyType::kHouse:
      return "house";
    case matching::PropertyType::kFlat:
      return "flat";
    case matching::PropertyType::kLand:
      return "land";
    case matching::PropertyType::kFarm:
      return "farm";
    default:
      return "other";
  }
}

std::string RomeCode(uint32_t number) {
  char code[8];
  std::snprintf(code, sizeof code, "%c%04u", static_cast<char>('A' + number / 10000),
                number % 10000);
  return code;
}

// A generated listing as the listing store keeps it (its kind's fields in `details`).
listings::Listing ToListing(const bench::BenchListing& generated) {
  const matching::ListingFacts& facts = generated.facts;
  listings::Listing listing;
  listing.source_key = "synthetic-benchmark";
  listing.external_id = "synthetique-" + std::to_string(generated.listing_id);
  listing.kind = facts.kind;
  listing.title = "Annonce SYNTHÉTIQUE " + std::to_string(generated.listing_id);
  listing.commune_code = facts.commune_code;
  listing.tile_1km = facts.tile_1km;
  listing.tile_5km = facts.tile_5km;
  listing.precision = listings::Precision::kCommune;
  nlohmann::json details = nlohmann::json::object();
  switch (facts.kind) {
    case listings::Kind::kHousing:
      details["transaction"] = facts.is_rent ? "rent" : "sale";
      details["property_type"] = PropertyTypeCode(facts.property_type);
      if (facts.rooms) details["rooms"] = *facts.rooms;
      if (facts.surface_m2) details["surface_m2"] = *facts.surface_m2;
      if (facts.price_eur) details["price_eur"] = *facts.price_eur;
      break;
    case listings::Kind::kJob:
      if (facts.rome_code) details["rome_code"] = RomeCode(*facts.rome_code);
      break;
    case listings::Kind::kBusiness:
      if (!facts.business_sector.empty()) details["sector"] = facts.business_sector;
      if (facts.price_eur) details["price_eur"] = *facts.price_eur;
      break;
    default:
      break;
  }
  listing.details = std::move(details);
  listing.content_hash = "synthetic-" + std::to_string(generated.listing_id);
  listing.created_at = kPublished;
  listing.updated_at = kPublished;
  return listing;
}

struct Steps {
  bool load = true;     // write the people
  bool publish = true;  // publish the listings
  bool run = true;      // then time the rebuild and the run
  // The paths before issue 25, for a side-by-side run: the matching pass one listing and
  // one mail at a time, mstch handed every partial at every render.
  bool before = false;
  bool every_partial = false;  // only the templates' part of `before`
  bench::Loader loader = bench::Loader::kBulk;
};

int Run(const std::string& data_dir, const std::string& url, const std::string& out_dir,
        const std::string& grid_path, const std::string& resource_dir, int64_t listing_count,
        Steps steps) {
  nlohmann::json report;
  auto opened = storage::Database::Open(url);
  if (!opened.ok()) throw std::runtime_error(opened.status().ToString());
  std::unique_ptr<storage::Database> database = std::move(opened).value();
  auto migrated = storage::Migrate(*database);
  if (!migrated.ok()) throw std::runtime_error(migrated.status().ToString());
  report["backend"] = storage::BackendName(database->dialect().backend);

  bench::BenchData data = bench::ReadMatchingData(data_dir);
  if (steps.load) {
    const auto started = SteadyClock::now();
    bench::LoadIntoDatabase(*database, data, data_dir, steps.loader);
    report["load_people_s"] = Seconds(started);
    report["loader"] = steps.loader == bench::Loader::kBulk ? "bulk" : "inserts";
    report["people_loaded_per_s"] =
        static_cast<double>(data.people.size()) / report["load_people_s"].get<double>();
  }
  if (steps.publish) {
    const auto started = SteadyClock::now();
    storage::Connection connection = database->Acquire();
    storage::Transaction transaction(connection);
    int64_t published = 0;
    for (const bench::BenchListing& generated : data.listings) {
      if (published == listing_count) break;
      listings::ListingStore::Insert(connection, ToListing(generated));
      ++published;
    }
    transaction.Commit();
    report["listings_published"] = published;
    report["publish_s"] = Seconds(started);
  }
  data.people.clear();
  data.people.shrink_to_fit();
  if (!steps.run) {
    std::cout << report.dump(2) << "\n";
    return 0;
  }

  std::unique_ptr<engine::GridFile> grid;
  if (!grid_path.empty()) {
    auto opened_grid = engine::GridFile::Open(grid_path);
    if (!opened_grid.ok()) throw std::runtime_error(opened_grid.status().ToString());
    grid = std::move(opened_grid).value();
  }
  auto templates = mail::MailTemplates::Load(resource_dir, steps.before || steps.every_partial);
  if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
  ManualClock clock(kRunAt);
  const auto total_started = SteadyClock::now();
  matching::Matcher matcher(*database, nullptr);
  const matching::LoadStats loaded = matcher.Rebuild(kRunAt);
  report["rebuild_s"] = loaded.seconds;
  report["people_indexed"] = loaded.people;
  notifications::NotificationPass pass(
      *database, matcher, *templates, grid.get(), clock,
      {"https://vivrovert.fr", "synthetic-benchmark-secret-of-32-chars", 200, steps.before});
  report["paths"] = steps.before          ? "before issue 25"
                    : steps.every_partial ? "current, every partial"
                                          : "current";
  nightly::NightlyRun run(*database, pass, *templates, grid.get(), clock,
                          {"https://vivrovert.fr",
                           "synthetic-benchmark-secret-of-32-chars",
                           500,
                           0,
                           {},
                           nightly::RetentionPolicy{},
                           {}});
  // The matching pass first on its own, for its time; the run's own pass then finds the
  // queue empty.
  const auto pass_started = SteadyClock::now();
  const notifications::PassReport matched = pass.Run();
  report["pass_s"] = Seconds(pass_started);
  nightly::NightlyReport night = run.Run(ParisDate(kRunAt));
  night.pass = matched;
  report["digests_s"] = night.seconds;
  report["run_s"] = report["pass_s"].get<double>() + night.seconds;
  report["rebuild_and_run_s"] = Seconds(total_started);
  report["pass_listings"] = night.pass.listings;
  report["notifications"] = night.pass.notified;
  report["instant_mails"] = night.pass.instant_mails;
  report["digest_tasks"] = night.digest_tasks_done;
  report["digests_queued"] = night.digests_queued;
  report["digests_empty"] = night.digests_empty;
  report["digests_not_due"] = night.digests_not_due;
  report["news_told"] = night.news_told;
  report["finished"] = night.finished;
  std::filesystem::create_directories(out_dir);
  std::FILE* out = std::fopen((out_dir + "/nightly.json").c_str(), "w");
  std::fputs(report.dump(2).c_str(), out);
  std::fputc('\n', out);
  std::fclose(out);
  std::cout << report.dump(2) << "\n";
  return night.finished ? 0 : 1;
}

}  // namespace
}  // namespace vivrovert

int main(int argc, char** argv) {
  CLI::App app{"The nightly run on the matching benchmark's generated people and listings"};
  std::string data_dir, url, out_dir, grid_path, resource_dir = VIVROVERT_SOURCE_ROOT;
  int64_t listings = 10'000;
  bool no_load = false, no_publish = false, no_run = false, before = false, every_partial = false;
  app.add_option("--data", data_dir, "a folder of vivrovert_bench_matching generate")->required();
  app.add_option("--db", url, "sqlite:PATH or postgresql://… (a new, empty database)")->required();
  app.add_option("--out", out_dir)->required();
  app.add_option("--grid", grid_path,
                 "the national grid (communes of clicked tiles, commune names)");
  app.add_option("--resources", resource_dir, "the source tree (mail templates)");
  app.add_option("--listings", listings, "how many of the generated listings are published")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  app.add_flag("--no-load", no_load, "the database already holds the people");
  app.add_flag("--no-publish", no_publish, "the database already holds the listings");
  app.add_flag("--no-run", no_run, "stop after loading and publishing (e.g. to copy the database)");
  app.add_flag("--before", before,
               "the paths before issue 25 (matching pass one at a time, every partial)");
  app.add_flag("--every-partial", every_partial,
               "only the templates' part of --before (mstch handed every partial)");
  std::string loader = "bulk";
  app.add_option("--loader", loader,
                 "how the people are written: bulk (COPY, or one prepared SQLite statement) or "
                 "inserts (multi-row INSERTs, before issue 25)")
      ->check(CLI::IsMember({"bulk", "inserts"}));
  CLI11_PARSE(app, argc, argv);
  try {
    return vivrovert::Run(
        data_dir, url, out_dir, grid_path, resource_dir, listings,
        {!no_load, !no_publish, !no_run, before, every_partial,
         loader == "bulk" ? vivrovert::bench::Loader::kBulk : vivrovert::bench::Loader::kInserts});
  } catch (const std::exception& error) {
    std::cerr << "vivrovert_bench_nightly: " << error.what() << "\n";
    return 1;
  }
}
