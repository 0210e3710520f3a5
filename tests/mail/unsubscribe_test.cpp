// Signed one-click unsubscribe tokens and links (domain/mail/unsubscribe.hpp): what one secret
// signs only that secret reads back, and any change to a token is refused.
#include "domain/mail/unsubscribe.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vivrovert::mail {
namespace {

constexpr const char* kSecret = "test-secret-key-of-at-least-32-characters!";
constexpr const char* kOtherSecret = "another-secret-key-of-at-least-32-characters";

TEST(UnsubscribeTokenTest, RoundTripsListAndPerson) {
  for (MailList list : {MailList::kListings, MailList::kLeadReports}) {
    for (int64_t user_id : {int64_t{1}, int64_t{42}, int64_t{9'007'199'254'740'993}}) {
      const std::string token = UnsubscribeToken(kSecret, list, user_id);
      std::optional<UnsubscribeTarget> target = ReadUnsubscribeToken(kSecret, token);
      ASSERT_TRUE(target.has_value()) << token;
      EXPECT_EQ(target->list, list);
      EXPECT_EQ(target->user_id, user_id);
      // URL-safe as it stands: no escaping needed in a link or a header.
      EXPECT_EQ(token.find_first_not_of(
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."),
                std::string::npos)
          << token;
    }
  }
  EXPECT_EQ(UnsubscribeToken(kSecret, MailList::kListings, 42).rfind("annonces.42.", 0), 0u);
  EXPECT_EQ(UnsubscribeToken(kSecret, MailList::kLeadReports, 42).rfind("rapports.42.", 0), 0u);
  // Stable: the link of an old mail keeps working.
  EXPECT_EQ(UnsubscribeToken(kSecret, MailList::kListings, 42),
            UnsubscribeToken(kSecret, MailList::kListings, 42));
}

TEST(UnsubscribeTokenTest, RefusesAnotherSecretsToken) {
  const std::string token = UnsubscribeToken(kOtherSecret, MailList::kListings, 42);
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, token).has_value());
}

TEST(UnsubscribeTokenTest, RefusesATamperedMacNumberOrList) {
  const std::string token = UnsubscribeToken(kSecret, MailList::kListings, 42);
  const size_t mac_at = token.rfind('.') + 1;

  std::string mac_changed = token;
  mac_changed[mac_at] = mac_changed[mac_at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, mac_changed).has_value());
  EXPECT_FALSE(
      ReadUnsubscribeToken(kSecret, token.substr(0, token.size() - 1)).has_value());  // shortened
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, token + "A").has_value());               // lengthened

  // Someone else's number with this MAC: the MAC covers the number.
  const std::string mac = token.substr(mac_at);
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, "annonces.43." + mac).has_value());
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, "annonces.042." + mac).has_value());
  // The other list with this MAC: the MAC covers the list too.
  EXPECT_FALSE(ReadUnsubscribeToken(kSecret, "rapports.42." + mac).has_value());
}

TEST(UnsubscribeTokenTest, RefusesMalformedTokens) {
  const std::string good = UnsubscribeToken(kSecret, MailList::kListings, 42);
  const std::string mac = good.substr(good.rfind('.') + 1);
  const std::vector<std::string> malformed = {"",
                                              ".",
                                              "..",
                                              "annonces",
                                              "annonces.42",
                                              "annonces.42.",
                                              "inconnue.42." + mac,
                                              "annonces..",
                                              "annonces.." + mac,
                                              "annonces.abc." + mac,
                                              "annonces.-42." + mac,
                                              "annonces.0." + mac,
                                              "annonces.42 ." + mac,
                                              "annonces.99999999999999999999." + mac,
                                              "ANNONCES.42." + mac,
                                              " " + good};
  for (const std::string& token : malformed) {
    EXPECT_FALSE(ReadUnsubscribeToken(kSecret, token).has_value()) << "'" << token << "'";
  }
}

TEST(UnsubscribeUrlTest, IsTheLinkOfThePublicSite) {
  const std::string token = UnsubscribeToken(kSecret, MailList::kLeadReports, 7);
  EXPECT_EQ(UnsubscribeUrl("https://vivrovert.fr", kSecret, MailList::kLeadReports, 7),
            "https://vivrovert.fr/desabonnement?jeton=" + token);
  EXPECT_EQ(UnsubscribeUrl("https://vivrovert.fr//", kSecret, MailList::kLeadReports, 7),
            "https://vivrovert.fr/desabonnement?jeton=" + token);
}

TEST(UnsubscribeUrlTest, HeadersFollowRfc8058) {
  OutgoingMessage message;
  message.headers.emplace_back("X-Existing", "1");
  AddUnsubscribeHeaders(message, "https://vivrovert.fr/desabonnement?jeton=abc");
  ASSERT_EQ(message.headers.size(), 3u);
  EXPECT_EQ(message.headers[0].first, "X-Existing");
  EXPECT_EQ(message.headers[1],
            (std::pair<std::string, std::string>{
                "List-Unsubscribe", "<https://vivrovert.fr/desabonnement?jeton=abc>"}));
  EXPECT_EQ(message.headers[2], (std::pair<std::string, std::string>{
                                    "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}));
}

}  // namespace
}  // namespace vivrovert::mail
