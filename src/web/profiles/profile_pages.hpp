// The person's profile pages under /compte (French):
//   GET/POST /compte/profil          household, move horizon, budget, housing, work,
//                                    business, leisure; notification preference (anchor
//                                    #notifications, where unsubscribe pages send people);
//                                    consents; for partner staff, whether they receive
//                                    lead reports (domain/mail/opt_outs.hpp)
//   GET      /compte/mes-donnees.json everything stored about the person (RGPD export,
//                                    domain/privacy/personal_data.hpp: account, profile,
//                                    consents, searches, favourites, clicks, saved
//                                    properties, CV, notifications, sessions, mail
//                                    opt-outs, staff memberships)
// Deleting the account (/compte) erases all of it (AccountService::DeleteAccount with
// privacy::ErasePerson).
//
// Thread safety: the routes share only thread-safe parts.
#pragma once

#include <functional>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "web/http/app.hpp"

namespace vivrovert::profiles {

// `database` and `clock` must outlive the app.
// `profile_changed`, when given, is called after a profile (wishes, notification choice) is
// saved, on the connection that saved it: the matching index follows it at once.
void RegisterProfilePages(
    web::App& app, storage::Database& database, const Clock& clock,
    std::function<void(storage::Connection&, int64_t user_id)> profile_changed = {});

}  // namespace vivrovert::profiles
