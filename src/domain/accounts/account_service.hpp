// The account use cases behind the pages of /compte: sign-up, e-mail verification,
// login and logout, password reset and change, change of e-mail, account deletion, and
// operator creation from the command line.
//
// A web handler passes raw form values; every method validates them and answers with a
// Status or Result whose message is French and whose field() names the form input it
// concerns (kField* in user_store.hpp). Each use case that changes something does it in
// one transaction, mails included (queued through the AccountMailer on the same
// connection), so a failure changes nothing.
//
// Rules that protect people (see docs/SECURITY.md):
//  - No account enumeration. SignUp and RequestPasswordReset answer the same whether or
//    not the address has an account, after comparable work (SignUp always hashes the
//    password). Signing up with an address that has an account sends its owner a
//    password-reset mail instead of a verification mail: the owner learns how to get
//    back in, and whoever typed the address learns nothing. Login answers the same
//    message for an unknown e-mail and a wrong password, and verifies the password
//    against a dummy hash for an unknown e-mail so both take the same time.
//  - Login is throttled before the password is checked: attempts per account and client
//    network (keyed by the typed e-mail, known or not, and the client's address, an IPv6
//    address counting as its /64), per account from all networks together (a looser cap
//    against guesses spread over many networks) and per client network are counted in the
//    database, shared by all server processes; a success takes its attempt back and
//    resets the counter of its (account, network). Someone who knows an address thus
//    locks out only their own network, not the owner.
//  - Password hashes are made outside transactions (they take ~0.1 s) so that a login
//    does not hold a database lock while hashing.
//  - An unverified e-mail does not prevent login: LoginResult and AuthenticatedUser
//    carry the user, whose email_verified() lets pages ask for confirmation. A password
//    reset marks the e-mail verified (the link proved the mailbox) and ends all sessions,
//    which also defeats an account pre-registered by someone else with this address.
//  - Changing the password ends every other session; resetting it ends all of them.
//
// Thread safety: an AccountService is shared by all request threads; it holds no mutable
// state of its own (the database holds it).
// Errors: expected failures are Status values; database faults throw
// storage::StorageError, to be caught at the request edge.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/common/env.hpp"
#include "core/common/network_address.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/accounts/account_mailer.hpp"
#include "domain/accounts/email_token_store.hpp"
#include "domain/accounts/password_hasher.hpp"
#include "domain/accounts/session_store.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/limits/throttle.hpp"

namespace vivrovert::accounts {

// Paths of the pages that e-mailed links open; the token is in the query parameter
// `jeton`.
inline constexpr const char* kVerifyEmailPath = "/compte/verifier";
inline constexpr const char* kResetPasswordPath = "/compte/reinitialiser";
inline constexpr const char* kConfirmEmailChangePath = "/compte/email/confirmer";

struct AccountPolicy {
  SessionPolicy sessions;
  EmailTokenPolicy tokens;
  // Failed logins to one account from one client network (and wrong current passwords
  // of a signed-in account).
  ThrottleLimit login_per_account{5, int64_t{15} * 60};
  // Login attempts to one account from all networks together: only a guesser spread over
  // many networks reaches it.
  ThrottleLimit login_per_account_all_networks{100, 3600};
  ThrottleLimit login_per_ip{30, int64_t{15} * 60};
  ThrottleLimit signups_per_ip{10, 3600};
  // Mails of one kind (verification, reset, change of e-mail) sent to one account.
  ThrottleLimit mails_per_account{3, 3600};
  // Used e-mail tokens are kept this long after expiry, so that a late click is told
  // "expired" or "already used" rather than "invalid".
  int64_t token_retention_seconds = int64_t{7} * 24 * 3600;
};

struct SignUpRequest {
  std::string email;
  std::string password;
  std::string display_name;
  std::string ip;  // the client's address, for the sign-up rate limit (empty: none)
};

struct LoginRequest {
  std::string email;
  std::string password;
  std::string ip;          // the client's address (empty: no per-IP throttle)
  std::string user_agent;  // stored with the session, shown in a future "my sessions" page
  // The session cookie the browser still sent, if any: revoked by a successful login,
  // which rotates the session.
  std::string previous_session_token;
};

struct LoginResult {
  std::string session_token;       // the new cookie value (HttpOnly, SameSite=Lax, Secure on https)
  int64_t session_expires_at = 0;  // absolute expiry, for the cookie's Expires
  User user;
};

// The person behind a session cookie.
struct AuthenticatedUser {
  User user;
  Session session;
};

// How long throttle counters are kept after their window opened: a day, or the longest
// window of `policy` (other limits, the public API's, share the table).
int64_t ThrottleRetentionSeconds(const AccountPolicy& policy);

// Erases or anonymises what the other concerns hold of `user` (domain/privacy/personal_data.hpp
// composes them), on the deletion's connection and inside its transaction, before the
// users row goes.
using PersonEraser = std::function<void(storage::Connection&, const User& user, int64_t now)>;

struct PurgeCounts {
  int64_t sessions = 0;
  int64_t email_tokens = 0;
  int64_t throttle_counters = 0;
};

class AccountService {
 public:
  // The service keeps references to `database`, `hasher`, `mailer`, `clock` and `random`,
  // which must outlive it. `public_base_url` starts the links in e-mails
  // (Config::public_base_url). Computes one dummy hash, so construction takes one hash.
  AccountService(storage::Database& database, PasswordHasher& hasher, AccountMailer& mailer,
                 const Clock& clock, Random& random, std::string public_base_url,
                 AccountPolicy policy = {}, PersonEraser erase_person = {});

  // Creates an unverified account and mails a verification link, or, when the address
  // already has an account, mails its owner a password-reset link. Ok in both cases.
  // InvalidArgument (fields email, password, display_name) for malformed input;
  // ResourceExhausted when this IP signed up too often.
  // `site_host`: the partner site's host the form was sent to (web::HostSite::host), recorded
  // as the account's site of sign-up; empty for the main site.
  Status SignUp(const SignUpRequest& request, const std::string& site_host = {});

  // Marks the e-mail of the link's account verified. InvalidArgument (field token) for an
  // invalid, used or expired link.
  Status VerifyEmail(std::string_view token);

  // Says, without using it, whether the link `token` of `purpose` still works: what a page
  // opened from an e-mail checks before showing its form. Ok, or InvalidArgument (field
  // token) whose French message tells an invalid, used or expired link apart.
  Status CheckLink(TokenPurpose purpose, std::string_view token);

  // Mails a new verification link to a logged-in user whose e-mail is not verified.
  // FailedPrecondition when already verified; ResourceExhausted when mailed too often.
  Status ResendVerification(const AuthenticatedUser& account);

  // Starts a session. Unauthenticated "Adresse e-mail ou mot de passe incorrect." for an
  // unknown e-mail or a wrong password alike; ResourceExhausted, saying when to retry,
  // once the account or the IP has had too many attempts; InvalidArgument for an empty
  // or malformed field. Rehashes the password when the hashing limits have changed.
  Result<LoginResult> Login(const LoginRequest& request);

  // The user of a session cookie, refreshing the session's idle expiry. Unauthenticated
  // when the cookie is missing, malformed, unknown, expired or revoked.
  Result<AuthenticatedUser> Authenticate(std::string_view session_token);

  // Ends the session of `session_token` (nothing happens if there is none).
  void Logout(std::string_view session_token);

  // Mails a password-reset link when `email` has an account; Ok either way.
  // InvalidArgument (field email) for a malformed address.
  Status RequestPasswordReset(std::string_view email);

  // Sets a new password through a reset link, marks the e-mail verified and ends every
  // session of the account. InvalidArgument on field new_password (rules) or token
  // (invalid, used or expired link); nothing changes then.
  Status ResetPassword(std::string_view token, std::string_view new_password);

  // Changes the password of a logged-in user and ends their other sessions.
  // InvalidArgument on current_password (wrong) or new_password (rules);
  // ResourceExhausted after too many wrong current passwords.
  Status ChangePassword(const AuthenticatedUser& account, std::string_view current_password,
                        std::string_view new_password);

  // Mails a confirmation link to `new_email`; the e-mail changes when it is opened. Ok
  // without any mail when the address belongs to another account (no enumeration; the
  // confirmation would fail anyway). InvalidArgument on new_email or current_password;
  // ResourceExhausted when mailed or mistyped too often.
  Status RequestEmailChange(const AuthenticatedUser& account, std::string_view new_email,
                            std::string_view current_password);

  // Sets the e-mail of the link's account to the new address, verified.
  // InvalidArgument (field token) for a bad link; AlreadyExists (field email) when the
  // address got an account meanwhile.
  Status ConfirmEmailChange(std::string_view token);

  // Deletes the account and everything of the person, in one transaction: the eraser given
  // at construction (every other concern's data: CV, profile, searches…), then what the
  // accounts own (throttle counters naming the address or the account, the outbox's mail
  // to the address, its bounce), a row of the deletion log (deletion_log.hpp: other
  // processes drop the person from their matching index), and the users row, whose
  // foreign keys cascade to sessions, tokens and the rest. docs/SECURITY.md lists what
  // happens to each table. InvalidArgument on current_password; ResourceExhausted after
  // too many wrong passwords.
  Status DeleteAccount(const AuthenticatedUser& account, std::string_view current_password);

  // Creates a verified operator account (`vivrovert admin create-operator`).
  // InvalidArgument for malformed input, AlreadyExists when the e-mail is taken.
  Result<User> CreateOperator(std::string_view email, std::string_view password,
                              std::string_view display_name);

  // The account of a partner's new staff member: an existing staff or operator account
  // of that address, or a new unverified partner_staff account whose owner receives a
  // link to choose a password (the reset-password mail); an existing account that never
  // chose a password gets the link again. Those mails count against mails_per_account
  // like every account mail. No account (nullopt) when the address belongs to an
  // exodeur's account: a person's private account is not turned into a professional one.
  // The outcome reveals nothing to the inviter: ok in every case, InvalidArgument only
  // for a malformed address or name.
  Result<std::optional<User>> InviteStaff(std::string_view email, std::string_view display_name);

  // Deletes expired sessions, e-mail tokens expired for token_retention_seconds, and
  // throttle counters older than ThrottleRetentionSeconds; the nightly retention
  // (jobs/nightly/retention.hpp) does the same in bounded batches.
  PurgeCounts PurgeExpired();

  const AccountPolicy& policy() const { return policy_; }
  const SessionStore& sessions() const { return sessions_; }

 private:
  // Checks the password of a logged-in user, with the login throttle of their account.
  Status CheckCurrentPassword(const User& user, std::string_view password);
  // Counts one mail of `kind` to `user` against policy().mails_per_account.
  ThrottleDecision HitMailLimit(storage::Connection& connection, AccountMailKind kind,
                                const User& user, int64_t now) const;
  // Issues a token for `kind` and queues its mail: to `new_email` for kChangeEmail, else
  // to the user's address.
  void IssueAndSend(storage::Connection& connection, AccountMailKind kind, const User& user,
                    int64_t now, std::optional<std::string> new_email = std::nullopt);
  std::string Link(const char* path, const std::string& token) const;

  storage::Database& database_;
  PasswordHasher& hasher_;
  AccountMailer& mailer_;
  const Clock& clock_;
  Random& random_;
  std::string public_base_url_;
  AccountPolicy policy_;
  PersonEraser erase_person_;
  SessionStore sessions_;
  EmailTokenStore tokens_;
  // A hash of a random password, verified against when the e-mail of a login is unknown
  // so that the answer takes as long as for a wrong password.
  std::string dummy_hash_;
};

// The throttle key part for a client address (core/common/network_address.hpp): every per-client
// limit of the site counts under the same network unit.
using ::vivrovert::ClientNetwork;

}  // namespace vivrovert::accounts
