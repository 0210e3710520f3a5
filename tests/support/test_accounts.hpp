// Accounts as the tests make them: a cheap password hash, verified people with one known
// password, and an account mailer that only counts (for tests of one part that build their
// own AccountService; TestSite queues real mail in the outbox instead). Header-only: the
// including target links vivrovert_accounts.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "domain/accounts/account_service.hpp"
#include "domain/accounts/password_hasher.hpp"
#include "domain/accounts/user_store.hpp"

namespace vivrovert::testing {

// The password of every account CreateUser makes.
inline constexpr const char* kTestPassword = "causse-et-vallee-du-lot";

// The cheap argon2id cost of the tests (the rules are the same, the work is not).
inline accounts::PasswordHasher& TestHasher() {
  static accounts::PasswordHasher hasher{accounts::PasswordHashLimits::Minimal(), 2};
  return hasher;
}

// A verified account with password kTestPassword, named "Personne <email>" unless
// `display_name` says otherwise; throws on failure.
inline int64_t CreateUser(storage::Connection& connection, const std::string& email,
                          accounts::Role role, int64_t now, const std::string& display_name = "") {
  accounts::NewUser user{email, TestHasher().Hash(kTestPassword), role,
                         display_name.empty() ? "Personne " + email : display_name, true};
  auto created = accounts::UserStore::Create(connection, user, now);
  if (!created.ok()) throw std::runtime_error("CreateUser: " + created.status().ToString());
  return created->id;
}

// Counts the account mails (verification, reset, invitation) instead of queueing them.
class NoAccountMail final : public accounts::AccountMailer {
 public:
  void Send(storage::Connection&, const accounts::AccountMail&, int64_t) override { ++sent; }
  int sent = 0;
};

}  // namespace vivrovert::testing
