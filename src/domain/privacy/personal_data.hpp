// Everything VivroVert stores about a person, in one place: what account deletion does
// beyond the accounts' own tables, and the RGPD export (/compte/mes-donnees.json).
// docs/SECURITY.md ("Personal data") lists every table holding a user id or an address
// and what happens to it; tests/privacy/ checks that no cell of any table still names a
// deleted person.
//
// Each table is changed through the store that owns it; this file only composes them.
//
// Thread safety: stateless functions on the caller's connection, inside the caller's
// transaction if one is open. Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/accounts/user_store.hpp"

namespace vivrovert::privacy {

// The subject under which the consent proofs of a deleted account are kept: the lower-case
// hex HMAC-SHA-256 of the lower-cased address under a key derived from `secret_key`
// (Config's security.secret_key). Without the secret the table cannot be matched against
// a list of addresses; with it, the proof of a named address is found again.
std::string ConsentSubject(std::string_view secret_key, std::string_view email);

// What the other concerns hold of `user`, erased or anonymised in the caller's
// transaction (AccountService::DeleteAccount's PersonEraser), before the users row goes:
//  - the consent history is copied, without identity, to consent_proofs (ConsentSubject);
//  - the person's own listings (their CV, source "user:<id>"), withdrawn ones included,
//    are deleted;
//  - everything keyed by the user id (profile, consents, searches and their lead
//    records, clicks, favourites, saved properties, notifications, digest state, mail
//    opt-outs, staff memberships, sessions, e-mail links) goes with the users row through
//    its foreign keys (ON DELETE CASCADE).
void ErasePerson(storage::Connection& connection, const accounts::User& user,
                 std::string_view secret_key, int64_t now);

// ErasePerson with `secret_key`, as AccountService takes it.
accounts::PersonEraser MakePersonEraser(std::string secret_key);

// The RGPD export of `user_id` at `now`: account, profile, consent history, saved
// searches, favourites, tile clicks, saved properties, CV (with its status), in-site
// notifications, sessions (without their token hashes), mail opt-outs and staff
// memberships. NotFound when the account does not exist.
Result<nlohmann::json> ExportPerson(storage::Connection& connection, int64_t user_id, int64_t now);

}  // namespace vivrovert::privacy
