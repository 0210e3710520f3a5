// A signed-in person's searches and the tiles people open, as JSON under /api/v1/:
//   GET    /api/v1/me/searches          the person's saved searches
//   POST   /api/v1/me/searches          {name, request}: saves a search (201)
//   GET    /api/v1/me/searches/{id}     one of them
//   PUT    /api/v1/me/searches/{id}     {name, request}: its new version
//   DELETE /api/v1/me/searches/{id}     deletes it (204)
//   POST   /api/v1/clicks               {tile, linked?, clicked_at?}: records a tile opened
//   GET    /api/v1/me/favourites        the person's favourite sectors (tiles, communes)
//   POST   /api/v1/me/favourites        {kind: "tile"|"commune", code}: adds one (201)
//   DELETE /api/v1/me/favourites/{kind}/{code}
// The /me routes need a session (401 otherwise) and answer 404 for another person's id.
// They are cookie-authenticated, so every write carries the CSRF token (X-CSRF-Token).
// A request is checked against the grid and stored normalised (SearchRequestToJson).
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/interests/interest_listener.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::interests {

const std::vector<api::ApiRoute>& InterestsApiRoutes();

// `database`, `backend`, `clock`, `listener` and `click_limiter` (when given) must outlive
// the app. The listener hears of every saved search version and click
// (interest_listener.hpp). The click limiter counts POST /api/v1/clicks per client network,
// signed in or not (429 beyond): clicks make partners' prospects and figures, which one
// client must not inflate.
void RegisterInterestsApi(web::App& app, storage::Database& database,
                          const engine::SearchBackend& backend, const Clock& clock,
                          InterestListener* listener = nullptr,
                          api::SharedRateLimiter* click_limiter = nullptr);

}  // namespace vivrovert::interests
