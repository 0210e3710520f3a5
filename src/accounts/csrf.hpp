// CSRF protection for state-changing forms (synchroniser tokens without server state).
//
// A form carries token = HMAC-SHA256(secret key, binding), URL-safe base64. The binding
// is a value only the person's browser holds: their session token when logged in, or,
// before login, a random value kept in a separate anonymous cookie (NewAnonymousBinding).
// Another site can make the browser send the cookies but cannot read them, so it cannot
// compute the token. Tokens are valid as long as their binding: login rotates the
// session token, hence the CSRF token.
//
// Thread safety: a CsrfGuard is immutable after construction and shared by all threads.
// Errors: Verify returns PermissionDenied with a French message (HTTP 403).
#pragma once

#include <string>
#include <string_view>

#include "common/env.hpp"
#include "common/status.hpp"

namespace vivrovert::accounts {

class CsrfGuard {
 public:
  // `secret_key` is Config::SecretKey(); must not be empty.
  explicit CsrfGuard(std::string secret_key);

  // The token to put in the forms of the browser that holds `binding`.
  std::string TokenFor(std::string_view binding) const;

  // Ok when `token` is the token of `binding` (compared in constant time); PermissionDenied
  // when either is missing or they do not match.
  Status Verify(std::string_view binding, std::string_view token) const;

  // A fresh random value for the anonymous CSRF cookie.
  static std::string NewAnonymousBinding(Random& random);

 private:
  // Writes the 32-byte MAC of `binding` to `mac`.
  void Mac(std::string_view binding, unsigned char* mac) const;

  std::string key_;
};

}  // namespace vivrovert::accounts
