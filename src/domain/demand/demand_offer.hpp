// Demand against offer on a partner's territory (issue #20, option 1): what the people whose
// saved searches make the territory green want, against the active listings there — housing
// wishes against housing listings (« Appartement en location, 3 pièces ou plus, jusqu'à
// 700 € : demandé par N profils, M annonces ») and the skills (ROME codes) of those people
// against the jobs offered there.
//
// Privacy (domain/profiles, docs/SECURITY.md): only counts are shown, and a person counts
// only for what they consented to share with partners — their housing wishes with the
// "housing" consent, their trades with the "work" consent; the others are counted as people
// without being described.
//
// Thread safety: pure functions, and ComputeDemandOffer on the caller's connection.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/listings/listing_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

// One kind of housing wish: the profiles wanting exactly it, and the active housing
// listings of the territory meeting it.
struct HousingWant {
  std::string label;  // French
  int64_t profiles = 0;
  int64_t listings = 0;
};

// One trade: the profiles naming it, the active jobs of the territory offering it.
struct SkillWant {
  std::string rome_code;
  int64_t profiles = 0;
  int64_t jobs = 0;
};

struct DemandOffer {
  int64_t people = 0;                // leads with a saved search green on the territory
  int64_t housing_shared = 0;        // of them, who share their housing wishes (and have one)
  int64_t work_shared = 0;           // of them, who share their trades (and name one)
  int64_t housing_listings = 0;      // active housing listings of the territory
  int64_t job_listings = 0;          // active job listings of the territory
  std::vector<HousingWant> housing;  // most wanted first, then by label
  std::vector<SkillWant> skills;     // most wanted first, then most offered, then by code
};

// The pure part: `housing_wishes` and `trades` are the profiles' data (domain/profiles
// fields) of the people who share them, `listings` the territory's active listings.
DemandOffer MatchDemandOffer(const std::vector<nlohmann::json>& housing_wishes,
                             const std::vector<nlohmann::json>& trades,
                             const std::vector<listings::Listing>& listings);

// The label of a housing wish ("Appartement en location, 3 pièces ou plus, jusqu'à
// 700 €"); "" when the profile states no housing wish.
std::string HousingWishLabel(const nlohmann::json& profile);

// For `partner_id`, whose territory is `territory`, as of `now`: its leads (domain/leads)
// with a saved search green there, their consented profiles (domain/profiles), the active
// listings of the territory's communes (domain/listings).
DemandOffer ComputeDemandOffer(storage::Connection& connection, const engine::GridFile& grid,
                               int64_t partner_id, const engine::Territory& territory, int64_t now);

}  // namespace vivrovert::demand
