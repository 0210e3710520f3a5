#include "domain/properties/surroundings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "data/importers/import_layer.hpp"
#include "domain/interests/interest_store.hpp"

namespace vivrovert::properties {

namespace {

using nlohmann::json;

constexpr double kMetresPerDegreeLatitude = 111'320;

listings::BoundingBox BoxAround(double longitude, double latitude, double radius_m) {
  const double half_lat = radius_m / kMetresPerDegreeLatitude;
  // The box is widened a little: LAEA distances differ from the sphere's by well under 1 %.
  const double half_lon = radius_m / (kMetresPerDegreeLatitude *
                                      std::max(0.1, std::cos(latitude * std::numbers::pi / 180)));
  return {longitude - 1.02 * half_lon, latitude - 1.02 * half_lat, longitude + 1.02 * half_lon,
          latitude + 1.02 * half_lat};
}

std::string KmNumber(double km) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", km);
  std::string text = buffer;
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

// The distance maxima of a saved search's request: (criterion, max).
std::vector<std::pair<std::string, double>> DistanceMaxima(const std::string& request) {
  std::vector<std::pair<std::string, double>> maxima;
  json parsed = json::parse(request, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("criteria") || !parsed["criteria"].is_array())
    return maxima;
  for (const json& entry : parsed["criteria"]) {
    if (!entry.is_object() || !entry.contains("criterion") || !entry["criterion"].is_string())
      continue;
    const std::string criterion = entry["criterion"].get<std::string>();
    if (!criterion.starts_with("dist_") || !entry.contains("max") || !entry["max"].is_number())
      continue;
    maxima.emplace_back(criterion, entry["max"].get<double>());
  }
  return maxima;
}

json FoundJson(const amenities::FoundAmenity& found) {
  return {{"name", found.amenity->name},
          {"commune_code", found.amenity->commune_code},
          {"longitude", found.amenity->wgs84.x},
          {"latitude", found.amenity->wgs84.y},
          {"distance_km", std::round(found.distance_m / 10) / 100}};
}

}  // namespace

std::string FormatKm(double metres) {
  const double km = metres / 1000;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, km < 10 ? "%.1f" : "%.0f", km);
  std::string text = buffer;
  std::replace(text.begin(), text.end(), '.', ',');
  return text + " km";
}

Surroundings Survey(storage::Connection& connection, const SavedProperty& property, int radius_km,
                    const engine::GridFile* grid, const amenities::AmenityIndex* index,
                    const std::string& today) {
  Surroundings out;
  out.radius_km = radius_km;
  const double radius_m = radius_km * 1000.0;
  out.departement = importers::DepartementOfCommune(property.commune_code);
  if (grid) {
    if (std::optional<uint32_t> commune = grid->FindCommune(property.commune_code)) {
      out.commune_name = grid->communes()[*commune].name;
    }
  }

  listings::ListingFilter filter;
  filter.status = listings::kStatusActive;
  filter.today = today;
  filter.within = BoxAround(property.longitude, property.latitude, radius_m);
  filter.limit = kMaxListingsAround;
  const std::vector<listings::Listing> found = listings::ListingStore::List(connection, filter);
  out.listings_truncated = found.size() >= static_cast<size_t>(kMaxListingsAround);
  for (listings::Kind kind : listings::kAllKinds) {
    if (kind == listings::Kind::kCv) continue;  // people, not opportunities around a place
    out.listings.emplace_back(kind, std::vector<NearbyListing>{});
  }
  for (const listings::Listing& listing : found) {
    if (listing.kind == listings::Kind::kCv) continue;
    if (property.listing_id && *property.listing_id == listing.id) continue;  // the property itself
    std::optional<double> distance = amenities::AmenityIndex::DistanceMetres(
        property.longitude, property.latitude, listing.longitude, listing.latitude);
    if (!distance || *distance > radius_m) continue;
    for (auto& [kind, nearby] : out.listings) {
      if (kind == listing.kind) nearby.push_back({listing, *distance});
    }
  }
  for (auto& [kind, nearby] : out.listings) {
    std::stable_sort(
        nearby.begin(), nearby.end(),
        [](const NearbyListing& a, const NearbyListing& b) { return a.distance_m < b.distance_m; });
  }

  if (index) {
    out.amenities_loaded = true;
    for (const amenities::AmenityKind& kind : index->kinds()) {
      KindAround around;
      around.kind = &kind;
      around.covered = amenities::Covers(kind.source, out.departement);
      around.within = index->Within(kind.criterion, property.longitude, property.latitude, radius_m,
                                    kMaxAmenitiesPerKind);
      around.nearest = index->Nearest(kind.criterion, property.longitude, property.latitude);
      out.amenities.push_back(std::move(around));
    }
  }

  for (const interests::SavedSearch& search :
       interests::InterestStore::Searches(connection, property.user_id)) {
    for (const auto& [criterion, max_km] : DistanceMaxima(search.request)) {
      ++out.thresholds_checked;
      MissingAmenity missing;
      missing.search = search.name;
      missing.criterion = criterion;
      missing.max_km = max_km;
      missing.label = criterion;
      std::string where;
      if (grid) {
        if (std::optional<size_t> spec = grid->catalogue().Find(criterion)) {
          const engine::CriterionSpec& criterion_spec = grid->catalogue().criteria()[*spec];
          missing.label = criterion_spec.label;
          where = criterion_spec.source.dataset + " (" + criterion_spec.source.publisher + ")";
          if (!criterion_spec.source.url.empty()) where += ", " + criterion_spec.source.url;
        }
      }
      const amenities::AmenityKind* kind = index ? index->Find(criterion) : nullptr;
      if (kind) missing.label = kind->label;
      const std::string bound = "à moins de " + KmNumber(max_km) + " km";
      if (!kind || !amenities::Covers(kind->source, out.departement)) {
        missing.available = false;
        missing.message =
            missing.label + " " + bound + " : non disponible ici, la source n'est pas chargée" +
            (where.empty() ? std::string(".") : " — " + where + " (voir docs/DATA.md).");
        out.missing.push_back(std::move(missing));
        continue;
      }
      std::optional<amenities::FoundAmenity> nearest =
          index->Nearest(criterion, property.longitude, property.latitude);
      if (nearest && nearest->distance_m <= max_km * 1000) continue;  // the threshold is met
      if (nearest) missing.nearest_km = std::round(nearest->distance_m / 10) / 100;
      missing.message =
          missing.label + " " + bound + " (recherche « " + search.name +
          " ») : aucun équipement de ce type" +
          (nearest ? ", le plus proche est à " + FormatKm(nearest->distance_m) + "." : ".");
      out.missing.push_back(std::move(missing));
    }
  }
  return out;
}

json PropertyJson(const SavedProperty& property) {
  return {{"id", property.id},
          {"name", property.name},
          {"listing_id", property.listing_id ? json(*property.listing_id) : json(nullptr)},
          {"latitude", property.latitude},
          {"longitude", property.longitude},
          {"commune_code", property.commune_code},
          {"placement", property.placement},
          {"address", property.address},
          {"radius_km", property.radius_km},
          {"created_at", property.created_at},
          {"updated_at", property.updated_at}};
}

json SurroundingsJson(const Surroundings& surroundings, const std::string& today) {
  json listings_json = json::array();
  for (const auto& [kind, nearby] : surroundings.listings) {
    for (const NearbyListing& item : nearby) {
      json entry = item.listing.ToJson(today);
      entry.erase("source");  // what the public sees of partners' listings
      entry["kind_label"] = listings::KindLabel(kind);
      entry["distance_km"] = std::round(item.distance_m / 10) / 100;
      listings_json.push_back(std::move(entry));
    }
  }
  json amenities_json = json::array();
  for (const KindAround& around : surroundings.amenities) {
    const amenities::AmenitySource& source = around.kind->source;
    json within = json::array();
    for (const amenities::FoundAmenity& found : around.within) within.push_back(FoundJson(found));
    amenities_json.push_back(
        {{"criterion", around.kind->criterion},
         {"label", around.kind->label},
         {"covered", around.covered},
         {"source",
          {{"publisher", source.publisher},
           {"dataset", source.dataset},
           {"vintage", source.vintage},
           {"url", source.url},
           {"departements", source.departements}}},
         {"within", within},
         {"nearest", around.nearest ? FoundJson(*around.nearest) : json(nullptr)}});
  }
  json missing_json = json::array();
  for (const MissingAmenity& missing : surroundings.missing) {
    missing_json.push_back(
        {{"search", missing.search},
         {"criterion", missing.criterion},
         {"label", missing.label},
         {"max_km", missing.max_km},
         {"available", missing.available},
         {"nearest_km", missing.nearest_km ? json(*missing.nearest_km) : json(nullptr)},
         {"message", missing.message}});
  }
  return {{"radius_km", surroundings.radius_km},
          {"commune_name", surroundings.commune_name},
          {"listings", listings_json},
          {"listings_truncated", surroundings.listings_truncated},
          {"amenities_available", surroundings.amenities_loaded},
          {"amenities", amenities_json},
          {"thresholds_checked", surroundings.thresholds_checked},
          {"missing", missing_json}};
}

}  // namespace vivrovert::properties
