// The restart measurement of the matching benchmark: the generated people written into a
// real database the way the product stores them (users, profiles, favourites, saved
// searches with their stored green tiles), then Matcher::Rebuild timed on it.
#include "matching_db.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/storage/migrations.hpp"
#include "domain/matching/tile_runs.hpp"
#include "engine/tile_id.hpp"

namespace vivrovert::bench {

namespace {

using nlohmann::json;
constexpr int64_t kNow = 1'800'000'000;
constexpr size_t kRowsPerStatement = 200;

// Collects rows and sends them as multi-row INSERTs with bound parameters.
class BulkInsert {
 public:
  BulkInsert(storage::Connection& connection, std::string head, size_t columns)
      : connection_(connection), head_(std::move(head)), columns_(columns) {}
  // Rows still buffered are dropped: call Flush() (a destructor must not throw).
  void Add(std::vector<storage::SqlValue> row) {
    for (storage::SqlValue& value : row) params_.push_back(std::move(value));
    if (++rows_ == kRowsPerStatement) Flush();
  }
  void Flush() {
    if (rows_ == 0) return;
    std::string sql = head_ + " VALUES ";
    size_t param = 1;
    for (size_t row = 0; row < rows_; ++row) {
      sql += row ? ",(" : "(";
      for (size_t column = 0; column < columns_; ++column) {
        if (column) sql += ',';
        sql += '$' + std::to_string(param++);
      }
      sql += ')';
    }
    connection_.Execute(sql, params_);
    params_.clear();
    rows_ = 0;
  }

 private:
  storage::Connection& connection_;
  std::string head_;
  size_t columns_;
  size_t rows_ = 0;
  std::vector<storage::SqlValue> params_;
};

std::string RomeText(uint32_t number) {
  char text[8];
  std::snprintf(text, sizeof(text), "%c%04u", static_cast<char>('A' + number / 10000),
                number % 10000);
  return text;
}

// The profile form that gives back these wishes (Wishes::FromProfile).
json ProfileOf(const matching::Wishes& wishes) {
  json data = json::object();
  if (wishes.kinds == matching::kAllWantedKinds && wishes.rome_codes.empty()) return data;
  if (wishes.kinds & matching::KindBit(matching::WantedKind::kHousing)) {
    const char* tenures[] = {"either", "buy", "rent"};
    const char* types[] = {"any", "house", "flat", "land"};
    data["housing_tenure"] = tenures[static_cast<int>(wishes.tenure)];
    data["housing_type"] = types[static_cast<int>(wishes.property_type)];
    if (wishes.rooms_min) data["housing_rooms_min"] = *wishes.rooms_min;
    if (wishes.surface_min) data["housing_surface_min"] = *wishes.surface_min;
    if (wishes.price_max) data["housing_price_max"] = *wishes.price_max;
  }
  if (!wishes.rome_codes.empty()) {
    json codes = json::array();
    for (uint32_t code : wishes.rome_codes) codes.push_back(RomeText(code));
    data["work_rome_codes"] = codes;
  }
  if (!wishes.business_sector.empty()) data["business_sector"] = wishes.business_sector;
  if (wishes.business_budget) data["business_budget_eur"] = *wishes.business_budget;
  if (wishes.kinds & matching::KindBit(matching::WantedKind::kLeisure))
    data["leisure"] = "randonnée, musique";
  return data;
}

}  // namespace

void LoadIntoDatabase(storage::Database& database, const BenchData& data,
                      const std::string& data_dir) {
  storage::Connection connection = database.Acquire();
  // Saved searches: their runs per person, in the stored text form.
  std::vector<std::pair<int64_t, std::vector<engine::TileId>>> searches;
  {
    std::ifstream in(data_dir + "/search_runs.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      long long user_id = 0, north = 0, east_lo = 0, east_hi = 0;
      if (std::sscanf(line.c_str(), "%lld,%lld,%lld,%lld", &user_id, &north, &east_lo, &east_hi) !=
          4) {
        throw std::runtime_error("search_runs.csv: bad line " + line);
      }
      if (searches.empty() || searches.back().first != user_id)
        searches.emplace_back(user_id, std::vector<engine::TileId>{});
      for (long long east = east_lo; east <= east_hi; ++east) {
        searches.back().second.push_back({engine::Level::k1km, static_cast<int32_t>(east * 1000),
                                          static_cast<int32_t>(north * 1000)});
      }
    }
  }
  size_t search_idx = 0;
  const size_t page = 20000;
  for (size_t first = 0; first < data.people.size(); first += page) {
    storage::Transaction transaction(connection);
    {
      // Verified addresses: the nightly benchmark mails everyone who chose a digest.
      BulkInsert users(
          connection,
          "INSERT INTO users (id, email, password_hash, role, email_verified_at, created_at, "
          "updated_at)",
          7);
      BulkInsert clicks(connection, "INSERT INTO tile_clicks (user_id, tile, linked, clicked_at)",
                        4);
      BulkInsert profiles(connection,
                          "INSERT INTO profiles (user_id, data, notification, updated_at)", 4);
      BulkInsert favourites(connection, "INSERT INTO favourites (user_id, kind, code, created_at)",
                            4);
      BulkInsert saved(
          connection,
          "INSERT INTO saved_searches (id, user_id, name, request, created_at, updated_at)", 6);
      BulkInsert tiles(connection,
                       "INSERT INTO saved_search_tiles (search_id, user_id, tiles, tile_count, "
                       "request_updated_at, "
                       "grid_built_at, computed_at)",
                       7);
      // Table by table, each flushed before the next, so that references exist.
      const size_t last = std::min(data.people.size(), first + page);
      for (size_t person_idx = first; person_idx < last; ++person_idx) {
        const int64_t user_id = data.people[person_idx].user_id;
        users.Add({user_id, "p" + std::to_string(user_id) + "@bench.invalid", std::string("x"),
                   std::string("user"), kNow, kNow, kNow});
      }
      users.Flush();
      // The place tiles of the CSV are favourites and clicks together; all go in as
      // favourite tiles (the index reads both the same way). Search tiles come apart.
      const size_t first_search = search_idx;
      for (size_t person_idx = first; person_idx < last; ++person_idx) {
        const matching::PersonInterest& person = data.people[person_idx];
        profiles.Add({person.user_id, ProfileOf(person.wishes).dump(),
                      std::string(matching::NotificationName(person.notification)), kNow});
        for (const std::string& commune : person.communes) {
          favourites.Add({person.user_id, std::string("commune"), commune, kNow});
        }
        for (size_t tile_idx = 0; tile_idx < data.place_tile_counts[person_idx]; ++tile_idx) {
          favourites.Add({person.user_id, std::string("tile"),
                          matching::TileOfKey(person.tiles[tile_idx]).ToString(), kNow});
        }
        while (search_idx < searches.size() && searches[search_idx].first == person.user_id) {
          saved.Add({static_cast<int64_t>(search_idx) + 1, person.user_id, std::string("Recherche"),
                     std::string(R"({"criteria":[],"level":"1km"})"), kNow, kNow});
          ++search_idx;
        }
      }
      // The first place tile of each person is also a tile they opened (a click): the
      // nightly digest's prospect section reads clicks.
      for (size_t person_idx = first; person_idx < last; ++person_idx) {
        const matching::PersonInterest& person = data.people[person_idx];
        if (data.place_tile_counts[person_idx] == 0) continue;
        clicks.Add(
            {person.user_id, matching::TileOfKey(person.tiles[0]).ToString(), int64_t{0}, kNow});
      }
      profiles.Flush();
      favourites.Flush();
      clicks.Flush();
      saved.Flush();
      for (size_t idx = first_search; idx < search_idx; ++idx) {
        tiles.Add({static_cast<int64_t>(idx) + 1, searches[idx].first,
                   matching::EncodeTileRuns(engine::Level::k1km, searches[idx].second),
                   static_cast<int64_t>(searches[idx].second.size()), kNow, int64_t{0}, kNow});
      }
      tiles.Flush();
    }
    transaction.Commit();
  }
}

}  // namespace vivrovert::bench
