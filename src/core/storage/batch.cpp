#include "core/storage/batch.hpp"

#include <algorithm>
#include <iterator>

namespace vivrovert::storage {

std::vector<Row> ClaimBatch(Connection& connection, std::string select,
                            const std::vector<SqlValue>& params) {
  if (connection.dialect().has_row_locks) select += " FOR UPDATE SKIP LOCKED";
  return connection.Query(select, params);
}

std::vector<Row> QueryForUpdate(Connection& connection, std::string select,
                                const std::vector<SqlValue>& params) {
  if (connection.dialect().has_row_locks) select += " FOR UPDATE";
  return connection.Query(select, params);
}

std::string Placeholders(size_t count, size_t first) {
  std::string text;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) text += ", ";
    text += "$" + std::to_string(first + i);
  }
  return text;
}

std::string InList(size_t count, size_t first) { return "(" + Placeholders(count, first) + ")"; }

std::vector<Row> QueryIdsIn(Connection& connection, std::string_view before_in,
                            const std::vector<int64_t>& ids, std::string_view after_in) {
  std::vector<Row> rows;
  for (size_t start = 0; start < ids.size(); start += kIdsPerStatement) {
    const size_t end = std::min(ids.size(), start + kIdsPerStatement);
    const std::vector<int64_t> slice(ids.begin() + start, ids.begin() + end);
    std::vector<Row> part = connection.Query(
        std::string(before_in) + InList(slice.size()) + std::string(after_in), BoundIds(slice));
    rows.insert(rows.end(), std::make_move_iterator(part.begin()),
                std::make_move_iterator(part.end()));
  }
  return rows;
}

std::vector<SqlValue> BoundIds(const std::vector<int64_t>& ids) {
  std::vector<SqlValue> values;
  values.reserve(ids.size());
  for (int64_t id : ids) values.emplace_back(id);
  return values;
}

}  // namespace vivrovert::storage
