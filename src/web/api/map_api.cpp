#include "web/api/map_api.hpp"

#include <nlohmann/json.hpp>

#include "core/common/json_input.hpp"
#include "domain/listings/placement.hpp"
#include "engine/engine.hpp"
#include "web/api/search_api.hpp"

namespace vivrovert::api {

namespace {

using nlohmann::json;

// A key's tiles never change: a week in every cache on the way.
constexpr const char* kTileCacheControl = "public, max-age=604800, immutable";
// Outlines change only when the contours are imported again.
constexpr const char* kOutlineCacheControl = "public, max-age=86400";

Status MapUnavailable(const SearchBackend& search, const MapBackend& map) {
  return Unavailable("La grille des dalles n'est pas encore construite (vivrovert grid build). " +
                     (search.engine ? map.load_status.message() : search.load_status.message()));
}

Status UnknownKey() {
  return NotFound(
      "Cette recherche n'est plus en mémoire : envoyez-la de nouveau (POST /api/v1/map/searches).",
      "key");
}

web::Response GeoJson(const std::string& text) {
  web::Response response(200);
  response.SetHeader("Content-Type", "application/geo+json; charset=utf-8");
  response.SetHeader("Cache-Control", kOutlineCacheControl);
  response.set_body(text);
  return response;
}

}  // namespace

MapBackend MapBackend::Load(const SearchBackend& search, MapOptions options) {
  MapBackend backend;
  backend.cache = std::make_unique<maptiles::MapSearchCache>(options.cache_entries);
  if (options.shared_outlines) {
    backend.outlines = std::move(options.shared_outlines);
  } else {
    backend.outlines = std::make_shared<maptiles::Outlines>(std::move(options.outlines));
    if (options.warm_outlines) backend.outlines->WarmInBackground();
  }
  if (!search.grid) {
    backend.load_status = search.load_status;
    return backend;
  }
  auto renderer = maptiles::TileRenderer::Create(*search.grid);
  if (!renderer.ok()) {
    backend.load_status = renderer.status();
    return backend;
  }
  backend.renderer = std::move(renderer).value();
  return backend;
}

const std::vector<ApiRoute>& MapApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = {
      {web::Method::kPost, "/api/v1/map/searches"},
      {web::Method::kGet, "/api/v1/map/tiles/{key}/{z}/{x}/{y}.png"},
      {web::Method::kGet, "/api/v1/map/outlines/departements.geojson"},
      {web::Method::kGet, "/api/v1/map/outlines/communes/{dep}.geojson"},
  };
  return kRoutes;
}

void RegisterMapApi(web::App& app, const SearchBackend& search, MapBackend& map,
                    SharedRateLimiter& limiter, SharedRateLimiter& view_limiter) {
  // Public and cookie-less like POST /api/v1/search: no CSRF token.
  web::RouteOptions public_post;
  public_post.csrf_exempt = true;
  app.Post(
      "/api/v1/map/searches",
      [&search, &map, &limiter](web::Context& context) -> Result<web::Response> {
        VV_RETURN_IF_ERROR(Admit(limiter, context.request()));
        if (!search.engine || !map.renderer) return MapUnavailable(search, map);
        VV_ASSIGN_OR_RETURN(json body, ParseUntrustedJson(context.request().body(), "body"));
        // Both levels are drawn: the request's own level and page do not matter here, and
        // must not be refused when the grid lacks that level.
        if (body.is_object()) {
          body.erase("page");
          body["level"] = engine::LevelName(
              search.grid->level(engine::Level::k5km) ? engine::Level::k5km : engine::Level::k1km);
        }
        VV_ASSIGN_OR_RETURN(engine::SearchRequest request,
                            engine::ParseSearchRequest(body, *search.grid,
                                                       listings::PlaceLocatorFor(*search.grid)));
        VV_RETURN_IF_ERROR(RestrictToSite(context, *search.grid, request));
        const std::string key = maptiles::MapSearchKey(request, *search.grid);
        std::shared_ptr<const maptiles::GreenTiles> green = map.cache->Find(key);
        if (!green) {
          green = std::make_shared<const maptiles::GreenTiles>(
              maptiles::GreenTiles::Evaluate(*search.engine, request));
          map.cache->Put(key, green);
        }
        return web::Response::Json({{"key", key},
                                    {"green_count_5km", green->count(engine::Level::k5km)},
                                    {"green_count_1km", green->count(engine::Level::k1km)},
                                    {"zoom_1km", maptiles::kFirstFineZoom},
                                    {"tiles", "/api/v1/map/tiles/" + key + "/{z}/{x}/{y}.png"}});
      },
      public_post);

  // The router captures whole segments: "{y}.png" is the segment {y_png}.
  app.Get(
      "/api/v1/map/tiles/{key}/{z}/{x}/{y_png}",
      [&search, &map, &view_limiter](web::Context& context) -> Result<web::Response> {
        VV_RETURN_IF_ERROR(Admit(view_limiter, context.request()));
        if (!map.renderer) return MapUnavailable(search, map);
        std::string y = context.Param("y_png");
        if (!y.ends_with(".png")) return InvalidArgument("Une tuile se termine par « .png ».", "y");
        y.resize(y.size() - 4);
        VV_ASSIGN_OR_RETURN(maptiles::TileAddress address,
                            maptiles::ParseTileAddress(context.Param("z"), context.Param("x"), y));
        std::shared_ptr<const maptiles::GreenTiles> green = map.cache->Find(context.Param("key"));
        if (!green) return UnknownKey();
        web::Response response(200);
        response.SetHeader("Content-Type", "image/png");
        response.SetHeader("Cache-Control", kTileCacheControl);
        response.set_body(map.renderer->Render(*green, address));
        return response;
      });

  app.Get("/api/v1/map/outlines/departements.geojson",
          [&map, &view_limiter](web::Context& context) -> Result<web::Response> {
            VV_RETURN_IF_ERROR(Admit(view_limiter, context.request()));
            VV_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> text,
                                map.outlines->Departements());
            return GeoJson(*text);
          });

  app.Get(
      "/api/v1/map/outlines/communes/{dep_geojson}",
      [&map, &view_limiter](web::Context& context) -> Result<web::Response> {
        VV_RETURN_IF_ERROR(Admit(view_limiter, context.request()));
        std::string code = context.Param("dep_geojson");
        if (!code.ends_with(".geojson")) {
          return NotFound("Adresse inconnue : …/communes/{département}.geojson.", "departement");
        }
        code.resize(code.size() - 8);
        VV_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> text, map.outlines->Communes(code));
        return GeoJson(*text);
      });
}

}  // namespace vivrovert::api
