// Webhook deliveries end to end (domain/webhooks, web/campaigns) through the whole site
// (TestSite, with webhooks.allow_private_addresses for the local receiver) on each backend:
// a receiving HTTP server in the test checks every signature with the secret the page
// showed once, answers failures on demand, and sees retries with backoff, replay by staff,
// the same event id each time, and no delivery about a person who unlinked their account.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/partners/partner_store.hpp"
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
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using subscriptions::ProductCode;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;
using webhooks::testing::Received;
using webhooks::testing::Receiver;

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  WebhookDeliveryTest()
      : site_([](Config& config) { config.webhooks_allow_private_addresses = true; }) {
    Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {"200023737"}, {}};
    auto created = PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    partner_id_ = created->id;
    vivrovert::testing::Subscribe(connection, partner_id_,
                                  {ProductCode::kBase, ProductCode::kOption3});
    admin_ = site_.CreateUser("admin@cahors.test", Role::kUser, "Admin");
    EXPECT_TRUE(
        PartnerStore::SetStaff(connection, partner_id_, admin_, partners::StaffRole::kAdmin, Now())
            .ok());
    ana_ = site_.CreateUser("ana@exemple.fr", Role::kUser, "Ana");
  }

  int64_t Now() { return site_.clock().NowSeconds(); }
  std::string Url() { return "http://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook"; }

  // Registers the receiver through the partner's page; returns the secret shown once.
  std::string Register() {
    Browser admin = site_.SignedIn("admin@cahors.test");
    Page created = admin.Post("/partenaire/grand-cahors/webhooks", {{"url", Url()},
                                                                    {"events", "lead.created"},
                                                                    {"events", "consent.withdrawn"},
                                                                    {"events", "campaign.result"}});
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string marker = "<code class=\"secret\">";
    const size_t at = created.body.find(marker);
    if (at == std::string::npos) throw std::runtime_error("no secret on the page");
    const size_t start = at + marker.size();
    const std::string secret = created.body.substr(start, created.body.find('<', start) - start);
    // Shown once: never again on the page.
    EXPECT_EQ(admin.Get("/partenaire/grand-cahors/webhooks").body.find(secret), std::string::npos);
    return secret;
  }

  std::optional<int64_t> RaiseLead(int64_t user_id) {
    Connection connection = site_.db().Acquire();
    return WebhookStore::Raise(connection, partner_id_, EventType::kLeadCreated, user_id,
                               {{"person", "usr_" + std::to_string(user_id)}, {"kind", "contact"}},
                               Now());
  }

  std::vector<Delivery> Deliveries() {
    Connection connection = site_.db().Acquire();
    return WebhookStore::Deliveries(connection, partner_id_, 100);
  }

  // Checked now, as the receiver would on arrival; `tolerance` for a check made later.
  void ExpectSigned(const Received& got, const std::string& secret, int64_t tolerance = 300) {
    EXPECT_TRUE(VerifySignature(got.signature, secret, got.body, Now(), tolerance))
        << got.signature;
    EXPECT_EQ(got.content_type, "application/json");
    EXPECT_EQ(json::parse(got.body)["id"], got.event_id);
    EXPECT_EQ(json::parse(got.body)["type"], got.event_type);
    EXPECT_EQ(got.path, "/hook");
  }

  Receiver receiver_;
  vivrovert::testing::TestSite site_;
  int64_t partner_id_ = 0, admin_ = 0, ana_ = 0;
};

TEST_F(WebhookDeliveryTest, SignedDeliveriesAreRetriedWithBackoffAndReplayedWithTheSameEventId) {
  const std::string secret = Register();
  {
    Connection connection = site_.db().Acquire();
    WebhookStore::Link(connection, ana_, partner_id_, Now());
  }
  ASSERT_TRUE(RaiseLead(ana_));
  receiver_.AnswerNext({500, 503});
  WebhookSender& sender = site_.site().webhook_sender();

  // First attempt: 500, retried after a minute; nothing is due before.
  SendReport first = sender.RunOnce();
  EXPECT_EQ(first.retried, 1);
  std::vector<Delivery> deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].status, "pending");
  EXPECT_EQ(deliveries[0].attempts, 1);
  EXPECT_EQ(deliveries[0].last_status, 500);
  EXPECT_EQ(deliveries[0].next_attempt_at, Now() + 60);
  EXPECT_EQ(sender.RunOnce().retried + sender.RunOnce().delivered, 0);

  // Second attempt a minute later: 503, retried after two minutes (the delay doubles).
  site_.clock().Advance(60);
  EXPECT_EQ(sender.RunOnce().retried, 1);
  deliveries = Deliveries();
  EXPECT_EQ(deliveries[0].attempts, 2);
  EXPECT_EQ(deliveries[0].next_attempt_at, Now() + 120);
  site_.clock().Advance(119);
  EXPECT_EQ(sender.RunOnce().delivered, 0);
  site_.clock().Advance(1);
  EXPECT_EQ(sender.RunOnce().delivered, 1);
  deliveries = Deliveries();
  EXPECT_EQ(deliveries[0].status, "delivered");
  EXPECT_EQ(deliveries[0].last_status, 200);

  std::vector<Received> got = receiver_.received();
  ASSERT_EQ(got.size(), 3u);
  for (const Received& one : got) ExpectSigned(one, secret);
  // The same event, the same bytes, each time: the receiver deduplicates by the id.
  EXPECT_EQ(got[0].event_id, got[2].event_id);
  EXPECT_EQ(got[0].body, got[2].body);
  EXPECT_EQ(got[0].event_type, "lead.created");
  EXPECT_EQ(json::parse(got[0].body)["partner"], "grand-cahors");
  EXPECT_EQ(json::parse(got[0].body)["data"]["person"], "usr_" + std::to_string(ana_));

  // Staff replay it from the page: sent again, same id, fresh signature.
  site_.clock().Advance(600);
  Browser admin = site_.SignedIn("admin@cahors.test");
  Page replayed = admin.Post("/partenaire/grand-cahors/webhooks/livraisons/" +
                                 std::to_string(deliveries[0].id) + "/rejouer",
                             {});
  EXPECT_EQ(replayed.status, 303) << replayed.body;
  EXPECT_EQ(sender.RunOnce().delivered, 1);
  got = receiver_.received();
  ASSERT_EQ(got.size(), 4u);
  ExpectSigned(got[3], secret);
  EXPECT_EQ(got[3].event_id, got[0].event_id);
  EXPECT_NE(got[3].signature, got[0].signature);

  // The page lists the deliveries with their status.
  Page page = admin.Get("/partenaire/grand-cahors/webhooks");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("data-status=\"delivered\""), std::string::npos);
  EXPECT_NE(page.body.find(got[0].event_id), std::string::npos);
}

TEST_F(WebhookDeliveryTest, ADeliveryThatKeepsFailingIsGivenUp) {
  const std::string secret = Register();
  SenderOptions options;
  options.secret_key = site_.site().secret_key();
  options.allow_private = true;
  options.max_attempts = 3;
  options.first_retry_seconds = 10;
  WebhookSender sender(site_.db(), site_.clock(), options);
  {
    Connection connection = site_.db().Acquire();
    ASSERT_TRUE(WebhookStore::Raise(connection, partner_id_, EventType::kCampaignResult,
                                    std::nullopt, {{"campaign", 1}, {"reached", 2}}, Now()));
  }
  receiver_.AnswerNext({500, 404, 410});
  EXPECT_EQ(sender.RunOnce().retried, 1);
  site_.clock().Advance(10);
  EXPECT_EQ(sender.RunOnce().retried, 1);
  site_.clock().Advance(20);
  EXPECT_EQ(sender.RunOnce().failed, 1);
  std::vector<Delivery> deliveries = Deliveries();
  EXPECT_EQ(deliveries[0].status, "failed");
  EXPECT_EQ(deliveries[0].attempts, 3);
  EXPECT_EQ(deliveries[0].last_status, 410);
  site_.clock().Advance(3600);
  EXPECT_EQ(sender.RunOnce().retried + sender.RunOnce().failed, 0);
  for (const Received& one : receiver_.received()) ExpectSigned(one, secret, 3600 + 30);
  EXPECT_EQ(RetryDelay(options, 1), 10);
  EXPECT_EQ(RetryDelay(options, 2), 20);
  EXPECT_EQ(RetryDelay(options, 30), options.max_retry_seconds);
}

TEST_F(WebhookDeliveryTest, NothingMoreIsSentAboutAPersonWhoUnlinkedTheirAccount) {
  const std::string secret = Register();
  // Not linked: no event about Ana at all.
  EXPECT_FALSE(RaiseLead(ana_));
  // Ana links her account on her page, after ticking what it shares.
  Browser ana = site_.SignedIn("ana@exemple.fr");
  Page apps = ana.Get("/compte/applications");
  ASSERT_EQ(apps.status, 200);
  EXPECT_NE(apps.body.find("CA du Grand Cahors"), std::string::npos);
  EXPECT_NE(apps.body.find("votre adresse e-mail et votre nom"), std::string::npos);
  EXPECT_EQ(ana.Post("/compte/applications/grand-cahors/lier", {}).status, 400);
  EXPECT_EQ(ana.Post("/compte/applications/grand-cahors/lier", {{"consent", "1"}}).status, 303);
  ASSERT_TRUE(RaiseLead(ana_));
  // The receiver is down when it is due; then Ana unlinks before the retry.
  receiver_.AnswerNext({503});
  WebhookSender& sender = site_.site().webhook_sender();
  EXPECT_EQ(sender.RunOnce().retried, 1);
  EXPECT_EQ(ana.Post("/compte/applications/grand-cahors/delier", {}).status, 303);
  site_.clock().Advance(3600);
  SendReport after = sender.RunOnce();
  EXPECT_EQ(after.delivered, 1);  // consent.withdrawn only
  std::vector<Received> got = receiver_.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].event_type, "consent.withdrawn");
  EXPECT_EQ(json::parse(got[1].body)["data"]["person"], "usr_" + std::to_string(ana_));
  ExpectSigned(got[1], secret);
  bool cancelled = false;
  for (const Delivery& delivery : Deliveries()) {
    if (delivery.event_type == "lead.created") {
      EXPECT_EQ(delivery.status, "cancelled");
      cancelled = true;
    }
  }
  EXPECT_TRUE(cancelled);
  // Replay cannot bring it back, and new events about her are not raised.
  Connection connection = site_.db().Acquire();
  for (const Delivery& delivery : Deliveries()) {
    if (delivery.event_type == "lead.created") {
      EXPECT_EQ(WebhookStore::Replay(connection, partner_id_, delivery.id, Now()).code(),
                StatusCode::kFailedPrecondition);
      // Nor can another partner's staff reach it.
      EXPECT_EQ(WebhookStore::Replay(connection, partner_id_ + 1000, delivery.id, Now()).code(),
                StatusCode::kNotFound);
    }
  }
  EXPECT_FALSE(RaiseLead(ana_));
  EXPECT_EQ(sender.RunOnce().delivered, 0);
  EXPECT_EQ(receiver_.received().size(), 2u);
}

TEST_F(WebhookDeliveryTest, TheFormRefusesBadEndpointsAndPartnersWithoutOption3) {
  Browser admin = site_.SignedIn("admin@cahors.test");
  Page no_event = admin.Post("/partenaire/grand-cahors/webhooks", {{"url", Url()}});
  EXPECT_EQ(no_event.status, 400);
  EXPECT_NE(no_event.body.find("au moins un événement"), std::string::npos);
  Page ftp = admin.Post("/partenaire/grand-cahors/webhooks",
                        {{"url", "ftp://127.0.0.1/x"}, {"events", "lead.created"}});
  EXPECT_EQ(ftp.status, 400);
  EXPECT_NE(ftp.body.find("doit commencer par https:"), std::string::npos) << ftp.body;
  Page unknown =
      admin.Post("/partenaire/grand-cahors/webhooks", {{"url", Url()}, {"events", "everything"}});
  EXPECT_EQ(unknown.status, 400);

  Connection connection = site_.db().Acquire();
  partners::PartnerInput input;
  input.kind = PartnerKind::kCommune;
  input.name = "Ville de Figeac";
  input.slug = "figeac";
  input.territory = {{"46102"}, {}, {}};
  auto figeac = PartnerStore::Create(connection, input, Now());
  ASSERT_TRUE(figeac.ok());
  vivrovert::testing::Subscribe(connection, figeac->id);
  ASSERT_TRUE(
      PartnerStore::SetStaff(connection, figeac->id, admin_, partners::StaffRole::kAdmin, Now())
          .ok());
  EXPECT_EQ(admin.Get("/partenaire/figeac/webhooks").status, 403);
  EXPECT_EQ(admin.Post("/partenaire/figeac/webhooks", {{"url", Url()}, {"events", "lead.created"}})
                .status,
            403);
}

}  // namespace
}  // namespace vivrovert::webhooks
