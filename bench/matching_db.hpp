// The restart measurement of the matching benchmark (bench/README.md): writes generated
// people into a migrated database as the product stores them. Throws on bad input;
// database faults throw storage::StorageError (std::runtime_error for the bulk paths).
#pragma once

#include <string>

#include "core/storage/database.hpp"
#include "matching_data.hpp"

namespace vivrovert::bench {

enum class Loader {
  kInserts,  // multi-row INSERTs of 200 rows through the storage layer (before issue 25)
  kBulk,     // PostgreSQL: COPY … FROM STDIN; SQLite: one prepared statement per table
};

// The rows written are the same with either loader (same tables, same values).
void LoadIntoDatabase(storage::Database& database, const BenchData& data,
                      const std::string& data_dir, Loader loader = Loader::kBulk);

}  // namespace vivrovert::bench
