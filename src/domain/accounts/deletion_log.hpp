// Deleted accounts, as every server process learns of them: the `account_deletions`
// table (migration 0014).
//
// Each process keeps its own in-memory matching index (domain/matching/matcher.hpp). The process
// that deletes an account drops the person at once; the others read this log
// (DeletionFollower, polled before each matching pass) and drop them too, so no process
// keeps a deleted person's places and wishes in memory. A row holds only the former user
// id and the time (nothing else of the person remains to link the id to) and is purged a
// week later by the nightly retention, long after every running process has read it (a
// process started later reads the database without the person).
//
// Thread safety: DeletionLog is stateless functions on the caller's connection, inside
// the caller's transaction if one is open; a DeletionFollower is used by one thread at a
// time. Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::accounts {

class DeletionLog {
 public:
  // Records that `user_id` was deleted at `now` (in the deletion's transaction).
  static void Record(storage::Connection& connection, int64_t user_id, int64_t now);
  // The user ids deleted at or after `since`, oldest first.
  static std::vector<int64_t> Since(storage::Connection& connection, int64_t since);
  // Deletes rows recorded before `before`, at most `limit` of them (nightly retention).
  static int64_t PurgeBefore(storage::Connection& connection, int64_t before, int limit);
};

// Reads the deletions recorded since it was made (or since its last Poll). It reads by
// time with an overlap (kOverlapSeconds) rather than by row id, because ids are handed
// out before commit: a deletion committed late, or stamped by a process whose clock is a
// little behind, is still seen. The price is that an id may come back in several polls;
// dropping a person twice is harmless.
class DeletionFollower {
 public:
  static constexpr int64_t kOverlapSeconds = 300;

  // Starts at `clock`'s now minus the overlap: create it before loading the index, so
  // that a deletion made during the load is read by the first Poll. Keeps references to
  // `database` and `clock`, which must outlive it.
  DeletionFollower(storage::Database& database, const Clock& clock);

  // The user ids deleted since the previous call (any process), oldest first; see above
  // for repeats.
  std::vector<int64_t> Poll();

 private:
  storage::Database& database_;
  const Clock& clock_;
  int64_t since_ = 0;
};

}  // namespace vivrovert::accounts
