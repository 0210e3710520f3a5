#include "domain/limits/rate_limiter.hpp"

#include <utility>

namespace vivrovert::api {

SharedRateLimiter::SharedRateLimiter(storage::Database& database, const Clock& clock,
                                     RateLimit limit, std::string key_prefix)
    : database_(database), clock_(clock), limit_(limit), key_prefix_(std::move(key_prefix) + ":") {}

void SharedRateLimiter::Flush(const std::string& key, Entry& entry) {
  storage::Connection connection = database_.Acquire();
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO throttle_counters (counter_key, window_start, hits) VALUES ($1, $2, $3) "
      "ON CONFLICT (counter_key) DO UPDATE SET "
      "hits = CASE WHEN throttle_counters.window_start = excluded.window_start "
      "THEN throttle_counters.hits + excluded.hits ELSE excluded.hits END, "
      "window_start = excluded.window_start RETURNING hits",
      {key, entry.window_start, entry.pending});
  entry.shared_hits = row ? row->Int(0) : entry.shared_hits + entry.pending;
  entry.pending = 0;
  entry.last_flush = clock_.NowSeconds();
}

RateDecision SharedRateLimiter::Allow(const std::string& client) {
  if (limit_.requests <= 0) return {};
  const int64_t now = clock_.NowSeconds();
  const int64_t window_start = now - now % limit_.window_seconds;
  const std::string key = key_prefix_ + client;
  std::lock_guard lock(mutex_);
  if (entries_.size() > 100'000) {
    // Forget closed windows so that a scan of many addresses cannot grow the map forever.
    std::erase_if(entries_, [window_start](const auto& item) {
      return item.second.window_start < window_start;
    });
  }
  Entry& entry = entries_[key];
  if (entry.window_start != window_start) entry = Entry{window_start, 0, 0, 0};
  if (entry.shared_hits + entry.pending >= limit_.requests) {
    if (entry.pending > 0) Flush(key, entry);
    if (entry.shared_hits >= limit_.requests) {
      return {false, window_start + limit_.window_seconds - now};
    }
  }
  entry.pending++;
  if (entry.pending >= kFlushEvery || now > entry.last_flush) {
    Flush(key, entry);
    // Other processes' hits are now known: this one may be over the limit after all.
    if (entry.shared_hits > limit_.requests)
      return {false, window_start + limit_.window_seconds - now};
  }
  return {};
}

}  // namespace vivrovert::api
