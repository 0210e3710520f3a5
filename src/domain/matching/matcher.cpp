#include "domain/matching/matcher.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "core/storage/batch.hpp"
#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/placement.hpp"
#include "domain/matching/change_log.hpp"
#include "domain/matching/index_snapshot.hpp"
#include "domain/matching/tile_runs.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/engine.hpp"

namespace vivrovert::matching {

namespace {

using nlohmann::json;

constexpr int64_t kUsersPerPage = 5000;

struct ComputedTiles {
  std::string text;
  int64_t count = 0;
};

Result<ComputedTiles> ComputeTiles(const engine::SearchEngine& engine,
                                   const std::string& request_text) {
  json body = json::parse(request_text, nullptr, false);
  if (body.is_discarded())
    return Status(StatusCode::kInvalidArgument, "Recherche enregistrée illisible.", "request");
  Result<engine::SearchRequest> request =
      engine::ParseSearchRequest(body, engine.grid(), listings::PlaceLocatorFor(engine.grid()));
  if (!request.ok()) return request.status();
  const engine::LevelView* view = engine.grid().level(request->level);
  if (view == nullptr)
    return Status(StatusCode::kInvalidArgument, "Niveau absent de la grille.", "level");
  std::vector<engine::TileId> tiles;
  for (uint32_t tile_idx : engine.GreenTiles(*request)) tiles.push_back(view->tile(tile_idx));
  ComputedTiles computed;
  computed.count = static_cast<int64_t>(tiles.size());
  computed.text = EncodeTileRuns(request->level, std::move(tiles));
  return computed;
}

void WriteTiles(storage::Connection& connection, int64_t search_id, int64_t user_id,
                const ComputedTiles& tiles, int64_t request_updated_at, int64_t grid_stamp,
                int64_t now) {
  connection.Execute(
      "INSERT INTO saved_search_tiles (search_id, user_id, tiles, tile_count, request_updated_at, "
      "grid_built_at, "
      "computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (search_id) DO UPDATE SET "
      "tiles = excluded.tiles, "
      "tile_count = excluded.tile_count, request_updated_at = excluded.request_updated_at, "
      "grid_built_at = excluded.grid_built_at, computed_at = excluded.computed_at",
      {search_id, user_id, tiles.text, tiles.count, request_updated_at, grid_stamp, now});
}

bool AddTiles(PersonInterest& person, const std::string& text, LoadStats* stats) {
  Result<TileRuns> runs = DecodeTileRuns(text);
  if (!runs.ok()) return false;
  for (const engine::TileId& tile : runs->tiles) person.tiles.push_back(TileKey(tile));
  if (stats) ++stats->searches;
  return true;
}

// A search's tiles as stored in saved_search_tiles (this part's table).
struct StoredTiles {
  std::string tiles;
  int64_t request_updated_at = 0;
  int64_t grid_built_at = 0;
};

std::map<int64_t, StoredTiles> LoadStoredTiles(storage::Connection& connection,
                                               const std::vector<int64_t>& search_ids) {
  std::map<int64_t, StoredTiles> stored;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection,
           "SELECT search_id, tiles, request_updated_at, grid_built_at FROM saved_search_tiles "
           "WHERE search_id IN ",
           search_ids)) {
    stored[row.Int(0)] = {row.Text(1), row.Int(2), row.Int(3)};
  }
  return stored;
}

// One saved search (interests/ owns it) with its stored tiles, if any: adds the tiles to
// the person, computing them again when they are missing, stale or damaged and an engine
// is at hand.
void AddSearch(storage::Connection& connection, const engine::SearchEngine* engine,
               PersonInterest& person, const interests::SavedSearch& search,
               const StoredTiles* stored, int64_t now, LoadStats* stats) {
  bool fresh = stored != nullptr && stored->request_updated_at == search.updated_at;
  if (fresh && engine != nullptr) fresh = stored->grid_built_at == GridStamp(*engine);
  if (fresh && AddTiles(person, stored->tiles, stats)) return;
  if (engine == nullptr) {
    if (stats) ++stats->stale_searches;
    return;
  }
  Result<ComputedTiles> computed = ComputeTiles(*engine, search.request);
  if (!computed.ok()) {
    if (stats) ++stats->stale_searches;
    return;
  }
  WriteTiles(connection, search.id, search.user_id, *computed, search.updated_at,
             GridStamp(*engine), now);
  if (stats) ++stats->recomputed;
  AddTiles(person, computed->text, stats);
}

// The searches of one page of people with their stored tiles.
void AddSearches(storage::Connection& connection, const engine::SearchEngine* engine,
                 const std::vector<interests::SavedSearch>& searches,
                 const std::function<PersonInterest&(int64_t)>& person, int64_t now,
                 LoadStats* stats) {
  std::vector<int64_t> ids;
  for (const interests::SavedSearch& search : searches) ids.push_back(search.id);
  const std::map<int64_t, StoredTiles> stored = LoadStoredTiles(connection, ids);
  for (const interests::SavedSearch& search : searches) {
    auto tiles = stored.find(search.id);
    AddSearch(connection, engine, person(search.user_id), search,
              tiles != stored.end() ? &tiles->second : nullptr, now, stats);
  }
}

void AddWishes(PersonInterest& person, const profiles::Profile& profile) {
  person.wishes = Wishes::FromProfile(profile.data);
  person.notification = ParseNotification(profile.notification);
}

void AddFavourite(PersonInterest& person, const std::string& kind, const std::string& code) {
  if (kind == "commune") {
    person.communes.push_back(code);
  } else if (std::optional<uint32_t> key = TileKey(code)) {
    person.tiles.push_back(*key);
  }
}

}  // namespace

int64_t GridStamp(const engine::SearchEngine& engine) {
  const json& header = engine.grid().header();
  auto at = header.find("built_at");
  return at != header.end() && at->is_number_integer() ? at->get<int64_t>() : 0;
}

Status StoreSearchTiles(storage::Connection& connection, const engine::SearchEngine& engine,
                        int64_t search_id, int64_t now) {
  std::optional<interests::SavedSearch> search =
      interests::InterestStore::SearchById(connection, search_id);
  if (!search)
    return Status(StatusCode::kNotFound, "Recherche enregistrée introuvable.", "search_id");
  Result<ComputedTiles> computed = ComputeTiles(engine, search->request);
  if (!computed.ok()) return computed.status();
  WriteTiles(connection, search_id, search->user_id, *computed, search->updated_at,
             GridStamp(engine), now);
  return Status();
}

PersonInterest LoadPerson(storage::Connection& connection, int64_t user_id,
                          const engine::SearchEngine* engine, int64_t now, LoadStats* stats) {
  // Through the owners' reads: profiles/ (wishes, notification), interests/ (favourites,
  // clicks, searches).
  PersonInterest person;
  person.user_id = user_id;
  const std::map<int64_t, profiles::Profile> profile =
      profiles::ProfileStore::ProfilesBetween(connection, user_id, user_id);
  if (!profile.empty()) AddWishes(person, profile.begin()->second);
  for (const interests::Favourite& favourite :
       interests::InterestStore::Favourites(connection, user_id)) {
    AddFavourite(person, favourite.kind, favourite.code);
  }
  std::set<std::string> clicked;
  for (const interests::TileClick& click : interests::InterestStore::Clicks(connection, user_id))
    clicked.insert(click.tile);
  for (const std::string& tile : clicked) {
    if (std::optional<uint32_t> key = TileKey(tile)) person.tiles.push_back(*key);
  }
  std::vector<interests::SavedSearch> searches =
      interests::InterestStore::SearchesBetween(connection, user_id, user_id);
  AddSearches(
      connection, engine, searches, [&person](int64_t) -> PersonInterest& { return person; }, now,
      stats);
  return person;
}

std::vector<SearchGreenTiles> GreenTilesOf(storage::Connection& connection,
                                           const std::vector<int64_t>& user_ids) {
  std::vector<SearchGreenTiles> found;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT search_id, user_id, tiles FROM saved_search_tiles WHERE user_id IN ",
           user_ids)) {
    Result<TileRuns> runs = DecodeTileRuns(row.Text(2));
    if (!runs.ok()) continue;
    found.push_back({row.Int(0), row.Int(1), std::move(runs->tiles)});
  }
  std::sort(found.begin(), found.end(), [](const SearchGreenTiles& a, const SearchGreenTiles& b) {
    return a.search_id < b.search_id;
  });
  return found;
}

namespace {

// A name for this process's rows in the change log: random, so that processes on several
// machines (same pids) never take each other's changes for their own.
std::string NewOrigin() {
  std::random_device device;
  const uint64_t value = (static_cast<uint64_t>(device()) << 32) ^ device();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

Matcher::Matcher(storage::Database& database, const engine::SearchEngine* engine)
    : database_(database),
      engine_(engine),
      origin_(NewOrigin()),
      index_(std::make_unique<MatchIndex>()) {}

LoadStats Matcher::Rebuild(int64_t now) {
  const auto started = std::chrono::steady_clock::now();
  LoadStats stats;
  {
    // Changes recorded from now on (less the overlap) are followed after the load.
    std::lock_guard follow(follow_mutex_);
    follow_since_ = now - kFollowOverlapSeconds;
    followed_.clear();
  }
  auto index = std::make_unique<MatchIndex>();
  storage::Connection connection = database_.Acquire();
  int64_t after = 0;
  std::vector<PersonInterest> everyone;
  while (true) {
    const std::vector<int64_t> ids =
        accounts::UserStore::IdsAfter(connection, after, kUsersPerPage);
    if (ids.empty()) break;
    const int64_t first = ids.front();
    const int64_t last = ids.back();
    after = last;
    std::map<int64_t, PersonInterest> people;
    auto person = [&people](int64_t user_id) -> PersonInterest& {
      PersonInterest& found = people[user_id];
      found.user_id = user_id;
      return found;
    };
    // A page of people through their owners' batch reads.
    for (const auto& [user_id, profile] :
         profiles::ProfileStore::ProfilesBetween(connection, first, last)) {
      AddWishes(person(user_id), profile);
    }
    for (const auto& [user_id, favourites] :
         interests::InterestStore::FavouritesBetween(connection, first, last)) {
      for (const interests::Favourite& favourite : favourites)
        AddFavourite(person(user_id), favourite.kind, favourite.code);
    }
    for (const auto& [user_id, tiles] :
         interests::InterestStore::ClickedTilesBetween(connection, first, last)) {
      for (const std::string& tile : tiles) {
        if (std::optional<uint32_t> key = TileKey(tile)) person(user_id).tiles.push_back(*key);
      }
    }
    AddSearches(connection, engine_,
                interests::InterestStore::SearchesBetween(connection, first, last), person, now,
                &stats);
    for (auto& [user_id, entry] : people) {
      if (entry.tiles.empty() && entry.communes.empty()) continue;
      everyone.push_back(std::move(entry));
    }
  }
  index->Reserve(everyone.size());
  index->BulkUpsert(std::move(everyone));
  stats.people = static_cast<int64_t>(index->person_count());
  stats.postings = static_cast<int64_t>(index->posting_count());
  {
    std::unique_lock lock(mutex_);
    index_ = std::move(index);
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

LoadStats Matcher::Start(const std::string& snapshot_path, int64_t now) {
  if (snapshot_path.empty()) return Rebuild(now);
  const auto started = std::chrono::steady_clock::now();
  std::string refused;
  Result<LoadedSnapshot> loaded = ReadIndexSnapshot(snapshot_path);
  const double read_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!loaded.ok()) {
    refused = std::string(loaded.status().message());
  } else {
    const SnapshotStamp& stamp = loaded->stamp;
    storage::Connection connection = database_.Acquire();
    if (stamp.database != database_.url().Redacted()) {
      refused = "written from another database (" + stamp.database + ")";
    } else if (stamp.grid_stamp != (engine_ != nullptr ? GridStamp(*engine_) : 0)) {
      refused = "written with another grid";
    } else if (stamp.follow_since < now - kSnapshotMaxAgeSeconds) {
      refused = "older than the change log keeps";
    } else if (stamp.anchor_change_id != 0 &&
               !ChangeLog::Contains(connection, stamp.anchor_change_id)) {
      refused = "the change log no longer holds its position";
    } else if (ChangeLog::LastId(connection) < stamp.last_change_id) {
      refused = "the change log ends before it (database restored from an older backup?)";
    }
  }
  if (!refused.empty()) {
    if (loaded.ok()) loaded->index.reset();  // its memory, before the rebuild takes as much
    LoadStats stats = Rebuild(now);
    stats.snapshot_refused = refused;
    return stats;
  }
  const int64_t since = loaded->stamp.follow_since;
  {
    std::lock_guard follow(follow_mutex_);
    follow_since_ = since;
    followed_.clear();
  }
  {
    std::unique_lock lock(mutex_);
    index_ = std::move(loaded->index);
  }
  LoadStats stats;
  stats.from_snapshot = true;
  stats.snapshot_read_seconds = read_seconds;
  // Changes since the snapshot's position; FollowChanges then goes on from now.
  stats.changes_replayed = FollowChanges(now);
  // Deletions are followed by the server with an overlap of its own (DeletionFollower):
  // drop every account deleted since well before the position. Ids are never reused, so
  // dropping one again is harmless.
  storage::Connection connection = database_.Acquire();
  for (int64_t user_id : accounts::DeletionLog::Since(
           connection, since - accounts::DeletionFollower::kOverlapSeconds - 3600)) {
    PersonDeleted(user_id);
    ++stats.deletions_replayed;
  }
  {
    std::shared_lock lock(mutex_);
    stats.people = static_cast<int64_t>(index_->person_count());
    stats.postings = static_cast<int64_t>(index_->posting_count());
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

Status Matcher::WriteSnapshot(const std::string& path, int64_t now) {
  // No FollowChanges meanwhile: the index reflects every change before follow_since_.
  std::lock_guard follow(follow_mutex_);
  SnapshotStamp stamp;
  stamp.follow_since = follow_since_;
  stamp.written_at = now;
  stamp.grid_stamp = engine_ != nullptr ? GridStamp(*engine_) : 0;
  stamp.database = database_.url().Redacted();
  {
    storage::Connection connection = database_.Acquire();
    stamp.anchor_change_id = ChangeLog::LastBefore(connection, follow_since_).value_or(0);
    stamp.last_change_id = ChangeLog::LastId(connection);
  }
  // Edits wait while the bytes are written (to the page cache), not during the flush.
  std::shared_lock lock(mutex_);
  return WriteIndexSnapshot(path, *index_, stamp, [&lock] { lock.unlock(); });
}

Status Matcher::SearchSaved(storage::Connection& connection, int64_t user_id, int64_t search_id,
                            int64_t now) {
  Status stored =
      engine_ != nullptr ? StoreSearchTiles(connection, *engine_, search_id, now) : Status();
  PersonChanged(connection, user_id, now);
  return stored;
}

void Matcher::PersonChanged(storage::Connection& connection, int64_t user_id, int64_t now) {
  Reload(connection, user_id, now);
  ChangeLog::Record(connection, user_id, origin_, now);
}

void Matcher::Reload(storage::Connection& connection, int64_t user_id, int64_t now) {
  PersonInterest person = LoadPerson(connection, user_id, engine_, now);
  std::unique_lock lock(mutex_);
  index_->Upsert(std::move(person));
}

int64_t Matcher::FollowChanges(int64_t now) {
  std::lock_guard follow(follow_mutex_);
  storage::Connection connection = database_.Acquire();
  int64_t reloaded = 0;
  for (const PersonChange& change : ChangeLog::Since(connection, follow_since_)) {
    if (change.origin == origin_ || !followed_.emplace(change.id, change.changed_at).second)
      continue;
    Reload(connection, change.user_id, now);
    ++reloaded;
  }
  follow_since_ = now - kFollowOverlapSeconds;
  // Rows older than the overlap are never read again: forget their ids.
  std::erase_if(followed_, [this](const auto& entry) { return entry.second < follow_since_; });
  changes_followed_.fetch_add(reloaded);
  return reloaded;
}

int64_t Matcher::PurgeChanges(storage::Connection& connection, int64_t now) {
  return ChangeLog::PurgeBefore(connection, now - kChangeRetentionSeconds, 10000);
}

void Matcher::PersonDeleted(int64_t user_id) {
  std::unique_lock lock(mutex_);
  index_->Remove(user_id);
}

std::vector<PersonMatch> Matcher::Match(const listings::Listing& listing) const {
  return Match(ListingFacts::FromListing(listing));
}

std::vector<PersonMatch> Matcher::Match(const ListingFacts& listing) const {
  std::shared_lock lock(mutex_);
  return index_->Match(listing);
}

size_t Matcher::person_count() const {
  std::shared_lock lock(mutex_);
  return index_->person_count();
}

}  // namespace vivrovert::matching
