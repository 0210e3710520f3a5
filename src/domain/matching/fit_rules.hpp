// The fit rules: when a listing fits a person. This header is the contract that instant
// notifications and the nightly digests use; the rules are written once, here and in
// fit_rules.cpp, and the index (match_index.hpp) only avoids looking at people who cannot
// fit.
//
// A listing fits a person when BOTH hold:
//
// 1. WHERE — the listing lies in one of the person's places:
//    - its 1 km tile is a green tile of one of their saved searches run at 1 km, or its
//      5 km tile is a green tile of one of their saved searches run at 5 km (the latest
//      version of each search; green tiles are those of the grid the server runs on);
//    - or its 1 km or 5 km tile is a tile they clicked (signed in; anonymous clicks sent
//      again after login count, they carry the user) or marked favourite;
//    - or its commune is a commune they marked favourite.
//    A 5 km place covers the 25 1 km tiles inside it: it is matched through the listing's
//    5 km tile, never expanded.
//
// 2. WHAT — the listing's kind is one the person wants, and the listing meets each
//    condition of their profile for that kind (domain/profiles/profile.cpp, ProfileFields):
//    - kinds wanted: housing when any housing_* field is filled; job when work_rome_codes
//      is; business when business_sector or business_budget_eur is; leisure when the
//      leisure text is. A person who filled none of these (or has no profile at all) wants
//      the four kinds, with no condition: they showed interest in the places only.
//      Listings of kind poi and cv fit nobody (they are not offers to people).
//    - housing: housing_tenure buy → transaction sale, rent → transaction rent (either or
//      absent: both); housing_type house/flat/land → the same property_type (any or absent:
//      every type); housing_rooms_min > 0 → rooms stated and ≥ it; housing_surface_min > 0
//      → surface_m2 stated and ≥ it; housing_price_max stated → price_eur ≤ it (a sale
//      price or a monthly rent, as the profile field says).
//    - job: the listing's rome_code is one of work_rome_codes. The profile has no contract
//      wish, so the contract is no condition.
//    - business: business_sector stated → the same sector; business_budget_eur stated →
//      price_eur stated and ≤ it.
//    - leisure: no further condition (the profile's leisure is free text).
//    A listing that does not state a value a condition needs does not fit that condition:
//    nothing is assumed.
//
// What matching does NOT decide: whether the listing is active today (the caller passes
// the listings it notifies about), and whether the person wants to be told. People whose
// notification preference is "none" still match (their leads and statistics use the
// fit); every match carries the preference and the notifier drops "none".
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/listings/listing_schema.hpp"

namespace vivrovert::listings {
struct Listing;
}

namespace vivrovert::matching {

// The kinds of listing a person can want, as bits.
enum class WantedKind : uint8_t { kHousing = 0, kJob = 1, kBusiness = 2, kLeisure = 3 };
inline constexpr int kWantedKindCount = 4;
inline constexpr uint8_t kAllWantedKinds = 0x0F;
constexpr uint8_t KindBit(WantedKind kind) {
  return static_cast<uint8_t>(1u << static_cast<uint8_t>(kind));
}
// nullopt for the kinds that fit nobody (poi, cv).
std::optional<WantedKind> WantedKindOf(listings::Kind kind);

// "A1101" → a number (letter × 10,000 + digits); nullopt when not a ROME code.
std::optional<uint32_t> RomeCodeNumber(std::string_view code);

enum class Tenure : uint8_t { kAny, kBuy, kRent };
enum class PropertyType : uint8_t { kAny, kHouse, kFlat, kLand, kFarm, kOther };
enum class Notification : uint8_t { kInstant, kDaily, kWeekly, kNone };
const char* NotificationName(Notification notification);
Notification ParseNotification(std::string_view text);  // unknown → daily, the default

// What a person's profile asks of a listing (condition absent = std::nullopt).
struct Wishes {
  uint8_t kinds = kAllWantedKinds;  // bits of WantedKind
  // housing
  Tenure tenure = Tenure::kAny;
  PropertyType property_type = PropertyType::kAny;
  std::optional<int64_t> rooms_min;
  std::optional<double> surface_min;
  std::optional<double> price_max;
  // job: sorted, unique
  std::vector<uint32_t> rome_codes;
  // business
  std::string business_sector;  // empty: any
  std::optional<double> business_budget;

  // From a profile's normalised data (profiles::Profile::data); an empty object (no
  // profile) wants every kind with no condition.
  static Wishes FromProfile(const nlohmann::json& data);
  friend bool operator==(const Wishes&, const Wishes&) = default;
};

// What the fit rules read of a listing.
struct ListingFacts {
  listings::Kind kind = listings::Kind::kHousing;
  std::string tile_1km;  // Eurostat ids
  std::string tile_5km;
  std::string commune_code;
  // housing
  bool is_rent = false;  // transaction
  PropertyType property_type = PropertyType::kOther;
  std::optional<int64_t> rooms;
  std::optional<double> surface_m2;
  std::optional<double> price_eur;  // housing and business
  // job
  std::optional<uint32_t> rome_code;
  // business
  std::string business_sector;

  // From a stored listing (its details hold the kind's fields).
  static ListingFacts FromListing(const listings::Listing& listing);
  // From the kind, the place and the normalised kind fields.
  static ListingFacts FromFields(listings::Kind kind, std::string tile_1km, std::string tile_5km,
                                 std::string commune_code, const nlohmann::json& fields);
};

// Rule 2 (WHAT): the listing's kind is wanted and it meets every condition.
bool FitsWishes(const Wishes& wishes, const ListingFacts& listing);

}  // namespace vivrovert::matching
