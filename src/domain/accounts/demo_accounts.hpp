// The accounts of the local demonstration (`make run`, `vivrovert admin seed-demo`): one
// verified exodeur, one operator and one partner staff member, with a password everyone
// running the demo knows.
// Never for a real deployment: the default password is written in the README.
//
// Thread safety: a plain function over the database.
// Errors: InvalidArgument (field password) when `password` breaks the password rules;
// database faults throw storage::StorageError.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/accounts/password_hasher.hpp"
#include "domain/accounts/user_store.hpp"

namespace vivrovert::accounts {

inline constexpr const char* kDemoUserEmail = "demo@vivrovert.localhost";
inline constexpr const char* kDemoOperatorEmail = "operateur@vivrovert.localhost";
inline constexpr const char* kDemoPartnerEmail = "partenaire@vivrovert.localhost";
// Used when VIVROVERT_DEMO_PASSWORD is not set (the command line reads it), in demo mode
// only.
inline constexpr const char* kDefaultDemoPassword = "demo-vivrovert";

// The password to give the demo accounts: `from_environment` (VIVROVERT_DEMO_PASSWORD)
// when not empty; else the documented default, but only in demo mode (configuration key
// demo.enabled, set by scripts/run-demo.sh). FailedPrecondition otherwise: on any other
// database, the README's password would open an operator account.
Result<std::string> ChooseDemoPassword(bool demo_mode, std::string_view from_environment);

struct DemoAccount {
  User user;
  bool created = false;  // false: it existed already
};

// Makes sure both demo accounts exist, have verified e-mails and accept `password`:
// missing ones are created, existing ones get `password` back when it no longer matches
// (so the password the command prints always works). Idempotent. Returns the exodeur,
// the operator, then the partner staff member (the demo partner's administrator).
Result<std::vector<DemoAccount>> SeedDemoAccounts(storage::Database& database,
                                                  PasswordHasher& hasher, const Clock& clock,
                                                  std::string_view password);

}  // namespace vivrovert::accounts
