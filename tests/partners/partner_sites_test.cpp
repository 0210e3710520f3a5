// A partner's own site (option 2, the territory platform) through the request pipeline
// (App::Handle, no sockets), on each backend: routing by the Host header, the entitlement
// gate, the search limited to the territory, cookies and forms per host, and the
// operator's console that configures the hosts. Over the grid of the Lot (département 46).
//
// Two partners: the CA du Grand Cahors (EPCI 200023737) with the base service and option 2,
// and the commune of Figeac (46102), outside it, with the base service only.
#include "domain/partners/partner_sites.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/grid_file.hpp"
#include "support/lot_grid.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"
#include "web/partners/partner_sites_web.hpp"

namespace vivrovert::partners {
namespace {

using accounts::Role;
using nlohmann::json;
using storage::Connection;
using subscriptions::ProductCode;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Page;

constexpr const char* kHost = "vivraubassindevie.localhost";
constexpr const char* kHostHeader = "vivraubassindevie.localhost:8080";
// Template text is written as is (only values are escaped).
constexpr const char* kHomeHeading = "Trouvez l'endroit où vivre à la campagne";
constexpr const char* kSearch =
    R"({"level":"1km","criteria":[{"criterion":"density","max":100000}],"page":{"limit":5}})";

class PartnerSitesTest : public ::testing::Test {
 protected:
  PartnerSitesTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = CreatePartner(connection, PartnerKind::kEpci, "CA du Grand Cahors", "grand-cahors",
                            {{}, {"200023737"}, {}});
    vivrovert::testing::Subscribe(connection, cahors_.id,
                                  {ProductCode::kBase, ProductCode::kOption2});
    figeac_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Figeac", "figeac",
                            {{"46102"}, {}, {}});
    vivrovert::testing::Subscribe(connection, figeac_.id);
    site_.CreateUser("operateur@exemple.fr", Role::kOperator);
    site_.CreateUser("demo@exemple.fr", Role::kUser);
  }

  Partner CreatePartner(Connection& connection, PartnerKind kind, const std::string& name,
                        const std::string& slug, engine::TerritoryCodes codes) {
    PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return *created;
  }

  PartnerSite Configure(const Partner& partner, const std::string& host, int margin_km = 0) {
    Connection connection = site_.db().Acquire();
    PartnerSiteInput input;
    input.host = host;
    input.site_name = "VivrauBassindeVie";
    input.primary_colour = "#1F5F7A";
    input.accent_colour = "#e0a526";
    input.introduction = "Bienvenue sur le territoire.\n\nUne <b>deuxième</b> ligne.";
    input.legal_text = "Éditeur : la communauté d'agglomération.";
    input.margin_km = margin_km;
    auto saved = PartnerSiteStore::Save(connection, partner.id, input, site_.clock().NowSeconds());
    if (!saved.ok()) throw std::runtime_error(saved.status().ToString());
    return *saved;
  }

  Browser On(const std::string& host) {
    Browser browser(site_.app());
    browser.host = host;
    return browser;
  }

  // The communes of the grid in the Grand Cahors.
  std::set<std::string> CahorsCommunes() {
    std::set<std::string> codes;
    for (const engine::CommuneRef& commune : site_.grid().communes())
      if (commune.epci == "200023737") codes.insert(commune.code);
    return codes;
  }

  vivrovert::testing::TestSite site_;
  Partner cahors_;
  Partner figeac_;
};

TEST_F(PartnerSitesTest, UnknownHostsGetTheMainSite) {
  Configure(cahors_, kHost);
  for (const std::string host : {"", "localhost:8080", "inconnu.example.fr", "[::1]:8080",
                                 "vivraubassindevie.localhost.evil.fr"}) {
    Browser browser = On(host);
    Page home = browser.Get("/");
    ASSERT_EQ(home.status, 200) << host;
    EXPECT_TRUE(Contains(home.body, kHomeHeading)) << host;
    EXPECT_FALSE(Contains(home.body, "/site.css")) << host;
    EXPECT_EQ(browser.Get("/site.css").status, 404) << host;
  }
}

TEST_F(PartnerSitesTest, TheHostServesThePartnersSite) {
  Configure(cahors_, kHost);
  // Any case and port: the host name decides.
  for (const std::string host : {kHostHeader, "VivrauBassindeVie.localhost", kHost}) {
    Browser browser = On(host);
    Page home = browser.Get("/");
    ASSERT_EQ(home.status, 200) << host;
    EXPECT_FALSE(Contains(home.body, kHomeHeading)) << host;
    EXPECT_TRUE(Contains(home.body, "Vivre sur le territoire de VivrauBassindeVie")) << host;
    EXPECT_TRUE(Contains(home.body, "<p class=\"lead\">Bienvenue sur le territoire.</p>"));
    // The partner's texts are escaped like any value.
    EXPECT_TRUE(Contains(home.body, "Une &lt;b&gt;deuxième&lt;&#x2F;b&gt; ligne."));
    EXPECT_TRUE(Contains(home.body, "<title>VivrauBassindeVie — vivre sur le territoire</title>"));
    EXPECT_TRUE(Contains(home.body, "<link rel=\"stylesheet\" href=\"/site.css\">"));
    Page css = browser.Get("/site.css");
    ASSERT_EQ(css.status, 200);
    EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
    EXPECT_TRUE(Contains(css.body, "background: #1f5f7a")) << css.body;
    EXPECT_TRUE(Contains(css.body, "#e0a526")) << css.body;
  }
  Browser browser = On(kHostHeader);
  Page legal = browser.Get("/mentions-legales");
  ASSERT_EQ(legal.status, 200);
  EXPECT_TRUE(Contains(legal.body, "Éditeur : la communauté d&#39;agglomération."));
  EXPECT_TRUE(Contains(legal.body, "<title>Mentions légales — VivrauBassindeVie</title>"));
  // The main site's legal page has no partner's text.
  EXPECT_FALSE(Contains(On("localhost:8080").Get("/mentions-legales").body, "Éditeur : la"));
  // The search page is the main site's, under the partner's name.
  Page search = browser.Get("/recherche");
  ASSERT_EQ(search.status, 200);
  EXPECT_TRUE(Contains(search.body, "VivrauBassindeVie"));
}

TEST_F(PartnerSitesTest, APartnerWithoutOption2GetsNoSite) {
  Configure(figeac_, "figeac.localhost");
  Browser browser = On("figeac.localhost");
  EXPECT_TRUE(Contains(browser.Get("/").body, kHomeHeading));
  EXPECT_EQ(browser.Get("/site.css").status, 404);
  {
    Connection connection = site_.db().Acquire();
    vivrovert::testing::Subscribe(connection, figeac_.id, {ProductCode::kOption2});
  }
  // What the resolver found stays for kSiteCacheSeconds.
  site_.clock().Advance(kSiteCacheSeconds + 1);
  Page home = browser.Get("/");
  EXPECT_FALSE(Contains(home.body, kHomeHeading));
  EXPECT_TRUE(Contains(home.body, "Vivre sur le territoire de VivrauBassindeVie"));
  // The contract ends: the site is gone the day after.
  site_.clock().Advance(int64_t{400} * 24 * 3600);
  EXPECT_TRUE(Contains(browser.Get("/").body, kHomeHeading));
}

TEST_F(PartnerSitesTest, TheSearchIsLimitedToTheTerritoryAt1km) {
  Configure(cahors_, kHost);
  const std::set<std::string> cahors = CahorsCommunes();
  ASSERT_FALSE(cahors.empty());

  Browser main = On("localhost:8080");
  Page everywhere = main.Api("POST", "/api/v1/search", kSearch);
  ASSERT_EQ(everywhere.status, 200) << everywhere.body;
  Browser partner = On(kHostHeader);
  // A 5 km request is answered at 1 km on the partner's site.
  std::string at_5km = kSearch;
  at_5km.replace(at_5km.find("1km"), 3, "5km");
  Page territory = partner.Api("POST", "/api/v1/search", at_5km);
  ASSERT_EQ(territory.status, 200) << territory.body;
  const json found = territory.Json();
  EXPECT_EQ(found["level"], "1km");
  EXPECT_GT(found["green_count"].get<int64_t>(), 0);
  EXPECT_LT(found["green_count"].get<int64_t>(), everywhere.Json()["green_count"].get<int64_t>());
  // Every green tile touches one of the territory's communes (a boundary tile belongs to its
  // neighbours too: engine/territory.hpp).
  for (const json& tile : found["tiles"]) {
    Page detail = partner.GetJson("/api/v1/tiles/" + tile["id"].get<std::string>());
    ASSERT_EQ(detail.status, 200) << detail.body;
    const json described = detail.Json();
    bool inside = false;
    for (const json& commune : described["communes"])
      inside = inside || cahors.contains(commune["code"].get<std::string>());
    EXPECT_TRUE(inside) << detail.body;
  }
  // A territory outside the site's is refused, naming the field.
  Page figeac = partner.Api(
      "POST", "/api/v1/search",
      R"({"territory":{"communes":["46102"]},"criteria":[{"criterion":"density","max":100000}]})");
  EXPECT_EQ(figeac.status, 400) << figeac.body;
  EXPECT_EQ(figeac.Json()["error"]["field"], "territory");
  // The same on the main site is answered.
  EXPECT_EQ(main.Api("POST", "/api/v1/search",
                     R"({"level":"1km","territory":{"communes":["46102"]},)"
                     R"("criteria":[{"criterion":"density","max":100000}]})")
                .status,
            200);
}

TEST_F(PartnerSitesTest, TheMarginAddsTheNeighbouringCommunes) {
  const engine::GridFile& grid = site_.grid();
  Connection connection = site_.db().Acquire();
  auto territory = ResolveTerritory(connection, grid, cahors_);
  ASSERT_TRUE(territory.ok()) << territory.status().ToString();
  const std::vector<std::string> none = SearchCommunes(grid, *territory, 0);
  const std::set<std::string> cahors = CahorsCommunes();
  EXPECT_EQ(std::set<std::string>(none.begin(), none.end()), cahors);
  const std::vector<std::string> wider = SearchCommunes(grid, *territory, 10);
  EXPECT_GT(wider.size(), none.size());
  EXPECT_TRUE(std::includes(wider.begin(), wider.end(), none.begin(), none.end()));
  // Figeac, far east of the Grand Cahors, stays outside a 10 km margin.
  EXPECT_FALSE(std::binary_search(wider.begin(), wider.end(), std::string("46102")));
  const std::vector<std::string> widest = SearchCommunes(grid, *territory, 50);
  EXPECT_GT(widest.size(), wider.size());
}

TEST_F(PartnerSitesTest, CookiesAndFormsStayOnTheirHost) {
  Configure(cahors_, kHost);
  // One account base: the main site's account signs in on the partner's site.
  Browser partner = On(kHostHeader);
  partner.LogIn("demo@exemple.fr", vivrovert::testing::kTestPassword);
  Page account = partner.Get("/compte");
  ASSERT_EQ(account.status, 200);
  EXPECT_TRUE(Contains(account.body, "VivrauBassindeVie"));
  // Cookies name no domain: the browser keeps them to the host that set them.
  Browser fresh = On(kHostHeader);
  ASSERT_EQ(fresh.Get("/compte/connexion").status, 200);
  std::vector<std::string> cookies = fresh.last_set_cookies;
  ASSERT_FALSE(cookies.empty());
  Page login = fresh.Post("/compte/connexion", {{"email", "demo@exemple.fr"},
                                                {"password", vivrovert::testing::kTestPassword}});
  ASSERT_EQ(login.status, 303) << login.body;
  ASSERT_FALSE(fresh.last_set_cookies.empty());
  cookies.insert(cookies.end(), fresh.last_set_cookies.begin(), fresh.last_set_cookies.end());
  for (const std::string& cookie : cookies) EXPECT_FALSE(Contains(cookie, "omain=")) << cookie;
  // A form of the partner's site comes from its own origin; another host's origin is refused.
  Browser operator_browser = On(kHostHeader);
  operator_browser.LogIn("operateur@exemple.fr", vivrovert::testing::kTestPassword);
  Page page =
      operator_browser.Get("/operateur/partenaires/" + std::to_string(cahors_.id) + "/site");
  ASSERT_EQ(page.status, 200);
  const std::string body = "_csrf=" + operator_browser.csrf_token + "&host=www." + kHost +
                           "&primary_colour=%231f5f7a&accent_colour=%23e0a526&margin_km=0";
  const std::string path = "/operateur/partenaires/" + std::to_string(cahors_.id) + "/site";
  for (const std::string origin : {"http://localhost:8081", "http://figeac.localhost:8080"}) {
    Page refused = operator_browser.Request(
        "POST", path, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}},
        body);
    EXPECT_EQ(refused.status, 403) << origin;
  }
  Page accepted = operator_browser.Request("POST", path,
                                           {{"Content-Type", "application/x-www-form-urlencoded"},
                                            {"Origin", std::string("http://") + kHostHeader}},
                                           body);
  EXPECT_EQ(accepted.status, 303) << accepted.body;
  EXPECT_EQ(site_.Count("partner_sites", "host = 'www.vivraubassindevie.localhost'"), 1);
}

TEST_F(PartnerSitesTest, TheSiteOfSignUpIsRecorded) {
  Configure(cahors_, kHost);
  const std::string password = "un mot de passe assez long";
  for (const auto& [host, email] : std::vector<std::pair<std::string, std::string>>{
           {kHostHeader, "ici@exemple.fr"}, {"localhost:8080", "la@exemple.fr"}}) {
    Browser browser = On(host);
    ASSERT_EQ(browser.Get("/compte/inscription").status, 200);
    Page sent =
        browser.Post("/compte/inscription",
                     {{"display_name", "Jeanne"}, {"email", email}, {"password", password}});
    ASSERT_EQ(sent.status, 200) << sent.body;
  }
  EXPECT_EQ(site_.Count("users",
                        "email = 'ici@exemple.fr' AND signup_host = '" + std::string(kHost) + "'"),
            1);
  EXPECT_EQ(site_.Count("users", "email = 'la@exemple.fr' AND signup_host = ''"), 1);
}

TEST_F(PartnerSitesTest, OperatorsConfigureTheHosts) {
  Browser operator_browser = site_.SignedIn("operateur@exemple.fr");
  const std::string path = "/operateur/partenaires/" + std::to_string(cahors_.id) + "/site";
  Page page = operator_browser.Get(path);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Aucun nom d'hôte configuré."));
  EXPECT_TRUE(Contains(page.body, "détient l'option 2"));

  struct Refusal {
    web::Fields form;
    std::string field;
    std::string message;
  };
  const web::Fields good = {{"host", kHost},
                            {"site_name", "VivrauBassindeVie"},
                            {"primary_colour", "#1f5f7a"},
                            {"accent_colour", "#e0a526"},
                            {"margin_km", "5"},
                            {"introduction", "Bienvenue."},
                            {"legal_text", ""},
                            {"logo_url", ""}};
  const auto with = [&good](const std::string& name, const std::string& value) {
    web::Fields form = good;
    for (auto& [field, current] : form)
      if (field == name) current = value;
    return form;
  };
  for (const Refusal& refusal :
       {Refusal{with("host", "http://exemple.fr/"), "host", "Nom d&#39;hôte invalide"},
        Refusal{with("host", "localhost"), "host", "au moins un point"},
        Refusal{with("primary_colour", "vert"), "primary_colour", "#RRGGBB"},
        Refusal{with("primary_colour", "#ffff00"), "primary_colour", "trop claire"},
        Refusal{with("margin_km", "51"), "margin_km", "de 0 à 50 km"},
        Refusal{with("margin_km", "-1"), "margin_km", "nombre entier"},
        Refusal{with("logo_url", "https://exemple.fr/logo.png"), "logo_url", "Logo"},
        Refusal{with("logo_url", "javascript:alert(1)"), "logo_url", "Logo"}}) {
    Page refused = operator_browser.Post(path, refusal.form);
    EXPECT_EQ(refused.status, 422) << refusal.field;
    EXPECT_TRUE(Contains(refused.body, "data-field=\"" + refusal.field + "\"")) << refusal.field;
    EXPECT_TRUE(Contains(refused.body, refusal.message)) << refusal.field << refused.body;
  }
  EXPECT_EQ(site_.Count("partner_sites"), 0);

  Page saved = operator_browser.Post(path, good);
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.location, path);
  page = operator_browser.Get(path);
  EXPECT_TRUE(Contains(page.body, "<td>vivraubassindevie.localhost</td>"));
  // The site answers at once (the console forgets what the resolver kept).
  EXPECT_TRUE(Contains(On(kHost).Get("/").body, "Vivre sur le territoire de VivrauBassindeVie"));

  // Saving the same host again updates it; another partner cannot take it.
  ASSERT_EQ(operator_browser.Post(path, with("site_name", "Autre nom")).status, 303);
  EXPECT_EQ(site_.Count("partner_sites", "site_name = 'Autre nom'"), 1);
  Page taken =
      operator_browser.Post("/operateur/partenaires/" + std::to_string(figeac_.id) + "/site", good);
  EXPECT_EQ(taken.status, 422);
  EXPECT_TRUE(Contains(taken.body, "déjà celui d&#39;un autre partenaire"));

  // Removing: only the partner's own host.
  const int64_t site_id = [&] {
    Connection connection = site_.db().Acquire();
    return PartnerSiteStore::FindByHost(connection, kHost)->id;
  }();
  EXPECT_EQ(operator_browser
                .Post("/operateur/partenaires/" + std::to_string(figeac_.id) + "/site/" +
                          std::to_string(site_id) + "/retrait",
                      {})
                .status,
            404);
  EXPECT_EQ(operator_browser.Post(path + "/" + std::to_string(site_id) + "/retrait", {}).status,
            303);
  EXPECT_EQ(site_.Count("partner_sites"), 0);
  EXPECT_TRUE(Contains(On(kHost).Get("/").body, kHomeHeading));

  // The console is the operators' own.
  Browser person = site_.SignedIn("demo@exemple.fr");
  EXPECT_EQ(person.Get(path).status, 404);
}

TEST_F(PartnerSitesTest, TheDemoSiteIsSeededOnce) {
  Connection connection = site_.db().Acquire();
  auto first = PartnerSiteStore::SeedDemoSite(connection, cahors_.id, site_.clock().NowSeconds());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  auto second = PartnerSiteStore::SeedDemoSite(connection, cahors_.id, site_.clock().NowSeconds());
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_TRUE(Contains(On("vivraubassindevie.localhost:8080").Get("/").body, "(démo)"));
}

}  // namespace
}  // namespace vivrovert::partners
