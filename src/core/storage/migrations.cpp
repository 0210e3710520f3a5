#include "core/storage/migrations.hpp"

#include <algorithm>
#include <charconv>

#include "core/common/embedded_file.hpp"
#include "core/common/env.hpp"

namespace vivrovert::storage::migrations_sql {
const std::vector<::vivrovert::EmbeddedFile>& EmbeddedFiles();
}  // namespace vivrovert::storage::migrations_sql

namespace vivrovert::storage {

namespace {

struct Migration {
  MigrationInfo info;
  std::string_view sql;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = [] {
    std::vector<Migration> migrations;
    for (const EmbeddedFile& file : migrations_sql::EmbeddedFiles()) {
      int version = 0;
      auto [end, error] = std::from_chars(file.name.data(), file.name.data() + 4, version);
      if (error != std::errc() || file.name.size() < 6 || file.name[4] != '_') {
        throw std::logic_error("migration file name must be NNNN_name.sql: " +
                               std::string(file.name));
      }
      std::string name(file.name.substr(5));
      name = name.substr(0, name.rfind(".sql"));
      migrations.push_back({{version, name}, file.text});
    }
    std::sort(migrations.begin(), migrations.end(), [](const Migration& a, const Migration& b) {
      return a.info.version < b.info.version;
    });
    return migrations;
  }();
  return kMigrations;
}

std::string ForDialect(std::string_view sql, const Dialect& dialect) {
  std::string out(sql);
  auto replace_all = [&out](std::string_view from, std::string_view to) {
    for (size_t pos = out.find(from); pos != std::string::npos;
         pos = out.find(from, pos + to.size())) {
      out.replace(pos, from.size(), to);
    }
  };
  replace_all("{{id}}", dialect.identity_primary_key);
  replace_all("{{blob}}", dialect.blob_type);
  return out;
}

void EnsureVersionTable(Connection& connection) {
  connection.Execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
}

int CurrentVersion(Connection& connection) {
  std::optional<Row> row = connection.QueryOne("SELECT MAX(version) FROM schema_migrations");
  return row && !row->IsNull(0) ? static_cast<int>(row->Int(0)) : 0;
}

}  // namespace

const std::vector<MigrationInfo>& KnownMigrations() {
  static const std::vector<MigrationInfo> kInfos = [] {
    std::vector<MigrationInfo> infos;
    for (const Migration& migration : Migrations()) infos.push_back(migration.info);
    return infos;
  }();
  return kInfos;
}

int SchemaVersion(Database& database) {
  Connection connection = database.Acquire();
  EnsureVersionTable(connection);
  return CurrentVersion(connection);
}

Result<std::vector<MigrationInfo>> Migrate(Database& database) {
  Connection connection = database.Acquire();
  EnsureVersionTable(connection);
  const int newest_known = Migrations().empty() ? 0 : Migrations().back().info.version;
  if (const int current = CurrentVersion(connection); current > newest_known) {
    return FailedPrecondition("the database schema is at version " + std::to_string(current) +
                              " but this binary knows only up to " + std::to_string(newest_known) +
                              ": upgrade the binary");
  }
  std::vector<MigrationInfo> applied;
  for (const Migration& migration : Migrations()) {
    Transaction transaction(connection);
    if (connection.dialect().backend == Backend::kPostgresql) {
      // Serialises concurrent migrators; released at COMMIT/ROLLBACK.
      connection.Query("SELECT pg_advisory_xact_lock(7316201)");
    }
    const int current = CurrentVersion(connection);
    if (migration.info.version <= current) continue;
    try {
      connection.ExecuteScript(ForDialect(migration.sql, connection.dialect()));
    } catch (const StorageError& error) {
      return Internal("migration " + std::to_string(migration.info.version) + " (" +
                      migration.info.name + ") failed: " + error.what());
    }
    connection.Execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        {int64_t{migration.info.version}, migration.info.name,
         SystemClock::Instance().NowSeconds()});
    transaction.Commit();
    applied.push_back(migration.info);
  }
  return applied;
}

}  // namespace vivrovert::storage
