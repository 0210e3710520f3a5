// Subscriptions switch the offer on and off (issue 19, "Subscriptions switch features on and
// off"), on each backend: the store's contracts and entitlements (own, through a PVD
// grouping, ended early), and the gating of the base service in the back-office and the
// partners' API through the whole site (TestSite), at the tests' clock (2026-03-01, Paris).
#include "domain/subscriptions/subscriptions.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "domain/partners/partner_store.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::subscriptions {
namespace {

using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;
using vivrovert::testing::Page;
using vivrovert::testing::Subscribe;

constexpr const char* kToday = "2026-03-01";  // kTestNow in Paris

class SubscriptionsTest : public ::testing::Test {
 protected:
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

  Entitlements On(const Partner& partner, const std::string& date) {
    Connection connection = site_.db().Acquire();
    return SubscriptionStore::For(connection, partner.id, date);
  }

  // A staff administrator of `partner`, signed in.
  Browser StaffOf(const Partner& partner, const std::string& email) {
    const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff);
    Connection connection = site_.db().Acquire();
    EXPECT_TRUE(PartnerStore::SetStaff(connection, partner.id, user, partners::StaffRole::kAdmin,
                                       site_.clock().NowSeconds())
                    .ok());
    return site_.SignedIn(email);
  }

  std::string KeyOf(const Partner& partner) {
    Connection connection = site_.db().Acquire();
    return PartnerStore::CreateApiKey(connection, SecureRandom::Instance(), partner.id, "write",
                                      "ERP", std::nullopt, site_.clock().NowSeconds())
        .secret;
  }

  Page ApiGet(const std::string& key, const std::string& target) {
    Browser client(site_.app());
    return client.Request("GET", target,
                          {{"Accept", "application/json"}, {"Authorization", "Bearer " + key}});
  }

  vivrovert::testing::TestSite site_;
};

TEST_F(SubscriptionsTest, AContractRunsFromItsServiceStartToTheDayBeforeItsEnd) {
  EXPECT_EQ(ContractEndDate("2027-01-15", 12), "2028-01-14");
  EXPECT_EQ(ContractEndDate("2027-01-31", 1), "2027-02-27");
  EXPECT_EQ(ContractEndDate("2027-02-30", 12), std::nullopt);

  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  Connection connection = site_.db().Acquire();
  NewContract contract;
  contract.partner_id = figeac.id;
  contract.start_date = "2026-02-01";
  contract.service_start = "2026-03-01";
  contract.months = 12;
  contract.lines = {{ProductCode::kBase, {}}, {ProductCode::kOption1, {}}};
  auto created = SubscriptionStore::CreateContract(connection, contract, 0);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->end_date, "2027-01-31");
  EXPECT_FALSE(SubscriptionStore::For(connection, figeac.id, "2026-02-28").Has(ProductCode::kBase))
      << "signed, not yet in service";
  EXPECT_TRUE(
      SubscriptionStore::For(connection, figeac.id, "2026-03-01").Has(ProductCode::kOption1));
  EXPECT_TRUE(SubscriptionStore::For(connection, figeac.id, "2027-01-31").Has(ProductCode::kBase));
  EXPECT_FALSE(SubscriptionStore::For(connection, figeac.id, "2027-02-01").Has(ProductCode::kBase));
  EXPECT_FALSE(SubscriptionStore::For(connection, figeac.id, kToday).Has(ProductCode::kOption2));
}

TEST_F(SubscriptionsTest, BadContractsAreRefusedNamingTheField) {
  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  Connection connection = site_.db().Acquire();
  NewContract contract;
  contract.partner_id = figeac.id;
  contract.start_date = "2026-02-01";
  contract.service_start = "2026-02-01";
  contract.lines = {{ProductCode::kBase, {}}};
  contract.months = 11;
  EXPECT_EQ(SubscriptionStore::CreateContract(connection, contract, 0).status().field(), "months");
  contract.months = 61;
  EXPECT_EQ(SubscriptionStore::CreateContract(connection, contract, 0).status().field(), "months");
  contract.months = 12;
  contract.start_date = "2026-02-30";
  EXPECT_EQ(SubscriptionStore::CreateContract(connection, contract, 0).status().field(), "start");
  contract.start_date = "2026-02-01";
  contract.service_start = "2026-01-15";
  EXPECT_EQ(SubscriptionStore::CreateContract(connection, contract, 0).status().field(),
            "service_start");
  contract.service_start = "2026-02-01";
  contract.lines.clear();
  EXPECT_EQ(SubscriptionStore::CreateContract(connection, contract, 0).status().field(), "options");
  EXPECT_TRUE(SubscriptionStore::ContractsOf(connection, figeac.id).empty()) << "nothing kept";
}

TEST_F(SubscriptionsTest, AGroupingGivesItsMembersTheBaseAndTheOptionsGrantedToEach) {
  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  const Partner gramat =
      CreatePartner(PartnerKind::kCommune, "Gramat", "gramat", {{"46128"}, {}, {}});
  const Partner pvd =
      CreatePartner(PartnerKind::kGrouping, "PVD du Lot", "pvd-lot", {}, {figeac.id, gramat.id});
  Connection connection = site_.db().Acquire();
  NewContract contract;
  contract.partner_id = pvd.id;
  contract.start_date = "2026-01-01";
  contract.service_start = "2026-01-01";
  contract.months = 24;
  contract.lines = {{ProductCode::kBase, {}},
                    {ProductCode::kOption1, {figeac.id, gramat.id}},
                    {ProductCode::kOption3, {figeac.id}}};
  ASSERT_TRUE(SubscriptionStore::CreateContract(connection, contract, 0).ok());
  const Entitlements of_figeac = On(figeac, kToday);
  EXPECT_TRUE(of_figeac.Has(ProductCode::kBase));
  EXPECT_TRUE(of_figeac.Has(ProductCode::kOption1));
  EXPECT_TRUE(of_figeac.Has(ProductCode::kOption3));
  EXPECT_FALSE(of_figeac.Has(ProductCode::kOption2));
  const Entitlements of_gramat = On(gramat, kToday);
  EXPECT_TRUE(of_gramat.Has(ProductCode::kBase));
  EXPECT_TRUE(of_gramat.Has(ProductCode::kOption1));
  EXPECT_FALSE(of_gramat.Has(ProductCode::kOption3)) << "option 3 was granted to Figeac only";
  ASSERT_FALSE(of_gramat.through_groupings.empty());
  EXPECT_EQ(of_gramat.through_groupings.front().second, pvd.id);
  EXPECT_FALSE(On(gramat, "2028-01-01").Has(ProductCode::kBase)) << "the grouping's contract ended";
}

TEST_F(SubscriptionsTest, AnEndedSubscriptionSwitchesOffTheNextDayAndKeepsTheData) {
  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  Connection connection = site_.db().Acquire();
  Subscribe(connection, figeac.id, {ProductCode::kBase, ProductCode::kOption1});
  const std::vector<Subscription> held = SubscriptionStore::SubscriptionsOf(connection, figeac.id);
  ASSERT_EQ(held.size(), 2u);
  const Subscription& barometer = held[0].product == ProductCode::kOption1 ? held[0] : held[1];
  EXPECT_EQ(SubscriptionStore::End(connection, figeac.id + 1000, barometer.id, kToday, 1).code(),
            StatusCode::kNotFound)
      << "another partner's subscription";
  ASSERT_TRUE(SubscriptionStore::End(connection, figeac.id, barometer.id, kToday, 1).ok());
  EXPECT_TRUE(On(figeac, kToday).Has(ProductCode::kOption1)) << "in force until tonight";
  EXPECT_FALSE(On(figeac, "2026-03-02").Has(ProductCode::kOption1));
  EXPECT_TRUE(On(figeac, "2026-03-02").Has(ProductCode::kBase));
  EXPECT_EQ(SubscriptionStore::End(connection, figeac.id, barometer.id, kToday, 1).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(SubscriptionStore::SubscriptionsOf(connection, figeac.id).size(), 2u)
      << "ended, not deleted";
}

TEST_F(SubscriptionsTest, WithoutTheBaseServiceTheBackOfficeSaysWhatItOffersAndItsPrice) {
  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  Browser admin = StaffOf(figeac, "admin@figeac.fr");
  for (const std::string& page :
       {std::string("/partenaire/figeac"), std::string("/partenaire/figeac/import"),
        std::string("/partenaire/figeac/contacts"), std::string("/partenaire/figeac/cles"),
        std::string("/partenaire/figeac/export.csv")}) {
    const Page refused = admin.Get(page);
    EXPECT_EQ(refused.status, 403) << page;
    EXPECT_TRUE(Contains(refused.body, "Aucun abonnement en cours")) << page << refused.body;
    EXPECT_TRUE(Contains(refused.body, "1 100,00")) << "the base fee for a commune";
    EXPECT_TRUE(Contains(refused.body, "/tarifs?type=commune")) << "how to ask for it";
  }
  EXPECT_EQ(admin.Get("/partenaire/figeac/equipe").status, 200) << "the team stays reachable";
  const Page subscription = admin.Get("/partenaire/figeac/abonnement");
  EXPECT_EQ(subscription.status, 200);
  EXPECT_TRUE(Contains(subscription.body, "non souscrit"));
  EXPECT_TRUE(Contains(subscription.body, "200,00")) << "option 1 for a commune";

  {
    Connection connection = site_.db().Acquire();
    Subscribe(connection, figeac.id);
  }
  EXPECT_EQ(admin.Get("/partenaire/figeac").status, 200);
  EXPECT_EQ(admin.Get("/partenaire/figeac/contacts").status, 200);
  const Page now = admin.Get("/partenaire/figeac/abonnement");
  EXPECT_TRUE(Contains(now.body, "actif"));
  EXPECT_TRUE(Contains(now.body, "du 2026-01-01 au 2026-12-31"));
}

TEST_F(SubscriptionsTest, ThePartnersApiAnswers403WithAReasonWithoutTheBaseService) {
  const Partner figeac =
      CreatePartner(PartnerKind::kCommune, "Figeac", "figeac", {{"46102"}, {}, {}});
  const std::string key = KeyOf(figeac);
  const Page refused = ApiGet(key, "/api/v1/partner");
  EXPECT_EQ(refused.status, 403) << refused.body;
  const nlohmann::json error = refused.Json();
  EXPECT_TRUE(Contains(refused.body, "subscription")) << refused.body;
  EXPECT_TRUE(Contains(refused.body, "Aucun abonnement en cours")) << refused.body;
  EXPECT_FALSE(error.is_discarded());

  Connection connection = site_.db().Acquire();
  Subscribe(connection, figeac.id, {ProductCode::kBase, ProductCode::kOption2});
  const Page allowed = ApiGet(key, "/api/v1/partner");
  ASSERT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(allowed.Json()["subscriptions"], (nlohmann::json{"base", "option2"}));

  // Ended today: refused from tomorrow.
  for (const Subscription& held : SubscriptionStore::SubscriptionsOf(connection, figeac.id)) {
    ASSERT_TRUE(SubscriptionStore::End(connection, figeac.id, held.id, kToday, 1).ok());
  }
  EXPECT_EQ(ApiGet(key, "/api/v1/partner").status, 200);
  site_.clock().Advance(24 * 3600);
  EXPECT_EQ(ApiGet(key, "/api/v1/partner").status, 403);
}

TEST_F(SubscriptionsTest, TheDemoContractHoldsTheBaseAndOptionsOneAndTwoOnce) {
  const Partner demo = CreatePartner(PartnerKind::kEpci, "Démo", "demo", {{}, {"200023737"}, {}});
  Connection connection = site_.db().Acquire();
  auto first = SubscriptionStore::SeedDemoContract(connection, demo.id, kToday, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto again = SubscriptionStore::SeedDemoContract(connection, demo.id, kToday, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "idempotent";
  const Entitlements held = On(demo, kToday);
  EXPECT_TRUE(held.Has(ProductCode::kBase));
  EXPECT_TRUE(held.Has(ProductCode::kOption1));
  EXPECT_TRUE(held.Has(ProductCode::kOption2));
  EXPECT_FALSE(held.Has(ProductCode::kOption3)) << "left for the walk-through";
  EXPECT_TRUE(SubscriptionStore::ContractsOf(connection, demo.id).front().is_demo);
}

}  // namespace
}  // namespace vivrovert::subscriptions
