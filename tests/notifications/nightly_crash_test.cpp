// `vivrovert nightly` killed with SIGKILL in the middle of its run, then run again: every
// person gets exactly one digest, nobody twice, nobody forgotten; a third run does
// nothing. The command runs as a separate process on the test's database (each backend),
// over the grid of the Lot.
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/search_engine.hpp"
#include "support/lot_grid.hpp"
#include "support/test_database.hpp"

namespace vivrovert::nightly {
namespace {

using nlohmann::json;
using storage::Connection;

constexpr int kPeople = 24;
constexpr int kBatch = 3;
constexpr const char* kRunDate = "2027-03-09";
constexpr const char* kSecret = "nightly-crash-test-secret-of-32-characters";

class NightlyCrashTest : public ::testing::Test {
 protected:
  NightlyCrashTest() {
    var_dir_ = std::filesystem::temp_directory_path() /
               ("vivrovert-nightly-" + SecureRandom::Instance().Token(6));
    std::filesystem::create_directories(var_dir_);
  }
  ~NightlyCrashTest() override { std::filesystem::remove_all(var_dir_); }

  // Starts `vivrovert nightly` with `args` on the test database; its stdout is readable.
  Poco::ProcessHandle Launch(const std::vector<std::string>& args, Poco::Pipe& out) {
    Poco::Process::Env env = {
        {"VIVROVERT_DATABASE_URL", database_.url()},
        {"VIVROVERT_PATHS_GRID_FILE", vivrovert::testing::LotGridPath()},
        {"VIVROVERT_PATHS_RESOURCE_DIR", VIVROVERT_SOURCE_ROOT},
        {"VIVROVERT_PATHS_VAR_DIR", var_dir_.string()},
        {"VIVROVERT_SECURITY_SECRET_KEY", kSecret},
    };
    std::vector<std::string> all = {"nightly", "--date", kRunDate};
    all.insert(all.end(), args.begin(), args.end());
    return Poco::Process::launch(VIVROVERT_BIN, all, var_dir_.string(), nullptr, &out, nullptr,
                                 env);
  }

  int64_t Count(const std::string& sql) {
    Connection connection = database_.db().Acquire();
    return connection.QueryOne(sql)->Int(0);
  }

  vivrovert::testing::TestDatabase database_;
  std::filesystem::path var_dir_;
};

TEST_F(NightlyCrashTest, AKilledRunResumesWithoutDuplicatesOrForgottenPeople) {
  const engine::GridFile& grid = vivrovert::testing::LotGrid();
  engine::SearchEngine engine(grid);
  SystemClock clock;
  const int64_t now = clock.NowSeconds();
  std::vector<int64_t> people;
  {
    Connection connection = database_.db().Acquire();
    const std::string request =
        R"({"level":"1km","territory":{"communes":["46042"]},"criteria":[{"criterion":"dist_station_km","max":1000}]})";
    for (int i = 0; i < kPeople; ++i) {
      accounts::NewUser user{"personne" + std::to_string(i) + "@exemple.fr", "hash",
                             accounts::Role::kUser, "Personne " + std::to_string(i), true};
      const int64_t id = accounts::UserStore::Create(connection, user, now)->id;
      profiles::Profile profile;
      profile.data = {{"housing_tenure", "buy"}};
      profile.notification = "daily";
      profiles::ProfileStore::Put(connection, id, profile, now);
      auto search = interests::InterestStore::SaveSearch(connection, id, "Cahors", request, now);
      ASSERT_TRUE(search.ok()) << search.status().ToString();
      ASSERT_TRUE(matching::StoreSearchTiles(connection, engine, search->id, now).ok());
      people.push_back(id);
    }
  }
  listings::ListingService service(database_.db(), &grid, clock);
  std::vector<listings::FieldError> errors;
  auto house =
      service.Upsert({"national:test", std::nullopt, nullptr, "", false}, listings::Kind::kHousing,
                     {{"external_id", "m1"},
                      {"title", "Maison quercynoise"},
                      {"latitude", 44.4475},
                      {"longitude", 1.4410},
                      {"commune_code", "46042"},
                      {"transaction", "sale"},
                      {"property_type", "house"},
                      {"price_eur", 150000}},
                     &errors);
  ASSERT_TRUE(house.ok()) << house.status().ToString();

  // First run: slow batches, killed after the second one is reported.
  {
    Poco::Pipe out;
    Poco::ProcessHandle process =
        Launch({"--batch", std::to_string(kBatch), "--pause-ms", "500"}, out);
    Poco::PipeInputStream lines(out);
    int batches = 0;
    std::string line;
    while (batches < 2 && std::getline(lines, line)) batches += line.starts_with("digests: batch");
    ASSERT_EQ(batches, 2) << "the run ended before two batches";
    Poco::Process::kill(process);  // SIGKILL
    EXPECT_NE(process.wait(), 0);
  }
  const int64_t done = Count("SELECT COUNT(*) FROM nightly_tasks WHERE done_at IS NOT NULL");
  EXPECT_GE(done, 2 * kBatch);
  EXPECT_LT(done, kPeople) << "the kill came after the end";
  EXPECT_EQ(done % kBatch, 0) << "a batch is done whole or not at all";
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox"), done);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE mailed_at IS NOT NULL"), done);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nightly_runs WHERE finished_at IS NULL"), 1);

  // The run again, to its end; then once more.
  for (int round = 0; round < 2; ++round) {
    Poco::Pipe out;
    Poco::ProcessHandle process = Launch({}, out);
    Poco::PipeInputStream lines(out);
    std::string all, line;
    while (std::getline(lines, line)) all += line + "\n";
    EXPECT_EQ(process.wait(), 0) << all;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nightly_runs WHERE finished_at IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM nightly_tasks WHERE done_at IS NULL"), 0);
  std::map<std::string, int> keys;
  {
    Connection connection = database_.db().Acquire();
    for (const storage::Row& row : connection.Query("SELECT idempotency_key FROM mail_outbox"))
      ++keys[row.Text(0)];
  }
  ASSERT_EQ(keys.size(), static_cast<size_t>(kPeople));
  for (int64_t person : people) {
    EXPECT_EQ(keys["digest:" + std::to_string(person) + ":" + kRunDate], 1) << person;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE mailed_at IS NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications"), kPeople);
}

}  // namespace
}  // namespace vivrovert::nightly
