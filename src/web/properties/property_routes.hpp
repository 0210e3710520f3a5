// Saved properties on the web: the JSON API and the person's pages (French).
//   GET    /api/v1/me/properties                      the person's saved properties
//   POST   /api/v1/me/properties                      {listing_id} or {name, latitude, longitude}
//                                                     or {name, commune_code | postcode, address?},
//                                                     radius_km? (2–50, 10 by default): saves one
//                                                     (201; 200 with the existing one for a listing
//                                                     saved before)
//   GET    /api/v1/me/properties/{id}                 one of them
//   PUT    /api/v1/me/properties/{id}                 {name, radius_km}
//   DELETE /api/v1/me/properties/{id}                 (204)
//   GET    /api/v1/me/properties/{id}/surroundings    ?radius_km=: listings, amenities with
//                                                     distances, what is missing (surroundings.hpp)
//   GET    /compte/biens                  the list, and a form to place a point (map, address)
//   POST   /compte/biens                  saves a point, then shows its page
//   GET    /compte/biens/{id}             ?rayon=: the map and lists around the property
//   POST   /compte/biens/{id}             name and radius kept
//   POST   /compte/biens/{id}/suppression deletes it
// Every route needs a session (401 / redirect to the login page otherwise) and answers 404
// for another person's id. Writes carry the CSRF token (form field or X-CSRF-Token).
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "data/amenities/amenity_index.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::properties {

struct PropertyBackend {
  storage::Database& database;
  const engine::SearchBackend& search;       // its grid places points; may hold none
  const amenities::AmenityIndex* amenities;  // null when the open data could not be read
  const Clock& clock;
};

const std::vector<api::ApiRoute>& PropertyApiRoutes();

// Everything in `backend` must outlive the app.
void RegisterPropertyApi(web::App& app, const PropertyBackend& backend);
void RegisterPropertyPages(web::App& app, const PropertyBackend& backend);

}  // namespace vivrovert::properties
