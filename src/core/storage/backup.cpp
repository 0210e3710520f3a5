#include "core/storage/backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

namespace vivrovert::storage {

namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, CloseDatabase>;

Result<SqliteHandle> OpenFile(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteHandle handle(raw);
  if (rc != SQLITE_OK) {
    return Unavailable("cannot open " + path + ": " +
                       (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(handle.get(), 10000);
  return handle;
}

}  // namespace

Result<BackupReport> BackupSqlite(const DatabaseUrl& source, const std::string& target_path) {
  if (source.backend != Backend::kSqlite) {
    return InvalidArgument(
        "vivrovert backup copies a SQLite database; back PostgreSQL up with pg_basebackup and "
        "WAL archiving (docs/DEPLOY.md)",
        "database.url");
  }
  if (!std::filesystem::exists(source.target))
    return Unavailable("no SQLite database at " + source.target);
  VV_ASSIGN_OR_RETURN(SqliteHandle from, OpenFile(source.target, SQLITE_OPEN_READONLY));
  const std::string partial = target_path + ".partial";
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);
  VV_ASSIGN_OR_RETURN(SqliteHandle to,
                      OpenFile(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (backup == nullptr) {
    std::string message = sqlite3_errmsg(to.get());
    to.reset();
    std::filesystem::remove(partial, ignored);
    return Unavailable("cannot start the backup into " + partial + ": " + message);
  }
  // Every page in one step, under one read transaction: a snapshot. In WAL mode (the
  // server's) writers go on meanwhile; copying in slices instead would restart the copy at
  // each write by another process, for ever on a busy database.
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  BackupReport report;
  report.pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    std::string message = sqlite3_errstr(rc);
    to.reset();
    std::filesystem::remove(partial, ignored);
    return Unavailable("the backup into " + partial + " failed: " + message);
  }
  to.reset();
  std::error_code error;
  std::filesystem::rename(partial, target_path, error);
  if (error)
    return Unavailable("cannot rename " + partial + " to " + target_path + ": " + error.message());
  report.bytes = static_cast<int64_t>(std::filesystem::file_size(target_path, error));
  return report;
}

}  // namespace vivrovert::storage
