#include "web/shell_routes.hpp"

#include <nlohmann/json.hpp>

#include "storage/migrations.hpp"

namespace vivrovert::web {

void RegisterShellRoutes(App& app, storage::Database& database) {
  app.Get("/", [](Context& context) {
    return context.Page("home", mstch::map{
                                    {"title", std::string("VivroVert — trouvez où vivre à la campagne")},
                                    {"is_home", true},
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
}

}  // namespace vivrovert::web
