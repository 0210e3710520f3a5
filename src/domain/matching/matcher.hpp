// The matching service: the index (match_index.hpp) kept in step with the database, for
// the web server and the nightly run.
//
// Start: Rebuild() reads every person's places and wishes from the database (profiles,
// favourites, signed-in tile clicks, the stored green tiles of saved searches) page by
// page. A saved search whose stored tiles are missing, of an older version of the search
// or of another grid is computed again with the search engine and stored (so a grid
// rebuild or searches saved before migration 0009 heal themselves at the next start).
//
// Edits: whoever changes what a person showed interest in calls the matching method
// after committing (or inside the same transaction, on its connection):
//   SearchSaved     a saved search was created or its request changed (computes and
//                   stores its green tiles, then refreshes the person);
//   PersonChanged   profile, notification preference, favourites, clicks or a deleted
//                   search changed;
//   PersonDeleted   the account is gone.
// The next Match() sees the change. SearchSaved and PersonChanged also record the change in
// the change log (change_log.hpp, on the caller's connection and transaction), which the
// other processes read with FollowChanges() to reload the person: every node's index
// follows a change made through any node.
//
// Thread safety: every method may be called from any thread; Match() calls run together,
// an edit waits for them (std::shared_mutex). Errors: database faults throw
// storage::StorageError; a search that cannot be run on the current grid (a criterion
// that disappeared) is a Status and the person keeps their other places.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/matching/match_index.hpp"
#include "engine/engine.hpp"

namespace vivrovert::matching {

// What a load from the database did. Without an engine, searches without up-to-date
// stored tiles are left out (and counted in `stale_searches`).
struct LoadStats {
  int64_t people = 0;          // indexed (with at least one place)
  int64_t searches = 0;        // saved searches whose tiles were read
  int64_t recomputed = 0;      // computed again (missing, stale, other grid)
  int64_t stale_searches = 0;  // left out: no engine or the request no longer runs
  int64_t postings = 0;
  double seconds = 0;
  // Matcher::Start: whether the index came from a snapshot (then the counts above other
  // than people and postings are 0), with how many changed people were read again and
  // deleted accounts dropped; otherwise why the snapshot was refused (empty: none given).
  bool from_snapshot = false;
  double snapshot_read_seconds = 0;  // of `seconds`: reading and checking the file
  int64_t changes_replayed = 0;
  int64_t deletions_replayed = 0;
  std::string snapshot_refused;
};

// The grid stamp stored with tiles: the grid header's built_at.
int64_t GridStamp(const engine::SearchEngine& engine);

// Computes the green tiles of one saved search on `engine` and stores them. Errors: the
// request no longer parses on this grid (InvalidArgument, with the field).
Status StoreSearchTiles(storage::Connection& connection, const engine::SearchEngine& engine,
                        int64_t search_id, int64_t now);

// One person from the database (someone who saved, clicked and marked nothing has no place).
PersonInterest LoadPerson(storage::Connection& connection, int64_t user_id,
                          const engine::SearchEngine* engine, int64_t now,
                          LoadStats* stats = nullptr);

// The stored green tiles of every saved search of `user_ids` (saved_search_tiles, this
// part's table), by search id; a damaged row is left out (the matcher recomputes it at its
// next start). For the night's digests.
struct SearchGreenTiles {
  int64_t search_id = 0;
  int64_t user_id = 0;
  std::vector<engine::TileId> tiles;
};
std::vector<SearchGreenTiles> GreenTilesOf(storage::Connection& connection,
                                           const std::vector<int64_t>& user_ids);

class Matcher {
 public:
  // `engine` may be null (no grid): stored tiles are used as they are.
  Matcher(storage::Database& database, const engine::SearchEngine* engine);

  // Replaces the index by one read from the database.
  LoadStats Rebuild(int64_t now);

  // A node's start (index_snapshot.hpp): the index of the snapshot at `snapshot_path` when
  // it was written from this database and grid, the change log still holds every change
  // since it (its anchor row is there, it is younger than kSnapshotMaxAgeSeconds) and the
  // log has not gone back (a restored database); then the people changed and the
  // accounts deleted since it are replayed, as FollowChanges does. Otherwise (or with an
  // empty path) Rebuild(), with the reason in `snapshot_refused`.
  static constexpr int64_t kSnapshotMaxAgeSeconds = 23 * 3600;
  LoadStats Start(const std::string& snapshot_path, int64_t now);
  // Writes the index to `path`, stamped with the change-log position it reflects (by the
  // leader, after its start and periodically). Matches go on meanwhile; edits wait while
  // the bytes are written (not while they are flushed to disk), FollowChanges for the
  // whole write. Errors: the file cannot be written (Unavailable); database faults throw
  // storage::StorageError.
  Status WriteSnapshot(const std::string& path, int64_t now);

  Status SearchSaved(storage::Connection& connection, int64_t user_id, int64_t search_id,
                     int64_t now);
  void PersonChanged(storage::Connection& connection, int64_t user_id, int64_t now);
  void PersonDeleted(int64_t user_id);

  std::vector<PersonMatch> Match(const listings::Listing& listing) const;
  std::vector<PersonMatch> Match(const ListingFacts& listing) const;

  size_t person_count() const;

  // Changes recorded by the other processes since the last call (with an overlap of
  // kFollowOverlapSeconds, for transactions committed late or clocks a little apart):
  // reloads each such person once. Returns how many were reloaded. Called every couple of
  // seconds by the server; Rebuild() starts the following over.
  static constexpr int64_t kFollowOverlapSeconds = 60;
  int64_t FollowChanges(int64_t now);
  // People reloaded by FollowChanges since the start (for /metrics).
  int64_t changes_followed() const { return changes_followed_.load(); }
  // Deletes the change log's rows older than kChangeRetentionSeconds (by the leader).
  static constexpr int64_t kChangeRetentionSeconds = 86400;
  static int64_t PurgeChanges(storage::Connection& connection, int64_t now);

 private:
  void Reload(storage::Connection& connection, int64_t user_id, int64_t now);

  storage::Database& database_;
  const engine::SearchEngine* engine_;
  const std::string origin_;  // this process's name in the change log
  std::mutex follow_mutex_;
  int64_t follow_since_ = 0;
  std::map<int64_t, int64_t> followed_;  // change ids already read → their changed_at
  std::atomic<int64_t> changes_followed_{0};
  mutable std::shared_mutex mutex_;
  std::unique_ptr<MatchIndex> index_;
};

}  // namespace vivrovert::matching
