// The record of each file import (table listing_imports): who sent which file, how it was
// read, and its report — shown on the back-office's import page and downloadable.
//
// Thread safety: stateless functions on the caller's connection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/listings/listing_service.hpp"

namespace vivrovert::listings {

struct ImportRecord {
  int64_t id = 0;
  std::optional<int64_t> partner_id;
  std::string source_key;
  std::string kind;  // a kind name, or "mixed" when the file has a kind column
  std::string file_name;
  std::string file_sha256;
  std::string file_format;  // "csv", "json", "france-travail"
  BatchMode mode = BatchMode::kAllOrNothing;
  bool dry_run = false;
  std::string outcome;  // "applied", "rejected", "dry_run"
  int64_t rows_total = 0;
  BatchReport report;  // counts; items only when read back with Get
  nlohmann::json report_json;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
};

class ImportLog {
 public:
  static int64_t Record(storage::Connection& connection, const ImportRecord& record);
  static std::optional<ImportRecord> Get(storage::Connection& connection, int64_t id);
  // Newest first; all partners when partner_id is null.
  static std::vector<ImportRecord> Recent(storage::Connection& connection,
                                          std::optional<int64_t> partner_id, int limit);
};

// "applied" when the batch wrote (or, dry, would write) and nothing was rejected in
// all-or-nothing mode; "rejected" otherwise; "dry_run" for a dry run.
std::string OutcomeOf(const BatchReport& report, BatchMode mode);

}  // namespace vivrovert::listings
