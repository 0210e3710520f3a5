#include "domain/accounts/account_service.hpp"

#include <algorithm>
#include <utility>

#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/token_hash.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"

namespace vivrovert::accounts {

namespace {

using storage::Connection;
using storage::Transaction;

constexpr const char* kWrongCredentials = "Adresse e-mail ou mot de passe incorrect.";
constexpr int64_t kMinThrottleRetentionSeconds = int64_t{24} * 3600;

// Runs `work` in a transaction on a pooled connection, committing only when it
// succeeds: a use case that fails leaves the database as it found it.
template <typename Work>
auto InTransaction(storage::Database& database, Work&& work) {
  Connection connection = database.Acquire();
  Transaction transaction(connection);
  auto outcome = work(connection);
  if (outcome.ok()) transaction.Commit();
  return outcome;
}

// The counter of an account's login attempts, known or not, all clients together (used when
// the client's address is unknown, and by CheckCurrentPassword). Addresses are hashed in
// every key so that the table does not list the addresses people mistyped
// (docs/SECURITY.md).
std::string LoginKey(std::string_view email) { return "login:account:" + HashToken(email); }

std::string MailLimitKey(AccountMailKind kind, int64_t user_id) {
  return std::string("mail:") + AccountMailTemplate(kind) + ":" + std::to_string(user_id);
}

// The counters of one account's login attempts from one client network: a stranger who
// knows the address only locks out their own network, never the owner's.
std::string LoginKeyPrefix(std::string_view email) {
  return "login:account-net:" + HashToken(email) + "|";
}
std::string LoginKeyFrom(std::string_view email, std::string_view ip) {
  return ip.empty() ? LoginKey(email) : LoginKeyPrefix(email) + ClientNetwork(ip);
}

// The counter of one account's login attempts from every network together: a looser cap
// against guesses spread over many networks.
std::string LoginKeyAllNetworks(std::string_view email) {
  return "login:account-all:" + HashToken(email);
}

Status TooManyLogins(const ThrottleDecision& decision) {
  return ResourceExhausted(
      "Trop de tentatives de connexion. Pour protéger le compte, réessayez dans " +
      FormatRetryDelay(decision.retry_after_seconds) + ".");
}

Status TooManyMails(const ThrottleDecision& decision) {
  return ResourceExhausted("Plusieurs e-mails vous ont déjà été envoyés. Réessayez dans " +
                           FormatRetryDelay(decision.retry_after_seconds) + ".");
}

TokenPurpose PurposeOf(AccountMailKind kind) {
  switch (kind) {
    case AccountMailKind::kVerifyEmail:
      return TokenPurpose::kVerifyEmail;
    case AccountMailKind::kResetPassword:
      return TokenPurpose::kResetPassword;
    case AccountMailKind::kChangeEmail:
      return TokenPurpose::kChangeEmail;
  }
  return TokenPurpose::kVerifyEmail;
}

const char* PathOf(AccountMailKind kind) {
  switch (kind) {
    case AccountMailKind::kVerifyEmail:
      return kVerifyEmailPath;
    case AccountMailKind::kResetPassword:
      return kResetPasswordPath;
    case AccountMailKind::kChangeEmail:
      return kConfirmEmailChangePath;
  }
  return kVerifyEmailPath;
}

}  // namespace

AccountService::AccountService(storage::Database& database, PasswordHasher& hasher,
                               AccountMailer& mailer, const Clock& clock, Random& random,
                               std::string public_base_url, AccountPolicy policy,
                               PersonEraser erase_person)
    : database_(database),
      hasher_(hasher),
      mailer_(mailer),
      clock_(clock),
      random_(random),
      public_base_url_(std::move(public_base_url)),
      policy_(policy),
      erase_person_(std::move(erase_person)),
      sessions_(policy.sessions),
      tokens_(policy.tokens),
      dummy_hash_(hasher.Hash(random.Token(kTokenBytes))) {
  while (public_base_url_.ends_with('/')) public_base_url_.pop_back();
}

std::string AccountService::Link(const char* path, const std::string& token) const {
  return public_base_url_ + path + "?jeton=" + token;
}

ThrottleDecision AccountService::HitMailLimit(Connection& connection, AccountMailKind kind,
                                              const User& user, int64_t now) const {
  return Throttle::Hit(connection, MailLimitKey(kind, user.id), policy_.mails_per_account, now);
}

void AccountService::IssueAndSend(Connection& connection, AccountMailKind kind, const User& user,
                                  int64_t now, std::optional<std::string> new_email) {
  const TokenPurpose purpose = PurposeOf(kind);
  AccountMail mail;
  mail.kind = kind;
  mail.to_address = kind == AccountMailKind::kChangeEmail && new_email ? *new_email : user.email;
  IssuedToken token =
      tokens_.Issue(connection, random_, user.id, purpose, now, std::move(new_email));
  mail.display_name = user.display_name;
  mail.link = Link(PathOf(kind), token.token);
  mail.expires_hours = (tokens_.policy().LifetimeOf(purpose) + 3599) / 3600;
  mail.idempotency_key = std::string(AccountMailTemplate(kind)) + ":" + std::to_string(user.id) +
                         ":" + token.token_hash.substr(0, 16);
  mailer_.Send(connection, mail, now);
}

Status AccountService::SignUp(const SignUpRequest& request, const std::string& site_host) {
  VV_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(request.email));
  VV_RETURN_IF_ERROR(CheckPasswordRules(request.password, kFieldPassword));
  VV_ASSIGN_OR_RETURN(std::string display_name, NormalizeDisplayName(request.display_name));
  if (!request.ip.empty()) {
    // Before hashing, so that a flood of sign-ups costs no CPU.
    VV_RETURN_IF_ERROR(InTransaction(database_, [&](Connection& connection) -> Status {
      ThrottleDecision decision =
          Throttle::Hit(connection, "signup:ip:" + ClientNetwork(request.ip),
                        policy_.signups_per_ip, clock_.NowSeconds());
      if (decision.allowed) return Status::Ok();
      return ResourceExhausted("Trop d'inscriptions depuis cette connexion. Réessayez dans " +
                               FormatRetryDelay(decision.retry_after_seconds) + ".");
    }));
  }
  // Hashed whether or not the address is free, so both answers take the same time.
  NewUser new_user{email, hasher_.Hash(request.password), Role::kUser, display_name, false};
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    Result<User> created = UserStore::Create(connection, new_user, now);
    if (created.ok()) {
      if (!site_host.empty()) UserStore::SetSignupHost(connection, created->id, site_host);
      // Counted so that resends (ResendVerification) are limited from the first mail on.
      HitMailLimit(connection, AccountMailKind::kVerifyEmail, *created, now);
      IssueAndSend(connection, AccountMailKind::kVerifyEmail, *created, now);
      return Status::Ok();
    }
    if (created.status().code() != StatusCode::kAlreadyExists) return created.status();
    std::optional<User> owner = UserStore::FindByEmail(connection, email);
    if (owner && HitMailLimit(connection, AccountMailKind::kResetPassword, *owner, now).allowed) {
      IssueAndSend(connection, AccountMailKind::kResetPassword, *owner, now);
    }
    return Status::Ok();
  });
}

Status AccountService::VerifyEmail(std::string_view token) {
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    VV_ASSIGN_OR_RETURN(ConsumedToken consumed,
                        tokens_.Consume(connection, token, TokenPurpose::kVerifyEmail, now));
    UserStore::MarkVerified(connection, consumed.user_id, now);
    return Status::Ok();
  });
}

Status AccountService::CheckLink(TokenPurpose purpose, std::string_view token) {
  Connection connection = database_.Acquire();
  return tokens_.Check(connection, token, purpose, clock_.NowSeconds());
}

Status AccountService::ResendVerification(const AuthenticatedUser& account) {
  if (account.user.email_verified()) {
    return FailedPrecondition("Votre adresse e-mail est déjà confirmée.");
  }
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    ThrottleDecision decision =
        HitMailLimit(connection, AccountMailKind::kVerifyEmail, account.user, now);
    if (!decision.allowed) return TooManyMails(decision);
    IssueAndSend(connection, AccountMailKind::kVerifyEmail, account.user, now);
    return Status::Ok();
  });
}

Result<LoginResult> AccountService::Login(const LoginRequest& request) {
  VV_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(request.email));
  if (request.password.empty()) {
    return InvalidArgument("Saisissez votre mot de passe.", kFieldPassword);
  }
  const std::string account_key = LoginKeyFrom(email, request.ip);
  const std::string all_networks_key = LoginKeyAllNetworks(email);
  const std::string ip_key = request.ip.empty() ? "" : "login:ip:" + ClientNetwork(request.ip);

  // Attempts are counted before the password is checked, in one atomic upsert each, so
  // that parallel guesses from several processes cannot slip past the limit. An attempt
  // refused by one limit is not counted against the next ones (it checked nothing).
  VV_RETURN_IF_ERROR(InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    if (!ip_key.empty()) {
      ThrottleDecision by_ip = Throttle::Hit(connection, ip_key, policy_.login_per_ip, now);
      if (!by_ip.allowed) return TooManyLogins(by_ip);
    }
    ThrottleDecision by_account =
        Throttle::Hit(connection, account_key, policy_.login_per_account, now);
    if (!by_account.allowed) return TooManyLogins(by_account);
    ThrottleDecision by_account_everywhere =
        Throttle::Hit(connection, all_networks_key, policy_.login_per_account_all_networks, now);
    if (!by_account_everywhere.allowed) return TooManyLogins(by_account_everywhere);
    return Status::Ok();
  }));

  std::optional<User> user;
  {
    Connection connection = database_.Acquire();
    user = UserStore::FindByEmail(connection, email);
  }
  const PasswordHasher::Verdict verdict =
      hasher_.Verify(user ? user->password_hash : dummy_hash_, request.password);
  if (!user || verdict == PasswordHasher::Verdict::kMismatch) {
    return Unauthenticated(kWrongCredentials);
  }
  std::optional<std::string> new_hash;
  if (verdict == PasswordHasher::Verdict::kMatchNeedsRehash) {
    new_hash = hasher_.Hash(request.password);
  }

  return InTransaction(database_, [&](Connection& connection) -> Result<LoginResult> {
    const int64_t now = clock_.NowSeconds();
    // The counters in the order the attempt above hit them (address, account, account on
    // every network): two sign-ins of one account from one address, one counting its
    // attempt while the other succeeds, would otherwise lock them in opposite orders and
    // deadlock (PostgreSQL aborts one: seen under bench/cluster_load.sh).
    if (!ip_key.empty()) Throttle::Refund(connection, ip_key, policy_.login_per_ip, now);
    Throttle::Reset(connection, account_key);
    Throttle::Refund(connection, all_networks_key, policy_.login_per_account_all_networks, now);
    if (new_hash) {
      UserStore::SetPasswordHash(connection, user->id, *new_hash, now);
      user->password_hash = *new_hash;
    }
    if (!request.previous_session_token.empty()) {
      sessions_.Revoke(connection, request.previous_session_token);
    }
    NewSession session =
        sessions_.Create(connection, random_, user->id, request.ip, request.user_agent, now);
    return LoginResult{std::move(session.token), session.expires_at, *user};
  });
}

Result<AuthenticatedUser> AccountService::Authenticate(std::string_view session_token) {
  const Status expired = Unauthenticated("Votre session a expiré. Connectez-vous à nouveau.");
  if (session_token.empty()) return expired;
  Connection connection = database_.Acquire();
  std::optional<Session> session = sessions_.Find(connection, session_token, clock_.NowSeconds());
  if (!session) return expired;
  std::optional<User> user = UserStore::FindById(connection, session->user_id);
  if (!user) return expired;
  return AuthenticatedUser{std::move(*user), std::move(*session)};
}

void AccountService::Logout(std::string_view session_token) {
  Connection connection = database_.Acquire();
  sessions_.Revoke(connection, session_token);
}

Status AccountService::RequestPasswordReset(std::string_view email_text) {
  VV_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    std::optional<User> user = UserStore::FindByEmail(connection, email);
    // A throttled request is answered like any other: the answer must not depend on the
    // account's existence.
    if (user && HitMailLimit(connection, AccountMailKind::kResetPassword, *user, now).allowed) {
      IssueAndSend(connection, AccountMailKind::kResetPassword, *user, now);
    }
    return Status::Ok();
  });
}

Status AccountService::ResetPassword(std::string_view token, std::string_view new_password) {
  {
    // A bad link is refused before the costly hash of the new password.
    Connection connection = database_.Acquire();
    VV_RETURN_IF_ERROR(
        tokens_.Check(connection, token, TokenPurpose::kResetPassword, clock_.NowSeconds()));
  }
  VV_RETURN_IF_ERROR(CheckPasswordRules(new_password, kFieldNewPassword));
  const std::string password_hash = hasher_.Hash(new_password);
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    VV_ASSIGN_OR_RETURN(ConsumedToken consumed,
                        tokens_.Consume(connection, token, TokenPurpose::kResetPassword, now));
    std::optional<User> user = UserStore::FindById(connection, consumed.user_id);
    if (!user) return NotFound("Ce compte n'existe plus.");
    UserStore::SetPasswordHash(connection, user->id, password_hash, now);
    UserStore::MarkVerified(connection, user->id, now);
    sessions_.RevokeAllForUser(connection, user->id);
    tokens_.InvalidateAll(connection, user->id, TokenPurpose::kResetPassword, now);
    // Whoever reads the mailbox may log in again at once, even after a lock-out.
    Throttle::Reset(connection, LoginKey(user->email));
    Throttle::Reset(connection, LoginKeyAllNetworks(user->email));
    Throttle::ResetPrefix(connection, LoginKeyPrefix(user->email));
    return Status::Ok();
  });
}

Status AccountService::CheckCurrentPassword(const User& user, std::string_view password) {
  if (password.empty()) {
    return InvalidArgument("Saisissez votre mot de passe actuel.", kFieldCurrentPassword);
  }
  // Shares the login limit of the account: a stolen session must not become a way to
  // guess the password without limit.
  const std::string key = LoginKey(user.email);
  VV_RETURN_IF_ERROR(InTransaction(database_, [&](Connection& connection) -> Status {
    ThrottleDecision decision =
        Throttle::Hit(connection, key, policy_.login_per_account, clock_.NowSeconds());
    return decision.allowed ? Status::Ok() : TooManyLogins(decision);
  }));
  std::string stored_hash;
  {
    Connection connection = database_.Acquire();
    std::optional<User> current = UserStore::FindById(connection, user.id);
    if (!current) return NotFound("Ce compte n'existe plus.");
    stored_hash = current->password_hash;
  }
  if (hasher_.Verify(stored_hash, password) == PasswordHasher::Verdict::kMismatch) {
    return InvalidArgument("Mot de passe incorrect.", kFieldCurrentPassword);
  }
  Connection connection = database_.Acquire();
  Throttle::Reset(connection, key);
  return Status::Ok();
}

Status AccountService::ChangePassword(const AuthenticatedUser& account,
                                      std::string_view current_password,
                                      std::string_view new_password) {
  VV_RETURN_IF_ERROR(CheckPasswordRules(new_password, kFieldNewPassword));
  VV_RETURN_IF_ERROR(CheckCurrentPassword(account.user, current_password));
  const std::string password_hash = hasher_.Hash(new_password);
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    if (!UserStore::SetPasswordHash(connection, account.user.id, password_hash, now)) {
      return NotFound("Ce compte n'existe plus.");
    }
    sessions_.RevokeAllForUser(connection, account.user.id, account.session.token_hash);
    tokens_.InvalidateAll(connection, account.user.id, TokenPurpose::kResetPassword, now);
    return Status::Ok();
  });
}

Status AccountService::RequestEmailChange(const AuthenticatedUser& account,
                                          std::string_view new_email_text,
                                          std::string_view current_password) {
  VV_ASSIGN_OR_RETURN(std::string new_email, NormalizeEmail(new_email_text, kFieldNewEmail));
  if (new_email == account.user.email) {
    return InvalidArgument("C'est déjà l'adresse de votre compte.", kFieldNewEmail);
  }
  VV_RETURN_IF_ERROR(CheckCurrentPassword(account.user, current_password));
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    // Counted for taken and free addresses alike, so the limit reveals nothing either.
    ThrottleDecision decision =
        HitMailLimit(connection, AccountMailKind::kChangeEmail, account.user, now);
    if (!decision.allowed) return TooManyMails(decision);
    if (!UserStore::FindByEmail(connection, new_email)) {
      IssueAndSend(connection, AccountMailKind::kChangeEmail, account.user, now, new_email);
    }
    return Status::Ok();
  });
}

Status AccountService::ConfirmEmailChange(std::string_view token) {
  return InTransaction(database_, [&](Connection& connection) -> Status {
    const int64_t now = clock_.NowSeconds();
    VV_ASSIGN_OR_RETURN(ConsumedToken consumed,
                        tokens_.Consume(connection, token, TokenPurpose::kChangeEmail, now));
    if (!consumed.new_email) return Internal("change_email token without new_email");
    VV_RETURN_IF_ERROR(UserStore::SetEmail(connection, consumed.user_id, *consumed.new_email, now));
    tokens_.InvalidateAll(connection, consumed.user_id, TokenPurpose::kChangeEmail, now);
    return Status::Ok();
  });
}

Status AccountService::DeleteAccount(const AuthenticatedUser& account,
                                     std::string_view current_password) {
  VV_RETURN_IF_ERROR(CheckCurrentPassword(account.user, current_password));
  return InTransaction(database_, [&](Connection& connection) -> Status {
    // The address as stored now: the session's copy may predate a change of e-mail.
    std::optional<User> user = UserStore::FindById(connection, account.user.id);
    if (!user) return Status::Ok();  // deleted meanwhile by another request
    const int64_t now = clock_.NowSeconds();
    if (erase_person_) erase_person_(connection, *user, now);
    Throttle::Reset(connection, LoginKey(user->email));
    Throttle::Reset(connection, LoginKeyAllNetworks(user->email));
    Throttle::ResetPrefix(connection, LoginKeyPrefix(user->email));
    for (AccountMailKind kind : {AccountMailKind::kVerifyEmail, AccountMailKind::kResetPassword,
                                 AccountMailKind::kChangeEmail}) {
      Throttle::Reset(connection, MailLimitKey(kind, user->id));
    }
    mail::ForgetRecipient(connection, user->email, now);
    mail::ClearBounce(connection, user->email);
    DeletionLog::Record(connection, user->id, now);
    UserStore::Delete(connection, user->id);
    return Status::Ok();
  });
}

Result<User> AccountService::CreateOperator(std::string_view email_text, std::string_view password,
                                            std::string_view display_name_text) {
  VV_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  VV_RETURN_IF_ERROR(CheckPasswordRules(password, kFieldPassword));
  VV_ASSIGN_OR_RETURN(std::string display_name, NormalizeDisplayName(display_name_text));
  NewUser new_user{email, hasher_.Hash(password), Role::kOperator, display_name, true};
  return InTransaction(database_, [&](Connection& connection) {
    return UserStore::Create(connection, new_user, clock_.NowSeconds());
  });
}

Result<std::optional<User>> AccountService::InviteStaff(std::string_view email_text,
                                                        std::string_view display_name_text) {
  VV_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  VV_ASSIGN_OR_RETURN(std::string display_name, NormalizeDisplayName(display_name_text));
  const int64_t now = clock_.NowSeconds();
  // Hashed outside the transaction, and always, so that every answer costs the same.
  const std::string unusable_hash = hasher_.Hash(random_.Token());
  return InTransaction(database_, [&](Connection& connection) -> Result<std::optional<User>> {
    std::optional<User> account = UserStore::FindByEmail(connection, email);
    if (account && account->role == Role::kUser) return std::optional<User>();
    if (!account) {
      NewUser new_user{email, unusable_hash, Role::kPartnerStaff, display_name, false};
      VV_ASSIGN_OR_RETURN(User created, UserStore::Create(connection, new_user, now));
      account = std::move(created);
    }
    // A staff account that never chose a password gets its link (again), within the
    // limit of every account mail.
    if (!account->email_verified() &&
        HitMailLimit(connection, AccountMailKind::kResetPassword, *account, now).allowed) {
      IssueAndSend(connection, AccountMailKind::kResetPassword, *account, now);
    }
    return account;
  });
}

int64_t ThrottleRetentionSeconds(const AccountPolicy& policy) {
  // Counters of other limits (rate limits of public endpoints) share the table: keep a
  // day at least, longer than any window in use.
  return std::max({kMinThrottleRetentionSeconds, policy.login_per_account.window_seconds,
                   policy.login_per_account_all_networks.window_seconds,
                   policy.login_per_ip.window_seconds, policy.signups_per_ip.window_seconds,
                   policy.mails_per_account.window_seconds});
}

PurgeCounts AccountService::PurgeExpired() {
  const int64_t longest_window = ThrottleRetentionSeconds(policy_);
  Connection connection = database_.Acquire();
  Transaction transaction(connection);
  const int64_t now = clock_.NowSeconds();
  PurgeCounts counts;
  counts.sessions = sessions_.PurgeExpired(connection, now);
  counts.email_tokens = tokens_.PurgeExpired(connection, now - policy_.token_retention_seconds);
  counts.throttle_counters = Throttle::PurgeOlderThan(connection, now - longest_window);
  transaction.Commit();
  return counts;
}

}  // namespace vivrovert::accounts
