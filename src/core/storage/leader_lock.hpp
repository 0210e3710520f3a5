// One leader among the processes that share a database, for the work that must run once
// (the matching pass, the night's run): a PostgreSQL session-level advisory lock, held on a
// connection kept out of the pool for as long as this process leads. When the leader dies
// (even by kill -9) or loses its connection, PostgreSQL ends its session and releases the
// lock, and the next Refresh() of another process takes it: no hand-made heartbeat.
//
// On SQLite (one machine, one server) every process leads; the database's own write lock
// still serialises their transactions.
//
// Thread safety: Refresh and Release from one thread at a time (the server's cluster
// worker); held() from any thread. Errors: none thrown; a database fault means "not held".
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/storage/database.hpp"

namespace vivrovert::storage {

// The advisory lock keys of the project, one per kind of single-run work.
inline constexpr int64_t kLeaderLockKey = 7316202;

class LeaderLock {
 public:
  // `database` must outlive the lock.
  LeaderLock(Database& database, int64_t key);
  ~LeaderLock();
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  // Takes the lock when free, or checks that its session is still alive when held.
  // Returns whether this process leads now.
  bool Refresh();
  // Gives the lock up (a draining server), so that another process takes over at once.
  void Release();
  bool held() const { return held_.load(); }

 private:
  Database& database_;
  const int64_t key_;
  std::unique_ptr<Connection> connection_;  // the session holding the lock
  std::atomic<bool> held_{false};
};

}  // namespace vivrovert::storage
