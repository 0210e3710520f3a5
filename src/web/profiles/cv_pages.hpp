// A job seeker's CV, published by the person as a listing of kind "cv" (source
// "user:<id>"), with their explicit consent, and withdrawable:
//   GET/POST /compte/cv            the CV form (fields of the "cv" kind, listing_schema)
//   POST     /compte/cv/retrait    withdraws it
// The CV goes through the same publishing path as partners' listings (ListingService):
// checked, placed on the grid (from the commune or postcode given), visible on its tile.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <cstdint>
#include <functional>

#include "domain/listings/listing_service.hpp"
#include "web/http/app.hpp"

namespace vivrovert::profiles {

// `service` must outlive the app. `cv_changed`, when given, is called after a CV is written
// or withdrawn (the skills alerts' index and the matching change log follow the person).
void RegisterCvPages(web::App& app, listings::ListingService& service,
                     std::function<void(storage::Connection&, int64_t user_id)> cv_changed = {});

}  // namespace vivrovert::profiles
