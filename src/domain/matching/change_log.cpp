#include "domain/matching/change_log.hpp"

namespace vivrovert::matching {

void ChangeLog::Record(storage::Connection& connection, int64_t user_id, const std::string& origin,
                       int64_t now) {
  connection.Execute(
      "INSERT INTO matching_changes (user_id, origin, changed_at) VALUES ($1, $2, $3)",
      {user_id, origin, now});
}

std::vector<PersonChange> ChangeLog::Since(storage::Connection& connection, int64_t since) {
  std::vector<PersonChange> changes;
  for (const storage::Row& row :
       connection.Query("SELECT id, user_id, origin, changed_at FROM matching_changes "
                        "WHERE changed_at >= $1 ORDER BY changed_at, id",
                        {since})) {
    changes.push_back({row.Int(0), row.Int(1), row.Text(2), row.Int(3)});
  }
  return changes;
}

std::optional<int64_t> ChangeLog::LastBefore(storage::Connection& connection, int64_t before) {
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT id FROM matching_changes WHERE changed_at < $1 ORDER BY changed_at DESC, id DESC "
      "LIMIT 1",
      {before});
  if (!row) return std::nullopt;
  return row->Int(0);
}

bool ChangeLog::Contains(storage::Connection& connection, int64_t id) {
  return connection.QueryOne("SELECT 1 FROM matching_changes WHERE id = $1", {id}).has_value();
}

int64_t ChangeLog::LastId(storage::Connection& connection) {
  std::optional<storage::Row> row =
      connection.QueryOne("SELECT COALESCE(MAX(id), 0) FROM matching_changes");
  return row ? row->Int(0) : 0;
}

int64_t ChangeLog::PurgeBefore(storage::Connection& connection, int64_t before, int limit) {
  return connection.Execute(
      "DELETE FROM matching_changes WHERE id IN (SELECT id FROM matching_changes "
      "WHERE changed_at < $1 ORDER BY id LIMIT $2)",
      {before, int64_t{limit}});
}

}  // namespace vivrovert::matching
