// What lies around a saved property, within the radius the person chose: the active
// listings by kind (housing, jobs, businesses, leisure, points of interest), the amenities
// of each kind with their straight-line distances, and — for each distance criterion with
// a maximum in the person's saved searches — the amenity kinds with none within that
// maximum ("missing within your thresholds"), or whose source is not available here.
// Nothing is estimated: a kind without a source covering the property says so, with where
// to get the data.
//
// Thread safety: Survey reads the connection, grid and index only; reentrant.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/storage/database.hpp"
#include "data/amenities/amenity_index.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/properties/property_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::properties {

inline constexpr size_t kMaxAmenitiesPerKind = 20;
inline constexpr int kMaxListingsAround = 500;

struct NearbyListing {
  listings::Listing listing;
  double distance_m = 0;
};

struct KindAround {
  const amenities::AmenityKind* kind = nullptr;
  bool covered = true;  // false: the source does not cover the property's département
  std::vector<amenities::FoundAmenity> within;     // nearest first, at most kMaxAmenitiesPerKind
  std::optional<amenities::FoundAmenity> nearest;  // also when none lies within the radius
};

struct MissingAmenity {
  std::string search;     // the saved search's name
  std::string criterion;  // e.g. "dist_station_km"
  std::string label;      // French ("Gare")
  double max_km = 0;
  bool available = true;  // false: no source for this kind here
  std::optional<double> nearest_km;
  std::string message;  // French sentence for the page
};

struct Surroundings {
  int radius_km = kDefaultRadiusKm;
  std::string commune_name;  // empty without a grid
  std::string departement;   // code of the property's département
  std::vector<std::pair<listings::Kind, std::vector<NearbyListing>>>
      listings;                     // every kind but CVs
  bool listings_truncated = false;  // more than kMaxListingsAround in the box
  std::vector<KindAround> amenities;
  std::vector<MissingAmenity> missing;
  size_t thresholds_checked = 0;  // distance maxima found in the saved searches
  bool amenities_loaded = false;
};

// `grid` and `index` may be null (not built / not loaded): the page then says so.
Surroundings Survey(storage::Connection& connection, const SavedProperty& property, int radius_km,
                    const engine::GridFile* grid, const amenities::AmenityIndex* index,
                    const std::string& today);

nlohmann::json PropertyJson(const SavedProperty& property);
nlohmann::json SurroundingsJson(const Surroundings& surroundings, const std::string& today);

// "3,2 km" (French decimal comma, one decimal; whole km from 10 km).
std::string FormatKm(double metres);

}  // namespace vivrovert::properties
