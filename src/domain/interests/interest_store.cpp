#include "domain/interests/interest_store.hpp"

#include <algorithm>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"

namespace vivrovert::interests {

namespace {

using storage::SqlValue;

constexpr const char* kColumns = "id, user_id, name, request, created_at, updated_at";

SavedSearch FromRow(const storage::Row& row) {
  return {row.Int(0), row.Int(1), row.Text(2), row.Text(3), row.Int(4), row.Int(5)};
}

Result<std::string> CheckName(const std::string& raw) {
  std::string name = Trim(raw);
  if (name.empty()) return InvalidArgument("Donnez un nom à cette recherche.", "name");
  if (name.size() > kMaxSearchNameBytes || !IsValidUtf8(name)) {
    return InvalidArgument("Nom trop long : 100 caractères au plus.", "name");
  }
  return name;
}

}  // namespace

Result<SavedSearch> InterestStore::SaveSearch(storage::Connection& connection, int64_t user_id,
                                              const std::string& raw, const std::string& request,
                                              int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string name, CheckName(raw));
  auto count =
      connection.QueryOne("SELECT COUNT(*) FROM saved_searches WHERE user_id = $1", {user_id});
  if (count && static_cast<size_t>(count->Int(0)) >= kMaxSavedSearches) {
    return ResourceExhausted(
        "Vous avez déjà 50 recherches enregistrées : supprimez-en une d'abord.");
  }
  auto row = connection.QueryOne(
      "INSERT INTO saved_searches (user_id, name, request, created_at, updated_at) VALUES ($1, $2, "
      "$3, $4, $5) "
      "RETURNING id",
      {user_id, name, request, now, now});
  return SavedSearch{row->Int(0), user_id, name, request, now, now};
}

Status InterestStore::UpdateSearch(storage::Connection& connection, int64_t user_id, int64_t id,
                                   const std::string& raw, const std::string& request,
                                   int64_t now) {
  VV_ASSIGN_OR_RETURN(std::string name, CheckName(raw));
  const int64_t changed = connection.Execute(
      "UPDATE saved_searches SET name = $1, request = $2, updated_at = $3 WHERE id = $4 AND "
      "user_id = $5",
      {name, request, now, id, user_id});
  if (changed == 0) return NotFound("Recherche introuvable.", "id");
  return Status::Ok();
}

std::vector<SavedSearch> InterestStore::Searches(storage::Connection& connection, int64_t user_id) {
  std::vector<SavedSearch> searches;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kColumns +
               " FROM saved_searches WHERE user_id = $1 ORDER BY updated_at DESC, id DESC",
           {user_id})) {
    searches.push_back(FromRow(row));
  }
  return searches;
}

std::optional<SavedSearch> InterestStore::Search(storage::Connection& connection, int64_t user_id,
                                                 int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kColumns + " FROM saved_searches WHERE id = $1 AND user_id = $2",
      {id, user_id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

bool InterestStore::DeleteSearch(storage::Connection& connection, int64_t user_id, int64_t id) {
  return connection.Execute("DELETE FROM saved_searches WHERE id = $1 AND user_id = $2",
                            {id, user_id}) > 0;
}

int64_t InterestStore::RecordClick(storage::Connection& connection, std::optional<int64_t> user_id,
                                   const std::string& tile, bool linked, int64_t at) {
  return connection
      .QueryOne(
          "INSERT INTO tile_clicks (user_id, tile, linked, clicked_at) VALUES ($1, $2, $3, $4) "
          "RETURNING id",
          {user_id ? SqlValue(*user_id) : SqlValue(nullptr), tile,
           static_cast<int64_t>(linked ? 1 : 0), at})
      ->Int(0);
}

std::vector<TileClick> InterestStore::Clicks(storage::Connection& connection, int64_t user_id) {
  std::vector<TileClick> clicks;
  for (const storage::Row& row : connection.Query(
           "SELECT tile, clicked_at FROM tile_clicks WHERE user_id = $1 ORDER BY clicked_at, id",
           {user_id})) {
    clicks.push_back({row.Text(0), row.Int(1)});
  }
  return clicks;
}

Status InterestStore::AddFavourite(storage::Connection& connection, int64_t user_id,
                                   const Favourite& favourite) {
  auto count = connection.QueryOne("SELECT COUNT(*) FROM favourites WHERE user_id = $1", {user_id});
  if (count && static_cast<size_t>(count->Int(0)) >= kMaxFavourites) {
    return ResourceExhausted("Vous avez déjà 200 secteurs favoris : retirez-en un d'abord.");
  }
  connection.Execute(
      "INSERT INTO favourites (user_id, kind, code, label, created_at) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (user_id, kind, code) DO NOTHING",
      {user_id, favourite.kind, favourite.code, favourite.label, favourite.created_at});
  return Status::Ok();
}

bool InterestStore::RemoveFavourite(storage::Connection& connection, int64_t user_id,
                                    const std::string& kind, const std::string& code) {
  return connection.Execute("DELETE FROM favourites WHERE user_id = $1 AND kind = $2 AND code = $3",
                            {user_id, kind, code}) > 0;
}

std::vector<Favourite> InterestStore::Favourites(storage::Connection& connection, int64_t user_id) {
  std::vector<Favourite> favourites;
  for (const storage::Row& row :
       connection.Query("SELECT kind, code, label, created_at FROM favourites WHERE user_id = $1 "
                        "ORDER BY created_at, kind, code",
                        {user_id})) {
    favourites.push_back({row.Text(0), row.Text(1), row.Text(2), row.Int(3)});
  }
  return favourites;
}

std::optional<SavedSearch> InterestStore::SearchById(storage::Connection& connection, int64_t id) {
  auto row = connection.QueryOne(
      std::string("SELECT ") + kColumns + " FROM saved_searches WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::vector<SavedSearch> InterestStore::SearchesAfter(storage::Connection& connection,
                                                      int64_t after_id, int64_t limit) {
  std::vector<SavedSearch> searches;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns +
                            " FROM saved_searches WHERE id > $1 ORDER BY id LIMIT $2",
                        {after_id, limit})) {
    searches.push_back(FromRow(row));
  }
  return searches;
}

std::vector<SavedSearch> InterestStore::SearchesBetween(storage::Connection& connection,
                                                        int64_t first_user, int64_t last_user) {
  std::vector<SavedSearch> searches;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns +
                            " FROM saved_searches WHERE user_id BETWEEN $1 AND $2 ORDER BY id",
                        {first_user, last_user})) {
    searches.push_back(FromRow(row));
  }
  return searches;
}

std::map<int64_t, std::string> InterestStore::SearchNames(storage::Connection& connection,
                                                          const std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> names;
  for (const storage::Row& row :
       storage::QueryIdsIn(connection, "SELECT id, name FROM saved_searches WHERE id IN ", ids)) {
    names[row.Int(0)] = row.Text(1);
  }
  return names;
}

std::map<int64_t, std::vector<Favourite>> InterestStore::FavouritesBetween(
    storage::Connection& connection, int64_t first_user, int64_t last_user) {
  std::map<int64_t, std::vector<Favourite>> favourites;
  for (const storage::Row& row :
       connection.Query("SELECT user_id, kind, code, label, created_at FROM favourites "
                        "WHERE user_id BETWEEN $1 AND $2 ORDER BY user_id, created_at, kind, code",
                        {first_user, last_user})) {
    favourites[row.Int(0)].push_back({row.Text(1), row.Text(2), row.Text(3), row.Int(4)});
  }
  return favourites;
}

std::map<int64_t, std::vector<std::string>> InterestStore::ClickedTilesBetween(
    storage::Connection& connection, int64_t first_user, int64_t last_user) {
  std::map<int64_t, std::vector<std::string>> tiles;
  for (const storage::Row& row : connection.Query(
           "SELECT DISTINCT user_id, tile FROM tile_clicks WHERE user_id BETWEEN $1 AND $2",
           {first_user, last_user})) {
    tiles[row.Int(0)].push_back(row.Text(1));
  }
  return tiles;
}

std::map<int64_t, std::vector<std::string>> InterestStore::ClickedTilesOf(
    storage::Connection& connection, const std::vector<int64_t>& user_ids) {
  std::map<int64_t, std::vector<std::string>> tiles;
  for (const storage::Row& row : storage::QueryIdsIn(
           connection, "SELECT DISTINCT user_id, tile FROM tile_clicks WHERE user_id IN ",
           user_ids)) {
    tiles[row.Int(0)].push_back(row.Text(1));
  }
  return tiles;
}

std::vector<InterestStore::RecordedClick> InterestStore::ClicksAfter(
    storage::Connection& connection, int64_t after_id, int64_t limit) {
  std::vector<RecordedClick> clicks;
  for (const storage::Row& row : connection.Query(
           "SELECT id, user_id, tile, linked, clicked_at FROM tile_clicks WHERE id > $1 "
           "ORDER BY id LIMIT $2",
           {after_id, limit})) {
    RecordedClick click;
    click.id = row.Int(0);
    if (!row.IsNull(1)) click.user_id = row.Int(1);
    click.tile = row.Text(2);
    click.linked = row.Int(3) != 0;
    click.clicked_at = row.Int(4);
    clicks.push_back(std::move(click));
  }
  return clicks;
}

}  // namespace vivrovert::interests
