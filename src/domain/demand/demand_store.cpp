#include "domain/demand/demand_store.hpp"

namespace vivrovert::demand {

namespace {

storage::SqlValue OptionalDouble(const std::optional<double>& value) {
  if (!value) return nullptr;
  return *value;
}

std::optional<double> ReadOptionalDouble(const storage::Row& row, size_t column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Double(column);
}

}  // namespace

int64_t DemandStore::Insert(storage::Connection& connection, const DemandSearchRow& search,
                            const std::vector<OutcomeRow>& outcomes) {
  std::optional<storage::Row> inserted = connection.QueryOne(
      "INSERT INTO demand_searches (hour, level, request, places, demo) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {search.hour, search.level, search.request, search.places, int64_t{search.demo ? 1 : 0}});
  if (!inserted) throw storage::StorageError("demand_searches: no id returned");
  const int64_t search_id = inserted->Int(0);
  for (const OutcomeRow& outcome : outcomes) {
    connection.Execute(
        "INSERT INTO demand_outcomes (search_id, partner_id, hour, green_tiles) "
        "VALUES ($1, $2, $3, $4)",
        {search_id, outcome.partner_id, search.hour, outcome.green_tiles});
    for (const BlockerRow& blocker : outcome.blockers) {
      connection.Execute(
          "INSERT INTO demand_blockers (search_id, partner_id, hour, criterion, tiles, "
          "needed_min, needed_max) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {search_id, outcome.partner_id, search.hour, blocker.criterion, blocker.tiles,
           OptionalDouble(blocker.needed_min), OptionalDouble(blocker.needed_max)});
    }
  }
  return search_id;
}

void DemandStore::AddDaily(storage::Connection& connection, const std::vector<DailyCount>& batch) {
  for (const DailyCount& row : batch) {
    connection.Execute(
        "INSERT INTO demand_daily (partner_id, day, criterion, demo, searches, green, blocked) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) "
        "ON CONFLICT (partner_id, day, criterion, demo) DO UPDATE SET "
        "searches = demand_daily.searches + excluded.searches, "
        "green = demand_daily.green + excluded.green, "
        "blocked = demand_daily.blocked + excluded.blocked",
        {row.partner_id, row.day, row.criterion, int64_t{row.demo ? 1 : 0}, row.searches, row.green,
         row.blocked});
  }
}

std::vector<DailyCount> DemandStore::Daily(storage::Connection& connection, int64_t partner_id,
                                           const std::string& first_day,
                                           const std::string& last_day) {
  std::vector<DailyCount> rows;
  for (const storage::Row& row : connection.Query(
           "SELECT day, criterion, demo, searches, green, blocked FROM demand_daily "
           "WHERE partner_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, criterion, demo",
           {partner_id, first_day, last_day})) {
    rows.push_back({partner_id, row.Text(0), row.Text(1), row.Int(2) != 0, row.Int(3), row.Int(4),
                    row.Int(5)});
  }
  return rows;
}

std::vector<StoredSearch> DemandStore::Searches(storage::Connection& connection, int64_t from,
                                                int64_t to, int64_t limit, bool newest_first) {
  std::vector<StoredSearch> rows;
  // The order comes from the flag, never from input.
  const std::string sql = std::string(
                              "SELECT id, hour, level, request, places, demo FROM demand_searches "
                              "WHERE hour >= $1 AND hour < $2 ORDER BY id") +
                          (newest_first ? " DESC" : "") + " LIMIT $3";
  for (const storage::Row& row : connection.Query(sql, {from, to, limit})) {
    rows.push_back(
        {row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Text(4), row.Int(5) != 0});
  }
  return rows;
}

std::vector<StoredBlocker> DemandStore::Blockers(storage::Connection& connection,
                                                 int64_t partner_id, int64_t from, int64_t to) {
  std::vector<StoredBlocker> rows;
  for (const storage::Row& row :
       connection.Query("SELECT search_id, hour, criterion, tiles, needed_min, needed_max FROM "
                        "demand_blockers WHERE partner_id = $1 AND hour >= $2 AND hour < $3 "
                        "ORDER BY search_id, criterion",
                        {partner_id, from, to})) {
    rows.push_back({row.Int(0), row.Int(1), row.Text(2), row.Int(3), ReadOptionalDouble(row, 4),
                    ReadOptionalDouble(row, 5)});
  }
  return rows;
}

std::vector<std::pair<int64_t, int64_t>> DemandStore::GreenOutcomes(storage::Connection& connection,
                                                                    int64_t partner_id,
                                                                    int64_t from, int64_t to) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  for (const storage::Row& row :
       connection.Query("SELECT search_id, green_tiles FROM demand_outcomes WHERE partner_id = $1 "
                        "AND hour >= $2 AND hour < $3 AND green_tiles > 0 ORDER BY search_id",
                        {partner_id, from, to})) {
    rows.emplace_back(row.Int(0), row.Int(1));
  }
  return rows;
}

bool DemandStore::HasDemo(storage::Connection& connection, int64_t partner_id,
                          const std::string& first_day, const std::string& last_day) {
  return connection
      .QueryOne(
          "SELECT 1 FROM demand_daily WHERE partner_id = $1 AND day >= $2 AND day <= $3 AND "
          "demo = 1 LIMIT 1",
          {partner_id, first_day, last_day})
      .has_value();
}

int64_t DemandStore::PurgeSearchesBefore(storage::Connection& connection, int64_t before,
                                         int batch) {
  std::vector<storage::Row> ids =
      connection.Query("SELECT id FROM demand_searches WHERE hour < $1 ORDER BY id LIMIT $2",
                       {before, int64_t{batch}});
  if (ids.empty()) return 0;
  const int64_t first = ids.front().Int(0);
  const int64_t last = ids.back().Int(0);
  // Children first, by the primary keys' leading column, rather than one cascade per row.
  connection.Execute(
      "DELETE FROM demand_blockers WHERE search_id >= $1 AND search_id <= $2 AND hour < $3",
      {first, last, before});
  connection.Execute(
      "DELETE FROM demand_outcomes WHERE search_id >= $1 AND search_id <= $2 AND hour < $3",
      {first, last, before});
  return connection.Execute("DELETE FROM demand_searches WHERE id >= $1 AND id <= $2 AND hour < $3",
                            {first, last, before});
}

int64_t DemandStore::PurgeDailyBefore(storage::Connection& connection, const std::string& day) {
  std::optional<storage::Row> oldest = connection.QueryOne(
      "SELECT day FROM demand_daily WHERE day < $1 ORDER BY day LIMIT 1", {day});
  if (!oldest) return 0;
  return connection.Execute("DELETE FROM demand_daily WHERE day = $1", {oldest->Text(0)});
}

int64_t DemandStore::AddEvent(storage::Connection& connection, int64_t partner_id,
                              const std::string& day, const std::string& label, int64_t now) {
  std::optional<storage::Row> inserted = connection.QueryOne(
      "INSERT INTO barometer_events (partner_id, day, label, created_at) VALUES ($1, $2, $3, $4) "
      "RETURNING id",
      {partner_id, day, label, now});
  if (!inserted) throw storage::StorageError("barometer_events: no id returned");
  return inserted->Int(0);
}

std::vector<BarometerEvent> DemandStore::Events(storage::Connection& connection,
                                                int64_t partner_id) {
  std::vector<BarometerEvent> events;
  for (const storage::Row& row :
       connection.Query("SELECT id, day, label FROM barometer_events WHERE partner_id = $1 "
                        "ORDER BY day, id",
                        {partner_id})) {
    events.push_back({row.Int(0), partner_id, row.Text(1), row.Text(2)});
  }
  return events;
}

bool DemandStore::DeleteEvent(storage::Connection& connection, int64_t partner_id,
                              int64_t event_id) {
  return connection.Execute("DELETE FROM barometer_events WHERE partner_id = $1 AND id = $2",
                            {partner_id, event_id}) > 0;
}

void DemandStore::DeleteDemo(storage::Connection& connection) {
  const char* kDemoSearches = "(SELECT id FROM demand_searches WHERE demo = 1)";
  connection.Execute(std::string("DELETE FROM demand_blockers WHERE search_id IN ") +
                     kDemoSearches);
  connection.Execute(std::string("DELETE FROM demand_outcomes WHERE search_id IN ") +
                     kDemoSearches);
  connection.Execute("DELETE FROM demand_searches WHERE demo = 1");
  connection.Execute("DELETE FROM demand_daily WHERE demo = 1");
}

}  // namespace vivrovert::demand
