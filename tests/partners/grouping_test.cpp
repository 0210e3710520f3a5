// PVD groupings (issue 22, option 4), on each backend through the whole site (TestSite, the
// tests' clock at 2026-03-01, Paris): no grouping nested in another, members with dates,
// grants per member reflected in each member's entitlements, the PVD price from the grants,
// and who sees what — the grouping's staff act on every member's pages and see the
// consolidated view; a member's staff see only their own, never another member's leads; a
// member that left is no longer managed nor granted after its last day.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/billing/money.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/grid_file.hpp"
#include "engine/territory.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::groupings {
namespace {

using nlohmann::json;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using partners::StaffRole;
using storage::Connection;
using subscriptions::Entitlements;
using subscriptions::Grants;
using subscriptions::NewContract;
using subscriptions::ProductCode;
using subscriptions::SubscriptionStore;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Page;

constexpr const char* kToday = "2026-03-01";  // kTestNow in Paris
constexpr int64_t kDay = 86400;

class GroupingTest : public ::testing::Test {
 protected:
  GroupingTest() {
    figeac_ =
        CreatePartner(PartnerKind::kCommune, "Ville de Figeac", "figeac", {{"46102"}, {}, {}});
    gramat_ =
        CreatePartner(PartnerKind::kCommune, "Ville de Gramat", "gramat", {{"46128"}, {}, {}});
    souillac_ =
        CreatePartner(PartnerKind::kCommune, "Ville de Souillac", "souillac", {{"46309"}, {}, {}});
    pvd_ = CreatePartner(PartnerKind::kGrouping, "Petites villes du Lot", "pvd-lot", {},
                         {figeac_.id, gramat_.id});
    // The grouping's contract from 2026-01-01 for two years: the base for every member,
    // option 1 bought for both, option 3 for Figeac only.
    Connection connection = site_.db().Acquire();
    NewContract contract;
    contract.partner_id = pvd_.id;
    contract.start_date = "2026-01-01";
    contract.service_start = "2026-01-01";
    contract.months = 24;
    contract.lines = {{ProductCode::kBase, {}},
                      {ProductCode::kOption1, {figeac_.id, gramat_.id}},
                      {ProductCode::kOption3, {figeac_.id}}};
    auto created = SubscriptionStore::CreateContract(connection, contract, 0);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    site_.CreateUser("operateur@exemple.fr", accounts::Role::kOperator);
    StaffOf(pvd_, "admin@pvd-lot.fr", StaffRole::kAdmin);
    StaffOf(pvd_, "lecture@pvd-lot.fr", StaffRole::kViewer);
    StaffOf(figeac_, "admin@figeac.fr", StaffRole::kAdmin);
    StaffOf(gramat_, "admin@gramat.fr", StaffRole::kAdmin);
  }

  Partner CreatePartner(PartnerKind kind, const std::string& name, const std::string& slug,
                        engine::TerritoryCodes codes, std::vector<int64_t> members = {}) {
    Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    input.member_ids = std::move(members);
    auto created = PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return *created;
  }

  void StaffOf(const Partner& partner, const std::string& email, StaffRole role) {
    const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff);
    Connection connection = site_.db().Acquire();
    EXPECT_TRUE(
        PartnerStore::SetStaff(connection, partner.id, user, role, site_.clock().NowSeconds())
            .ok());
  }

  Entitlements On(const Partner& partner, const std::string& date) {
    Connection connection = site_.db().Acquire();
    return SubscriptionStore::For(connection, partner.id, date);
  }

  Status SetGrants(const Grants& grants, const std::string& today = kToday) {
    Connection connection = site_.db().Acquire();
    storage::Transaction transaction(connection);
    Status status = SubscriptionStore::SetGrants(connection, pvd_.id, grants, today, std::nullopt,
                                                 site_.clock().NowSeconds());
    if (status.ok()) transaction.Commit();
    return status;
  }

  // A 1 km tile of the commune.
  std::string TileOf(const std::string& commune) {
    auto territory = engine::Territory::Resolve(site_.grid(), {{commune}, {}, {}});
    const engine::LevelView* level = site_.grid().level(engine::Level::k1km);
    return level->tile(territory->Tiles(*level).front()).ToString();
  }

  // A person opens a tile of the commune: a prospect of the partners owning it.
  void ProspectOn(const std::string& email, const std::string& commune) {
    site_.CreateUser(email, accounts::Role::kUser);
    Browser person = site_.SignedIn(email);
    ASSERT_EQ(person.Api("POST", "/api/v1/clicks", json{{"tile", TileOf(commune)}}.dump()).status,
              204);
  }

  vivrovert::testing::TestSite site_;
  Partner figeac_, gramat_, souillac_, pvd_;
};

TEST_F(GroupingTest, AGroupingIsNeverNestedInAnother) {
  Connection connection = site_.db().Acquire();
  partners::PartnerInput nested;
  nested.kind = PartnerKind::kGrouping;
  nested.name = "Groupement de groupements";
  nested.slug = "groupement-de-groupements";
  nested.member_ids = {pvd_.id};
  auto created = PartnerStore::Create(connection, nested, site_.clock().NowSeconds());
  EXPECT_EQ(created.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().field(), "members");

  partners::PartnerInput other;
  other.kind = PartnerKind::kGrouping;
  other.name = "Autre groupement";
  other.slug = "autre-groupement";
  other.member_ids = {souillac_.id};
  auto second = PartnerStore::Create(connection, other, site_.clock().NowSeconds());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const Status attached =
      PartnerStore::AttachMember(connection, pvd_.id, second->id, "01/03/2026", 0);
  EXPECT_EQ(attached.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(attached.field(), "members");

  // A member cannot turn into a grouping while it is one.
  partners::PartnerInput figeac{PartnerKind::kGrouping, figeac_.name, figeac_.slug,
                                figeac_.territory,      {},           false};
  const Status changed =
      PartnerStore::Update(connection, figeac_.id, figeac, site_.clock().NowSeconds());
  EXPECT_EQ(changed.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(changed.field(), "kind");
  EXPECT_EQ(PartnerStore::Get(connection, figeac_.id)->kind, PartnerKind::kCommune);

  // Through the console too.
  Browser console = site_.SignedIn("operateur@exemple.fr");
  Page refused =
      console.Post("/operateur/partenaires/" + std::to_string(pvd_.id) + "/membres",
                   {{"member", std::to_string(second->id)}, {"joined_on", "01/03/2026"}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(Contains(refused.body, "Un groupement ne peut contenir un groupement."));
}

TEST_F(GroupingTest, GrantsDecideEachMembersOptionsWithinWhatTheGroupingBought) {
  EXPECT_TRUE(On(figeac_, kToday).Has(ProductCode::kBase));
  EXPECT_TRUE(On(figeac_, kToday).Has(ProductCode::kOption1));
  EXPECT_TRUE(On(figeac_, kToday).Has(ProductCode::kOption3));
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kOption1));
  EXPECT_FALSE(On(gramat_, kToday).Has(ProductCode::kOption3));
  EXPECT_FALSE(On(souillac_, kToday).Has(ProductCode::kBase)) << "not a member";

  // Option 3 moves from Figeac to Gramat; option 1 is taken from Gramat; option 2, which
  // the grouping has not bought, is granted to Figeac for the next quote.
  ASSERT_TRUE(SetGrants({{figeac_.id, {ProductCode::kOption1, ProductCode::kOption2}},
                         {gramat_.id, {ProductCode::kOption3}}})
                  .ok());
  EXPECT_FALSE(On(figeac_, kToday).Has(ProductCode::kOption3));
  EXPECT_FALSE(On(figeac_, kToday).Has(ProductCode::kOption2)) << "granted, not subscribed";
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kOption3));
  EXPECT_FALSE(On(gramat_, kToday).Has(ProductCode::kOption1));
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kBase)) << "the base covers every member";

  // Option 3 was bought for one member: a second needs an amendment, and nothing changes.
  const Status over =
      SetGrants({{figeac_.id, {ProductCode::kOption3}}, {gramat_.id, {ProductCode::kOption3}}});
  EXPECT_EQ(over.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(over.field(), "grants");
  EXPECT_TRUE(Contains(over.message(), "avenant"));
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kOption3));
  EXPECT_FALSE(On(figeac_, kToday).Has(ProductCode::kOption3));

  // Option 2, granted to both ahead of a quote, is bought for Figeac alone: the contract
  // grants it to the members it buys it for, and to them only.
  ASSERT_TRUE(SetGrants({{figeac_.id, {ProductCode::kOption2}},
                         {gramat_.id, {ProductCode::kOption2, ProductCode::kOption3}}})
                  .ok());
  {
    Connection connection = site_.db().Acquire();
    NewContract amendment;
    amendment.partner_id = pvd_.id;
    amendment.start_date = kToday;
    amendment.service_start = kToday;
    amendment.months = 12;
    amendment.lines = {{ProductCode::kOption2, {figeac_.id}}};
    ASSERT_TRUE(SubscriptionStore::CreateContract(connection, amendment, 0).ok());
  }
  EXPECT_TRUE(On(figeac_, kToday).Has(ProductCode::kOption2));
  EXPECT_FALSE(On(gramat_, kToday).Has(ProductCode::kOption2)) << "not bought for Gramat";

  // Only the grouping's members of the day may be granted anything.
  EXPECT_EQ(SetGrants({{souillac_.id, {ProductCode::kOption1}}}).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(GroupingTest, MembershipDatesBoundTheEntitlementsAndTheManagement) {
  {
    Connection connection = site_.db().Acquire();
    ASSERT_TRUE(
        PartnerStore::AttachMember(connection, pvd_.id, souillac_.id, "2026-02-15", 0).ok());
    ASSERT_TRUE(PartnerStore::SetMemberLeft(connection, pvd_.id, gramat_.id, "31/03/2026", 0).ok());
    const Status before =
        PartnerStore::SetMemberLeft(connection, pvd_.id, souillac_.id, "2026-02-01", 0);
    EXPECT_EQ(before.field(), "left_on") << "a departure before the entry";
    EXPECT_EQ(
        PartnerStore::AttachMember(connection, pvd_.id, souillac_.id, "31/02/2026", 0).field(),
        "joined_on");
  }
  EXPECT_FALSE(On(souillac_, "2026-02-14").Has(ProductCode::kBase)) << "before it joined";
  EXPECT_TRUE(On(souillac_, "2026-02-15").Has(ProductCode::kBase));
  EXPECT_TRUE(On(gramat_, "2026-03-31").Has(ProductCode::kOption1)) << "its last day";
  EXPECT_FALSE(On(gramat_, "2026-04-01").Has(ProductCode::kBase)) << "it left";
  EXPECT_FALSE(On(gramat_, "2026-04-01").Has(ProductCode::kOption1));

  // The grouping's staff manage Gramat's pages until its last day, not after.
  Browser grouping = site_.SignedIn("admin@pvd-lot.fr");
  EXPECT_EQ(grouping.Get("/partenaire/gramat").status, 200);
  Page members = grouping.Get("/partenaire/pvd-lot/membres");
  EXPECT_TRUE(Contains(members.body, "au 31&#x2F;03&#x2F;2026")) << members.body;
  site_.clock().Set(site_.clock().NowSeconds() + 31 * kDay);  // 2026-04-01
  Browser later = site_.SignedIn("admin@pvd-lot.fr");         // a new session
  EXPECT_EQ(later.Get("/partenaire/gramat").status, 404);
  EXPECT_EQ(later.Get("/partenaire/gramat/contacts").status, 404);
  EXPECT_EQ(later.Get("/partenaire/figeac").status, 200);
  Page after = later.Get("/partenaire/pvd-lot/membres");
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(Contains(after.body, "id=\"grouping-former\"")) << "Gramat is a former member";
  // …nor granted anything any more (nor billed: the grants count only members of the day).
  EXPECT_EQ(SetGrants({{gramat_.id, {ProductCode::kOption1}}}, "2026-04-01").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(GroupingTest, AMemberNeverSeesAnotherMembersLeadsAndTheGroupingSeesAll) {
  ProspectOn("alice@exemple.fr", "46102");  // Figeac
  ProspectOn("bruno@exemple.fr", "46128");  // Gramat
  ProspectOn("chloe@exemple.fr", "46128");  // Gramat

  Browser figeac = site_.SignedIn("admin@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/contacts").status, 200);
  EXPECT_EQ(figeac.Get("/partenaire/gramat/contacts").status, 404);
  EXPECT_EQ(figeac.Get("/partenaire/gramat/contacts/export.csv").status, 404);
  EXPECT_EQ(figeac.Get("/partenaire/gramat").status, 404);
  EXPECT_EQ(figeac.Get("/partenaire/pvd-lot/membres").status, 404) << "nor the grouping's view";
  EXPECT_EQ(figeac.Get("/partenaire/pvd-lot/contacts").status, 404);

  Browser grouping = site_.SignedIn("admin@pvd-lot.fr");
  Page gramat_leads = grouping.Get("/partenaire/gramat/contacts");
  ASSERT_EQ(gramat_leads.status, 200) << gramat_leads.body;
  EXPECT_TRUE(Contains(gramat_leads.body, "Petites villes du Lot")) << "acting for the grouping";
  EXPECT_EQ(grouping.Get("/partenaire/figeac/contacts").status, 200);

  Page view = grouping.Get("/partenaire/pvd-lot/membres");
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_TRUE(Contains(view.body, "Ville de Figeac"));
  EXPECT_TRUE(Contains(view.body, "Ville de Gramat"));
  // One line per member (prospects: Figeac 1, Gramat 2) and their sum, 3.
  const std::string total = view.body.substr(view.body.find("id=\"grouping-total\""));
  EXPECT_TRUE(Contains(total.substr(0, 400), "<td class=\"num\">3</td>")) << total;

  // Gramat's own staff see their two prospects; their page never names Figeac's.
  Browser gramat = site_.SignedIn("admin@gramat.fr");
  Page own = gramat.Get("/partenaire/gramat/contacts");
  ASSERT_EQ(own.status, 200);
  EXPECT_FALSE(Contains(own.body, "Petites villes du Lot"));
}

// The consolidated view's barometer (option 1): one line per member with its searches, those
// that turned its territory green and the trend, over its barometer's period (90 days to
// 2026-03-01: the last 30 days from 31/01, the 30 before from 01/01), read from the daily
// aggregates; only for the members with option 1 that day, each linked to its barometer;
// the total adds those members.
TEST_F(GroupingTest, TheConsolidatedViewShowsTheBarometerOfMembersWithOption1) {
  {
    Connection connection = site_.db().Acquire();
    demand::DemandStore::AddDaily(
        connection,
        {
            {figeac_.id, "2026-01-10", "", false, 10, 2, 0},    // the 30 days before
            {figeac_.id, "2026-02-20", "", false, 20, 8, 0},    // the last 30 days
            {figeac_.id, "2026-02-20", "mnt", false, 5, 1, 3},  // a criterion's: not a search
            {figeac_.id, "2025-11-01", "", false, 100, 50, 0},  // before the period
            {gramat_.id, "2026-02-20", "", false, 7, 7, 0},
            {souillac_.id, "2026-02-20", "", false, 40, 40, 0},  // not a member
        });
  }
  // Option 1 taken from Gramat: its line says so, and the total is Figeac's.
  ASSERT_TRUE(SetGrants({{figeac_.id, {ProductCode::kOption1, ProductCode::kOption3}}}).ok());
  Browser grouping = site_.SignedIn("admin@pvd-lot.fr");
  Page view = grouping.Get("/partenaire/pvd-lot/membres");
  ASSERT_EQ(view.status, 200) << view.body;
  auto line = [](const std::string& body, const std::string& marker) {
    const size_t start = body.find(marker);
    if (start == std::string::npos) return std::string();
    return body.substr(start, body.find("</tr>", start) - start);
  };
  const std::string figeac = line(view.body, "data-member=\"" + std::to_string(figeac_.id) + "\"");
  EXPECT_TRUE(Contains(figeac, "href=\"&#x2F;partenaire&#x2F;figeac&#x2F;barometre\"") ||
              Contains(figeac, "href=\"/partenaire/figeac/barometre\""))
      << figeac;
  EXPECT_TRUE(Contains(figeac, ">30</a>")) << figeac;
  EXPECT_TRUE(Contains(figeac, "<td class=\"num barometer-green\">10</td>")) << figeac;
  EXPECT_TRUE(Contains(figeac, "<td class=\"num\">33,3 %</td>")) << figeac;
  EXPECT_TRUE(Contains(figeac, "en hausse (20 % → 40 %)")) << figeac;
  const std::string gramat = line(view.body, "data-member=\"" + std::to_string(gramat_.id) + "\"");
  EXPECT_TRUE(Contains(gramat, "option non souscrite")) << gramat;
  EXPECT_FALSE(Contains(gramat, "barometer-searches")) << gramat;
  std::string total = line(view.body, "id=\"grouping-total\"");
  EXPECT_TRUE(Contains(total, "<td class=\"num barometer-searches\">30</td>")) << total;
  EXPECT_TRUE(Contains(total, "<td class=\"num barometer-green\">10</td>")) << total;

  // The link opens Figeac's barometer; Gramat's is closed without the option.
  EXPECT_EQ(grouping.Get("/partenaire/figeac/barometre").status, 200);
  EXPECT_EQ(grouping.Get("/partenaire/gramat/barometre").status, 403);

  // Granted again, Gramat's line and the total follow (7 + 30 searches, 7 + 10 green; its
  // 30 days before have no search: no trend).
  ASSERT_TRUE(SetGrants({{figeac_.id, {ProductCode::kOption1, ProductCode::kOption3}},
                         {gramat_.id, {ProductCode::kOption1}}})
                  .ok());
  view = grouping.Get("/partenaire/pvd-lot/membres");
  const std::string regranted =
      line(view.body, "data-member=\"" + std::to_string(gramat_.id) + "\"");
  EXPECT_TRUE(Contains(regranted, ">7</a>")) << regranted;
  EXPECT_TRUE(Contains(regranted, "<td class=\"barometer-trend\">—</td>")) << regranted;
  total = line(view.body, "id=\"grouping-total\"");
  EXPECT_TRUE(Contains(total, "<td class=\"num barometer-searches\">37</td>")) << total;
  EXPECT_TRUE(Contains(total, "<td class=\"num barometer-green\">17</td>")) << total;
  // The total's trend is over the summed counts: 2 / 10 before, 15 / 27 in the last 30 days.
  EXPECT_TRUE(Contains(total, "en hausse (20 % → 55,6 %)")) << total;

  // A member's staff see only their own barometer, never the grouping's view.
  Browser gramat_staff = site_.SignedIn("admin@gramat.fr");
  EXPECT_EQ(gramat_staff.Get("/partenaire/pvd-lot/membres").status, 404);
  EXPECT_EQ(gramat_staff.Get("/partenaire/figeac/barometre").status, 404);
  EXPECT_EQ(gramat_staff.Get("/partenaire/gramat/barometre").status, 200);
}

TEST_F(GroupingTest, OnlyTheGroupingsAdministratorsGrantThroughTheForm) {
  const std::string action = "/partenaire/pvd-lot/membres/attributions";
  const std::string figeac_option1 = std::to_string(figeac_.id) + ":1";
  const std::string gramat_option1 = std::to_string(gramat_.id) + ":1";
  Browser viewer = site_.SignedIn("lecture@pvd-lot.fr");
  EXPECT_EQ(viewer.Post(action, {{"grant", figeac_option1}}).status, 403);
  Browser member = site_.SignedIn("admin@figeac.fr");
  EXPECT_EQ(member.Post(action, {{"grant", figeac_option1}}).status, 404);

  Browser admin = site_.SignedIn("admin@pvd-lot.fr");
  // Without the form's token, nothing changes.
  Page forged =
      admin.Request("POST", action, {{"Content-Type", "application/x-www-form-urlencoded"}},
                    "grant=" + figeac_option1);
  EXPECT_EQ(forged.status, 403);
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kOption1));

  Page saved = admin.Post(action, {{"grant", figeac_option1}});
  EXPECT_EQ(saved.status, 303) << saved.body;
  EXPECT_FALSE(On(gramat_, kToday).Has(ProductCode::kOption1)) << "not ticked: not granted";
  EXPECT_FALSE(On(figeac_, kToday).Has(ProductCode::kOption3));

  Page bad = admin.Post(action, {{"grant", "abc"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "Attribution illisible"));
  Page over = admin.Post(action, {{"grant", figeac_option1},
                                  {"grant", gramat_option1},
                                  {"grant", std::to_string(figeac_.id) + ":3"},
                                  {"grant", std::to_string(gramat_.id) + ":3"}});
  EXPECT_EQ(over.status, 409);
  EXPECT_TRUE(Contains(over.body, "avenant")) << over.body;
}

// Beyond the seats bought, the form's grant is an amendment the administrator accepts by
// ticking "J'accepte l'avenant" (its price and invoices: tests/invoices/pvd_billing_test);
// a departure recorded by an operator releases the member's seats after its last day.
TEST_F(GroupingTest, AGrantBeyondTheSeatsIsAnAmendmentTheAdministratorAccepts) {
  const std::string action = "/partenaire/pvd-lot/membres/attributions";
  const std::vector<std::pair<std::string, std::string>> both = {
      {"grant", std::to_string(figeac_.id) + ":1"},
      {"grant", std::to_string(gramat_.id) + ":1"},
      {"grant", std::to_string(figeac_.id) + ":3"},
      {"grant", std::to_string(gramat_.id) + ":3"}};
  Browser admin = site_.SignedIn("admin@pvd-lot.fr");
  Page asked = admin.Post(action, both);
  EXPECT_EQ(asked.status, 409);
  EXPECT_TRUE(Contains(asked.body, "avenant au contrat")) << asked.body;
  EXPECT_TRUE(Contains(asked.body, "id=\"grants-amendment\""));
  EXPECT_FALSE(On(gramat_, kToday).Has(ProductCode::kOption3));

  std::vector<std::pair<std::string, std::string>> accepted = both;
  accepted.emplace_back("avenant", "1");
  EXPECT_EQ(admin.Post(action, accepted).status, 303);
  EXPECT_TRUE(On(gramat_, kToday).Has(ProductCode::kOption3));
  {
    Connection connection = site_.db().Acquire();
    const auto contracts = SubscriptionStore::ContractsOf(connection, pvd_.id);
    ASSERT_EQ(contracts.size(), 2u);
    EXPECT_TRUE(contracts.front().amends_contract_id.has_value());
    EXPECT_EQ(contracts.front().end_date, "2027-12-31") << "to the contract's end";
  }

  Browser console = site_.SignedIn("operateur@exemple.fr");
  EXPECT_EQ(console
                .Post("/operateur/partenaires/" + std::to_string(pvd_.id) + "/membres/" +
                          std::to_string(gramat_.id) + "/sortie",
                      {{"left_on", "30/06/2026"}})
                .status,
            303);
  Connection connection = site_.db().Acquire();
  EXPECT_TRUE(SubscriptionStore::SeatsOn(connection, pvd_.id, "2026-06-30")
                  .at(ProductCode::kOption3)
                  .contains(gramat_.id));
  EXPECT_FALSE(SubscriptionStore::SeatsOn(connection, pvd_.id, "2026-07-01")
                   .at(ProductCode::kOption3)
                   .contains(gramat_.id))
      << "its seat went with it";
}

TEST_F(GroupingTest, ThePriceFollowsThePvdRuleOverTheGrants) {
  using billing::CollectivityKind;
  // The seed's example: 4 communautés de communes granted options 1, 2 and 3.
  const std::set<ProductCode> all = {ProductCode::kOption1, ProductCode::kOption2,
                                     ProductCode::kOption3};
  auto lines = subscriptions::PvdPrice({{CollectivityKind::kEpci, all},
                                        {CollectivityKind::kEpci, all},
                                        {CollectivityKind::kEpci, all},
                                        {CollectivityKind::kEpci, all}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].monthly_ht, billing::Euros(3280));
  EXPECT_EQ(lines[0].pvd_members_text, "1=4,2=4,3=4");
  // Options counted per member granted, the floor per option; one line per kind.
  lines = subscriptions::PvdPrice({{CollectivityKind::kCommune, {ProductCode::kOption2}},
                                   {CollectivityKind::kCommune, {}},
                                   {CollectivityKind::kEpci, {ProductCode::kOption1}}});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].kind, CollectivityKind::kCommune);
  EXPECT_EQ(lines[0].monthly_ht, billing::Euros(1100 + 500)) << "floor: one commune's price";
  EXPECT_EQ(lines[1].monthly_ht, billing::Euros(1100 + 250));

  // The page prices the grants of the day (two communes: option 1 for both, option 3 for
  // one: 1 100 + max(2 × 200 × 50 %, 200) + max(300 × 40 %, 300) = 1 600 €) and the
  // console's link prepares that quote.
  Browser console = site_.SignedIn("operateur@exemple.fr");
  Page page = console.Get("/partenaire/pvd-lot/membres");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, billing::FormatEurosFrench(billing::Euros(1600)))) << page.body;
  EXPECT_TRUE(
      Contains(page.body, "nouveau?partenaire=" + std::to_string(pvd_.id) +
                              "&amp;type=commune&amp;options=1%2C3&amp;pvd_members=1%3D2%2C3%3D1"))
      << page.body;
}

TEST_F(GroupingTest, OperatorsAttachMembersWithDatesAndRecordDepartures) {
  Browser console = site_.SignedIn("operateur@exemple.fr");
  const std::string base = "/operateur/partenaires/" + std::to_string(pvd_.id);
  Page page = console.Get(base + "/membres");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Ville de Souillac")) << "a candidate";

  Page bad = console.Post(base + "/membres",
                          {{"member", std::to_string(souillac_.id)}, {"joined_on", "31/02/2026"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(Contains(bad.body, "data-field=\"joined_on\""));
  EXPECT_TRUE(Contains(bad.body, "31&#x2F;02&#x2F;2026")) << "what was typed, kept";

  EXPECT_EQ(console
                .Post(base + "/membres",
                      {{"member", std::to_string(souillac_.id)}, {"joined_on", "15/03/2026"}})
                .status,
            303);
  EXPECT_FALSE(On(souillac_, kToday).Has(ProductCode::kBase)) << "joins on 15/03";
  EXPECT_TRUE(On(souillac_, "2026-03-15").Has(ProductCode::kBase));

  EXPECT_EQ(console
                .Post(base + "/membres/" + std::to_string(figeac_.id) + "/sortie",
                      {{"left_on", "30/06/2026"}})
                .status,
            303);
  EXPECT_TRUE(On(figeac_, "2026-06-30").Has(ProductCode::kOption1));
  EXPECT_FALSE(On(figeac_, "2026-07-01").Has(ProductCode::kOption1));
  EXPECT_EQ(console
                .Post(base + "/membres/" + std::to_string(souillac_.id) + "/sortie",
                      {{"left_on", "01/03/2026"}})
                .status,
            422)
      << "before it joins";
  EXPECT_EQ(console.Post(base + "/administrateur", {{"administrator", "association"}}).status, 303);
  Connection connection = site_.db().Acquire();
  EXPECT_EQ(PartnerStore::Get(connection, pvd_.id)->administrator,
            partners::GroupingAdministrator::kAssociation);
  // Not a grouping: no such page.
  EXPECT_EQ(console.Get("/operateur/partenaires/" + std::to_string(figeac_.id) + "/membres").status,
            404);
}

}  // namespace
}  // namespace vivrovert::groupings
