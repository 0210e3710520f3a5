#include "domain/matching/matcher.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "domain/matching/tile_runs.hpp"
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
  Result<engine::SearchRequest> request = engine::ParseSearchRequest(body, engine.grid());
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

// One saved search row joined with its stored tiles: adds the tiles to the person,
// computing them again when they are missing, stale or damaged and an engine is at hand.
void AddSearch(storage::Connection& connection, const engine::SearchEngine* engine,
               PersonInterest& person, const storage::Row& row, int64_t now, LoadStats* stats) {
  // Columns: id, user_id, updated_at, request, tiles, request_updated_at, grid_built_at.
  const int64_t search_id = row.Int(0);
  const int64_t updated_at = row.Int(2);
  std::optional<std::string> tiles = row.OptionalText(4);
  bool fresh = tiles.has_value() && row.Int(5) == updated_at;
  if (fresh && engine != nullptr) fresh = row.Int(6) == GridStamp(*engine);
  if (fresh && AddTiles(person, *tiles, stats)) return;
  if (engine == nullptr) {
    if (stats) ++stats->stale_searches;
    return;
  }
  Result<ComputedTiles> computed = ComputeTiles(*engine, row.Text(3));
  if (!computed.ok()) {
    if (stats) ++stats->stale_searches;
    return;
  }
  WriteTiles(connection, search_id, row.Int(1), *computed, updated_at, GridStamp(*engine), now);
  if (stats) ++stats->recomputed;
  AddTiles(person, computed->text, stats);
}

constexpr const char* kSearchColumns =
    "SELECT s.id, s.user_id, s.updated_at, s.request, t.tiles, t.request_updated_at, "
    "t.grid_built_at "
    "FROM saved_searches s LEFT JOIN saved_search_tiles t ON t.search_id = s.id ";

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
  std::optional<storage::Row> row = connection.QueryOne(
      "SELECT user_id, request, updated_at FROM saved_searches WHERE id = $1", {search_id});
  if (!row) return Status(StatusCode::kNotFound, "Recherche enregistrée introuvable.", "search_id");
  Result<ComputedTiles> computed = ComputeTiles(engine, row->Text(1));
  if (!computed.ok()) return computed.status();
  WriteTiles(connection, search_id, row->Int(0), *computed, row->Int(2), GridStamp(engine), now);
  return Status();
}

PersonInterest LoadPerson(storage::Connection& connection, int64_t user_id,
                          const engine::SearchEngine* engine, int64_t now, LoadStats* stats) {
  PersonInterest person;
  person.user_id = user_id;
  if (auto row = connection.QueryOne("SELECT data, notification FROM profiles WHERE user_id = $1",
                                     {user_id})) {
    person.wishes = Wishes::FromProfile(json::parse(row->Text(0), nullptr, false));
    person.notification = ParseNotification(row->Text(1));
  }
  for (const storage::Row& row :
       connection.Query("SELECT kind, code FROM favourites WHERE user_id = $1", {user_id})) {
    AddFavourite(person, row.Text(0), row.Text(1));
  }
  for (const storage::Row& row :
       connection.Query("SELECT DISTINCT tile FROM tile_clicks WHERE user_id = $1", {user_id})) {
    if (std::optional<uint32_t> key = TileKey(row.Text(0))) person.tiles.push_back(*key);
  }
  for (const storage::Row& row : connection.Query(
           std::string(kSearchColumns) + "WHERE s.user_id = $1 ORDER BY s.id", {user_id})) {
    AddSearch(connection, engine, person, row, now, stats);
  }
  return person;
}

Matcher::Matcher(storage::Database& database, const engine::SearchEngine* engine)
    : database_(database), engine_(engine), index_(std::make_unique<MatchIndex>()) {}

LoadStats Matcher::Rebuild(int64_t now) {
  const auto started = std::chrono::steady_clock::now();
  LoadStats stats;
  auto index = std::make_unique<MatchIndex>();
  storage::Connection connection = database_.Acquire();
  int64_t after = 0;
  std::vector<PersonInterest> everyone;
  while (true) {
    std::vector<storage::Row> ids = connection.Query(
        "SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $2", {after, kUsersPerPage});
    if (ids.empty()) break;
    const int64_t first = ids.front().Int(0);
    const int64_t last = ids.back().Int(0);
    after = last;
    std::map<int64_t, PersonInterest> people;
    auto person = [&people](int64_t user_id) -> PersonInterest& {
      PersonInterest& found = people[user_id];
      found.user_id = user_id;
      return found;
    };
    for (const storage::Row& row : connection.Query(
             "SELECT user_id, data, notification FROM profiles WHERE user_id BETWEEN $1 AND $2",
             {first, last})) {
      PersonInterest& entry = person(row.Int(0));
      entry.wishes = Wishes::FromProfile(json::parse(row.Text(1), nullptr, false));
      entry.notification = ParseNotification(row.Text(2));
    }
    for (const storage::Row& row : connection.Query(
             "SELECT user_id, kind, code FROM favourites WHERE user_id BETWEEN $1 AND $2",
             {first, last})) {
      AddFavourite(person(row.Int(0)), row.Text(1), row.Text(2));
    }
    for (const storage::Row& row : connection.Query(
             "SELECT DISTINCT user_id, tile FROM tile_clicks WHERE user_id BETWEEN $1 AND $2",
             {first, last})) {
      if (std::optional<uint32_t> key = TileKey(row.Text(1)))
        person(row.Int(0)).tiles.push_back(*key);
    }
    for (const storage::Row& row : connection.Query(
             std::string(kSearchColumns) + "WHERE s.user_id BETWEEN $1 AND $2 ORDER BY s.id",
             {first, last})) {
      AddSearch(connection, engine_, person(row.Int(1)), row, now, &stats);
    }
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

Status Matcher::SearchSaved(storage::Connection& connection, int64_t user_id, int64_t search_id,
                            int64_t now) {
  Status stored =
      engine_ != nullptr ? StoreSearchTiles(connection, *engine_, search_id, now) : Status();
  PersonChanged(connection, user_id, now);
  return stored;
}

void Matcher::PersonChanged(storage::Connection& connection, int64_t user_id, int64_t now) {
  PersonInterest person = LoadPerson(connection, user_id, engine_, now);
  std::unique_lock lock(mutex_);
  index_->Upsert(std::move(person));
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
