// The records leads derive from (migration 0007): saved-search versions with their green
// tiles per partner territory, and tile clicks attributed to the partners owning the tile.
// lead_recorder.hpp writes them as events happen; lead_rules.hpp reads them.
//
// Thread safety: stateless functions on the caller's connection; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
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
  // The latest version of each of `search_ids` that has one (batch read).
  static std::map<int64_t, int64_t> LatestVersions(storage::Connection& connection,
                                                   const std::vector<int64_t>& search_ids);
  // Where the latest version of each saved search of `user_ids` is green in a partner's
  // territory, ordered by search then partner (the night's digests, batch read).
  struct SearchHit {
    int64_t search_id = 0;
    int64_t partner_id = 0;
    std::vector<std::string> communes;
  };
  static std::vector<SearchHit> LatestHitsOf(storage::Connection& connection,
                                             const std::vector<int64_t>& user_ids);
  // The version's green tiles in a partner's territory (replaces a previous record).
  static void RecordHit(storage::Connection& connection, int64_t version_id, int64_t partner_id,
                        int64_t user_id, int64_t green_tiles,
                        const std::vector<std::string>& communes, int64_t recorded_at);
  static void RecordClick(storage::Connection& connection, int64_t click_id, int64_t partner_id,
                          std::optional<int64_t> user_id, const std::string& tile,
                          const std::vector<std::string>& communes, bool linked,
                          int64_t clicked_at);
  // Those of `user_ids` who clicked a tile of the partner's territory after `since`
  // (campaigns count who opened the territory after being written to; batch read).
  static std::set<int64_t> ClickedSince(storage::Connection& connection, int64_t partner_id,
                                        const std::vector<int64_t>& user_ids, int64_t since);
  // Forgets what was attributed to a partner (before recomputing it for a new territory).
  static void ForgetPartner(storage::Connection& connection, int64_t partner_id);

  // Everything LeadsAt needs for one partner.
  static PartnerEvents Load(storage::Connection& connection, int64_t partner_id);
  // The partners one person is a lead of (a prospect or a contact) at `as_of`, ascending:
  // LeadsAt's rule for one person, read through the person's own rows (indexes of
  // migration 0035), for the skills alerts' index.
  static std::vector<int64_t> PartnersOfPerson(storage::Connection& connection, int64_t user_id,
                                               int64_t as_of);
};

}  // namespace vivrovert::leads
