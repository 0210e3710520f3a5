#include "core/storage/migrations.hpp"

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace vivrovert::storage {
namespace {

TEST(MigrationsTest, FreshDatabaseIsAtTheNewestVersion) {
  testing::TestDatabase database;
  ASSERT_FALSE(KnownMigrations().empty());
  EXPECT_EQ(SchemaVersion(database.db()), KnownMigrations().back().version);
}

TEST(MigrationsTest, RunningAgainAppliesNothing) {
  testing::TestDatabase database;
  auto applied = Migrate(database.db());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_TRUE(applied->empty());
}

TEST(MigrationsTest, VersionsAreStrictlyIncreasing) {
  int previous = 0;
  for (const MigrationInfo& migration : KnownMigrations()) {
    EXPECT_GT(migration.version, previous) << migration.name;
    previous = migration.version;
  }
}

TEST(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  testing::TestDatabase database;
  {
    Connection connection = database.db().Acquire();
    connection.Execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)",
        {int64_t{KnownMigrations().back().version + 1}});
  }
  auto applied = Migrate(database.db());
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(applied.status().message().find("upgrade the binary"), std::string::npos);
}

TEST(MigrationsTest, CreatesTheAccountTables) {
  testing::TestDatabase database;
  Connection connection = database.db().Acquire();
  for (const char* table :
       {"users", "sessions", "email_tokens", "throttle_counters", "mail_outbox"}) {
    EXPECT_NO_THROW(connection.Query(std::string("SELECT COUNT(*) FROM ") + table)) << table;
  }
}

}  // namespace
}  // namespace vivrovert::storage
