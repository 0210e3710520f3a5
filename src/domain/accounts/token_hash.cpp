#include "domain/accounts/token_hash.hpp"

#include <sodium.h>

namespace vivrovert::accounts {

std::string HashToken(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  std::string hex(crypto_hash_sha256_BYTES * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
  hex.pop_back();  // sodium_bin2hex writes a terminating NUL
  return hex;
}

bool LooksLikeToken(std::string_view token) {
  constexpr size_t kLength =
      sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;
  if (token.size() != kLength) return false;
  for (char c : token) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace vivrovert::accounts
