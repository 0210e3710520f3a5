#include "web/http/csrf.hpp"

#include <gtest/gtest.h>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::CountingRandom;
using testing::kTestSecret;
using testing::MustParse;

constexpr const char* kForm = "application/x-www-form-urlencoded";

class CsrfTest : public ::testing::Test {
 protected:
  // What a browser holds after its first page: the anonymous cookie and the form token.
  struct Browser {
    std::string cookie;
    std::string token;
  };
  Browser FirstVisit(const Csrf& csrf) {
    Csrf::BrowserToken token = csrf.TokenFor(MustParse("GET", "/"), random_);
    EXPECT_TRUE(token.fresh);
    return {csrf.NewCookie(token.cookie_token).value, csrf.FormToken(token.binding)};
  }

  CountingRandom random_;
  Csrf csrf_{kTestSecret, "http://localhost:8080"};
};

TEST_F(CsrfTest, KeepsTheBrowsersToken) {
  Browser browser = FirstVisit(csrf_);
  Csrf::BrowserToken again =
      csrf_.TokenFor(MustParse("GET", "/", {{"Cookie", "vv_csrf=" + browser.cookie}}), random_);
  EXPECT_FALSE(again.fresh);
  EXPECT_EQ(again.cookie_token, browser.cookie);
  EXPECT_EQ(csrf_.FormToken(again.binding), browser.token);
}

TEST_F(CsrfTest, ReplacesAMalformedCookie) {
  Csrf::BrowserToken token =
      csrf_.TokenFor(MustParse("GET", "/", {{"Cookie", "vv_csrf=short"}}), random_);
  EXPECT_TRUE(token.fresh);
  EXPECT_NE(token.cookie_token, "short");
}

TEST_F(CsrfTest, AcceptsTheFormFieldOrTheHeader) {
  Browser browser = FirstVisit(csrf_);
  std::string cookie = "vv_csrf=" + browser.cookie;
  EXPECT_TRUE(csrf_
                  .Check(MustParse("POST", "/x", {{"Cookie", cookie}, {"Content-Type", kForm}},
                                   "_csrf=" + browser.token))
                  .ok());
  EXPECT_TRUE(
      csrf_
          .Check(MustParse("POST", "/api/x", {{"Cookie", cookie}, {"X-CSRF-Token", browser.token}}))
          .ok());
  EXPECT_TRUE(csrf_
                  .Check(MustParse("POST", "/x",
                                   {{"Cookie", cookie},
                                    {"Origin", "http://localhost:8080"},
                                    {"X-CSRF-Token", browser.token}}))
                  .ok());
}

TEST_F(CsrfTest, RefusesMissingOrWrongTokens) {
  Browser browser = FirstVisit(csrf_);
  Browser other = FirstVisit(csrf_);
  std::string cookie = "vv_csrf=" + browser.cookie;
  Status no_token = csrf_.Check(MustParse("POST", "/x", {{"Cookie", cookie}}));
  EXPECT_EQ(no_token.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(no_token.field(), "_csrf");
  EXPECT_FALSE(
      csrf_.Check(MustParse("POST", "/x", {{"Cookie", cookie}, {"X-CSRF-Token", other.token}}))
          .ok())
      << "another browser's token";
  EXPECT_FALSE(csrf_.Check(MustParse("POST", "/x", {{"X-CSRF-Token", browser.token}})).ok())
      << "no cookie";
  EXPECT_FALSE(csrf_
                   .Check(MustParse("POST", "/x",
                                    {{"Cookie", cookie}, {"X-CSRF-Token", browser.token + "A"}}))
                   .ok());
  EXPECT_FALSE(
      csrf_.Check(MustParse("POST", "/x", {{"Cookie", cookie}, {"X-CSRF-Token", browser.cookie}}))
          .ok())
      << "the cookie itself is not a token";
}

TEST_F(CsrfTest, RefusesAForeignOrigin) {
  Browser browser = FirstVisit(csrf_);
  for (const char* origin :
       {"https://evil.example", "null", "http://localhost:8081", "https://localhost:8080"}) {
    EXPECT_FALSE(csrf_
                     .Check(MustParse("POST", "/x",
                                      {{"Cookie", "vv_csrf=" + browser.cookie},
                                       {"Origin", origin},
                                       {"X-CSRF-Token", browser.token}}))
                     .ok())
        << origin;
  }
}

TEST_F(CsrfTest, TokensDependOnTheSecret) {
  Browser browser = FirstVisit(csrf_);
  Csrf other_server("another-secret-key-of-at-least-32-characters", "http://localhost:8080");
  EXPECT_FALSE(other_server
                   .Check(MustParse(
                       "POST", "/x",
                       {{"Cookie", "vv_csrf=" + browser.cookie}, {"X-CSRF-Token", browser.token}}))
                   .ok());
}

TEST_F(CsrfTest, HttpsUsesAHostOnlySecureCookie) {
  Csrf csrf(kTestSecret, "https://www.vivrovert.fr");
  EXPECT_EQ(csrf.cookie_name(), "__Host-vv_csrf");
  SetCookie cookie = csrf.NewCookie("x");
  EXPECT_TRUE(cookie.secure);
  EXPECT_EQ(cookie.path, "/");
  Browser browser = FirstVisit(csrf);
  EXPECT_TRUE(csrf.Check(MustParse("POST", "/x",
                                   {{"Cookie", "__Host-vv_csrf=" + browser.cookie},
                                    {"Origin", "https://www.vivrovert.fr"},
                                    {"X-CSRF-Token", browser.token}}))
                  .ok());
  EXPECT_FALSE(csrf.Check(MustParse("POST", "/x",
                                    {{"Cookie", "vv_csrf=" + browser.cookie},
                                     {"X-CSRF-Token", browser.token}}))
                   .ok())
      << "a plain-named cookie may have been planted by a subdomain";
}

TEST_F(CsrfTest, SigningInChangesTheToken) {
  Csrf csrf(kTestSecret, "http://localhost:8080", "vv_session");
  Browser browser = FirstVisit(csrf);
  std::string anonymous = "vv_csrf=" + browser.cookie;
  std::string signed_in = anonymous + "; vv_session=session-token-1";

  EXPECT_TRUE(csrf.Check(MustParse("POST", "/compte/connexion",
                                   {{"Cookie", anonymous}, {"X-CSRF-Token", browser.token}}))
                  .ok());
  EXPECT_FALSE(
      csrf.Check(MustParse("POST", "/x", {{"Cookie", signed_in}, {"X-CSRF-Token", browser.token}}))
          .ok())
      << "a token from before sign-in must not outlive it";

  Csrf::BrowserToken after = csrf.TokenFor(MustParse("GET", "/", {{"Cookie", signed_in}}), random_);
  std::string session_token = csrf.FormToken(after.binding);
  EXPECT_NE(session_token, browser.token);
  EXPECT_TRUE(
      csrf.Check(MustParse("POST", "/x", {{"Cookie", signed_in}, {"X-CSRF-Token", session_token}}))
          .ok());
  EXPECT_FALSE(csrf.Check(MustParse("POST", "/x",
                                    {{"Cookie", anonymous + "; vv_session=session-token-2"},
                                     {"X-CSRF-Token", session_token}}))
                   .ok())
      << "another session";
}

}  // namespace
}  // namespace vivrovert::web
