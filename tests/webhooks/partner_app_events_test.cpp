// lead.created and listing.matched (domain/webhooks/partner_app_events.hpp) end to end on
// each backend, over the grid of the Lot: people save searches and open tiles through the
// API, the CA du Grand Cahors (option 3) publishes a job, the site's matching pass runs,
// and the site's sender delivers to a receiving server in the test, which checks every
// signature with the endpoint's secret.
//
// Ana linked her account to the partner's app; Ben did not; Cléo linked it, then withdrew.
// Events about Ana reach the app signed, once per fact (a search saved twice, a click made
// twice, a pass run twice raise one event); nothing about Ben or Cléo does, and nothing
// more about Ana once she withdraws.
#include "domain/webhooks/partner_app_events.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/listings/listing_service.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/webhooks/webhook_sender.hpp"
#include "domain/webhooks/webhook_signing.hpp"
#include "domain/webhooks/webhook_store.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"
#include "webhook_receiver.hpp"

namespace vivrovert::webhooks {
namespace {

using accounts::Role;
using nlohmann::json;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using subscriptions::ProductCode;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;
using webhooks::testing::Received;
using webhooks::testing::Receiver;

std::string SearchBody(const std::string& commune) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", {commune}}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

class PartnerAppEventsTest : public ::testing::Test {
 protected:
  PartnerAppEventsTest()
      : site_([](Config& config) { config.webhooks_allow_private_addresses = true; }) {
    Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {"200023737"}, {}};
    auto created = PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    agglo_ = *created;
    vivrovert::testing::Subscribe(connection, agglo_.id,
                                  {ProductCode::kBase, ProductCode::kOption3});
    Result<CreatedEndpoint> endpoint = WebhookStore::CreateEndpoint(
        connection, agglo_.id, "http://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook",
        {"lead.created", "listing.matched", "consent.withdrawn"}, site_.site().secret_key(),
        /*allow_private=*/true, Now());
    if (!endpoint.ok()) throw std::runtime_error(endpoint.status().ToString());
    secret_ = endpoint->secret;
    ana_ = site_.CreateUser("ana@exemple.fr", Role::kUser, "Ana");
    ben_ = site_.CreateUser("ben@exemple.fr", Role::kUser, "Ben");
    cleo_ = site_.CreateUser("cleo@exemple.fr", Role::kUser, "Cléo");
    WebhookStore::Link(connection, ana_, agglo_.id, Now());
    WebhookStore::Link(connection, cleo_, agglo_.id, Now());
    site_.clock().Advance(1);
    WebhookStore::Unlink(connection, cleo_, agglo_.id, Now());
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  void SaveSearch(const std::string& name, const std::string& commune) {
    Browser browser = site_.SignedIn(name + "@exemple.fr");
    Page saved = browser.Api("POST", "/api/v1/me/searches", SearchBody(commune));
    ASSERT_EQ(saved.status, 201) << saved.body;
  }

  void Click(const std::string& name, const std::string& tile) {
    Browser browser = site_.SignedIn(name + "@exemple.fr");
    Page clicked = browser.Api("POST", "/api/v1/clicks", json{{"tile", tile}}.dump());
    ASSERT_LT(clicked.status, 300) << clicked.body;
  }

  std::string CahorsTile() {
    const engine::GridFile& grid = site_.grid();
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    auto cahors = engine::Territory::Resolve(grid, {{"46042"}, {}, {}});
    return level.tile(cahors->Tiles(level).front()).ToString();
  }

  int64_t PublishJob(const std::string& external_id) {
    Connection connection = site_.db().Acquire();
    Result<engine::Territory> territory =
        partners::ResolveTerritory(connection, site_.grid(), agglo_);
    if (!territory.ok()) throw std::runtime_error(territory.status().ToString());
    listings::ListingService service(site_.db(), &site_.grid(), site_.clock());
    std::vector<listings::FieldError> errors;
    auto written = service.Upsert(partners::PublisherFor(agglo_, *territory), listings::Kind::kJob,
                                  {{"external_id", external_id},
                                   {"title", "Infirmier ou infirmière"},
                                   {"commune_code", "46042"},
                                   {"rome_code", "J1506"},
                                   {"contract", "cdi"}},
                                  &errors);
    if (!written.ok()) throw std::runtime_error(written.status().ToString());
    return written->listing.id;
  }

  // Delivers what is due; returns what the receiver got so far, each checked signed.
  std::vector<Received> Deliver() {
    site_.site().webhook_sender().RunOnce();
    std::vector<Received> got = receiver_.received();
    for (const Received& one : got) {
      EXPECT_TRUE(VerifySignature(one.signature, secret_, one.body, Now(), 300)) << one.signature;
      EXPECT_EQ(json::parse(one.body)["id"], one.event_id);
      EXPECT_EQ(json::parse(one.body)["type"], one.event_type);
    }
    return got;
  }

  // The received events of `type` about `user_id`.
  static std::vector<json> About(const std::vector<Received>& got, const std::string& type,
                                 int64_t user_id) {
    std::vector<json> found;
    for (const Received& one : got) {
      const json body = json::parse(one.body);
      if (one.event_type == type && body["data"]["person"] == "usr_" + std::to_string(user_id))
        found.push_back(body);
    }
    return found;
  }

  Receiver receiver_;
  vivrovert::testing::TestSite site_;
  Partner agglo_;
  std::string secret_;
  int64_t ana_ = 0, ben_ = 0, cleo_ = 0;
};

TEST_F(PartnerAppEventsTest, ALinkedPersonsNewLeadsReachTheAppSignedOncePerKind) {
  for (const char* name : {"ana", "ben", "cleo"}) SaveSearch(name, "46042");
  // The same lead recorded again: Ana saves another search green on the territory.
  SaveSearch("ana", "46042");
  std::vector<Received> got = Deliver();
  std::vector<json> ana = About(got, "lead.created", ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0]["partner"], "grand-cahors");
  EXPECT_EQ(ana[0]["data"]["kind"], "contact");
  EXPECT_EQ(ana[0]["data"]["email"], "ana@exemple.fr");
  EXPECT_EQ(ana[0]["data"]["name"], "Ana");
  EXPECT_NE(
      std::find(ana[0]["data"]["communes"].begin(), ana[0]["data"]["communes"].end(), "46042"),
      ana[0]["data"]["communes"].end());
  EXPECT_TRUE(About(got, "lead.created", ben_).empty());
  EXPECT_TRUE(About(got, "lead.created", cleo_).empty());

  // Opening a tile makes her a prospect: one event, however many clicks.
  Click("ana", CahorsTile());
  Click("ana", CahorsTile());
  Click("ben", CahorsTile());
  got = Deliver();
  ana = About(got, "lead.created", ana_);
  ASSERT_EQ(ana.size(), 2u);
  EXPECT_EQ(ana[1]["data"]["kind"], "prospect");
  EXPECT_NE(ana[1]["id"], ana[0]["id"]);
  // A prospect who saves a search green there stays a prospect: no contact event.
  SaveSearch("ana", "46042");
  got = Deliver();
  EXPECT_EQ(About(got, "lead.created", ana_).size(), 2u);
  EXPECT_TRUE(About(got, "lead.created", ben_).empty());
  // Only consent.withdrawn (Cléo's) besides Ana's two leads.
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(About(got, "consent.withdrawn", cleo_).size(), 1u);

  // Ana withdraws: nothing more about her, though she keeps clicking and saving.
  {
    Connection connection = site_.db().Acquire();
    ASSERT_TRUE(WebhookStore::Unlink(connection, ana_, agglo_.id, Now()));
  }
  site_.clock().Advance(60);
  SaveSearch("ana", "46042");
  Click("ana", CahorsTile());
  got = Deliver();
  EXPECT_EQ(About(got, "lead.created", ana_).size(), 2u);
  EXPECT_EQ(About(got, "consent.withdrawn", ana_).size(), 1u);
  EXPECT_EQ(got.size(), 4u);

  // Linking again is a new consent: the app hears of her lead again, under a new event.
  site_.clock().Advance(60);
  {
    Connection connection = site_.db().Acquire();
    WebhookStore::Link(connection, ana_, agglo_.id, Now());
  }
  Click("ana", CahorsTile());
  got = Deliver();
  ana = About(got, "lead.created", ana_);
  ASSERT_EQ(ana.size(), 3u);
  EXPECT_EQ(ana[2]["data"]["kind"], "prospect");
  EXPECT_NE(ana[2]["id"], ana[1]["id"]);
}

TEST_F(PartnerAppEventsTest, AListingMatchingALinkedPersonReachesTheAppOnce) {
  for (const char* name : {"ana", "ben", "cleo"}) SaveSearch(name, "46042");
  const int64_t job = PublishJob("inf-1");
  site_.site().notification_pass().Run();
  // The pass again, and the listing changed and queued again: still one event.
  site_.site().notification_pass().Run();
  PublishJob("inf-1");
  site_.site().notification_pass().Run();
  std::vector<Received> got = Deliver();
  std::vector<json> ana = About(got, "listing.matched", ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0]["data"]["listing"]["id"], job);
  EXPECT_EQ(ana[0]["data"]["listing"]["external_id"], "inf-1");
  EXPECT_EQ(ana[0]["data"]["listing"]["kind"], "job");
  EXPECT_EQ(ana[0]["data"]["email"], "ana@exemple.fr");
  // Ben and Cléo were told of the job too (the ledger), but the app hears nothing of them.
  EXPECT_EQ(site_.Count("notifications", "listing_id = " + std::to_string(job)), 3);
  EXPECT_TRUE(About(got, "listing.matched", ben_).empty());
  EXPECT_TRUE(About(got, "listing.matched", cleo_).empty());

  // Withdrawn: a new job matching her is not told to the app.
  {
    Connection connection = site_.db().Acquire();
    ASSERT_TRUE(WebhookStore::Unlink(connection, ana_, agglo_.id, Now()));
  }
  const int64_t second = PublishJob("inf-2");
  site_.site().notification_pass().Run();
  got = Deliver();
  EXPECT_EQ(site_.Count("notifications", "listing_id = " + std::to_string(second)), 3);
  EXPECT_EQ(About(got, "listing.matched", ana_).size(), 1u);
  EXPECT_EQ(About(got, "consent.withdrawn", ana_).size(), 1u);
}

TEST_F(PartnerAppEventsTest, EventsRaisedButNotYetDeliveredAreCancelledWhenThePersonWithdraws) {
  SaveSearch("ana", "46042");
  PublishJob("inf-1");
  site_.site().notification_pass().Run();
  Connection connection = site_.db().Acquire();
  ASSERT_TRUE(WebhookStore::Unlink(connection, ana_, agglo_.id, Now()));
  std::vector<Received> got = Deliver();
  EXPECT_TRUE(About(got, "lead.created", ana_).empty());
  EXPECT_TRUE(About(got, "listing.matched", ana_).empty());
  EXPECT_EQ(About(got, "consent.withdrawn", ana_).size(), 1u);
  int cancelled = 0;
  for (const Delivery& delivery : WebhookStore::Deliveries(connection, agglo_.id, 100)) {
    if (delivery.event_type == "lead.created" || delivery.event_type == "listing.matched") {
      EXPECT_EQ(delivery.status, "cancelled");
      ++cancelled;
    }
  }
  EXPECT_EQ(cancelled, 2);
}

}  // namespace
}  // namespace vivrovert::webhooks
