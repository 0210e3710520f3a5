#include "domain/accounts/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <thread>
#include <vector>

namespace vivrovert::accounts {
namespace {

// Cheap limits so that the suite stays fast; the behaviour does not depend on them.
const PasswordHashLimits kFast = PasswordHashLimits::Minimal();
const PasswordHashLimits kStronger{kFast.opslimit + 1, kFast.memlimit * 2};

TEST(PasswordHasherTest, RightPasswordMatchesWrongOneDoesNot) {
  PasswordHasher hasher(kFast, 1);
  std::string hash = hasher.Hash("prairie-et-bocage");
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_EQ(hasher.Verify(hash, "prairie-et-bocage"), PasswordHasher::Verdict::kMatch);
  EXPECT_EQ(hasher.Verify(hash, "prairie-et-bocagE"), PasswordHasher::Verdict::kMismatch);
  EXPECT_EQ(hasher.Verify(hash, ""), PasswordHasher::Verdict::kMismatch);
}

TEST(PasswordHasherTest, HashesAreSalted) {
  PasswordHasher hasher(kFast, 1);
  EXPECT_NE(hasher.Hash("même mot de passe"), hasher.Hash("même mot de passe"));
}

TEST(PasswordHasherTest, UnreadableStoredHashIsAMismatch) {
  PasswordHasher hasher(kFast, 1);
  EXPECT_EQ(hasher.Verify("", "x"), PasswordHasher::Verdict::kMismatch);
  EXPECT_EQ(hasher.Verify("$argon2id$nonsense", "x"), PasswordHasher::Verdict::kMismatch);
  EXPECT_EQ(hasher.Verify(std::string(500, 'a'), "x"), PasswordHasher::Verdict::kMismatch);
}

TEST(PasswordHasherTest, ChangedLimitsAskForARehash) {
  PasswordHasher old_hasher(kFast, 1);
  PasswordHasher new_hasher(kStronger, 1);
  std::string old_hash = old_hasher.Hash("verger normand");
  EXPECT_EQ(new_hasher.Verify(old_hash, "verger normand"),
            PasswordHasher::Verdict::kMatchNeedsRehash);
  EXPECT_EQ(new_hasher.Verify(old_hash, "verger breton"), PasswordHasher::Verdict::kMismatch);
  std::string new_hash = new_hasher.Hash("verger normand");
  EXPECT_EQ(new_hasher.Verify(new_hash, "verger normand"), PasswordHasher::Verdict::kMatch);
  EXPECT_EQ(
      crypto_pwhash_str_needs_rehash(new_hash.c_str(), kStronger.opslimit, kStronger.memlimit), 0);
}

TEST(PasswordHasherTest, ProductionLimitsAreLibsodiumInteractive) {
  PasswordHashLimits limits = PasswordHashLimits::Interactive();
  EXPECT_EQ(limits.opslimit, static_cast<uint64_t>(crypto_pwhash_OPSLIMIT_INTERACTIVE));
  EXPECT_EQ(limits.memlimit, static_cast<size_t>(crypto_pwhash_MEMLIMIT_INTERACTIVE));
  EXPECT_GE(PasswordHasher().max_concurrent(), 1u);
}

TEST(PasswordHasherTest, NeverRunsMoreHashesAtOnceThanItsBound) {
  for (unsigned bound : {1u, 2u}) {
    PasswordHasher hasher(kFast, bound);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
      threads.emplace_back([&hasher] {
        for (int hash_idx = 0; hash_idx < 4; ++hash_idx) {
          std::string hash = hasher.Hash("une tempête de connexions");
          EXPECT_EQ(hasher.Verify(hash, "une tempête de connexions"),
                    PasswordHasher::Verdict::kMatch);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(hasher.max_concurrent(), bound);
    EXPECT_GE(hasher.peak_concurrent(), 1u);
    EXPECT_LE(hasher.peak_concurrent(), bound);
  }
}

TEST(PasswordRulesTest, LengthIsCheckedWithFrenchMessages) {
  Status empty = CheckPasswordRules("");
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.field(), "password");

  Status short_one = CheckPasswordRules("123456789", "new_password");
  EXPECT_EQ(short_one.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_one.field(), "new_password");
  EXPECT_NE(short_one.message().find("10 caractères"), std::string::npos);

  EXPECT_TRUE(CheckPasswordRules("1234567890").ok());
  // Ten accented letters are ten characters, though twenty bytes.
  EXPECT_TRUE(CheckPasswordRules("éééééééééé").ok());
  EXPECT_FALSE(CheckPasswordRules("ééééééééé").ok());

  EXPECT_TRUE(CheckPasswordRules(std::string(kMaxPasswordBytes, 'a')).ok());
  Status long_one = CheckPasswordRules(std::string(kMaxPasswordBytes + 1, 'a'));
  EXPECT_EQ(long_one.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(long_one.message().find("trop long"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::accounts
