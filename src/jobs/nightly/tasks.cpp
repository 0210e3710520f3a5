#include "jobs/nightly/tasks.hpp"

#include <algorithm>

#include "core/storage/batch.hpp"

namespace vivrovert::nightly {

const char* TaskKindName(TaskKind kind) {
  return kind == TaskKind::kDigest ? "digest" : "lead_report";
}

void AddTasks(storage::Connection& connection, const std::string& run_date, TaskKind kind,
              const std::vector<int64_t>& subject_ids) {
  // Two parameters before the ids; a few hundred rows a statement.
  for (size_t start = 0; start < subject_ids.size(); start += storage::kIdsPerStatement) {
    const size_t end = std::min(subject_ids.size(), start + storage::kIdsPerStatement);
    std::string sql = "INSERT INTO nightly_tasks (run_date, kind, subject_id) VALUES ";
    std::vector<storage::SqlValue> params = {run_date, std::string(TaskKindName(kind))};
    for (size_t i = start; i < end; ++i) {
      sql += (i == start ? "" : ", ") + std::string("($1, $2, $") +
             std::to_string(params.size() + 1) + ")";
      params.emplace_back(subject_ids[i]);
    }
    connection.Execute(sql + " ON CONFLICT DO NOTHING", params);
  }
}

std::vector<int64_t> ClaimTasks(storage::Connection& connection, const std::string& run_date,
                                TaskKind kind, int limit) {
  std::vector<int64_t> subjects;
  for (const storage::Row& row : storage::ClaimBatch(
           connection,
           "SELECT subject_id FROM nightly_tasks WHERE run_date = $1 AND kind = $2 AND done_at "
           "IS NULL ORDER BY subject_id LIMIT $3",
           {run_date, std::string(TaskKindName(kind)), int64_t{limit}})) {
    subjects.push_back(row.Int(0));
  }
  return subjects;
}

void FinishTasks(storage::Connection& connection, const std::string& run_date, TaskKind kind,
                 const std::vector<int64_t>& subject_ids, const std::string& outcome, int64_t now) {
  for (size_t start = 0; start < subject_ids.size(); start += storage::kIdsPerStatement) {
    const size_t end = std::min(subject_ids.size(), start + storage::kIdsPerStatement);
    std::vector<storage::SqlValue> params = {now, outcome, run_date,
                                             std::string(TaskKindName(kind))};
    for (size_t i = start; i < end; ++i) params.emplace_back(subject_ids[i]);
    connection.Execute(
        "UPDATE nightly_tasks SET done_at = $1, outcome = $2 WHERE run_date = $3 AND kind = $4 "
        "AND subject_id IN " +
            storage::InList(end - start, 5),
        params);
  }
}

}  // namespace vivrovert::nightly
