// The one-click unsubscribe link of list mail (domain/mail/unsubscribe.hpp), in French:
//
//   GET  /desabonnement?jeton=…   names what the person is leaving ("les annonces et
//                                 résumés", "les rapports de contacts"), with a button, and
//                                 a link to /compte/profil#notifications to change the
//                                 frequency instead. Never unsubscribes: link scanners
//                                 fetch the links of mails.
//   POST /desabonnement?jeton=…   leaves the list (domain/mail/opt_outs.hpp) and says so. Also the
//                                 RFC 8058 one-click POST a mail client sends on its own
//                                 (body `List-Unsubscribe=One-Click`, no cookie, no CSRF
//                                 token): the route is CSRF-exempt, the signed token is what
//                                 authenticates it. Idempotent.
//
// A missing, malformed or tampered token answers 400 with a French page saying so, on
// both methods. A token of a deleted account changes nothing and says so (200). No
// session is needed: the mail may be read on another device.
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <cstdint>
#include <functional>

#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::accounts {

inline constexpr const char* kUnsubscribePath = "/desabonnement";

// Tokens are checked with the app's secret key (AppOptions::secret_key) and time is read
// from the app's clock. `database` must outlive `app`. `profile_changed`, when given, is
// called after leaving the listing mails changed a profile's notification, on the
// connection that committed it (as profiles::RegisterProfilePages does: the matching
// index follows at once).
void RegisterUnsubscribeRoutes(
    web::App& app, storage::Database& database,
    std::function<void(storage::Connection&, int64_t user_id)> profile_changed = {});

}  // namespace vivrovert::accounts
