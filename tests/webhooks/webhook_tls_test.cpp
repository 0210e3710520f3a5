// Webhook deliveries over https (domain/webhooks/webhook_sender.hpp) on each backend: the
// receiving server of the test speaks TLS with a certificate made now by a test CA
// (openssl), and the site trusts that CA through webhooks.ca_file. A sender that does not
// trust it (the system's CA store, or another CA) fails the attempt with a TLS error,
// sends nothing (the receiver sees no request, in clear or otherwise) and retries; the
// trusted sender then delivers the same event, signed.
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

using nlohmann::json;
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using subscriptions::ProductCode;
using webhooks::testing::Received;
using webhooks::testing::Receiver;
using webhooks::testing::TestCertificates;

class WebhookTlsTest : public ::testing::Test {
 protected:
  WebhookTlsTest()
      : certificates_(webhooks::testing::MakeTestCertificates(dir_.path(), "receiver")),
        other_ca_(webhooks::testing::MakeTestCertificates(dir_.path(), "other")),
        receiver_(certificates_),
        site_([this](Config& config) {
          config.webhooks_allow_private_addresses = true;
          config.webhooks_ca_file = certificates_.ca_file;
        }) {
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
    Result<CreatedEndpoint> endpoint = WebhookStore::CreateEndpoint(
        connection, partner_id_, "https://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook",
        {"campaign.result"}, site_.site().secret_key(), /*allow_private=*/true, Now());
    if (!endpoint.ok()) throw std::runtime_error(endpoint.status().ToString());
    secret_ = endpoint->secret;
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  int64_t RaiseResult() {
    Connection connection = site_.db().Acquire();
    std::optional<int64_t> raised =
        WebhookStore::Raise(connection, partner_id_, EventType::kCampaignResult, std::nullopt,
                            {{"campaign", 12}, {"reached", 240}}, Now());
    if (!raised) throw std::runtime_error("nothing raised");
    return *raised;
  }

  // A sender like the site's, trusting `ca_file` ("": the system's CA store).
  WebhookSender SenderTrusting(const std::string& ca_file) {
    SenderOptions options;
    options.secret_key = site_.site().secret_key();
    options.allow_private = true;
    options.ca_file = ca_file;
    return WebhookSender(site_.db(), site_.clock(), options);
  }

  std::vector<Delivery> Deliveries() {
    Connection connection = site_.db().Acquire();
    return WebhookStore::Deliveries(connection, partner_id_, 100);
  }

  vivrovert::testing::TempDir dir_;
  TestCertificates certificates_;
  TestCertificates other_ca_;
  Receiver receiver_;
  vivrovert::testing::TestSite site_;
  int64_t partner_id_ = 0;
  std::string secret_;
};

TEST_F(WebhookTlsTest, ADeliveryOverHttpsToATrustedReceiverIsSigned) {
  const int64_t event = RaiseResult();
  SendReport sent = site_.site().webhook_sender().RunOnce();
  EXPECT_EQ(sent.delivered, 1);
  std::vector<Received> got = receiver_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(VerifySignature(got[0].signature, secret_, got[0].body, Now(), 300));
  EXPECT_EQ(got[0].event_id, "evt_" + std::to_string(event));
  EXPECT_EQ(json::parse(got[0].body)["data"]["reached"], 240);
  std::vector<Delivery> deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].status, "delivered");
  EXPECT_EQ(deliveries[0].last_status, 200);
}

TEST_F(WebhookTlsTest, AnUntrustedCertificateFailsTheAttemptWhichIsRetriedNeverSentInClear) {
  const int64_t event = RaiseResult();
  // The system's CA store does not know the test CA; nor does another CA's file.
  for (const std::string& ca_file : {std::string(), other_ca_.ca_file}) {
    WebhookSender untrusting = SenderTrusting(ca_file);
    SendReport report = untrusting.RunOnce();
    EXPECT_EQ(report.retried, 1) << ca_file;
    EXPECT_EQ(report.delivered, 0) << ca_file;
    std::vector<Delivery> deliveries = Deliveries();
    ASSERT_EQ(deliveries.size(), 1u);
    EXPECT_EQ(deliveries[0].status, "pending");
    EXPECT_FALSE(deliveries[0].last_status);  // no HTTP answer: nothing was sent
    EXPECT_EQ(deliveries[0].last_error.rfind("TLS: ", 0), 0u) << deliveries[0].last_error;
    EXPECT_NE(deliveries[0].last_error.find("certificate"), std::string::npos)
        << deliveries[0].last_error;
    EXPECT_TRUE(receiver_.received().empty());
    site_.clock().Advance(RetryDelay(SenderOptions{}, deliveries[0].attempts));
  }
  // The site's sender trusts the test CA: the same event arrives, signed.
  EXPECT_EQ(site_.site().webhook_sender().RunOnce().delivered, 1);
  std::vector<Received> got = receiver_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event_id, "evt_" + std::to_string(event));
  EXPECT_TRUE(VerifySignature(got[0].signature, secret_, got[0].body, Now(), 300));
  std::vector<Delivery> deliveries = Deliveries();
  EXPECT_EQ(deliveries[0].status, "delivered");
  EXPECT_EQ(deliveries[0].attempts, 3);
}

TEST_F(WebhookTlsTest, ACaFileThatCannotBeReadIsRefusedWhenTheSenderIsMade) {
  EXPECT_ANY_THROW(SenderTrusting((dir_.path() / "missing.pem").string()));
}

}  // namespace
}  // namespace vivrovert::webhooks
