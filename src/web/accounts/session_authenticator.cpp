#include "web/accounts/session_authenticator.hpp"

#include <algorithm>

namespace vivrovert::accounts {

std::string SessionCookieName(bool https) { return https ? "__Host-vv_session" : "vv_session"; }

web::SetCookie SessionCookies::Issue(const std::string& token, int64_t expires_at,
                                     int64_t now) const {
  web::SetCookie cookie;
  cookie.name = name;
  cookie.value = token;
  // At least one second: a zero Max-Age would delete the cookie instead.
  cookie.max_age = std::max<int64_t>(1, expires_at - now);
  cookie.secure = secure;
  return cookie;
}

web::SetCookie SessionCookies::Clear() const {
  web::SetCookie cookie;
  cookie.name = name;
  cookie.max_age = 0;
  cookie.secure = secure;
  return cookie;
}

std::optional<web::Principal> SessionAuthenticator::Authenticate(const web::Request& request) {
  std::optional<std::string> token = request.Cookie(cookie_name_);
  if (!token || token->empty()) return std::nullopt;
  Result<AuthenticatedUser> account = service_.Authenticate(*token);
  if (!account.ok()) return std::nullopt;
  return web::Principal{account->user.id, RoleName(account->user.role), account->user.display_name};
}

}  // namespace vivrovert::accounts
