// The demo accounts of `make run`: created verified, and seeding again changes nothing but
// the password when it no longer matches.
#include "domain/accounts/demo_accounts.hpp"

#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

class DemoAccountsTest : public ::testing::Test {
 protected:
  int64_t CountUsers() {
    storage::Connection connection = database_.db().Acquire();
    return connection.QueryOne("SELECT COUNT(*) FROM users")->Int(0);
  }

  testing::TestDatabase database_;
  ManualClock clock_{1'800'000'000};
  PasswordHasher hasher_{PasswordHashLimits::Minimal(), 2};
};

// Regression: `vivrovert admin seed-demo` gave an operator the README's password on any
// database.
TEST(DemoPasswordTest, TheDocumentedPasswordOnlyInDemoMode) {
  EXPECT_EQ(ChooseDemoPassword(false, "").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*ChooseDemoPassword(true, ""), kDefaultDemoPassword);
  EXPECT_EQ(*ChooseDemoPassword(false, "mot-de-passe-choisi"), "mot-de-passe-choisi");
  EXPECT_EQ(*ChooseDemoPassword(true, "mot-de-passe-choisi"), "mot-de-passe-choisi");
}

TEST_F(DemoAccountsTest, CreatesAVerifiedExodeurOperatorAndPartnerStaff) {
  auto seeded = SeedDemoAccounts(database_.db(), hasher_, clock_, kDefaultDemoPassword);
  ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  ASSERT_EQ(seeded->size(), 3u);
  EXPECT_EQ((*seeded)[0].user.email, kDemoUserEmail);
  EXPECT_EQ((*seeded)[0].user.role, Role::kUser);
  EXPECT_EQ((*seeded)[1].user.email, kDemoOperatorEmail);
  EXPECT_EQ((*seeded)[1].user.role, Role::kOperator);
  EXPECT_EQ((*seeded)[2].user.email, kDemoPartnerEmail);
  EXPECT_EQ((*seeded)[2].user.role, Role::kPartnerStaff);
  for (const DemoAccount& account : *seeded) {
    EXPECT_TRUE(account.created);
    EXPECT_TRUE(account.user.email_verified());
    EXPECT_EQ(hasher_.Verify(account.user.password_hash, kDefaultDemoPassword),
              PasswordHasher::Verdict::kMatch);
  }
}

TEST_F(DemoAccountsTest, SeedingAgainKeepsTheAccountsAndRestoresThePassword) {
  ASSERT_TRUE(SeedDemoAccounts(database_.db(), hasher_, clock_, kDefaultDemoPassword).ok());
  auto first = SeedDemoAccounts(database_.db(), hasher_, clock_, kDefaultDemoPassword);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE((*first)[0].created);
  EXPECT_EQ(CountUsers(), 3);

  auto changed = SeedDemoAccounts(database_.db(), hasher_, clock_, "un-autre-mot-de-passe");
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(CountUsers(), 3);
  for (const DemoAccount& account : *changed) {
    EXPECT_FALSE(account.created);
    EXPECT_EQ(hasher_.Verify(account.user.password_hash, "un-autre-mot-de-passe"),
              PasswordHasher::Verdict::kMatch);
  }
}

TEST_F(DemoAccountsTest, RefusesAPasswordThatBreaksTheRules) {
  auto seeded = SeedDemoAccounts(database_.db(), hasher_, clock_, "court");
  ASSERT_FALSE(seeded.ok());
  EXPECT_EQ(seeded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CountUsers(), 0);
}

}  // namespace
}  // namespace vivrovert::accounts
