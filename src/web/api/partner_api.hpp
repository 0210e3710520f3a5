// The partners' API (JSON, under /api/v1/partner/), authenticated by API keys, and the
// public listing reads:
//   GET    /api/v1/partner                      the key's partner and its territory
//   GET    /api/v1/partner/listings             list, with filters and a cursor
//   POST   /api/v1/partner/listings             create (or update: same external_id)
//   POST   /api/v1/partner/listings/bulk        upsert many by external_id, idempotent
//   GET    /api/v1/partner/listings/{id}        read
//   PUT    /api/v1/partner/listings/{id}        replace
//   DELETE /api/v1/partner/listings/{id}        withdraw
//   POST   /api/v1/partner/imports              a CSV/JSON file as the body (?kind=&mode=&dry_run=)
//   GET    /api/v1/partner/imports/{id}         an import's report
//   GET    /api/v1/listings/schema              the fields of each kind (public)
//   GET    /api/v1/tiles/{id}/listings          active listings on a tile (public)
//   GET    /api/v1/listings/counts?tiles=A,B    active listings per kind of up to 50 tiles (public)
//   GET    /api/v1/tiles/at?lat=&lon=&level=    the tile holding a WGS84 point (public)
//
// Keys travel in `Authorization: Bearer vvk_…` (or `X-API-Key`); a route without a valid
// key answers 401, a read-only key on a write 403. Each key is rate limited (shared state
// across processes, the SharedRateLimiter). Keys are not cookies, so these routes take no
// CSRF token. Errors are the JSON errors of web/http/errors.hpp; a listing with several bad
// fields answers 400 with all of them in error.details [{field, message}].
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <vector>

#include "core/storage/database.hpp"
#include "domain/display/labels.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "domain/listings/listing_service.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::api {

const std::vector<ApiRoute>& PartnerApiRoutes();

// `service`, `limiter`, `database` and `labels` must outlive the app. Listings are answered
// with their stored fields and, under "display", what a person reads of them (choice
// labels, "Cahors (46042)", ROME titles, French dates and numbers: display::Labels).
void RegisterPartnerApi(web::App& app, storage::Database& database,
                        listings::ListingService& service, SharedRateLimiter& key_limiter,
                        Random& random, const display::Labels& labels);

}  // namespace vivrovert::api
