#include "domain/accounts/email_token_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "domain/accounts/token_hash.hpp"
#include "domain/accounts/user_store.hpp"
#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
constexpr int64_t kHour = 3600;

class EmailTokenStoreTest : public ::testing::Test {
 protected:
  EmailTokenStoreTest() : connection_(database_.db().Acquire()) {
    user_id_ =
        UserStore::Create(connection_, {"jeanne@exemple.fr", "h", Role::kUser, "J", false}, kStart)
            ->id;
  }

  IssuedToken Issue(TokenPurpose purpose, std::optional<std::string> new_email = std::nullopt) {
    return store_.Issue(connection_, SecureRandom::Instance(), user_id_, purpose, kStart,
                        std::move(new_email));
  }
  bool IsUsed(const IssuedToken& token) {
    return !connection_
                .QueryOne("SELECT used_at FROM email_tokens WHERE token_hash = $1",
                          {token.token_hash})
                ->IsNull(0);
  }

  testing::TestDatabase database_;
  Connection connection_;
  EmailTokenStore store_;
  int64_t user_id_ = 0;
};

TEST_F(EmailTokenStoreTest, ExpiriesFollowThePurpose) {
  EXPECT_EQ(Issue(TokenPurpose::kVerifyEmail).expires_at, kStart + 48 * kHour);
  EXPECT_EQ(Issue(TokenPurpose::kResetPassword).expires_at, kStart + 1 * kHour);
  EXPECT_EQ(Issue(TokenPurpose::kChangeEmail, "j@campagne.fr").expires_at, kStart + 24 * kHour);
}

TEST_F(EmailTokenStoreTest, IsStoredHashedAndConsumedOnce) {
  IssuedToken token = Issue(TokenPurpose::kVerifyEmail);
  EXPECT_EQ(token.token_hash, HashToken(token.token));
  EXPECT_EQ(connection_
                .QueryOne("SELECT COUNT(*) FROM email_tokens WHERE token_hash = $1", {token.token})
                ->Int(0),
            0);

  Result<ConsumedToken> first =
      store_.Consume(connection_, token.token, TokenPurpose::kVerifyEmail, kStart + 10);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->user_id, user_id_);
  EXPECT_FALSE(first->new_email.has_value());

  Result<ConsumedToken> second =
      store_.Consume(connection_, token.token, TokenPurpose::kVerifyEmail, kStart + 20);
  EXPECT_EQ(second.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(second.status().field(), "token");
  EXPECT_NE(second.status().message().find("déjà été utilisé"), std::string::npos);
}

TEST_F(EmailTokenStoreTest, ExpiredTokenFailsAndStaysUnused) {
  IssuedToken token = Issue(TokenPurpose::kResetPassword);
  Result<ConsumedToken> late =
      store_.Consume(connection_, token.token, TokenPurpose::kResetPassword, kStart + kHour);
  EXPECT_EQ(late.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(late.status().message().find("expiré"), std::string::npos);
  EXPECT_FALSE(IsUsed(token));
  EXPECT_TRUE(
      store_.Consume(connection_, token.token, TokenPurpose::kResetPassword, kStart + kHour - 1)
          .ok());
}

TEST_F(EmailTokenStoreTest, TokenOfAnotherPurposeIsInvalidAndStaysUsable) {
  IssuedToken verify = Issue(TokenPurpose::kVerifyEmail);
  Result<ConsumedToken> misuse =
      store_.Consume(connection_, verify.token, TokenPurpose::kResetPassword, kStart + 1);
  EXPECT_EQ(misuse.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(misuse.status().message().find("pas valide"), std::string::npos);
  EXPECT_FALSE(IsUsed(verify));
  EXPECT_TRUE(
      store_.Consume(connection_, verify.token, TokenPurpose::kVerifyEmail, kStart + 2).ok());
}

TEST_F(EmailTokenStoreTest, UnknownOrMalformedTokensAreInvalid) {
  Issue(TokenPurpose::kVerifyEmail);
  std::string unknown = SecureRandom::Instance().Token(kTokenBytes);
  for (const std::string& bad : {unknown, std::string(""), std::string("jeton' OR '1'='1")}) {
    Result<ConsumedToken> result =
        store_.Consume(connection_, bad, TokenPurpose::kVerifyEmail, kStart + 1);
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(result.status().message().find("pas valide"), std::string::npos) << bad;
  }
}

TEST_F(EmailTokenStoreTest, ChangeOfEmailCarriesTheNewAddress) {
  IssuedToken token = Issue(TokenPurpose::kChangeEmail, "jeanne@campagne.fr");
  Result<ConsumedToken> consumed =
      store_.Consume(connection_, token.token, TokenPurpose::kChangeEmail, kStart + 1);
  ASSERT_TRUE(consumed.ok());
  EXPECT_EQ(consumed->new_email, "jeanne@campagne.fr");
}

TEST_F(EmailTokenStoreTest, CheckTellsWithoutConsuming) {
  IssuedToken token = Issue(TokenPurpose::kResetPassword);
  EXPECT_TRUE(
      store_.Check(connection_, token.token, TokenPurpose::kResetPassword, kStart + 1).ok());
  EXPECT_FALSE(IsUsed(token));
  EXPECT_NE(store_.Check(connection_, token.token, TokenPurpose::kResetPassword, kStart + kHour)
                .message()
                .find("expiré"),
            std::string::npos);
  EXPECT_FALSE(store_.Check(connection_, token.token, TokenPurpose::kVerifyEmail, kStart).ok());
}

TEST_F(EmailTokenStoreTest, InvalidateAllEndsTheOtherLinksOfAPurpose) {
  IssuedToken reset_one = Issue(TokenPurpose::kResetPassword);
  IssuedToken reset_two = Issue(TokenPurpose::kResetPassword);
  IssuedToken verify = Issue(TokenPurpose::kVerifyEmail);
  EXPECT_EQ(store_.InvalidateAll(connection_, user_id_, TokenPurpose::kResetPassword, kStart + 1),
            2);
  EXPECT_FALSE(
      store_.Consume(connection_, reset_two.token, TokenPurpose::kResetPassword, kStart + 2).ok());
  EXPECT_TRUE(IsUsed(reset_one));
  EXPECT_FALSE(IsUsed(verify));
}

TEST_F(EmailTokenStoreTest, ConcurrentClicksFromTwoProcessesConsumeOnce) {
  IssuedToken token = Issue(TokenPurpose::kVerifyEmail);
  std::unique_ptr<storage::Database> other_process = database_.OpenAnother();
  std::atomic<int> successes{0};
  std::vector<std::thread> clicks;
  for (int click_idx = 0; click_idx < 6; ++click_idx) {
    storage::Database& pool = click_idx % 2 == 0 ? database_.db() : *other_process;
    clicks.emplace_back([&, &pool = pool] {
      Connection connection = pool.Acquire();
      storage::Transaction transaction(connection);
      Result<ConsumedToken> consumed =
          store_.Consume(connection, token.token, TokenPurpose::kVerifyEmail, kStart + 1);
      if (consumed.ok()) {
        ++successes;
      } else {
        EXPECT_NE(consumed.status().message().find("déjà été utilisé"), std::string::npos);
      }
      transaction.Commit();
    });
  }
  for (std::thread& click : clicks) click.join();
  EXPECT_EQ(successes.load(), 1);
}

TEST_F(EmailTokenStoreTest, PurgesLongExpiredTokens) {
  Issue(TokenPurpose::kResetPassword);                   // expires at kStart + 1 h
  IssuedToken kept = Issue(TokenPurpose::kVerifyEmail);  // expires at kStart + 48 h
  EXPECT_EQ(store_.PurgeExpired(connection_, kStart + 2 * kHour), 1);
  EXPECT_TRUE(store_.Check(connection_, kept.token, TokenPurpose::kVerifyEmail, kStart).ok());
}

}  // namespace
}  // namespace vivrovert::accounts
