// One file import, start to end: read the file (listing_file.hpp), apply it as a batch
// (ListingService::ApplyBatch), record it in the import log. The back-office upload, the
// partner API's import endpoint and the `vivrovert listings import` command all call this.
//
// A file that cannot be read at all (wrong format, unknown column) is rejected before any
// row is looked at; it is still logged, so that staff see what went wrong. Re-importing
// the same file changes nothing (every row is "unchanged").
//
// Thread safety: as ListingService.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/common/status.hpp"
#include "domain/listings/import_log.hpp"
#include "domain/listings/listing_file.hpp"
#include "domain/listings/listing_service.hpp"

namespace vivrovert::listings {

inline constexpr size_t kMaxImportBytes = kMaxListingFileBytes;

struct ImportRequest {
  std::string_view bytes;
  std::string file_name;
  std::optional<Kind> kind;     // when the file has no `kind` column
  std::string format = "auto";  // "auto" (CSV or JSON), or "france-travail"
  BatchMode mode = BatchMode::kAllOrNothing;
  bool dry_run = false;
  std::optional<int64_t> user_id;
};

struct ImportResult {
  ImportRecord record;  // as logged (record.id set)
  Status read_status;   // why the file could not be read at all; ok otherwise
};

ImportResult RunImport(ListingService& service, const Publisher& publisher,
                       const ImportRequest& request);

}  // namespace vivrovert::listings
