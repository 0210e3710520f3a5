#include "domain/compatibility/compatibility_store.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/storage/batch.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/placement.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"

namespace vivrovert::compatibility {

namespace {

constexpr const char* kColumns =
    "user_id, partner_id, search_id, criteria_met, criteria_total, best_tile, margin, "
    "green_tiles, computed_at";
// Best first: share met (cross-multiplied, exact on both databases), then margin.
constexpr const char* kBestFirst =
    " ORDER BY criteria_met * 1.0 / criteria_total DESC, margin DESC, user_id";

Compatibility FromRow(const storage::Row& row) {
  Compatibility item;
  item.user_id = row.Int(0);
  item.partner_id = row.Int(1);
  item.search_id = row.Int(2);
  item.criteria_met = static_cast<uint32_t>(row.Int(3));
  item.criteria_total = static_cast<uint32_t>(row.Int(4));
  item.best_tile = row.Text(5);
  item.margin = row.Double(6);
  item.green_tiles = static_cast<uint64_t>(row.Int(7));
  item.computed_at = row.Int(8);
  return item;
}

}  // namespace

void CompatibilityStore::ReplaceUser(storage::Connection& connection, int64_t user_id,
                                     const std::vector<Compatibility>& rows) {
  connection.Execute("DELETE FROM territory_compatibility WHERE user_id = $1", {user_id});
  for (const Compatibility& row : rows) {
    connection.Execute(std::string("INSERT INTO territory_compatibility (") + kColumns +
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                       {user_id, row.partner_id, row.search_id, int64_t{row.criteria_met},
                        int64_t{row.criteria_total}, row.best_tile, row.margin,
                        static_cast<int64_t>(row.green_tiles), row.computed_at});
  }
}

std::vector<Compatibility> CompatibilityStore::OfUser(storage::Connection& connection,
                                                      int64_t user_id) {
  std::vector<Compatibility> rows;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kColumns + " FROM territory_compatibility WHERE user_id = $1" +
               kBestFirst + ", partner_id",
           {user_id}))
    rows.push_back(FromRow(row));
  return rows;
}

std::vector<Compatibility> CompatibilityStore::OfPartner(storage::Connection& connection,
                                                         int64_t partner_id, int64_t limit) {
  std::vector<Compatibility> rows;
  for (const storage::Row& row : connection.Query(
           std::string("SELECT ") + kColumns +
               " FROM territory_compatibility WHERE partner_id = $1" + kBestFirst + " LIMIT $2",
           {partner_id, limit}))
    rows.push_back(FromRow(row));
  return rows;
}

CompatibilityStore::Counts CompatibilityStore::CountsOf(storage::Connection& connection,
                                                        int64_t partner_id) {
  Counts counts;
  if (auto row = connection.QueryOne(
          "SELECT COUNT(*), COALESCE(SUM(CASE WHEN criteria_met = criteria_total THEN 1 ELSE 0 "
          "END), 0) FROM territory_compatibility WHERE partner_id = $1",
          {partner_id})) {
    counts.evaluated = row->Int(0);
    counts.full = row->Int(1);
  }
  return counts;
}

std::vector<int64_t> CompatibilityStore::FullyCompatible(storage::Connection& connection,
                                                         int64_t partner_id,
                                                         const std::vector<int64_t>& user_ids) {
  std::vector<int64_t> found;
  for (size_t first = 0; first < user_ids.size(); first += storage::kIdsPerStatement) {
    const size_t count = std::min(storage::kIdsPerStatement, user_ids.size() - first);
    std::vector<storage::SqlValue> params{partner_id};
    for (size_t idx = first; idx < first + count; ++idx) params.emplace_back(user_ids[idx]);
    for (const storage::Row& row :
         connection.Query("SELECT user_id FROM territory_compatibility WHERE partner_id = $1 AND "
                          "criteria_met = criteria_total AND user_id IN " +
                              storage::InList(count, 2),
                          params))
      found.push_back(row.Int(0));
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string CompatibilityStore::Basis(storage::Connection& connection) {
  auto row = connection.QueryOne("SELECT basis FROM compatibility_state WHERE id = 1");
  return row ? row->Text(0) : std::string();
}

void CompatibilityStore::SetBasis(storage::Connection& connection, const std::string& basis,
                                  int64_t now) {
  connection.Execute(
      "INSERT INTO compatibility_state (id, basis, refreshed_at) VALUES (1, $1, $2) "
      "ON CONFLICT (id) DO UPDATE SET basis = excluded.basis, refreshed_at = "
      "excluded.refreshed_at",
      {basis, now});
}

CompatibilityRecorder::CompatibilityRecorder(const engine::GridFile& grid,
                                             const engine::SearchEngine& engine)
    : grid_(grid), engine_(engine) {}

std::string CompatibilityRecorder::CurrentBasis(storage::Connection& connection) const {
  return grid_.header().value("built_at", nlohmann::json()).dump() + "|" +
         grid_.header().value("scope", nlohmann::json()).dump() + "|" +
         partners::PartnerStore::TerritoriesFingerprint(connection);
}

std::shared_ptr<const CompatibilityRecorder::Territories> CompatibilityRecorder::CurrentTerritories(
    storage::Connection& connection) {
  const std::string fingerprint = partners::PartnerStore::TerritoriesFingerprint(connection);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (territories_ && territories_->fingerprint == fingerprint) return territories_;
  }
  auto built = std::make_shared<Territories>();
  built->fingerprint = fingerprint;
  for (const partners::Partner& partner : partners::PartnerStore::List(connection)) {
    Result<engine::Territory> territory = partners::ResolveTerritory(connection, grid_, partner);
    if (!territory.ok()) {
      // Saved against another grid: no compatibility until an operator fixes it (the
      // console shows the same error).
      std::cerr << "vivrovert: compatibility: partner " << partner.slug << ": "
                << territory.status().message() << "\n";
      continue;
    }
    PartnerTiles tiles;
    tiles.partner_id = partner.id;
    if (const engine::LevelView* level = grid_.level(engine::Level::k1km))
      tiles.tiles_1km = territory->Tiles(*level);
    if (const engine::LevelView* level = grid_.level(engine::Level::k5km))
      tiles.tiles_5km = territory->Tiles(*level);
    built->partners.push_back(std::move(tiles));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  territories_ = built;
  return built;
}

std::vector<Compatibility> CompatibilityRecorder::Evaluate(
    const std::vector<interests::SavedSearch>& searches, const Territories& territories,
    int64_t now) const {
  struct Parsed {
    int64_t search_id;
    engine::SearchRequest request;
  };
  std::vector<Parsed> requests;
  for (const interests::SavedSearch& search : searches) {
    nlohmann::json body = nlohmann::json::parse(search.request, nullptr, false);
    if (body.is_discarded()) continue;
    // A search saved against another grid (a criterion it no longer has) counts for nothing.
    Result<engine::SearchRequest> request =
        engine::ParseSearchRequest(body, grid_, listings::PlaceLocatorFor(grid_));
    if (!request.ok()) continue;
    requests.push_back({search.id, *std::move(request)});
  }
  std::vector<Compatibility> rows;
  for (const PartnerTiles& partner : territories.partners) {
    std::optional<TerritoryFit> best;
    int64_t best_search = 0;
    for (const Parsed& parsed : requests) {
      const std::vector<uint32_t>& tiles =
          parsed.request.level == engine::Level::k5km ? partner.tiles_5km : partner.tiles_1km;
      TerritoryFit fit = EvaluateFit(engine_, parsed.request, tiles);
      if (fit.criteria_total == 0 || !fit.best_tile) continue;
      if (!best || BetterFit(fit, *best)) {
        best = fit;
        best_search = parsed.search_id;
      }
    }
    if (!best) continue;
    const engine::LevelView* level =
        grid_.level(std::find_if(requests.begin(), requests.end(), [&](const Parsed& parsed) {
                      return parsed.search_id == best_search;
                    })->request.level);
    Compatibility row;
    row.partner_id = partner.partner_id;
    row.search_id = best_search;
    row.criteria_met = best->criteria_met;
    row.criteria_total = best->criteria_total;
    row.best_tile = level->tile(*best->best_tile).ToString();
    row.margin = best->margin;
    row.green_tiles = best->green_tiles;
    row.computed_at = now;
    rows.push_back(std::move(row));
  }
  return rows;
}

void CompatibilityRecorder::RecomputeUser(storage::Connection& connection, int64_t user_id,
                                          int64_t now) {
  std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
  std::vector<Compatibility> rows =
      Evaluate(interests::InterestStore::Searches(connection, user_id), *territories, now);
  for (Compatibility& row : rows) row.user_id = user_id;
  CompatibilityStore::ReplaceUser(connection, user_id, rows);
}

void CompatibilityRecorder::SearchSaved(storage::Connection& connection,
                                        const interests::SavedSearch& search, int64_t now) {
  RecomputeUser(connection, search.user_id, now);
}

void CompatibilityRecorder::InterestsChanged(storage::Connection& connection, int64_t user_id,
                                             int64_t now) {
  RecomputeUser(connection, user_id, now);
}

bool CompatibilityRecorder::RefreshIfStale(storage::Connection& connection, int64_t now) {
  const std::string basis = CurrentBasis(connection);
  if (CompatibilityStore::Basis(connection) == basis) return false;
  storage::Transaction transaction(connection);
  // Two requests may find the rows stale at once: the first to write the state row holds it
  // until it commits, and the second, let through after it, finds the basis current and
  // leaves (without this, both rewrote every row and PostgreSQL refused the second's
  // duplicates).
  connection.Execute(
      "INSERT INTO compatibility_state (id, basis, refreshed_at) VALUES (1, '', 0) "
      "ON CONFLICT (id) DO NOTHING");
  connection.Execute("UPDATE compatibility_state SET refreshed_at = refreshed_at WHERE id = 1");
  if (CompatibilityStore::Basis(connection) == basis) {
    transaction.Commit();
    return false;
  }
  std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
  connection.Execute("DELETE FROM territory_compatibility");
  // Searches come in id order; gather each person's before evaluating them.
  std::map<int64_t, std::vector<interests::SavedSearch>> by_user;
  int64_t after = 0;
  for (;;) {
    std::vector<interests::SavedSearch> page =
        interests::InterestStore::SearchesAfter(connection, after, 1000);
    if (page.empty()) break;
    after = page.back().id;
    for (interests::SavedSearch& search : page) by_user[search.user_id].push_back(search);
  }
  for (const auto& [user_id, searches] : by_user) {
    std::vector<Compatibility> rows = Evaluate(searches, *territories, now);
    for (Compatibility& row : rows) row.user_id = user_id;
    CompatibilityStore::ReplaceUser(connection, user_id, rows);
  }
  CompatibilityStore::SetBasis(connection, basis, now);
  transaction.Commit();
  return true;
}

}  // namespace vivrovert::compatibility
