// One-click unsubscribe links (RFC 8058) for the mails people can leave: listing
// notifications and digests (a person's "annonces"), and partner lead reports ("rapports").
//
// A link is `<public base URL>/desabonnement?jeton=<token>`. The token names the list and
// the person and carries a MAC (libsodium crypto_auth, key derived from the server's secret
// key), so any server process can check it without a table, and nobody can unsubscribe
// someone else by editing the number. It never expires: a mail read a year later still
// unsubscribes, which is what the RFC asks.
//
// The mails carry both headers:
//   List-Unsubscribe: <https://…/desabonnement?jeton=…>
//   List-Unsubscribe-Post: List-Unsubscribe=One-Click
// so that a mail client POSTs `List-Unsubscribe=One-Click` to the link; a person following
// the link in a browser gets a page with a button (a GET never unsubscribes: link scanners
// fetch them).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/mail/outbox.hpp"

namespace vivrovert::mail {

enum class MailList {
  kListings,     // instant notifications and digests; leaving sets profiles.notification = 'none'
  kLeadReports,  // a staff member's partner lead reports; leaving adds a mail_opt_outs row
  kCampaigns,    // partners' campaigns (domain/campaigns); leaving withdraws the consent
};

// "annonces", "rapports", "campagnes": the name in tokens and pages.
const char* MailListName(MailList list);

struct UnsubscribeTarget {
  MailList list = MailList::kListings;
  int64_t user_id = 0;
};

// "<list>.<user id>.<mac>" (URL-safe). `secret_key` is Config::SecretKey().
std::string UnsubscribeToken(std::string_view secret_key, MailList list, int64_t user_id);

// The target of a token, or nullopt when it is malformed or its MAC does not match.
std::optional<UnsubscribeTarget> ReadUnsubscribeToken(std::string_view secret_key,
                                                      std::string_view token);

// `public_base_url` + "/desabonnement?jeton=" + token.
std::string UnsubscribeUrl(std::string_view public_base_url, std::string_view secret_key,
                           MailList list, int64_t user_id);

// Adds List-Unsubscribe (the URL in angle brackets) and List-Unsubscribe-Post to `message`.
void AddUnsubscribeHeaders(OutgoingMessage& message, const std::string& unsubscribe_url);

}  // namespace vivrovert::mail
