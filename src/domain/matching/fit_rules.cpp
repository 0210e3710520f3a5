#include "domain/matching/fit_rules.hpp"

#include <algorithm>

#include "domain/listings/listing_store.hpp"

namespace vivrovert::matching {

namespace {

using nlohmann::json;

std::optional<double> Number(const json& object, const char* key) {
  auto at = object.find(key);
  if (at == object.end() || !at->is_number()) return std::nullopt;
  return at->get<double>();
}

std::optional<int64_t> Integer(const json& object, const char* key) {
  auto at = object.find(key);
  if (at == object.end() || !at->is_number()) return std::nullopt;
  return static_cast<int64_t>(at->get<double>());
}

std::string Text(const json& object, const char* key) {
  auto at = object.find(key);
  if (at == object.end() || !at->is_string()) return {};
  return at->get<std::string>();
}

bool Present(const json& object, const char* key) {
  auto at = object.find(key);
  if (at == object.end() || at->is_null()) return false;
  if (at->is_string()) return !at->get<std::string>().empty();
  if (at->is_array()) return !at->empty();
  return true;
}

PropertyType ParsePropertyType(std::string_view code) {
  if (code == "house") return PropertyType::kHouse;
  if (code == "flat") return PropertyType::kFlat;
  if (code == "land") return PropertyType::kLand;
  if (code == "farm") return PropertyType::kFarm;
  if (code == "other") return PropertyType::kOther;
  return PropertyType::kAny;
}

}  // namespace

std::optional<WantedKind> WantedKindOf(listings::Kind kind) {
  switch (kind) {
    case listings::Kind::kHousing:
      return WantedKind::kHousing;
    case listings::Kind::kJob:
      return WantedKind::kJob;
    case listings::Kind::kBusiness:
      return WantedKind::kBusiness;
    case listings::Kind::kLeisure:
      return WantedKind::kLeisure;
    case listings::Kind::kPoi:
    case listings::Kind::kCv:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<uint32_t> RomeCodeNumber(std::string_view code) {
  if (code.size() != 5 || code[0] < 'A' || code[0] > 'Z') return std::nullopt;
  uint32_t number = static_cast<uint32_t>(code[0] - 'A') * 10000;
  uint32_t digits = 0;
  for (size_t pos = 1; pos < 5; ++pos) {
    if (code[pos] < '0' || code[pos] > '9') return std::nullopt;
    digits = digits * 10 + static_cast<uint32_t>(code[pos] - '0');
  }
  return number + digits;
}

const char* NotificationName(Notification notification) {
  switch (notification) {
    case Notification::kInstant:
      return "instant";
    case Notification::kDaily:
      return "daily";
    case Notification::kWeekly:
      return "weekly";
    case Notification::kNone:
      return "none";
  }
  return "daily";
}

Notification ParseNotification(std::string_view text) {
  if (text == "instant") return Notification::kInstant;
  if (text == "weekly") return Notification::kWeekly;
  if (text == "none") return Notification::kNone;
  return Notification::kDaily;
}

Wishes Wishes::FromProfile(const json& data) {
  Wishes wishes;
  if (!data.is_object()) return wishes;
  uint8_t kinds = 0;
  if (Present(data, "housing_tenure") || Present(data, "housing_type") ||
      Present(data, "housing_rooms_min") || Present(data, "housing_surface_min") ||
      Present(data, "housing_price_max")) {
    kinds |= KindBit(WantedKind::kHousing);
  }
  if (Present(data, "work_rome_codes")) kinds |= KindBit(WantedKind::kJob);
  if (Present(data, "business_sector") || Present(data, "business_budget_eur"))
    kinds |= KindBit(WantedKind::kBusiness);
  if (Present(data, "leisure")) kinds |= KindBit(WantedKind::kLeisure);
  wishes.kinds = kinds == 0 ? kAllWantedKinds : kinds;

  const std::string tenure = Text(data, "housing_tenure");
  wishes.tenure = tenure == "buy" ? Tenure::kBuy : tenure == "rent" ? Tenure::kRent : Tenure::kAny;
  wishes.property_type = ParsePropertyType(Text(data, "housing_type"));
  if (wishes.property_type == PropertyType::kFarm || wishes.property_type == PropertyType::kOther) {
    wishes.property_type = PropertyType::kAny;  // not choices of the profile form
  }
  if (auto rooms = Integer(data, "housing_rooms_min"); rooms && *rooms > 0)
    wishes.rooms_min = rooms;
  if (auto surface = Number(data, "housing_surface_min"); surface && *surface > 0)
    wishes.surface_min = surface;
  wishes.price_max = Number(data, "housing_price_max");

  if (auto codes = data.find("work_rome_codes"); codes != data.end()) {
    auto add = [&wishes](const std::string& code) {
      if (auto number = RomeCodeNumber(code)) wishes.rome_codes.push_back(*number);
    };
    if (codes->is_array()) {
      for (const json& code : *codes) {
        if (code.is_string()) add(code.get<std::string>());
      }
    } else if (codes->is_string()) {
      add(codes->get<std::string>());
    }
    std::sort(wishes.rome_codes.begin(), wishes.rome_codes.end());
    wishes.rome_codes.erase(std::unique(wishes.rome_codes.begin(), wishes.rome_codes.end()),
                            wishes.rome_codes.end());
  }
  wishes.business_sector = Text(data, "business_sector");
  wishes.business_budget = Number(data, "business_budget_eur");
  return wishes;
}

ListingFacts ListingFacts::FromFields(listings::Kind kind, std::string tile_1km,
                                      std::string tile_5km, std::string commune_code,
                                      const json& fields) {
  ListingFacts facts;
  facts.kind = kind;
  facts.tile_1km = std::move(tile_1km);
  facts.tile_5km = std::move(tile_5km);
  facts.commune_code = std::move(commune_code);
  if (!fields.is_object()) return facts;
  switch (kind) {
    case listings::Kind::kHousing:
      facts.is_rent = Text(fields, "transaction") == "rent";
      facts.property_type = ParsePropertyType(Text(fields, "property_type"));
      if (facts.property_type == PropertyType::kAny) facts.property_type = PropertyType::kOther;
      facts.rooms = Integer(fields, "rooms");
      facts.surface_m2 = Number(fields, "surface_m2");
      facts.price_eur = Number(fields, "price_eur");
      break;
    case listings::Kind::kJob:
      facts.rome_code = RomeCodeNumber(Text(fields, "rome_code"));
      break;
    case listings::Kind::kBusiness:
      facts.business_sector = Text(fields, "sector");
      facts.price_eur = Number(fields, "price_eur");
      break;
    default:
      break;
  }
  return facts;
}

ListingFacts ListingFacts::FromListing(const listings::Listing& listing) {
  return FromFields(listing.kind, listing.tile_1km, listing.tile_5km, listing.commune_code,
                    listing.details);
}

bool FitsWishes(const Wishes& wishes, const ListingFacts& listing) {
  std::optional<WantedKind> kind = WantedKindOf(listing.kind);
  if (!kind || (wishes.kinds & KindBit(*kind)) == 0) return false;
  switch (*kind) {
    case WantedKind::kHousing:
      if (wishes.tenure == Tenure::kBuy && listing.is_rent) return false;
      if (wishes.tenure == Tenure::kRent && !listing.is_rent) return false;
      if (wishes.property_type != PropertyType::kAny &&
          wishes.property_type != listing.property_type)
        return false;
      if (wishes.rooms_min && !(listing.rooms && *listing.rooms >= *wishes.rooms_min)) return false;
      if (wishes.surface_min && !(listing.surface_m2 && *listing.surface_m2 >= *wishes.surface_min))
        return false;
      if (wishes.price_max && !(listing.price_eur && *listing.price_eur <= *wishes.price_max))
        return false;
      return true;
    case WantedKind::kJob:
      if (wishes.rome_codes.empty())
        return true;  // only when every kind is wanted, unconditionally
      return listing.rome_code && std::binary_search(wishes.rome_codes.begin(),
                                                     wishes.rome_codes.end(), *listing.rome_code);
    case WantedKind::kBusiness:
      if (!wishes.business_sector.empty() && wishes.business_sector != listing.business_sector)
        return false;
      if (wishes.business_budget &&
          !(listing.price_eur && *listing.price_eur <= *wishes.business_budget))
        return false;
      return true;
    case WantedKind::kLeisure:
      return true;
  }
  return false;
}

}  // namespace vivrovert::matching
