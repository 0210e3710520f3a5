#include "support/test_database.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "core/common/env.hpp"
#include "core/storage/migrations.hpp"

namespace vivrovert::testing {

namespace {

std::string AdminUrl() {
  const char* url = std::getenv("VIVROVERT_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "VIVROVERT_TEST_POSTGRES_URL is not set: run the PostgreSQL tests through `make test` "
        "(scripts/with-test-services.sh starts a throw-away cluster)");
  }
  return url;
}

// postgresql://user@host:port/db → same server, other database.
std::string WithDatabase(const std::string& url, const std::string& name) {
  size_t slash = url.find('/', url.find("://") + 3);
  size_t query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

std::unique_ptr<storage::Database> OpenOrThrow(const std::string& url) {
  auto database = storage::Database::Open(url);
  if (!database.ok()) throw std::runtime_error(database.status().ToString());
  return std::move(database).value();
}

}  // namespace

storage::Backend BackendUnderTest() {
  const char* name = std::getenv("VIVROVERT_TEST_BACKEND");
  if (name == nullptr || std::string(name) == "sqlite") return storage::Backend::kSqlite;
  if (std::string(name) == "postgresql") return storage::Backend::kPostgresql;
  throw std::runtime_error(std::string("unknown VIVROVERT_TEST_BACKEND: ") + name);
}

TestDatabase::TestDatabase() : TestDatabase(BackendUnderTest()) {}

TestDatabase::TestDatabase(storage::Backend backend) : backend_(backend) {
  std::string suffix = SecureRandom::Instance().Token(9);
  for (char& c : suffix) {
    c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : 'x';
  }
  if (backend_ == storage::Backend::kSqlite) {
    sqlite_folder_ =
        (std::filesystem::temp_directory_path() / ("vivrovert-test-" + suffix)).string();
    std::filesystem::create_directories(sqlite_folder_);
    url_ = "sqlite:" + sqlite_folder_ + "/test.db";
  } else {
    postgres_name_ = "t_" + suffix;
    auto admin = OpenOrThrow(AdminUrl());
    admin->Acquire().Execute("CREATE DATABASE " + postgres_name_);
    url_ = WithDatabase(AdminUrl(), postgres_name_);
  }
  database_ = OpenOrThrow(url_);
  auto applied = storage::Migrate(*database_);
  if (!applied.ok()) throw std::runtime_error(applied.status().ToString());
}

TestDatabase::~TestDatabase() {
  database_.reset();
  try {
    if (!sqlite_folder_.empty()) std::filesystem::remove_all(sqlite_folder_);
    if (!postgres_name_.empty()) {
      auto admin = OpenOrThrow(AdminUrl());
      admin->Acquire().Execute("DROP DATABASE IF EXISTS " + postgres_name_ + " WITH (FORCE)");
    }
  } catch (const std::exception& error) {
    ADD_FAILURE() << "could not clean up the test database: " << error.what();
  }
}

std::unique_ptr<storage::Database> TestDatabase::OpenAnother() const { return OpenOrThrow(url_); }

}  // namespace vivrovert::testing
