#include "domain/demand/demand_offer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/demand/barometer_report.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::demand {

namespace {

using nlohmann::json;

std::optional<double> NumberOf(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_number()) return std::nullopt;
  return found->get<double>();
}

std::string TextOf(const json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return {};
  return found->get<std::string>();
}

std::vector<std::string> RomeCodes(const json& profile) {
  std::vector<std::string> codes;
  auto found = profile.find("work_rome_codes");
  if (found == profile.end()) return codes;
  if (found->is_array()) {
    for (const json& code : *found)
      if (code.is_string() && !code.get<std::string>().empty()) codes.push_back(code);
  } else if (found->is_string()) {
    for (const std::string& code : SplitList(found->get<std::string>(), "|"))
      if (!Trim(code).empty()) codes.push_back(Trim(code));
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

// Whether the housing `listing` meets the wish of `profile`.
bool Meets(const listings::Listing& listing, const json& profile) {
  const json& fields = listing.details;
  const std::string tenure = TextOf(profile, "housing_tenure");
  const std::string transaction = TextOf(fields, "transaction");
  if (tenure == "rent" && transaction != "rent") return false;
  if (tenure == "buy" && transaction != "sale") return false;
  const std::string type = TextOf(profile, "housing_type");
  if (!type.empty() && type != "any" && TextOf(fields, "property_type") != type) return false;
  if (std::optional<double> rooms_min = NumberOf(profile, "housing_rooms_min")) {
    std::optional<double> rooms = NumberOf(fields, "rooms");
    if (!rooms || *rooms < *rooms_min) return false;
  }
  if (std::optional<double> surface_min = NumberOf(profile, "housing_surface_min")) {
    std::optional<double> surface = NumberOf(fields, "surface_m2");
    if (!surface || *surface < *surface_min) return false;
  }
  if (std::optional<double> price_max = NumberOf(profile, "housing_price_max")) {
    std::optional<double> price = NumberOf(fields, "price_eur");
    if (!price || *price > *price_max) return false;
  }
  return true;
}

}  // namespace

std::string HousingWishLabel(const json& profile) {
  const std::string tenure = TextOf(profile, "housing_tenure");
  const std::string type = TextOf(profile, "housing_type");
  const std::optional<double> rooms = NumberOf(profile, "housing_rooms_min");
  const std::optional<double> surface = NumberOf(profile, "housing_surface_min");
  const std::optional<double> price = NumberOf(profile, "housing_price_max");
  if (tenure.empty() && type.empty() && !rooms && !surface && !price) return {};
  std::string label = type == "house"  ? "Maison"
                      : type == "flat" ? "Appartement"
                      : type == "land" ? "Terrain"
                                       : "Logement";
  if (tenure == "rent") label += " en location";
  if (tenure == "buy") label += " à l'achat";
  if (rooms) label += ", " + FrenchNumber(*rooms) + " pièce(s) ou plus";
  if (surface) label += ", " + FrenchNumber(*surface) + " m² ou plus";
  if (price) label += ", jusqu'à " + FrenchNumber(*price) + " €";
  return label;
}

DemandOffer MatchDemandOffer(const std::vector<json>& housing_wishes,
                             const std::vector<json>& trades,
                             const std::vector<listings::Listing>& listings) {
  DemandOffer offer;
  std::vector<const listings::Listing*> housing;
  std::map<std::string, int64_t> jobs_by_code;
  for (const listings::Listing& listing : listings) {
    if (listing.kind == listings::Kind::kHousing) {
      housing.push_back(&listing);
      ++offer.housing_listings;
    } else if (listing.kind == listings::Kind::kJob) {
      ++offer.job_listings;
      const std::string code = TextOf(listing.details, "rome_code");
      if (!code.empty()) ++jobs_by_code[code];
    }
  }
  // Wishes grouped by their label, which names every field the match reads.
  std::map<std::string, std::pair<int64_t, const json*>> wishes;
  for (const json& profile : housing_wishes) {
    const std::string label = HousingWishLabel(profile);
    if (label.empty()) continue;
    ++offer.housing_shared;
    auto& [count, example] = wishes[label];
    ++count;
    example = &profile;
  }
  for (const auto& [label, wish] : wishes) {
    HousingWant want{label, wish.first, 0};
    for (const listings::Listing* listing : housing) want.listings += Meets(*listing, *wish.second);
    offer.housing.push_back(std::move(want));
  }
  std::sort(offer.housing.begin(), offer.housing.end(),
            [](const HousingWant& a, const HousingWant& b) {
              if (a.profiles != b.profiles) return a.profiles > b.profiles;
              return a.label < b.label;
            });

  std::map<std::string, int64_t> wanted_by_code;
  for (const json& profile : trades) {
    const std::vector<std::string> codes = RomeCodes(profile);
    if (codes.empty()) continue;
    ++offer.work_shared;
    for (const std::string& code : codes) ++wanted_by_code[code];
  }
  std::set<std::string> codes;
  for (const auto& [code, count] : wanted_by_code) codes.insert(code);
  for (const auto& [code, count] : jobs_by_code) codes.insert(code);
  for (const std::string& code : codes) {
    offer.skills.push_back({code, wanted_by_code.contains(code) ? wanted_by_code[code] : 0,
                            jobs_by_code.contains(code) ? jobs_by_code[code] : 0});
  }
  std::sort(offer.skills.begin(), offer.skills.end(), [](const SkillWant& a, const SkillWant& b) {
    if (a.profiles != b.profiles) return a.profiles > b.profiles;
    if (a.jobs != b.jobs) return a.jobs > b.jobs;
    return a.rome_code < b.rome_code;
  });
  return offer;
}

DemandOffer ComputeDemandOffer(storage::Connection& connection, const engine::GridFile& grid,
                               int64_t partner_id, const engine::Territory& territory,
                               int64_t now) {
  // The people: leads with a saved search green on the territory.
  std::vector<int64_t> people;
  for (const leads::Lead& lead :
       leads::LeadsAt(leads::LeadStore::Load(connection, partner_id), now)) {
    if (lead.green_tiles > 0 || !lead.search_ids.empty()) people.push_back(lead.user_id);
  }
  std::sort(people.begin(), people.end());
  const std::vector<int64_t> housing_ids =
      profiles::ProfileStore::Granted(connection, "housing", people);
  const std::vector<int64_t> work_ids = profiles::ProfileStore::Granted(connection, "work", people);
  std::vector<json> housing_wishes;
  for (int64_t user_id : housing_ids)
    housing_wishes.push_back(profiles::ProfileStore::Get(connection, user_id).data);
  std::vector<json> trades;
  for (int64_t user_id : work_ids)
    trades.push_back(profiles::ProfileStore::Get(connection, user_id).data);

  // The offer: active listings placed in the territory's communes.
  std::vector<listings::Listing> offered;
  const std::string today = ParisDate(now);
  for (uint32_t commune_idx : territory.communes()) {
    listings::ListingFilter filter;
    filter.status = listings::kStatusActive;
    filter.commune_code = grid.communes()[commune_idx].code;
    filter.today = today;
    filter.limit = 1000;
    while (true) {
      std::vector<listings::Listing> page = listings::ListingStore::List(connection, filter);
      if (page.empty()) break;
      filter.after_id = page.back().id;
      for (listings::Listing& listing : page) offered.push_back(std::move(listing));
    }
  }
  DemandOffer offer = MatchDemandOffer(housing_wishes, trades, offered);
  offer.people = static_cast<int64_t>(people.size());
  return offer;
}

}  // namespace vivrovert::demand
