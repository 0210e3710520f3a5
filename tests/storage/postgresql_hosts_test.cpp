// libpq's multi-host URL (postgresql://user@host1:port1,host2:port2/db), what the nodes of
// bench/failover.sh use to follow a standby's promotion without a restart: the servers are
// tried in order, and with target_session_attrs=read-write only one accepting writes is
// kept. PostgreSQL only (label postgresql).
#include <gtest/gtest.h>

#include <string>

#include "core/storage/database.hpp"
#include "support/test_database.hpp"

namespace vivrovert::storage {
namespace {

// The test database's URL with `before` listed ahead of its own server.
std::string WithServerBefore(const std::string& url, const std::string& before,
                             const std::string& query) {
  const size_t host = url.find('@') + 1;
  std::string out = url.substr(0, host) + before + "," + url.substr(host);
  return out + (out.find('?') == std::string::npos ? "?" : "&") + query;
}

int64_t ServerPort(Database& database) {
  Connection connection = database.Acquire();
  return connection.QueryOne("SELECT inet_server_port()::BIGINT")->Int(0);
}

TEST(PostgresqlHostsTest, AServerDownFirstInTheListIsSkipped) {
  testing::TestDatabase test_database(Backend::kPostgresql);
  const int64_t port = ServerPort(test_database.db());
  // Port 1 on loopback: nobody listens, the connection is refused.
  auto database = Database::Open(
      WithServerBefore(test_database.url(), "127.0.0.1:1", "target_session_attrs=read-write"));
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  EXPECT_EQ(ServerPort(**database), port);
  Connection connection = (*database)->Acquire();
  connection.Execute("CREATE TABLE written_through_the_list (x INTEGER)");
  EXPECT_EQ(connection.Execute("INSERT INTO written_through_the_list VALUES (1)"), 1);
}

TEST(PostgresqlHostsTest, NoServerAcceptingWritesIsUnavailable) {
  testing::TestDatabase test_database(Backend::kPostgresql);
  // The only server up is asked to be a standby: libpq refuses every server of the list.
  auto database = Database::Open(WithServerBefore(
      test_database.url(), "127.0.0.1:1", "target_session_attrs=standby&connect_timeout=5"));
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vivrovert::storage
