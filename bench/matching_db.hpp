// The restart measurement of the matching benchmark (bench/README.md): writes generated
// people into a migrated database as the product stores them. Throws on bad input;
// database faults throw storage::StorageError.
#pragma once

#include <string>

#include "core/storage/database.hpp"
#include "matching_data.hpp"

namespace vivrovert::bench {

void LoadIntoDatabase(storage::Database& database, const BenchData& data,
                      const std::string& data_dir);

}  // namespace vivrovert::bench
