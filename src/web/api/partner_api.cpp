#include "web/api/partner_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/common/json_input.hpp"
#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"
#include "domain/listings/import_runner.hpp"
#include "domain/listings/placement.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/engine.hpp"

namespace vivrovert::api {

namespace {

using listings::FieldError;
using nlohmann::json;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxBulkItems = 5000;
// Tiles counted per GET /api/v1/listings/counts: a page of search results.
constexpr size_t kMaxCountedTiles = 50;

// Who is calling: the key's partner, its territory resolved on the grid.
struct Caller {
  partners::ApiKey key;
  partners::Partner partner;
  engine::Territory territory;
  subscriptions::Entitlements entitlements;  // in force today (Paris)
};

enum class Access { kRead, kWrite };

std::optional<std::string> KeyOf(const web::Request& request) {
  if (auto header = request.Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (header->size() > kBearer.size() &&
        std::string_view(*header).substr(0, kBearer.size()) == kBearer) {
      return header->substr(kBearer.size());
    }
  }
  return request.Header("X-API-Key");
}

Result<Caller> Authenticate(const web::Request& request, storage::Database& database,
                            listings::ListingService& service, SharedRateLimiter& limiter,
                            Access access) {
  std::optional<std::string> secret = KeyOf(request);
  if (!secret)
    return Unauthenticated("Clé d'API absente : en-tête « Authorization: Bearer vvk_… » attendu.");
  storage::Connection connection = database.Acquire();
  std::optional<partners::ApiKey> key =
      partners::PartnerStore::AuthenticateApiKey(connection, *secret, service.Now());
  if (!key) return Unauthenticated("Clé d'API inconnue ou révoquée.");
  if (access == Access::kWrite && key->scope != "write") {
    return PermissionDenied("Cette clé d'API est en lecture seule.");
  }
  RateDecision decision = limiter.Allow("key:" + std::to_string(key->id));
  if (!decision.allowed) {
    return ResourceExhausted("Trop de requêtes pour cette clé : réessayez dans " +
                             std::to_string(decision.retry_after_seconds) + " s.");
  }
  std::optional<partners::Partner> partner =
      partners::PartnerStore::Get(connection, key->partner_id);
  if (!partner) return Unauthenticated("Clé d'API inconnue ou révoquée.");
  // The API is part of the base service: 403 with the reason when none is in force.
  subscriptions::Entitlements entitlements =
      subscriptions::SubscriptionStore::For(connection, partner->id, ParisDate(service.Now()));
  if (!entitlements.Has(subscriptions::ProductCode::kBase)) {
    return Status(
        StatusCode::kPermissionDenied,
        subscriptions::DescribeMissing(subscriptions::ProductCode::kBase, partner->kind).message,
        "subscription");
  }
  if (service.grid() == nullptr) {
    return Unavailable("La grille des dalles n'est pas encore construite (vivrovert grid build).");
  }
  VV_ASSIGN_OR_RETURN(engine::Territory territory,
                      partners::ResolveTerritory(connection, *service.grid(), *partner));
  return Caller{*key, *partner, std::move(territory), std::move(entitlements)};
}

web::Response FieldErrors(const std::vector<FieldError>& errors, int status = 400) {
  json details = json::array();
  for (const FieldError& error : errors)
    details.push_back({{"field", error.field}, {"message", error.message}});
  json body = {{"error",
                {{"code", "invalid_argument"},
                 {"message", errors.empty() ? "Annonce invalide." : errors.front().message},
                 {"field", errors.empty() ? "" : errors.front().field},
                 {"details", details}}}};
  return web::Response::Json(body, status);
}

Result<json> ParseBody(const web::Request& request) {
  return ParseUntrustedJson(request.body(), "body");
}

Result<int64_t> ParseId(const std::string& text, const char* field) {
  std::optional<int64_t> id = ParsePositiveId(text);
  if (!id) return InvalidArgument("Identifiant invalide.", field);
  return *id;
}

Result<listings::Kind> KindOf(const json& body) {
  auto kind = body.find("kind");
  if (kind == body.end() || !kind->is_string()) {
    return InvalidArgument(
        "Le type d'annonce « kind » est obligatoire (housing, job, business, leisure, poi, cv).",
        "kind");
  }
  std::optional<listings::Kind> parsed = listings::ParseKind(kind->get<std::string>());
  if (!parsed)
    return InvalidArgument("Type d'annonce inconnu (housing, job, business, leisure, poi, cv).",
                           "kind");
  return *parsed;
}

Result<listings::BatchMode> ModeOf(const std::string& text) {
  if (text.empty() || text == "all_or_nothing") return listings::BatchMode::kAllOrNothing;
  if (text == "valid_items" || text == "valid_rows") return listings::BatchMode::kValidItems;
  return InvalidArgument("Mode inconnu : « all_or_nothing » ou « valid_items ».", "mode");
}

// The products in force: ["base", "option1", …].
json Subscribed(const subscriptions::Entitlements& entitlements) {
  json codes = json::array();
  for (subscriptions::ProductCode product : entitlements.products)
    codes.push_back(std::string(billing::ProductCodeName(product)));
  return codes;
}

json PartnerJson(const Caller& caller, const engine::GridFile& grid) {
  const partners::Partner& partner = caller.partner;
  json communes = json::array();
  for (uint32_t commune_idx : caller.territory.communes())
    communes.push_back(grid.communes()[commune_idx].code);
  return {{"id", partner.id},
          {"kind", partners::PartnerKindName(partner.kind)},
          {"name", partner.name},
          {"slug", partner.slug},
          {"subscriptions", Subscribed(caller.entitlements)},
          {"territory",
           {{"communes", partner.territory.communes},
            {"epcis", partner.territory.epcis},
            {"departements", partner.territory.departements},
            {"member_ids", partner.member_ids},
            {"resolved_communes", communes}}},
          {"key", {{"prefix", caller.key.prefix}, {"scope", caller.key.scope}}}};
}

// The API form of a listing, with what a person reads of it under "display".
json ListingOut(const listings::Listing& listing, const std::string& today,
                const display::Labels& labels) {
  json out = listing.ToJson(today);
  out["display"] = labels.ListingDisplay(listing, today);
  return out;
}

Result<web::Response> ListListings(web::Context& context, listings::ListingService& service,
                                   const Caller& caller, const display::Labels& labels) {
  const web::Request& request = context.request();
  listings::ListingFilter filter;
  filter.partner_id = caller.partner.id;
  filter.source_key = caller.partner.SourceKey();
  filter.today = service.Today();
  if (auto kind = request.Query("kind")) {
    filter.kind = listings::ParseKind(*kind);
    if (!filter.kind) return InvalidArgument("Type d'annonce inconnu.", "kind");
  }
  if (auto status = request.Query("status")) {
    if (*status != listings::kStatusActive && *status != listings::kStatusExpired &&
        *status != listings::kStatusScheduled && *status != listings::kStatusWithdrawn) {
      return InvalidArgument("Statut inconnu (active, scheduled, expired, withdrawn).", "status");
    }
    filter.status = *status;
  }
  if (auto commune = request.Query("commune")) filter.commune_code = *commune;
  if (auto tile = request.Query("tile")) {
    if (!engine::TileId::Parse(*tile))
      return InvalidArgument("Identifiant de dalle invalide.", "tile");
    filter.tile = *tile;
  }
  if (auto since = request.Query("updated_since")) {
    VV_ASSIGN_OR_RETURN(int64_t seconds, ParseId(*since, "updated_since"));
    filter.updated_since = seconds;
  }
  if (auto cursor = request.Query("cursor")) {
    VV_ASSIGN_OR_RETURN(filter.after_id, ParseId(*cursor, "cursor"));
  }
  filter.limit = kDefaultPageSize;
  if (auto limit = request.Query("limit")) {
    VV_ASSIGN_OR_RETURN(int64_t value, ParseId(*limit, "limit"));
    if (value > kMaxPageSize) return InvalidArgument("500 annonces au plus par page.", "limit");
    filter.limit = static_cast<int>(value);
  }
  if (auto external_id = request.Query("external_id")) {
    storage::Connection connection = service.database().Acquire();
    json items = json::array();
    auto found = listings::ListingStore::FindByExternalId(connection, caller.partner.SourceKey(),
                                                          *external_id);
    if (found) items.push_back(ListingOut(*found, filter.today, labels));
    return web::Response::Json({{"listings", items}, {"next_cursor", nullptr}});
  }
  filter.limit += 1;  // one more tells whether a next page exists
  storage::Connection connection = service.database().Acquire();
  std::vector<listings::Listing> found = listings::ListingStore::List(connection, filter);
  json items = json::array();
  const bool more = static_cast<int>(found.size()) == filter.limit;
  if (more) found.pop_back();
  for (const listings::Listing& listing : found)
    items.push_back(ListingOut(listing, filter.today, labels));
  json next = more ? json(std::to_string(found.back().id)) : json(nullptr);
  return web::Response::Json({{"listings", items}, {"next_cursor", next}});
}

}  // namespace

const std::vector<ApiRoute>& PartnerApiRoutes() {
  static const std::vector<ApiRoute> kRoutes = {
      {web::Method::kGet, "/api/v1/partner"},
      {web::Method::kGet, "/api/v1/partner/listings"},
      {web::Method::kPost, "/api/v1/partner/listings"},
      {web::Method::kPost, "/api/v1/partner/listings/bulk"},
      {web::Method::kGet, "/api/v1/partner/listings/{id}"},
      {web::Method::kPut, "/api/v1/partner/listings/{id}"},
      {web::Method::kDelete, "/api/v1/partner/listings/{id}"},
      {web::Method::kPost, "/api/v1/partner/imports"},
      {web::Method::kGet, "/api/v1/partner/imports/{id}"},
      {web::Method::kGet, "/api/v1/listings/schema"},
      {web::Method::kGet, "/api/v1/tiles/{id}/listings"},
      {web::Method::kGet, "/api/v1/listings/counts"},
      {web::Method::kGet, "/api/v1/tiles/at"},
  };
  return kRoutes;
}

void RegisterPartnerApi(web::App& app, storage::Database& database,
                        listings::ListingService& service, SharedRateLimiter& key_limiter,
                        Random& /*random*/, const display::Labels& labels) {
  web::RouteOptions key_auth;
  key_auth.csrf_exempt = true;  // API keys are not sent by browsers on their own
  auto authed = [&database, &service, &key_limiter](Access access, auto handler) {
    return [&database, &service, &key_limiter, access,
            handler](web::Context& context) -> Result<web::Response> {
      VV_ASSIGN_OR_RETURN(Caller caller,
                          Authenticate(context.request(), database, service, key_limiter, access));
      return handler(context, caller);
    };
  };

  app.Add(web::Method::kGet, "/api/v1/partner",
          authed(Access::kRead, [&service](web::Context&, const Caller& caller) {
            return Result<web::Response>(web::Response::Json(PartnerJson(caller, *service.grid())));
          }));

  app.Add(web::Method::kGet, "/api/v1/partner/listings",
          authed(Access::kRead, [&service, &labels](web::Context& context, const Caller& caller) {
            return ListListings(context, service, caller, labels);
          }));

  app.Add(web::Method::kPost, "/api/v1/partner/listings",
          authed(Access::kWrite,
                 [&service, &labels](web::Context& context,
                                     const Caller& caller) -> Result<web::Response> {
                   VV_ASSIGN_OR_RETURN(json body, ParseBody(context.request()));
                   if (!body.is_object())
                     return InvalidArgument("Un objet JSON est attendu.", "body");
                   VV_ASSIGN_OR_RETURN(listings::Kind kind, KindOf(body));
                   std::vector<FieldError> errors;
                   auto written =
                       service.Upsert(partners::PublisherFor(caller.partner, caller.territory),
                                      kind, body, &errors);
                   if (!written.ok())
                     return errors.empty() ? Result<web::Response>(written.status())
                                           : FieldErrors(errors);
                   json out = ListingOut(written->listing, service.Today(), labels);
                   out["outcome"] = listings::OutcomeName(written->outcome);
                   web::Response response = web::Response::Json(
                       out, written->outcome == listings::Outcome::kCreated ? 201 : 200);
                   response.SetHeader("Location", "/api/v1/partner/listings/" +
                                                      std::to_string(written->listing.id));
                   return response;
                 }),
          key_auth);

  app.Add(
      web::Method::kPost, "/api/v1/partner/listings/bulk",
      authed(
          Access::kWrite,
          [&service](web::Context& context, const Caller& caller) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(json body, ParseBody(context.request()));
            if (!body.is_object() || !body.contains("listings") || !body["listings"].is_array()) {
              return InvalidArgument("Objet {\"listings\": [...]} attendu.", "listings");
            }
            const json& items_json = body["listings"];
            if (items_json.size() > kMaxBulkItems)
              return InvalidArgument("5 000 annonces au plus par envoi.", "listings");
            VV_ASSIGN_OR_RETURN(listings::BatchMode mode,
                                ModeOf(body.contains("mode") && body["mode"].is_string()
                                           ? body["mode"].get<std::string>()
                                           : std::string()));
            const bool dry_run = body.contains("dry_run") && body["dry_run"].is_boolean() &&
                                 body["dry_run"].get<bool>();
            std::vector<listings::BatchItem> items;
            for (size_t index = 0; index < items_json.size(); ++index) {
              listings::BatchItem item;
              item.line = static_cast<int64_t>(index) + 1;
              item.fields = items_json[index];
              Result<listings::Kind> kind =
                  item.fields.is_object()
                      ? KindOf(item.fields)
                      : Result<listings::Kind>(InvalidArgument("Objet attendu.", ""));
              if (kind.ok()) {
                item.kind = *kind;
              } else {
                item.read_errors.push_back({kind.status().field(), kind.status().message()});
              }
              items.push_back(std::move(item));
            }
            listings::BatchReport report = service.ApplyBatch(
                partners::PublisherFor(caller.partner, caller.territory), items, mode, dry_run);
            const bool refused = mode == listings::BatchMode::kAllOrNothing && report.rejected > 0;
            return web::Response::Json(report.ToJson(), refused ? 422 : 200);
          }),
      key_auth);

  app.Add(web::Method::kGet, "/api/v1/partner/listings/{id}",
          authed(Access::kRead,
                 [&service, &labels](web::Context& context,
                                     const Caller& caller) -> Result<web::Response> {
                   VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id"), "id"));
                   auto listing =
                       service.Get(partners::PublisherFor(caller.partner, caller.territory), id);
                   if (!listing) return NotFound("Annonce introuvable.", "id");
                   return web::Response::Json(ListingOut(*listing, service.Today(), labels));
                 }));

  app.Add(web::Method::kPut, "/api/v1/partner/listings/{id}",
          authed(Access::kWrite,
                 [&service, &labels](web::Context& context,
                                     const Caller& caller) -> Result<web::Response> {
                   VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id"), "id"));
                   VV_ASSIGN_OR_RETURN(json body, ParseBody(context.request()));
                   if (!body.is_object())
                     return InvalidArgument("Un objet JSON est attendu.", "body");
                   std::vector<FieldError> errors;
                   auto written = service.Replace(
                       partners::PublisherFor(caller.partner, caller.territory), id, body, &errors);
                   if (!written.ok())
                     return errors.empty() ? Result<web::Response>(written.status())
                                           : FieldErrors(errors);
                   json out = ListingOut(written->listing, service.Today(), labels);
                   out["outcome"] = listings::OutcomeName(written->outcome);
                   return web::Response::Json(out);
                 }),
          key_auth);

  app.Add(web::Method::kDelete, "/api/v1/partner/listings/{id}",
          authed(Access::kWrite,
                 [&service](web::Context& context, const Caller& caller) -> Result<web::Response> {
                   VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id"), "id"));
                   VV_RETURN_IF_ERROR(service.Withdraw(
                       partners::PublisherFor(caller.partner, caller.territory), id));
                   return web::Response(204);
                 }),
          key_auth);

  app.Add(web::Method::kPost, "/api/v1/partner/imports",
          authed(Access::kWrite,
                 [&service](web::Context& context, const Caller& caller) -> Result<web::Response> {
                   const web::Request& request = context.request();
                   listings::ImportRequest import;
                   import.bytes = request.body();
                   import.file_name = request.Query("file_name").value_or("api-upload");
                   if (auto kind = request.Query("kind")) {
                     import.kind = listings::ParseKind(*kind);
                     if (!import.kind) return InvalidArgument("Type d'annonce inconnu.", "kind");
                   }
                   import.format = request.Query("format").value_or("auto");
                   if (import.format != "auto" && import.format != "france-travail") {
                     return InvalidArgument(
                         "Format inconnu : « auto » (CSV ou JSON) ou « france-travail ».",
                         "format");
                   }
                   VV_ASSIGN_OR_RETURN(import.mode, ModeOf(request.Query("mode").value_or("")));
                   const std::string dry = request.Query("dry_run").value_or("false");
                   import.dry_run = dry == "true" || dry == "1";
                   listings::ImportResult result = listings::RunImport(
                       service, partners::PublisherFor(caller.partner, caller.territory), import);
                   json out = result.record.report_json;
                   out["import_id"] = result.record.id;
                   out["outcome"] = result.record.outcome;
                   out["format"] = result.record.file_format;
                   out["rows"] = result.record.rows_total;
                   if (!result.read_status.ok()) {
                     out["error"] = {{"code", StatusCodeName(result.read_status.code())},
                                     {"message", result.read_status.message()},
                                     {"field", result.read_status.field()}};
                   }
                   return web::Response::Json(out, result.record.outcome == "rejected" ? 422 : 200);
                 }),
          key_auth);

  app.Add(web::Method::kGet, "/api/v1/partner/imports/{id}",
          authed(Access::kRead,
                 [&service](web::Context& context, const Caller& caller) -> Result<web::Response> {
                   VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id"), "id"));
                   storage::Connection connection = service.database().Acquire();
                   auto record = listings::ImportLog::Get(connection, id);
                   if (!record || record->partner_id != caller.partner.id)
                     return NotFound("Import introuvable.", "id");
                   json out = record->report_json;
                   out["import_id"] = record->id;
                   out["outcome"] = record->outcome;
                   out["file_name"] = record->file_name;
                   out["created_at"] = record->created_at;
                   return web::Response::Json(out);
                 }));

  app.Get("/api/v1/listings/schema", [](web::Context&) -> Result<web::Response> {
    return web::Response::Json(listings::SchemaJson());
  });

  app.Get("/api/v1/tiles/at", [&service](web::Context& context) -> Result<web::Response> {
    if (!service.grid())
      return Unavailable(
          "La grille des dalles n'est pas encore construite (vivrovert grid build).");
    const web::Request& request = context.request();
    std::optional<engine::Level> level = engine::ParseLevel(request.Query("level").value_or("1km"));
    if (!level) return InvalidArgument("Niveau inconnu : 1km ou 5km.", "level");
    auto number = [&](const char* name) -> Result<double> {
      std::optional<double> value = importers::ParseNumber(request.Query(name).value_or(""));
      if (!value) return InvalidArgument("Coordonnée manquante ou invalide.", name);
      return *value;
    };
    VV_ASSIGN_OR_RETURN(double latitude, number("lat"));
    VV_ASSIGN_OR_RETURN(double longitude, number("lon"));
    if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
      return InvalidArgument("Coordonnées hors du globe.", "lat");
    }
    VV_ASSIGN_OR_RETURN(std::optional<engine::TileId> tile,
                        listings::TileAtPoint(*service.grid(), *level, longitude, latitude));
    if (!tile)
      return NotFound("Aucune dalle ici : ce point est hors de la France métropolitaine.", "lat");
    return web::Response::Json({{"id", tile->ToString()}, {"level", engine::LevelName(*level)}});
  });

  app.Get(
      "/api/v1/tiles/{id}/listings",
      [&service, &labels](web::Context& context) -> Result<web::Response> {
        std::optional<engine::TileId> tile = engine::TileId::Parse(context.Param("id"));
        if (!tile)
          return InvalidArgument("Identifiant de dalle invalide (attendu : CRS3035RES1000mN…E…).",
                                 "id");
        listings::ListingFilter filter;
        filter.tile = tile->ToString();
        filter.status = listings::kStatusActive;
        filter.today = service.Today();
        filter.limit = kMaxPageSize;
        if (auto kind = context.request().Query("kind")) {
          filter.kind = listings::ParseKind(*kind);
          if (!filter.kind) return InvalidArgument("Type d'annonce inconnu.", "kind");
        }
        storage::Connection connection = service.database().Acquire();
        json items = json::array();
        json counts = json::object();
        for (const listings::Listing& listing : listings::ListingStore::List(connection, filter)) {
          json item = ListingOut(listing, filter.today, labels);
          // What the public sees: no internal source keys of partners.
          item.erase("source");
          items.push_back(item);
          counts[listings::KindName(listing.kind)] =
              counts.value(listings::KindName(listing.kind), 0) + 1;
        }
        return web::Response::Json(
            {{"tile", filter.tile.value()}, {"counts", counts}, {"listings", items}});
      });

  // The search page's list shows, for the tiles of the page on screen, how many listings
  // each has by kind: counted here, apart from the search, so that the search never waits
  // for the database.
  app.Get("/api/v1/listings/counts", [&service](web::Context& context) -> Result<web::Response> {
    const std::string text = context.request().Query("tiles").value_or("");
    std::vector<std::string> tiles;
    for (size_t start = 0; start <= text.size();) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      const std::string part = Trim(std::string_view(text).substr(start, end - start));
      start = end + 1;
      if (part.empty()) continue;
      std::optional<engine::TileId> tile = engine::TileId::Parse(part);
      if (!tile) {
        return InvalidArgument(
            "« " + part.substr(0, 60) +
                " » n'est pas un identifiant de dalle (attendu : CRS3035RES1000mN…E… ou "
                "CRS3035RES5000mN…E…).",
            "tiles");
      }
      tiles.push_back(tile->ToString());
    }
    if (tiles.empty())
      return InvalidArgument("Indiquez les dalles à compter : ?tiles=ID1,ID2 (50 au plus).",
                             "tiles");
    if (tiles.size() > kMaxCountedTiles) {
      return InvalidArgument(
          "50 dalles au plus par demande (" + std::to_string(tiles.size()) + " reçues).", "tiles");
    }
    const std::string today = service.Today();
    storage::Connection connection = service.database().Acquire();
    const auto counts = listings::ListingStore::ActiveCountsByTile(connection, tiles, today);
    json by_tile = json::object();
    for (const std::string& tile : tiles) {
      auto found = counts.find(tile);
      by_tile[tile] = found == counts.end() ? json::object() : json(found->second);
    }
    return web::Response::Json({{"date", today}, {"tiles", by_tile}});
  });
}

}  // namespace vivrovert::api
