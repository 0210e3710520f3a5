// The stored compatibility of people with partner territories (migration 0021), and the
// recorder that writes it: once per (person, partner) when a person's saved searches
// change, and for everyone when the grid or the partners' territories change.
//
// Each row keeps, for one person and one partner, the best of the person's saved searches
// against the partner's whole territory (territory_fit.hpp): criteria met by its best tile,
// of how many, the margin, the green tiles. People without a saved search counting a
// required criterion have no row.
//
// Thread safety: the store's functions are stateless on the caller's connection; the
// recorder is thread-safe (its territories are shared behind a mutex, immutable once
// built). Database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/compatibility/territory_fit.hpp"
#include "domain/interests/interest_listener.hpp"
#include "engine/engine.hpp"

namespace vivrovert::compatibility {

struct Compatibility {
  int64_t user_id = 0;
  int64_t partner_id = 0;
  int64_t search_id = 0;  // the person's saved search that fits best
  uint32_t criteria_met = 0;
  uint32_t criteria_total = 0;
  std::string best_tile;  // tile id (CRS3035RES…)
  double margin = 0;
  uint64_t green_tiles = 0;
  int64_t computed_at = 0;

  bool Full() const { return criteria_total > 0 && criteria_met == criteria_total; }
};

class CompatibilityStore {
 public:
  // Replaces every row of `user_id` by `rows` (all of that person).
  static void ReplaceUser(storage::Connection& connection, int64_t user_id,
                          const std::vector<Compatibility>& rows);
  // The person's rows, best first (share met, then margin).
  static std::vector<Compatibility> OfUser(storage::Connection& connection, int64_t user_id);
  // The partner's rows, best first (share met, then margin, then user id), `limit` at most.
  static std::vector<Compatibility> OfPartner(storage::Connection& connection, int64_t partner_id,
                                              int64_t limit);
  // How many people the partner's territory suits fully, and how many were evaluated.
  struct Counts {
    int64_t full = 0;
    int64_t evaluated = 0;
  };
  static Counts CountsOf(storage::Connection& connection, int64_t partner_id);
  // The people among `user_ids` whose criteria the partner's territory meets fully.
  static std::vector<int64_t> FullyCompatible(storage::Connection& connection, int64_t partner_id,
                                              const std::vector<int64_t>& user_ids);
  // What the rows were computed against; empty when never computed.
  static std::string Basis(storage::Connection& connection);
  static void SetBasis(storage::Connection& connection, const std::string& basis, int64_t now);
};

class CompatibilityRecorder : public interests::InterestListener {
 public:
  // `grid` and `engine` must outlive the recorder.
  CompatibilityRecorder(const engine::GridFile& grid, const engine::SearchEngine& engine);

  void SearchSaved(storage::Connection& connection, const interests::SavedSearch& search,
                   int64_t now) override;
  void TileClicked(storage::Connection&, int64_t, std::optional<int64_t>, const std::string&, bool,
                   int64_t) override {}
  void InterestsChanged(storage::Connection& connection, int64_t user_id, int64_t now) override;

  // Recomputes one person's rows from their saved searches (in the caller's transaction).
  void RecomputeUser(storage::Connection& connection, int64_t user_id, int64_t now);
  // Recomputes everyone's rows when the grid or the partners' territories changed since
  // the last time (compatibility_state); returns whether it did. Pages through the saved
  // searches by id, one transaction for the whole refresh.
  bool RefreshIfStale(storage::Connection& connection, int64_t now);

  // The grid build and partners' territories the rows depend on.
  std::string CurrentBasis(storage::Connection& connection) const;

 private:
  struct PartnerTiles {
    int64_t partner_id = 0;
    std::vector<uint32_t> tiles_1km;
    std::vector<uint32_t> tiles_5km;
  };
  struct Territories {
    std::string fingerprint;
    std::vector<PartnerTiles> partners;
  };
  std::shared_ptr<const Territories> CurrentTerritories(storage::Connection& connection);
  std::vector<Compatibility> Evaluate(const std::vector<interests::SavedSearch>& searches,
                                      const Territories& territories, int64_t now) const;

  const engine::GridFile& grid_;
  const engine::SearchEngine& engine_;
  std::mutex mutex_;
  std::shared_ptr<const Territories> territories_;
};

}  // namespace vivrovert::compatibility
