#include "domain/webhooks/webhook_signing.hpp"

#include <sodium.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

namespace vivrovert::webhooks {

namespace {

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

std::array<unsigned char, crypto_secretbox_KEYBYTES> SealingKey(std::string_view server_key) {
  // A key of its own, so that sealed secrets say nothing about the other uses of the key.
  const std::string material =
      std::string("vivrovert.webhooks.secret.v1") + '\0' + std::string(server_key);
  std::array<unsigned char, crypto_secretbox_KEYBYTES> key{};
  crypto_generichash(key.data(), key.size(), Bytes(material), material.size(), nullptr, 0);
  return key;
}

}  // namespace

std::string NewSecret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string encoded(
      sodium_base64_ENCODED_LEN(random.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), random.data(), random.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.pop_back();
  return "whsec_" + encoded;
}

std::string Sign(std::string_view secret, int64_t timestamp, std::string_view body) {
  const std::string prefix = std::to_string(timestamp) + ".";
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(secret), secret.size());
  crypto_auth_hmacsha256_update(&state, Bytes(prefix), prefix.size());
  crypto_auth_hmacsha256_update(&state, Bytes(body), body.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  return Hex(mac.data(), mac.size());
}

std::string SignatureHeader(std::string_view secret, int64_t timestamp, std::string_view body) {
  return "t=" + std::to_string(timestamp) + ",v1=" + Sign(secret, timestamp, body);
}

bool VerifySignature(std::string_view header, std::string_view secret, std::string_view body,
                     int64_t now, int64_t tolerance_seconds) {
  std::optional<int64_t> timestamp;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t equals = part.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = part.substr(0, equals);
    const std::string_view value = part.substr(equals + 1);
    if (key == "t") {
      int64_t parsed = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (error != std::errc() || end != value.data() + value.size()) return false;
      timestamp = parsed;
    } else if (key == "v1") {
      signatures.push_back(value);
    }
  }
  if (!timestamp || signatures.empty()) return false;
  if (*timestamp < now - tolerance_seconds || *timestamp > now + tolerance_seconds) return false;
  const std::string expected = Sign(secret, *timestamp, body);
  bool matched = false;
  for (std::string_view signature : signatures) {
    if (signature.size() == expected.size() &&
        sodium_memcmp(signature.data(), expected.data(), expected.size()) == 0)
      matched = true;
  }
  return matched;
}

std::string SealSecret(std::string_view server_key, std::string_view secret) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  const auto key = SealingKey(server_key);
  std::vector<unsigned char> sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                    secret.size());
  randombytes_buf(sealed.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(sealed.data() + crypto_secretbox_NONCEBYTES, Bytes(secret), secret.size(),
                        sealed.data(), key.data());
  return Hex(sealed.data(), sealed.size());
}

std::optional<std::string> OpenSecret(std::string_view server_key, std::string_view sealed) {
  std::vector<unsigned char> bytes(sealed.size() / 2 + 1);
  size_t length = 0;
  if (sodium_hex2bin(bytes.data(), bytes.size(), sealed.data(), sealed.size(), nullptr, &length,
                     nullptr) != 0 ||
      length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::nullopt;
  const auto key = SealingKey(server_key);
  const size_t cipher_size = length - crypto_secretbox_NONCEBYTES;
  std::string secret(cipher_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                 bytes.data() + crypto_secretbox_NONCEBYTES, cipher_size,
                                 bytes.data(), key.data()) != 0)
    return std::nullopt;
  return secret;
}

}  // namespace vivrovert::webhooks
