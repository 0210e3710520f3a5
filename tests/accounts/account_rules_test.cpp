// Pure rules of the accounts library: e-mail and name normalisation, roles, token shape
// and hashing, client networks for throttling, retry delays in messages.
#include <gtest/gtest.h>

#include "core/common/env.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/accounts/token_hash.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/limits/throttle.hpp"

namespace vivrovert::accounts {
namespace {

TEST(NormalizeEmailTest, TrimsAndLowerCases) {
  Result<std::string> email = NormalizeEmail("  Jeanne.Dupont@Exemple.FR \t");
  ASSERT_TRUE(email.ok()) << email.status().ToString();
  EXPECT_EQ(*email, "jeanne.dupont@exemple.fr");
  // Non-ASCII bytes are kept as they are.
  EXPECT_EQ(*NormalizeEmail("Élodie@exemple.fr"), "Élodie@exemple.fr");
}

TEST(NormalizeEmailTest, RefusesMalformedAddressesOnTheEmailField) {
  for (const char* bad :
       {"", "   ", "jeanne", "jeanne@", "@exemple.fr", "jeanne@exemple", "jeanne@@exemple.fr",
        "a@b@exemple.fr", "jeanne dupont@exemple.fr", "jeanne@.exemple.fr", "jeanne@exemple.fr.",
        "jeanne@exemple..fr", "jeanne@exem\nple.fr"}) {
    Result<std::string> email = NormalizeEmail(bad);
    EXPECT_FALSE(email.ok()) << bad;
    EXPECT_EQ(email.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(email.status().field(), "email") << bad;
    EXPECT_FALSE(email.status().message().empty());
  }
  EXPECT_EQ(NormalizeEmail("x", "new_email").status().field(), "new_email");
}

TEST(NormalizeEmailTest, AcceptsUpTo254Bytes) {
  std::string domain = "@exemple.fr";
  std::string longest = std::string(kMaxEmailBytes - domain.size(), 'a') + domain;
  EXPECT_TRUE(NormalizeEmail(longest).ok());
  Result<std::string> too_long = NormalizeEmail("a" + longest);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.status().message().find("trop longue"), std::string::npos);
}

TEST(NormalizeDisplayNameTest, TrimsAndBounds) {
  EXPECT_EQ(*NormalizeDisplayName("  Jeanne D. "), "Jeanne D.");
  EXPECT_EQ(NormalizeDisplayName("   ").status().field(), "display_name");
  EXPECT_FALSE(NormalizeDisplayName(std::string(kMaxDisplayNameBytes + 1, 'x')).ok());
  EXPECT_TRUE(NormalizeDisplayName(std::string(kMaxDisplayNameBytes, 'x')).ok());
  EXPECT_FALSE(NormalizeDisplayName("Jeanne\x01").ok());
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kUser, Role::kPartnerStaff, Role::kOperator}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(std::string(RoleName(Role::kPartnerStaff)), "partner_staff");
  EXPECT_FALSE(ParseRole("admin").has_value());
}

TEST(TokenHashTest, IsHexSha256) {
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenHashTest, RecognisesIssuedTokensOnly) {
  std::string token = SecureRandom::Instance().Token(kTokenBytes);
  EXPECT_TRUE(LooksLikeToken(token));
  EXPECT_FALSE(LooksLikeToken(token.substr(1)));
  EXPECT_FALSE(LooksLikeToken(token + "x"));
  std::string with_quote = token;
  with_quote[3] = '\'';
  EXPECT_FALSE(LooksLikeToken(with_quote));
  EXPECT_FALSE(LooksLikeToken(""));
}

TEST(ClientNetworkTest, GroupsIpv6ByNetwork) {
  EXPECT_EQ(ClientNetwork("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientNetwork("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientNetwork("2001:db8:1:2:bbbb::9"), ClientNetwork("2001:db8:1:2:aaaa::1"));
  EXPECT_NE(ClientNetwork("2001:db8:1:3::1"), ClientNetwork("2001:db8:1:2::1"));
  EXPECT_EQ(ClientNetwork("pas une adresse"), "pas une adresse");
}

TEST(FormatRetryDelayTest, SpeaksFrench) {
  EXPECT_EQ(FormatRetryDelay(0), "1 minute");
  EXPECT_EQ(FormatRetryDelay(60), "1 minute");
  EXPECT_EQ(FormatRetryDelay(61), "2 minutes");
  EXPECT_EQ(FormatRetryDelay(15 * 60), "15 minutes");
  EXPECT_EQ(FormatRetryDelay(3 * 3600), "3 heures");
}

}  // namespace
}  // namespace vivrovert::accounts
