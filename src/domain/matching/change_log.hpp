// The people whose places or wishes changed, as every server process learns of them: the
// `matching_changes` table (migration 0020), this part's own.
//
// Each process keeps its own in-memory matching index (matcher.hpp). The process that makes
// a change updates its index at once and records the change here in the same transaction;
// the others read the log every couple of seconds (Matcher::FollowChanges, from the
// server's cluster worker) and reload those people from the database, so the index of
// every node follows a change made through any node within seconds. Deleted accounts have
// their own log (accounts/deletion_log.hpp).
//
// Thread safety: stateless functions on the caller's connection, inside the caller's
// transaction if one is open. Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::matching {

struct PersonChange {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string origin;
  int64_t changed_at = 0;
};

class ChangeLog {
 public:
  static void Record(storage::Connection& connection, int64_t user_id, const std::string& origin,
                     int64_t now);
  // The changes recorded at or after `since`, oldest first.
  static std::vector<PersonChange> Since(storage::Connection& connection, int64_t since);
  // The newest change recorded before `before` (its id), if any: while it is still in the
  // log, no change at or after `before` has been purged (PurgeBefore goes oldest first).
  static std::optional<int64_t> LastBefore(storage::Connection& connection, int64_t before);
  static bool Contains(storage::Connection& connection, int64_t id);
  // The highest id handed out so far (0: none).
  static int64_t LastId(storage::Connection& connection);
  // Deletes the changes recorded before `before`, at most `limit` of them.
  static int64_t PurgeBefore(storage::Connection& connection, int64_t before, int limit);
};

}  // namespace vivrovert::matching
