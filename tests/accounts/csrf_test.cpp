#include "accounts/csrf.hpp"

#include <gtest/gtest.h>

namespace vivrovert::accounts {
namespace {

const std::string kKey = "une-clef-secrete-de-test-assez-longue-pour-hmac";

TEST(CsrfGuardTest, TokenOfTheBindingIsAccepted) {
  CsrfGuard guard(kKey);
  std::string binding = CsrfGuard::NewAnonymousBinding(SecureRandom::Instance());
  std::string token = guard.TokenFor(binding);
  EXPECT_TRUE(guard.Verify(binding, token).ok());
  EXPECT_EQ(token, guard.TokenFor(binding));  // stable: any server process computes the same
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);  // safe in forms and URLs
}

TEST(CsrfGuardTest, TokenOfAnotherBindingIsRefused) {
  CsrfGuard guard(kKey);
  std::string mine = CsrfGuard::NewAnonymousBinding(SecureRandom::Instance());
  std::string theirs = CsrfGuard::NewAnonymousBinding(SecureRandom::Instance());
  Status status = guard.Verify(mine, guard.TokenFor(theirs));
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(status.message().find("Rechargez la page"), std::string::npos);
}

TEST(CsrfGuardTest, TamperedTokenIsRefused) {
  CsrfGuard guard(kKey);
  const std::string binding = "jeton-de-session";
  std::string token = guard.TokenFor(binding);
  std::string flipped = token;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(guard.Verify(binding, flipped).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(guard.Verify(binding, token + "A").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(guard.Verify(binding, token.substr(1)).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(guard.Verify(binding, "pas du base64 !").code(), StatusCode::kPermissionDenied);
}

TEST(CsrfGuardTest, MissingTokenOrBindingIsRefused) {
  CsrfGuard guard(kKey);
  EXPECT_EQ(guard.Verify("jeton-de-session", "").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(guard.Verify("", guard.TokenFor("")).code(), StatusCode::kPermissionDenied);
}

TEST(CsrfGuardTest, TokenFromAnotherKeyIsRefused) {
  CsrfGuard guard(kKey);
  CsrfGuard other(kKey + "-autre");
  EXPECT_EQ(guard.Verify("jeton", other.TokenFor("jeton")).code(),
            StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace vivrovert::accounts
