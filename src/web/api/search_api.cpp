#include "web/api/search_api.hpp"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/common/embedded_file.hpp"
#include "core/common/json_input.hpp"
#include "domain/listings/placement.hpp"
#include "engine/engine.hpp"

namespace vivrovert::api::openapi_json {
const std::vector<::vivrovert::EmbeddedFile>& EmbeddedFiles();
}  // namespace vivrovert::api::openapi_json

namespace vivrovert::api {

namespace {

using nlohmann::json;

Status GridMissing(const SearchBackend& backend) {
  return Unavailable("La grille des dalles n'est pas encore construite (vivrovert grid build). " +
                     backend.load_status.message());
}

Result<json> ParseJson(const std::string& text, const char* field) {
  return ParseUntrustedJson(text, field);
}

// The request's level tile named by `id`: 404 when the grid has no such tile.
Result<std::pair<engine::Level, uint32_t>> FindTile(const engine::GridFile& grid,
                                                    const std::string& id) {
  std::optional<engine::TileId> tile = engine::TileId::Parse(id);
  if (!tile)
    return InvalidArgument("Identifiant de dalle invalide (attendu : CRS3035RES1000mN…E…).", "id");
  const engine::LevelView* view = grid.level(tile->level);
  std::optional<size_t> index = view ? view->Find(*tile) : std::nullopt;
  if (!index) return NotFound("Aucune dalle « " + id.substr(0, 60) + " » dans la grille.", "id");
  return std::pair{tile->level, static_cast<uint32_t>(*index)};
}

}  // namespace

Status Admit(SharedRateLimiter& limiter, const web::Request& request) {
  RateDecision decision = limiter.Allow(request.client_network());
  if (decision.allowed) return Status::Ok();
  return ResourceExhausted("Trop de requêtes : réessayez dans " +
                           std::to_string(decision.retry_after_seconds) + " s.");
}

const std::vector<ApiRoute>& SearchApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = {
      {web::Method::kPost, "/api/v1/search"},
      {web::Method::kGet, "/api/v1/criteria"},
      {web::Method::kGet, "/api/v1/tiles/{id}"},
      {web::Method::kGet, "/api/v1/tiles/{id}/explain"},
      {web::Method::kGet, "/api/v1/openapi.json"},
  };
  return kRoutes;
}

const std::string& OpenApiDocument() {
  static const std::string kDocument(openapi_json::EmbeddedFiles().front().text);
  return kDocument;
}

Status RestrictToSite(const web::Context& context, const engine::GridFile& grid,
                      engine::SearchRequest& request) {
  const web::HostSite* site = context.site();
  if (site == nullptr) return Status::Ok();
  std::vector<uint32_t> allowed;
  for (const std::string& code : site->search_communes) {
    if (std::optional<uint32_t> commune_idx = grid.FindCommune(code))
      allowed.push_back(*commune_idx);
  }
  std::sort(allowed.begin(), allowed.end());
  if (request.has_territory) {
    std::vector<uint32_t> asked = request.territory_communes;
    std::sort(asked.begin(), asked.end());
    std::vector<uint32_t> both;
    std::set_intersection(asked.begin(), asked.end(), allowed.begin(), allowed.end(),
                          std::back_inserter(both));
    allowed = std::move(both);
  }
  if (allowed.empty()) {
    return InvalidArgument("Le territoire demandé est en dehors de celui de " + site->name + ".",
                           "territory");
  }
  request.territory_communes = std::move(allowed);
  request.has_territory = true;
  return Status::Ok();
}

void RegisterSearchApi(web::App& app, const SearchBackend& backend, SharedRateLimiter& limiter,
                       demand::DemandRecorder* demand) {
  // A public, read-only endpoint without cookies: a forged cross-site request gains
  // nothing, so it takes no CSRF token (scripts and other sites may call it).
  web::RouteOptions public_post;
  public_post.csrf_exempt = true;
  app.Post(
      "/api/v1/search",
      [&backend, &limiter, demand](web::Context& context) -> Result<web::Response> {
        VV_RETURN_IF_ERROR(Admit(limiter, context.request()));
        if (!backend.engine) return GridMissing(backend);
        VV_ASSIGN_OR_RETURN(json body, ParseJson(context.request().body(), "body"));
        // A partner's own site searches its territory at 1 km.
        if (context.site() != nullptr && body.is_object()) body["level"] = "1km";
        VV_ASSIGN_OR_RETURN(engine::SearchRequest request,
                            engine::ParseSearchRequest(body, *backend.grid,
                                                       listings::PlaceLocatorFor(*backend.grid)));
        VV_RETURN_IF_ERROR(RestrictToSite(context, *backend.grid, request));
        engine::SearchResult result = backend.engine->Search(request);
        // The barometer's demand: the request only (buffered, written by a worker).
        if (demand != nullptr) {
          auto territory = body.find("territory");
          demand->Record(request, request.has_territory && territory != body.end()
                                      ? territory->dump()
                                      : std::string());
        }
        // Written straight to text (the same bytes as SearchResultToJson(...).dump()).
        web::Response response(200);
        response.SetHeader("Content-Type", "application/json; charset=utf-8");
        response.set_body(engine::SearchResultJsonText(*backend.engine, request, result));
        return response;
      },
      public_post);

  app.Get("/api/v1/criteria", [&backend, &limiter](web::Context& context) -> Result<web::Response> {
    VV_RETURN_IF_ERROR(Admit(limiter, context.request()));
    if (!backend.grid) return GridMissing(backend);
    json body = engine::CatalogueToJson(*backend.grid);
    body["grid"] = {{"built_at", backend.grid->header()["built_at"]},
                    {"scope", backend.grid->header()["scope"]}};
    return web::Response::Json(body);
  });

  app.Get(
      "/api/v1/tiles/{id}", [&backend, &limiter](web::Context& context) -> Result<web::Response> {
        VV_RETURN_IF_ERROR(Admit(limiter, context.request()));
        if (!backend.grid) return GridMissing(backend);
        VV_ASSIGN_OR_RETURN(auto found, FindTile(*backend.grid, context.Param("id")));
        return web::Response::Json(engine::TileToJson(*backend.grid, found.first, found.second));
      });

  app.Get("/api/v1/tiles/{id}/explain",
          [&backend, &limiter](web::Context& context) -> Result<web::Response> {
            VV_RETURN_IF_ERROR(Admit(limiter, context.request()));
            if (!backend.engine) return GridMissing(backend);
            VV_ASSIGN_OR_RETURN(auto found, FindTile(*backend.grid, context.Param("id")));
            std::optional<std::string> search = context.request().Query("search");
            if (!search)
              return InvalidArgument("Le paramètre « search » (la recherche en JSON) est attendu.",
                                     "search");
            VV_ASSIGN_OR_RETURN(json body, ParseJson(*search, "search"));
            // The tile's own level decides; a request naming another level is refused.
            if (body.is_object() && !body.contains("level"))
              body["level"] = engine::LevelName(found.first);
            VV_ASSIGN_OR_RETURN(engine::SearchRequest request,
                                engine::ParseSearchRequest(
                                    body, *backend.grid, listings::PlaceLocatorFor(*backend.grid)));
            VV_RETURN_IF_ERROR(RestrictToSite(context, *backend.grid, request));
            if (request.level != found.first) {
              return InvalidArgument("Le niveau de la recherche diffère de celui de la dalle.",
                                     "search.level");
            }
            engine::Explanation explanation = backend.engine->Explain(request, found.second);
            return web::Response::Json(
                engine::ExplanationToJson(*backend.engine, request, found.second, explanation));
          });

  app.Get("/api/v1/openapi.json", [](web::Context&) -> Result<web::Response> {
    web::Response response = web::Response::Json(json::parse(OpenApiDocument()));
    return response;
  });
}

}  // namespace vivrovert::api
