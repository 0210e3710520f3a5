#include "domain/accounts/user_store.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/email_token_store.hpp"
#include "domain/accounts/session_store.hpp"
#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

class UserStoreTest : public ::testing::Test {
 protected:
  NewUser Jeanne() { return {"jeanne@exemple.fr", "$argon2id$hash", Role::kUser, "Jeanne", false}; }

  testing::TestDatabase database_;
};

TEST_F(UserStoreTest, CreatesAndFindsByIdAndEmail) {
  Connection connection = database_.db().Acquire();
  Result<User> created = UserStore::Create(connection, Jeanne(), 1000);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_FALSE(created->email_verified());

  std::optional<User> by_id = UserStore::FindById(connection, created->id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->email, "jeanne@exemple.fr");
  EXPECT_EQ(by_id->password_hash, "$argon2id$hash");
  EXPECT_EQ(by_id->role, Role::kUser);
  EXPECT_EQ(by_id->display_name, "Jeanne");
  EXPECT_EQ(by_id->created_at, 1000);
  EXPECT_FALSE(by_id->email_verified_at.has_value());

  EXPECT_EQ(UserStore::FindByEmail(connection, "jeanne@exemple.fr")->id, created->id);
  EXPECT_FALSE(UserStore::FindByEmail(connection, "paul@exemple.fr").has_value());
  EXPECT_FALSE(UserStore::FindById(connection, created->id + 1).has_value());
}

TEST_F(UserStoreTest, TakenEmailIsAlreadyExistsAndChangesNothing) {
  Connection connection = database_.db().Acquire();
  ASSERT_TRUE(UserStore::Create(connection, Jeanne(), 1000).ok());
  NewUser twin = Jeanne();
  twin.display_name = "Usurpatrice";
  Result<User> again = UserStore::Create(connection, twin, 2000);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().field(), "email");
  EXPECT_EQ(UserStore::FindByEmail(connection, "jeanne@exemple.fr")->display_name, "Jeanne");
}

TEST_F(UserStoreTest, StoresEveryRoleAndVerifiedCreation) {
  Connection connection = database_.db().Acquire();
  NewUser staff{"mairie@exemple.fr", "h", Role::kPartnerStaff, "Mairie", false};
  NewUser operator_user{"ops@vivrovert.fr", "h", Role::kOperator, "Ops", true};
  int64_t staff_id = UserStore::Create(connection, staff, 10)->id;
  int64_t operator_id = UserStore::Create(connection, operator_user, 20)->id;
  EXPECT_EQ(UserStore::FindById(connection, staff_id)->role, Role::kPartnerStaff);
  std::optional<User> found = UserStore::FindById(connection, operator_id);
  EXPECT_EQ(found->role, Role::kOperator);
  EXPECT_EQ(found->email_verified_at, 20);
}

TEST_F(UserStoreTest, MarkVerifiedKeepsTheFirstTime) {
  Connection connection = database_.db().Acquire();
  int64_t id = UserStore::Create(connection, Jeanne(), 1000)->id;
  EXPECT_TRUE(UserStore::MarkVerified(connection, id, 1100));
  EXPECT_TRUE(UserStore::MarkVerified(connection, id, 1200));
  std::optional<User> user = UserStore::FindById(connection, id);
  EXPECT_EQ(user->email_verified_at, 1100);
  EXPECT_EQ(user->updated_at, 1200);
  EXPECT_FALSE(UserStore::MarkVerified(connection, id + 1, 1300));
}

TEST_F(UserStoreTest, SetsPasswordHash) {
  Connection connection = database_.db().Acquire();
  int64_t id = UserStore::Create(connection, Jeanne(), 1000)->id;
  EXPECT_TRUE(UserStore::SetPasswordHash(connection, id, "$argon2id$new", 1500));
  EXPECT_EQ(UserStore::FindById(connection, id)->password_hash, "$argon2id$new");
}

TEST_F(UserStoreTest, SetEmailRefusesAnAddressOfAnotherAccount) {
  Connection connection = database_.db().Acquire();
  int64_t jeanne = UserStore::Create(connection, Jeanne(), 1000)->id;
  NewUser paul{"paul@exemple.fr", "h", Role::kUser, "Paul", false};
  ASSERT_TRUE(UserStore::Create(connection, paul, 1000).ok());

  Status taken = UserStore::SetEmail(connection, jeanne, "paul@exemple.fr", 1100);
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(UserStore::FindById(connection, jeanne)->email, "jeanne@exemple.fr");

  ASSERT_TRUE(UserStore::SetEmail(connection, jeanne, "jeanne@campagne.fr", 1200).ok());
  std::optional<User> moved = UserStore::FindById(connection, jeanne);
  EXPECT_EQ(moved->email, "jeanne@campagne.fr");
  EXPECT_EQ(moved->email_verified_at, 1200);
  EXPECT_EQ(UserStore::SetEmail(connection, jeanne + 100, "x@exemple.fr", 1300).code(),
            StatusCode::kNotFound);
}

TEST_F(UserStoreTest, DeleteTakesSessionsAndTokensAlong) {
  Connection connection = database_.db().Acquire();
  int64_t id = UserStore::Create(connection, Jeanne(), 1000)->id;
  SessionStore sessions;
  EmailTokenStore tokens;
  NewSession session = sessions.Create(connection, SecureRandom::Instance(), id, "", "", 1000);
  IssuedToken token =
      tokens.Issue(connection, SecureRandom::Instance(), id, TokenPurpose::kVerifyEmail, 1000);

  EXPECT_TRUE(UserStore::Delete(connection, id));
  EXPECT_FALSE(UserStore::FindById(connection, id).has_value());
  EXPECT_FALSE(sessions.Find(connection, session.token, 1001).has_value());
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM sessions")->Int(0), 0);
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM email_tokens")->Int(0), 0);
  EXPECT_FALSE(UserStore::Delete(connection, id));
}

TEST_F(UserStoreTest, ListsByIdWithKeysetPaging) {
  Connection connection = database_.db().Acquire();
  for (const char* email : {"a@exemple.fr", "b@exemple.fr", "c@exemple.fr"}) {
    ASSERT_TRUE(UserStore::Create(connection, {email, "h", Role::kUser, "X", false}, 1).ok());
  }
  std::vector<User> first = UserStore::List(connection, 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].email, "a@exemple.fr");
  std::vector<User> rest = UserStore::List(connection, first.back().id, 2);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].email, "c@exemple.fr");
}

}  // namespace
}  // namespace vivrovert::accounts
