// The pages and endpoints of the shell itself, which belong to no concern:
//   GET /          home page (templates/pages/home.mustache)
//   GET /healthz   for the reverse proxy and monitoring: 200 {"status":"ok", …} when the
//                  database answers, 503 {"status":"unavailable"} otherwise. Always JSON.
//   GET /readyz    for the load balancer: 200 {"status":"ready", …} only when the schema is
//                  the expected one and, with a Readiness, the grid is loaded, the matching
//                  index built and the process not draining; 503 with the status
//                  "migrating", "no_grid", "starting" or "draining" otherwise.
#pragma once

#include "core/storage/database.hpp"
#include "web/http/app.hpp"
#include "web/http/readiness.hpp"

namespace vivrovert::web {

// GET /metrics (web/http/metrics.hpp) in the Prometheus text format; 404 through a proxy.
// `metrics` must outlive `app`.
void RegisterMetricsRoute(App& app, const Metrics& metrics);

// `database` and `readiness` must outlive `app`; `readiness` may be null (only the
// database and its schema are checked).
void RegisterShellRoutes(App& app, storage::Database& database,
                         const Readiness* readiness = nullptr);

}  // namespace vivrovert::web
