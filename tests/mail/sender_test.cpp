// MailSender and MailWorker against real SMTP servers, on both backends: the shared
// aiosmtpd of scripts/with-test-services.sh, and fault_smtp.py for refusals.
#include "domain/mail/sender.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "core/common/env.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "smtp_test_servers.hpp"
#include "support/test_database.hpp"

namespace vivrovert::mail {
namespace {

using testing::FaultSmtpServer;
using testing::MailTo;
using testing::SharedMaildir;
using testing::SharedSmtpPort;
using testing::UniqueAddress;

constexpr int64_t kStart = 1'800'000'000;
constexpr const char* kFrom = "VivroVert <ne-pas-repondre@vivrovert.test>";

SmtpConfig RelayOn(uint16_t port) {
  SmtpConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.from_address = kFrom;
  config.timeout_seconds = 30;
  return config;
}

class MailSenderTest : public ::testing::Test {
 protected:
  // Queues a simple French mail to `to`; the key is derived from the address.
  std::string Queue(const std::string& to) {
    storage::Connection connection = database_.db().Acquire();
    OutgoingMessage message{"test:" + to,
                            to,
                            "Votre accès à VivroVert",
                            "Bonjour Léa,\nvoilà votre lien.\n",
                            "<p>Bonjour Léa, voilà votre lien.</p>",
                            {}};
    EXPECT_TRUE(Enqueue(connection, message, clock_.NowSeconds()));
    return message.idempotency_key;
  }

  OutboxEntry Entry(const std::string& to) {
    storage::Connection connection = database_.db().Acquire();
    for (OutboxEntry& entry : ListOutbox(connection, std::nullopt, 1000)) {
      if (entry.to_address == to) return entry;
    }
    ADD_FAILURE() << "no outbox row for " << to;
    return {};
  }

  static void ExpectReport(const DeliveryReport& report, int sent, int retried, int failed) {
    EXPECT_EQ(report.sent, sent);
    EXPECT_EQ(report.retried, retried);
    EXPECT_EQ(report.failed, failed);
  }

  vivrovert::testing::TestDatabase database_;
  ManualClock clock_{kStart};
};

TEST_F(MailSenderTest, DeliversARenderedFrenchMailExactlyOnce) {
  auto templates = MailTemplates::Load(VIVROVERT_TEST_SOURCE_ROOT);
  ASSERT_TRUE(templates.ok()) << templates.status().ToString();
  auto rendered = templates->Render("reset_password",
                                    {{"display_name", "Zoé <script>alert(1)</script>"},
                                     {"link", "https://vivrovert.test/mot-de-passe?jeton=a&b=c"},
                                     {"expires_hours", "2"}});
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  OutgoingMessage message = *rendered;
  message.to_address = UniqueAddress("zoe");
  message.idempotency_key = "reset_password:42:" + message.to_address;
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(Enqueue(connection, message, kStart));
  }

  PocoSmtpTransport transport(RelayOn(SharedSmtpPort()));
  MailSender sender(database_.db(), transport, clock_);
  ExpectReport(sender.DeliverDue(10), 1, 0, 0);

  std::vector<testing::ReceivedMail> received = MailTo(SharedMaildir(), message.to_address);
  ASSERT_EQ(received.size(), 1u);
  const testing::ReceivedMail& mail = received[0];
  EXPECT_EQ(mail.subject, "Réinitialisation de votre mot de passe VivroVert");
  EXPECT_NE(mail.to.find(message.to_address), std::string::npos) << mail.to;
  EXPECT_EQ(mail.from, "VivroVert <ne-pas-repondre@vivrovert.test>");
  EXPECT_EQ(mail.message_id, MessageIdFor(message.idempotency_key, kFrom));
  EXPECT_EQ(mail.content_type, "multipart/alternative");
  EXPECT_EQ(mail.text_charset, "utf-8");
  EXPECT_EQ(mail.html_charset, "utf-8");
  EXPECT_NE(mail.text.find("Bonjour Zoé <script>alert(1)</script>,"), std::string::npos);
  EXPECT_NE(mail.text.find("https://vivrovert.test/mot-de-passe?jeton=a&b=c"), std::string::npos);
  EXPECT_NE(mail.text.find("L'équipe VivroVert"), std::string::npos);
  EXPECT_NE(mail.html.find("Zoé &lt;script&gt;alert(1)&lt;&#x2F;script&gt;"), std::string::npos);
  EXPECT_EQ(mail.html.find("<script>"), std::string::npos);
  EXPECT_NE(
      mail.html.find("href=\"https:&#x2F;&#x2F;vivrovert.test&#x2F;mot-de-passe?jeton=a&amp;b=c\""),
      std::string::npos);
  EXPECT_NE(mail.html.find("L'équipe VivroVert"), std::string::npos);

  OutboxEntry entry = Entry(message.to_address);
  EXPECT_EQ(entry.status, OutboxStatus::kSent);
  EXPECT_EQ(entry.attempts, 1);
  EXPECT_EQ(entry.sent_at, kStart);

  // A second pass, even much later, sends nothing more.
  clock_.Advance(7 * 24 * 3600);
  ExpectReport(sender.DeliverDue(10), 0, 0, 0);
  EXPECT_EQ(MailTo(SharedMaildir(), message.to_address).size(), 1u);
}

TEST_F(MailSenderTest, ListMailCarriesOneClickUnsubscribeHeaders) {
  constexpr const char* kSecret = "test-secret-key-of-at-least-32-characters!";
  OutgoingMessage message{"digest:7:2026-11-29",
                          UniqueAddress("resume"),
                          "Votre résumé VivroVert",
                          "Bonjour,\nvoici les annonces du jour.\n",
                          "<p>Bonjour, voici les annonces du jour.</p>",
                          {}};
  const std::string url = UnsubscribeUrl("https://vivrovert.test", kSecret, MailList::kListings, 7);
  AddUnsubscribeHeaders(message, url);
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(Enqueue(connection, message, kStart));
  }
  PocoSmtpTransport transport(RelayOn(SharedSmtpPort()));
  MailSender sender(database_.db(), transport, clock_);
  ExpectReport(sender.DeliverDue(10), 1, 0, 0);

  std::vector<testing::ReceivedMail> received = MailTo(SharedMaildir(), message.to_address);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].Header("List-Unsubscribe"), "<" + url + ">");
  EXPECT_EQ(received[0].Header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
  // The link a mail client would POST to names this person and list, signed.
  const std::string token = url.substr(url.find("jeton=") + 6);
  std::optional<UnsubscribeTarget> target = ReadUnsubscribeToken(kSecret, token);
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->user_id, 7);
  EXPECT_EQ(target->list, MailList::kListings);
  // Our own headers stay single: the extra ones did not replace or duplicate them.
  int message_ids = 0;
  for (const auto& [name, value] : received[0].headers) message_ids += name == "Message-ID" ? 1 : 0;
  EXPECT_EQ(message_ids, 1);
  EXPECT_EQ(received[0].subject, "Votre résumé VivroVert");
}

TEST_F(MailSenderTest, TemporaryRefusalIsRetriedWithBackoffThenDeliveredOnce) {
  FaultSmtpServer relay;
  const std::string to = UniqueAddress("flaky2");  // refused twice with 451, then accepted
  Queue(to);
  PocoSmtpTransport transport(RelayOn(relay.port()));
  MailSender sender(database_.db(), transport, clock_);

  ExpectReport(sender.DeliverDue(10), 0, 1, 0);
  OutboxEntry entry = Entry(to);
  EXPECT_EQ(entry.status, OutboxStatus::kPending);
  EXPECT_EQ(entry.attempts, 1);
  EXPECT_EQ(entry.next_attempt_at, kStart + 60);
  EXPECT_NE(entry.last_error.find("451"), std::string::npos) << entry.last_error;

  clock_.Advance(59);
  ExpectReport(sender.DeliverDue(10), 0, 0, 0);  // not before next_attempt_at
  clock_.Advance(1);
  ExpectReport(sender.DeliverDue(10), 0, 1, 0);
  entry = Entry(to);
  EXPECT_EQ(entry.attempts, 2);
  EXPECT_EQ(entry.next_attempt_at, kStart + 60 + 120);  // the wait doubled

  clock_.Advance(119);
  ExpectReport(sender.DeliverDue(10), 0, 0, 0);
  clock_.Advance(1);
  ExpectReport(sender.DeliverDue(10), 1, 0, 0);
  EXPECT_EQ(Entry(to).status, OutboxStatus::kSent);
  EXPECT_EQ(Entry(to).attempts, 3);
  EXPECT_EQ(MailTo(relay.maildir(), to).size(), 1u);

  clock_.Advance(24 * 3600);
  ExpectReport(sender.DeliverDue(10), 0, 0, 0);
  EXPECT_EQ(MailTo(relay.maildir(), to).size(), 1u);
}

TEST_F(MailSenderTest, TemporaryRefusalAfterDataIsRetried) {
  FaultSmtpServer relay;
  const std::string to = UniqueAddress("datatemp");
  Queue(to);
  PocoSmtpTransport transport(RelayOn(relay.port()));
  MailSender sender(database_.db(), transport, clock_);
  ExpectReport(sender.DeliverDue(10), 0, 1, 0);
  EXPECT_EQ(Entry(to).status, OutboxStatus::kPending);
  EXPECT_NE(Entry(to).last_error.find("451"), std::string::npos) << Entry(to).last_error;
  EXPECT_TRUE(MailTo(relay.maildir(), to).empty());
}

TEST_F(MailSenderTest, PermanentRefusalFailsAtOnceAndIsNeverRetried) {
  FaultSmtpServer relay;
  const std::string rejected_recipient = UniqueAddress("perm");    // 550 to RCPT TO
  const std::string rejected_content = UniqueAddress("dataperm");  // 554 after DATA
  Queue(rejected_recipient);
  Queue(rejected_content);
  PocoSmtpTransport transport(RelayOn(relay.port()));
  MailSender sender(database_.db(), transport, clock_);

  ExpectReport(sender.DeliverDue(10), 0, 0, 2);
  for (const auto& [to, code] :
       {std::pair{rejected_recipient, "550"}, std::pair{rejected_content, "554"}}) {
    OutboxEntry entry = Entry(to);
    EXPECT_EQ(entry.status, OutboxStatus::kFailed);
    EXPECT_EQ(entry.attempts, 1);
    EXPECT_NE(entry.last_error.find(code), std::string::npos) << entry.last_error;
  }
  clock_.Advance(30 * 24 * 3600);
  ExpectReport(sender.DeliverDue(10), 0, 0, 0);
  EXPECT_TRUE(MailTo(relay.maildir(), rejected_recipient).empty());
  EXPECT_TRUE(MailTo(relay.maildir(), rejected_content).empty());
}

TEST_F(MailSenderTest, ConnectionRefusedIsRetriedNotDropped) {
  const std::string to = UniqueAddress("refused");
  Queue(to);
  PocoSmtpTransport nobody_listening(RelayOn(testing::UnusedPort()));
  MailSender down(database_.db(), nobody_listening, clock_);
  ExpectReport(down.DeliverDue(10), 0, 1, 0);
  OutboxEntry entry = Entry(to);
  EXPECT_EQ(entry.status, OutboxStatus::kPending);
  EXPECT_NE(entry.last_error.find("refused"), std::string::npos) << entry.last_error;

  // Once the relay is back, the message goes out, once.
  clock_.Advance(60);
  PocoSmtpTransport relay(RelayOn(SharedSmtpPort()));
  MailSender up(database_.db(), relay, clock_);
  ExpectReport(up.DeliverDue(10), 1, 0, 0);
  EXPECT_EQ(MailTo(SharedMaildir(), to).size(), 1u);
}

TEST_F(MailSenderTest, GivesUpAfterTheLastAllowedAttempt) {
  FaultSmtpServer relay;
  const std::string to = UniqueAddress("temp");  // 451 forever
  Queue(to);
  PocoSmtpTransport transport(RelayOn(relay.port()));
  SenderOptions options;
  options.max_attempts = 3;
  MailSender sender(database_.db(), transport, clock_, options);

  ExpectReport(sender.DeliverDue(10), 0, 1, 0);
  clock_.Advance(60);
  ExpectReport(sender.DeliverDue(10), 0, 1, 0);
  clock_.Advance(120);
  ExpectReport(sender.DeliverDue(10), 0, 0, 1);
  OutboxEntry entry = Entry(to);
  EXPECT_EQ(entry.status, OutboxStatus::kFailed);
  EXPECT_EQ(entry.attempts, 3);
  EXPECT_NE(entry.last_error.find("gave up after 3 attempts"), std::string::npos)
      << entry.last_error;
  EXPECT_NE(entry.last_error.find("451"), std::string::npos) << entry.last_error;
}

TEST_F(MailSenderTest, CrashAfterAcceptanceResendsWithTheSameMessageId) {
  const std::string to = UniqueAddress("crash");
  const std::string key = Queue(to);
  PocoSmtpTransport transport(RelayOn(SharedSmtpPort()));

  // A sender claims the message, the relay accepts it, and the sender dies before
  // recording 'sent'.
  {
    storage::Connection connection = database_.db().Acquire();
    std::vector<ClaimedMessage> claimed = ClaimDue(connection, clock_.NowSeconds(), 600, 1);
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(transport.Send(claimed[0].message).ok());
  }
  MailSender survivor(database_.db(), transport, clock_);
  ExpectReport(survivor.DeliverDue(10), 0, 0, 0);  // the lease still holds
  clock_.Advance(600);
  ExpectReport(survivor.DeliverDue(10), 1, 0, 0);

  std::vector<testing::ReceivedMail> received = MailTo(SharedMaildir(), to);
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].message_id, received[1].message_id);
  EXPECT_EQ(received[0].message_id, MessageIdFor(key, kFrom));
  EXPECT_EQ(Entry(to).attempts, 2);
}

TEST_F(MailSenderTest, TwoSendersOnTwoPoolsDeliverEachMessageExactlyOnce) {
  constexpr int kMessages = 24;
  std::vector<std::string> addresses;
  for (int index = 0; index < kMessages; ++index) {
    addresses.push_back(UniqueAddress("pair" + std::to_string(index)));
    Queue(addresses.back());
  }
  std::unique_ptr<storage::Database> second_pool = database_.OpenAnother();
  PocoSmtpTransport transport(RelayOn(SharedSmtpPort()));
  MailSender first(database_.db(), transport, clock_);
  MailSender second(*second_pool, transport, clock_);

  DeliveryReport first_report;
  DeliveryReport second_report;
  std::thread first_thread([&] { first_report = first.DeliverDue(kMessages); });
  std::thread second_thread([&] { second_report = second.DeliverDue(kMessages); });
  first_thread.join();
  second_thread.join();

  EXPECT_EQ(first_report.sent + second_report.sent, kMessages);
  EXPECT_EQ(first_report.retried + second_report.retried, 0);
  EXPECT_EQ(first_report.failed + second_report.failed, 0);
  std::vector<testing::ReceivedMail> all = testing::ReadMaildir(SharedMaildir());
  for (const std::string& to : addresses) {
    int copies = 0;
    for (const testing::ReceivedMail& mail : all) copies += mail.rcpt_to == to ? 1 : 0;
    EXPECT_EQ(copies, 1) << to;
    EXPECT_EQ(Entry(to).status, OutboxStatus::kSent);
  }
}

TEST_F(MailSenderTest, LogsInWhenAUsernameIsConfigured) {
  FaultSmtpServer relay("vivrovert:s3cret");
  const std::string to = UniqueAddress("auth");
  Queue(to);

  SmtpConfig wrong = RelayOn(relay.port());
  wrong.username = "vivrovert";
  wrong.password = "wrong";
  PocoSmtpTransport refused(wrong);
  // A rejected login is our configuration's fault, not the message's: retry later.
  ExpectReport(MailSender(database_.db(), refused, clock_).DeliverDue(10), 0, 1, 0);
  EXPECT_EQ(Entry(to).status, OutboxStatus::kPending) << Entry(to).last_error;
  EXPECT_NE(Entry(to).last_error.find("535"), std::string::npos) << Entry(to).last_error;

  SmtpConfig right = wrong;
  right.password = "s3cret";
  PocoSmtpTransport accepted(right);
  clock_.Advance(60);
  ExpectReport(MailSender(database_.db(), accepted, clock_).DeliverDue(10), 1, 0, 0);
  EXPECT_EQ(MailTo(relay.maildir(), to).size(), 1u);
}

TEST_F(MailSenderTest, WorkerDeliversInTheBackgroundAndStops) {
  PocoSmtpTransport transport(RelayOn(SharedSmtpPort()));
  MailSender sender(database_.db(), transport, clock_);
  // An hour between passes: the mail goes out because of Nudge, and Stop must not wait
  // for the next pass.
  MailWorker worker(sender, std::chrono::hours(1));
  worker.Start();
  const std::string to = UniqueAddress("worker");
  Queue(to);
  worker.Nudge();
  while (Entry(to).status != OutboxStatus::kSent) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  EXPECT_EQ(MailTo(SharedMaildir(), to).size(), 1u);

  // Stopped means stopped: a new mail stays queued until the worker is started again.
  const std::string later = UniqueAddress("worker-later");
  Queue(later);
  worker.Nudge();
  EXPECT_EQ(Entry(later).status, OutboxStatus::kPending);
  worker.Start();
  while (Entry(later).status != OutboxStatus::kSent) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Regression: mail (with the relay's password) went in plain text to any relay.
TEST_F(MailSenderTest, ARelayThatMustUseStartTlsButDoesNotOfferItGetsNothing) {
  FaultSmtpServer relay("vivrovert:s3cret");  // aiosmtpd without STARTTLS
  const std::string to = UniqueAddress("tls");
  Queue(to);
  SmtpConfig config = RelayOn(relay.port());
  config.username = "vivrovert";
  config.password = "s3cret";
  config.tls = SmtpTls::kRequired;  // what smtp.tls = auto means for a relay elsewhere
  PocoSmtpTransport transport(config);
  ExpectReport(MailSender(database_.db(), transport, clock_).DeliverDue(10), 0, 1, 0);
  EXPECT_EQ(Entry(to).status, OutboxStatus::kPending);
  EXPECT_NE(Entry(to).last_error.find("does not offer STARTTLS"), std::string::npos)
      << Entry(to).last_error;
  EXPECT_TRUE(MailTo(relay.maildir(), to).empty());
}

TEST_F(MailSenderTest, ALocalRelayIsUsedInPlainTextByDefault) {
  FaultSmtpServer relay;
  const std::string to = UniqueAddress("local");
  Queue(to);
  SmtpConfig config = RelayOn(relay.port());
  config.host = "localhost";
  ASSERT_EQ(config.tls, SmtpTls::kAuto);
  PocoSmtpTransport transport(config);
  ExpectReport(MailSender(database_.db(), transport, clock_).DeliverDue(10), 1, 0, 0);
  EXPECT_EQ(MailTo(relay.maildir(), to).size(), 1u);
}

TEST(StartTlsRuleTest, AutoRequiresItForEveryRelayNotOnThisMachine) {
  SmtpConfig config;
  for (const char* local : {"localhost", "mail.localhost", "127.0.0.1", "127.0.1.1", "::1"}) {
    config.host = local;
    EXPECT_FALSE(RelayNeedsStartTls(config)) << local;
  }
  for (const char* remote :
       {"smtp.example.fr", "192.0.2.25", "10.0.0.5", "2001:db8::25", "localhost.example.fr"}) {
    config.host = remote;
    EXPECT_TRUE(RelayNeedsStartTls(config)) << remote;
  }
  config.tls = SmtpTls::kNone;
  EXPECT_FALSE(RelayNeedsStartTls(config));
  config.host = "127.0.0.1";
  config.tls = SmtpTls::kRequired;
  EXPECT_TRUE(RelayNeedsStartTls(config));
}

TEST(RetryScheduleTest, DoublesFromOneMinuteUpToSixHoursAndLastsAboutTwoDays) {
  SenderOptions options;
  EXPECT_EQ(MailSender::RetryDelaySeconds(1, options), 60);
  EXPECT_EQ(MailSender::RetryDelaySeconds(2, options), 120);
  EXPECT_EQ(MailSender::RetryDelaySeconds(9, options), 256 * 60);
  EXPECT_EQ(MailSender::RetryDelaySeconds(10, options), 6 * 3600);
  EXPECT_EQ(MailSender::RetryDelaySeconds(1000, options), 6 * 3600);
  int64_t until_last_attempt = 0;
  for (int attempts = 1; attempts < options.max_attempts; ++attempts) {
    until_last_attempt += MailSender::RetryDelaySeconds(attempts, options);
  }
  EXPECT_EQ(until_last_attempt, 3031 * 60);  // 50 h 31 min, as sender.hpp says
}

}  // namespace
}  // namespace vivrovert::mail
