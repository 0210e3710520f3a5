// Per-client request limits for the public API, shared by every server process.
//
// A fixed window aligned on the clock (window_start = now − now mod window) per key. The
// count lives in the database (`throttle_counters`, keys "<prefix>:<client>": "api:" for
// the search API and the partners' keys, "map:" for the map's tiles and outlines, whose
// budget is separate and larger because one map view asks for dozens of them) so that all
// processes behind the proxy share it; to keep the database off the hot path, each
// process counts locally and adds its pending hits to the shared counter at most once a
// second per key (or every kFlushEvery hits), reading back the total. A client can
// therefore exceed its limit by at most what the other processes counted in the last
// second — the price of not writing on every request.
//
// Thread safety: Allow() may be called from any number of threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::api {

struct RateLimit {
  int64_t requests = 600;  // per window and key; 0 disables the limit
  int64_t window_seconds = 60;
};

// Key prefixes in `throttle_counters`.
inline constexpr const char* kApiLimitPrefix = "api";
inline constexpr const char* kMapLimitPrefix = "map";
inline constexpr const char* kClickLimitPrefix = "click";

struct RateDecision {
  bool allowed = true;
  int64_t retry_after_seconds = 0;
};

class SharedRateLimiter {
 public:
  static constexpr int64_t kFlushEvery = 32;

  // Borrows `database` and `clock`, which must outlive the limiter. Clients are counted
  // under "<key_prefix>:<client>": limiters with different prefixes never share a budget.
  SharedRateLimiter(storage::Database& database, const Clock& clock, RateLimit limit,
                    std::string key_prefix = kApiLimitPrefix);

  // Counts one request of `client` (e.g. its IP) and says whether it may proceed.
  // Database faults throw storage::StorageError.
  RateDecision Allow(const std::string& client);

 private:
  struct Entry {
    int64_t window_start = 0;
    int64_t shared_hits = 0;  // total across processes at the last flush
    int64_t pending = 0;      // counted here, not yet added to the shared total
    int64_t last_flush = 0;
  };
  void Flush(const std::string& key, Entry& entry);

  storage::Database& database_;
  const Clock& clock_;
  RateLimit limit_;
  std::string key_prefix_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace vivrovert::api
