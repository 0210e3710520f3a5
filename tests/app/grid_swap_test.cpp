// The grid file replaced while the site serves (app/site.hpp): searches run in loops on
// several threads, each through the generation current at its start, while the file is
// replaced by another grid. No request may fail, each answer must come wholly from one grid
// (its green count and its tiles), every search started after the switch from the new grid;
// a damaged file is refused and the previous grid keeps serving. Run on both databases.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "app/site.hpp"
#include "data/amenities/amenity_sources.hpp"
#include "data/grid_builder/grid_builder.hpp"
#include "engine/grid_file.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"
#include "web_test_support.hpp"

namespace vivrovert {
namespace {

// The Lot's grid data, built once per binary from ../shared/data.
const engine::GridData& LotData() {
  static const engine::GridData* const data = [] {
    grid_builder::GridBuildOptions options;
    options.data_dir = VIVROVERT_TEST_DATA_DIR;
    options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
    options.departements = {"46"};
    options.threads = 2;
    options.built_at = testing::kTestNow;
    auto built = grid_builder::BuildGrid(options, nullptr);
    if (!built.ok()) throw std::runtime_error("grid of the Lot: " + built.status().ToString());
    return new engine::GridData(std::move(built).value());
  }();
  return *data;
}

// Grid B: the Lot's first `share` of tiles along the Hilbert order at each level, built a
// day later: another scope, fewer tiles, another checksum.
engine::GridData Truncated(const engine::GridData& full, double share) {
  engine::GridData data = full;
  data.built_at += 86400;
  data.scope += " (partie)";
  for (engine::LevelData& level : data.levels) {
    const size_t kept = static_cast<size_t>(static_cast<double>(level.tiles.size()) * share);
    level.tiles.resize(kept);
    level.share_offsets.resize(kept + 1);
    level.shares.resize(level.share_offsets.back());
    for (auto& column : level.codes) column.resize(kept);
  }
  return data;
}

// Writes `data` aside in the grid's folder, then renames it over `path` (as `grid build`).
void ReplaceGrid(const engine::GridData& data, const std::string& path) {
  ASSERT_TRUE(engine::WriteGridFile(data, path).ok());
}

// The 1 km criterion with the most tiles valued: a search on its whole range turns every
// valued tile green.
std::string WidestCriterion(const engine::GridFile& grid) {
  const engine::LevelView& view = *grid.level(engine::Level::k1km);
  std::string best;
  size_t best_count = 0;
  for (size_t criterion_idx = 0; criterion_idx < grid.catalogue().criteria().size();
       ++criterion_idx) {
    size_t count = 0;
    for (size_t tile_idx = 0; tile_idx < view.tile_count(); ++tile_idx)
      count += view.Value(criterion_idx, tile_idx).has_value();
    if (count > best_count) {
      best_count = count;
      best = grid.catalogue().criteria()[criterion_idx].id;
    }
  }
  return best;
}

struct GridFacts {
  size_t green = 0;           // tiles valued for the criterion
  std::set<std::string> ids;  // every 1 km tile id
};

GridFacts FactsOf(const std::string& path, const std::string& criterion) {
  auto grid = engine::GridFile::Open(path);
  EXPECT_TRUE(grid.ok()) << grid.status().ToString();
  GridFacts facts;
  const engine::LevelView& view = *(*grid)->level(engine::Level::k1km);
  const auto criterion_idx = (*grid)->catalogue().Find(criterion);
  for (size_t tile_idx = 0; tile_idx < view.tile_count(); ++tile_idx) {
    facts.ids.insert(view.tile(tile_idx).ToString());
    if (criterion_idx && view.Value(*criterion_idx, tile_idx)) ++facts.green;
  }
  return facts;
}

class GridSwapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grid_path_ = (folder_.path() / "grid" / "vivrovert.grid").string();
    ReplaceGrid(LotData(), grid_path_);
    auto site = app::Site::Open(MakeConfig(), app::SiteScope::kWeb, MakeParts());
    ASSERT_TRUE(site.ok()) << site.status().ToString();
    site_ = std::move(site).value();
  }

  Config MakeConfig() {
    Config config;
    config.public_base_url = "http://localhost:8080";
    config.secret_key = testing::kTestSecret;
    config.resource_dir = VIVROVERT_SOURCE_ROOT;
    config.data_dir = VIVROVERT_TEST_DATA_DIR;
    config.var_dir = (folder_.path() / "var").string();
    config.grid_file = grid_path_;
    config.nightly_hour = -1;
    config.api_rate_limit = 0;  // the loops below are no abuse
    return config;
  }

  app::SiteParts MakeParts() {
    app::SiteParts parts;
    parts.database = &database_.db();
    parts.clock = &clock_;
    parts.hasher = &testing::TestHasher();
    parts.warm_map_outlines = false;
    parts.error_log = &errors_;
    parts.migrate = false;
    parts.amenities = &Amenities();
    return parts;
  }

  static const amenities::AmenityIndex& Amenities() {
    static const amenities::AmenityIndex* const index = [] {
      auto loaded =
          amenities::LoadAmenities({VIVROVERT_TEST_DATA_DIR,
                                    "",
                                    std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json",
                                    {}});
      if (!loaded.ok()) throw std::runtime_error("amenities: " + loaded.status().ToString());
      return new amenities::AmenityIndex(std::move(loaded).value());
    }();
    return *index;
  }

  nlohmann::json Search(const std::string& criterion, int* status) {
    // The snapshot a server's request takes, kept until the answer is made.
    std::shared_ptr<const web::App> app = site_->current_app();
    const std::string body = R"({"level":"1km","criteria":[{"criterion":")" + criterion +
                             R"(","min":-1e12,"max":1e12}],"page":{"limit":20}})";
    auto request = web::Request::Parse("POST", "/api/v1/search",
                                       {{"Content-Type", "application/json"}}, body, "203.0.113.7");
    web::Response response = app->Handle(std::move(request).value());
    *status = response.status();
    return response.status() == 200 ? nlohmann::json::parse(response.body()) : nlohmann::json();
  }

  nlohmann::json Ready() {
    std::shared_ptr<const web::App> app = site_->current_app();
    web::Response response =
        app->Handle(testing::MustParse("GET", "/readyz", {{"Accept", "application/json"}}, ""));
    EXPECT_EQ(response.status(), 200) << response.body();
    return nlohmann::json::parse(response.body());
  }

  testing::TempDir folder_;
  testing::TestDatabase database_;
  ManualClock clock_{testing::kTestNow};
  std::ostringstream errors_;
  std::string grid_path_;
  std::unique_ptr<app::Site> site_;
};

TEST_F(GridSwapTest, ConcurrentSearchesEachSeeOneGridAndTheNewOneAfterTheSwitch) {
  const std::string criterion = WidestCriterion(*site_->search().grid);
  ASSERT_FALSE(criterion.empty());
  const GridFacts a = FactsOf(grid_path_, criterion);
  const std::string a_sha = Ready()["grid_file"]["sha256"];
  EXPECT_EQ(Ready()["grid_file"]["built_at"], testing::kTestNow);

  const engine::GridData b_data = Truncated(LotData(), 0.6);
  const std::string b_path = (folder_.path() / "b.grid").string();
  ASSERT_TRUE(engine::WriteGridFile(b_data, b_path).ok());
  const GridFacts b = FactsOf(b_path, criterion);
  ASSERT_GT(a.green, 0u);
  ASSERT_NE(a.green, b.green);

  constexpr int kThreads = 4;
  constexpr int kAfterSwitch = 15;   // searches each thread makes once the switch is done
  constexpr int kMaxSearches = 600;  // per thread before the switch; then it waits for it
  std::atomic<int> started{0};
  std::atomic<bool> switched{false};
  std::mutex mutex;
  std::vector<std::string> failures;
  int from_a = 0, from_b = 0, after_switch = 0;
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&] {
      int since_switch = 0;
      int before_switch = 0;
      while (since_switch < kAfterSwitch) {
        const bool after = switched.load();
        // A slow switch (a loaded machine) must not use up a thread's searches before it:
        // past kMaxSearches the thread waits for the switch (CheckGridFile always returns).
        if (!after && before_switch >= kMaxSearches) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        if (!after) ++before_switch;
        int status = 0;
        nlohmann::json answer = Search(criterion, &status);
        ++started;
        std::lock_guard<std::mutex> lock(mutex);
        if (after) ++since_switch, ++after_switch;
        if (status != 200) {
          failures.push_back("status " + std::to_string(status));
          continue;
        }
        const size_t green = answer["green_count"];
        const GridFacts* grid = green == a.green ? &a : green == b.green ? &b : nullptr;
        if (grid == nullptr) {
          failures.push_back("green_count " + std::to_string(green) + " is neither grid's");
          continue;
        }
        (grid == &a ? from_a : from_b)++;
        if (after && grid != &b) failures.push_back("an answer from grid A after the switch");
        for (const auto& tile : answer["tiles"]) {
          if (grid->ids.count(tile["id"].get<std::string>()) == 0)
            failures.push_back("tile " + tile["id"].get<std::string>() +
                               " is not in the grid of its count");
        }
      }
    });
  }
  // Searches are running on grid A: replace the file, as `grid build` does (written aside,
  // renamed), and let the watcher's round switch.
  while (started.load() < 2 * kThreads) std::this_thread::yield();
  ASSERT_TRUE(engine::WriteGridFile(b_data, grid_path_).ok());
  Result<bool> checked = site_->CheckGridFile();
  switched.store(true);
  for (std::thread& thread : threads) thread.join();

  std::cout << "searches: " << from_a << " answered from grid A, " << from_b << " from grid B ("
            << after_switch << " sent after the switch)" << std::endl;
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_TRUE(*checked);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  EXPECT_GT(from_a, 0);
  EXPECT_EQ(after_switch, kThreads * kAfterSwitch);
  EXPECT_GE(from_b, after_switch);
  const nlohmann::json ready = Ready();
  EXPECT_EQ(ready["grid_file"]["built_at"], testing::kTestNow + 86400);
  EXPECT_NE(ready["grid_file"]["sha256"], a_sha);
  EXPECT_EQ(ready["grid_file"]["switches"], 1);
  // The same file again is no new grid.
  Result<bool> again = site_->CheckGridFile();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST_F(GridSwapTest, ADamagedFileIsRefusedAndThePreviousGridKeepsServing) {
  const std::string criterion = WidestCriterion(*site_->search().grid);
  const nlohmann::json before = Ready()["grid_file"];
  {
    // A file cut short, renamed into place.
    const std::string aside = grid_path_ + ".new";
    std::filesystem::copy_file(grid_path_, aside);
    std::filesystem::resize_file(aside, std::filesystem::file_size(aside) / 2);
    std::filesystem::rename(aside, grid_path_);
  }
  Result<bool> checked = site_->CheckGridFile();
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(errors_.str().find("refused the new file " + grid_path_), std::string::npos)
      << errors_.str();
  EXPECT_NE(errors_.str().find("the previous grid keeps serving"), std::string::npos);
  int status = 0;
  nlohmann::json answer = Search(criterion, &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(Ready()["grid_file"], before);
  // Said once: the same damaged file is not tried again at every round.
  Result<bool> again = site_->CheckGridFile();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);

  // A grid without one of the served criteria is refused too (saved searches name them).
  engine::GridData fewer = LotData();
  fewer.built_at += 3600;
  ASSERT_GT(fewer.catalogue.criteria().size(), 1u);
  Result<engine::CriteriaCatalogue> catalogue = [&] {
    nlohmann::json json = fewer.catalogue.ToJson();
    json["criteria"].erase(json["criteria"].size() - 1);
    return engine::CriteriaCatalogue::FromJson(json);
  }();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  fewer.catalogue = std::move(*catalogue);
  for (engine::LevelData& level : fewer.levels) level.codes.pop_back();
  ASSERT_TRUE(engine::WriteGridFile(fewer, grid_path_).ok());
  checked = site_->CheckGridFile();
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(std::string(checked.status().message()).find("has no criterion"), std::string::npos)
      << checked.status().ToString();
  EXPECT_EQ(Ready()["grid_file"], before);

  // A good file then is switched to.
  ASSERT_TRUE(engine::WriteGridFile(Truncated(LotData(), 0.5), grid_path_).ok());
  checked = site_->CheckGridFile();
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_TRUE(*checked);
  EXPECT_EQ(Ready()["grid_file"]["built_at"], testing::kTestNow + 86400);
}

// The scheduled `data update` (here a stand-in that writes the new grid as the real one's
// rebuild does) runs once when due, and the server switches to its grid at once after it,
// through the workers a server starts.
TEST_F(GridSwapTest, TheScheduledUpdateRunsOnceAndItsGridIsServed) {
  site_.reset();
  Config config = MakeConfig();
  config.data_update_day = 0;  // every day, from midnight: due now
  config.data_update_hour = 0;
  std::atomic<int> runs{0};
  const engine::GridData b_data = Truncated(LotData(), 0.7);
  app::SiteParts parts = MakeParts();
  parts.data_update = [&] {
    ++runs;
    return engine::WriteGridFile(b_data, grid_path_);
  };
  auto site = app::Site::Open(config, app::SiteScope::kWeb, parts);
  ASSERT_TRUE(site.ok()) << site.status().ToString();
  site_ = std::move(site).value();
  EXPECT_EQ(Ready()["grid_file"]["built_at"], testing::kTestNow);
  site_->StartWorkers();
  // Generous: the update, the new matching index and routes (the delay is no assertion).
  for (int wait_idx = 0; wait_idx < 600 && Ready()["grid_file"]["switches"] != 1; ++wait_idx)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  site_->StopWorkers();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(Ready()["grid_file"]["switches"], 1);
  EXPECT_EQ(Ready()["grid_file"]["built_at"], testing::kTestNow + 86400);
  EXPECT_TRUE(std::filesystem::exists(folder_.path() / "var" / "data-update-last-run"));
}

}  // namespace
}  // namespace vivrovert
