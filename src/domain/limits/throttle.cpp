#include "domain/limits/throttle.hpp"

namespace vivrovert::accounts {

namespace {

ThrottleDecision Decide(int64_t window_start, int64_t hits, const ThrottleLimit& limit,
                        int64_t now) {
  ThrottleDecision decision;
  decision.hits = hits;
  decision.allowed = hits <= limit.limit;
  if (!decision.allowed) decision.retry_after_seconds = window_start + limit.window_seconds - now;
  return decision;
}

}  // namespace

ThrottleDecision Throttle::Hit(storage::Connection& connection, std::string_view key,
                               const ThrottleLimit& limit, int64_t now) {
  // A window that opened at or before now - window_seconds is closed: the hit opens a new
  // one. Both backends evaluate the SET expressions against the old row.
  const int64_t closed_before = now - limit.window_seconds;
  storage::Row row =
      connection
          .Query(
              "INSERT INTO throttle_counters (counter_key, window_start, hits) VALUES ($1, $2, 1) "
              "ON CONFLICT (counter_key) DO UPDATE SET "
              "window_start = CASE WHEN throttle_counters.window_start <= $3 "
              "THEN excluded.window_start ELSE throttle_counters.window_start END, "
              "hits = CASE WHEN throttle_counters.window_start <= $4 "
              "THEN 1 ELSE throttle_counters.hits + 1 END "
              "RETURNING window_start, hits",
              {std::string(key), now, closed_before, closed_before})
          .at(0);
  return Decide(row.Int(0), row.Int(1), limit, now);
}

ThrottleDecision Throttle::Peek(storage::Connection& connection, std::string_view key,
                                const ThrottleLimit& limit, int64_t now) {
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT window_start, hits FROM throttle_counters WHERE counter_key = $1 "
      "AND window_start > $2",
      {std::string(key), now - limit.window_seconds});
  const int64_t window_start = row ? row->Int(0) : now;
  const int64_t hits = row ? row->Int(1) : 0;
  ThrottleDecision decision = Decide(window_start, hits + 1, limit, now);
  decision.hits = hits;
  return decision;
}

void Throttle::Refund(storage::Connection& connection, std::string_view key,
                      const ThrottleLimit& limit, int64_t now) {
  connection.Execute(
      "UPDATE throttle_counters SET hits = hits - 1 WHERE counter_key = $1 AND hits > 0 "
      "AND window_start > $2",
      {std::string(key), now - limit.window_seconds});
}

void Throttle::Reset(storage::Connection& connection, std::string_view key) {
  connection.Execute("DELETE FROM throttle_counters WHERE counter_key = $1", {std::string(key)});
}

void Throttle::ResetPrefix(storage::Connection& connection, std::string_view prefix) {
  // substr/length rather than LIKE: an e-mail may hold '_' and '%'.
  connection.Execute(
      "DELETE FROM throttle_counters "
      "WHERE substr(counter_key, 1, length(CAST($1 AS TEXT))) = CAST($2 AS TEXT)",
      {std::string(prefix), std::string(prefix)});
}

int64_t Throttle::PurgeOlderThan(storage::Connection& connection, int64_t before, int limit) {
  return connection.Execute(
      "DELETE FROM throttle_counters WHERE counter_key IN (SELECT counter_key FROM "
      "throttle_counters WHERE window_start < $1 LIMIT $2)",
      {before, int64_t{limit}});
}

std::string FormatRetryDelay(int64_t seconds) {
  if (seconds <= 60) return "1 minute";
  int64_t minutes = (seconds + 59) / 60;
  if (minutes < 120) return std::to_string(minutes) + " minutes";
  int64_t hours = (minutes + 59) / 60;
  return std::to_string(hours) + " heures";
}

}  // namespace vivrovert::accounts
