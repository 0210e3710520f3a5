#include "domain/accounts/deletion_log.hpp"

namespace vivrovert::accounts {

void DeletionLog::Record(storage::Connection& connection, int64_t user_id, int64_t now) {
  connection.Execute("INSERT INTO account_deletions (user_id, deleted_at) VALUES ($1, $2)",
                     {user_id, now});
}

std::vector<int64_t> DeletionLog::Since(storage::Connection& connection, int64_t since) {
  std::vector<int64_t> user_ids;
  for (const storage::Row& row : connection.Query(
           "SELECT user_id FROM account_deletions WHERE deleted_at >= $1 ORDER BY deleted_at, id",
           {since})) {
    user_ids.push_back(row.Int(0));
  }
  return user_ids;
}

int64_t DeletionLog::PurgeBefore(storage::Connection& connection, int64_t before, int limit) {
  return connection.Execute(
      "DELETE FROM account_deletions WHERE id IN (SELECT id FROM account_deletions "
      "WHERE deleted_at < $1 ORDER BY id LIMIT $2)",
      {before, int64_t{limit}});
}

DeletionFollower::DeletionFollower(storage::Database& database, const Clock& clock)
    : database_(database), clock_(clock), since_(clock.NowSeconds() - kOverlapSeconds) {}

std::vector<int64_t> DeletionFollower::Poll() {
  const int64_t now = clock_.NowSeconds();
  storage::Connection connection = database_.Acquire();
  std::vector<int64_t> deleted = DeletionLog::Since(connection, since_);
  since_ = now - kOverlapSeconds;
  return deleted;
}

}  // namespace vivrovert::accounts
