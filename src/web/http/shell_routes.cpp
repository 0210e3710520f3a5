#include "web/http/shell_routes.hpp"

#include <nlohmann/json.hpp>

#include "core/storage/migrations.hpp"

namespace vivrovert::web {

void RegisterShellRoutes(App& app, storage::Database& database, const Readiness* readiness) {
  app.Get("/", [](Context& context) {
    // A partner's own site opens on its introduction (templates/pages/partner_home.mustache).
    if (const HostSite* site = context.site()) {
      return context.Page("partner_home",
                          mstch::map{
                              {"title", site->name + " — vivre sur le territoire"},
                              {"is_home", true},
                              {"meta_description", "Vivre sur le territoire de " + site->name +
                                                       " : trouvez où vous installer d'après "
                                                       "les données publiques ouvertes."},
                          });
    }
    return context.Page("home",
                        mstch::map{
                            {"title", std::string("VivroVert — trouvez où vivre à la campagne")},
                            {"is_home", true},
                            {"meta_description",
                             std::string("Choisissez où vivre à la campagne : VivroVert montre, "
                                         "sur une carte de la France en dalles d'un kilomètre, "
                                         "les lieux qui répondent à vos critères (gare, santé, "
                                         "écoles, internet, climat), d'après les données "
                                         "publiques ouvertes.")},
                        });
  });

  app.Get("/healthz", [&app, &database](Context&) -> Result<Response> {
    try {
      database.Acquire().QueryOne("SELECT 1");
      return Response::Json({{"status", "ok"},
                             {"backend", storage::BackendName(database.dialect().backend)},
                             {"schema_version", storage::SchemaVersion(database)}});
    } catch (const std::exception& error) {
      *app.options().error_log << "web: health check failed: " << error.what() << std::endl;
      return Response::Json({{"status", "unavailable"}}, 503);
    }
  });

  // Readiness, for the proxy's routing: the database answers and its schema is the one
  // this binary expects (a process started before a migration, or after a failed one,
  // should not take traffic); the grid and the matching index are there; the process is
  // not draining (a node told to stop answers 503 at once, while it finishes its requests).
  app.Get("/readyz", [&app, &database, readiness](Context&) -> Result<Response> {
    if (readiness != nullptr && readiness->draining())
      return Response::Json({{"status", "draining"}}, 503);
    try {
      database.Acquire().QueryOne("SELECT 1");
      const int schema = storage::SchemaVersion(database);
      const int expected =
          storage::KnownMigrations().empty() ? 0 : storage::KnownMigrations().back().version;
      nlohmann::json body = {{"schema_version", schema}, {"expected_schema_version", expected}};
      if (schema != expected) {
        body["status"] = "migrating";
        return Response::Json(body, 503);
      }
      if (readiness != nullptr) {
        body["grid"] = readiness->grid_loaded();
        body["matching_index"] = readiness->index_built();
        if (readiness->grid_loaded()) {
          const Readiness::GridServed served = readiness->grid_served();
          body["grid_file"] = {{"built_at", served.built_at},
                               {"scope", served.scope},
                               {"sha256", served.sha256},
                               {"switches", served.switches}};
        }
        if (!readiness->grid_loaded() || !readiness->index_built()) {
          body["status"] = readiness->grid_loaded() ? "starting" : "no_grid";
          return Response::Json(body, 503);
        }
      }
      body["status"] = "ready";
      return Response::Json(body);
    } catch (const std::exception& error) {
      *app.options().error_log << "web: readiness check failed: " << error.what() << std::endl;
      return Response::Json({{"status", "unavailable"}}, 503);
    }
  });
}

void RegisterMetricsRoute(App& app, const Metrics& metrics) {
  app.Get("/metrics", [&metrics](Context& context) -> Result<Response> {
    // Came through a proxy: the public must not read it, whatever the proxy's rules.
    if (context.request().Header("X-Forwarded-For").has_value())
      return NotFound("Page introuvable.");
    Response response = Response::Text(metrics.Render());
    response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return response;
  });
}

}  // namespace vivrovert::web
