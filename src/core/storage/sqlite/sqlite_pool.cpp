#include "core/storage/sqlite/sqlite_pool.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <filesystem>
#include <mutex>

namespace vivrovert::storage {

namespace {

class SqliteSessionPool final : public Poco::Data::SessionPool {
 public:
  SqliteSessionPool(const std::string& path, const PoolOptions& options)
      : Poco::Data::SessionPool(Poco::Data::SQLite::Connector::KEY, path, options.min_sessions,
                                options.max_sessions, options.idle_seconds),
        busy_timeout_ms_(options.sqlite_busy_timeout_ms) {}

 protected:
  void customizeSession(Poco::Data::Session& session) override {
    using namespace Poco::Data::Keywords;
    // WAL lets readers proceed while one writer holds the lock; the busy timeout makes
    // writers of other threads and processes wait their turn instead of failing.
    session << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms_), now;
    session << "PRAGMA journal_mode = WAL", now;
    session << "PRAGMA synchronous = NORMAL", now;
    session << "PRAGMA foreign_keys = ON", now;
  }

 private:
  int busy_timeout_ms_;
};

}  // namespace

Result<std::unique_ptr<Poco::Data::SessionPool>> OpenSqlitePool(const std::string& path,
                                                                const PoolOptions& options) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  std::filesystem::path file(path);
  if (file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      return Unavailable("cannot create the folder of " + path + ": " + error.message());
    }
  }
  return std::unique_ptr<Poco::Data::SessionPool>(new SqliteSessionPool(path, options));
}

}  // namespace vivrovert::storage
