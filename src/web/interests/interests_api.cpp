#include "web/interests/interests_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/common/json_input.hpp"
#include "core/common/text.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/placement.hpp"
#include "engine/engine.hpp"

namespace vivrovert::interests {

namespace {

using nlohmann::json;

// Anonymous clicks sent again after login must be recent: a tab's lifetime, at most a day.
constexpr int64_t kLinkWindowSeconds = 24 * 3600;

Result<int64_t> UserOf(const web::Context& context) {
  if (!context.user()) return Unauthenticated("Connectez-vous pour retrouver vos recherches.");
  return context.user()->user_id;
}

Result<int64_t> ParseId(const std::string& text) {
  std::optional<int64_t> id = ParsePositiveId(text);
  if (!id) return NotFound("Recherche introuvable.", "id");
  return *id;
}

Result<json> Body(const web::Request& request) {
  VV_ASSIGN_OR_RETURN(json body, ParseUntrustedJsonObject(request.body(), "body"));
  return body;
}

// Typed optional fields of a body: a field of another JSON type is the caller's mistake
// (400 naming it), never a server fault.
Result<std::string> OptionalText(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::string();
  if (!found->is_string())
    return InvalidArgument(std::string("« ") + name + " » doit être un texte.", name);
  return found->get<std::string>();
}

Result<bool> OptionalFlag(const json& body, const char* name) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return false;
  if (!found->is_boolean())
    return InvalidArgument(std::string("« ") + name + " » doit valoir true ou false.", name);
  return found->get<bool>();
}

Result<int64_t> OptionalInteger(const json& body, const char* name, int64_t fallback) {
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return fallback;
  if (!found->is_number_integer())
    return InvalidArgument(std::string("« ") + name + " » doit être un entier.", name);
  return found->get<int64_t>();
}

// The name and the normalised request of a body {name, request}.
Result<std::pair<std::string, std::string>> NamedRequest(const json& body,
                                                         const engine::SearchBackend& backend) {
  if (!backend.grid) return Unavailable("La grille des dalles n'est pas encore construite.");
  if (!body.contains("name") || !body["name"].is_string())
    return InvalidArgument("Donnez un nom à cette recherche.", "name");
  if (!body.contains("request"))
    return InvalidArgument("La recherche (« request ») manque.", "request");
  Result<engine::SearchRequest> parsed = engine::ParseSearchRequest(
      body["request"], *backend.grid, listings::PlaceLocatorFor(*backend.grid));
  if (!parsed.ok()) {
    return Status(parsed.status().code(), parsed.status().message(),
                  "request." + parsed.status().field());
  }
  return std::pair{body["name"].get<std::string>(),
                   engine::SearchRequestToJson(*parsed, *backend.grid).dump()};
}

json SearchJson(const SavedSearch& search) {
  return {{"id", search.id},
          {"name", search.name},
          {"request", json::parse(search.request, nullptr, false)},
          {"created_at", search.created_at},
          {"updated_at", search.updated_at}};
}

}  // namespace

const std::vector<api::ApiRoute>& InterestsApiRoutes() {
  static const std::vector<api::ApiRoute> kRoutes = {
      {web::Method::kGet, "/api/v1/me/searches"},
      {web::Method::kPost, "/api/v1/me/searches"},
      {web::Method::kGet, "/api/v1/me/searches/{id}"},
      {web::Method::kPut, "/api/v1/me/searches/{id}"},
      {web::Method::kDelete, "/api/v1/me/searches/{id}"},
      {web::Method::kPost, "/api/v1/clicks"},
      {web::Method::kGet, "/api/v1/me/favourites"},
      {web::Method::kPost, "/api/v1/me/favourites"},
      {web::Method::kDelete, "/api/v1/me/favourites/{kind}/{code}"},
  };
  return kRoutes;
}

void RegisterInterestsApi(web::App& app, storage::Database& database,
                          const engine::SearchBackend& backend, const Clock& clock,
                          InterestListener* listener, api::SharedRateLimiter* click_limiter) {
  app.Get("/api/v1/me/searches", [&database](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    storage::Connection connection = database.Acquire();
    json searches = json::array();
    for (const SavedSearch& search : InterestStore::Searches(connection, user_id))
      searches.push_back(SearchJson(search));
    return web::Response::Json({{"searches", searches}});
  });

  app.Post("/api/v1/me/searches",
           [&database, &backend, &clock, listener](web::Context& context) -> Result<web::Response> {
             VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
             VV_ASSIGN_OR_RETURN(json body, Body(context.request()));
             VV_ASSIGN_OR_RETURN(auto named, NamedRequest(body, backend));
             storage::Connection connection = database.Acquire();
             storage::Transaction transaction(connection);
             const int64_t now = clock.NowSeconds();
             VV_ASSIGN_OR_RETURN(
                 SavedSearch saved,
                 InterestStore::SaveSearch(connection, user_id, named.first, named.second, now));
             if (listener != nullptr) listener->SearchSaved(connection, saved, now);
             transaction.Commit();
             return web::Response::Json(SearchJson(saved), 201);
           });

  app.Get("/api/v1/me/searches/{id}", [&database](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
    storage::Connection connection = database.Acquire();
    std::optional<SavedSearch> search = InterestStore::Search(connection, user_id, id);
    if (!search) return NotFound("Recherche introuvable.", "id");
    return web::Response::Json(SearchJson(*search));
  });

  app.Add(web::Method::kPut, "/api/v1/me/searches/{id}",
          [&database, &backend, &clock, listener](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            VV_ASSIGN_OR_RETURN(json body, Body(context.request()));
            VV_ASSIGN_OR_RETURN(auto named, NamedRequest(body, backend));
            storage::Connection connection = database.Acquire();
            storage::Transaction transaction(connection);
            const int64_t now = clock.NowSeconds();
            VV_RETURN_IF_ERROR(InterestStore::UpdateSearch(connection, user_id, id, named.first,
                                                           named.second, now));
            SavedSearch saved = *InterestStore::Search(connection, user_id, id);
            if (listener != nullptr) listener->SearchSaved(connection, saved, now);
            transaction.Commit();
            return web::Response::Json(SearchJson(saved));
          });

  app.Add(web::Method::kDelete, "/api/v1/me/searches/{id}",
          [&database, &clock, listener](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            VV_ASSIGN_OR_RETURN(int64_t id, ParseId(context.Param("id")));
            storage::Connection connection = database.Acquire();
            if (!InterestStore::DeleteSearch(connection, user_id, id))
              return NotFound("Recherche introuvable.", "id");
            if (listener != nullptr)
              listener->InterestsChanged(connection, user_id, clock.NowSeconds());
            return web::Response(204);
          });

  app.Get("/api/v1/me/favourites", [&database](web::Context& context) -> Result<web::Response> {
    VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
    storage::Connection connection = database.Acquire();
    json favourites = json::array();
    for (const Favourite& favourite : InterestStore::Favourites(connection, user_id)) {
      favourites.push_back({{"kind", favourite.kind},
                            {"code", favourite.code},
                            {"label", favourite.label},
                            {"created_at", favourite.created_at}});
    }
    return web::Response::Json({{"favourites", favourites}});
  });

  app.Post(
      "/api/v1/me/favourites",
      [&database, &backend, &clock, listener](web::Context& context) -> Result<web::Response> {
        VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
        if (!backend.grid) return Unavailable("La grille des dalles n'est pas encore construite.");
        VV_ASSIGN_OR_RETURN(json body, Body(context.request()));
        VV_ASSIGN_OR_RETURN(const std::string kind, OptionalText(body, "kind"));
        VV_ASSIGN_OR_RETURN(const std::string code, OptionalText(body, "code"));
        Favourite favourite{kind, code, "", clock.NowSeconds()};
        if (kind == "tile") {
          std::optional<engine::TileId> tile = engine::TileId::Parse(code);
          const engine::LevelView* level = tile ? backend.grid->level(tile->level) : nullptr;
          if (!tile || level == nullptr || !level->Find(*tile))
            return NotFound("Aucune dalle de ce nom dans la grille.", "code");
          auto [first, last] = level->communes(*level->Find(*tile));
          favourite.label =
              first == last ? code : "Dalle de " + backend.grid->communes()[first->commune].name;
        } else if (kind == "commune") {
          std::optional<uint32_t> commune = backend.grid->FindCommune(code);
          if (!commune) return NotFound("Commune inconnue.", "code");
          favourite.label = backend.grid->communes()[*commune].name;
        } else {
          return InvalidArgument(
              "Un secteur favori est une dalle (« tile ») ou une commune (« commune »).", "kind");
        }
        storage::Connection connection = database.Acquire();
        VV_RETURN_IF_ERROR(InterestStore::AddFavourite(connection, user_id, favourite));
        if (listener != nullptr)
          listener->InterestsChanged(connection, user_id, clock.NowSeconds());
        return web::Response::Json(
            {{"kind", favourite.kind}, {"code", favourite.code}, {"label", favourite.label}}, 201);
      });

  app.Add(web::Method::kDelete, "/api/v1/me/favourites/{kind}/{code}",
          [&database, &clock, listener](web::Context& context) -> Result<web::Response> {
            VV_ASSIGN_OR_RETURN(int64_t user_id, UserOf(context));
            storage::Connection connection = database.Acquire();
            if (!InterestStore::RemoveFavourite(connection, user_id, context.Param("kind"),
                                                context.Param("code"))) {
              return NotFound("Ce secteur n'est pas dans vos favoris.", "code");
            }
            if (listener != nullptr)
              listener->InterestsChanged(connection, user_id, clock.NowSeconds());
            return web::Response(204);
          });

  app.Post(
      "/api/v1/clicks",
      [&database, &backend, &clock, listener,
       click_limiter](web::Context& context) -> Result<web::Response> {
        if (click_limiter != nullptr) {
          api::RateDecision decision = click_limiter->Allow(context.request().client_network());
          if (!decision.allowed) {
            return ResourceExhausted(
                "Trop de dalles consultées depuis cette connexion : réessayez dans " +
                std::to_string(decision.retry_after_seconds) + " s.");
          }
        }
        if (!backend.grid) return Unavailable("La grille des dalles n'est pas encore construite.");
        VV_ASSIGN_OR_RETURN(json body, Body(context.request()));
        if (!body.contains("tile") || !body["tile"].is_string())
          return InvalidArgument("La dalle manque.", "tile");
        std::optional<engine::TileId> tile = engine::TileId::Parse(body["tile"].get<std::string>());
        const engine::LevelView* level = tile ? backend.grid->level(tile->level) : nullptr;
        if (!tile || level == nullptr || !level->Find(*tile))
          return NotFound("Aucune dalle de ce nom dans la grille.", "tile");
        VV_ASSIGN_OR_RETURN(const bool linked, OptionalFlag(body, "linked"));
        const int64_t now = clock.NowSeconds();
        int64_t at = now;
        if (linked) {
          if (!context.user())
            return Unauthenticated("Connectez-vous pour rattacher vos dalles consultées.");
          VV_ASSIGN_OR_RETURN(at, OptionalInteger(body, "clicked_at", now));
          if (at > now || at < now - kLinkWindowSeconds) {
            return InvalidArgument("Date de consultation hors de la journée écoulée.",
                                   "clicked_at");
          }
        }
        std::optional<int64_t> user_id;
        if (context.user()) user_id = context.user()->user_id;
        storage::Connection connection = database.Acquire();
        storage::Transaction transaction(connection);
        const int64_t click_id =
            InterestStore::RecordClick(connection, user_id, tile->ToString(), linked, at);
        if (listener != nullptr)
          listener->TileClicked(connection, click_id, user_id, tile->ToString(), linked, at);
        transaction.Commit();
        return web::Response(204);
      });
}

}  // namespace vivrovert::interests
