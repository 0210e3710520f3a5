#include "web/http/csrf.hpp"

#include <Poco/URI.h>
#include <sodium.h>

namespace vivrovert::web {

namespace {

constexpr size_t kCookieTokenBytes = 32;
constexpr const char* kFormField = "_csrf";
constexpr const char* kHeader = "X-CSRF-Token";
constexpr const char* kRefusedMessage =
    "Ce formulaire a expiré ou ne vient pas de VivroVert. Rechargez la page et recommencez.";

std::string Base64Url(const unsigned char* bytes, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool LooksLikeCookieToken(const std::string& token) {
  if (token.size() !=
      sodium_base64_ENCODED_LEN(kCookieTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1) {
    return false;
  }
  for (char c : token) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string OriginOf(const std::string& base_url) {
  Poco::URI uri(base_url);
  std::string origin = uri.getScheme() + "://" + uri.getHost();
  // Browsers leave the default port out of Origin.
  bool default_port = (uri.getScheme() == "http" && uri.getPort() == 80) ||
                      (uri.getScheme() == "https" && uri.getPort() == 443);
  if (!default_port) origin += ":" + std::to_string(uri.getPort());
  return origin;
}

}  // namespace

Csrf::Csrf(const std::string& secret_key, const std::string& public_base_url,
           std::string session_cookie_name)
    : session_cookie_name_(std::move(session_cookie_name)),
      origin_(OriginOf(public_base_url)),
      secure_(public_base_url.starts_with("https://")) {
  // A key of its own, so that a token leaked from here says nothing about other uses of
  // the secret.
  std::string material = std::string("vivrovert.web.csrf.v1") + '\0' + secret_key;
  crypto_generichash(key_.data(), key_.size(),
                     reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                     nullptr, 0);
  cookie_name_ = secure_ ? "__Host-vv_csrf" : "vv_csrf";
}

Csrf::BrowserToken Csrf::TokenFor(const Request& request, Random& random) const {
  BrowserToken token;
  if (auto cookie = request.Cookie(cookie_name_); cookie && LooksLikeCookieToken(*cookie)) {
    token.cookie_token = *cookie;
  } else {
    token.cookie_token = random.Token(kCookieTokenBytes);
    token.fresh = true;
  }
  token.binding = BindingOf(request).value_or("anonymous:" + token.cookie_token);
  return token;
}

std::optional<std::string> Csrf::BindingOf(const Request& request) const {
  if (!session_cookie_name_.empty()) {
    if (auto session = request.Cookie(session_cookie_name_); session && !session->empty()) {
      // Distinct prefixes keep a session value from ever colliding with an anonymous one.
      return "session:" + *session;
    }
  }
  if (auto cookie = request.Cookie(cookie_name_); cookie && LooksLikeCookieToken(*cookie)) {
    return "anonymous:" + *cookie;
  }
  return std::nullopt;
}

SetCookie Csrf::NewCookie(const std::string& cookie_token) const {
  SetCookie cookie;
  cookie.name = cookie_name_;
  cookie.value = cookie_token;
  cookie.secure = secure_;
  return cookie;
}

std::string Csrf::FormToken(const std::string& binding) const {
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(binding.data()), binding.size(),
              key_.data());
  return Base64Url(mac, sizeof mac);
}

Status Csrf::Check(const Request& request, const std::string& also_origin) const {
  if (auto origin = request.Header("Origin");
      origin && *origin != origin_ && (also_origin.empty() || *origin != also_origin)) {
    return {StatusCode::kPermissionDenied, kRefusedMessage, kFormField};
  }
  std::optional<std::string> binding = BindingOf(request);
  if (!binding) return {StatusCode::kPermissionDenied, kRefusedMessage, kFormField};
  std::optional<std::string> sent = request.Header(kHeader);
  if (!sent) sent = request.Form(kFormField);
  std::string expected = FormToken(*binding);
  if (!sent || sent->size() != expected.size() ||
      sodium_memcmp(sent->data(), expected.data(), expected.size()) != 0) {
    return {StatusCode::kPermissionDenied, kRefusedMessage, kFormField};
  }
  return Status::Ok();
}

}  // namespace vivrovert::web
