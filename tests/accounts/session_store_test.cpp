#include "domain/accounts/session_store.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/token_hash.hpp"
#include "domain/accounts/user_store.hpp"
#include "support/test_database.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
constexpr int64_t kDay = 24 * 3600;

class SessionStoreTest : public ::testing::Test {
 protected:
  SessionStoreTest() : connection_(database_.db().Acquire()) {
    user_id_ =
        UserStore::Create(connection_, {"jeanne@exemple.fr", "h", Role::kUser, "J", true}, kStart)
            ->id;
  }

  NewSession Start(int64_t now) {
    return store_.Create(connection_, SecureRandom::Instance(), user_id_, "192.0.2.7", "Firefox",
                         now);
  }
  int64_t StoredLastSeen(const std::string& token) {
    return connection_
        .QueryOne("SELECT last_seen_at FROM sessions WHERE token_hash = $1", {HashToken(token)})
        ->Int(0);
  }

  testing::TestDatabase database_;
  Connection connection_;
  SessionStore store_{SessionPolicy{30 * kDay, 7 * kDay, 60}};
  int64_t user_id_ = 0;
};

TEST_F(SessionStoreTest, FindsALiveSessionByItsCookieToken) {
  NewSession session = Start(kStart);
  EXPECT_TRUE(LooksLikeToken(session.token));
  EXPECT_EQ(session.expires_at, kStart + 30 * kDay);
  std::optional<Session> found = store_.Find(connection_, session.token, kStart + 5);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, user_id_);
  EXPECT_EQ(found->ip, "192.0.2.7");
  EXPECT_EQ(found->user_agent, "Firefox");
}

TEST_F(SessionStoreTest, StoresOnlyTheHashOfTheToken) {
  NewSession session = Start(kStart);
  std::string stored = connection_.QueryOne("SELECT token_hash FROM sessions")->Text(0);
  EXPECT_EQ(stored, HashToken(session.token));
  EXPECT_EQ(stored.find(session.token), std::string::npos);
  // The stored hash is not a cookie that works.
  EXPECT_FALSE(store_.Find(connection_, stored, kStart + 1).has_value());
}

TEST_F(SessionStoreTest, TamperedOrForeignTokensFindNothing) {
  NewSession session = Start(kStart);
  std::string tampered = session.token;
  tampered[10] = tampered[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(store_.Find(connection_, tampered, kStart + 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, session.token + "x", kStart + 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, "", kStart + 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, "' OR 1=1 --", kStart + 1).has_value());
  EXPECT_TRUE(store_.Find(connection_, session.token, kStart + 1).has_value());
}

TEST_F(SessionStoreTest, ExpiresAfterTheAbsoluteLifetimeEvenWhenActive) {
  NewSession session = Start(kStart);
  // A request every six days keeps it from idling out…
  for (int64_t now = kStart + 6 * kDay; now < kStart + 30 * kDay; now += 6 * kDay) {
    EXPECT_TRUE(store_.Find(connection_, session.token, now).has_value()) << now - kStart;
  }
  // …but not past thirty days from login.
  EXPECT_TRUE(store_.Find(connection_, session.token, kStart + 30 * kDay - 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, session.token, kStart + 30 * kDay).has_value());
  EXPECT_EQ(connection_.QueryOne("SELECT COUNT(*) FROM sessions")->Int(0), 0);
}

TEST_F(SessionStoreTest, ExpiresAfterSevenIdleDays) {
  NewSession session = Start(kStart);
  EXPECT_TRUE(store_.Find(connection_, session.token, kStart + 3 * kDay).has_value());
  // Seven days after the last request, not after login.
  EXPECT_TRUE(store_.Find(connection_, session.token, kStart + 10 * kDay - 1).has_value());
  EXPECT_FALSE(
      store_.Find(connection_, session.token, kStart + 10 * kDay - 1 + 7 * kDay).has_value());
}

TEST_F(SessionStoreTest, RefreshesLastSeenAtMostOncePerInterval) {
  NewSession session = Start(kStart);
  ASSERT_TRUE(store_.Find(connection_, session.token, kStart + 30).has_value());
  EXPECT_EQ(StoredLastSeen(session.token), kStart);  // within the minute: no write
  ASSERT_TRUE(store_.Find(connection_, session.token, kStart + 60).has_value());
  EXPECT_EQ(StoredLastSeen(session.token), kStart + 60);
  ASSERT_TRUE(store_.Find(connection_, session.token, kStart + 100).has_value());
  EXPECT_EQ(StoredLastSeen(session.token), kStart + 60);
}

TEST_F(SessionStoreTest, RevokesOneSession) {
  NewSession first = Start(kStart);
  NewSession second = Start(kStart);
  EXPECT_NE(first.token, second.token);
  EXPECT_TRUE(store_.Revoke(connection_, first.token));
  EXPECT_FALSE(store_.Revoke(connection_, first.token));
  EXPECT_FALSE(store_.Revoke(connection_, "malformed"));
  EXPECT_FALSE(store_.Find(connection_, first.token, kStart + 1).has_value());
  EXPECT_TRUE(store_.Find(connection_, second.token, kStart + 1).has_value());
}

TEST_F(SessionStoreTest, RevokesAllOfAUserButTheOneToKeep) {
  NewSession laptop = Start(kStart);
  NewSession phone = Start(kStart);
  NewSession tablet = Start(kStart);
  int64_t other_user =
      UserStore::Create(connection_, {"paul@exemple.fr", "h", Role::kUser, "P", true}, kStart)->id;
  NewSession pauls =
      store_.Create(connection_, SecureRandom::Instance(), other_user, "", "", kStart);

  EXPECT_EQ(store_.RevokeAllForUser(connection_, user_id_, HashToken(laptop.token)), 2);
  EXPECT_TRUE(store_.Find(connection_, laptop.token, kStart + 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, phone.token, kStart + 1).has_value());
  EXPECT_FALSE(store_.Find(connection_, tablet.token, kStart + 1).has_value());

  EXPECT_EQ(store_.RevokeAllForUser(connection_, user_id_), 1);
  EXPECT_FALSE(store_.Find(connection_, laptop.token, kStart + 1).has_value());
  EXPECT_TRUE(store_.Find(connection_, pauls.token, kStart + 1).has_value());
}

TEST_F(SessionStoreTest, PurgesExpiredSessionsOnly) {
  NewSession old_one = Start(kStart);
  NewSession recent = Start(kStart + 5 * kDay);
  EXPECT_EQ(store_.PurgeExpired(connection_, kStart + 8 * kDay), 1);
  EXPECT_TRUE(store_.Find(connection_, recent.token, kStart + 8 * kDay).has_value());
  EXPECT_EQ(connection_.QueryOne("SELECT COUNT(*) FROM sessions")->Int(0), 1);
}

}  // namespace
}  // namespace vivrovert::accounts
