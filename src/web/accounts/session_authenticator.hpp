// The sign-in cookie, and the web::Authenticator that resolves it into the person behind
// a request (web/http/app.hpp runs it for every request).
//
// The cookie holds the session token of AccountService::Login. It is HttpOnly (no script
// can read it), SameSite=Lax (not sent with cross-site form posts), Path=/, and lasts
// until the session's absolute expiry. When the site is served over https it is Secure
// and named with the `__Host-` prefix, so that no sibling subdomain can plant one. The
// same name must be given to web::AppOptions::session_cookie_name, which binds CSRF
// tokens to it (a login, which rotates the session, thus changes every form token).
//
// A missing, malformed, tampered, expired or revoked cookie simply means "nobody signed
// in": the request goes on anonymously.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/accounts/account_service.hpp"
#include "web/http/app.hpp"

namespace vivrovert::accounts {

// "__Host-vv_session" on https, "vv_session" on plain http (development).
std::string SessionCookieName(bool https);

// Set-Cookie instructions for the sign-in cookie.
struct SessionCookies {
  std::string name;  // SessionCookieName(secure)
  bool secure = false;

  // The cookie carrying `token` until `expires_at` (epoch seconds), as seen at `now`.
  web::SetCookie Issue(const std::string& token, int64_t expires_at, int64_t now) const;
  // The instruction that deletes the cookie (logout, account deleted, password reset).
  web::SetCookie Clear() const;
};

// Resolves the session cookie through AccountService::Authenticate.
//
// Thread safety: safe from any number of threads (the service is). Keeps a reference to
// `service`, which must outlive it. Database faults throw storage::StorageError (the
// request then fails with 500).
class SessionAuthenticator final : public web::Authenticator {
 public:
  SessionAuthenticator(AccountService& service, std::string cookie_name)
      : service_(service), cookie_name_(std::move(cookie_name)) {}

  std::optional<web::Principal> Authenticate(const web::Request& request) override;

 private:
  AccountService& service_;
  std::string cookie_name_;
};

}  // namespace vivrovert::accounts
