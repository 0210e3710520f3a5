#include "web/properties/property_routes.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/common/json_input.hpp"
#include "core/common/text.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/properties/property_input.hpp"
#include "domain/properties/property_store.hpp"
#include "domain/properties/surroundings.hpp"

namespace vivrovert::properties {

namespace {

using nlohmann::json;

constexpr const char* kNotFound = "Bien introuvable.";

Result<int64_t> UserOf(const web::Context& context) {
  if (!context.user())
    return Unauthenticated("Connectez-vous pour retrouver vos biens mis en mémoire.");
  return context.user()->user_id;
}

std::optional<int64_t> ParseInt(const std::string& text) {
  const std::string trimmed = Trim(text);
  int64_t value = 0;
  auto [end, error] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (trimmed.empty() || error != std::errc() || end != trimmed.data() + trimmed.size())
    return std::nullopt;
  return value;
}

Result<int64_t> ParseId(const std::string& text) {
  std::optional<int64_t> id = ParsePositiveId(text);
  if (!id) return NotFound(kNotFound, "id");
  return *id;
}

// A French decimal ("44,45" or "44.45"); nullopt when empty, an error when not a number.
Result<std::optional<double>> ParseDecimal(const std::optional<std::string>& raw,
                                           const std::string& field) {
  if (!raw || Trim(*raw).empty()) return std::optional<double>();
  std::string text = Trim(*raw);
  for (char& c : text) {
    if (c == ',') c = '.';
  }
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return InvalidArgument("« " + raw->substr(0, 20) + " » n'est pas un nombre (ex. 44,4475).",
                           field);
  }
  return std::optional<double>(value);
}

// The radius asked in `raw` (query or form), else the property's.
Result<int> RadiusOf(const std::optional<std::string>& raw, const SavedProperty& property,
                     const std::string& field) {
  if (!raw || Trim(*raw).empty()) return property.radius_km;
  std::optional<int64_t> radius = ParseInt(*raw);
  if (!radius) {
    return InvalidArgument(
        "Le rayon doit être un nombre entier de kilomètres, entre 2 et 50 (reçu : « " +
            raw->substr(0, 20) + " »).",
        field);
  }
  Status checked = CheckRadius(*radius);
  if (!checked.ok()) return Status(checked.code(), checked.message(), field);
  return static_cast<int>(*radius);
}

Result<PropertyInput> InputFromJson(const web::Request& request) {
  VV_ASSIGN_OR_RETURN(json body, ParseUntrustedJsonObject(request.body(), "body"));
  PropertyInput input;
  auto text = [&](const char* name) -> Result<std::string> {
    if (!body.contains(name) || body[name].is_null()) return std::string();
    if (!body[name].is_string())
      return InvalidArgument(std::string("« ") + name + " » doit être un texte.", name);
    return body[name].get<std::string>();
  };
  auto number = [&](const char* name) -> Result<std::optional<double>> {
    if (!body.contains(name) || body[name].is_null()) return std::optional<double>();
    if (!body[name].is_number())
      return InvalidArgument(std::string("« ") + name + " » doit être un nombre.", name);
    return std::optional<double>(body[name].get<double>());
  };
  auto integer = [&](const char* name) -> Result<std::optional<int64_t>> {
    if (!body.contains(name) || body[name].is_null()) return std::optional<int64_t>();
    if (!body[name].is_number_integer()) {
      return InvalidArgument(std::string("« ") + name + " » doit être un nombre entier.", name);
    }
    return std::optional<int64_t>(body[name].get<int64_t>());
  };
  VV_ASSIGN_OR_RETURN(input.listing_id, integer("listing_id"));
  VV_ASSIGN_OR_RETURN(input.radius_km, integer("radius_km"));
  VV_ASSIGN_OR_RETURN(input.name, text("name"));
  VV_ASSIGN_OR_RETURN(input.latitude, number("latitude"));
  VV_ASSIGN_OR_RETURN(input.longitude, number("longitude"));
  VV_ASSIGN_OR_RETURN(input.commune_code, text("commune_code"));
  VV_ASSIGN_OR_RETURN(input.postcode, text("postcode"));
  VV_ASSIGN_OR_RETURN(input.address, text("address"));
  return input;
}

std::string Today(const Clock& clock) { return UtcDate(clock.NowSeconds()); }

const char* PlacementNote(const std::string& placement) {
  if (placement == "commune") return "placé au centre de la commune (position approchée)";
  if (placement == "postcode")
    return "placé au centre de la commune du code postal (position approchée)";
  return "position exacte";
}

std::string CommuneName(const engine::GridFile* grid, const std::string& code) {
  if (grid) {
    if (std::optional<uint32_t> commune = grid->FindCommune(code))
      return grid->communes()[*commune].name;
  }
  return code;
}

std::string SourceLine(const amenities::AmenitySource& source) {
  std::string line = "Source : " + source.publisher + ", " + source.dataset;
  if (!source.vintage.empty()) line += ", " + source.vintage;
  if (!source.departements.empty()) {
    line += " (départements couverts :";
    for (const std::string& code : source.departements) line += " " + code;
    line += ")";
  }
  return line + ".";
}

mstch::map PropertyView(const SavedProperty& property, const engine::GridFile* grid) {
  return mstch::map{{"id", std::to_string(property.id)},
                    {"name", property.name},
                    {"address", property.address},
                    {"commune_code", property.commune_code},
                    {"commune_name", CommuneName(grid, property.commune_code)},
                    {"placement_note", std::string(PlacementNote(property.placement))},
                    {"from_listing", property.listing_id.has_value()},
                    {"radius_km", std::to_string(property.radius_km)},
                    {"latitude", std::to_string(property.latitude)},
                    {"longitude", std::to_string(property.longitude)}};
}

mstch::map SurroundingsView(const Surroundings& around, const engine::GridFile* grid) {
  mstch::array listing_groups;
  size_t listing_count = 0;
  for (const auto& [kind, nearby] : around.listings) {
    mstch::array items;
    for (const NearbyListing& item : nearby) {
      std::string title = item.listing.title;
      if (item.listing.is_demo) title += " (donnée de démonstration)";
      items.push_back(mstch::map{{"title", title},
                                 {"commune", CommuneName(grid, item.listing.commune_code)},
                                 {"distance", FormatKm(item.distance_m)}});
    }
    listing_count += nearby.size();
    listing_groups.push_back(mstch::map{{"kind", std::string(listings::KindName(kind))},
                                        {"label", std::string(listings::KindLabel(kind))},
                                        {"count", std::to_string(nearby.size())},
                                        {"empty", nearby.empty()},
                                        {"items", items}});
  }
  mstch::array amenity_groups;
  for (const KindAround& kind : around.amenities) {
    mstch::array items;
    for (const amenities::FoundAmenity& found : kind.within) {
      const std::string& commune = found.amenity->commune_code;
      items.push_back(
          mstch::map{{"name", found.amenity->name.empty() ? kind.kind->label : found.amenity->name},
                     {"commune", commune.empty() ? std::string() : CommuneName(grid, commune)},
                     {"distance", FormatKm(found.distance_m)}});
    }
    std::string nearest_line;
    if (kind.within.empty() && kind.nearest) {
      const std::string& name = kind.nearest->amenity->name;
      nearest_line = "Aucun dans ce rayon ; le plus proche" +
                     (name.empty() ? std::string(" est") : " : " + name + ",") + " à " +
                     FormatKm(kind.nearest->distance_m) + ".";
    }
    amenity_groups.push_back(mstch::map{{"criterion", kind.kind->criterion},
                                        {"label", kind.kind->label},
                                        {"count", std::to_string(kind.within.size())},
                                        {"more", kind.within.size() >= kMaxAmenitiesPerKind},
                                        {"covered", kind.covered},
                                        {"source", SourceLine(kind.kind->source)},
                                        {"nearest_line", nearest_line},
                                        {"items", items}});
  }
  mstch::array missing;
  for (const MissingAmenity& item : around.missing) {
    missing.push_back(mstch::map{{"message", item.message}, {"available", item.available}});
  }
  return mstch::map{{"listing_groups", listing_groups},
                    {"listing_count", std::to_string(listing_count)},
                    {"listings_truncated", around.listings_truncated},
                    {"amenity_groups", amenity_groups},
                    {"amenities_loaded", around.amenities_loaded},
                    {"missing", missing},
                    {"has_missing", !around.missing.empty()},
                    {"no_thresholds", around.thresholds_checked == 0},
                    {"all_met", around.thresholds_checked > 0 && around.missing.empty()}};
}

}  // namespace

const std::vector<api::ApiRoute>& PropertyApiRoutes() {
  static const std::vector<api::ApiRoute> kRoutes = {
      {web::Method::kGet, "/api/v1/me/properties"},
      {web::Method::kPost, "/api/v1/me/properties"},
      {web::Method::kGet, "/api/v1/me/properties/{id}"},
      {web::Method::kPut, "/api/v1/me/properties/{id}"},
      {web::Method::kDelete, "/api/v1/me/properties/{id}"},
      {web::Method::kGet, "/api/v1/me/properties/{id}/surroundings"},
  };
  return kRoutes;
}

void RegisterPropertyApi(web::App& app, const PropertyBackend& backend) {
  app.Get("/api/v1/me/properties", [backend](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    storage::Connection connection = backend.database.Acquire();
    json items = json::array();
    for (const SavedProperty& property : PropertyStore::List(connection, user_id))
      items.push_back(PropertyJson(property));
    return web::Response::Json({{"properties", items}});
  });

  app.Post("/api/v1/me/properties", [backend](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    VV_ASSIGN_OR_RETURN(PropertyInput input, InputFromJson(context.request()));
    storage::Connection connection = backend.database.Acquire();
    VV_ASSIGN_OR_RETURN(SavedProperty property,
                        ResolveProperty(connection, backend.search.grid.get(), user_id, input,
                                        Today(backend.clock)));
    VV_ASSIGN_OR_RETURN(
        PropertyStore::Saved saved,
        PropertyStore::Save(connection, std::move(property), backend.clock.NowSeconds()));
    return web::Response::Json(PropertyJson(saved.property), saved.created ? 201 : 200);
  });

  app.Get("/api/v1/me/properties/{id}", [backend](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
    storage::Connection connection = backend.database.Acquire();
    std::optional<SavedProperty> property = PropertyStore::Get(connection, user_id, id);
    if (!property) return NotFound(kNotFound, "id");
    return web::Response::Json(PropertyJson(*property));
  });

  app.Add(web::Method::kPut, "/api/v1/me/properties/{id}",
          [backend](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            VV_ASSIGN_OR_RETURN(json body, ParseUntrustedJson(context.request().body(), "body"));
            if (!body.is_object()) return InvalidArgument("Un objet JSON est attendu.", "body");
            storage::Connection connection = backend.database.Acquire();
            std::optional<SavedProperty> property = PropertyStore::Get(connection, user_id, id);
            if (!property) return NotFound(kNotFound, "id");
            std::string name = property->name;
            int64_t radius = property->radius_km;
            if (body.contains("name")) {
              if (!body["name"].is_string())
                return InvalidArgument("« name » doit être un texte.", "name");
              name = body["name"].get<std::string>();
            }
            if (body.contains("radius_km")) {
              if (!body["radius_km"].is_number_integer()) {
                return InvalidArgument("« radius_km » doit être un nombre entier de kilomètres.",
                                       "radius_km");
              }
              radius = body["radius_km"].get<int64_t>();
            }
            VV_RETURN_IF_ERROR(PropertyStore::Update(connection, user_id, id, name, radius,
                                                     backend.clock.NowSeconds()));
            return web::Response::Json(PropertyJson(*PropertyStore::Get(connection, user_id, id)));
          });

  app.Add(web::Method::kDelete, "/api/v1/me/properties/{id}",
          [backend](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = backend.database.Acquire();
            if (!PropertyStore::Delete(connection, user_id, id)) return NotFound(kNotFound, "id");
            return web::Response(204);
          });

  app.Get("/api/v1/me/properties/{id}/surroundings",
          [backend](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = backend.database.Acquire();
            std::optional<SavedProperty> property = PropertyStore::Get(connection, user_id, id);
            if (!property) return NotFound(kNotFound, "id");
            VV_ASSIGN_OR_RETURN(
                int radius, RadiusOf(context.request().Query("radius_km"), *property, "radius_km"));
            const std::string today = Today(backend.clock);
            Surroundings around = Survey(connection, *property, radius, backend.search.grid.get(),
                                         backend.amenities, today);
            json out = SurroundingsJson(around, today);
            out["property"] = PropertyJson(*property);
            return web::Response::Json(out);
          });
}

void RegisterPropertyPages(web::App& app, const PropertyBackend& backend) {
  // The list page, with the form to place a point; `errors` and `values` after a refused form.
  auto list_page = [backend](web::Context& context, const std::vector<Status>& errors,
                             const mstch::map& values, int status) -> Result<web::Response> {
    storage::Connection connection = backend.database.Acquire();
    mstch::array items;
    for (const SavedProperty& property : PropertyStore::List(connection, context.user()->user_id)) {
      items.push_back(PropertyView(property, backend.search.grid.get()));
    }
    mstch::array error_list;
    for (const Status& error : errors) {
      error_list.push_back(mstch::map{{"field", error.field()}, {"message", error.message()}});
    }
    return context.Page("account_properties",
                        mstch::map{{"title", std::string("Mes biens en mémoire — VivroVert")},
                                   {"properties", items},
                                   {"has_properties", !items.empty()},
                                   {"errors", error_list},
                                   {"has_errors", !errors.empty()},
                                   {"values", values},
                                   {"listing_form", true}},
                        status);
  };

  app.Get("/compte/biens",
          [list_page](web::Context& context) -> Result<web::Response> {
            return list_page(context, {}, mstch::map{}, 200);
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/biens"});

  app.Post(
      "/compte/biens",
      [backend, list_page](web::Context& context) -> Result<web::Response> {
        const web::Request& request = context.request();
        mstch::map values;
        for (const char* name : {"name", "latitude", "longitude", "commune_code", "postcode",
                                 "address", "radius_km"}) {
          values[name] = request.Form(name).value_or("");
        }
        PropertyInput input;
        input.name = request.Form("name").value_or("");
        input.commune_code = request.Form("commune_code").value_or("");
        input.postcode = request.Form("postcode").value_or("");
        input.address = request.Form("address").value_or("");
        std::vector<Status> errors;
        Result<std::optional<double>> latitude = ParseDecimal(request.Form("latitude"), "latitude");
        Result<std::optional<double>> longitude =
            ParseDecimal(request.Form("longitude"), "longitude");
        if (!latitude.ok()) errors.push_back(latitude.status());
        if (!longitude.ok()) errors.push_back(longitude.status());
        if (latitude.ok()) input.latitude = *latitude;
        if (longitude.ok()) input.longitude = *longitude;
        if (auto radius = request.Form("radius_km"); radius && !Trim(*radius).empty()) {
          input.radius_km = ParseInt(*radius);
          if (!input.radius_km)
            errors.push_back(InvalidArgument(
                "Le rayon doit être un nombre entier de kilomètres, entre 2 et 50.", "radius_km"));
        }
        if (!errors.empty()) return list_page(context, errors, values, 422);
        storage::Connection connection = backend.database.Acquire();
        Result<SavedProperty> property =
            ResolveProperty(connection, backend.search.grid.get(), context.user()->user_id, input,
                            Today(backend.clock));
        if (!property.ok()) return list_page(context, {property.status()}, values, 422);
        Result<PropertyStore::Saved> saved =
            PropertyStore::Save(connection, std::move(*property), backend.clock.NowSeconds());
        if (!saved.ok()) return list_page(context, {saved.status()}, values, 422);
        return web::Response::Redirect("/compte/biens/" + std::to_string(saved->property.id));
      },
      {.access = web::Access::kSignedIn, .return_to = "/compte/biens"});

  app.Get("/compte/biens/{id}",
          [backend](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = backend.database.Acquire();
            std::optional<SavedProperty> property =
                PropertyStore::Get(connection, context.user()->user_id, id);
            if (!property) return NotFound(kNotFound, "id");
            Result<int> radius = RadiusOf(context.request().Query("rayon"), *property, "rayon");
            std::string error;
            if (!radius.ok()) error = radius.status().message();
            const int chosen = radius.ok() ? *radius : property->radius_km;
            const std::string today = Today(backend.clock);
            Surroundings around = Survey(connection, *property, chosen, backend.search.grid.get(),
                                         backend.amenities, today);
            mstch::map data = SurroundingsView(around, backend.search.grid.get());
            data["title"] = property->name + " — mes biens — VivroVert";
            data["property"] = PropertyView(*property, backend.search.grid.get());
            data["radius"] = std::to_string(chosen);
            data["radius_error"] = error;
            data["saved"] = context.request().Query("fait").has_value();
            data["property_page"] = true;
            return context.Page("account_property", std::move(data), radius.ok() ? 200 : 422);
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/biens"});

  app.Post("/compte/biens/{id}",
           [backend](web::Context& context) -> Result<web::Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
             storage::Connection connection = backend.database.Acquire();
             std::optional<SavedProperty> property =
                 PropertyStore::Get(connection, context.user()->user_id, id);
             if (!property) return NotFound(kNotFound, "id");
             VV_ASSIGN_OR_RETURN(int radius,
                                 RadiusOf(context.request().Form("rayon"), *property, "rayon"));
             const std::string name = context.request().Form("name").value_or(property->name);
             VV_RETURN_IF_ERROR(PropertyStore::Update(connection, context.user()->user_id, id, name,
                                                      radius, backend.clock.NowSeconds()));
             return web::Response::Redirect("/compte/biens/" + std::to_string(id) + "?fait=1");
           },
           {.access = web::Access::kSignedIn, .return_to = "/compte/biens"});

  app.Post("/compte/biens/{id}/suppression",
           [backend](web::Context& context) -> Result<web::Response> {
             VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
             storage::Connection connection = backend.database.Acquire();
             if (!PropertyStore::Delete(connection, context.user()->user_id, id))
               return NotFound(kNotFound, "id");
             return web::Response::Redirect("/compte/biens");
           },
           {.access = web::Access::kSignedIn, .return_to = "/compte/biens"});
}

}  // namespace vivrovert::properties
