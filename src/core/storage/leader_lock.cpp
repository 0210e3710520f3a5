#include "core/storage/leader_lock.hpp"

namespace vivrovert::storage {

LeaderLock::LeaderLock(Database& database, int64_t key) : database_(database), key_(key) {}

LeaderLock::~LeaderLock() { Release(); }

bool LeaderLock::Refresh() {
  if (database_.dialect().backend == Backend::kSqlite) {
    held_.store(true);
    return true;
  }
  try {
    if (connection_) {
      // Still our session? A session PostgreSQL ended (restart, failover, killed backend)
      // has released the lock with it.
      connection_->QueryOne("SELECT 1");
      return true;
    }
    auto connection = std::make_unique<Connection>(database_.Acquire());
    std::optional<Row> taken =
        connection->QueryOne("SELECT CASE WHEN pg_try_advisory_lock($1) THEN 1 ELSE 0 END", {key_});
    if (taken && taken->Int(0) == 1) {
      connection_ = std::move(connection);
      held_.store(true);
    }
  } catch (const std::exception&) {
    connection_.reset();
    held_.store(false);
  }
  return held_.load();
}

void LeaderLock::Release() {
  if (connection_) {
    try {
      connection_->QueryOne("SELECT CASE WHEN pg_advisory_unlock($1) THEN 1 ELSE 0 END", {key_});
    } catch (const std::exception&) {
      // The session is gone, and the lock with it.
    }
    connection_.reset();
  }
  held_.store(false);
}

}  // namespace vivrovert::storage
