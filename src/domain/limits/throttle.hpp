// Fixed-window rate limits whose counters live in the database (`throttle_counters`), so
// that every server process and every restart sees the same counts: login attempts per
// account and per IP, e-mails sent per account, requests to public endpoints per IP.
//
// A counter's window opens at its first hit and lasts `window_seconds`; hits beyond
// `limit` inside the window are refused until it closes. Hit() is one upsert, atomic on
// both backends, so concurrent hits from several processes are all counted.
//
// Thread safety: stateless functions on the caller's connection, inside the caller's
// transaction if one is open (on SQLite a write: keep such transactions short).
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/storage/database.hpp"

namespace vivrovert::accounts {

struct ThrottleLimit {
  int64_t limit = 0;  // hits allowed per window
  int64_t window_seconds = 0;
};

struct ThrottleDecision {
  bool allowed = true;
  int64_t hits = 0;                 // hits counted in the current window (this one included)
  int64_t retry_after_seconds = 0;  // when refused: seconds until the window closes
};

class Throttle {
 public:
  // Counts one hit on `key` and says whether it is within the limit.
  static ThrottleDecision Hit(storage::Connection& connection, std::string_view key,
                              const ThrottleLimit& limit, int64_t now);
  // Says whether one more hit would be allowed, without counting it; `hits` is the
  // count so far.
  static ThrottleDecision Peek(storage::Connection& connection, std::string_view key,
                               const ThrottleLimit& limit, int64_t now);
  // Takes back one hit counted in the current window, e.g. a login attempt that turned
  // out to succeed. No effect once the window has closed.
  static void Refund(storage::Connection& connection, std::string_view key,
                     const ThrottleLimit& limit, int64_t now);
  // Forgets the counter.
  static void Reset(storage::Connection& connection, std::string_view key);
  // Forgets every counter whose key starts with `prefix` (compared as text, no pattern).
  static void ResetPrefix(storage::Connection& connection, std::string_view prefix);
  // Deletes counters whose window opened before `before`, at most `limit` of them; for
  // the nightly retention (pass now minus the longest window in use; call it until it
  // returns less than `limit`). Counters name IP addresses: none outlives its window by
  // more than a day.
  static int64_t PurgeOlderThan(storage::Connection& connection, int64_t before,
                                int limit = std::numeric_limits<int>::max());
};

// "1 minute", "12 minutes", "2 heures", for messages saying when to retry.
std::string FormatRetryDelay(int64_t seconds);

}  // namespace vivrovert::accounts
