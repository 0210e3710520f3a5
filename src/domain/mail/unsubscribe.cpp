#include "domain/mail/unsubscribe.hpp"

#include <sodium.h>

#include <array>
#include <charconv>

namespace vivrovert::mail {

namespace {

using Key = std::array<unsigned char, crypto_auth_KEYBYTES>;

// A key of its own, so a token says nothing about the other uses of the secret (CSRF).
Key DeriveKey(std::string_view secret_key) {
  std::string material =
      std::string("vivrovert.mail.unsubscribe.v1") + '\0' + std::string(secret_key);
  Key key{};
  crypto_generichash(key.data(), key.size(),
                     reinterpret_cast<const unsigned char*>(material.data()), material.size(),
                     nullptr, 0);
  return key;
}

std::string Mac(std::string_view secret_key, std::string_view signed_part) {
  const Key key = DeriveKey(secret_key);
  unsigned char mac[crypto_auth_BYTES];
  crypto_auth(mac, reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(),
              key.data());
  // 16 bytes of the MAC are plenty for a link (2^128 guesses), and keep it short.
  constexpr size_t kKept = 16;
  std::string encoded(sodium_base64_ENCODED_LEN(kKept, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), mac, kKept,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  encoded.pop_back();  // the terminating NUL
  return encoded;
}

std::optional<MailList> ListNamed(std::string_view name) {
  for (MailList list : {MailList::kListings, MailList::kLeadReports, MailList::kCampaigns}) {
    if (name == MailListName(list)) return list;
  }
  return std::nullopt;
}

}  // namespace

const char* MailListName(MailList list) {
  switch (list) {
    case MailList::kListings:
      return "annonces";
    case MailList::kLeadReports:
      return "rapports";
    case MailList::kCampaigns:
      return "campagnes";
  }
  return "annonces";
}

std::string UnsubscribeToken(std::string_view secret_key, MailList list, int64_t user_id) {
  std::string signed_part = std::string(MailListName(list)) + "." + std::to_string(user_id);
  return signed_part + "." + Mac(secret_key, signed_part);
}

std::optional<UnsubscribeTarget> ReadUnsubscribeToken(std::string_view secret_key,
                                                      std::string_view token) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  std::optional<MailList> list = ListNamed(token.substr(0, first));
  if (!list) return std::nullopt;
  std::string_view number = token.substr(first + 1, second - first - 1);
  int64_t user_id = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), user_id);
  if (error != std::errc() || end != number.data() + number.size() || user_id <= 0)
    return std::nullopt;
  const std::string expected = Mac(secret_key, token.substr(0, second));
  std::string_view given = token.substr(second + 1);
  if (given.size() != expected.size() ||
      sodium_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  return UnsubscribeTarget{*list, user_id};
}

std::string UnsubscribeUrl(std::string_view public_base_url, std::string_view secret_key,
                           MailList list, int64_t user_id) {
  std::string base(public_base_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/desabonnement?jeton=" + UnsubscribeToken(secret_key, list, user_id);
}

void AddUnsubscribeHeaders(OutgoingMessage& message, const std::string& unsubscribe_url) {
  message.headers.emplace_back("List-Unsubscribe", "<" + unsubscribe_url + ">");
  message.headers.emplace_back("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
}

}  // namespace vivrovert::mail
