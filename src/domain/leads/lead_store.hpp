// The records leads derive from (migration 0007): saved-search versions with their green
// tiles per partner territory, and tile clicks attributed to the partners owning the tile.
// lead_recorder.hpp writes them as events happen; lead_rules.hpp reads them.
//
// Thread safety: stateless functions on the caller's connection; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/leads/lead_rules.hpp"

namespace vivrovert::leads {

// "46042 46102" ⇄ {"46042", "46102"}.
std::string JoinCodes(const std::vector<std::string>& codes);
std::vector<std::string> SplitCodes(const std::string& text);

class LeadStore {
 public:
  // A new version of a saved search; returns its id.
  static int64_t RecordVersion(storage::Connection& connection, int64_t search_id, int64_t user_id,
                               const std::string& level, int64_t green_tiles, int64_t recorded_at);
  // The latest version of a search, if any.
  static std::optional<int64_t> LatestVersion(storage::Connection& connection, int64_t search_id);
  // The version's green tiles in a partner's territory (replaces a previous record).
  static void RecordHit(storage::Connection& connection, int64_t version_id, int64_t partner_id,
                        int64_t user_id, int64_t green_tiles,
                        const std::vector<std::string>& communes, int64_t recorded_at);
  static void RecordClick(storage::Connection& connection, int64_t click_id, int64_t partner_id,
                          std::optional<int64_t> user_id, const std::string& tile,
                          const std::vector<std::string>& communes, bool linked,
                          int64_t clicked_at);
  // Forgets what was attributed to a partner (before recomputing it for a new territory).
  static void ForgetPartner(storage::Connection& connection, int64_t partner_id);

  // Everything LeadsAt needs for one partner.
  static PartnerEvents Load(storage::Connection& connection, int64_t partner_id);
};

}  // namespace vivrovert::leads
