#include "web/api/poi_api.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/text.hpp"

namespace vivrovert::api {
namespace {

using nlohmann::json;

// The layer changes only when the server loads new data.
constexpr const char* kPoiCacheControl = "public, max-age=3600";

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

Result<amenities::PoiQuery> ParsePoiQuery(const web::Request& request) {
  amenities::PoiQuery query;
  std::optional<std::string> bbox = request.Query("bbox");
  if (!bbox) return InvalidArgument("Paramètre manquant : bbox=ouest,sud,est,nord.", "bbox");
  std::vector<std::string> parts = SplitList(*bbox);
  std::optional<double> values[4];
  if (parts.size() == 4) {
    for (size_t part_idx = 0; part_idx < 4; ++part_idx)
      values[part_idx] = ParseNumber(parts[part_idx]);
  }
  if (parts.size() != 4 || !values[0] || !values[1] || !values[2] || !values[3])
    return InvalidArgument("bbox attend quatre nombres en degrés : ouest,sud,est,nord.", "bbox");
  query.box = {*values[0], *values[1], *values[2], *values[3]};
  std::optional<std::string> zoom = request.Query("zoom");
  std::optional<double> zoom_value = zoom ? ParseNumber(*zoom) : std::nullopt;
  if (!zoom_value || *zoom_value != std::floor(*zoom_value))
    return InvalidArgument(
        "zoom attend un niveau entier (0 à " + std::to_string(amenities::PoiLayer::kMaxZoom) + ").",
        "zoom");
  if (*zoom_value < 0 || *zoom_value > amenities::PoiLayer::kMaxZoom)
    return InvalidArgument("Le niveau de zoom doit être compris entre 0 et " +
                               std::to_string(amenities::PoiLayer::kMaxZoom) + ".",
                           "zoom");
  query.zoom = static_cast<int>(*zoom_value);
  return query;
}

json Point(double longitude, double latitude) {
  return {{"type", "Point"}, {"coordinates", {longitude, latitude}}};
}

json PoiJson(const amenities::PoiLayer& layer, const amenities::PoiAnswer& answer) {
  const std::vector<amenities::AmenityKind>& kinds = layer.kinds();
  json kind_list = json::array();
  for (size_t kind_idx = 0; kind_idx < kinds.size(); ++kind_idx) {
    const amenities::AmenityKind& kind = kinds[kind_idx];
    kind_list.push_back({{"criterion", kind.criterion},
                         {"label", kind.label},
                         {"publisher", kind.source.publisher},
                         {"dataset", kind.source.dataset},
                         {"vintage", kind.source.vintage},
                         {"url", kind.source.url},
                         {"count", answer.count_by_kind[kind_idx]}});
  }
  json features = json::array();
  for (const amenities::PoiPoint& point : answer.points) {
    features.push_back({{"type", "Feature"},
                        {"geometry", Point(point.amenity->wgs84.x, point.amenity->wgs84.y)},
                        {"properties",
                         {{"kind", kinds[point.kind].criterion},
                          {"name", point.amenity->name},
                          {"commune", point.amenity->commune_code}}}});
  }
  for (const amenities::PoiCluster& cluster : answer.clusters) {
    json by_kind = json::object();
    for (size_t kind_idx = 0; kind_idx < kinds.size(); ++kind_idx) {
      if (cluster.count_by_kind[kind_idx] > 0)
        by_kind[kinds[kind_idx].criterion] = cluster.count_by_kind[kind_idx];
    }
    features.push_back(
        {{"type", "Feature"},
         {"geometry", Point(cluster.longitude, cluster.latitude)},
         {"properties", {{"cluster", true}, {"count", cluster.count}, {"kinds", by_kind}}}});
  }
  return {{"type", "FeatureCollection"},
          {"clustered", answer.clustered},
          {"kinds", kind_list},
          {"features", features}};
}

}  // namespace

std::string PoiGeoJson(const amenities::PoiLayer& layer, const amenities::PoiAnswer& answer) {
  // Names come from open data files: a stray byte is replaced, never a 500.
  return PoiJson(layer, answer).dump(-1, ' ', false, json::error_handler_t::replace);
}

const std::vector<ApiRoute>& PoiApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = {
      {web::Method::kGet, "/api/v1/map/pois"},
  };
  return kRoutes;
}

void RegisterPoiApi(web::App& app, const amenities::PoiLayer* layer,
                    SharedRateLimiter& view_limiter) {
  app.Get("/api/v1/map/pois",
          [layer, &view_limiter](web::Context& context) -> Result<web::Response> {
            VV_RETURN_IF_ERROR(Admit(view_limiter, context.request()));
            if (layer == nullptr)
              return Unavailable(
                  "Les équipements ne sont pas chargés : les données ouvertes du dossier data "
                  "(paths.data_dir) sont absentes ou illisibles, voir le journal du serveur.");
            VV_ASSIGN_OR_RETURN(amenities::PoiQuery query, ParsePoiQuery(context.request()));
            std::optional<std::string> kinds = context.request().Query("kinds");
            std::vector<std::string> kind_names;
            if (kinds) kind_names = SplitList(*kinds);
            for (const std::string& name : kind_names) query.kinds.push_back(name);
            VV_ASSIGN_OR_RETURN(amenities::PoiAnswer answer, layer->Query(query));
            web::Response response(200);
            response.SetHeader("Content-Type", "application/geo+json; charset=utf-8");
            response.SetHeader("Cache-Control", kPoiCacheControl);
            response.set_body(PoiGeoJson(*layer, answer));
            return response;
          });
}

}  // namespace vivrovert::api
