// Faults of the relay against the outbox, on both backends, through real SMTP servers
// (fault_smtp.py): permanent refusals record bouncing addresses; a relay that disappears
// in the middle of a pass and comes back later loses and duplicates nothing, and the
// counts the operator sees (CountOutbox) follow each step.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "smtp_test_servers.hpp"
#include "support/test_database.hpp"

namespace vivrovert::mail {
namespace {

using testing::FaultSmtpServer;
using testing::MailTo;
using testing::ReceivedMail;
using testing::UniqueAddress;

constexpr int64_t kStart = 1'800'000'000;
constexpr const char* kFrom = "VivroVert <ne-pas-repondre@vivrovert.test>";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

SmtpConfig RelayOn(uint16_t port) {
  SmtpConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.from_address = kFrom;
  config.timeout_seconds = 30;
  return config;
}

// The real transport, with a hook run after each Send: how a test makes the relay
// disappear between two messages of one delivery pass.
class HookedTransport final : public SmtpTransport {
 public:
  HookedTransport(SmtpConfig config, std::function<void(int sends)> after_send)
      : real_(std::move(config)), after_send_(std::move(after_send)) {}
  Status Send(const OutgoingMessage& message) override {
    Status status = real_.Send(message);
    after_send_(++sends_);
    return status;
  }

 private:
  PocoSmtpTransport real_;
  std::function<void(int)> after_send_;
  int sends_ = 0;
};

class MailFaultsTest : public ::testing::Test {
 protected:
  int64_t Queue(const std::string& to, const std::string& key) {
    storage::Connection connection = database_.db().Acquire();
    OutgoingMessage message{key,
                            to,
                            "Nouvelles annonces près de chez vous",
                            "Bonjour,\nvoici les annonces.\n",
                            "<p>Bonjour, voici les annonces.</p>",
                            {}};
    EXPECT_TRUE(Enqueue(connection, message, clock_.NowSeconds()));
    return connection.QueryOne("SELECT id FROM mail_outbox WHERE idempotency_key = $1", {key})
        ->Int(0);
  }

  OutboxCounts Counts() {
    storage::Connection connection = database_.db().Acquire();
    return CountOutbox(connection, clock_.NowSeconds());
  }

  OutboxEntry Entry(const std::string& to) {
    storage::Connection connection = database_.db().Acquire();
    for (OutboxEntry& entry : ListOutbox(connection, std::nullopt, 1000)) {
      if (entry.to_address == to) return entry;
    }
    ADD_FAILURE() << "no outbox row for " << to;
    return {};
  }

  static void ExpectCounts(const OutboxCounts& counts, int64_t pending, int64_t pending_due,
                           int64_t failed, int64_t sent_last_24h,
                           std::optional<int64_t> oldest_due) {
    EXPECT_EQ(counts.pending, pending);
    EXPECT_EQ(counts.pending_due, pending_due);
    EXPECT_EQ(counts.sending, 0);  // one pass at a time, each claim settled before the next
    EXPECT_EQ(counts.failed, failed);
    EXPECT_EQ(counts.sent_last_24h, sent_last_24h);
    EXPECT_EQ(counts.oldest_due_age_seconds, oldest_due);
  }

  static void ExpectReport(const DeliveryReport& report, int sent, int retried, int failed) {
    EXPECT_EQ(report.sent, sent);
    EXPECT_EQ(report.retried, retried);
    EXPECT_EQ(report.failed, failed);
  }

  vivrovert::testing::TestDatabase database_;
  ManualClock clock_{kStart};
};

TEST_F(MailFaultsTest, PermanentRefusalsMarkTheAddressBouncingOthersDoNot) {
  FaultSmtpServer relay;
  // Lower-case, as bounces are stored.
  const std::string refused_recipient = Lower(UniqueAddress("perm"));    // 550 to RCPT TO
  const std::string refused_content = Lower(UniqueAddress("dataperm"));  // 554 after DATA
  const std::string deferred = UniqueAddress("temp");                    // 451, temporary
  const std::string accepted = UniqueAddress("bien");
  const std::string malformed = "pas<une>adresse@example.test";  // refused before the relay
  const int64_t first_id = Queue(refused_recipient, "a:1");
  const int64_t content_id = Queue(refused_content, "a:2");
  Queue(deferred, "a:3");
  Queue(accepted, "a:4");
  Queue(malformed, "a:5");

  PocoSmtpTransport transport(RelayOn(relay.port()));
  MailSender sender(database_.db(), transport, clock_);
  DeliveryReport report = sender.DeliverDue(10);
  ExpectReport(report, 1, 1, 3);
  EXPECT_EQ(report.bounced, 2);

  storage::Connection connection = database_.db().Acquire();
  EXPECT_TRUE(IsBouncing(connection, refused_recipient));
  EXPECT_TRUE(IsBouncing(connection, refused_content));
  std::string upper = refused_recipient;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_NE(upper, refused_recipient);
  EXPECT_TRUE(IsBouncing(connection, upper));  // addresses compare without case
  EXPECT_FALSE(IsBouncing(connection, deferred));
  EXPECT_FALSE(IsBouncing(connection, accepted));
  EXPECT_FALSE(IsBouncing(connection, malformed));  // failed, but no relay said no
  EXPECT_EQ(Entry(malformed).status, OutboxStatus::kFailed);
  EXPECT_EQ(CountBounces(connection), 2);

  std::map<std::string, Bounce> bounces;
  for (Bounce& bounce : ListBounces(connection, 10)) bounces[bounce.address] = bounce;
  ASSERT_EQ(bounces.size(), 2u);
  const Bounce& first = bounces.at(refused_recipient);
  EXPECT_EQ(first.failures, 1);
  EXPECT_EQ(first.first_failed_at, kStart);
  EXPECT_EQ(first.last_failed_at, kStart);
  EXPECT_EQ(first.outbox_id, first_id);
  EXPECT_NE(first.last_error.find("550"), std::string::npos) << first.last_error;
  EXPECT_EQ(bounces.at(refused_content).outbox_id, content_id);
  EXPECT_NE(bounces.at(refused_content).last_error.find("554"), std::string::npos);

  // Another mail to the same address, a day later: one row, counted twice, newest first.
  clock_.Advance(86400);
  const int64_t second_id = Queue(refused_recipient, "b:1");
  report = sender.DeliverDue(10);
  EXPECT_EQ(report.bounced, 1);
  std::vector<Bounce> listed = ListBounces(connection, 10);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].address, refused_recipient);
  EXPECT_EQ(listed[0].failures, 2);
  EXPECT_EQ(listed[0].first_failed_at, kStart);
  EXPECT_EQ(listed[0].last_failed_at, kStart + 86400);
  EXPECT_EQ(listed[0].outbox_id, second_id);
  EXPECT_EQ(ListBounces(connection, 1).size(), 1u);

  // The operator reactivates it: list mail may go there again; the next refusal starts over.
  EXPECT_TRUE(ClearBounce(connection, upper));
  EXPECT_FALSE(IsBouncing(connection, refused_recipient));
  EXPECT_FALSE(ClearBounce(connection, refused_recipient));
  EXPECT_TRUE(IsBouncing(connection, refused_content));
  Queue(refused_recipient, "c:1");
  EXPECT_EQ(sender.DeliverDue(10).bounced, 1);
  for (const Bounce& bounce : ListBounces(connection, 10)) {
    if (bounce.address == refused_recipient) {
      EXPECT_EQ(bounce.failures, 1);
    }
  }
}

TEST_F(MailFaultsTest, RelayLostMidRunThenBackDeliversEveryMessageExactlyOnce) {
  constexpr int kMessages = 20;
  constexpr int kSendsBeforeTheRelayDies = 10;
  // Every fifth recipient is refused with 451 the first time a given relay sees it.
  std::vector<std::string> addresses;
  std::map<std::string, std::string> key_of;
  for (int index = 0; index < kMessages; ++index) {
    addresses.push_back(UniqueAddress(index % 5 == 4 ? "flaky1-panne" : "panne"));
    key_of[addresses.back()] = "digest:" + std::to_string(index) + ":" + addresses.back();
    Queue(addresses.back(), key_of[addresses.back()]);
  }
  ExpectCounts(Counts(), kMessages, kMessages, 0, 0, int64_t{0});

  // The relay dies right after the 10th message of the pass; what it had received is kept.
  auto relay = std::make_unique<FaultSmtpServer>();
  const uint16_t port = relay->port();
  std::vector<ReceivedMail> received;
  HookedTransport transport(RelayOn(port), [&](int sends) {
    if (sends == kSendsBeforeTheRelayDies && relay) {
      for (ReceivedMail& mail : testing::ReadMaildir(relay->maildir()))
        received.push_back(std::move(mail));
      relay.reset();
    }
  });
  MailSender sender(database_.db(), transport, clock_);

  // Pass 1: 8 delivered, 2 deferred by the relay (flaky), then 10 find nobody listening.
  ExpectReport(sender.DeliverDue(100), 8, 12, 0);
  ASSERT_EQ(relay, nullptr);
  EXPECT_EQ(received.size(), 8u);
  ExpectCounts(Counts(), 12, 0, 0, 8, std::nullopt);  // all waiting for their retry in a minute
  EXPECT_NE(Entry(addresses[15]).last_error.find("refused"), std::string::npos)
      << Entry(addresses[15]).last_error;

  // Nothing is due before the backoff: a pass right away sends nothing, even to nobody.
  clock_.Advance(59);
  ExpectReport(sender.DeliverDue(100), 0, 0, 0);
  ExpectCounts(Counts(), 12, 0, 0, 8, std::nullopt);

  // Still down when the retries come due: each is deferred again (the wait doubles).
  clock_.Advance(1);
  ExpectCounts(Counts(), 12, 12, 0, 8, int64_t{60});
  ExpectReport(sender.DeliverDue(100), 0, 12, 0);
  ExpectCounts(Counts(), 12, 0, 0, 8, std::nullopt);

  // A relay comes back on the same port: 8 leave, the 4 flaky ones are deferred once more
  // by this new relay.
  relay = std::make_unique<FaultSmtpServer>("", port);
  clock_.Advance(120);
  ExpectCounts(Counts(), 12, 12, 0, 8, int64_t{180});
  ExpectReport(sender.DeliverDue(100), 8, 4, 0);
  ExpectCounts(Counts(), 4, 0, 0, 16, std::nullopt);

  clock_.Advance(240);
  ExpectReport(sender.DeliverDue(100), 4, 0, 0);
  ExpectCounts(Counts(), 0, 0, 0, kMessages, std::nullopt);
  clock_.Advance(3600);
  ExpectReport(sender.DeliverDue(100), 0, 0, 0);

  // Every message arrived exactly once, with the Message-ID of its key.
  for (ReceivedMail& mail : testing::ReadMaildir(relay->maildir()))
    received.push_back(std::move(mail));
  ASSERT_EQ(received.size(), static_cast<size_t>(kMessages));
  std::map<std::string, int> copies_by_id;
  for (const ReceivedMail& mail : received) ++copies_by_id[mail.message_id];
  for (const std::string& to : addresses) {
    const std::string message_id = MessageIdFor(key_of[to], kFrom);
    EXPECT_EQ(copies_by_id[message_id], 1) << to;
    int to_this_address = 0;
    for (const ReceivedMail& mail : received) to_this_address += mail.rcpt_to == to ? 1 : 0;
    EXPECT_EQ(to_this_address, 1) << to;
    EXPECT_EQ(Entry(to).status, OutboxStatus::kSent);
  }
  EXPECT_EQ(copies_by_id.size(), static_cast<size_t>(kMessages));
  storage::Connection connection = database_.db().Acquire();
  EXPECT_EQ(CountBounces(connection), 0);  // temporary failures never make an address bounce
}

}  // namespace
}  // namespace vivrovert::mail
