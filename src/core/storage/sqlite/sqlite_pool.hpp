// SQLite backend: a Poco session pool on one database file, each session set up for
// concurrent use by several threads and processes (WAL journal, busy timeout, foreign keys).
#pragma once

#include <memory>
#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::storage {

Result<std::unique_ptr<Poco::Data::SessionPool>> OpenSqlitePool(const std::string& path,
                                                                const PoolOptions& options);

}  // namespace vivrovert::storage
