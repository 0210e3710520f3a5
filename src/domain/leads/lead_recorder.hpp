// Records, as they happen, what leads derive from: each saved-search version with its
// green tiles per partner territory, and each click attributed to the partners owning the
// tile (lead_store.hpp). Plugged into the interests API as its InterestListener.
//
// Partners' territories are resolved on the grid and kept in an inverted index (commune →
// partners, engine::TerritoryIndex). The index is rebuilt when the partners change: each
// event compares a cheap fingerprint of the partner tables (counts and last update), so
// several server processes stay right without talking to each other.
//
// When a partner is created or its territory changes, RefreshPartner recomputes what is
// attributed to it: the versions in force of every saved search (re-evaluated on the
// grid) and every recorded click. Older versions keep no record for that partner.
//
// Thread safety: thread-safe (the index is shared behind a mutex, immutable once built).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/interests/interest_listener.hpp"
#include "domain/leads/lead_listener.hpp"
#include "engine/engine.hpp"

namespace vivrovert::leads {

class LeadRecorder : public interests::InterestListener {
 public:
  // `grid` and `engine` must outlive the recorder.
  LeadRecorder(const engine::GridFile& grid, const engine::SearchEngine& engine);

  void SearchSaved(storage::Connection& connection, const interests::SavedSearch& search,
                   int64_t now) override;
  void TileClicked(storage::Connection& connection, int64_t click_id,
                   std::optional<int64_t> user_id, const std::string& tile, bool linked,
                   int64_t at) override;

  // Recomputes a partner's records for its current territory (in the caller's
  // transaction, if any). Saved searches without any recorded version get one first.
  // Errors: NotFound (no such partner, or a territory code the grid does not know).
  Status RefreshPartner(storage::Connection& connection, int64_t partner_id, int64_t now);
  // Tells `listener` (null: nobody) of each search or click recorded from now on; it must
  // outlive the recorder. Set before the recorder is shared.
  void SetListener(LeadListener* listener) { listener_ = listener; }

 private:
  struct PartnerTerritory {
    int64_t partner_id = 0;
    engine::Territory territory;
  };
  struct Territories {
    std::string fingerprint;
    std::vector<PartnerTerritory> partners;
    engine::TerritoryIndex<size_t> index;  // → position in `partners`
  };

  std::shared_ptr<const Territories> CurrentTerritories(storage::Connection& connection);
  // A partner's record of a search version with green tiles in its territory.
  struct Recorded {
    int64_t partner_id = 0;
    std::vector<std::string> communes;
  };
  // Records a version of `search` for the partners of `only` (every partner when empty);
  // returns the partners whose territory it makes green.
  std::vector<Recorded> RecordSearch(storage::Connection& connection,
                                     const interests::SavedSearch& search,
                                     const Territories& territories, std::optional<size_t> only,
                                     std::optional<int64_t> version_id, int64_t now);
  // The territory's communes overlapping a tile.
  std::vector<std::string> CommunesOfTile(const engine::LevelView& level, size_t tile_idx,
                                          const engine::Territory& territory) const;

  const engine::GridFile& grid_;
  const engine::SearchEngine& engine_;
  std::mutex mutex_;
  std::shared_ptr<const Territories> territories_;
  LeadListener* listener_ = nullptr;
};

}  // namespace vivrovert::leads
