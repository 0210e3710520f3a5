// Cross-site request forgery protection for every state-changing request.
//
// Each browser gets a random token in a technical cookie (HttpOnly, SameSite=Lax; on
// https named with the `__Host-` prefix so that no sibling subdomain can plant one). Pages
// embed a form token derived with a keyed hash (libsodium crypto_auth, key derived from
// the server's secret key) from a binding: the session cookie when the browser is signed
// in (so signing in changes every token), else that anonymous token: a hidden `_csrf` field in
// forms, a
// `<meta name="csrf-token">` for scripts, which send it as the `X-CSRF-Token` header.
// A POST/PUT/PATCH/DELETE must carry the form token matching its cookie, and, when the
// browser sends an Origin header, come from the site's own origin.
//
// Stateless, so any server process behind the proxy can check any request.
//
// Thread safety: immutable after construction; safe from any thread.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "web/http/http.hpp"

namespace vivrovert::web {

class Csrf {
 public:
  // `secret_key` is the server secret (Config::SecretKey()); `public_base_url` gives the
  // accepted Origin and, when https, makes the cookie Secure with the __Host- prefix.
  // `session_cookie_name`, when not empty, names the sign-in cookie used as binding.
  Csrf(const std::string& secret_key, const std::string& public_base_url,
       std::string session_cookie_name = {});

  const std::string& cookie_name() const { return cookie_name_; }

  // The browser's anonymous cookie token, or a new one (`fresh` is then true and the
  // caller must send it with NewCookie), and the binding of its form tokens.
  struct BrowserToken {
    std::string cookie_token;
    bool fresh = false;
    std::string binding;
  };
  BrowserToken TokenFor(const Request& request, Random& random) const;
  SetCookie NewCookie(const std::string& cookie_token) const;

  // The token pages embed for this binding (BrowserToken::binding).
  std::string FormToken(const std::string& binding) const;

  // Ok when `request` may change state; PermissionDenied (field "_csrf") otherwise.
  // `also_origin`, when not empty, is a second accepted Origin: that of the partner site
  // (configured host) the request came to.
  Status Check(const Request& request, const std::string& also_origin = {}) const;

 private:
  // The binding of the request's cookies; none without any usable cookie.
  std::optional<std::string> BindingOf(const Request& request) const;

  std::array<unsigned char, 32> key_{};
  std::string cookie_name_;
  std::string session_cookie_name_;
  std::string origin_;
  bool secure_;
};

}  // namespace vivrovert::web
