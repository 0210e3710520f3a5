#include "domain/accounts/demo_accounts.hpp"

namespace vivrovert::accounts {

namespace {

Result<DemoAccount> Ensure(storage::Database& database, PasswordHasher& hasher, const Clock& clock,
                           std::string_view password, const NewUser& wanted) {
  std::optional<User> existing;
  {
    storage::Connection connection = database.Acquire();
    existing = UserStore::FindByEmail(connection, wanted.email);
  }
  if (!existing) {
    NewUser user = wanted;
    user.password_hash = hasher.Hash(password);
    storage::Connection connection = database.Acquire();
    VV_ASSIGN_OR_RETURN(User created, UserStore::Create(connection, user, clock.NowSeconds()));
    return DemoAccount{std::move(created), true};
  }
  // Hashing happens outside any transaction (it takes ~0.1 s).
  const bool matches =
      hasher.Verify(existing->password_hash, password) != PasswordHasher::Verdict::kMismatch;
  const std::string new_hash = matches ? std::string() : hasher.Hash(password);
  storage::Connection connection = database.Acquire();
  storage::Transaction transaction(connection);
  const int64_t now = clock.NowSeconds();
  if (!matches) UserStore::SetPasswordHash(connection, existing->id, new_hash, now);
  UserStore::MarkVerified(connection, existing->id, now);
  transaction.Commit();
  std::optional<User> user = UserStore::FindById(connection, existing->id);
  if (!user) return NotFound("the demo account " + wanted.email + " vanished while being seeded");
  return DemoAccount{std::move(*user), false};
}

}  // namespace

Result<std::string> ChooseDemoPassword(bool demo_mode, std::string_view from_environment) {
  if (!from_environment.empty()) return std::string(from_environment);
  if (demo_mode) return std::string(kDefaultDemoPassword);
  return FailedPrecondition(
      "not in demo mode (demo.enabled): set VIVROVERT_DEMO_PASSWORD to choose the demo "
      "accounts' password, or VIVROVERT_DEMO_ENABLED=true on a demonstration database");
}

Result<std::vector<DemoAccount>> SeedDemoAccounts(storage::Database& database,
                                                  PasswordHasher& hasher, const Clock& clock,
                                                  std::string_view password) {
  VV_RETURN_IF_ERROR(CheckPasswordRules(password, kFieldPassword));
  const NewUser exodeur{kDemoUserEmail, "", Role::kUser, "Camille (démo)", true};
  const NewUser operator_account{kDemoOperatorEmail, "", Role::kOperator, "Opérateur (démo)", true};
  const NewUser partner_staff{kDemoPartnerEmail, "", Role::kPartnerStaff,
                              "Équipe Grand Cahors (démo)", true};
  std::vector<DemoAccount> accounts;
  for (const NewUser* wanted : {&exodeur, &operator_account, &partner_staff}) {
    VV_ASSIGN_OR_RETURN(DemoAccount account, Ensure(database, hasher, clock, password, *wanted));
    accounts.push_back(std::move(account));
  }
  return accounts;
}

}  // namespace vivrovert::accounts
