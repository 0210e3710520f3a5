// The account use cases end to end over the database, with a recording mailer in place of
// the outbox (the outbox path is covered by the mail tests and the browser test).
#include "domain/accounts/account_service.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "domain/accounts/token_hash.hpp"
#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
constexpr const char* kPassword = "potager-et-poulailler";
constexpr const char* kBaseUrl = "https://vivrovert.example/";

class RecordingMailer final : public AccountMailer {
 public:
  void Send(Connection& connection, const AccountMail& mail, int64_t now) override {
    (void)connection;
    (void)now;
    if (fail_) throw std::runtime_error("mail template broken");
    sent.push_back(mail);
  }
  void FailFromNowOn() { fail_ = true; }

  // The token of the link of the last mail.
  std::string LastToken() const {
    const std::string& link = sent.back().link;
    return link.substr(link.find("?jeton=") + 7);
  }

  std::vector<AccountMail> sent;

 private:
  bool fail_ = false;
};

class AccountServiceTest : public ::testing::Test {
 protected:
  AccountServiceTest() { service_ = MakeService(hasher_, policy_); }

  std::unique_ptr<AccountService> MakeService(PasswordHasher& hasher, AccountPolicy policy) {
    return std::make_unique<AccountService>(database_.db(), hasher, mailer_, clock_,
                                            SecureRandom::Instance(), kBaseUrl, policy);
  }

  // Signs up and verifies Jeanne; returns her user id.
  int64_t SignUpJeanne() {
    Status signed_up = service_->SignUp({"Jeanne@Exemple.fr", kPassword, "Jeanne", "192.0.2.1"});
    EXPECT_TRUE(signed_up.ok()) << signed_up.ToString();
    EXPECT_TRUE(service_->VerifyEmail(mailer_.LastToken()).ok());
    return FindUser("jeanne@exemple.fr")->id;
  }

  Result<LoginResult> LogIn(const std::string& email, const std::string& password,
                            const std::string& ip = "192.0.2.1") {
    return service_->Login({email, password, ip, "Firefox", ""});
  }

  std::optional<User> FindUser(const std::string& email) {
    Connection connection = database_.db().Acquire();
    return UserStore::FindByEmail(connection, email);
  }

  int64_t Count(const std::string& table) {
    Connection connection = database_.db().Acquire();
    return connection.QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
  }

  testing::TestDatabase database_;
  ManualClock clock_{kStart};
  PasswordHasher hasher_{PasswordHashLimits::Minimal(), 2};
  RecordingMailer mailer_;
  AccountPolicy policy_;
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, SignUpVerifyLoginLogout) {
  ASSERT_TRUE(service_->SignUp({" Jeanne@Exemple.fr ", kPassword, " Jeanne ", "192.0.2.1"}).ok());
  ASSERT_EQ(mailer_.sent.size(), 1u);
  const AccountMail& mail = mailer_.sent[0];
  EXPECT_EQ(mail.kind, AccountMailKind::kVerifyEmail);
  EXPECT_EQ(mail.to_address, "jeanne@exemple.fr");
  EXPECT_EQ(mail.display_name, "Jeanne");
  EXPECT_TRUE(mail.link.starts_with("https://vivrovert.example/compte/verifier?jeton="))
      << mail.link;
  EXPECT_EQ(mail.expires_hours, 48);
  EXPECT_TRUE(mail.idempotency_key.starts_with("verify_email:"));
  std::optional<User> user = FindUser("jeanne@exemple.fr");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->role, Role::kUser);
  EXPECT_FALSE(user->email_verified());
  EXPECT_NE(user->password_hash, kPassword);

  // Login before verification is allowed; pages ask for confirmation.
  Result<LoginResult> early = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_FALSE(early->user.email_verified());

  ASSERT_TRUE(service_->VerifyEmail(mailer_.LastToken()).ok());
  EXPECT_TRUE(FindUser("jeanne@exemple.fr")->email_verified());
  EXPECT_NE(service_->VerifyEmail(mailer_.LastToken()).message().find("déjà été utilisé"),
            std::string::npos);

  clock_.Advance(120);
  Result<LoginResult> login = LogIn("JEANNE@exemple.fr", kPassword);
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->session_expires_at, kStart + 120 + policy_.sessions.absolute_seconds);
  Result<AuthenticatedUser> me = service_->Authenticate(login->session_token);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->user.id, user->id);
  EXPECT_TRUE(me->user.email_verified());

  service_->Logout(login->session_token);
  Result<AuthenticatedUser> gone = service_->Authenticate(login->session_token);
  EXPECT_EQ(gone.status().code(), StatusCode::kUnauthenticated);
  EXPECT_FALSE(gone.status().message().empty());
  // The earlier session is independent and still open.
  EXPECT_TRUE(service_->Authenticate(early->session_token).ok());
}

TEST_F(AccountServiceTest, SignUpRefusesBadInputOnTheRightField) {
  EXPECT_EQ(service_->SignUp({"pas-une-adresse", kPassword, "Jeanne", ""}).field(), "email");
  EXPECT_EQ(service_->SignUp({"jeanne@exemple.fr", "court", "Jeanne", ""}).field(), "password");
  EXPECT_EQ(service_->SignUp({"jeanne@exemple.fr", kPassword, "  ", ""}).field(), "display_name");
  EXPECT_EQ(Count("users"), 0);
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(AccountServiceTest, SignUpWithATakenAddressAnswersTheSameAndMailsTheOwner) {
  int64_t jeanne = SignUpJeanne();
  mailer_.sent.clear();
  Status again = service_->SignUp({"JEANNE@exemple.fr", "un-autre-mot-de-passe", "Intrus", ""});
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(Count("users"), 1);
  // The owner gets a way back in; the intruder's password and name are ignored.
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].kind, AccountMailKind::kResetPassword);
  EXPECT_EQ(mailer_.sent[0].to_address, "jeanne@exemple.fr");
  EXPECT_TRUE(
      mailer_.sent[0].link.starts_with("https://vivrovert.example/compte/reinitialiser?jeton="));
  EXPECT_EQ(FindUser("jeanne@exemple.fr")->display_name, "Jeanne");
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok());
  EXPECT_FALSE(LogIn("jeanne@exemple.fr", "un-autre-mot-de-passe").ok());
  EXPECT_EQ(FindUser("jeanne@exemple.fr")->id, jeanne);
}

TEST_F(AccountServiceTest, AFailingMailLeavesNoAccountBehind) {
  mailer_.FailFromNowOn();
  EXPECT_THROW((void)service_->SignUp({"jeanne@exemple.fr", kPassword, "Jeanne", ""}),
               std::runtime_error);
  EXPECT_EQ(Count("users"), 0);
  EXPECT_EQ(Count("email_tokens"), 0);
}

TEST_F(AccountServiceTest, UnknownEmailAndWrongPasswordGetTheSameAnswer) {
  SignUpJeanne();
  Result<LoginResult> wrong_password = LogIn("jeanne@exemple.fr", "pas-le-bon-mot-de-passe");
  Result<LoginResult> unknown_email = LogIn("personne@exemple.fr", "pas-le-bon-mot-de-passe");
  ASSERT_FALSE(wrong_password.ok());
  ASSERT_FALSE(unknown_email.ok());
  EXPECT_EQ(wrong_password.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_password.status().code(), unknown_email.status().code());
  EXPECT_EQ(wrong_password.status().message(), unknown_email.status().message());
  EXPECT_EQ(wrong_password.status().field(), unknown_email.status().field());
  EXPECT_EQ(wrong_password.status().message(), "Adresse e-mail ou mot de passe incorrect.");
  EXPECT_EQ(Count("sessions"), 0);
}

TEST_F(AccountServiceTest, LoginRefusesEmptyOrMalformedFields) {
  EXPECT_EQ(LogIn("jeanne", kPassword).status().field(), "email");
  EXPECT_EQ(LogIn("jeanne@exemple.fr", "").status().field(), "password");
}

TEST_F(AccountServiceTest, LoginRotatesTheSession) {
  SignUpJeanne();
  Result<LoginResult> first = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(first.ok());
  Result<LoginResult> second = service_->Login(
      {"jeanne@exemple.fr", kPassword, "192.0.2.1", "Firefox", first->session_token});
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->session_token, second->session_token);
  EXPECT_FALSE(service_->Authenticate(first->session_token).ok());
  EXPECT_TRUE(service_->Authenticate(second->session_token).ok());
  EXPECT_EQ(Count("sessions"), 1);
}

TEST_F(AccountServiceTest, TamperedSessionCookieAuthenticatesNobody) {
  SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(login.ok());
  std::string tampered = login->session_token;
  tampered[0] = tampered[0] == 'x' ? 'y' : 'x';
  for (const std::string& cookie :
       {tampered, std::string(""), std::string("abc"), HashToken(login->session_token)}) {
    EXPECT_EQ(service_->Authenticate(cookie).status().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(AccountServiceTest, SessionsExpireAfterIdling) {
  SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(login.ok());
  clock_.Advance(policy_.sessions.idle_seconds - 1);
  EXPECT_TRUE(service_->Authenticate(login->session_token).ok());
  clock_.Advance(policy_.sessions.idle_seconds);
  EXPECT_FALSE(service_->Authenticate(login->session_token).ok());
}

TEST_F(AccountServiceTest, LoginIsThrottledPerAccountAndNetworkUntilTheWindowCloses) {
  SignUpJeanne();
  for (int attempt_idx = 0; attempt_idx < 5; ++attempt_idx) {
    EXPECT_EQ(LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe", "198.51.100.7").status().code(),
              StatusCode::kUnauthenticated);
  }
  // Even the right password is refused now from that network, saying when to retry.
  Result<LoginResult> blocked = LogIn("jeanne@exemple.fr", kPassword, "198.51.100.7");
  EXPECT_EQ(blocked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(blocked.status().message().find("réessayez dans 15 minutes"), std::string::npos)
      << blocked.status().message();
  clock_.Advance(10 * 60);
  EXPECT_NE(LogIn("jeanne@exemple.fr", kPassword, "198.51.100.7")
                .status()
                .message()
                .find("dans 5 minutes"),
            std::string::npos);
  clock_.Advance(5 * 60);
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword, "198.51.100.7").ok());
}

// Regression: the failures of someone who only knows the address used to lock the owner
// out from everywhere for 15 minutes, again and again.
TEST_F(AccountServiceTest, AStrangersFailuresDoNotLockTheOwnerOutOfHerNetwork) {
  SignUpJeanne();
  for (int attempt_idx = 0; attempt_idx < 20; ++attempt_idx) {
    (void)LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe", "203.0.113.66");
    (void)LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe",
                "2001:db8:bad::" + std::to_string(attempt_idx));
  }
  EXPECT_EQ(LogIn("jeanne@exemple.fr", kPassword, "203.0.113.66").status().code(),
            StatusCode::kResourceExhausted);
  Result<LoginResult> owner = LogIn("jeanne@exemple.fr", kPassword, "192.0.2.1");
  EXPECT_TRUE(owner.ok()) << owner.status().ToString();
}

TEST_F(AccountServiceTest, GuessesSpreadOverManyNetworksMeetTheAccountCap) {
  policy_.login_per_account_all_networks = {8, 3600};
  service_ = MakeService(hasher_, policy_);
  SignUpJeanne();
  for (int network_idx = 0; network_idx < 8; ++network_idx) {
    EXPECT_EQ(LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe",
                    "198.51.100." + std::to_string(network_idx))
                  .status()
                  .code(),
              StatusCode::kUnauthenticated);
  }
  EXPECT_EQ(LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe", "198.51.100.99").status().code(),
            StatusCode::kResourceExhausted);
  // The reset link lifts it, as any lock-out.
  ASSERT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());
  ASSERT_TRUE(service_->ResetPassword(mailer_.LastToken(), "nouveau-mot-de-passe").ok());
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", "nouveau-mot-de-passe", "198.51.100.99").ok());
}

TEST_F(AccountServiceTest, UnknownAddressesAreThrottledLikeKnownOnes) {
  for (int attempt_idx = 0; attempt_idx < 5; ++attempt_idx) {
    (void)LogIn("personne@exemple.fr", "mauvais-mot-de-passe");
  }
  EXPECT_EQ(LogIn("personne@exemple.fr", "mauvais-mot-de-passe").status().code(),
            StatusCode::kResourceExhausted);
}

TEST_F(AccountServiceTest, ASuccessfulLoginResetsTheAccountCounter) {
  SignUpJeanne();
  for (int round_idx = 0; round_idx < 3; ++round_idx) {
    for (int attempt_idx = 0; attempt_idx < 4; ++attempt_idx) {
      EXPECT_EQ(LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe").status().code(),
                StatusCode::kUnauthenticated);
    }
    EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok()) << round_idx;
  }
}

TEST_F(AccountServiceTest, LoginIsThrottledPerIpAcrossAccountsAndServers) {
  policy_.login_per_ip = {3, 600};
  service_ = MakeService(hasher_, policy_);
  SignUpJeanne();
  // A second server process sharing the database.
  std::unique_ptr<storage::Database> other_pool = database_.OpenAnother();
  AccountService other_server(*other_pool, hasher_, mailer_, clock_, SecureRandom::Instance(),
                              kBaseUrl, policy_);
  const std::string ip = "2001:db8:1:2::10";
  EXPECT_FALSE(LogIn("a@exemple.fr", "mauvais-mot-de-passe", ip).ok());
  EXPECT_FALSE(other_server.Login({"b@exemple.fr", "mauvais-mot-de-passe", ip, "", ""}).ok());
  // Another address of the same IPv6 /64 counts as the same client.
  EXPECT_FALSE(LogIn("c@exemple.fr", "mauvais-mot-de-passe", "2001:db8:1:2::99").ok());
  Result<LoginResult> blocked = other_server.Login({"jeanne@exemple.fr", kPassword, ip, "", ""});
  EXPECT_EQ(blocked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword, "2001:db8:1:3::10").ok());
  clock_.Advance(600);
  EXPECT_TRUE(other_server.Login({"jeanne@exemple.fr", kPassword, ip, "", ""}).ok());
}

TEST_F(AccountServiceTest, SuccessfulLoginsDoNotUseUpTheIpLimit) {
  policy_.login_per_ip = {3, 600};
  service_ = MakeService(hasher_, policy_);
  SignUpJeanne();
  for (int login_idx = 0; login_idx < 6; ++login_idx) {
    EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok()) << login_idx;
  }
}

TEST_F(AccountServiceTest, LoginRehashesAPasswordHashedWithOldLimits) {
  SignUpJeanne();
  std::string old_hash = FindUser("jeanne@exemple.fr")->password_hash;
  PasswordHasher stronger(
      {PasswordHashLimits::Minimal().opslimit + 1, PasswordHashLimits::Minimal().memlimit * 2}, 2);
  std::unique_ptr<AccountService> upgraded = MakeService(stronger, policy_);
  ASSERT_TRUE(upgraded->Login({"jeanne@exemple.fr", kPassword, "", "", ""}).ok());
  std::string new_hash = FindUser("jeanne@exemple.fr")->password_hash;
  EXPECT_NE(new_hash, old_hash);
  EXPECT_EQ(stronger.Verify(new_hash, kPassword), PasswordHasher::Verdict::kMatch);
  // A wrong password changes nothing.
  EXPECT_FALSE(upgraded->Login({"jeanne@exemple.fr", "mauvais-mot-de-passe", "", "", ""}).ok());
  EXPECT_EQ(FindUser("jeanne@exemple.fr")->password_hash, new_hash);
}

TEST_F(AccountServiceTest, PasswordResetEndsSessionsAndItsLinkWorksOnce) {
  SignUpJeanne();
  Result<LoginResult> session = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(session.ok());
  mailer_.sent.clear();

  ASSERT_TRUE(service_->RequestPasswordReset(" JEANNE@exemple.fr").ok());
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].kind, AccountMailKind::kResetPassword);
  EXPECT_EQ(mailer_.sent[0].expires_hours, 1);
  const std::string token = mailer_.LastToken();

  EXPECT_EQ(service_->ResetPassword(token, "court").field(), "new_password");
  ASSERT_TRUE(service_->ResetPassword(token, "nouveau-mot-de-passe").ok());
  EXPECT_FALSE(service_->Authenticate(session->session_token).ok());
  EXPECT_FALSE(LogIn("jeanne@exemple.fr", kPassword).ok());
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", "nouveau-mot-de-passe").ok());

  // Reusing the link fails clearly and changes nothing.
  Status reused = service_->ResetPassword(token, "encore-un-autre-mot-de-passe");
  EXPECT_EQ(reused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reused.field(), "token");
  EXPECT_NE(reused.message().find("déjà été utilisé"), std::string::npos);
  EXPECT_FALSE(LogIn("jeanne@exemple.fr", "encore-un-autre-mot-de-passe").ok());
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", "nouveau-mot-de-passe").ok());
}

TEST_F(AccountServiceTest, PasswordResetLinkExpiresAfterAnHour) {
  SignUpJeanne();
  ASSERT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());
  clock_.Advance(3600);
  Status late = service_->ResetPassword(mailer_.LastToken(), "nouveau-mot-de-passe");
  EXPECT_NE(late.message().find("expiré"), std::string::npos);
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok());
}

TEST_F(AccountServiceTest, PasswordResetAnswersTheSameForUnknownAddresses) {
  Status unknown = service_->RequestPasswordReset("personne@exemple.fr");
  EXPECT_TRUE(unknown.ok());
  EXPECT_TRUE(mailer_.sent.empty());
  EXPECT_EQ(service_->RequestPasswordReset("pas une adresse").field(), "email");
}

TEST_F(AccountServiceTest, PasswordResetMailsAreLimitedPerAccount) {
  SignUpJeanne();
  mailer_.sent.clear();
  for (int request_idx = 0; request_idx < 5; ++request_idx) {
    EXPECT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());
  }
  EXPECT_EQ(mailer_.sent.size(), 3u);
  clock_.Advance(3600);
  EXPECT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());
  EXPECT_EQ(mailer_.sent.size(), 4u);
}

TEST_F(AccountServiceTest, PasswordResetVerifiesTheAddressAndLiftsALockOut) {
  ASSERT_TRUE(service_->SignUp({"jeanne@exemple.fr", kPassword, "Jeanne", ""}).ok());
  for (int attempt_idx = 0; attempt_idx < 6; ++attempt_idx) {
    (void)LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe");
  }
  ASSERT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());
  ASSERT_TRUE(service_->ResetPassword(mailer_.LastToken(), "nouveau-mot-de-passe").ok());
  EXPECT_TRUE(FindUser("jeanne@exemple.fr")->email_verified());
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", "nouveau-mot-de-passe").ok());
}

TEST_F(AccountServiceTest, ChangePasswordChecksTheCurrentOneAndEndsOtherSessions) {
  SignUpJeanne();
  Result<LoginResult> here = LogIn("jeanne@exemple.fr", kPassword);
  Result<LoginResult> elsewhere = LogIn("jeanne@exemple.fr", kPassword);
  ASSERT_TRUE(here.ok() && elsewhere.ok());
  AuthenticatedUser me = *service_->Authenticate(here->session_token);

  Status wrong = service_->ChangePassword(me, "mauvais-mot-de-passe", "nouveau-mot-de-passe");
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.field(), "current_password");
  EXPECT_EQ(service_->ChangePassword(me, kPassword, "court").field(), "new_password");
  EXPECT_TRUE(service_->Authenticate(elsewhere->session_token).ok());

  ASSERT_TRUE(service_->ChangePassword(me, kPassword, "nouveau-mot-de-passe").ok());
  EXPECT_TRUE(service_->Authenticate(here->session_token).ok());
  EXPECT_FALSE(service_->Authenticate(elsewhere->session_token).ok());
  EXPECT_TRUE(LogIn("jeanne@exemple.fr", "nouveau-mot-de-passe").ok());
}

TEST_F(AccountServiceTest, WrongCurrentPasswordsShareTheLoginLimit) {
  SignUpJeanne();
  Result<LoginResult> here = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(here->session_token);
  for (int attempt_idx = 0; attempt_idx < 5; ++attempt_idx) {
    EXPECT_EQ(service_->DeleteAccount(me, "mauvais-mot-de-passe").code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(service_->DeleteAccount(me, kPassword).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(FindUser("jeanne@exemple.fr").has_value());
}

TEST_F(AccountServiceTest, ChangeOfEmailIsConfirmedFromTheNewAddress) {
  int64_t jeanne = SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(login->session_token);
  mailer_.sent.clear();

  EXPECT_EQ(service_->RequestEmailChange(me, "jeanne@exemple.fr", kPassword).field(), "new_email");
  EXPECT_EQ(service_->RequestEmailChange(me, "jeanne@", kPassword).field(), "new_email");
  EXPECT_EQ(service_->RequestEmailChange(me, "jeanne@campagne.fr", "mauvais-mot-de-passe").field(),
            "current_password");
  ASSERT_TRUE(service_->RequestEmailChange(me, "Jeanne@Campagne.fr", kPassword).ok());
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].kind, AccountMailKind::kChangeEmail);
  EXPECT_EQ(mailer_.sent[0].to_address, "jeanne@campagne.fr");
  EXPECT_TRUE(
      mailer_.sent[0].link.starts_with("https://vivrovert.example/compte/email/confirmer?jeton="));
  EXPECT_EQ(FindUser("jeanne@exemple.fr")->id, jeanne);  // nothing changes before confirmation

  ASSERT_TRUE(service_->ConfirmEmailChange(mailer_.LastToken()).ok());
  EXPECT_FALSE(FindUser("jeanne@exemple.fr").has_value());
  EXPECT_EQ(FindUser("jeanne@campagne.fr")->id, jeanne);
  EXPECT_TRUE(LogIn("jeanne@campagne.fr", kPassword).ok());
  EXPECT_FALSE(service_->ConfirmEmailChange(mailer_.LastToken()).ok());
}

TEST_F(AccountServiceTest, ChangeOfEmailToATakenAddressRevealsNothing) {
  ASSERT_TRUE(service_->SignUp({"paul@exemple.fr", kPassword, "Paul", ""}).ok());
  SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(login->session_token);
  mailer_.sent.clear();
  EXPECT_TRUE(service_->RequestEmailChange(me, "paul@exemple.fr", kPassword).ok());
  EXPECT_TRUE(mailer_.sent.empty());
}

TEST_F(AccountServiceTest, ChangeOfEmailFailsWhenTheAddressWasTakenMeanwhile) {
  SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(login->session_token);
  ASSERT_TRUE(service_->RequestEmailChange(me, "convoitee@exemple.fr", kPassword).ok());
  const std::string token = mailer_.LastToken();
  ASSERT_TRUE(service_->SignUp({"convoitee@exemple.fr", kPassword, "Autre", ""}).ok());
  Status confirm = service_->ConfirmEmailChange(token);
  EXPECT_EQ(confirm.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(FindUser("jeanne@exemple.fr").has_value());
}

TEST_F(AccountServiceTest, ResendVerificationOnlyForUnverifiedAddresses) {
  ASSERT_TRUE(service_->SignUp({"jeanne@exemple.fr", kPassword, "Jeanne", ""}).ok());
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(login->session_token);
  ASSERT_TRUE(service_->ResendVerification(me).ok());
  EXPECT_EQ(mailer_.sent.size(), 2u);
  ASSERT_TRUE(service_->ResendVerification(me).ok());
  // The sign-up mail, then two resends: the third resend is one too many this hour.
  Status too_many = service_->ResendVerification(me);
  EXPECT_EQ(too_many.code(), StatusCode::kResourceExhausted);
  // Any of the links verifies.
  ASSERT_TRUE(
      service_->VerifyEmail(mailer_.sent[1].link.substr(mailer_.sent[1].link.find('=') + 1)).ok());
  me = *service_->Authenticate(login->session_token);
  EXPECT_EQ(service_->ResendVerification(me).code(), StatusCode::kFailedPrecondition);
}

TEST_F(AccountServiceTest, DeleteAccountRemovesEverything) {
  SignUpJeanne();
  Result<LoginResult> login = LogIn("jeanne@exemple.fr", kPassword);
  AuthenticatedUser me = *service_->Authenticate(login->session_token);
  ASSERT_TRUE(service_->RequestPasswordReset("jeanne@exemple.fr").ok());

  EXPECT_EQ(service_->DeleteAccount(me, "mauvais-mot-de-passe").field(), "current_password");
  EXPECT_TRUE(FindUser("jeanne@exemple.fr").has_value());
  ASSERT_TRUE(service_->DeleteAccount(me, kPassword).ok());
  EXPECT_FALSE(FindUser("jeanne@exemple.fr").has_value());
  EXPECT_EQ(Count("sessions"), 0);
  EXPECT_EQ(Count("email_tokens"), 0);
  EXPECT_FALSE(service_->Authenticate(login->session_token).ok());
  EXPECT_EQ(LogIn("jeanne@exemple.fr", kPassword).status().message(),
            "Adresse e-mail ou mot de passe incorrect.");
  // The address is free again.
  EXPECT_TRUE(service_->SignUp({"jeanne@exemple.fr", kPassword, "Jeanne", ""}).ok());
  EXPECT_EQ(Count("users"), 1);
}

// Regression: inviting the address of a personal account used to be refused with a
// message saying so, which told any partner administrator that the address had an account.
TEST_F(AccountServiceTest, InvitingStaffAnswersTheSameWhetherOrNotTheAddressHasAnAccount) {
  SignUpJeanne();
  mailer_.sent.clear();
  Result<std::optional<User>> personal = service_->InviteStaff("jeanne@exemple.fr", "Jeanne");
  Result<std::optional<User>> unknown = service_->InviteStaff("agent@cahors.fr", "Agent");
  ASSERT_TRUE(personal.ok()) << personal.status().ToString();
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  // The personal account is left out (and unchanged); the new address gets an account.
  EXPECT_FALSE(personal->has_value());
  EXPECT_EQ(FindUser("jeanne@exemple.fr")->role, Role::kUser);
  ASSERT_TRUE(unknown->has_value());
  EXPECT_EQ((*unknown)->role, Role::kPartnerStaff);
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].to_address, "agent@cahors.fr");
  EXPECT_EQ(service_->InviteStaff("pas une adresse", "X").status().field(), "email");
}

// Regression: invitation mails were sent outside the per-address limit of account mails.
TEST_F(AccountServiceTest, InvitationMailsShareTheLimitOfAccountMails) {
  for (int invite_idx = 0; invite_idx < 6; ++invite_idx) {
    Result<std::optional<User>> invited = service_->InviteStaff("agent@cahors.fr", "Agent");
    ASSERT_TRUE(invited.ok() && invited->has_value()) << invite_idx;
  }
  // The first invitation, then reminders while no password was chosen: 3 an hour.
  EXPECT_EQ(mailer_.sent.size(), 3u);
  EXPECT_FALSE(service_->RequestPasswordReset("agent@cahors.fr").ok() && mailer_.sent.size() > 3u);
  clock_.Advance(3600);
  ASSERT_TRUE(service_->InviteStaff("agent@cahors.fr", "Agent").ok());
  EXPECT_EQ(mailer_.sent.size(), 4u);
  // Once the password is chosen, an invitation to another partner mails nothing.
  ASSERT_TRUE(service_->ResetPassword(mailer_.LastToken(), "nouveau-mot-de-passe").ok());
  clock_.Advance(3600);
  ASSERT_TRUE(service_->InviteStaff("agent@cahors.fr", "Agent").ok());
  EXPECT_EQ(mailer_.sent.size(), 4u);
}

TEST_F(AccountServiceTest, CreatesVerifiedOperators) {
  Result<User> created = service_->CreateOperator("Ops@VivroVert.fr", kPassword, "Équipe");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->role, Role::kOperator);
  EXPECT_TRUE(created->email_verified());
  EXPECT_TRUE(mailer_.sent.empty());
  Result<LoginResult> login = LogIn("ops@vivrovert.fr", kPassword);
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->user.role, Role::kOperator);
  EXPECT_EQ(service_->CreateOperator("ops@vivrovert.fr", kPassword, "Équipe").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(service_->CreateOperator("ops2@vivrovert.fr", "court", "Équipe").status().field(),
            "password");
}

TEST_F(AccountServiceTest, PurgeRemovesWhatHasExpired) {
  SignUpJeanne();
  ASSERT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok());
  (void)LogIn("jeanne@exemple.fr", "mauvais-mot-de-passe");
  clock_.Advance(60 * 24 * 3600);
  ASSERT_TRUE(LogIn("jeanne@exemple.fr", kPassword).ok());
  PurgeCounts purged = service_->PurgeExpired();
  EXPECT_EQ(purged.sessions, 1);
  EXPECT_EQ(purged.email_tokens, 1);
  EXPECT_GE(purged.throttle_counters, 1);
  EXPECT_EQ(Count("sessions"), 1);
}

}  // namespace
}  // namespace vivrovert::accounts
