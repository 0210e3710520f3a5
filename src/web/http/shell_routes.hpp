// The pages and endpoints of the shell itself, which belong to no concern:
//   GET /          home page (templates/pages/home.mustache)
//   GET /healthz   for the reverse proxy and monitoring: 200 {"status":"ok", …} when the
//                  database answers, 503 {"status":"unavailable"} otherwise. Always JSON.
#pragma once

#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::web {

// `database` must outlive `app`.
void RegisterShellRoutes(App& app, storage::Database& database);

}  // namespace vivrovert::web
