// The tables of the barometer's demand (migration 0018), their one owner: the searches
// answered, recorded without any person (demand_searches), what each gave the partner
// territories (demand_outcomes, demand_blockers), and the daily aggregates kept five years
// (demand_daily). Other parts read them through these batch reads only.
//
// Thread safety: stateless functions on the caller's connection.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::demand {

// What a search leaves in demand_searches: nothing about who asked.
struct DemandSearchRow {
  int64_t hour = 0;           // start of the UTC hour, epoch seconds
  std::string level;          // "1km" | "5km"
  std::string request;        // JSON: level, territory filter, criteria (demand_store.cpp)
  std::string places = "[]";  // issue #23: 5 km tile, distance, importance only
  bool demo = false;
};

struct BlockerRow {
  std::string criterion;  // catalogue id
  int64_t tiles = 0;      // tiles that dropping it alone would turn green
  std::optional<double> needed_min;
  std::optional<double> needed_max;
};

struct OutcomeRow {
  int64_t partner_id = 0;
  int64_t green_tiles = 0;
  std::vector<BlockerRow> blockers;  // only when green_tiles == 0
};

// One row of demand_daily (see the migration for what the counts mean).
struct DailyCount {
  int64_t partner_id = 0;
  std::string day;        // "AAAA-MM-JJ", Europe/Paris
  std::string criterion;  // "" for the partner's totals
  bool demo = false;
  int64_t searches = 0;
  int64_t green = 0;
  int64_t blocked = 0;
};

struct StoredSearch {
  int64_t id = 0;
  int64_t hour = 0;
  std::string level;
  std::string request;
  std::string places;
  bool demo = false;
};

struct StoredBlocker {
  int64_t search_id = 0;
  int64_t hour = 0;
  std::string criterion;
  int64_t tiles = 0;
  std::optional<double> needed_min;
  std::optional<double> needed_max;
};

// A communication event a partner's staff marked ("reportage France 3").
struct BarometerEvent {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::string day;    // "AAAA-MM-JJ", Paris
  std::string label;  // as typed, at most kMaxEventLabel bytes
};

inline constexpr size_t kMaxEventLabel = 120;

class DemandStore {
 public:
  // Writes one search and its outcomes; returns the search's id.
  static int64_t Insert(storage::Connection& connection, const DemandSearchRow& search,
                        const std::vector<OutcomeRow>& outcomes);
  // Adds each row's counts to its (partner, day, criterion, demo) row, creating it; one
  // upsert per row, so several processes may add at once.
  static void AddDaily(storage::Connection& connection, const std::vector<DailyCount>& batch);

  // A partner's daily rows with first_day ≤ day ≤ last_day, by day then criterion.
  static std::vector<DailyCount> Daily(storage::Connection& connection, int64_t partner_id,
                                       const std::string& first_day, const std::string& last_day);
  // The searches of hours in [from, to), at most `limit`: the oldest first, or the newest
  // first when `newest_first`.
  static std::vector<StoredSearch> Searches(storage::Connection& connection, int64_t from,
                                            int64_t to, int64_t limit, bool newest_first = false);
  // A partner's blockers of hours in [from, to).
  static std::vector<StoredBlocker> Blockers(storage::Connection& connection, int64_t partner_id,
                                             int64_t from, int64_t to);
  // Green outcomes per search of a partner in [from, to): (search id, green tiles).
  static std::vector<std::pair<int64_t, int64_t>> GreenOutcomes(storage::Connection& connection,
                                                                int64_t partner_id, int64_t from,
                                                                int64_t to);
  // True when the partner has demonstration demand in [first_day, last_day].
  static bool HasDemo(storage::Connection& connection, int64_t partner_id,
                      const std::string& first_day, const std::string& last_day);

  // Retention, one bounded batch per call (the nightly run repeats until 0): deletes up to
  // `batch` raw searches of hours before `before` with their outcomes and blockers; returns
  // the searches deleted.
  static int64_t PurgeSearchesBefore(storage::Connection& connection, int64_t before, int batch);
  // Deletes the aggregates of the oldest day before `day` (one day per call); returns the
  // rows deleted.
  static int64_t PurgeDailyBefore(storage::Connection& connection, const std::string& day);
  // Events: added, listed (by day, then id) and deleted per partner.
  static int64_t AddEvent(storage::Connection& connection, int64_t partner_id,
                          const std::string& day, const std::string& label, int64_t now);
  static std::vector<BarometerEvent> Events(storage::Connection& connection, int64_t partner_id);
  // False when the partner has no such event.
  static bool DeleteEvent(storage::Connection& connection, int64_t partner_id, int64_t event_id);

  // Deletes every demonstration record and aggregate (before the demo is seeded again).
  static void DeleteDemo(storage::Connection& connection);
};

}  // namespace vivrovert::demand
