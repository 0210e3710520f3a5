// The account mails through the real templates into the real outbox table (delivery over
// SMTP is the mail sender's business, tested in tests/mail/).
#include "domain/accounts/outbox_account_mailer.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/account_service.hpp"
#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

class OutboxAccountMailerTest : public ::testing::Test {
 protected:
  static mail::MailTemplates LoadTemplates() {
    Result<mail::MailTemplates> loaded = mail::MailTemplates::Load(VIVROVERT_TEST_SOURCE_ROOT);
    if (!loaded.ok()) throw std::runtime_error(loaded.status().ToString());
    return std::move(loaded).value();
  }

  std::vector<storage::Row> Outbox() {
    Connection connection = database_.db().Acquire();
    return connection.Query(
        "SELECT idempotency_key, to_address, subject, body_text, body_html, status "
        "FROM mail_outbox ORDER BY id");
  }

  testing::TestDatabase database_;
  ManualClock clock_{1'800'000'000};
  PasswordHasher hasher_{PasswordHashLimits::Minimal(), 1};
  mail::MailTemplates templates_ = LoadTemplates();
  OutboxAccountMailer mailer_{templates_};
  AccountService service_{database_.db(),
                          hasher_,
                          mailer_,
                          clock_,
                          SecureRandom::Instance(),
                          "https://vivrovert.example"};
};

TEST_F(OutboxAccountMailerTest, SignUpQueuesTheVerificationMail) {
  ASSERT_TRUE(service_.SignUp({"zoe@exemple.fr", "potager-et-poulailler", "Zoé & Cie", ""}).ok());
  std::vector<storage::Row> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_TRUE(outbox[0].Text(0).starts_with("verify_email:"));
  EXPECT_EQ(outbox[0].Text(1), "zoe@exemple.fr");
  EXPECT_FALSE(outbox[0].Text(2).empty());
  const std::string text = outbox[0].Text(3);
  EXPECT_NE(text.find("https://vivrovert.example/compte/verifier?jeton="), std::string::npos);
  EXPECT_NE(text.find("Zoé & Cie"), std::string::npos);
  EXPECT_NE(text.find("48"), std::string::npos);
  EXPECT_NE(outbox[0].Text(4).find("Zoé &amp; Cie"), std::string::npos);
  EXPECT_EQ(outbox[0].Text(5), "pending");

  // The link in the queued mail verifies the account.
  size_t start = text.find("jeton=") + 6;
  size_t end = text.find_first_of(" \r\n", start);
  ASSERT_TRUE(service_.VerifyEmail(text.substr(start, end - start)).ok());
}

TEST_F(OutboxAccountMailerTest, ResetAndChangeOfEmailMailsAreQueuedToTheRightAddress) {
  ASSERT_TRUE(service_.SignUp({"zoe@exemple.fr", "potager-et-poulailler", "Zoé", ""}).ok());
  ASSERT_TRUE(service_.RequestPasswordReset("zoe@exemple.fr").ok());
  Result<LoginResult> login =
      service_.Login({"zoe@exemple.fr", "potager-et-poulailler", "", "", ""});
  ASSERT_TRUE(login.ok());
  Result<AuthenticatedUser> me = service_.Authenticate(login->session_token);
  ASSERT_TRUE(service_.RequestEmailChange(*me, "zoe@campagne.fr", "potager-et-poulailler").ok());

  std::vector<storage::Row> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 3u);
  EXPECT_TRUE(outbox[1].Text(0).starts_with("reset_password:"));
  EXPECT_EQ(outbox[1].Text(1), "zoe@exemple.fr");
  EXPECT_NE(outbox[1].Text(3).find("/compte/reinitialiser?jeton="), std::string::npos);
  EXPECT_TRUE(outbox[2].Text(0).starts_with("change_email:"));
  EXPECT_EQ(outbox[2].Text(1), "zoe@campagne.fr");
  EXPECT_NE(outbox[2].Text(3).find("/compte/email/confirmer?jeton="), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::accounts
