// The map's points of interest (public, under /api/v1/map/):
//   GET /api/v1/map/pois?bbox=west,south,east,north&zoom=z[&kinds=dist_station_km,…]
//       → a GeoJSON FeatureCollection (WGS84) with
//         "kinds":     every kind of the layer: criterion, label, publisher, dataset, vintage,
//                      url, and "count" in this answer (0 when out of view or not asked);
//         "clustered": whether dense cells were gathered;
//         features:    a point {"kind", "name", "commune"} or a cluster {"cluster": true,
//                      "count", "kinds": {criterion: count}} at its points' mean position.
// Every point of the amenity index (amenities::PoiLayer): stations, hospitals, préfectures,
// towns and the import layers' schools, doctors, shops…; the source and vintage of each
// point are its kind's. Without amenity data the route answers 503 and says why.
//
// Limits: counts against the map's per-IP budget ("map:<ip>", `api.map_rate_limit`), like
// the tiles: panning the map asks again. Answers change only when the server loads new
// data, so they are cacheable for an hour.
//
// Thread safety: the layer is immutable; the route shares only thread-safe parts.
#pragma once

#include <string>
#include <vector>

#include "data/amenities/poi_layer.hpp"
#include "domain/limits/rate_limiter.hpp"
#include "web/api/search_api.hpp"
#include "web/http/app.hpp"

namespace vivrovert::api {

// The route's answer for `answer` (taken from `layer`), as the GeoJSON text it sends.
std::string PoiGeoJson(const amenities::PoiLayer& layer, const amenities::PoiAnswer& answer);

// The routes RegisterPoiApi adds, as documented in the OpenAPI document.
const std::vector<ApiRoute>& PoiApiRoutes();

// `layer` (null: no amenity data) and `view_limiter` must outlive the app.
void RegisterPoiApi(web::App& app, const amenities::PoiLayer* layer,
                    SharedRateLimiter& view_limiter);

}  // namespace vivrovert::api
