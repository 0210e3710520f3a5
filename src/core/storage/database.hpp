// Storage: one SQL interface over two backends, SQLite (embedded default) and
// PostgreSQL (production). Stores (accounts, mail outbox, …) are written once against
// this interface in the SQL subset both backends share; what differs lives in Dialect.
//
// SQL conventions, checked by the storage contract tests on both backends:
//  - parameters are `$1, $2, …` and are always bound, never spliced into SQL text; no
//    `$` inside SQL string literals (Poco's PostgreSQL connector counts those too);
//  - timestamps are BIGINT seconds since the Unix epoch (UTC), read from a Clock;
//  - booleans are INTEGER 0/1;
//  - inserts that may collide use `ON CONFLICT … DO NOTHING RETURNING …` (an empty result
//    means the row existed), so a uniqueness rule is an expected outcome, not an error;
//  - row locks (`FOR UPDATE SKIP LOCKED`) exist on PostgreSQL only: ask the Dialect.
//
// Thread safety: a Database is shared by all threads. A Connection is used by one thread
// at a time and returns to the pool when destroyed.
//
// Errors: a database fault (connection lost, syntax error, lock timeout) throws
// StorageError; callers let it reach the request or command edge.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/common/status.hpp"

namespace Poco::Data {
class Session;
class SessionPool;
}  // namespace Poco::Data

namespace vivrovert::storage {

enum class Backend { kSqlite, kPostgresql };

const char* BackendName(Backend backend);

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value bound to a parameter or read from a column.
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<SqlValue> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t column) const;
  // Typed reads; a NULL or a value of another type throws StorageError.
  int64_t Int(size_t column) const;
  double Double(size_t column) const;
  std::string Text(size_t column) const;
  // NULL-aware reads.
  std::optional<int64_t> OptionalInt(size_t column) const;
  std::optional<std::string> OptionalText(size_t column) const;
  const SqlValue& Value(size_t column) const;

 private:
  std::vector<SqlValue> values_;
};

// Where the two backends' SQL differs.
struct Dialect {
  Backend backend;
  // Supports `SELECT … FOR UPDATE SKIP LOCKED` to share a work queue between workers.
  bool has_row_locks;
  // Column type of an auto-incremented 64-bit primary key.
  std::string_view identity_primary_key;
  // Column type of raw bytes.
  std::string_view blob_type;

  static const Dialect& For(Backend backend);
};

// A database address: `sqlite:PATH` (relative paths are relative to the working
// directory) or a libpq URI `postgresql://user:password@host:port/dbname`.
struct DatabaseUrl {
  Backend backend;
  std::string target;  // SQLite file path or libpq connection URI

  static Result<DatabaseUrl> Parse(std::string_view url);
  // The URL with any password replaced by "***", for logs.
  std::string Redacted() const;
};

class Transaction;

// A pooled connection. Not thread-safe; returned to the pool on destruction.
class Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) = delete;
  ~Connection();

  // Runs a statement, returns the number of rows it changed.
  int64_t Execute(std::string_view sql, const std::vector<SqlValue>& params = {});
  // Runs a query, returns all its rows.
  std::vector<Row> Query(std::string_view sql, const std::vector<SqlValue>& params = {});
  // The first row of a query, if any.
  std::optional<Row> QueryOne(std::string_view sql, const std::vector<SqlValue>& params = {});
  // Runs several statements separated by `;` without parameters (migrations).
  void ExecuteScript(std::string_view script);

  const Dialect& dialect() const { return *dialect_; }

 private:
  friend class Database;
  friend class Transaction;
  Connection(std::unique_ptr<Poco::Data::Session> session, const Dialect& dialect);

  std::unique_ptr<Poco::Data::Session> session_;
  const Dialect* dialect_;
  bool in_transaction_ = false;
};

// A transaction on one connection: commit explicitly, rolled back otherwise.
// On SQLite it starts with BEGIN IMMEDIATE so that writers queue on the database lock
// (busy timeout) instead of failing when a read transaction upgrades.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void Commit();
  Connection& connection() { return connection_; }

 private:
  Connection& connection_;
  bool done_ = false;
};

struct PoolOptions {
  int min_sessions = 1;
  int max_sessions = 16;
  int idle_seconds = 60;
  // How long a writer waits for SQLite's database lock before failing.
  int sqlite_busy_timeout_ms = 10000;
  // Open() takes a first connection, to fail at once on a wrong address; false for a
  // replica that may be down when the server starts (it has a fallback).
  bool probe = true;
};

class Database {
 public:
  // Opens a pool on `url`. Creates the SQLite file (and its folder) when missing.
  static Result<std::unique_ptr<Database>> Open(std::string_view url, PoolOptions options = {});
  ~Database();

  // A connection from the pool; waits while all are in use, throws StorageError when
  // none frees up or the server cannot be reached.
  Connection Acquire();

  // For a read replica (database.replica_url): when this database cannot give a
  // working connection (the standby is down or unreachable; each pooled connection is
  // checked with a `SELECT 1` first), Acquire() takes one from `fallback`, the primary,
  // instead of failing. `fallback` must outlive this database; null: none.
  void SetFallback(Database* fallback) { fallback_ = fallback; }
  // How many connections came from the fallback since the start (for /metrics).
  int64_t fallbacks() const { return fallbacks_.load(); }

  const Dialect& dialect() const { return *dialect_; }
  const DatabaseUrl& url() const { return url_; }

 private:
  Database(DatabaseUrl url, const Dialect& dialect, std::unique_ptr<Poco::Data::SessionPool> pool);

  DatabaseUrl url_;
  const Dialect* dialect_;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
  Database* fallback_ = nullptr;
  std::atomic<int64_t> fallbacks_{0};
};

}  // namespace vivrovert::storage
