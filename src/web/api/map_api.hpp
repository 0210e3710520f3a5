// The map's API (public, under /api/v1/map/): server-rendered tiles of a search's green
// tiles and the outlines the map draws without a base map.
//   POST /api/v1/map/searches                          a search body (as POST /api/v1/search)
//        → {"key", "green_count_5km", "green_count_1km", "zoom_1km": 9,
//           "tiles": "/api/v1/map/tiles/<key>/{z}/{x}/{y}.png"}
//   GET  /api/v1/map/tiles/{key}/{z}/{x}/{y}.png       256×256 Web Mercator PNG
//   GET  /api/v1/map/outlines/departements.geojson     WGS84 GeoJSON
//   GET  /api/v1/map/outlines/communes/{dep}.geojson   WGS84 GeoJSON of a département's communes
// The search is evaluated at both levels (required constraints and territory only) and its
// green tiles kept in a bounded in-memory LRU cache under a key (data/maptiles/green_tiles.hpp);
// a key that was evicted or never made answers 404 {"error":{"code":"not_found",
// "field":"key"}}: POST the search again. Tiles under a key never change (the key hashes
// the grid's build date too), so they are served with a week's public max-age. The cache is
// per process: behind several server processes, a tile request reaching another process
// than its POST gets that 404 (sticky sessions, or the front end's re-POST, cover it).
//
// Limits: the POST counts against the per-IP limit of the search API (SharedRateLimiter,
// keys "api:<ip>"); tiles and outlines count against their own, larger per-IP budget
// (keys "map:<ip>", `api.map_rate_limit`): a map view asks for dozens of tiles at once,
// each rendered from memory in about a millisecond, so they must not eat the searches'
// budget, but a client fetching tiles in a loop is still stopped (429).
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <memory>
#include <vector>

#include "data/maptiles/green_tiles.hpp"
#include "data/maptiles/outlines.hpp"
#include "data/maptiles/tile_renderer.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::api {

struct MapOptions {
  size_t cache_entries = maptiles::MapSearchCache::kDefaultCapacity;
  maptiles::OutlineOptions outlines;
  // Compute the département outlines on a background thread at once (the server does).
  bool warm_outlines = false;
  // Outlines already built, used instead of `outlines` and `warm_outlines`: they come from
  // the communes' contours, not from the grid, so a new grid's backend shares the old one's.
  std::shared_ptr<maptiles::Outlines> shared_outlines;
};

// The map's state; `renderer` is null when the search backend has no grid.
struct MapBackend {
  std::unique_ptr<maptiles::TileRenderer> renderer;
  std::unique_ptr<maptiles::MapSearchCache> cache;
  std::shared_ptr<maptiles::Outlines> outlines;
  Status load_status;

  // Borrows `search`'s grid, which must outlive the backend.
  static MapBackend Load(const SearchBackend& search, MapOptions options);
};

// The routes RegisterMapApi adds, as documented in the OpenAPI document.
const std::vector<ApiRoute>& MapApiRoutes();

// `search`, `map` and the limiters must outlive the app. `limiter` admits the searches,
// `view_limiter` the tiles and outlines.
void RegisterMapApi(web::App& app, const SearchBackend& search, MapBackend& map,
                    SharedRateLimiter& limiter, SharedRateLimiter& view_limiter);

}  // namespace vivrovert::api
