// A fresh, migrated database for one test, on the backend named by the environment
// variable VIVROVERT_TEST_BACKEND ("sqlite" or "postgresql"; ctest sets it, see
// tests/CMakeLists.txt). PostgreSQL tests need VIVROVERT_TEST_POSTGRES_URL, which
// scripts/with-test-services.sh provides; without it they fail with a clear message.
//
// SQLite: a new file in a temporary folder. PostgreSQL: a new database created on the
// test server and dropped afterwards.
#pragma once

#include <memory>
#include <string>

#include "core/storage/database.hpp"

namespace vivrovert::testing {

storage::Backend BackendUnderTest();

class TestDatabase {
 public:
  // Creates and migrates the database; fails the test (ADD_FAILURE + throw) on error.
  TestDatabase();
  explicit TestDatabase(storage::Backend backend);
  ~TestDatabase();

  storage::Database& db() { return *database_; }
  // URL that other processes (a second server) can open.
  const std::string& url() const { return url_; }
  // Opens another pool on the same database, as a second process would.
  std::unique_ptr<storage::Database> OpenAnother() const;

 private:
  storage::Backend backend_;
  std::string url_;
  std::string sqlite_folder_;
  std::string postgres_name_;
  std::unique_ptr<storage::Database> database_;
};

}  // namespace vivrovert::testing
