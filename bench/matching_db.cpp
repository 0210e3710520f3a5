// The restart measurement of the matching benchmark: the generated people written into a
// real database the way the product stores them (users, profiles, favourites, saved
// searches with their stored green tiles), then Matcher::Rebuild timed on it.
//
// The rows of each table are produced once (WritePeople) and handed to a sink: multi-row
// INSERTs through the storage layer (the loader before issue 25, about 1,000 people a
// second), PostgreSQL's COPY … FROM STDIN through libpq, or one prepared SQLite statement
// in large transactions. Values are always data: bound parameters, or COPY's data stream
// (escaped as its text format requires), never SQL text.
#include "matching_db.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
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

// Where the rows of one table go.
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual void Start(const std::string& table, const std::vector<std::string>& columns) = 0;
  virtual void Add(std::vector<storage::SqlValue> row) = 0;
  virtual void Finish() = 0;
};

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& column : columns) list += (list.empty() ? "" : ", ") + column;
  return list;
}

// Multi-row INSERTs on the caller's connection and transaction.
class InsertSink final : public TableSink {
 public:
  explicit InsertSink(storage::Connection& connection) : connection_(connection) {}
  void Start(const std::string& table, const std::vector<std::string>& columns) override {
    insert_ = std::make_unique<BulkInsert>(
        connection_, "INSERT INTO " + table + " (" + ColumnList(columns) + ")", columns.size());
  }
  void Add(std::vector<storage::SqlValue> row) override { insert_->Add(std::move(row)); }
  void Finish() override {
    insert_->Flush();
    insert_.reset();
  }

 private:
  storage::Connection& connection_;
  std::unique_ptr<BulkInsert> insert_;
};

// PostgreSQL: one COPY … FROM STDIN (text format) per table, on a libpq connection of its
// own; each COPY is atomic.
class CopySink final : public TableSink {
 public:
  explicit CopySink(const std::string& conninfo) : connection_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(connection_) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(connection_);
      PQfinish(connection_);
      throw std::runtime_error("COPY loader: cannot connect: " + message);
    }
  }
  ~CopySink() override { PQfinish(connection_); }
  void Start(const std::string& table, const std::vector<std::string>& columns) override {
    table_ = table;
    PGresult* result = PQexec(
        connection_, ("COPY " + table + " (" + ColumnList(columns) + ") FROM STDIN").c_str());
    const bool ready = PQresultStatus(result) == PGRES_COPY_IN;
    PQclear(result);
    if (!ready) Fail("COPY");
  }
  void Add(std::vector<storage::SqlValue> row) override {
    bool first = true;
    for (const storage::SqlValue& value : row) {
      if (!first) buffer_ += '\t';
      first = false;
      if (std::holds_alternative<std::nullptr_t>(value)) {
        buffer_ += "\\N";
      } else if (const int64_t* number = std::get_if<int64_t>(&value)) {
        char text[24];
        buffer_.append(text, std::to_chars(text, text + sizeof text, *number).ptr);
      } else if (const double* real = std::get_if<double>(&value)) {
        char text[32];
        buffer_.append(text, std::to_chars(text, text + sizeof text, *real).ptr);
      } else {
        // COPY's text format: backslash, tab, newline and carriage return are escaped.
        for (char c : std::get<std::string>(value)) {
          switch (c) {
            case '\\':
              buffer_ += "\\\\";
              break;
            case '\t':
              buffer_ += "\\t";
              break;
            case '\n':
              buffer_ += "\\n";
              break;
            case '\r':
              buffer_ += "\\r";
              break;
            default:
              buffer_ += c;
          }
        }
      }
    }
    buffer_ += '\n';
    if (buffer_.size() >= (1u << 20)) Send();
  }
  void Finish() override {
    Send();
    if (PQputCopyEnd(connection_, nullptr) != 1) Fail("COPY end");
    bool failed = false;
    while (PGresult* result = PQgetResult(connection_)) {
      failed = failed || PQresultStatus(result) != PGRES_COMMAND_OK;
      PQclear(result);
    }
    if (failed) Fail("COPY");
  }

 private:
  void Send() {
    if (buffer_.empty()) return;
    if (PQputCopyData(connection_, buffer_.data(), static_cast<int>(buffer_.size())) != 1)
      Fail("COPY data");
    buffer_.clear();
  }
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(std::string(what) + " into " + table_ + ": " +
                             PQerrorMessage(connection_));
  }
  PGconn* connection_;
  std::string table_;
  std::string buffer_;
};

// SQLite: one prepared INSERT per table, bound and stepped row after row, committed every
// kSqliteRowsPerTransaction rows, on a connection of its own.
class SqliteSink final : public TableSink {
 public:
  static constexpr int64_t kSqliteRowsPerTransaction = 200'000;
  explicit SqliteSink(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("SQLite loader: cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 10000);
    Exec("PRAGMA foreign_keys = ON");
  }
  ~SqliteSink() override {
    sqlite3_finalize(statement_);
    sqlite3_close(db_);
  }
  void Start(const std::string& table, const std::vector<std::string>& columns) override {
    table_ = table;
    std::string sql = "INSERT INTO " + table + " (" + ColumnList(columns) + ") VALUES (";
    for (size_t column = 0; column < columns.size(); ++column) sql += column ? ",?" : "?";
    sql += ')';
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK)
      Fail("prepare");
    Exec("BEGIN");
    rows_ = 0;
  }
  void Add(std::vector<storage::SqlValue> row) override {
    for (size_t column = 0; column < row.size(); ++column) {
      const int param = static_cast<int>(column) + 1;
      const storage::SqlValue& value = row[column];
      int code;
      if (std::holds_alternative<std::nullptr_t>(value)) {
        code = sqlite3_bind_null(statement_, param);
      } else if (const int64_t* number = std::get_if<int64_t>(&value)) {
        code = sqlite3_bind_int64(statement_, param, *number);
      } else if (const double* real = std::get_if<double>(&value)) {
        code = sqlite3_bind_double(statement_, param, *real);
      } else {
        const std::string& text = std::get<std::string>(value);
        code = sqlite3_bind_text(statement_, param, text.data(), static_cast<int>(text.size()),
                                 SQLITE_TRANSIENT);
      }
      if (code != SQLITE_OK) Fail("bind");
    }
    if (sqlite3_step(statement_) != SQLITE_DONE) Fail("insert");
    sqlite3_reset(statement_);
    if (++rows_ % kSqliteRowsPerTransaction == 0) {
      Exec("COMMIT");
      Exec("BEGIN");
    }
  }
  void Finish() override {
    Exec("COMMIT");
    sqlite3_finalize(statement_);
    statement_ = nullptr;
  }

 private:
  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Fail(sql);
  }
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(std::string(what) + " into " + table_ + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
  std::string table_;
  int64_t rows_ = 0;
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

// Saved searches: their runs per person, in the stored text form.
using Searches = std::vector<std::pair<int64_t, std::vector<engine::TileId>>>;

Searches ReadSearches(const std::string& data_dir) {
  Searches searches;
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
  return searches;
}

// The rows of the people [first, last) table by table, so that references exist; the
// searches of these people start at `search_idx`, which is moved past them.
void WritePeople(const BenchData& data, const Searches& searches, size_t first, size_t last,
                 size_t& search_idx, TableSink& sink) {
  // Verified addresses: the nightly benchmark mails everyone who chose a digest.
  sink.Start("users", {"id", "email", "password_hash", "role", "email_verified_at", "created_at",
                       "updated_at"});
  for (size_t person_idx = first; person_idx < last; ++person_idx) {
    const int64_t user_id = data.people[person_idx].user_id;
    sink.Add({user_id, "p" + std::to_string(user_id) + "@bench.invalid", std::string("x"),
              std::string("user"), kNow, kNow, kNow});
  }
  sink.Finish();
  sink.Start("profiles", {"user_id", "data", "notification", "updated_at"});
  for (size_t person_idx = first; person_idx < last; ++person_idx) {
    const matching::PersonInterest& person = data.people[person_idx];
    sink.Add({person.user_id, ProfileOf(person.wishes).dump(),
              std::string(matching::NotificationName(person.notification)), kNow});
  }
  sink.Finish();
  // The place tiles of the CSV are favourites and clicks together; all go in as favourite
  // tiles (the index reads both the same way). Search tiles come apart.
  sink.Start("favourites", {"user_id", "kind", "code", "created_at"});
  for (size_t person_idx = first; person_idx < last; ++person_idx) {
    const matching::PersonInterest& person = data.people[person_idx];
    for (const std::string& commune : person.communes)
      sink.Add({person.user_id, std::string("commune"), commune, kNow});
    for (size_t tile_idx = 0; tile_idx < data.place_tile_counts[person_idx]; ++tile_idx) {
      sink.Add({person.user_id, std::string("tile"),
                matching::TileOfKey(person.tiles[tile_idx]).ToString(), kNow});
    }
  }
  sink.Finish();
  // The first place tile of each person is also a tile they opened (a click): the nightly
  // digest's prospect section reads clicks.
  sink.Start("tile_clicks", {"user_id", "tile", "linked", "clicked_at"});
  for (size_t person_idx = first; person_idx < last; ++person_idx) {
    const matching::PersonInterest& person = data.people[person_idx];
    if (data.place_tile_counts[person_idx] == 0) continue;
    sink.Add({person.user_id, matching::TileOfKey(person.tiles[0]).ToString(), int64_t{0}, kNow});
  }
  sink.Finish();
  const size_t first_search = search_idx;
  sink.Start("saved_searches", {"id", "user_id", "name", "request", "created_at", "updated_at"});
  for (size_t person_idx = first; person_idx < last; ++person_idx) {
    const int64_t user_id = data.people[person_idx].user_id;
    while (search_idx < searches.size() && searches[search_idx].first == user_id) {
      sink.Add({static_cast<int64_t>(search_idx) + 1, user_id, std::string("Recherche"),
                std::string(R"({"criteria":[],"level":"1km"})"), kNow, kNow});
      ++search_idx;
    }
  }
  sink.Finish();
  sink.Start("saved_search_tiles", {"search_id", "user_id", "tiles", "tile_count",
                                    "request_updated_at", "grid_built_at", "computed_at"});
  for (size_t idx = first_search; idx < search_idx; ++idx) {
    sink.Add({static_cast<int64_t>(idx) + 1, searches[idx].first,
              matching::EncodeTileRuns(engine::Level::k1km, searches[idx].second),
              static_cast<int64_t>(searches[idx].second.size()), kNow, int64_t{0}, kNow});
  }
  sink.Finish();
}

}  // namespace

void LoadIntoDatabase(storage::Database& database, const BenchData& data,
                      const std::string& data_dir, Loader loader) {
  const Searches searches = ReadSearches(data_dir);
  size_t search_idx = 0;
  if (loader == Loader::kBulk) {
    std::unique_ptr<TableSink> sink;
    if (database.dialect().backend == storage::Backend::kPostgresql)
      sink = std::make_unique<CopySink>(database.url().target);
    else
      sink = std::make_unique<SqliteSink>(database.url().target);
    WritePeople(data, searches, 0, data.people.size(), search_idx, *sink);
    return;
  }
  storage::Connection connection = database.Acquire();
  const size_t page = 20000;
  for (size_t first = 0; first < data.people.size(); first += page) {
    storage::Transaction transaction(connection);
    InsertSink sink(connection);
    WritePeople(data, searches, first, std::min(data.people.size(), first + page), search_idx,
                sink);
    transaction.Commit();
  }
}

}  // namespace vivrovert::bench
