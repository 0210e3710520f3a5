// PostgreSQL backend: a Poco session pool on a libpq connection URI.
#pragma once

#include <memory>
#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::storage {

Result<std::unique_ptr<Poco::Data::SessionPool>> OpenPostgresqlPool(const std::string& uri,
                                                                    const PoolOptions& options);

}  // namespace vivrovert::storage
