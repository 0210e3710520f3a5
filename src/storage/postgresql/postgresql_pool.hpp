// PostgreSQL backend: a Poco session pool on a libpq connection URI.
#pragma once

#include <memory>
#include <string>

#include "common/status.hpp"
#include "storage/database.hpp"

namespace vivrovert::storage {

Result<std::unique_ptr<Poco::Data::SessionPool>> OpenPostgresqlPool(const std::string& uri,
                                                                     const PoolOptions& options);

}  // namespace vivrovert::storage
