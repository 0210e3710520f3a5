// Where a property to save lies: a housing listing's point, or a point placed like a
// listing (listings/placement: coordinates, else a commune's centre, else a postcode's
// commune) — no online geocoder.
//
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/properties/property_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::properties {

struct PropertyInput {
  std::optional<int64_t> listing_id;
  std::string name;  // for a listing, its title when empty
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string commune_code;
  std::string postcode;
  std::string address;
  std::optional<int64_t> radius_km;
};

// The property of `user_id` described by `input`, not stored yet. Errors (French, with the
// field): NotFound (listing_id), InvalidArgument (not a housing listing, not online, no
// place given, placement refused, bad radius), Unavailable (no grid to place a point).
Result<SavedProperty> ResolveProperty(storage::Connection& connection, const engine::GridFile* grid,
                                      int64_t user_id, const PropertyInput& input,
                                      const std::string& today);

}  // namespace vivrovert::properties
