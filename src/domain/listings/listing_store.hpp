// Listings in the database (the `listings` table, migration 0003).
//
// A listing belongs to a source: "partner:<id>" for what a partner publishes, or a national
// source ("france-travail"). (source, external_id) names it across imports. A withdrawn
// listing stays in the table (withdrawn_at) so that a later re-import is recognised and the
// matching jobs see the withdrawal; it is never shown to people.
//
// Status as people see it on a given day (dates are UTC days, 'AAAA-MM-JJ'):
//   withdrawn  withdrawn by its publisher;
//   scheduled  valid_from is after that day;
//   expired    valid_until is before that day (the end date is the last day shown);
//   active     otherwise.
//
// Thread safety: stateless functions on the caller's connection, inside its transaction
// if one is open. Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/listings/placement.hpp"

namespace vivrovert::listings {

struct Listing {
  int64_t id = 0;
  std::string source_key;
  std::optional<int64_t> partner_id;
  std::optional<std::string> external_id;
  Kind kind = Kind::kHousing;
  std::string title;
  std::string description;
  std::string commune_code;
  std::string address;
  std::string postcode;
  double latitude = 0;
  double longitude = 0;
  Precision precision = Precision::kExact;
  std::string tile_1km;
  std::string tile_5km;
  std::optional<std::string> valid_from;
  std::optional<std::string> valid_until;
  // Every normalised field that has no column of its own (kind fields, contact, pictures).
  nlohmann::json details = nlohmann::json::object();
  std::string content_hash;
  bool is_demo = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> withdrawn_at;

  // "active", "scheduled", "expired" or "withdrawn" on `today` (AAAA-MM-JJ).
  std::string StatusOn(const std::string& today) const;
  // The fields as a publisher sends them (the normalised input, flat).
  nlohmann::json Fields() const;
  // The API form: id, kind, status, the fields, and where it was placed:
  // {"location":{"commune_code","latitude","longitude","precision","tile_1km","tile_5km"}}.
  nlohmann::json ToJson(const std::string& today) const;
};

inline constexpr const char* kStatusActive = "active";
inline constexpr const char* kStatusScheduled = "scheduled";
inline constexpr const char* kStatusExpired = "expired";
inline constexpr const char* kStatusWithdrawn = "withdrawn";

// A WGS84 box (degrees), edges included.
struct BoundingBox {
  double west = 0;
  double south = 0;
  double east = 0;
  double north = 0;
};

struct ListingFilter {
  std::optional<int64_t> partner_id;
  std::optional<std::string> source_key;
  std::optional<Kind> kind;
  std::optional<std::string> status;  // one of the statuses above, on `today`
  std::optional<std::string> commune_code;
  std::optional<std::string> tile;    // a 1-km or 5-km tile id
  std::optional<BoundingBox> within;  // the listing's point lies in this box
  std::optional<int64_t> updated_since;
  std::optional<std::string> text;  // in the title (case-sensitive LIKE on both backends)
  bool include_withdrawn = false;   // when no status is asked
  int64_t after_id = 0;             // cursor: ids greater than this
  int limit = 50;
  std::string today;  // AAAA-MM-JJ
};

// The source of what a person publishes themselves (their CV, web/profiles/cv_pages.hpp).
std::string PersonSourceKey(int64_t user_id);

class ListingStore {
 public:
  static std::optional<Listing> Get(storage::Connection& connection, int64_t id);
  // The listings of `ids` that exist, by id, read in a few statements (storage::QueryIdsIn)
  // instead of one per listing: for the matching pass.
  static std::map<int64_t, Listing> GetMany(storage::Connection& connection,
                                            const std::vector<int64_t>& ids);
  static std::optional<Listing> FindByExternalId(storage::Connection& connection,
                                                 const std::string& source_key,
                                                 const std::string& external_id);
  // Inserts and returns the new id. An existing (source, external_id) throws StorageError:
  // look it up first, inside the same transaction.
  static int64_t Insert(storage::Connection& connection, const Listing& listing);
  // Rewrites every field of listing.id (clears withdrawn_at).
  static void Update(storage::Connection& connection, const Listing& listing);
  // Insert and Update also queue the listing for the matching pass (table
  // listing_match_queue, taken by notifications/ through TakeForMatching), in the caller's
  // transaction: every created or changed listing is matched to people once, whichever process
  // wrote it. `valid_from` holds a listing published ahead of its validity back until that day.
  static void QueueForMatching(storage::Connection& connection, int64_t id, int64_t now,
                               const std::optional<std::string>& valid_from);
  // Takes the next `limit` listings off the matching queue (those whose validity has
  // begun on `today`, oldest first) for the caller's transaction (storage::ClaimBatch):
  // they leave the queue when it commits, and come back if it rolls back.
  static std::vector<int64_t> TakeForMatching(storage::Connection& connection,
                                              const std::string& today, int limit);
  // How many listings wait in the matching queue, due or not, and the age in seconds of
  // the oldest at `now` (0 when empty), for /metrics.
  static std::pair<int64_t, int64_t> MatchQueueDepth(storage::Connection& connection, int64_t now);
  // Marks a listing withdrawn; false when it was not there or already withdrawn.
  static bool Withdraw(storage::Connection& connection, int64_t id, int64_t now);
  // Deletes every listing of `source_key`, withdrawn ones included (account deletion: a
  // withdrawn CV still holds the person's details). Their match queue rows and the
  // notifications about them go too (ON DELETE CASCADE); saved properties keep their copy
  // of the point. Returns the listings deleted.
  static int64_t DeleteBySource(storage::Connection& connection, const std::string& source_key);
  // Filtered, ordered by id, at most filter.limit rows.
  static std::vector<Listing> List(storage::Connection& connection, const ListingFilter& filter);
  // Counts per kind and status (on `today`) of a partner's listings, withdrawn included.
  static std::map<std::pair<std::string, std::string>, int64_t> Counts(
      storage::Connection& connection, int64_t partner_id, const std::string& today);
  // Counts per kind of the active listings (on `today`) of each of `tiles` (1-km or 5-km
  // ids, of either level), tile id → kind name → count; tiles without one are absent.
  // One indexed query per level, however many tiles: callers pass the tiles on screen
  // (a page of results), not the whole search.
  static std::map<std::string, std::map<std::string, int64_t>> ActiveCountsByTile(
      storage::Connection& connection, const std::vector<std::string>& tiles,
      const std::string& today);
};

}  // namespace vivrovert::listings
