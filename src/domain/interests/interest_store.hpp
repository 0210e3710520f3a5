// What people showed interest in (migration 0004): their named searches and the tiles
// they opened. Leads (contacts, prospects) derive from these records.
//
// Thread safety: stateless functions on the caller's connection. Errors: expected
// outcomes are Status values (French message, field); database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::interests {

inline constexpr size_t kMaxSavedSearches = 50;
inline constexpr size_t kMaxSearchNameBytes = 100;

struct SavedSearch {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string request;  // normalised JSON of the search request
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

inline constexpr size_t kMaxFavourites = 200;

struct Favourite {
  std::string kind;   // "tile" or "commune"
  std::string code;   // tile id or INSEE code
  std::string label;  // what the person saw ("Cahors", "dalle de 5 km …")
  int64_t created_at = 0;
};

struct TileClick {
  std::string tile;
  int64_t clicked_at = 0;
};

class InterestStore {
 public:
  // Errors: InvalidArgument (name empty or too long), ResourceExhausted (too many).
  static Result<SavedSearch> SaveSearch(storage::Connection& connection, int64_t user_id,
                                        const std::string& name, const std::string& request,
                                        int64_t now);
  // Replaces name and request of one of the user's searches; NotFound when not theirs.
  static Status UpdateSearch(storage::Connection& connection, int64_t user_id, int64_t id,
                             const std::string& name, const std::string& request, int64_t now);
  static std::vector<SavedSearch> Searches(storage::Connection& connection, int64_t user_id);
  // One of the user's searches; nullopt when absent or another person's.
  static std::optional<SavedSearch> Search(storage::Connection& connection, int64_t user_id,
                                           int64_t id);
  static bool DeleteSearch(storage::Connection& connection, int64_t user_id, int64_t id);

  // Records a click; user_id null for an anonymous visitor. `linked` marks a click made
  // anonymously and sent again after login (see the migration).
  // Returns the click's id.
  static int64_t RecordClick(storage::Connection& connection, std::optional<int64_t> user_id,
                             const std::string& tile, bool linked, int64_t at);
  static std::vector<TileClick> Clicks(storage::Connection& connection, int64_t user_id);

  // Favourite sectors. Adding one twice keeps the first; ResourceExhausted past the limit.
  static Status AddFavourite(storage::Connection& connection, int64_t user_id,
                             const Favourite& favourite);
  static bool RemoveFavourite(storage::Connection& connection, int64_t user_id,
                              const std::string& kind, const std::string& code);
  static std::vector<Favourite> Favourites(storage::Connection& connection, int64_t user_id);

  // Batch reads for the other parts (matching, leads, the night's digests), which never
  // query these tables themselves. "Between" takes the users whose ids lie in
  // [first_user, last_user] (the matching index pages through everyone by id).
  static std::optional<SavedSearch> SearchById(storage::Connection& connection, int64_t id);
  // Every search after `after_id` in id order, `limit` at most.
  static std::vector<SavedSearch> SearchesAfter(storage::Connection& connection, int64_t after_id,
                                                int64_t limit);
  static std::vector<SavedSearch> SearchesBetween(storage::Connection& connection,
                                                  int64_t first_user, int64_t last_user);
  // Names of the searches among `ids` that exist.
  static std::map<int64_t, std::string> SearchNames(storage::Connection& connection,
                                                    const std::vector<int64_t>& ids);
  static std::map<int64_t, std::vector<Favourite>> FavouritesBetween(
      storage::Connection& connection, int64_t first_user, int64_t last_user);
  // The distinct tiles each person opened, unordered.
  static std::map<int64_t, std::vector<std::string>> ClickedTilesBetween(
      storage::Connection& connection, int64_t first_user, int64_t last_user);
  static std::map<int64_t, std::vector<std::string>> ClickedTilesOf(
      storage::Connection& connection, const std::vector<int64_t>& user_ids);
  // Every click with its id, after `after_id` in id order, `limit` at most (leads replay
  // them to rebuild their counts).
  struct RecordedClick {
    int64_t id = 0;
    std::optional<int64_t> user_id;
    std::string tile;
    bool linked = false;
    int64_t clicked_at = 0;
  };
  static std::vector<RecordedClick> ClicksAfter(storage::Connection& connection, int64_t after_id,
                                                int64_t limit);
};

}  // namespace vivrovert::interests
