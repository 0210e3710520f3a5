#include "core/common/status.hpp"

#include <gtest/gtest.h>

#include "core/common/env.hpp"

namespace vivrovert {
namespace {

Result<int> ParsePositive(int value) {
  if (value <= 0) return InvalidArgument("doit être positif", "valeur");
  return value;
}

Result<int> Doubled(int value) {
  VV_ASSIGN_OR_RETURN(int parsed, ParsePositive(value));
  return parsed * 2;
}

TEST(StatusTest, OkByDefault) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeMessageAndField) {
  Status status = InvalidArgument("adresse invalide", "email");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(StatusCodeName(status.code()), std::string("invalid_argument"));
  EXPECT_EQ(status.ToString(), "invalid_argument: adresse invalide (field: email)");
}

TEST(StatusTest, AssignOrReturnPropagatesTheError) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> failed = Doubled(-1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().field(), "valeur");
}

TEST(EnvTest, TokensAreUrlSafeAndDistinct) {
  std::string first = SecureRandom::Instance().Token(32);
  std::string second = SecureRandom::Instance().Token(32);
  EXPECT_EQ(first.size(), 43u);  // 32 bytes in unpadded base64
  EXPECT_NE(first, second);
  EXPECT_EQ(
      first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
}

TEST(EnvTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowSeconds(), 1000);
  clock.Advance(60);
  EXPECT_EQ(clock.NowSeconds(), 1060);
}

}  // namespace
}  // namespace vivrovert
