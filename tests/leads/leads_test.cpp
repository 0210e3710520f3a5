// Leads end to end through the request pipeline (App::Handle, no sockets), on each
// backend, over a grid of the Lot built once per binary from ../shared/data: people save
// searches and open tiles through the interests API (CSRF, sessions), the recorder
// attributes them to the partners owning the tiles, the partners read their leads on
// /partenaire/{slug}/contacts and export them.
//
// Partners: the CA du Grand Cahors (EPCI 200023737), the commune of Cahors (46042, inside
// it), Figeac (46102, outside), and a grouping whose only member is Figeac.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "domain/accounts/user_store.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/leads/partner_leads.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "engine/territory.hpp"
#include "support/lot_grid.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::leads {
namespace {

using accounts::Role;
using nlohmann::json;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kFormulaName = "=HYPERLINK(\"http://x\")";

using vivrovert::testing::Contains;

// A search of the 1 km tiles of some communes that have a station distance (every tile of
// the Lot has one), i.e. green on those communes' tiles.
std::string SearchOf(const std::vector<std::string>& communes) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", communes}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

class LeadsTest : public ::testing::Test {
 protected:
  static constexpr int64_t kClicksPerHour = 5;

  static void SetUpTestSuite() { grid_ = &vivrovert::testing::LotGrid(); }

  LeadsTest() {
    Connection connection = database_.db().Acquire();
    epci_ = CreatePartner(connection, PartnerKind::kEpci, "CA du Grand Cahors", "grand-cahors",
                          {{}, {"200023737"}, {}});
    cahors_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Cahors", "cahors",
                            {{"46042"}, {}, {}});
    figeac_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Figeac", "figeac",
                            {{"46102"}, {}, {}});
    partners::PartnerInput grouping;
    grouping.kind = PartnerKind::kGrouping;
    grouping.name = "Petites villes du Lot";
    grouping.slug = "pvd-lot";
    grouping.member_ids = {figeac_.id};
    grouping_ = *PartnerStore::Create(connection, grouping, clock_.NowSeconds());
    vivrovert::testing::Subscribe(connection, grouping_.id);
    operator_id_ = CreateUser(connection, "operateur@exemple.fr", Role::kOperator, "Opératrice");
    for (const auto& [email, partner, role] :
         std::vector<std::tuple<std::string, Partner*, partners::StaffRole>>{
             {"admin@cahors-agglo.fr", &epci_, partners::StaffRole::kAdmin},
             {"lecture@cahors-agglo.fr", &epci_, partners::StaffRole::kViewer},
             {"admin@figeac.fr", &figeac_, partners::StaffRole::kAdmin}}) {
      const int64_t user_id = CreateUser(connection, email, Role::kPartnerStaff, "Agent " + email);
      const Status added =
          PartnerStore::SetStaff(connection, partner->id, user_id, role, clock_.NowSeconds());
      EXPECT_TRUE(added.ok()) << added.ToString();
    }
    alice_ = CreateUser(connection, "alice@exemple.fr", Role::kUser, kFormulaName);
    bruno_ = CreateUser(connection, "bruno@exemple.fr", Role::kUser, "Bruno");
    chloe_ = CreateUser(connection, "chloe@exemple.fr", Role::kUser, "Chloé");
    profiles::Profile profile;
    profile.data = {{"funds_eur", 85000},
                    {"housing_tenure", "buy"},
                    {"housing_type", "house"},
                    {"household_adults", 2},
                    {"work_rome_codes", json::array({"J1506"})}};
    for (int64_t user : {alice_, bruno_, chloe_})
      profiles::ProfileStore::Put(connection, user, profile, clock_.NowSeconds());
    // Alice shares her identity and funds; Bruno nothing; Chloé her work only.
    profiles::ProfileStore::SetConsents(connection, alice_, {{"identity", true}, {"funds", true}},
                                        clock_.NowSeconds());
    profiles::ProfileStore::SetConsents(connection, chloe_, {{"work", true}}, clock_.NowSeconds());
  }

  Partner CreatePartner(Connection& connection, PartnerKind kind, const std::string& name,
                        const std::string& slug, engine::TerritoryCodes codes) {
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, clock_.NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    vivrovert::testing::Subscribe(connection, created->id);  // the base service, in force
    return *created;
  }

  int64_t CreateUser(Connection& connection, const std::string& email, Role role,
                     const std::string& name) {
    return vivrovert::testing::CreateUser(connection, email, role, clock_.NowSeconds(), name);
  }

  Browser SignedIn(const std::string& email) { return site_.SignedIn(email); }

  // A 1 km tile of the commune, and one of the EPCI that no commune of `avoid` overlaps.
  static std::string TileOf(const std::string& commune) {
    auto territory = engine::Territory::Resolve(*grid_, {{commune}, {}, {}});
    const engine::LevelView* level = grid_->level(engine::Level::k1km);
    return level->tile(territory->Tiles(*level).front()).ToString();
  }

  PartnerLeads LeadsOf(const Partner& partner, LeadFilter filter = {}) {
    Connection connection = database_.db().Acquire();
    return LoadPartnerLeads(connection, partner.id, filter, clock_.NowSeconds(),
                            display::Labels(nullptr, grid_));
  }

  static std::map<int64_t, LeadKind> Kinds(const PartnerLeads& leads) {
    std::map<int64_t, LeadKind> kinds;
    for (const DisclosedLead& item : leads.people) kinds[item.lead.user_id] = item.lead.kind;
    return kinds;
  }

  static inline const engine::GridFile* grid_ = nullptr;
  // The whole site as `vivrovert serve` builds it (support/test_site.hpp), with a small
  // budget of anonymous clicks.
  vivrovert::testing::TestSite site_{
      [](Config& config) { config.api_click_rate_limit = kClicksPerHour; }};
  vivrovert::testing::TestDatabase& database_ = site_.database();
  ManualClock& clock_ = site_.clock();
  web::App& app_ = site_.app();
  Partner epci_, cahors_, figeac_, grouping_;
  int64_t operator_id_ = 0, alice_ = 0, bruno_ = 0, chloe_ = 0;
};

TEST_F(LeadsTest, SavedSearchesMakeContactsOfEveryPartnerOwningTheirGreenTiles) {
  Browser alice = SignedIn("alice@exemple.fr");
  Page saved = alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"}));
  ASSERT_EQ(saved.status, 201) << saved.body;

  // The commune, its EPCI: both own the tiles; Figeac and its grouping do not.
  for (const Partner* partner : {&epci_, &cahors_}) {
    PartnerLeads leads = LeadsOf(*partner);
    EXPECT_EQ(leads.now.contacts, 1) << partner->slug;
    EXPECT_EQ(leads.now.prospects, 0) << partner->slug;
    ASSERT_EQ(leads.people.size(), 1u) << partner->slug;
    EXPECT_EQ(leads.people[0].lead.kind, LeadKind::kContact);
    EXPECT_TRUE(leads.people[0].lead.communes.count("46042")) << partner->slug;
    EXPECT_GT(leads.people[0].lead.green_tiles, 0);
  }
  EXPECT_EQ(LeadsOf(figeac_).now.contacts, 0);
  EXPECT_EQ(LeadsOf(grouping_).now.contacts, 0);
  // The EPCI counts its tiles only: the search's green tiles on the edge of Cahors that
  // another EPCI's commune shares still belong to the EPCI through Cahors.
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM search_versions")->Int(0), 1);
}

TEST_F(LeadsTest, TheLatestVersionOfASearchDecides) {
  Browser alice = SignedIn("alice@exemple.fr");
  Page saved = alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"}));
  ASSERT_EQ(saved.status, 201) << saved.body;
  const int64_t id = json::parse(saved.body)["id"];
  const int64_t first_saved = clock_.NowSeconds();
  clock_.Advance(7 * 24 * 3600);
  Browser later = SignedIn("alice@exemple.fr");  // a week later, a new session
  Page moved = later.Api("PUT", "/api/v1/me/searches/" + std::to_string(id), SearchOf({"46102"}));
  ASSERT_EQ(moved.status, 200) << moved.body;

  EXPECT_EQ(LeadsOf(epci_).now.contacts, 0) << "her search no longer makes the EPCI green";
  EXPECT_EQ(LeadsOf(figeac_).now.contacts, 1);
  EXPECT_EQ(LeadsOf(grouping_).now.contacts, 1) << "a grouping sees its members' leads";
  // The history stays: a week ago she was the EPCI's contact.
  LeadFilter period;
  period.from = first_saved - 3600;
  period.to = clock_.NowSeconds();
  PartnerLeads epci = LeadsOf(epci_, period);
  ASSERT_GE(epci.series.size(), 2u);
  EXPECT_EQ(epci.series.front().contacts, 1);
  EXPECT_EQ(epci.series.back().contacts, 0);

  // Deleting the search ends it everywhere.
  ASSERT_EQ(later.Api("DELETE", "/api/v1/me/searches/" + std::to_string(id), "").status, 204);
  EXPECT_EQ(LeadsOf(figeac_).now.contacts, 0);
}

// A household: Léa works in Cahors (the commune's centre), Sam near its station
// (coordinates). Their saved search keeps its places, and its green tiles around Cahors make
// them a contact of Cahors' partners as any search would; moved to Figeac and Cahors at
// once (60 km apart, 10 km each), nothing is green and the contact ends.
TEST_F(LeadsTest, AHouseholdSearchWithTwoPlacesMakesLeadsAsAnyOther) {
  Browser alice = SignedIn("alice@exemple.fr");
  auto household = [](const json& places) {
    json request = {
        {"level", "1km"},
        {"criteria",
         {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}},
        {"places", places}};
    return json{{"name", "Léa et Sam"}, {"request", request}}.dump();
  };
  const json near_cahors = {
      {{"name", "travail de Léa"}, {"commune", "46042"}, {"max_km", 8}},
      {{"name", "travail de Sam"}, {"lat", 44.449275}, {"lon", 1.433325}, {"max_km", 6}}};
  Page saved = alice.Api("POST", "/api/v1/me/searches", household(near_cahors));
  ASSERT_EQ(saved.status, 201) << saved.body;
  const int64_t id = json::parse(saved.body)["id"];
  Page listed = alice.Api("GET", "/api/v1/me/searches", "");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_TRUE(Contains(listed.body, "travail de Sam")) << listed.body;
  EXPECT_EQ(LeadsOf(cahors_).now.contacts, 1);
  EXPECT_EQ(LeadsOf(epci_).now.contacts, 1);
  EXPECT_EQ(LeadsOf(figeac_).now.contacts, 0);

  const json apart = {{{"name", "travail de Léa"}, {"commune", "46042"}, {"max_km", 10}},
                      {{"name", "travail de Sam"}, {"commune", "46102"}, {"max_km", 10}}};
  Page moved = alice.Api("PUT", "/api/v1/me/searches/" + std::to_string(id), household(apart));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(LeadsOf(cahors_).now.contacts, 0);
  EXPECT_EQ(LeadsOf(figeac_).now.contacts, 0);

  // A bad place is refused by name, under "request.".
  const json abroad = {{{"name", "Berlin"}, {"lat", 52.52}, {"lon", 13.4}, {"max_km", 10}}};
  Page refused = alice.Api("POST", "/api/v1/me/searches", household(abroad));
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Contains(refused.body, "request.places[0].lat")) << refused.body;
  EXPECT_TRUE(Contains(refused.body, "Berlin")) << refused.body;
}

TEST_F(LeadsTest, ClicksMakeProspectsAndAnonymousClicksOnlyCount) {
  Browser alice = SignedIn("alice@exemple.fr");
  ASSERT_EQ(alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  const std::string cahors_tile = TileOf("46042");
  ASSERT_EQ(alice.Api("POST", "/api/v1/clicks", json{{"tile", cahors_tile}}.dump()).status, 204);
  PartnerLeads epci = LeadsOf(epci_);
  EXPECT_EQ(epci.now.contacts, 0) << "a prospect is no longer a contact";
  EXPECT_EQ(epci.now.prospects, 1);
  ASSERT_EQ(epci.people.size(), 1u);
  EXPECT_EQ(epci.people[0].lead.tiles, std::vector<std::string>{cahors_tile});
  EXPECT_EQ(LeadsOf(cahors_).now.prospects, 1);
  EXPECT_EQ(LeadsOf(figeac_).now.prospects, 0);

  // An anonymous visitor opens a tile of Figeac, logs in as Chloé and links the click.
  Browser visitor(app_);
  ASSERT_EQ(visitor.Get("/compte/connexion").status, 200);  // for the CSRF token
  const std::string figeac_tile = TileOf("46102");
  ASSERT_EQ(visitor.Api("POST", "/api/v1/clicks", json{{"tile", figeac_tile}}.dump()).status, 204);
  PartnerLeads figeac = LeadsOf(figeac_);
  EXPECT_EQ(figeac.now.prospects, 0);
  EXPECT_EQ(figeac.now.anonymous_clicks, 1);
  visitor.LogIn("chloe@exemple.fr", vivrovert::testing::kTestPassword);
  ASSERT_EQ(
      visitor
          .Api("POST", "/api/v1/clicks",
               json{{"tile", figeac_tile}, {"linked", true}, {"clicked_at", clock_.NowSeconds()}}
                   .dump())
          .status,
      204);
  figeac = LeadsOf(figeac_);
  EXPECT_EQ(figeac.now.prospects, 1);
  EXPECT_EQ(figeac.now.anonymous_clicks, 1) << "the linked copy is not a second anonymous click";
  EXPECT_EQ(LeadsOf(grouping_).now.prospects, 1);
}

// One client cannot inflate a territory's prospects and click counts: clicks are limited per
// client network, signed in or not.
TEST_F(LeadsTest, ClicksAreLimitedPerClientNetwork) {
  Browser visitor(app_);
  ASSERT_EQ(visitor.Get("/compte/connexion").status, 200);  // for the CSRF token
  const std::string figeac_tile = TileOf("46102");
  for (int64_t i = 0; i < kClicksPerHour; ++i) {
    ASSERT_EQ(visitor.Api("POST", "/api/v1/clicks", json{{"tile", figeac_tile}}.dump()).status, 204)
        << i;
  }
  auto refused = visitor.Api("POST", "/api/v1/clicks", json{{"tile", figeac_tile}}.dump());
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("Trop de dalles consultées"), std::string::npos) << refused.body;
  EXPECT_EQ(LeadsOf(figeac_).now.anonymous_clicks, kClicksPerHour);
}

// Fields of the wrong JSON type are the caller's mistake, named in a 400; they answered
// 500 when read with json::value().
TEST_F(LeadsTest, WrongJsonTypesAreNamedNotServerFaults) {
  Browser alice = SignedIn("alice@exemple.fr");
  const std::string tile = TileOf("46042");
  struct Case {
    const char* path;
    json body;
    const char* field;
  };
  for (const Case& bad : std::vector<Case>{
           {"/api/v1/me/favourites", {{"kind", 5}, {"code", "46042"}}, "kind"},
           {"/api/v1/me/favourites",
            {{"kind", "commune"}, {"code", json::array({"46042"})}},
            "code"},
           {"/api/v1/clicks", {{"tile", tile}, {"linked", "oui"}}, "linked"},
           {"/api/v1/clicks",
            {{"tile", tile}, {"linked", true}, {"clicked_at", "hier"}},
            "clicked_at"},
           {"/api/v1/me/searches", json::array({1, 2}), "body"},
       }) {
    auto answer = alice.Api("POST", bad.path, bad.body.dump());
    EXPECT_EQ(answer.status, 400) << bad.path << " " << bad.body.dump() << ": " << answer.body;
    EXPECT_EQ(json::parse(answer.body)["error"].value("field", ""), bad.field) << answer.body;
  }
  EXPECT_EQ(site_.errors().find("failed"), std::string::npos) << site_.errors();
}

TEST_F(LeadsTest, NothingIsDisclosedWithoutConsentAndWithdrawalRemovesAtOnce) {
  for (const char* email : {"alice@exemple.fr", "bruno@exemple.fr", "chloe@exemple.fr"}) {
    Browser person = SignedIn(email);
    ASSERT_EQ(person.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  }
  PartnerLeads epci = LeadsOf(epci_);
  EXPECT_EQ(epci.now.contacts, 3) << "everyone counts";
  EXPECT_EQ(epci.disclosed_total, 2);
  std::map<int64_t, LeadKind> kinds = Kinds(epci);
  EXPECT_EQ(kinds.count(bruno_), 0u) << "Bruno consented to nothing";
  for (const DisclosedLead& item : epci.people) {
    if (item.person.user_id == alice_) {
      EXPECT_EQ(item.person.email, "alice@exemple.fr");
      ASSERT_EQ(item.person.sections.size(), 1u);
      EXPECT_EQ(item.person.sections[0].scope, "funds");
      EXPECT_TRUE(item.person.wishes.empty()) << "housing wishes not consented";
    } else {
      EXPECT_EQ(item.person.user_id, chloe_);
      EXPECT_TRUE(item.person.email.empty()) << "Chloé did not share her identity";
      ASSERT_EQ(item.person.sections.size(), 1u);
      EXPECT_EQ(item.person.sections[0].scope, "work");
      EXPECT_EQ(item.person.wishes, std::set<std::string>{"work"});
    }
  }
  // The page shows the same, escaped.
  Browser agent = SignedIn("admin@cahors-agglo.fr");
  Page page = agent.Get("/partenaire/grand-cahors/contacts");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "alice@exemple.fr"));
  EXPECT_TRUE(Contains(page.body, "Personne qui ne partage pas son identité"));
  EXPECT_FALSE(Contains(page.body, "bruno@exemple.fr"));
  EXPECT_FALSE(Contains(page.body, "chloe@exemple.fr"));
  EXPECT_FALSE(Contains(page.body, kFormulaName)) << "escaped";
  EXPECT_TRUE(Contains(page.body, "85")) << "Alice's funds";

  // Alice withdraws her identity, then everything: gone from the page and the export.
  Connection connection = database_.db().Acquire();
  profiles::ProfileStore::SetConsents(connection, alice_, {{"identity", false}},
                                      clock_.NowSeconds());
  page = agent.Get("/partenaire/grand-cahors/contacts");
  EXPECT_FALSE(Contains(page.body, "alice@exemple.fr"));
  profiles::ProfileStore::SetConsents(connection, alice_, {{"funds", false}}, clock_.NowSeconds());
  epci = LeadsOf(epci_);
  EXPECT_EQ(epci.disclosed_total, 1);
  EXPECT_EQ(epci.now.contacts, 3) << "she still counts";
  Page csv = agent.Get("/partenaire/grand-cahors/contacts/export.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_FALSE(Contains(csv.body, "alice@exemple.fr"));
  // The history of her consents stays, for proof.
  EXPECT_EQ(profiles::ProfileStore::ConsentHistory(connection, alice_).size(), 4u);
}

TEST_F(LeadsTest, ExportsHoldTheConsentedDetailsFormulaSafe) {
  Browser alice = SignedIn("alice@exemple.fr");
  ASSERT_EQ(alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  Browser agent = SignedIn("admin@cahors-agglo.fr");
  Page csv = agent.Get("/partenaire/grand-cahors/contacts/export.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_TRUE(csv.content_type.starts_with("text/csv"));
  EXPECT_EQ(csv.cache_control, "no-store");
  EXPECT_TRUE(Contains(csv.body, "Type;Depuis le;"));
  EXPECT_TRUE(Contains(csv.body, "\"'=HYPERLINK(\"\"http://x\"\")\"")) << csv.body;
  EXPECT_TRUE(Contains(csv.body, "alice@exemple.fr"));
  EXPECT_TRUE(Contains(csv.body, "Cahors"));
  EXPECT_TRUE(Contains(csv.body, ";85000;") || Contains(csv.body, ";85000\r\n")) << csv.body;
  EXPECT_FALSE(Contains(csv.body, "Maison")) << "housing wishes not consented";
  Page xlsx = agent.Get("/partenaire/grand-cahors/contacts/export.xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_TRUE(xlsx.body.starts_with("PK")) << "a zip container";
  // Filters narrow the export: nobody wants a business here.
  Page filtered = agent.Get("/partenaire/grand-cahors/contacts/export.csv?souhait=business");
  EXPECT_FALSE(Contains(filtered.body, "alice@exemple.fr"));
}

TEST_F(LeadsTest, APartnerNeverSeesAnothersLeads) {
  Browser alice = SignedIn("alice@exemple.fr");
  ASSERT_EQ(alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  Browser figeac = SignedIn("admin@figeac.fr");
  for (const std::string target :
       {"/partenaire/grand-cahors/contacts", "/partenaire/grand-cahors/contacts/export.csv",
        "/partenaire/grand-cahors/contacts/export.xlsx", "/partenaire/cahors/contacts"}) {
    Page page = figeac.Get(target);
    EXPECT_EQ(page.status, 404) << target;
    EXPECT_FALSE(Contains(page.body, "alice@exemple.fr")) << target;
  }
  Page own = figeac.Get("/partenaire/figeac/contacts");
  ASSERT_EQ(own.status, 200);
  EXPECT_FALSE(Contains(own.body, "alice@exemple.fr"));
  // A viewer of the EPCI and an operator may read them; a visitor is sent to log in.
  EXPECT_TRUE(
      Contains(SignedIn("lecture@cahors-agglo.fr").Get("/partenaire/grand-cahors/contacts").body,
               "alice@exemple.fr"));
  EXPECT_TRUE(
      Contains(SignedIn("operateur@exemple.fr").Get("/partenaire/grand-cahors/contacts").body,
               "alice@exemple.fr"));
  Browser visitor(app_);
  Page anonymous = visitor.Get("/partenaire/grand-cahors/contacts/export.csv");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_TRUE(anonymous.location.starts_with("/compte/connexion"));
  // Alice herself, an exodeur, is no partner's staff.
  EXPECT_EQ(alice.Get("/partenaire/grand-cahors/contacts").status, 404);
}

TEST_F(LeadsTest, FiltersAndBadDates) {
  Browser alice = SignedIn("alice@exemple.fr");
  ASSERT_EQ(alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  Browser agent = SignedIn("admin@cahors-agglo.fr");
  EXPECT_TRUE(Contains(agent.Get("/partenaire/grand-cahors/contacts?commune=46042").body,
                       "alice@exemple.fr"));
  EXPECT_FALSE(Contains(agent.Get("/partenaire/grand-cahors/contacts?commune=46128").body,
                        "alice@exemple.fr"));
  EXPECT_FALSE(Contains(agent.Get("/partenaire/grand-cahors/contacts?type=prospect").body,
                        "alice@exemple.fr"));
  EXPECT_TRUE(Contains(agent.Get("/partenaire/grand-cahors/contacts?type=contact").body,
                       "alice@exemple.fr"));
  EXPECT_FALSE(Contains(agent.Get("/partenaire/grand-cahors/contacts?au=2020-01-01").body,
                        "alice@exemple.fr"))
      << "she became a contact after that period";
  // Dates as French people type them.
  Page french = agent.Get("/partenaire/grand-cahors/contacts?au=01%2F01%2F2020");
  EXPECT_FALSE(Contains(french.body, "alice@exemple.fr"));
  EXPECT_TRUE(Contains(french.body, "value=\"01&#x2F;01&#x2F;2020\"")) << "shown as typed";
  Page bad = agent.Get("/partenaire/grand-cahors/contacts?du=31%2F02%2F2026");
  ASSERT_EQ(bad.status, 200);
  EXPECT_TRUE(Contains(bad.body, "Date de début illisible")) << bad.body;
  EXPECT_EQ(agent.Get("/partenaire/grand-cahors/contacts/export.csv?du=demain").status, 400);
}

TEST_F(LeadsTest, ATerritoryChangedByAnOperatorIsRecomputed) {
  Browser alice = SignedIn("alice@exemple.fr");
  ASSERT_EQ(alice.Api("POST", "/api/v1/me/searches", SearchOf({"46042"})).status, 201);
  ASSERT_EQ(alice.Api("POST", "/api/v1/clicks", json{{"tile", TileOf("46042")}}.dump()).status,
            204);
  EXPECT_EQ(LeadsOf(figeac_).now.prospects, 0);
  // The operator adds Cahors to Figeac's territory (a made-up change, for the test).
  Browser operator_browser = SignedIn("operateur@exemple.fr");
  ASSERT_EQ(operator_browser.Get("/operateur/partenaires/" + std::to_string(figeac_.id)).status,
            200);
  Page changed = operator_browser.Post("/operateur/partenaires/" + std::to_string(figeac_.id),
                                       {{"kind", "commune"},
                                        {"name", "Ville de Figeac"},
                                        {"slug", "figeac"},
                                        {"communes", "46102 46042"},
                                        {"epcis", ""},
                                        {"departements", ""}});
  ASSERT_EQ(changed.status, 303) << changed.body;
  EXPECT_EQ(LeadsOf(figeac_).now.prospects, 1);
  EXPECT_EQ(LeadsOf(grouping_).now.prospects, 1) << "its grouping follows";
}

}  // namespace
}  // namespace vivrovert::leads
