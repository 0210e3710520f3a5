#include "accounts/csrf.hpp"

#include <sodium.h>

#include <stdexcept>

#include "accounts/token_hash.hpp"

namespace vivrovert::accounts {

namespace {

// Separates CSRF MACs from any other use of the same secret key.
constexpr std::string_view kDomain = "vivrovert/csrf/v1";

Status Refused() {
  return PermissionDenied(
      "Ce formulaire a expiré ou ne provient pas de VivroVert. Rechargez la page et "
      "réessayez.");
}

}  // namespace

CsrfGuard::CsrfGuard(std::string secret_key) : key_(std::move(secret_key)) {
  if (key_.empty()) throw std::invalid_argument("CsrfGuard needs a secret key");
  SecureRandom::Instance();  // runs sodium_init()
}

void CsrfGuard::Mac(std::string_view binding, unsigned char* mac) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key_.data()),
                              key_.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()),
                                kDomain.size());
  // The NUL keeps the domain and the binding apart whatever the binding holds.
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(binding.data()),
                                binding.size());
  crypto_auth_hmacsha256_final(&state, mac);
}

std::string CsrfGuard::TokenFor(std::string_view binding) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  Mac(binding, mac);
  std::string out(
      sodium_base64_ENCODED_LEN(sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), mac, sizeof mac,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();  // terminating NUL
  return out;
}

Status CsrfGuard::Verify(std::string_view binding, std::string_view token) const {
  if (binding.empty() || token.empty()) return Refused();
  unsigned char given[crypto_auth_hmacsha256_BYTES];
  size_t given_size = 0;
  if (sodium_base642bin(given, sizeof given, token.data(), token.size(), nullptr, &given_size,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      given_size != sizeof given) {
    return Refused();
  }
  unsigned char expected[crypto_auth_hmacsha256_BYTES];
  Mac(binding, expected);
  if (sodium_memcmp(given, expected, sizeof given) != 0) return Refused();
  return Status::Ok();
}

std::string CsrfGuard::NewAnonymousBinding(Random& random) { return random.Token(kTokenBytes); }

}  // namespace vivrovert::accounts
