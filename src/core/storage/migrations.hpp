// Versioned schema migrations, shared by both backends.
//
// Each migration is a file `src/core/storage/migrations/NNNN_name.sql`, compiled into the
// binary, written in the SQL both backends share plus two placeholders that the Dialect
// fills: `{{id}}` (auto-incremented BIGINT primary key) and `{{blob}}` (raw bytes).
// Applied migrations are recorded in `schema_migrations`; each runs in its own
// transaction, so a failing migration leaves the schema at the previous version.
// Migrations are append-only: never edit one that has shipped.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::storage {

struct MigrationInfo {
  int version;
  std::string name;
};

// All migrations compiled into this binary, by version.
const std::vector<MigrationInfo>& KnownMigrations();

// Highest applied version, 0 for an empty database.
int SchemaVersion(Database& database);

// Applies the missing migrations in order; returns the versions applied. Safe to run
// from several processes at once (PostgreSQL: advisory lock; SQLite: BEGIN IMMEDIATE).
// Refuses a database whose version is newer than this binary knows.
Result<std::vector<MigrationInfo>> Migrate(Database& database);

}  // namespace vivrovert::storage
