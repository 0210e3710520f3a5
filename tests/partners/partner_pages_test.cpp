// The partner back-office (/partenaire/{slug}/…) and the operator's console (/operateur/…)
// end to end through the request pipeline (App::Handle, no sockets): the account pages for
// logging in, the session authenticator, CSRF, the partner pages, the listing service and
// the database under test, over a grid of the Lot (département 46) built once per binary
// from ../shared/data.
//
// Two partners: A, the CA du Grand Cahors (EPCI 200023737), and B, the commune of Figeac
// (46102), outside A's territory. Staff log in through /compte/connexion like a browser.
#include "web/partners/partner_pages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/text.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/audience/audience_store.hpp"
#include "domain/listings/import_log.hpp"
#include "domain/listings/import_runner.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/grid_file.hpp"
#include "support/lot_grid.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::partners {
namespace {

using accounts::Role;
using nlohmann::json;
using storage::Connection;

constexpr const char* kRoleReadOnly = "Votre rôle ne permet que la consultation.";
// As the error page shows it (mustache escapes the apostrophe).
constexpr const char* kAdminsOnly =
    "Seuls les administrateurs du partenaire gèrent les clés et l&#39;équipe.";
constexpr const char* kScript = "<script>alert(1)</script>";
// As mustache escapes it (mstch escapes '/' too).
constexpr const char* kScriptEscaped = "&lt;script&gt;alert(1)&lt;&#x2F;script&gt;";
constexpr const char* kImgPayload = "\"><img src=x onerror=alert(1)>";
constexpr const char* kFormula = "=HYPERLINK(\"http://x\")";

using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Occurrences;
using vivrovert::testing::Page;
using vivrovert::testing::Upload;

// The whole site as `vivrovert serve` builds it (support/test_site.hpp), over the grid of the
// Lot, with two partners, their staff and an operator.
class PartnerPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { grid_ = &vivrovert::testing::LotGrid(); }

  PartnerPagesTest() {
    Connection connection = database_.db().Acquire();
    cahors_ = CreatePartner(connection, PartnerKind::kEpci, "CA du Grand Cahors", "grand-cahors",
                            {{}, {"200023737"}, {}});
    figeac_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Figeac", "figeac",
                            {{"46102"}, {}, {}});
    operator_id_ = CreateUser(connection, "operateur@exemple.fr", Role::kOperator);
    for (const auto& [email, partner, role] :
         std::vector<std::tuple<std::string, Partner*, StaffRole>>{
             {"admin@cahors.fr", &cahors_, StaffRole::kAdmin},
             {"redaction@cahors.fr", &cahors_, StaffRole::kEditor},
             {"lecture@cahors.fr", &cahors_, StaffRole::kViewer},
             {"admin@figeac.fr", &figeac_, StaffRole::kAdmin}}) {
      const int64_t user_id = CreateUser(connection, email, Role::kPartnerStaff);
      const Status added =
          PartnerStore::SetStaff(connection, partner->id, user_id, role, clock_.NowSeconds());
      if (!added.ok()) throw std::runtime_error(added.ToString());
      staff_ids_[email] = user_id;
    }
  }

  Partner CreatePartner(Connection& connection, PartnerKind kind, const std::string& name,
                        const std::string& slug, engine::TerritoryCodes codes) {
    PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, clock_.NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    vivrovert::testing::Subscribe(connection, created->id);  // the base service, in force
    return *created;
  }

  int64_t CreateUser(Connection& connection, const std::string& email, Role role) {
    return vivrovert::testing::CreateUser(connection, email, role, clock_.NowSeconds());
  }

  Browser SignedIn(const std::string& email) { return site_.SignedIn(email); }

  int64_t Count(const std::string& table, const std::string& where = "") {
    return site_.Count(table, where);
  }
  int64_t ListingsOf(const Partner& partner) {
    return Count("listings",
                 "partner_id = " + std::to_string(partner.id) + " AND status = 'active'");
  }

  // Publishes a listing for `partner` directly through the service.
  int64_t Publish(const Partner& partner, const json& fields,
                  listings::Kind kind = listings::Kind::kHousing) {
    Connection connection = database_.db().Acquire();
    auto territory = ResolveTerritory(connection, *grid_, partner);
    if (!territory.ok()) throw std::runtime_error(territory.status().ToString());
    std::vector<listings::FieldError> errors;
    auto written = listings_.Upsert(PublisherFor(partner, *territory), kind, fields, &errors);
    if (!written.ok()) throw std::runtime_error(written.status().ToString() + " " + fields.dump());
    return written->listing.id;
  }

  // The import id a POST /import redirected to.
  static std::string ReportPath(const Page& posted) {
    EXPECT_EQ(posted.status, 303) << posted.body;
    return posted.location;
  }

  static inline const engine::GridFile* grid_ = nullptr;

  vivrovert::testing::TestSite site_;
  vivrovert::testing::TestDatabase& database_ = site_.database();
  ManualClock& clock_ = site_.clock();
  web::App& app_ = site_.app();
  listings::ListingService& listings_ = site_.site().listings();
  Partner cahors_;
  Partner figeac_;
  int64_t operator_id_ = 0;
  std::map<std::string, int64_t> staff_ids_;
};

const json kHouse = {{"external_id", "M-1"},     {"title", "Maison de bourg"},
                     {"commune_code", "46042"},  {"transaction", "sale"},
                     {"property_type", "house"}, {"rooms", 5},
                     {"price_eur", 185000}};

// The header and rows of a small housing file of the Grand Cahors: three rows, the third
// with a price in words.
const std::string kHeader =
    "kind;external_id;title;commune_code;transaction;property_type;rooms;price_eur\r\n";
const std::string kRow1 = "housing;CSV-1;Maison avec jardin;46042;Vente;Maison;4;185 000\r\n";
const std::string kRow2 = "logement;CSV-2;Appartement T2;46224;rent;flat;2;520,50\r\n";
const std::string kBadRow3 = "housing;CSV-3;Grange à rénover;46042;sale;farm;;douze euros\r\n";
const std::string kGoodRow3 = "housing;CSV-3;Grange à rénover;46042;sale;farm;;45 000\r\n";

TEST_F(PartnerPagesTest, StaffOfAnotherPartnerGetNotFoundOnEveryRoute) {
  // What Figeac has: a listing, an import, an API key, its admin.
  const int64_t listing = Publish(figeac_, {{"external_id", "F-1"},
                                            {"title", "Maison à Figeac"},
                                            {"commune_code", "46102"},
                                            {"transaction", "sale"},
                                            {"property_type", "house"},
                                            {"price_eur", 150000}});
  Browser figeac = SignedIn("admin@figeac.fr");
  Page imported =
      figeac.PostFile("/partenaire/figeac/import", {{"mode", "all_or_nothing"}},
                      {"f.csv", kHeader + "housing;F-2;Studio;46102;rent;flat;1;400\r\n"});
  const std::string report = ReportPath(imported);
  ASSERT_TRUE(report.starts_with("/partenaire/figeac/import/")) << report;
  const std::string import_id = report.substr(report.rfind('/') + 1);
  Connection connection = database_.db().Acquire();
  const int64_t key =
      PartnerStore::CreateApiKey(connection, SecureRandom::Instance(), figeac_.id, "write", "ERP",
                                 staff_ids_["admin@figeac.fr"], clock_.NowSeconds())
          .key.id;
  const std::string figeac_admin = std::to_string(staff_ids_["admin@figeac.fr"]);
  const int64_t figeac_listings = ListingsOf(figeac_);
  ASSERT_EQ(figeac_listings, 2);

  const std::string b = "/partenaire/figeac";
  const std::string id = std::to_string(listing);
  const std::vector<std::string> gets = {
      b, b + "?type=housing&statut=active", b + "/annonces/nouvelle",
      b + "/annonces/nouvelle?type=housing", b + "/annonces/" + id, b + "/import", report,
      report + "/rapport.csv", b + "/modele/housing.csv", b + "/export.csv", b + "/export.xlsx",
      b + "/cles", b + "/equipe", b + "/carte",
      // Figeac's ids under Cahors's own slug.
      "/partenaire/grand-cahors/annonces/" + id, "/partenaire/grand-cahors/import/" + import_id,
      "/partenaire/grand-cahors/import/" + import_id + "/rapport.csv"};
  const web::Fields house = {{"kind", "housing"},        {"title", "Intrus"},
                             {"commune_code", "46102"},  {"transaction", "sale"},
                             {"property_type", "house"}, {"price_eur", "1"}};
  const std::vector<std::pair<std::string, web::Fields>> posts = {
      {b + "/annonces", house},
      {b + "/annonces/" + id, house},
      {b + "/annonces/" + id + "/retrait", {}},
      {b + "/cles", {{"label", "vol"}, {"scope", "write"}}},
      {b + "/cles/" + std::to_string(key) + "/revocation", {}},
      {b + "/equipe", {{"email", "complice@exemple.fr"}, {"role", "admin"}}},
      {b + "/equipe/" + figeac_admin + "/retrait", {}},
      // Figeac's ids under Cahors's own slug.
      {"/partenaire/grand-cahors/annonces/" + id, house},
      {"/partenaire/grand-cahors/annonces/" + id + "/retrait", {}},
      {"/partenaire/grand-cahors/cles/" + std::to_string(key) + "/revocation", {}},
  };

  for (const char* email : {"admin@cahors.fr", "redaction@cahors.fr", "lecture@cahors.fr"}) {
    SCOPED_TRACE(email);
    Browser cahors = SignedIn(email);
    for (const std::string& target : gets) {
      Page page = cahors.Get(target);
      EXPECT_EQ(page.status, 404) << "GET " << target << "\n" << page.body;
      EXPECT_FALSE(Contains(page.body, "Maison à Figeac")) << target;
    }
    for (const auto& [target, form] : posts) {
      Page page = cahors.Post(target, form);
      if (target.starts_with("/partenaire/grand-cahors/") &&
          std::string(email) != "admin@cahors.fr") {
        // Under their own slug, a role short of the action is refused first, whatever the id.
        EXPECT_TRUE(page.status == 404 || page.status == 403)
            << "POST " << target << " " << page.status;
      } else {
        EXPECT_EQ(page.status, 404) << "POST " << target << "\n" << page.body;
      }
    }
    Page upload =
        cahors.PostFile(b + "/import", {{"mode", "valid_rows"}},
                        {"x.csv", kHeader + "housing;X-1;Intrus;46102;sale;house;;1\r\n"});
    EXPECT_EQ(upload.status, 404) << upload.body;
    // Their own space lists only their partner, and the console is not theirs.
    Page index = cahors.Get("/partenaire");
    EXPECT_EQ(index.status, 303);
    EXPECT_EQ(index.location, "/partenaire/grand-cahors");
    EXPECT_EQ(cahors.Get("/operateur").status, 404);
    EXPECT_EQ(cahors.Get("/operateur/partenaires/" + std::to_string(figeac_.id)).status, 404);
    EXPECT_EQ(cahors
                  .Post("/operateur/partenaires/" + std::to_string(figeac_.id),
                        {{"kind", "commune"}, {"name", "Pris"}, {"communes", "46042"}})
                  .status,
              404);
  }
  // A partner that exists and one that does not look the same from outside.
  Browser cahors = SignedIn("admin@cahors.fr");
  EXPECT_EQ(cahors.Get("/partenaire/nulle-part").status, 404);
  EXPECT_EQ(cahors.Get("/partenaire/nulle-part/carte").status, 404);

  // Nothing of Figeac's changed.
  EXPECT_EQ(ListingsOf(figeac_), figeac_listings);
  EXPECT_EQ(Count("listings", "title = 'Intrus'"), 0);
  EXPECT_EQ(Count("api_keys", "partner_id = " + std::to_string(figeac_.id)), 1);
  EXPECT_EQ(Count("api_keys", "revoked_at IS NOT NULL"), 0);
  EXPECT_EQ(Count("partner_staff", "partner_id = " + std::to_string(figeac_.id)), 1);
  EXPECT_EQ(Count("users", "email = 'complice@exemple.fr'"), 0);
  EXPECT_EQ(Count("listing_imports"), 1);
  EXPECT_EQ(PartnerStore::Get(connection, figeac_.id)->name, "Ville de Figeac");
  // Anonymous visitors are sent to the login page.
  Browser anonymous(app_);
  Page anonymous_page = anonymous.Get(b + "/carte");
  EXPECT_EQ(anonymous_page.status, 303);
  EXPECT_EQ(anonymous_page.location, "/compte/connexion?suivant=" + b + "/carte");
}

TEST_F(PartnerPagesTest, AViewerReadsButCannotPost) {
  const int64_t listing = Publish(cahors_, kHouse);
  Browser viewer = SignedIn("lecture@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  for (const std::string& target :
       {a, a + "/annonces/" + std::to_string(listing), a + "/import", a + "/carte", a + "/equipe",
        a + "/export.csv", a + "/export.xlsx", a + "/modele/job.csv"}) {
    EXPECT_EQ(viewer.Get(target).status, 200) << target;
  }
  Page dashboard = viewer.Get(a);
  EXPECT_TRUE(Contains(dashboard.body, "Maison de bourg"));
  EXPECT_FALSE(Contains(dashboard.body, "Nouvelle annonce</a>")) << "no creation link for a viewer";
  EXPECT_FALSE(Contains(viewer.Get(a + "/import").body, "id=\"import-form\""));
  EXPECT_FALSE(
      Contains(viewer.Get(a + "/annonces/" + std::to_string(listing)).body, "Retirer l'annonce"));

  const web::Fields house = {{"kind", "housing"},        {"title", "Ajout"},
                             {"commune_code", "46042"},  {"transaction", "sale"},
                             {"property_type", "house"}, {"price_eur", "1000"}};
  for (const auto& [target, form] : std::vector<std::pair<std::string, web::Fields>>{
           {a + "/annonces", house},
           {a + "/annonces/" + std::to_string(listing), house},
           {a + "/annonces/" + std::to_string(listing) + "/retrait", {}}}) {
    Page page = viewer.Post(target, form);
    EXPECT_EQ(page.status, 403) << target << "\n" << page.body;
    EXPECT_TRUE(Contains(page.body, kRoleReadOnly)) << target << "\n" << page.body;
  }
  EXPECT_EQ(viewer.Get(a + "/annonces/nouvelle").status, 403);
  Page upload = viewer.PostFile(a + "/import", {}, {"a.csv", kHeader + kRow1});
  EXPECT_EQ(upload.status, 403);
  EXPECT_TRUE(Contains(upload.body, kRoleReadOnly));
  for (const auto& [target, form] : std::vector<std::pair<std::string, web::Fields>>{
           {a + "/cles", {{"label", "x"}}},
           {a + "/equipe", {{"email", "nouveau@cahors.fr"}, {"role", "admin"}}},
           {a + "/equipe/" + std::to_string(staff_ids_["admin@cahors.fr"]) + "/retrait", {}}}) {
    Page page = viewer.Post(target, form);
    EXPECT_EQ(page.status, 403) << target << "\n" << page.body;
  }
  EXPECT_EQ(viewer.Get(a + "/cles").status, 403);
  // Nothing changed.
  EXPECT_EQ(ListingsOf(cahors_), 1);
  EXPECT_EQ(Count("listings", "title = 'Ajout'"), 0);
  EXPECT_EQ(Count("listing_imports"), 0);
  EXPECT_EQ(Count("api_keys"), 0);
  EXPECT_EQ(Count("partner_staff", "partner_id = " + std::to_string(cahors_.id)), 3);
}

TEST_F(PartnerPagesTest, AnEditorPublishesButCannotManageKeysOrStaff) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  Page created = editor.Post(a + "/annonces", {{"kind", "housing"},
                                               {"title", "Maison de bourg"},
                                               {"commune_code", "46042"},
                                               {"transaction", "sale"},
                                               {"property_type", "house"},
                                               {"price_eur", "185 000"}});
  ASSERT_EQ(created.status, 303) << created.body;
  EXPECT_EQ(ListingsOf(cahors_), 1);
  Page imported =
      editor.PostFile(a + "/import", {{"mode", "all_or_nothing"}}, {"a.csv", kHeader + kRow1});
  EXPECT_EQ(imported.status, 303) << imported.body;
  EXPECT_EQ(ListingsOf(cahors_), 2);

  Page keys = editor.Get(a + "/cles");
  EXPECT_EQ(keys.status, 403);
  EXPECT_TRUE(Contains(keys.body, kAdminsOnly));
  Page dashboard = editor.Get(a);
  EXPECT_TRUE(Contains(dashboard.body, "Nouvelle annonce</a>"));
  EXPECT_FALSE(Contains(dashboard.body, "API</a>")) << "no link to the keys";
  EXPECT_TRUE(Contains(editor.Get(a + "/import").body, "id=\"import-form\""));
  EXPECT_TRUE(Contains(SignedIn("admin@cahors.fr").Get(a).body, "Clés d'API</a>"));
  for (const auto& [target, form] : std::vector<std::pair<std::string, web::Fields>>{
           {a + "/cles", {{"label", "x"}, {"scope", "write"}}},
           {a + "/equipe", {{"email", "nouveau@cahors.fr"}, {"role", "admin"}}},
           {a + "/equipe/" + std::to_string(staff_ids_["admin@cahors.fr"]) + "/retrait", {}},
           {a + "/equipe/" + std::to_string(staff_ids_["redaction@cahors.fr"]) + "/retrait", {}}}) {
    Page page = editor.Post(target, form);
    EXPECT_EQ(page.status, 403) << target << "\n" << page.body;
    EXPECT_TRUE(Contains(page.body, kAdminsOnly)) << target;
  }
  Page staff = editor.Get(a + "/equipe");
  EXPECT_EQ(staff.status, 200);
  EXPECT_FALSE(Contains(staff.body, "Inviter une personne"));
  EXPECT_EQ(Count("api_keys"), 0);
  EXPECT_EQ(Count("partner_staff", "partner_id = " + std::to_string(cahors_.id)), 3);
  EXPECT_EQ(Count("users", "email = 'nouveau@cahors.fr'"), 0);
}

TEST_F(PartnerPagesTest, AnOperatorDoesEverythingEverywhere) {
  Browser op = SignedIn("operateur@exemple.fr");
  for (const Partner* partner : {&cahors_, &figeac_}) {
    SCOPED_TRACE(partner->slug);
    const std::string base = "/partenaire/" + partner->slug;
    const std::string commune = partner == &cahors_ ? "46042" : "46102";
    Page created = op.Post(base + "/annonces", {{"kind", "job"},
                                                {"title", "Secrétaire de mairie"},
                                                {"commune_code", commune},
                                                {"rome_code", "M1602"},
                                                {"contract", "civil_service"}});
    ASSERT_EQ(created.status, 303) << created.body;
    const std::string listing = created.location.substr(0, created.location.find('?'));
    EXPECT_EQ(op.Get(listing).status, 200);
    EXPECT_EQ(op.Post(listing, {{"title", "Secrétaire de mairie (H/F)"},
                                {"commune_code", commune},
                                {"rome_code", "M1602"},
                                {"contract", "civil_service"}})
                  .status,
              303);
    EXPECT_EQ(op.Post(listing + "/retrait", {}).status, 303);
    Page imported = op.PostFile(
        base + "/import", {{"kind", "housing"}},
        {"op.csv",
         "external_id;title;commune_code;transaction;property_type;price_eur\r\nOP-1;Maison;" +
             commune + ";sale;house;100000\r\n"});
    const std::string report = ReportPath(imported);
    Page report_page = op.Get(report);
    EXPECT_EQ(report_page.status, 200);
    EXPECT_TRUE(Contains(report_page.body, "data-outcome=\"applied\"")) << report_page.body;
    for (const std::string& page :
         {base, base + "/carte", base + "/import", base + "/cles", base + "/equipe",
          base + "/export.csv", base + "/export.xlsx"}) {
      EXPECT_EQ(op.Get(page).status, 200) << page;
    }
    Page key = op.Post(base + "/cles", {{"label", "ERP"}, {"scope", "read"}});
    EXPECT_EQ(key.status, 200) << key.body;
    Page invited = op.Post(base + "/equipe", {{"email", "invite-" + partner->slug + "@exemple.fr"},
                                              {"role", "editor"}});
    EXPECT_EQ(invited.status, 303) << invited.body;
  }
  EXPECT_EQ(ListingsOf(cahors_), 1);
  EXPECT_EQ(ListingsOf(figeac_), 1);
  EXPECT_EQ(Count("api_keys"), 2);
  EXPECT_EQ(Count("users", "email LIKE 'invite-%'"), 2);
  EXPECT_EQ(Count("mail_outbox", "to_address LIKE 'invite-%'"), 2)
      << "each invited person is mailed a link to choose a password";
  // Revoke the key, remove a staff member.
  Connection connection = database_.db().Acquire();
  const int64_t key_id = PartnerStore::ApiKeys(connection, figeac_.id).front().id;
  EXPECT_EQ(op.Post("/partenaire/figeac/cles/" + std::to_string(key_id) + "/revocation", {}).status,
            303);
  EXPECT_TRUE(PartnerStore::ApiKeys(connection, figeac_.id).front().revoked_at.has_value());
  const int64_t invited_id =
      connection.QueryOne("SELECT id FROM users WHERE email = 'invite-figeac@exemple.fr'")->Int(0);
  EXPECT_EQ(
      op.Post("/partenaire/figeac/equipe/" + std::to_string(invited_id) + "/retrait", {}).status,
      303);
  EXPECT_FALSE(PartnerStore::RoleOf(connection, figeac_.id, invited_id).has_value());
  // The console's audience figures: the last 30 days, by day, page and source.
  {
    const std::time_t now = static_cast<std::time_t>(clock_.NowSeconds());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char today[11];
    std::strftime(today, sizeof today, "%Y-%m-%d", &utc);
    audience::AudienceStore::Add(connection, {{today, "/annonces/{id}", "lemonde.fr", 41},
                                              {today, "/", "moteur de recherche", 1},
                                              {"2000-01-01", "/vieille-page", "direct", 7}});
  }
  Page console = op.Get("/operateur");
  EXPECT_EQ(console.status, 200);
  EXPECT_TRUE(Contains(console.body, "Pages vues depuis le"));
  // As mustache escapes it.
  EXPECT_TRUE(Contains(console.body,
                       "<td><code>&#x2F;annonces&#x2F;{id}</code></td><td class=\"num\">41</td>"));
  EXPECT_TRUE(Contains(console.body, "<td>lemonde.fr</td><td class=\"num\">41</td>"));
  EXPECT_TRUE(Contains(console.body, "<td>moteur de recherche</td><td class=\"num\">1</td>"));
  EXPECT_FALSE(Contains(console.body, "vieille-page")) << "older than 30 days";
  EXPECT_TRUE(Contains(console.body, "CA du Grand Cahors"));
  EXPECT_TRUE(Contains(console.body, "Ville de Figeac"));
  Page index = op.Get("/partenaire");
  EXPECT_EQ(index.status, 200);
  EXPECT_TRUE(Contains(index.body, "Ville de Figeac</a>"));
  EXPECT_TRUE(Contains(index.body, "CA du Grand Cahors</a>"));
}

TEST_F(PartnerPagesTest, TheLastAdministratorCanBeNeitherRemovedNorDemoted) {
  // As the staff page shows it (mustache escapes the apostrophes).
  const std::string last_admin = "C&#39;est le dernier administrateur de ce partenaire";
  const std::string figeac = "/partenaire/figeac/equipe";
  const std::string admin_id = std::to_string(staff_ids_["admin@figeac.fr"]);
  Connection connection = database_.db().Acquire();
  auto user_id = [&](const std::string& email) {
    return connection.QueryOne("SELECT id FROM users WHERE email = $1", {email})->Int(0);
  };
  auto role_of = [&](const std::string& email) {
    return PartnerStore::RoleOf(connection, figeac_.id, user_id(email));
  };

  // Figeac's only administrator can neither leave nor step down, and the page says why.
  Browser admin = SignedIn("admin@figeac.fr");
  Page removed = admin.Post(figeac + "/" + admin_id + "/retrait", {});
  EXPECT_EQ(removed.status, 409);
  EXPECT_TRUE(Contains(removed.body, "id=\"staff-error\"")) << removed.body;
  EXPECT_TRUE(Contains(removed.body, last_admin)) << removed.body;
  EXPECT_TRUE(Contains(removed.body, "Nommez d&#39;abord un autre administrateur."))
      << removed.body;
  EXPECT_TRUE(Contains(removed.body, "admin@figeac.fr")) << "the staff table is still shown";
  Page demoted = admin.Post(figeac, {{"email", "admin@figeac.fr"}, {"role", "editor"}});
  EXPECT_EQ(demoted.status, 409);
  EXPECT_TRUE(Contains(demoted.body, last_admin)) << demoted.body;
  EXPECT_EQ(role_of("admin@figeac.fr"), StaffRole::kAdmin);

  // Nor can an operator take the role away from them.
  Browser op = SignedIn("operateur@exemple.fr");
  EXPECT_EQ(op.Post(figeac + "/" + admin_id + "/retrait", {}).status, 409);
  EXPECT_EQ(op.Post(figeac, {{"email", "admin@figeac.fr"}, {"role", "viewer"}}).status, 409);
  EXPECT_EQ(role_of("admin@figeac.fr"), StaffRole::kAdmin);
  // Confirming the administrator role changes nothing and is allowed.
  EXPECT_EQ(admin.Post(figeac, {{"email", "admin@figeac.fr"}, {"role", "admin"}}).status, 303);

  // Once a second administrator is named, the first may step down, then leave.
  EXPECT_EQ(admin.Post(figeac, {{"email", "adjointe@figeac.fr"}, {"role", "admin"}}).status, 303);
  EXPECT_EQ(admin.Post(figeac, {{"email", "admin@figeac.fr"}, {"role", "editor"}}).status, 303);
  EXPECT_EQ(role_of("admin@figeac.fr"), StaffRole::kEditor);
  EXPECT_EQ(op.Post(figeac + "/" + admin_id + "/retrait", {}).status, 303);
  EXPECT_FALSE(role_of("admin@figeac.fr").has_value());
  // The new one is now the last: the rule holds for them too, and a non-member is not found.
  const std::string adjointe_id = std::to_string(user_id("adjointe@figeac.fr"));
  EXPECT_EQ(op.Post(figeac + "/" + adjointe_id + "/retrait", {}).status, 409);
  EXPECT_EQ(op.Post(figeac + "/" + admin_id + "/retrait", {}).status, 404);
  EXPECT_EQ(role_of("adjointe@figeac.fr"), StaffRole::kAdmin);

  // Another partner's administrators are counted apart: Cahors has one admin too.
  Browser cahors = SignedIn("admin@cahors.fr");
  EXPECT_EQ(cahors
                .Post("/partenaire/grand-cahors/equipe/" +
                          std::to_string(staff_ids_["admin@cahors.fr"]) + "/retrait",
                      {})
                .status,
            409);
  // Removing an editor or a viewer is never refused.
  EXPECT_EQ(cahors
                .Post("/partenaire/grand-cahors/equipe/" +
                          std::to_string(staff_ids_["lecture@cahors.fr"]) + "/retrait",
                      {})
                .status,
            303);
}

TEST_F(PartnerPagesTest, AFormWithABadFieldIsShownAgainWithTheErrorNextToIt) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  Page form = editor.Get(a + "/annonces/nouvelle?type=housing");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Contains(form.body, "name=\"price_eur\""));
  Page refused = editor.Post(a + "/annonces", {{"kind", "housing"},
                                               {"title", "Maison de bourg"},
                                               {"commune_code", "46042"},
                                               {"transaction", "sale"},
                                               {"property_type", "house"},
                                               {"price_eur", "douze euros"}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  // The message sits under the price input, which points at it; the other values are kept.
  const size_t input = refused.body.find("id=\"f-price_eur\"");
  const size_t message = refused.body.find("<p class=\"field-error\" id=\"e-price_eur\">");
  ASSERT_NE(input, std::string::npos);
  ASSERT_NE(message, std::string::npos) << refused.body;
  EXPECT_LT(input, message);
  EXPECT_TRUE(Contains(refused.body.substr(input, message - input),
                       "aria-invalid=\"true\" aria-describedby=\"e-price_eur\""));
  const size_t text_start = refused.body.find('>', message) + 1;
  const std::string text =
      refused.body.substr(text_start, refused.body.find("</p>", text_start) - text_start);
  EXPECT_GT(text.size(), 10u) << "a French sentence: " << text;
  EXPECT_TRUE(Contains(refused.body,
                       "<strong>Prix (€), loyer mensuel pour une location</strong> : " + text))
      << "the summary names the field by its label";
  EXPECT_TRUE(Contains(refused.body, "id=\"form-errors\""));
  EXPECT_TRUE(Contains(refused.body, "L'annonce n'a pas été enregistrée"));
  EXPECT_TRUE(Contains(refused.body, "value=\"Maison de bourg\""));
  EXPECT_TRUE(Contains(refused.body, "value=\"douze euros\""));
  EXPECT_EQ(Count("listings"), 0);

  // A missing required field is named too.
  Page missing = editor.Post(a + "/annonces", {{"kind", "housing"},
                                               {"commune_code", "46042"},
                                               {"transaction", "sale"},
                                               {"property_type", "house"},
                                               {"price_eur", "1000"}});
  ASSERT_EQ(missing.status, 422);
  EXPECT_TRUE(Contains(missing.body, "id=\"e-title\""));
  EXPECT_EQ(Count("listings"), 0);

  // Fixed, it is stored; an edit with a bad field leaves the stored listing as it was.
  Page saved = editor.Post(a + "/annonces", {{"kind", "housing"},
                                             {"title", "Maison de bourg"},
                                             {"commune_code", "46042"},
                                             {"transaction", "sale"},
                                             {"property_type", "house"},
                                             {"price_eur", "185 000,50"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(Count("listings"), 1);
  const std::string listing = saved.location.substr(0, saved.location.find('?'));
  Page edit = editor.Post(listing, {{"title", "Maison de bourg"},
                                    {"commune_code", "46042"},
                                    {"transaction", "sale"},
                                    {"property_type", "house"},
                                    {"price_eur", "-5"}});
  EXPECT_EQ(edit.status, 422);
  EXPECT_TRUE(Contains(edit.body, "id=\"e-price_eur\""));
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(connection.QueryOne("SELECT details FROM listings")->Text(0).find("-5"),
            std::string::npos);
}

TEST_F(PartnerPagesTest, TheImportReportNamesAColumnAsTheFileHeaderWroteIt) {
  Browser editor = SignedIn("redaction@cahors.fr");
  // French labels as headers; line 2 has a price in words, line 3 an unknown kind.
  const std::string file =
      "Type d'annonce;Référence;Titre;Code commune INSEE;Transaction;Type de bien;Prix\r\n"
      "logement;FR-1;Maison;46042;Vente;Maison;douze euros\r\n"
      "chateau;FR-2;Château;46042;Vente;Maison;900000\r\n";
  Page posted = editor.PostFile("/partenaire/grand-cahors/import", {{"mode", "valid_rows"}},
                                {"libelles.csv", file});
  const std::string report_path = ReportPath(posted);
  Page report = editor.Get(report_path);
  ASSERT_EQ(report.status, 200);
  const size_t table = report.body.find("id=\"rejected-rows\"");
  ASSERT_NE(table, std::string::npos) << report.body;
  const std::string rows = report.body.substr(table);
  EXPECT_TRUE(Contains(rows, "<tr><td>2</td><td>Prix</td><td>")) << rows;
  EXPECT_TRUE(Contains(rows, "<tr><td>3</td><td>Type d&#39;annonce</td><td>")) << rows;
  EXPECT_FALSE(Contains(rows, "price_eur")) << rows;
  // The downloadable report gives the file's column and the field it stands for.
  Page csv = editor.Get(report_path + "/rapport.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(Contains(csv.body, "ligne;reference;colonne;champ;motif\r\n")) << csv.body;
  EXPECT_TRUE(Contains(csv.body, "\r\n2;\"FR-1\";\"Prix\";\"price_eur\";\"")) << csv.body;
  EXPECT_TRUE(Contains(csv.body, "\r\n3;\"FR-2\";\"Type d'annonce\";\"kind\";\"")) << csv.body;
  // A JSON file has no header: its keys are the field names.
  Page json_posted = editor.PostFile(
      "/partenaire/grand-cahors/import", {},
      {"annonces.json", R"([{"kind":"housing","external_id":"J-1","title":"Maison",)"
                        R"("commune_code":"46042","transaction":"sale",)"
                        R"("property_type":"house","price_eur":"douze"}])"});
  Page json_report = editor.Get(ReportPath(json_posted));
  EXPECT_TRUE(Contains(json_report.body, "<tr><td>1</td><td>price_eur</td><td>"))
      << json_report.body;
}

TEST_F(PartnerPagesTest, AListingOutsideTheTerritoryIsRefusedNamingTheCommune) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  Page refused = editor.Post(a + "/annonces", {{"kind", "housing"},
                                               {"title", "Maison à Figeac"},
                                               {"commune_code", "46102"},
                                               {"transaction", "sale"},
                                               {"property_type", "house"},
                                               {"price_eur", "150000"}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_TRUE(Contains(refused.body, "Figeac (46102), hors de votre territoire")) << refused.body;
  EXPECT_TRUE(Contains(refused.body, "id=\"e-commune_code\""));
  // Coordinates in Figeac (44.608 N, 2.032 E) too.
  Page by_point = editor.Post(a + "/annonces", {{"kind", "poi"},
                                                {"title", "Point à Figeac"},
                                                {"latitude", "44,6086"},
                                                {"longitude", "2,0317"},
                                                {"category", "health"}});
  ASSERT_EQ(by_point.status, 422) << by_point.body;
  EXPECT_TRUE(Contains(by_point.body, "Figeac (46102), hors de votre territoire")) << by_point.body;
  // And a file row: the report names the commune.
  Page imported =
      editor.PostFile(a + "/import", {},
                      {"figeac.csv", kHeader + "housing;FX-1;Maison;46102;sale;house;;150000\r\n"});
  Page report = editor.Get(ReportPath(imported));
  EXPECT_TRUE(Contains(report.body, "Figeac (46102), hors de votre territoire")) << report.body;
  EXPECT_EQ(Count("listings"), 0);
}

TEST_F(PartnerPagesTest, ImportAllOrNothingThenValidRowsThenAgainThenDryRun) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  const std::string bad_file = kHeader + kRow1 + kRow2 + kBadRow3;

  // All or nothing: the bad third row (line 4) rejects the file; the report names it.
  Page posted =
      editor.PostFile(a + "/import", {{"mode", "all_or_nothing"}}, {"annonces.csv", bad_file});
  const std::string rejected_path = ReportPath(posted);
  Page rejected = editor.Get(rejected_path);
  ASSERT_EQ(rejected.status, 200);
  EXPECT_TRUE(Contains(rejected.body, "data-outcome=\"rejected\"")) << rejected.body;
  EXPECT_TRUE(Contains(rejected.body, "Refusé : rien n&#39;a été enregistré") ||
              Contains(rejected.body, "Refusé : rien n'a été enregistré"))
      << rejected.body;
  EXPECT_TRUE(Contains(rejected.body, "Fichier <strong>annonces.csv</strong> (CSV), 3 ligne(s)"))
      << rejected.body;
  EXPECT_TRUE(Contains(rejected.body, "<strong id=\"count-created\">0</strong>"));
  EXPECT_TRUE(Contains(rejected.body, "<strong id=\"count-rejected\">1</strong>"));
  const size_t table = rejected.body.find("id=\"rejected-rows\"");
  ASSERT_NE(table, std::string::npos) << rejected.body;
  const std::string rows = rejected.body.substr(table);
  EXPECT_TRUE(Contains(rows, "<tr><td>4</td><td>price_eur</td><td>")) << rows;
  EXPECT_EQ(Occurrences(rows, "<tr><td>"), 1) << rows;
  EXPECT_EQ(Count("listings"), 0);
  // The downloadable report says the same.
  Page csv = editor.Get(rejected_path + "/rapport.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(csv.content_type.starts_with("text/csv"));
  EXPECT_TRUE(Contains(csv.body, "\r\n4;\"CSV-3\";\"price_eur\";\"price_eur\";\"")) << csv.body;

  // Valid rows only: the two good rows are stored, the bad one reported.
  Page partial = editor.Get(ReportPath(
      editor.PostFile(a + "/import", {{"mode", "valid_rows"}}, {"annonces.csv", bad_file})));
  EXPECT_TRUE(Contains(partial.body, "data-outcome=\"applied\"")) << partial.body;
  EXPECT_TRUE(Contains(partial.body, "<strong id=\"count-created\">2</strong>"));
  EXPECT_TRUE(Contains(partial.body, "<strong id=\"count-rejected\">1</strong>"));
  EXPECT_TRUE(Contains(partial.body, "<tr><td>4</td><td>price_eur</td><td>"));
  EXPECT_EQ(ListingsOf(cahors_), 2);
  EXPECT_EQ(Count("listings", "external_id = 'CSV-3'"), 0);

  // The same file again: nothing new.
  Page again = editor.Get(ReportPath(
      editor.PostFile(a + "/import", {{"mode", "valid_rows"}}, {"annonces.csv", bad_file})));
  EXPECT_TRUE(Contains(again.body, "<strong id=\"count-created\">0</strong>")) << again.body;
  EXPECT_TRUE(Contains(again.body, "<strong id=\"count-unchanged\">2</strong>"));
  EXPECT_EQ(ListingsOf(cahors_), 2);

  // The fixed file: the third row is created, the others unchanged; once more, all unchanged.
  const std::string fixed_file = kHeader + kRow1 + kRow2 + kGoodRow3;
  Page fixed =
      editor.Get(ReportPath(editor.PostFile(a + "/import", {}, {"annonces.csv", fixed_file})));
  EXPECT_TRUE(Contains(fixed.body, "<strong id=\"count-created\">1</strong>")) << fixed.body;
  EXPECT_TRUE(Contains(fixed.body, "<strong id=\"count-unchanged\">2</strong>"));
  EXPECT_EQ(ListingsOf(cahors_), 3);
  Connection connection = database_.db().Acquire();
  const int64_t updated_at = connection.QueryOne("SELECT MAX(updated_at) FROM listings")->Int(0);
  clock_.Advance(3600);
  Page unchanged =
      editor.Get(ReportPath(editor.PostFile(a + "/import", {}, {"annonces.csv", fixed_file})));
  EXPECT_TRUE(Contains(unchanged.body, "data-outcome=\"applied\"")) << unchanged.body;
  EXPECT_TRUE(Contains(unchanged.body, "<strong id=\"count-created\">0</strong>"));
  EXPECT_TRUE(Contains(unchanged.body, "<strong id=\"count-updated\">0</strong>"));
  EXPECT_TRUE(Contains(unchanged.body, "<strong id=\"count-unchanged\">3</strong>"));
  EXPECT_EQ(ListingsOf(cahors_), 3);
  EXPECT_EQ(connection.QueryOne("SELECT MAX(updated_at) FROM listings")->Int(0), updated_at);

  // A dry run of a changed file reports what would happen and stores nothing.
  const std::string changed = kHeader + kRow1 + kRow2 +
                              "housing;CSV-3;Grange à rénover;46042;sale;farm;;39 000\r\n" +
                              "housing;CSV-4;Terrain;46224;sale;land;;30000\r\n";
  Page dry = editor.Get(ReportPath(editor.PostFile(
      a + "/import", {{"mode", "all_or_nothing"}, {"dry_run", "1"}}, {"annonces.csv", changed})));
  EXPECT_TRUE(Contains(dry.body, "data-outcome=\"dry_run\"")) << dry.body;
  EXPECT_TRUE(Contains(dry.body, "Essai à blanc"));
  EXPECT_TRUE(Contains(dry.body, "<strong id=\"count-created\">1</strong>"));
  EXPECT_TRUE(Contains(dry.body, "<strong id=\"count-updated\">1</strong>"));
  EXPECT_TRUE(Contains(dry.body, "<strong id=\"count-unchanged\">2</strong>"));
  EXPECT_EQ(ListingsOf(cahors_), 3);
  EXPECT_EQ(Count("listings", "external_id = 'CSV-4'"), 0);
  EXPECT_EQ(connection.QueryOne("SELECT MAX(updated_at) FROM listings")->Int(0), updated_at);
  // Every import is listed on the import page.
  Page import_page = editor.Get(a + "/import");
  EXPECT_EQ(Occurrences(import_page.body, "<td>annonces.csv</td>"), 6) << import_page.body;
}

TEST_F(PartnerPagesTest, XssPayloadsAreShownAsTextAndFormulasAreNeutralisedInExports) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  Page created = editor.Post(a + "/annonces", {{"kind", "housing"},
                                               {"title", kScript},
                                               {"description", kImgPayload},
                                               {"commune_code", "46042"},
                                               {"transaction", "sale"},
                                               {"property_type", "house"},
                                               {"price_eur", "1000"},
                                               {"external_id", kImgPayload}});
  ASSERT_EQ(created.status, 303) << created.body;
  Page second = editor.Post(a + "/annonces", {{"kind", "poi"},
                                              {"title", kImgPayload},
                                              {"description", kFormula},
                                              {"latitude", "44.4475"},
                                              {"longitude", "1.4410"},
                                              {"category", "health"},
                                              {"external_id", "XSS-2"}});
  ASSERT_EQ(second.status, 303) << second.body;
  Page third = editor.Post(a + "/annonces", {{"kind", "poi"},
                                             {"title", kFormula},
                                             {"commune_code", "46224"},
                                             {"category", "health"},
                                             {"external_id", "XSS-3"}});
  ASSERT_EQ(third.status, 303) << third.body;
  const std::string listing = created.location.substr(0, created.location.find('?'));

  auto expect_inert = [](const Page& page, const std::string& where) {
    ASSERT_EQ(page.status, 200) << where;
    EXPECT_FALSE(Contains(page.body, "<script>alert")) << where;
    EXPECT_FALSE(Contains(page.body, "<img src=x")) << where;
    EXPECT_FALSE(Contains(page.body, "\"><img")) << where;
  };
  Page dashboard = editor.Get(a);
  expect_inert(dashboard, "dashboard");
  EXPECT_TRUE(Contains(dashboard.body, kScriptEscaped)) << dashboard.body;
  EXPECT_TRUE(Contains(dashboard.body, "&lt;img src=x onerror=alert(1)&gt;"));
  Page filtered = editor.Get(a + "?q=%3Cscript%3E");
  expect_inert(filtered, "dashboard filtered");
  EXPECT_TRUE(Contains(filtered.body, kScriptEscaped));

  Page edit = editor.Get(listing);
  expect_inert(edit, "edit form");
  EXPECT_TRUE(Contains(edit.body, "value=\"" + std::string(kScriptEscaped) + "\"")) << edit.body;
  EXPECT_TRUE(Contains(edit.body, "&lt;img src=x onerror=alert(1)&gt;</textarea>")) << edit.body;

  Page map = editor.Get(a + "/carte");
  expect_inert(map, "map");
  EXPECT_TRUE(Contains(map.body, "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"))
      << map.body;
  EXPECT_TRUE(Contains(map.body, "<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>"));
  EXPECT_EQ(Occurrences(map.body, "<circle class=\"listing"), 3);
  const size_t list = map.body.find("id=\"map-listings\"");
  ASSERT_NE(list, std::string::npos);
  EXPECT_TRUE(Contains(map.body.substr(list), kScriptEscaped));

  // A file whose name and cells carry the payloads, with a bad row: its report, the import
  // page and the downloadable report.
  Page posted =
      editor.PostFile(a + "/import", {},
                      {"<img src=x onerror=alert(1)>.csv",
                       kHeader + "housing;\"=HYPERLINK(\"\"http://x\"\")\";" + kScript +
                           ";46042;sale;house;;\"\"\"><img src=x onerror=alert(1)>\"\r\n"});
  const std::string report_path = ReportPath(posted);
  Page report = editor.Get(report_path);
  expect_inert(report, "import report");
  EXPECT_TRUE(Contains(report.body, "data-outcome=\"rejected\"")) << report.body;
  EXPECT_TRUE(
      Contains(report.body, "<strong>&lt;img src=x onerror=alert(1)&gt;.csv</strong> (CSV)"))
      << report.body;
  EXPECT_TRUE(Contains(report.body, "<tr><td>2</td><td>price_eur</td>")) << report.body;
  expect_inert(editor.Get(a + "/import"), "import page");
  Page report_csv = editor.Get(report_path + "/rapport.csv");
  ASSERT_EQ(report_csv.status, 200);
  EXPECT_TRUE(Contains(report_csv.body, ";\"'=HYPERLINK(\"\"http://x\"\")\";")) << report_csv.body;
  EXPECT_EQ(Occurrences(report_csv.body, "=HYPERLINK("),
            Occurrences(report_csv.body, "'=HYPERLINK("))
      << report_csv.body;

  Page console = SignedIn("operateur@exemple.fr").Get("/operateur");
  expect_inert(console, "operator console");
  EXPECT_TRUE(Contains(console.body, kScriptEscaped));

  // The CSV export: each formula starts with a quote, so no spreadsheet evaluates it.
  Page csv = editor.Get(a + "/export.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(csv.content_type.starts_with("text/csv"));
  EXPECT_TRUE(Contains(csv.body, "'=HYPERLINK(")) << csv.body;
  EXPECT_EQ(Occurrences(csv.body, "=HYPERLINK("), Occurrences(csv.body, "'=HYPERLINK("))
      << csv.body;
  EXPECT_EQ(Occurrences(csv.body, "'=HYPERLINK("), 2) << "title and description: " << csv.body;
  // The export reads back as it was written.
  Page reimported =
      editor.Get(ReportPath(editor.PostFile(a + "/import", {}, {"export.csv", csv.body})));
  EXPECT_TRUE(Contains(reimported.body, "data-outcome=\"applied\"")) << reimported.body;
  EXPECT_TRUE(Contains(reimported.body, "<strong id=\"count-rejected\">0</strong>"));
  EXPECT_TRUE(Contains(reimported.body, "<strong id=\"count-created\">0</strong>"));
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(connection
                .QueryOne("SELECT COUNT(*) FROM listings WHERE title = $1", {std::string(kFormula)})
                ->Int(0),
            1);
}

TEST_F(PartnerPagesTest, AnOversizedUploadIsRefusedWithAClearMessage) {
  Browser editor = SignedIn("redaction@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  std::string big = kHeader;
  while (big.size() <= listings::kMaxImportBytes) big += kRow1;
  Page posted = editor.PostFile(a + "/import", {}, {"gros.csv", big});
  Page report = editor.Get(ReportPath(posted));
  EXPECT_TRUE(Contains(report.body, "data-outcome=\"rejected\"")) << report.body.substr(0, 2000);
  EXPECT_TRUE(Contains(report.body, "<strong>gros.csv</strong> (format non reconnu)"))
      << report.body;
  EXPECT_TRUE(Contains(report.body,
                       "<tr><td>—</td><td>fichier</td><td>Fichier trop volumineux : 10 Mo au plus "
                       "par import.</td></tr>"))
      << report.body;
  EXPECT_EQ(Count("listings"), 0);
  // An empty form is refused before anything else.
  Page empty = editor.PostFile(a + "/import", {}, {"vide.csv", ""});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(Contains(empty.body, "Choisissez un fichier à importer."));
}

TEST_F(PartnerPagesTest, TheOperatorConsoleCreatesPartnersAndRefusesUnknownCodes) {
  Browser op = SignedIn("operateur@exemple.fr");
  Page form = op.Get("/operateur/partenaires/nouveau");
  ASSERT_EQ(form.status, 200);
  const int64_t before = Count("partners");
  Page unknown = op.Post(
      "/operateur/partenaires",
      {{"kind", "epci"}, {"name", "CC Inconnue"}, {"epcis", "200099999"}, {"communes", "46128"}});
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_TRUE(Contains(unknown.body, "id=\"partner-error\"")) << unknown.body;
  EXPECT_TRUE(Contains(unknown.body, "200099999")) << unknown.body;
  EXPECT_TRUE(Contains(unknown.body, "value=\"CC Inconnue\"")) << "the form keeps what was typed";
  Page outside = op.Post("/operateur/partenaires",
                         {{"kind", "commune"}, {"name", "Ailleurs"}, {"communes", "75056"}});
  EXPECT_EQ(outside.status, 422) << "a code of another département: not in this grid";
  EXPECT_TRUE(Contains(outside.body, "75056"));
  EXPECT_EQ(Count("partners"), before);

  Page created = op.Post("/operateur/partenaires", {{"kind", "commune"},
                                                    {"name", "Commune de Gramat"},
                                                    {"communes", "46128, 46102"},
                                                    {"options", "barometer"}});
  ASSERT_EQ(created.status, 303) << created.body;
  ASSERT_TRUE(created.location.starts_with("/operateur/partenaires/")) << created.location;
  Connection connection = database_.db().Acquire();
  std::optional<Partner> gramat = PartnerStore::FindBySlug(connection, "commune-de-gramat");
  ASSERT_TRUE(gramat.has_value());
  std::vector<std::string> communes = gramat->territory.communes;
  std::sort(communes.begin(), communes.end());
  EXPECT_EQ(communes, (std::vector<std::string>{"46102", "46128"}));
  // A form field cannot grant an option: only a contract does.
  EXPECT_FALSE(subscriptions::SubscriptionStore::For(connection, gramat->id, "2026-03-01")
                   .Has(subscriptions::ProductCode::kOption1));
  Page edit = op.Get(created.location);
  EXPECT_EQ(edit.status, 200);
  EXPECT_TRUE(Contains(edit.body, "46128"));
  EXPECT_TRUE(Contains(edit.body, "46102"));
  // An edit with an unknown code changes nothing.
  Page bad_edit =
      op.Post(created.location,
              {{"kind", "commune"}, {"name", "Commune de Gramat"}, {"communes", "46999"}});
  EXPECT_EQ(bad_edit.status, 422);
  EXPECT_TRUE(Contains(bad_edit.body, "46999"));
  EXPECT_EQ(PartnerStore::FindBySlug(connection, "commune-de-gramat")->territory.communes.size(),
            2u);
  // The new partner's map is part of the base service: refused until a contract holds it,
  // then it shows its two communes.
  EXPECT_EQ(op.Get("/partenaire/commune-de-gramat/carte").status, 403);
  vivrovert::testing::Subscribe(connection, gramat->id);
  Page map = op.Get("/partenaire/commune-de-gramat/carte");
  EXPECT_EQ(map.status, 200);
  EXPECT_TRUE(Contains(map.body, "2 commune(s)")) << map.body.substr(0, 3000);
  // Staff cannot reach the console.
  Browser staff = SignedIn("admin@cahors.fr");
  EXPECT_EQ(staff.Get("/operateur/partenaires/nouveau").status, 404);
  EXPECT_EQ(staff
                .Post("/operateur/partenaires",
                      {{"kind", "commune"}, {"name", "Pirate"}, {"communes", "46042"}})
                .status,
            404);
  EXPECT_FALSE(PartnerStore::FindBySlug(connection, "pirate").has_value());
}

TEST_F(PartnerPagesTest, AnApiKeyIsShownOnceAndStoredHashed) {
  Browser admin = SignedIn("admin@cahors.fr");
  const std::string a = "/partenaire/grand-cahors";
  ASSERT_EQ(admin.Get(a + "/cles").status, 200);
  Page created = admin.Post(a + "/cles", {{"label", kScript}, {"scope", "write"}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.cache_control, "no-store");
  const std::string marker = "<code id=\"api-key-secret\">";
  const size_t start = created.body.find(marker);
  ASSERT_NE(start, std::string::npos) << created.body;
  const std::string secret = created.body.substr(
      start + marker.size(), created.body.find('<', start + marker.size()) - start - marker.size());
  ASSERT_TRUE(secret.starts_with("vvk_")) << secret;
  EXPECT_EQ(secret.size(), 4u + 43u);

  // The list shows its start only, and the label as text.
  Page list = admin.Get(a + "/cles");
  EXPECT_FALSE(Contains(list.body, secret));
  EXPECT_TRUE(Contains(list.body, "<code>" + secret.substr(0, 12) + "…</code>")) << list.body;
  EXPECT_FALSE(Contains(list.body, "<script>alert"));
  // The database keeps its hash, never the key.
  Connection connection = database_.db().Acquire();
  std::vector<storage::Row> rows =
      connection.Query("SELECT prefix, key_hash, scope, label FROM api_keys");
  ASSERT_EQ(rows.size(), 1u);
  for (size_t column = 0; column < rows[0].size(); ++column) {
    EXPECT_FALSE(Contains(rows[0].Text(column), secret.substr(12)))
        << "column " << column << " holds the key";
  }
  EXPECT_EQ(connection.QueryOne("SELECT key_hash FROM api_keys")->Text(0), Sha256Hex(secret));
  EXPECT_TRUE(
      PartnerStore::AuthenticateApiKey(connection, secret, clock_.NowSeconds()).has_value());
  // Revoked from the page, it no longer opens anything.
  const int64_t key_id = connection.QueryOne("SELECT id FROM api_keys")->Int(0);
  EXPECT_EQ(admin.Post(a + "/cles/" + std::to_string(key_id) + "/revocation", {}).status, 303);
  EXPECT_FALSE(
      PartnerStore::AuthenticateApiKey(connection, secret, clock_.NowSeconds()).has_value());
  EXPECT_TRUE(Contains(admin.Get(a + "/cles").body, "révoquée"));
}

TEST_F(PartnerPagesTest, TheOperatorConsoleShowsTheMailQueueAndReactivatesBouncingAddresses) {
  const int64_t now = clock_.NowSeconds();
  {
    Connection connection = database_.db().Acquire();
    auto queue = [&](const std::string& key, const std::string& subject, int64_t at) {
      ASSERT_TRUE(
          mail::Enqueue(connection, {key, key + "@exemple.fr", subject, "texte", "", {}}, at));
    };
    queue("vieux-envoye", "Envoyé avant-hier", now - 2 * 86400);
    queue("refuse", kScript, now - 86400);
    queue("envoye", "Envoyé tout à l'heure", now - 86400);
    std::vector<mail::ClaimedMessage> claimed = mail::ClaimDue(connection, now - 86400, 600, 3);
    ASSERT_EQ(claimed.size(), 3u);
    ASSERT_TRUE(mail::MarkSent(connection, claimed[0], now - 2 * 86400 + 60));
    ASSERT_TRUE(
        mail::MarkFailed(connection, claimed[1], "550 5.1.1 <refuse@exemple.fr> No such mailbox"));
    ASSERT_TRUE(mail::MarkSent(connection, claimed[2], now - 3600));
    queue("attend-1", "En attente depuis deux heures", now - 7200);
    queue("attend-2", "En attente", now - 60);
    queue("plus-tard", "Pour plus tard", now + 3600);
    mail::RecordBounce(connection, "refuse@exemple.fr", claimed[1].id, "550 5.1.1 No such mailbox",
                       now - 86400);
    mail::RecordBounce(connection, "perdu@exemple.fr", claimed[1].id, "550 5.1.1 User unknown",
                       now - 3600);
  }
  Browser op = SignedIn("operateur@exemple.fr");
  Page console = op.Get("/operateur");
  ASSERT_EQ(console.status, 200) << console.body;
  EXPECT_TRUE(Contains(console.body, "<h2 id=\"courrier\">Courrier</h2>"));
  EXPECT_TRUE(Contains(console.body, "<td class=\"num\" data-count=\"pending\">3</td>"))
      << console.body;
  EXPECT_TRUE(Contains(console.body, "<td class=\"num\" data-count=\"pending_due\">2</td>"));
  EXPECT_TRUE(Contains(console.body, "<td class=\"num\" data-count=\"sending\">0</td>"));
  EXPECT_TRUE(Contains(console.body, "<td class=\"num\" data-count=\"failed\">1</td>"));
  EXPECT_TRUE(Contains(console.body, "<td class=\"num\" data-count=\"sent_24h\">1</td>"));
  EXPECT_TRUE(Contains(console.body, "<td data-count=\"oldest_due\">2 h 00 min</td>"));
  // The failure, its subject escaped, and the relay's answer.
  EXPECT_TRUE(Contains(console.body, "refuse@exemple.fr"));
  EXPECT_TRUE(Contains(console.body, kScriptEscaped));
  EXPECT_FALSE(Contains(console.body, kScript));
  EXPECT_TRUE(Contains(console.body, "550 5.1.1 &lt;refuse@exemple.fr&gt; No such mailbox"));
  // Both bouncing addresses, each with its button, most recent first.
  const size_t bounces = console.body.find("id=\"mail-bounces\"");
  ASSERT_NE(bounces, std::string::npos);
  const size_t perdu = console.body.find("<td>perdu@exemple.fr</td>", bounces);
  const size_t refuse = console.body.find("<td>refuse@exemple.fr</td>", bounces);
  ASSERT_NE(perdu, std::string::npos);
  ASSERT_NE(refuse, std::string::npos);
  EXPECT_LT(perdu, refuse);
  EXPECT_EQ(Occurrences(console.body, "action=\"&#x2F;operateur&#x2F;courrier&#x2F;reactiver\"") +
                Occurrences(console.body, "action=\"/operateur/courrier/reactiver\""),
            2);
  EXPECT_EQ(Occurrences(console.body, ">Réactiver</button>"), 2);

  // Staff cannot reactivate; a forged form neither.
  Browser staff = SignedIn("admin@cahors.fr");
  EXPECT_EQ(staff.Post("/operateur/courrier/reactiver", {{"address", "perdu@exemple.fr"}}).status,
            404);
  const std::string token = op.csrf_token;
  op.csrf_token = "forged";
  EXPECT_EQ(op.Post("/operateur/courrier/reactiver", {{"address", "perdu@exemple.fr"}}).status,
            403);
  op.csrf_token = token;
  {
    Connection connection = database_.db().Acquire();
    EXPECT_TRUE(mail::IsBouncing(connection, "perdu@exemple.fr"));
  }

  Page reactivated = op.Post("/operateur/courrier/reactiver", {{"address", "Perdu@Exemple.fr"}});
  ASSERT_EQ(reactivated.status, 303) << reactivated.body;
  EXPECT_TRUE(reactivated.location.starts_with("/operateur?reactive=")) << reactivated.location;
  {
    Connection connection = database_.db().Acquire();
    EXPECT_FALSE(mail::IsBouncing(connection, "perdu@exemple.fr"));
    EXPECT_TRUE(mail::IsBouncing(connection, "refuse@exemple.fr"));
  }
  Page after = op.Get(reactivated.location);
  EXPECT_TRUE(Contains(after.body, "id=\"mail-reactivated\"")) << after.body;
  EXPECT_TRUE(Contains(after.body, "Perdu@Exemple.fr"));
  EXPECT_FALSE(Contains(after.body, "<td>perdu@exemple.fr</td>"));

  Page unknown = op.Post("/operateur/courrier/reactiver", {{"address", "perdu@exemple.fr"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(Contains(unknown.body, "perdu@exemple.fr")) << unknown.body;
  EXPECT_EQ(op.Post("/operateur/courrier/reactiver", {{"address", " "}}).status, 400);
}

}  // namespace
}  // namespace vivrovert::partners
