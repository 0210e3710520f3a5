// Online backups of the embedded SQLite database (`vivrovert backup`): SQLite's backup API
// copies a consistent snapshot page by page while the server keeps reading and writing
// (WAL mode: writers are not blocked). The copy is written beside the target and renamed
// into place, so a crash never leaves a half backup under the target's name.
//
// PostgreSQL is backed up by its own tools (pg_basebackup and WAL archiving, or pgbackrest;
// docs/DEPLOY.md): this function refuses it.
//
// Thread safety: independent calls may run together. Errors: InvalidArgument for a
// PostgreSQL URL, Unavailable when the source cannot be read or the target written.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::storage {

struct BackupReport {
  int64_t pages = 0;
  int64_t bytes = 0;
};

Result<BackupReport> BackupSqlite(const DatabaseUrl& source, const std::string& target_path);

}  // namespace vivrovert::storage
