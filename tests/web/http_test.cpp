#include "web/http/http.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

using testing::MustParse;

TEST(RequestTest, ParsesTargetQueryAndHeaders) {
  Request request = MustParse("GET", "/recherche/caf%C3%A9?rayon=5&tag=a&tag=b",
                              {{"accept-language", "fr-FR"}, {"X-Test", "1"}});
  EXPECT_EQ(request.method(), Method::kGet);
  EXPECT_EQ(request.path(), "/recherche/café");
  EXPECT_EQ(request.Query("rayon"), "5");
  EXPECT_EQ(request.Query("tag"), "a");
  EXPECT_EQ(request.Query("absent"), std::nullopt);
  EXPECT_EQ(request.Header("Accept-Language"), "fr-FR");
  EXPECT_EQ(request.Header("x-test"), "1");
  EXPECT_EQ(request.remote_address(), "127.0.0.1");
}

TEST(RequestTest, ParsesUrlEncodedForms) {
  Request request = MustParse(
      "POST", "/compte", {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
      "email=a%40b.fr&nom=J%C3%A9r%C3%B4me+Dupont&critere=sante&critere=gare");
  EXPECT_EQ(request.method(), Method::kPost);
  EXPECT_EQ(request.Form("email"), "a@b.fr");
  EXPECT_EQ(request.Form("nom"), "Jérôme Dupont");
  EXPECT_EQ(request.FormAll("critere"), (std::vector<std::string>{"sante", "gare"}));
  EXPECT_TRUE(request.FormAll("absent").empty());
}

TEST(RequestTest, LeavesOtherBodiesAlone) {
  Request request =
      MustParse("POST", "/api/x", {{"Content-Type", "application/json"}}, "{\"email\":\"a\"}");
  EXPECT_TRUE(request.form().empty());
  EXPECT_EQ(request.body(), "{\"email\":\"a\"}");
}

TEST(RequestTest, RefusesFormsWithTooManyFields) {
  std::string body;
  for (int field_idx = 0; field_idx < 150; ++field_idx)
    body += "f" + std::to_string(field_idx) + "=x&";
  auto request =
      Request::Parse("POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestTest, RefusesMalformedTargets) {
  EXPECT_EQ(Request::Parse("GET", "annonces", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Request::Parse("GET", "/a%zz", {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(RequestTest, ReadsCookies) {
  Request request = MustParse("GET", "/", {{"Cookie", "vv_csrf=abc; vv_session=def"}});
  EXPECT_EQ(request.Cookie("vv_csrf"), "abc");
  EXPECT_EQ(request.Cookie("vv_session"), "def");
  EXPECT_EQ(request.Cookie("other"), std::nullopt);
}

TEST(RequestTest, KnowsWhoWantsJson) {
  EXPECT_TRUE(MustParse("GET", "/api/criteres").WantsJson());
  EXPECT_TRUE(MustParse("GET", "/api").WantsJson());
  EXPECT_FALSE(MustParse("GET", "/apiculture").WantsJson());
  EXPECT_FALSE(MustParse("GET", "/").WantsJson());
  EXPECT_TRUE(MustParse("GET", "/", {{"Accept", "application/json"}}).WantsJson());
  EXPECT_FALSE(MustParse("GET", "/", {{"Accept", "text/html,application/json;q=0.9"}}).WantsJson());
}

TEST(RequestTest, NamesMethods) {
  EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
  EXPECT_EQ(ParseMethod("BREW"), Method::kOther);
  EXPECT_TRUE(IsUnsafe(Method::kPost));
  EXPECT_TRUE(IsUnsafe(Method::kOther));
  EXPECT_FALSE(IsUnsafe(Method::kHead));
}

TEST(SetCookieTest, DefaultsSuitTechnicalCookies) {
  SetCookie cookie{.name = "vv_csrf", .value = "abc"};
  std::string header = cookie.ToHeaderValue();
  EXPECT_NE(header.find("vv_csrf=abc"), std::string::npos) << header;
  EXPECT_NE(header.find("path=/"), std::string::npos) << header;
  EXPECT_NE(header.find("HttpOnly"), std::string::npos) << header;
  EXPECT_NE(header.find("SameSite=Lax"), std::string::npos) << header;
  EXPECT_EQ(header.find("secure"), std::string::npos) << header;
  EXPECT_EQ(header.find("expires"), std::string::npos) << "a session cookie: " << header;
}

TEST(SetCookieTest, SecureAndExpiring) {
  SetCookie cookie{
      .name = "s", .value = "v", .max_age = 0, .secure = true, .same_site = SameSite::kStrict};
  std::string header = cookie.ToHeaderValue();
  EXPECT_NE(header.find("secure"), std::string::npos) << header;
  EXPECT_NE(header.find("SameSite=Strict"), std::string::npos) << header;
  EXPECT_NE(header.find("expires="), std::string::npos) << header;
}

TEST(ResponseTest, HeadersAreCaseInsensitive) {
  Response response = Response::Html("<p>Bonjour</p>");
  EXPECT_EQ(response.Header("content-type"), "text/html; charset=utf-8");
  response.SetHeader("content-type", "text/plain");
  EXPECT_EQ(response.headers().size(), 1u);
  response.SetDefaultHeader("Content-Type", "image/png");
  EXPECT_EQ(response.Header("Content-Type"), "text/plain");
}

TEST(ResponseTest, Builders) {
  Response json = Response::Json({{"ok", true}}, 201);
  EXPECT_EQ(json.status(), 201);
  EXPECT_EQ(json.body(), "{\"ok\":true}");
  Response redirect = Response::Redirect("/compte");
  EXPECT_EQ(redirect.status(), 303);
  EXPECT_EQ(redirect.Header("Location"), "/compte");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
}

TEST(ResponseTest, RefusesLineBreaksAndNulInHeaders) {
  Response response = Response::Redirect("/a\r\nSet-Cookie: x=1");
  EXPECT_EQ(response.Header("Location"), std::nullopt);
  EXPECT_EQ(response.refused_header(), "Location");

  Response named;
  named.SetHeader("X-A\nB", "1");
  EXPECT_TRUE(named.headers().empty());
  EXPECT_EQ(named.refused_header(), "(unnamed)");

  Response with_nul;
  with_nul.SetDefaultHeader("X-Test", std::string("a\0b", 3));
  EXPECT_EQ(with_nul.Header("X-Test"), std::nullopt);
  EXPECT_EQ(with_nul.refused_header(), "X-Test");

  Response fine;
  fine.SetHeader("Location", "/compte?suivant=%0D%0A");
  EXPECT_EQ(fine.Header("Location"), "/compte?suivant=%0D%0A");
  EXPECT_TRUE(fine.refused_header().empty());
}

TEST(ResponseTest, RefusesCookiesThatWouldAddAttributesOrLines) {
  for (SetCookie cookie :
       {SetCookie{.name = "a", .value = "1\r\nX: y"},
        SetCookie{.name = "a", .value = "1; Domain=evil"}, SetCookie{.name = "a\n", .value = "1"},
        SetCookie{.name = "a", .value = "1", .path = "/\r"}}) {
    Response response;
    response.AddCookie(cookie);
    EXPECT_TRUE(response.cookies().empty()) << cookie.value;
    EXPECT_EQ(response.refused_header(), "Set-Cookie");
  }
  Response response;
  response.AddCookie(SetCookie{.name = "a", .value = "1"});
  EXPECT_EQ(response.cookies().size(), 1u);
}

TEST(EncodeQueryValueTest, KeepsPathsReadableAndEncodesTheRest) {
  EXPECT_EQ(EncodeQueryValue("/partenaire/grand-cahors_2.0~x"), "/partenaire/grand-cahors_2.0~x");
  EXPECT_EQ(EncodeQueryValue("/a\r\nb c&d=e?f#g%"), "/a%0D%0Ab%20c%26d%3De%3Ff%23g%25");
  EXPECT_EQ(EncodeQueryValue("/é"), "/%C3%A9");
  EXPECT_EQ(LoginPathReturningTo("/operateur"), "/compte/connexion?suivant=/operateur");
}

}  // namespace
}  // namespace vivrovert::web
