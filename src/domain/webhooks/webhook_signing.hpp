// The signature of webhook deliveries (docs/API.md, "Webhooks") and the sealing of their
// secrets at rest (docs/SECURITY.md).
//
// A delivery carries `VivroVert-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256>`, the MAC
// of "<t>.<body>" under the endpoint's secret, as Stripe and GitHub sign theirs: the
// receiver recomputes it over the raw body, compares in constant time, and refuses a `t` too
// far from its clock (replayed captures).
//
// The secret must stay usable to sign, so it is not hashed: it is sealed (libsodium
// secretbox, XSalsa20-Poly1305) under a key derived from the server's secret key
// (Config::SecretKey), with a fresh nonce each time.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vivrovert::webhooks {

inline constexpr const char* kSignatureHeader = "VivroVert-Signature";
inline constexpr const char* kEventIdHeader = "VivroVert-Event-Id";
inline constexpr const char* kEventTypeHeader = "VivroVert-Event";

// A new endpoint secret: "whsec_" and 32 random bytes, URL-safe base64.
std::string NewSecret();

// Lower-case hex HMAC-SHA-256 of "<timestamp>.<body>" under `secret`.
std::string Sign(std::string_view secret, int64_t timestamp, std::string_view body);

// "t=<timestamp>,v1=<Sign(…)>".
std::string SignatureHeader(std::string_view secret, int64_t timestamp, std::string_view body);

// What a receiver does: true when `header` holds a t within `tolerance_seconds` of `now`
// and a v1 matching the body (several v1 are accepted, for secret rotation).
bool VerifySignature(std::string_view header, std::string_view secret, std::string_view body,
                     int64_t now, int64_t tolerance_seconds = 300);

// The secret sealed under `server_key` (hex of nonce and ciphertext).
std::string SealSecret(std::string_view server_key, std::string_view secret);
// The secret back; nullopt when `sealed` is malformed or was sealed under another key.
std::optional<std::string> OpenSecret(std::string_view server_key, std::string_view sealed);

}  // namespace vivrovert::webhooks
