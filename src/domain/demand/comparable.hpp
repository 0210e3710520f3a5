// The territory's share among comparable territories (issue #20, "Demand"): the territories
// of the same kind in the same région — partners or not — ranked by the recorded searches
// that turned them green. The searches are replayed on the engine for each of them
// (engine::EvaluateTerritory on its tiles): the most recent kMaxComparedSearches of the
// period, so that a page stays quick at national volume (the page says how many).
//
// Kinds: a commune is compared with the communes of its région, an EPCI with the EPCIs
// (by the communes' EPCI code) and a département with the départements; a grouping (PVD)
// has no comparable kind. The région of a département comes from the COG in use (the
// caller reads it: geo::LoadRegionsOfDepartements).
// A person's own places (several destinations) are not replayed: only the criteria and
// the territory filter of each search.
//
// Thread safety: pure functions over the caller's connection and the immutable grid.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/partners/partner_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

inline constexpr int64_t kMaxComparedSearches = 500;

struct Region {
  std::string code;  // INSEE, "76"
  std::string name;  // "Occitanie"
};
// The région of each metropolitan département, by its code ("46" → 76 Occitanie).
using RegionsOfDepartements = std::unordered_map<std::string, Region>;

struct ComparableShare {
  std::string region;       // the région's name
  std::string kind_label;   // "communes", "intercommunalités", "départements"
  int64_t territories = 0;  // comparable territories, this one included
  int64_t replayed = 0;     // searches replayed
  int64_t green = 0;        // of those, turning this territory green
  int64_t green_all = 0;  // sum over the comparable territories of the searches turning each green
  int64_t rank = 0;       // 1 + the territories turned green by more searches
  double share = 0;       // green / green_all (0 when green_all is 0)
};

// For `partner` (kind commune, EPCI or département, its territory in one région) over the
// searches recorded in hours [from, to); nullopt when it has no comparable kind or its
// département no région in `regions`.
std::optional<ComparableShare> ComputeComparableShare(storage::Connection& connection,
                                                      const engine::GridFile& grid,
                                                      const RegionsOfDepartements& regions,
                                                      const partners::Partner& partner,
                                                      const engine::Territory& territory,
                                                      int64_t from, int64_t to);

}  // namespace vivrovert::demand
