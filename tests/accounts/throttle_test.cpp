// The throttle counters are shared by every server process: these tests count through two
// pools on the same database, as two processes behind the reverse proxy would.
#include "domain/limits/throttle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
const ThrottleLimit kFivePerQuarter{5, 900};

class ThrottleTest : public ::testing::Test {
 protected:
  ThrottleTest()
      : second_process_(database_.OpenAnother()),
        first_(database_.db().Acquire()),
        second_(second_process_->Acquire()) {}

  testing::TestDatabase database_;
  std::unique_ptr<storage::Database> second_process_;
  Connection first_;
  Connection second_;
};

TEST_F(ThrottleTest, BlocksAfterTheLimitWhicheverProcessCounts) {
  for (int hit_idx = 1; hit_idx <= 5; ++hit_idx) {
    Connection& connection = hit_idx % 2 == 0 ? second_ : first_;
    ThrottleDecision decision = Throttle::Hit(connection, "login:account:jeanne@exemple.fr",
                                              kFivePerQuarter, kStart + hit_idx);
    EXPECT_TRUE(decision.allowed) << hit_idx;
    EXPECT_EQ(decision.hits, hit_idx);
  }
  for (Connection* connection : {&first_, &second_}) {
    ThrottleDecision decision = Throttle::Hit(*connection, "login:account:jeanne@exemple.fr",
                                              kFivePerQuarter, kStart + 100);
    EXPECT_FALSE(decision.allowed);
    EXPECT_EQ(decision.retry_after_seconds, 801);  // the window opened at kStart + 1
  }
  // Other keys are not affected.
  EXPECT_TRUE(Throttle::Hit(first_, "login:account:paul@exemple.fr", kFivePerQuarter, kStart + 100)
                  .allowed);
}

TEST_F(ThrottleTest, AllowsAgainOnceTheWindowHasClosed) {
  for (int hit_idx = 0; hit_idx < 6; ++hit_idx) {
    Throttle::Hit(first_, "ip:192.0.2.7", kFivePerQuarter, kStart);
  }
  EXPECT_FALSE(Throttle::Peek(second_, "ip:192.0.2.7", kFivePerQuarter, kStart + 899).allowed);
  ThrottleDecision fresh = Throttle::Hit(second_, "ip:192.0.2.7", kFivePerQuarter, kStart + 900);
  EXPECT_TRUE(fresh.allowed);
  EXPECT_EQ(fresh.hits, 1);
  // The new window runs from its first hit.
  for (int hit_idx = 0; hit_idx < 4; ++hit_idx) {
    Throttle::Hit(first_, "ip:192.0.2.7", kFivePerQuarter, kStart + 1000);
  }
  ThrottleDecision blocked = Throttle::Hit(first_, "ip:192.0.2.7", kFivePerQuarter, kStart + 1000);
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.retry_after_seconds, 800);
}

TEST_F(ThrottleTest, PeekDoesNotCount) {
  for (int peek_idx = 0; peek_idx < 20; ++peek_idx) {
    ThrottleDecision decision = Throttle::Peek(first_, "k", kFivePerQuarter, kStart);
    EXPECT_TRUE(decision.allowed);
    EXPECT_EQ(decision.hits, 0);
  }
  for (int hit_idx = 0; hit_idx < 5; ++hit_idx) Throttle::Hit(first_, "k", kFivePerQuarter, kStart);
  ThrottleDecision full = Throttle::Peek(second_, "k", kFivePerQuarter, kStart + 60);
  EXPECT_FALSE(full.allowed);
  EXPECT_EQ(full.hits, 5);
  EXPECT_EQ(full.retry_after_seconds, 840);
}

TEST_F(ThrottleTest, ResetForgetsAndRefundTakesOneHitBack) {
  for (int hit_idx = 0; hit_idx < 5; ++hit_idx) Throttle::Hit(first_, "k", kFivePerQuarter, kStart);
  Throttle::Refund(second_, "k", kFivePerQuarter, kStart + 1);
  EXPECT_EQ(Throttle::Peek(first_, "k", kFivePerQuarter, kStart + 1).hits, 4);
  EXPECT_TRUE(Throttle::Hit(first_, "k", kFivePerQuarter, kStart + 2).allowed);
  EXPECT_FALSE(Throttle::Hit(first_, "k", kFivePerQuarter, kStart + 3).allowed);

  Throttle::Reset(second_, "k");
  EXPECT_EQ(Throttle::Peek(first_, "k", kFivePerQuarter, kStart + 4).hits, 0);
  EXPECT_TRUE(Throttle::Hit(first_, "k", kFivePerQuarter, kStart + 4).allowed);
  // A refund never goes below zero.
  Throttle::Refund(first_, "k", kFivePerQuarter, kStart + 5);
  Throttle::Refund(first_, "k", kFivePerQuarter, kStart + 5);
  EXPECT_EQ(Throttle::Peek(first_, "k", kFivePerQuarter, kStart + 5).hits, 0);
}

TEST_F(ThrottleTest, ResetPrefixForgetsOnlyKeysStartingWithIt) {
  for (const char* key : {"a_b%|1", "a_b%|2", "a_b%", "aXb%|1", "a_b%x|1"}) {
    Throttle::Hit(first_, key, kFivePerQuarter, kStart);
  }
  // '_' and '%' are plain characters, not patterns.
  Throttle::ResetPrefix(second_, "a_b%|");
  EXPECT_EQ(Throttle::Peek(first_, "a_b%|1", kFivePerQuarter, kStart).hits, 0);
  EXPECT_EQ(Throttle::Peek(first_, "a_b%|2", kFivePerQuarter, kStart).hits, 0);
  EXPECT_EQ(Throttle::Peek(first_, "a_b%", kFivePerQuarter, kStart).hits, 1);
  EXPECT_EQ(Throttle::Peek(first_, "aXb%|1", kFivePerQuarter, kStart).hits, 1);
  EXPECT_EQ(Throttle::Peek(first_, "a_b%x|1", kFivePerQuarter, kStart).hits, 1);
}

TEST_F(ThrottleTest, ConcurrentHitsFromTwoProcessesAreAllCounted) {
  const ThrottleLimit limit{10, 900};
  std::atomic<int> allowed{0};
  std::vector<std::thread> workers;
  for (int worker_idx = 0; worker_idx < 6; ++worker_idx) {
    storage::Database& pool = worker_idx % 2 == 0 ? database_.db() : *second_process_;
    workers.emplace_back([&, &pool = pool] {
      Connection connection = pool.Acquire();
      for (int hit_idx = 0; hit_idx < 5; ++hit_idx) {
        if (Throttle::Hit(connection, "storm", limit, kStart).allowed) ++allowed;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(allowed.load(), 10);
  EXPECT_EQ(Throttle::Peek(first_, "storm", limit, kStart).hits, 30);
}

TEST_F(ThrottleTest, PurgesClosedWindows) {
  Throttle::Hit(first_, "old", kFivePerQuarter, kStart);
  Throttle::Hit(first_, "new", kFivePerQuarter, kStart + 5000);
  EXPECT_EQ(Throttle::PurgeOlderThan(first_, kStart + 1000), 1);
  EXPECT_EQ(Throttle::Peek(first_, "new", kFivePerQuarter, kStart + 5000).hits, 1);
}

}  // namespace
}  // namespace vivrovert::accounts
