#include "web/http/app.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::CookieValue;
using testing::MetaCsrfToken;
using testing::MustParse;

class FixedAuthenticator final : public Authenticator {
 public:
  std::optional<Principal> Authenticate(const Request& request) override {
    if (request.Cookie("vv_session") == "alice") return Principal{7, "user", "Alice <3"};
    return std::nullopt;
  }
};

class AppTest : public ::testing::Test {
 protected:
  explicit AppTest(std::string base_url = "http://localhost:8080", std::string base_map_json = "",
                   std::string base_map_origin = "") {
    dist_.Write("manifest.json", R"({"main.js": "main-ABC.js", "styles.css": "styles-DEF.css"})");
    dist_.Write("main-ABC.js", "export {};");
    dist_.Write("styles-DEF.css", "body{}");
    auto templates = TemplateRenderer::Load(testing::SourceTemplates());
    auto assets = AssetManifest::Load(dist_.path().string());
    auto files = StaticFiles::Load(dist_.path().string(), *assets);
    if (!templates.ok() || !assets.ok() || !files.ok()) throw std::runtime_error("fixture files");
    AppOptions options;
    options.public_base_url = std::move(base_url);
    options.secret_key = testing::kTestSecret;
    options.session_cookie_name = "vv_session";
    options.access_log = &access_log_;
    options.error_log = &error_log_;
    options.base_map_json = std::move(base_map_json);
    options.base_map_origin = std::move(base_map_origin);
    app_ = std::make_unique<App>(std::move(options), std::move(*templates), std::move(*assets),
                                 std::move(*files), clock_, random_);

    app_->Get("/", [](Context& context) { return context.Page("home", {}); });
    app_->Get("/annonces/{id}", [](Context& context) -> Result<Response> {
      if (context.Param("id") == "0") return NotFound("Cette annonce n'existe plus.");
      return Response::Text("annonce " + context.Param("id"));
    });
    app_->Post("/recherches", [this](Context& context) -> Result<Response> {
      ++posts_;
      return Response::Redirect("/recherches/" + context.request().Form("nom").value_or(""));
    });
    app_->Post("/api/recherches", [](Context& context) -> Result<Response> {
      if (context.request().body().empty())
        return InvalidArgument("Donnez au moins un critère.", "criteres");
      return Response::Json({{"id", 1}}, 201);
    });
    app_->Post(
        "/api/partenaires/import",
        [](Context&) -> Result<Response> {
          return Response::Json({{"ok", true}});
        },
        RouteOptions{.csrf_exempt = true});
    app_->Get("/panne", [](Context&) -> Result<Response> {
      throw std::runtime_error("connexion perdue: secret-detail");
    });
    app_->Get("/bug", [](Context&) -> Result<Response> {
      return Internal("invariant broken: secret-detail");
    });
    app_->Get("/cache", [](Context&) -> Result<Response> {
      Response response = Response::Text("public");
      response.SetHeader("Cache-Control", "public, max-age=60");
      return response;
    });
    // A careless handler: puts the decoded path into headers as it is.
    app_->Get("/suivre/{*rest}", [](Context& context) -> Result<Response> {
      return Response::Redirect("/ailleurs/" + context.Param("rest"));
    });
    app_->Get("/connexion-requise/{*rest}", [](Context& context) -> Result<Response> {
      return Response::Redirect(LoginPathReturningTo(context.request().path()));
    });
    app_->Get("/compte/reserve",
              [](Context& context) -> Result<Response> {
                return Response::Text("pour " + std::to_string(context.user()->user_id));
              },
              {.access = Access::kSignedIn});
    app_->Post("/compte/reserve/envoi",
               [](Context&) -> Result<Response> { return Response::Text("envoyé"); },
               {.access = Access::kSignedIn, .return_to = "/compte/reserve"});
    app_->Get("/operateur/reserve",
              [](Context&) -> Result<Response> { return Response::Text("console"); },
              {.access = Access::kOperator});
    app_->Get("/api/v1/me/reserve",
              [](Context&) -> Result<Response> {
                return Response::Json({{"ok", true}});
              },
              {.access = Access::kSignedIn});
    app_->Get("/moi", [](Context& context) -> Result<Response> {
      if (!context.user()) return Unauthenticated("Connectez-vous pour voir cette page.");
      return Response::Text("utilisateur " + std::to_string(context.user()->user_id));
    });
  }

  // A browser's first visit: its CSRF cookie and the token its forms carry.
  std::pair<std::string, std::string> Visit() {
    Response home = app_->Handle(MustParse("GET", "/"));
    return {"vv_csrf=" + CookieValue(home, "vv_csrf"), MetaCsrfToken(home.body())};
  }

  testing::TempDir dist_;
  ManualClock clock_{testing::kTestNow};
  testing::CountingRandom random_;
  std::ostringstream access_log_;
  std::ostringstream error_log_;
  std::unique_ptr<App> app_;
  int posts_ = 0;
};

// A configured base map: every page tells the maps' scripts (escaped in its attribute) and
// the Content-Security-Policy admits the tiles' origin as an image source, nothing else.
class AppWithBaseMapTest : public AppTest {
 protected:
  AppWithBaseMapTest()
      : AppTest("http://localhost:8080",
                R"({"url":"https://{s}.tile.example.org/{z}/{x}/{y}.png","attribution":"© OSM"})",
                "https://*.tile.example.org") {}
};

TEST_F(AppWithBaseMapTest, PagesCarryTheBaseMapAndThePolicyAdmitsItsTiles) {
  Response response = app_->Handle(MustParse("GET", "/"));
  ASSERT_EQ(response.status(), 200);
  EXPECT_NE(response.body().find("<meta name=\"base-map\" content=\"{&quot;url&quot;:"),
            std::string::npos);
  const std::string policy = response.Header("Content-Security-Policy").value_or("");
  EXPECT_NE(policy.find("img-src 'self' data: https://*.tile.example.org;"), std::string::npos)
      << policy;
  EXPECT_NE(policy.find("connect-src 'self';"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << policy;
}

TEST_F(AppTest, HomePageIsFrenchWithBundlesAndSecurityHeaders) {
  Response response = app_->Handle(MustParse("GET", "/"));
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(response.Header("Content-Type"), "text/html; charset=utf-8");
  const std::string& html = response.body();
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("<title>VivroVert</title>"), std::string::npos);
  EXPECT_NE(html.find("Trouvez l'endroit où vivre à la campagne"), std::string::npos);
  EXPECT_NE(html.find("<script type=\"module\" src=\"/static/main-ABC.js\"></script>"),
            std::string::npos);
  EXPECT_NE(html.find("<link rel=\"stylesheet\" href=\"/static/styles-DEF.css\">"),
            std::string::npos);
  EXPECT_NE(html.find("© 2026"), std::string::npos) << "the year comes from the injected clock";
  EXPECT_NE(html.find("Se connecter"), std::string::npos);
  EXPECT_FALSE(MetaCsrfToken(html).empty());

  EXPECT_NE(response.Header("Content-Security-Policy").value_or("").find("script-src 'self'"),
            std::string::npos);
  // No base map configured: images from this site only, and no base map for the scripts.
  EXPECT_NE(response.Header("Content-Security-Policy").value_or("").find("img-src 'self' data:;"),
            std::string::npos);
  EXPECT_EQ(html.find("name=\"base-map\""), std::string::npos);
  EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(response.Header("Cache-Control"), "no-store");
  EXPECT_EQ(response.Header("Strict-Transport-Security"), std::nullopt) << "plain http";
  const SetCookie* cookie = response.FindCookie("vv_csrf");
  ASSERT_NE(cookie, nullptr);
  EXPECT_TRUE(cookie->http_only);
  EXPECT_EQ(cookie->same_site, SameSite::kLax);
}

TEST_F(AppTest, PagesAndBundlesAreGzippedForBrowsersThatAcceptIt) {
  Response page = app_->Handle(MustParse("GET", "/", {{"Accept-Encoding", "gzip, deflate, br"}}));
  EXPECT_EQ(page.status(), 200);
  EXPECT_EQ(page.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(page.Header("Vary"), "Accept-Encoding");
  const std::string plain = app_->Handle(MustParse("GET", "/")).body();
  EXPECT_LT(page.body().size(), plain.size());
  EXPECT_NE(plain.find("<html lang=\"fr\">"), std::string::npos);
  // A bundle shorter than the threshold goes as it is.
  Response bundle =
      app_->Handle(MustParse("GET", "/static/main-ABC.js", {{"Accept-Encoding", "gzip"}}));
  EXPECT_EQ(bundle.body(), "export {};");
  EXPECT_EQ(bundle.Header("Content-Encoding"), std::nullopt);
}

TEST_F(AppTest, KnownBrowsersGetNoNewCookie) {
  auto [cookie, token] = Visit();
  Response again = app_->Handle(MustParse("GET", "/", {{"Cookie", cookie}}));
  EXPECT_EQ(again.FindCookie("vv_csrf"), nullptr);
  EXPECT_EQ(MetaCsrfToken(again.body()), token);
}

TEST_F(AppTest, NonHtmlAnswersSetNoCookie) {
  EXPECT_TRUE(app_->Handle(MustParse("GET", "/annonces/3")).cookies().empty());
  EXPECT_TRUE(app_->Handle(MustParse("GET", "/static/main-ABC.js")).cookies().empty());
}

TEST_F(AppTest, FormPostNeedsTheCsrfToken) {
  auto [cookie, token] = Visit();
  web::Fields form_headers = {{"Cookie", cookie},
                              {"Content-Type", "application/x-www-form-urlencoded"}};

  Response refused = app_->Handle(MustParse("POST", "/recherches", form_headers, "nom=ete"));
  EXPECT_EQ(refused.status(), 403);
  EXPECT_NE(refused.body().find("Ce formulaire a expiré"), std::string::npos);
  EXPECT_EQ(posts_, 0);

  Response accepted =
      app_->Handle(MustParse("POST", "/recherches", form_headers, "nom=ete&_csrf=" + token));
  EXPECT_EQ(accepted.status(), 303);
  EXPECT_EQ(accepted.Header("Location"), "/recherches/ete");
  EXPECT_EQ(posts_, 1);
}

TEST_F(AppTest, ExemptRoutesSkipTheCsrfCheck) {
  EXPECT_EQ(app_->Handle(MustParse("POST", "/api/partenaires/import")).status(), 200);
  EXPECT_EQ(app_->Handle(MustParse("POST", "/api/recherches", {}, "{}")).status(), 403);
}

TEST_F(AppTest, UnknownPagesGetTheFrenchErrorPage) {
  Response response = app_->Handle(MustParse("GET", "/nulle-part"));
  EXPECT_EQ(response.status(), 404);
  EXPECT_EQ(response.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(response.body().find("Page introuvable"), std::string::npos);
  EXPECT_NE(response.body().find("Retour à l'accueil"), std::string::npos);
  EXPECT_NE(response.body().find("/static/styles-DEF.css"), std::string::npos)
      << "error pages use the layout";
}

TEST_F(AppTest, ApiErrorsAreJson) {
  Response not_found = app_->Handle(MustParse("GET", "/api/inconnu"));
  EXPECT_EQ(not_found.status(), 404);
  auto body = nlohmann::json::parse(not_found.body());
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_FALSE(body["error"].contains("field"));

  auto [cookie, token] = Visit();
  Response invalid = app_->Handle(
      MustParse("POST", "/api/recherches", {{"Cookie", cookie}, {"X-CSRF-Token", token}}));
  EXPECT_EQ(invalid.status(), 400);
  EXPECT_EQ(invalid.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(nlohmann::json::parse(invalid.body()),
            (nlohmann::json{{"error",
                             {{"code", "invalid_argument"},
                              {"message", "Donnez au moins un critère."},
                              {"field", "criteres"}}}}));

  Response created = app_->Handle(
      MustParse("POST", "/api/recherches", {{"Cookie", cookie}, {"X-CSRF-Token", token}}, "{}"));
  EXPECT_EQ(created.status(), 201);
}

TEST_F(AppTest, HandlerStatusBecomesAPage) {
  Response response = app_->Handle(MustParse("GET", "/annonces/0"));
  EXPECT_EQ(response.status(), 404);
  EXPECT_NE(response.body().find("Cette annonce n&#39;existe plus."), std::string::npos)
      << response.body();
  EXPECT_EQ(app_->Handle(MustParse("GET", "/annonces/5")).body(), "annonce 5");
  EXPECT_EQ(app_->Handle(MustParse("GET", "/moi")).status(), 401);
}

TEST_F(AppTest, WrongMethodIs405WithAllow) {
  Response response = app_->Handle(MustParse("DELETE", "/annonces/3"));
  EXPECT_EQ(response.status(), 405);
  EXPECT_EQ(response.Header("Allow"), "GET, HEAD");
}

TEST_F(AppTest, FaultsAreLoggedNotShown) {
  for (const char* path : {"/panne", "/bug"}) {
    Response response = app_->Handle(MustParse("GET", path));
    EXPECT_EQ(response.status(), 500) << path;
    EXPECT_EQ(response.body().find("secret-detail"), std::string::npos) << path;
    EXPECT_NE(response.body().find("Une erreur inattendue est survenue"), std::string::npos)
        << path;
  }
  EXPECT_NE(error_log_.str().find("connexion perdue: secret-detail"), std::string::npos);
  EXPECT_NE(error_log_.str().find("invariant broken: secret-detail"), std::string::npos);
}

TEST_F(AppTest, HeadersWithLineBreaksAreNeverSent) {
  // "%0D%0ASet-Cookie:%20vv_session=attacker" decoded into a Location header would write a
  // cookie of the attacker's choosing into the victim's browser (session fixation).
  Response response =
      app_->Handle(MustParse("GET", "/suivre/x%0D%0ASet-Cookie:%20vv_session=attacker"));
  EXPECT_EQ(response.status(), 500);
  EXPECT_EQ(response.Header("Location"), std::nullopt);
  for (const auto& [name, value] : response.headers()) {
    EXPECT_EQ(value.find('\n'), std::string::npos) << name;
    EXPECT_EQ(value.find("attacker"), std::string::npos) << name;
  }
  for (const SetCookie& cookie : response.cookies()) EXPECT_NE(cookie.name, "vv_session");
  EXPECT_NE(error_log_.str().find("refused header Location"), std::string::npos);
}

// What a route requires is declared with it and checked before its handler runs.
TEST_F(AppTest, RoutesDeclareWhoMayReachThem) {
  Response anonymous = app_->Handle(MustParse("GET", "/compte/reserve"));
  EXPECT_EQ(anonymous.status(), 303);
  EXPECT_EQ(anonymous.Header("Location"), "/compte/connexion?suivant=/compte/reserve");
  EXPECT_EQ(app_->Handle(MustParse("GET", "/api/v1/me/reserve")).status(), 401);
  EXPECT_EQ(app_->Handle(MustParse("GET", "/operateur/reserve")).Header("Location"),
            "/compte/connexion?suivant=/operateur/reserve");

  app_->SetAuthenticator(std::make_shared<FixedAuthenticator>());
  const Fields alice = {{"Cookie", "vv_session=alice"}};
  Response signed_in = app_->Handle(MustParse("GET", "/compte/reserve", alice));
  EXPECT_EQ(signed_in.status(), 200);
  EXPECT_EQ(signed_in.body(), "pour 7");
  EXPECT_EQ(app_->Handle(MustParse("GET", "/api/v1/me/reserve", alice)).status(), 200);
  EXPECT_EQ(app_->Handle(MustParse("GET", "/operateur/reserve", alice)).status(), 404)
      << "a person without the role does not learn the page exists";
}

TEST_F(AppTest, AFormSentWithoutSessionLeadsBackToItsPage) {
  auto [cookie, token] = Visit();
  Response response = app_->Handle(
      MustParse("POST", "/compte/reserve/envoi",
                {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"}},
                "_csrf=" + token));
  EXPECT_EQ(response.status(), 303);
  EXPECT_EQ(response.Header("Location"), "/compte/connexion?suivant=/compte/reserve");
}

TEST_F(AppTest, TheLoginRedirectEncodesThePath) {
  Response response =
      app_->Handle(MustParse("GET", "/connexion-requise/a%0D%0AX-Injected:%20yes&b=1"));
  EXPECT_EQ(response.status(), 303);
  EXPECT_EQ(response.Header("Location"),
            "/compte/connexion?suivant=/connexion-requise/a%0D%0AX-Injected%3A%20yes%26b%3D1");
  EXPECT_EQ(response.Header("X-Injected"), std::nullopt);
}

TEST_F(AppTest, SignedInPeopleAreNamedAndEscaped) {
  app_->SetAuthenticator(std::make_shared<FixedAuthenticator>());
  Response page = app_->Handle(MustParse("GET", "/", {{"Cookie", "vv_session=alice"}}));
  EXPECT_NE(page.body().find("<a href=\"/compte\">Alice &lt;3</a>"), std::string::npos);
  EXPECT_NE(page.body().find("Se déconnecter"), std::string::npos);
  EXPECT_EQ(page.body().find("Se connecter"), std::string::npos);
  EXPECT_EQ(app_->Handle(MustParse("GET", "/moi", {{"Cookie", "vv_session=alice"}})).body(),
            "utilisateur 7");
}

TEST_F(AppTest, HandlersMayChooseTheirCaching) {
  EXPECT_EQ(app_->Handle(MustParse("GET", "/cache")).Header("Cache-Control"), "public, max-age=60");
  EXPECT_EQ(app_->Handle(MustParse("GET", "/static/main-ABC.js")).Header("Cache-Control"),
            "public, max-age=31536000, immutable");
}

TEST_F(AppTest, LogsOneLinePerRequest) {
  (void)app_->Handle(MustParse("GET", "/annonces/3"));
  (void)app_->Handle(MustParse("GET", "/nulle-part"));
  std::istringstream log(access_log_.str());
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(log, first));
  ASSERT_TRUE(std::getline(log, second));
  EXPECT_FALSE(std::getline(log, extra));
  nlohmann::json found = nlohmann::json::parse(first);
  EXPECT_EQ(found["method"], "GET");
  EXPECT_EQ(found["path"], "/annonces/3");
  EXPECT_EQ(found["status"], 200);
  EXPECT_EQ(found["bytes"], 9);
  EXPECT_TRUE(found["ms"].is_number());
  EXPECT_EQ(nlohmann::json::parse(second)["status"], 404);
}

TEST_F(AppTest, FailAnswersLikeAnyOtherError) {
  Response json = app_->Fail(MustParse("POST", "/api/x"), HttpError::PayloadTooLarge());
  EXPECT_EQ(json.status(), 413);
  EXPECT_EQ(nlohmann::json::parse(json.body())["error"]["code"], "payload_too_large");
  Response page = app_->Fail(MustParse("POST", "/x"), HttpError::PayloadTooLarge());
  EXPECT_NE(page.body().find("Envoi trop volumineux"), std::string::npos);
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
}

class HttpsAppTest : public AppTest {
 protected:
  HttpsAppTest() : AppTest("https://www.vivrovert.fr") {}
};

TEST_F(HttpsAppTest, HttpsAddsHstsAndHostOnlyCookie) {
  Response response = app_->Handle(MustParse("GET", "/"));
  EXPECT_EQ(response.Header("Strict-Transport-Security"), "max-age=31536000");
  const SetCookie* cookie = response.FindCookie("__Host-vv_csrf");
  ASSERT_NE(cookie, nullptr);
  EXPECT_TRUE(cookie->secure);
}

TEST(HttpStatusTest, MapsEveryCode) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 500);
  HttpError unavailable = HttpError::From(Unavailable("connection refused to db.internal:5432"));
  EXPECT_EQ(unavailable.http_status, 503);
  EXPECT_EQ(unavailable.message.find("db.internal"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::web
