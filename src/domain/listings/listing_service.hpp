// Publishing listings: checks, placement, territory, idempotent upserts — the one path
// behind the partner API, the file import, the back-office forms and the national
// importers (France Travail).
//
// A publisher is a source (a partner, or a national source) with the territory it may
// publish in (none: anywhere in the grid). A listing is accepted when every field is valid
// (listing_schema.hpp), it can be placed (placement.hpp) and its commune lies in the
// publisher's territory. Its content hash (SHA-256 of its kind and normalised fields)
// makes a repeated upsert a no-op: same external id and same content → "unchanged", no
// write, updated_at kept.
//
// Searches and tile panels read listings from the database, so a change is visible to the
// next request.
//
// Thread safety: a ListingService is shared by the server's threads; it holds only
// references to thread-safe parts. Errors: Status values (French messages, field) for bad
// input; database faults throw storage::StorageError.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/listings/listing_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::listings {

struct Publisher {
  std::string source_key;  // "partner:<id>" or a national source
  std::optional<int64_t> partner_id;
  const engine::Territory* territory = nullptr;  // null: anywhere in the grid
  std::string territory_name;                    // for error messages ("CA du Grand Cahors")
  bool is_demo = false;
};

enum class Outcome { kCreated, kUpdated, kUnchanged };
const char* OutcomeName(Outcome outcome);  // "created", "updated", "unchanged"

// A listing checked and placed, ready to store, or the reasons it cannot be.
struct Prepared {
  Listing listing;
  std::vector<FieldError> errors;
  bool ok() const { return errors.empty(); }
};

// One item of a batch (bulk API call or file): `line` numbers it in reports (the file's
// line, or the item's index in a JSON array).
struct BatchItem {
  int64_t line = 0;
  Kind kind = Kind::kHousing;
  nlohmann::json fields;
  std::vector<FieldError> read_errors;  // problems found while reading the file row
};

enum class BatchMode {
  kAllOrNothing,  // one bad item rejects the batch; nothing is written
  kValidItems,    // valid items are written, bad ones reported
};

struct ItemReport {
  int64_t line = 0;
  std::optional<std::string> external_id;
  std::optional<int64_t> id;       // of the stored listing
  std::optional<Outcome> outcome;  // absent when rejected (or not written: dry run shows it)
  std::vector<FieldError> errors;
};

struct BatchReport {
  bool applied = false;  // something was (or, in a dry run, would be) written
  bool dry_run = false;
  int64_t created = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<ItemReport> items;
  // CSV imports: field name → the header cell of the file's column it was read from
  // ("price_eur" → "Prix"). ToJson adds it to each error as "column", so that the report
  // names the column as the file did.
  std::map<std::string, std::string> columns;
  nlohmann::json ToJson() const;
};

class ListingService {
 public:
  // `grid` may be null (no grid built): every publication then fails with Unavailable.
  ListingService(storage::Database& database, const engine::GridFile* grid, const Clock& clock);

  // Checks and places `fields` as a listing of `kind` for `publisher`.
  Prepared Prepare(const Publisher& publisher, Kind kind, const nlohmann::json& fields) const;

  // Creates a listing; with an external id already used by this publisher, updates that
  // one instead (upsert). Errors: InvalidArgument with every problem in `errors`.
  struct Written {
    Listing listing;
    Outcome outcome = Outcome::kCreated;
  };
  Result<Written> Upsert(const Publisher& publisher, Kind kind, const nlohmann::json& fields,
                         std::vector<FieldError>* errors);
  // Replaces listing `id` of this publisher (its kind stays). NotFound when it is not theirs.
  Result<Written> Replace(const Publisher& publisher, int64_t id, const nlohmann::json& fields,
                          std::vector<FieldError>* errors);
  // NotFound when it is not theirs or already withdrawn.
  Status Withdraw(const Publisher& publisher, int64_t id);
  // A listing of this publisher (withdrawn included); nullopt when absent or another's.
  std::optional<Listing> Get(const Publisher& publisher, int64_t id);

  // Writes a batch in one transaction (bulk API, file import). A dry run reports what
  // would happen and writes nothing.
  BatchReport ApplyBatch(const Publisher& publisher, const std::vector<BatchItem>& items,
                         BatchMode mode, bool dry_run);

  // Today's date (UTC), against which validity dates are read.
  std::string Today() const;
  int64_t Now() const { return clock_.NowSeconds(); }
  const engine::GridFile* grid() const { return grid_; }
  storage::Database& database() { return database_; }

 private:
  // Inside the caller's transaction: stores `prepared` for `publisher`.
  Written Store(storage::Connection& connection, const Publisher& publisher, Prepared prepared);

  storage::Database& database_;
  const engine::GridFile* grid_;
  const Clock& clock_;
};

// SHA-256 of a kind and its normalised fields (keys in sorted order).
std::string ContentHash(Kind kind, const nlohmann::json& fields);

}  // namespace vivrovert::listings
