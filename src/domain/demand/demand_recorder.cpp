#include "domain/demand/demand_recorder.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "core/common/paris_time.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"

namespace vivrovert::demand {

// A search waiting to be written: the request as the engine read it (its constraints and
// its territory filter's communes), never the person or the page. A person's own places
// (issue 23) are evaluated in memory as the search did, but what is written of them —
// rows and spool alike — is `places`: each one's 5 km tile, maximum distance, importance
// and weight, never its name, coordinates or address.
struct DemandRecorder::Pending {
  int64_t at = 0;
  bool demo = false;
  engine::SearchRequest request;
  std::string territory_filter;  // JSON object text, or empty
  std::string places = "[]";     // PlacesRecord(request)
};

namespace {

// The places of `request` as the barometer keeps them (see Pending).
std::string PlacesRecord(const engine::SearchRequest& request) {
  if (request.places.empty()) return "[]";
  nlohmann::json places = nlohmann::json::array();
  constexpr int32_t kCell = engine::CellSizeMetres(engine::Level::k5km);
  for (const engine::PlaceConstraint& place : request.places) {
    const auto corner = [](double metres) {
      return static_cast<int32_t>(std::floor(metres / kCell)) * kCell;
    };
    const engine::TileId tile{engine::Level::k5km, corner(place.x), corner(place.y)};
    places.push_back(
        {{"tile", tile.ToString()},
         {"max_km", place.max_km},
         {"importance",
          place.importance == engine::Importance::kRequired ? "required" : "preferred"},
         {"weight", place.weight}});
  }
  return places.dump();
}

}  // namespace

struct DemandRecorder::Territories {
  std::string fingerprint;
  struct Partner {
    int64_t id = 0;
    engine::Territory territory;
    std::array<std::vector<uint32_t>, engine::kLevelCount> tiles;  // by level
  };
  std::vector<Partner> partners;
};

DemandRecorder::DemandRecorder(storage::Database& database, const engine::GridFile& grid,
                               const Clock& clock, std::string spool_path)
    : database_(database), grid_(grid), clock_(clock), spool_path_(std::move(spool_path)) {}

DemandRecorder::~DemandRecorder() = default;

void DemandRecorder::Record(const engine::SearchRequest& request, std::string territory_filter) {
  RecordAt(request, std::move(territory_filter), clock_.NowSeconds(), false);
}

void DemandRecorder::RecordAt(const engine::SearchRequest& request, std::string territory_filter,
                              int64_t at, bool demo) {
  Pending pending{at, demo, request, std::move(territory_filter), PlacesRecord(request)};
  // The page asked for is not demand.
  pending.request.offset = 0;
  pending.request.limit = 0;
  std::lock_guard<std::mutex> lock(buffer_mutex_);
  if (buffer_.size() >= kMaxBuffered) {
    ++dropped_;
    return;
  }
  buffer_.push_back(std::move(pending));
}

size_t DemandRecorder::buffered() const {
  std::lock_guard<std::mutex> lock(buffer_mutex_);
  return buffer_.size();
}

uint64_t DemandRecorder::dropped() const {
  std::lock_guard<std::mutex> lock(buffer_mutex_);
  return dropped_;
}

std::shared_ptr<const DemandRecorder::Territories> DemandRecorder::CurrentTerritories(
    storage::Connection& connection) {
  const std::string fingerprint = partners::PartnerStore::TerritoriesFingerprint(connection);
  if (territories_ && territories_->fingerprint == fingerprint) return territories_;
  auto built = std::make_shared<Territories>();
  built->fingerprint = fingerprint;
  for (const partners::Partner& partner : partners::PartnerStore::List(connection)) {
    Result<engine::Territory> territory = partners::ResolveTerritory(connection, grid_, partner);
    if (!territory.ok() || territory->empty()) continue;  // the console shows the error
    Territories::Partner entry;
    entry.id = partner.id;
    for (int level_idx = 0; level_idx < engine::kLevelCount; ++level_idx) {
      const engine::LevelView* view = grid_.level(static_cast<engine::Level>(level_idx));
      if (view != nullptr) entry.tiles[static_cast<size_t>(level_idx)] = territory->Tiles(*view);
    }
    entry.territory = *std::move(territory);
    built->partners.push_back(std::move(entry));
  }
  territories_ = built;
  return built;
}

std::string DemandRecorder::RequestJson(const Pending& pending) const {
  nlohmann::json request = engine::SearchRequestToJson(pending.request, grid_);
  request.erase("territory");
  request.erase("places");  // kept apart, reduced: Pending::places
  if (!pending.territory_filter.empty()) {
    nlohmann::json filter = nlohmann::json::parse(pending.territory_filter, nullptr, false);
    if (filter.is_object()) request["territory"] = std::move(filter);
  }
  return request.dump();
}

FlushReport DemandRecorder::Flush() {
  std::lock_guard<std::mutex> flush_lock(flush_mutex_);
  FlushReport report;
  std::vector<Pending> taken;
  {
    std::lock_guard<std::mutex> lock(buffer_mutex_);
    taken.swap(buffer_);
  }
  if (taken.empty()) return report;
  const auto& criteria = grid_.catalogue().criteria();
  size_t done = 0;
  try {
    storage::Connection connection = database_.Acquire();
    std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
    while (done < taken.size()) {
      const size_t end = std::min(taken.size(), done + kFlushBatch);
      storage::Transaction transaction(connection);
      std::map<std::tuple<int64_t, std::string, std::string, bool>, DailyCount> daily;
      size_t outcomes_written = 0;
      for (size_t pending_idx = done; pending_idx < end; ++pending_idx) {
        const Pending& pending = taken[pending_idx];
        const engine::SearchRequest& request = pending.request;
        std::optional<engine::Territory> filter;
        if (request.has_territory)
          filter = engine::Territory::FromCommunes(request.territory_communes);
        DemandSearchRow row;
        row.hour = pending.at - pending.at % 3600;
        row.level = engine::LevelName(request.level);
        row.request = RequestJson(pending);
        row.places = pending.places;
        row.demo = pending.demo;
        const std::string day = ParisDate(row.hour);
        // The criteria the search requires, each once.
        std::set<std::string> required;
        for (const engine::Constraint& constraint : request.constraints) {
          if (constraint.importance == engine::Importance::kRequired)
            required.insert(criteria[constraint.criterion].id);
        }
        std::vector<OutcomeRow> outcomes;
        for (const Territories::Partner& partner : territories->partners) {
          const engine::TerritoryOutcome outcome = engine::EvaluateTerritory(
              grid_, request, partner.tiles[static_cast<size_t>(request.level)],
              filter ? &*filter : nullptr);
          if (outcome.reachable == 0) continue;
          std::set<std::string> blocked;
          OutcomeRow outcome_row;
          outcome_row.partner_id = partner.id;
          outcome_row.green_tiles = static_cast<int64_t>(outcome.green);
          for (size_t constraint_idx : outcome.Blockers()) {
            const std::string& id = criteria[request.constraints[constraint_idx].criterion].id;
            if (!blocked.insert(id).second) continue;  // one row per criterion
            for (const engine::ConstraintOutcome& lone : outcome.constraints) {
              if (lone.constraint != constraint_idx) continue;
              outcome_row.blockers.push_back(
                  {id, static_cast<int64_t>(lone.lone_failures), lone.needed_min, lone.needed_max});
            }
          }
          const bool green = outcome.green > 0;
          auto add = [&](const std::string& criterion, bool is_blocked) {
            DailyCount& count = daily[{partner.id, day, criterion, pending.demo}];
            count.partner_id = partner.id;
            count.day = day;
            count.criterion = criterion;
            count.demo = pending.demo;
            ++count.searches;
            count.green += green ? 1 : 0;
            count.blocked += is_blocked ? 1 : 0;
          };
          add("", false);
          for (const std::string& criterion : required)
            add(criterion, blocked.count(criterion) > 0);
          if (green || !outcome_row.blockers.empty()) outcomes.push_back(std::move(outcome_row));
        }
        DemandStore::Insert(connection, row, outcomes);
        outcomes_written += outcomes.size();
      }
      std::vector<DailyCount> rows;
      rows.reserve(daily.size());
      for (auto& [key, count] : daily) rows.push_back(std::move(count));
      DemandStore::AddDaily(connection, rows);
      transaction.Commit();
      report.searches += end - done;
      report.outcomes += outcomes_written;
      done = end;
    }
  } catch (...) {
    // Back to the front of the buffer, in order, for the next flush or the spool.
    std::lock_guard<std::mutex> lock(buffer_mutex_);
    std::vector<Pending> kept(std::make_move_iterator(taken.begin() + static_cast<ptrdiff_t>(done)),
                              std::make_move_iterator(taken.end()));
    for (Pending& later : buffer_) kept.push_back(std::move(later));
    buffer_.swap(kept);
    throw;
  }
  return report;
}

Result<size_t> DemandRecorder::ReplaySpool() {
  if (spool_path_.empty() || !std::filesystem::exists(spool_path_)) return size_t{0};
  size_t read = 0;
  {
    std::ifstream in(spool_path_);
    if (!in) return Unavailable("Fichier de reprise illisible : " + spool_path_);
    std::string line;
    std::vector<Pending> replayed;
    while (std::getline(in, line)) {
      nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
      if (!entry.is_object() || !entry.contains("request") || !entry.contains("at")) continue;
      Result<engine::SearchRequest> request = engine::ParseSearchRequest(entry["request"], grid_);
      if (!request.ok()) continue;  // recorded against another grid
      std::string filter;
      if (entry["request"].contains("territory")) filter = entry["request"]["territory"].dump();
      // The spool keeps the places reduced: a replayed search is evaluated without them.
      std::string places = entry.contains("places") ? entry["places"].dump() : "[]";
      replayed.push_back({entry["at"].get<int64_t>(), entry.value("demo", false), *request,
                          std::move(filter), std::move(places)});
      ++read;
    }
    std::lock_guard<std::mutex> lock(buffer_mutex_);
    for (Pending& later : buffer_) replayed.push_back(std::move(later));
    buffer_.swap(replayed);
  }
  Flush();  // throws with the records still buffered: the file stays for the next start
  std::filesystem::remove(spool_path_);
  return read;
}

size_t DemandRecorder::Stop() {
  try {
    Flush();
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "vivrovert: demand: flush at stop failed: " << error.what() << "\n";
  }
  std::vector<Pending> left;
  {
    std::lock_guard<std::mutex> lock(buffer_mutex_);
    left.swap(buffer_);
  }
  if (left.empty() || spool_path_.empty()) return 0;
  std::filesystem::create_directories(std::filesystem::path(spool_path_).parent_path());
  std::ofstream out(spool_path_, std::ios::app);
  for (const Pending& pending : left) {
    nlohmann::json entry = {{"at", pending.at},
                            {"demo", pending.demo},
                            {"request", nlohmann::json::parse(RequestJson(pending))},
                            {"places", nlohmann::json::parse(pending.places)}};
    out << entry.dump() << "\n";
  }
  out.flush();
  if (!out) std::cerr << "vivrovert: demand: could not write the spool " << spool_path_ << "\n";
  return left.size();
}

}  // namespace vivrovert::demand
