// The night's tasks (nightly_tasks, this part's table): one row per person to write a
// digest to and per partner owed a lead report, made once per run date, then claimed in
// batches by any number of workers (storage::ClaimBatch) and marked done with an outcome.
// A run cut short resumes with the tasks not done.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::nightly {

enum class TaskKind { kDigest, kLeadReport };
const char* TaskKindName(TaskKind kind);  // "digest", "lead_report" (stored)

// Adds the tasks of `kind` for `subject_ids` (user or partner ids) to the run; tasks that
// exist already are left as they are. In the caller's transaction.
void AddTasks(storage::Connection& connection, const std::string& run_date, TaskKind kind,
              const std::vector<int64_t>& subject_ids);

// Claims up to `limit` tasks of `kind` not done yet, by subject id, for the caller's open
// transaction, which must mark each of them done (FinishTasks) before it commits.
std::vector<int64_t> ClaimTasks(storage::Connection& connection, const std::string& run_date,
                                TaskKind kind, int limit);

// Marks the tasks of these subjects done at `now` with `outcome` ("sent", "not due"…).
void FinishTasks(storage::Connection& connection, const std::string& run_date, TaskKind kind,
                 const std::vector<int64_t>& subject_ids, const std::string& outcome, int64_t now);

}  // namespace vivrovert::nightly
