// The public search API (JSON, under /api/v1/), over the engine:
//   POST /api/v1/search                 the green tiles of a request (engine/search_request.hpp)
//   GET  /api/v1/criteria               the catalogue with availability, coverage, sources
//   GET  /api/v1/tiles/{id}             a tile's values, communes and provenance
//   GET  /api/v1/tiles/{id}/explain     why the tile is green or not (?search=<request JSON>)
//   GET  /api/v1/openapi.json           the OpenAPI 3 description of these routes
// Errors are the web layer's JSON errors with a stable code, the field and a French
// message; a request over the per-IP limit gets 429. Without a grid file every route but
// the OpenAPI document answers 503 ("la grille n'est pas construite").
//
// Thread safety: the routes only read the grid and the engine (immutable) and the
// rate limiter (thread-safe).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "domain/demand/demand_recorder.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::api {

using engine::SearchBackend;

struct ApiRoute {
  web::Method method;
  std::string pattern;
};

// Applies `limiter`'s per-client limit (per IPv4 address, per IPv6 /64) to `request`: a
// refusal is ResourceExhausted (a 429 JSON error) saying when to retry. Every public API
// route admits its requests this way.
Status Admit(SharedRateLimiter& limiter, const web::Request& request);

// The routes RegisterSearchApi adds, as documented in the OpenAPI document.
const std::vector<ApiRoute>& SearchApiRoutes();

// The OpenAPI 3 document (src/web/api/openapi.json, compiled in).
const std::string& OpenApiDocument();

// On a partner's own site (web::Context::site), a search covers only the site's communes:
// `request`'s territory becomes them, or its intersection with them when it names one.
// InvalidArgument (field "territory") when that intersection is empty. No-op on the main
// site.
Status RestrictToSite(const web::Context& context, const engine::GridFile& grid,
                      engine::SearchRequest& request);

// Registers the routes on `app`. `backend` and `limiter` must outlive the app. Every
// search answered by POST /api/v1/search is handed to `demand` (the barometer's record,
// no person), when given; it must outlive the app too.
void RegisterSearchApi(web::App& app, const SearchBackend& backend, SharedRateLimiter& limiter,
                       demand::DemandRecorder* demand = nullptr);

}  // namespace vivrovert::api
