// Leads: who a partner's contacts and prospects are. The rules are written here, once;
// the dashboard, the exports and the lead reports all derive their lists from LeadsAt.
//
//  - A partner's territory owns a tile when one of its communes overlaps the tile
//    (engine/territory.hpp); nested partners (a commune, its EPCI, its département, a
//    grouping) may share a tile, and so a lead.
//  - A **prospect** of a partner is a person who opened the panel of at least one tile the
//    partner owns, logged in at the time or linked to their account afterwards (an
//    anonymous click sent again after login). Anonymous clicks count in aggregates only.
//  - A **contact** of a partner is a person, not a prospect of it, whose saved search — in
//    its version in force, i.e. the latest saved — has green tiles in the territory.
//    Intermediate searches (every slider move) and anonymous searches are never recorded
//    per person, so they are never contacts.
//  - Both are evaluated "as of" a date from the recorded events (lead_store.hpp): the
//    version in force at that date, the clicks made until then. A deleted search or
//    account takes its events with it.
//
// Disclosure (who among them the partner may see, and what) is lead_disclosure.hpp.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vivrovert::leads {

// One saved-search version, as recorded for one partner (`green_tiles` 0 when it had no
// green tile in the territory).
struct VersionEvent {
  int64_t search_id = 0;
  int64_t version_id = 0;  // increasing with time for one search
  int64_t user_id = 0;
  int64_t recorded_at = 0;
  int64_t green_tiles = 0;            // in the partner's territory
  std::vector<std::string> communes;  // territory communes overlapping those tiles
};

// One click on a tile the partner owns.
struct ClickEvent {
  std::optional<int64_t> user_id;  // empty: anonymous
  std::string tile;
  std::vector<std::string> communes;  // territory communes overlapping the tile
  bool linked = false;
  int64_t clicked_at = 0;
};

struct PartnerEvents {
  std::vector<VersionEvent> versions;  // every version of every search that ever hit the territory
  std::vector<ClickEvent> clicks;
};

enum class LeadKind { kContact, kProspect };
const char* LeadKindName(LeadKind kind);   // "contact", "prospect"
const char* LeadKindLabel(LeadKind kind);  // French

struct Lead {
  int64_t user_id = 0;
  LeadKind kind = LeadKind::kContact;
  int64_t first_at = 0;             // prospect: first click; contact: oldest version in force
  int64_t last_at = 0;              // prospect: last click; contact: newest version in force
  std::set<std::string> communes;   // INSEE codes of the territory that interested them
  std::vector<std::string> tiles;   // prospects: tiles opened, in order, each once
  int64_t green_tiles = 0;          // contacts: green tiles in the territory (sum over searches)
  std::vector<int64_t> search_ids;  // contacts: the searches that make them one
};

// The partner's leads as of `as_of` (events after it are ignored), ordered by last_at,
// newest first, then user id.
std::vector<Lead> LeadsAt(const PartnerEvents& events, int64_t as_of);

struct LeadCounts {
  int64_t at = 0;
  int64_t contacts = 0;
  int64_t prospects = 0;
  int64_t anonymous_clicks = 0;  // clicks without an account until `at` (linked copies excluded)
};

// Counts at each date of `dates` (ascending).
std::vector<LeadCounts> CountsOverTime(const PartnerEvents& events,
                                       const std::vector<int64_t>& dates);

}  // namespace vivrovert::leads
