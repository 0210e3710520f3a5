// The pages of /compte end to end: real HTTP servers (web::HttpServer) over the request
// pipeline, the account service and the database under test. Two "processes" (an App,
// an AccountService and a connection pool each, on the same database) show what must hold
// across server processes: sessions, CSRF tokens and login throttling.
//
// Mails are recorded in place of the outbox (the outbox path is covered by the mail tests
// and, through SMTP, by tests/browser/accounts.test.mjs).
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "support/test_database.hpp"
#include "support/test_text.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/http/server.hpp"
#include "web/web_test_support.hpp"

namespace vivrovert::accounts {
namespace {

using storage::Connection;

constexpr const char* kPassword = "potager-et-poulailler";
constexpr const char* kNewPassword = "ruches-et-vergers-2026";
constexpr const char* kEmail = "jeanne@exemple.fr";
constexpr const char* kBaseUrl = "http://localhost:8080";
constexpr const char* kWrongCredentials = "Adresse e-mail ou mot de passe incorrect.";
constexpr const char* kCsrfRefused = "Ce formulaire a expiré ou ne vient pas de VivroVert.";

using vivrovert::testing::Contains;

// Records the mails of every server; requests are served on the servers' threads.
class RecordingMailer final : public AccountMailer {
 public:
  void Send(Connection&, const AccountMail& mail, int64_t) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(mail);
  }
  std::vector<AccountMail> Sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  // The path and query of the link of the last mail ("/compte/verifier?jeton=…").
  std::string LastLinkTarget() const {
    std::lock_guard lock(mutex_);
    if (sent_.empty()) return {};
    const std::string& link = sent_.back().link;
    return link.substr(link.find("/compte"));
  }
  std::string LastToken() const {
    std::string target = LastLinkTarget();
    return target.substr(target.find("jeton=") + 6);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<AccountMail> sent_;
};

// One server process: its own pool on the shared database, account service, app and HTTP
// server on a free port, with the same secret key as every other process.
class SiteProcess {
 public:
  SiteProcess(storage::Database& database, AccountMailer& mailer, PasswordHasher& hasher,
              const Clock& clock, const std::string& base_url = kBaseUrl) {
    service_ = std::make_unique<AccountService>(database, hasher, mailer, clock,
                                                SecureRandom::Instance(), base_url);
    auto templates = web::TemplateRenderer::Load(vivrovert::testing::SourceTemplates());
    if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
    const bool https = base_url.starts_with("https://");
    SessionCookies cookies{SessionCookieName(https), https};
    web::AppOptions options;
    options.public_base_url = base_url;
    options.secret_key = vivrovert::testing::kTestSecret;
    options.session_cookie_name = cookies.name;
    options.error_log = &error_log_;
    app_ =
        std::make_unique<web::App>(std::move(options), std::move(*templates), web::AssetManifest(),
                                   web::StaticFiles(), clock, SecureRandom::Instance());
    app_->SetAuthenticator(std::make_shared<SessionAuthenticator>(*service_, cookies.name));
    RegisterAccountRoutes(*app_, *service_, {cookies, [this] { ++nudges_; }, {}});
    web::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 4;
    http_ = std::make_unique<web::HttpServer>(*app_, server_options);
    Status started = http_->Start();
    if (!started.ok()) throw std::runtime_error(started.ToString());
  }

  uint16_t port() const { return http_->port(); }
  web::App& app() { return *app_; }
  int nudges() const { return nudges_.load(); }
  std::string errors() const { return error_log_.str(); }

 private:
  std::ostringstream error_log_;
  std::atomic<int> nudges_{0};
  std::unique_ptr<AccountService> service_;
  std::unique_ptr<web::App> app_;
  std::unique_ptr<web::HttpServer> http_;
};

struct Reply {
  int status = 0;
  std::string body;
  std::string location;
  std::vector<std::string> set_cookies;  // raw Set-Cookie values

  std::string SetCookieFor(const std::string& name) const {
    for (const std::string& cookie : set_cookies) {
      if (cookie.starts_with(name + "=")) return cookie;
    }
    return {};
  }
};

// A browser, as far as these tests need one: a cookie jar shared by every server (cookies
// belong to the host, whatever the port), and the CSRF token of the last page it read.
class Browser {
 public:
  Reply Get(uint16_t port, const std::string& target) { return Send(port, "GET", target, ""); }

  // Posts `form` with the CSRF token of the last page read, unless `with_token` is false.
  Reply Post(uint16_t port, const std::string& target, web::Fields form, bool with_token = true) {
    if (with_token) form.emplace_back("_csrf", csrf_token);
    std::string body;
    for (const auto& [name, value] : form) {
      std::string encoded_name, encoded_value;
      Poco::URI::encode(name, "!#$&'()*+,/:;=?@[]", encoded_name);
      Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encoded_value);
      body += (body.empty() ? "" : "&") + encoded_name + "=" + encoded_value;
    }
    return Send(port, "POST", target, body);
  }

  // Reads a page of `target` (for its CSRF token), then posts `form` to `action`.
  Reply Submit(uint16_t port, const std::string& page, const std::string& action,
               web::Fields form) {
    Reply read = Get(port, page);
    EXPECT_EQ(read.status, 200) << page << "\n" << read.body;
    return Post(port, action, std::move(form));
  }

  std::map<std::string, std::string> cookies;
  std::string csrf_token;

 private:
  Reply Send(uint16_t port, const std::string& method, const std::string& target,
             const std::string& body) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    std::string cookie_header;
    for (const auto& [name, value] : cookies)
      cookie_header += (cookie_header.empty() ? "" : "; ") + name + "=" + value;
    if (!cookie_header.empty()) request.set("Cookie", cookie_header);
    if (method == "POST") {
      request.setContentType("application/x-www-form-urlencoded");
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Reply reply;
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    reply.status = response.getStatus();
    reply.body = text.str();
    reply.location = response.get("Location", "");
    for (const auto& [name, value] : response) {
      if (Poco::icompare(name, "Set-Cookie") == 0) reply.set_cookies.push_back(value);
    }
    for (const std::string& cookie : reply.set_cookies) {
      std::string pair = cookie.substr(0, cookie.find(';'));
      std::string name = pair.substr(0, pair.find('='));
      std::string value = pair.substr(pair.find('=') + 1);
      if (value.empty()) {
        cookies.erase(name);
      } else {
        cookies[name] = value;
      }
    }
    if (std::string token = vivrovert::testing::MetaCsrfToken(reply.body); !token.empty())
      csrf_token = token;
    return reply;
  }
};

class AccountPagesTest : public ::testing::Test {
 protected:
  AccountPagesTest() : first_(database_.db(), mailer_, hasher_, clock_) {}

  std::optional<User> FindUser(const std::string& email) {
    Connection connection = database_.db().Acquire();
    return UserStore::FindByEmail(connection, email);
  }

  int64_t Count(const std::string& table) {
    Connection connection = database_.db().Acquire();
    return connection.QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
  }

  Reply SignUp(Browser& browser, const std::string& email = kEmail,
               const std::string& password = kPassword, const std::string& name = "Jeanne") {
    return browser.Submit(port(), "/compte/inscription", "/compte/inscription",
                          {{"display_name", name}, {"email", email}, {"password", password}});
  }

  Reply LogIn(Browser& browser, const std::string& password, uint16_t port_to_use = 0,
              const std::string& email = kEmail) {
    uint16_t target_port = port_to_use == 0 ? port() : port_to_use;
    return browser.Submit(target_port, "/compte/connexion", "/compte/connexion",
                          {{"email", email}, {"password", password}});
  }

  // A browser signed in as Jeanne, whose account exists (unverified).
  Browser SignedInJeanne() {
    Browser browser;
    EXPECT_EQ(SignUp(browser).status, 200);
    Reply login = LogIn(browser, kPassword);
    EXPECT_EQ(login.status, 303) << login.body;
    return browser;
  }

  // Whether `password` opens Jeanne's account, tried from a fresh browser.
  bool PasswordWorks(const std::string& password) {
    Browser other;
    return LogIn(other, password).status == 303;
  }

  uint16_t port() const { return first_.port(); }

  vivrovert::testing::TestDatabase database_;
  ManualClock clock_{vivrovert::testing::kTestNow};
  PasswordHasher hasher_{PasswordHashLimits::Minimal(), 4};
  RecordingMailer mailer_;
  SiteProcess first_;
};

TEST_F(AccountPagesTest, SignUpVerifyLogInAndOut) {
  Browser browser;
  Reply form = browser.Get(port(), "/compte/inscription");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Contains(form.body, "<h1>Créer un compte</h1>"));
  EXPECT_TRUE(Contains(form.body, "name=\"_csrf\" value=\"" + browser.csrf_token + "\""));

  Reply sent =
      browser.Post(port(), "/compte/inscription",
                   {{"display_name", "Jeanne"}, {"email", kEmail}, {"password", kPassword}});
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_TRUE(Contains(sent.body, "Vérifiez votre boîte mail"));
  EXPECT_TRUE(Contains(sent.body, kEmail));
  ASSERT_EQ(mailer_.Sent().size(), 1u);
  EXPECT_EQ(mailer_.Sent()[0].kind, AccountMailKind::kVerifyEmail);
  EXPECT_EQ(first_.nudges(), 1) << "the mail worker is told at once";

  // The link shows a button; only its POST verifies (a mail scanner's GET changes nothing).
  Reply link = browser.Get(port(), mailer_.LastLinkTarget());
  ASSERT_EQ(link.status, 200) << link.body;
  EXPECT_TRUE(Contains(link.body, "Confirmer mon adresse"));
  EXPECT_FALSE(FindUser(kEmail)->email_verified());
  Reply verified = browser.Post(port(), "/compte/verifier", {{"jeton", mailer_.LastToken()}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_TRUE(Contains(verified.body, "Votre adresse e-mail est confirmée"));
  EXPECT_TRUE(FindUser(kEmail)->email_verified());

  const std::string anonymous_token = browser.csrf_token;
  Reply login = LogIn(browser, kPassword);
  ASSERT_EQ(login.status, 303) << login.body;
  EXPECT_EQ(login.location, "/compte");
  const std::string cookie = login.SetCookieFor("vv_session");
  ASSERT_FALSE(cookie.empty());
  EXPECT_TRUE(Contains(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(Contains(cookie, "; SameSite=Lax")) << cookie;
  EXPECT_TRUE(Contains(cookie, "; path=/")) << cookie;
  EXPECT_FALSE(Contains(cookie, "; secure")) << "plain http: " << cookie;

  Reply account = browser.Get(port(), "/compte");
  ASSERT_EQ(account.status, 200) << account.body;
  EXPECT_TRUE(Contains(account.body, "<h1>Mon compte</h1>"));
  EXPECT_TRUE(Contains(account.body, kEmail));
  EXPECT_TRUE(Contains(account.body, "Votre adresse e-mail est confirmée."));
  EXPECT_TRUE(Contains(account.body, "Se déconnecter"));
  EXPECT_NE(browser.csrf_token, anonymous_token) << "signing in changes the form tokens";

  Reply logout = browser.Post(port(), "/compte/deconnexion", {});
  EXPECT_EQ(logout.status, 303);
  EXPECT_EQ(logout.location, "/");
  EXPECT_EQ(browser.cookies.count("vv_session"), 0u) << "the cookie is deleted";
  EXPECT_EQ(Count("sessions"), 0) << "the session is ended in the database";
  Reply after = browser.Get(port(), "/compte");
  EXPECT_EQ(after.status, 303);
  EXPECT_EQ(after.location, "/compte/connexion");
}

TEST_F(AccountPagesTest, TheSessionCookieLastsAsLongAsTheSessionAndIsSecureOnHttps) {
  Browser jeanne;
  ASSERT_EQ(SignUp(jeanne).status, 200);
  for (const char* base_url : {kBaseUrl, "https://vivrovert.example"}) {
    SiteProcess site(database_.db(), mailer_, hasher_, clock_, base_url);
    const bool https = std::string(base_url).starts_with("https://");
    const std::string csrf_cookie = https ? "__Host-vv_csrf" : "vv_csrf";
    web::Response form =
        site.app().Handle(vivrovert::testing::MustParse("GET", "/compte/connexion"));
    const std::string cookies =
        csrf_cookie + "=" + vivrovert::testing::CookieValue(form, csrf_cookie);
    web::Response login = site.app().Handle(vivrovert::testing::MustParse(
        "POST", "/compte/connexion",
        {{"Cookie", cookies}, {"Content-Type", "application/x-www-form-urlencoded"}},
        "email=jeanne%40exemple.fr&password=potager-et-poulailler&_csrf=" +
            vivrovert::testing::MetaCsrfToken(form.body())));
    ASSERT_EQ(login.status(), 303) << base_url << "\n" << login.body();
    const web::SetCookie* session = login.FindCookie(https ? "__Host-vv_session" : "vv_session");
    ASSERT_NE(session, nullptr) << base_url;
    EXPECT_EQ(session->max_age, SessionPolicy{}.absolute_seconds) << "expires with the session";
    EXPECT_TRUE(session->http_only);
    EXPECT_EQ(session->same_site, web::SameSite::kLax);
    EXPECT_EQ(session->path, "/");
    EXPECT_EQ(session->secure, https) << base_url;
  }
}

TEST_F(AccountPagesTest, LogInRotatesTheSession) {
  Browser browser = SignedInJeanne();
  const std::string first = browser.cookies.at("vv_session");
  // The login page sends signed-in people on; a login posted anyway starts a new session.
  EXPECT_EQ(browser.Get(port(), "/compte/connexion").status, 303);
  ASSERT_EQ(browser.Get(port(), "/compte").status, 200);
  ASSERT_EQ(browser.Post(port(), "/compte/connexion", {{"email", kEmail}, {"password", kPassword}})
                .status,
            303);
  EXPECT_NE(browser.cookies.at("vv_session"), first);
  EXPECT_EQ(Count("sessions"), 1) << "the previous session is revoked";
}

TEST_F(AccountPagesTest, FormErrorsStandNextToTheirFieldAndKeepWhatWasTyped) {
  Browser browser;
  Reply bad_email = SignUp(browser, "pas-une-adresse", "secret-du-jardin", "<b>Zoé</b>");
  ASSERT_EQ(bad_email.status, 400) << bad_email.body;
  EXPECT_TRUE(Contains(bad_email.body, "<p class=\"field-error\" id=\"email-error\">"));
  EXPECT_TRUE(Contains(bad_email.body, "aria-describedby=\"email-error\""));
  EXPECT_TRUE(Contains(bad_email.body, "value=\"pas-une-adresse\""));
  EXPECT_TRUE(Contains(bad_email.body, "value=\"&lt;b&gt;Zoé&lt;&#x2F;b&gt;\"")) << "kept, escaped";
  EXPECT_FALSE(Contains(bad_email.body, "<b>Zoé</b>"));
  EXPECT_FALSE(Contains(bad_email.body, "secret-du-jardin")) << "passwords are never sent back";

  Reply short_password = SignUp(browser, kEmail, "court", "Jeanne");
  ASSERT_EQ(short_password.status, 400);
  EXPECT_TRUE(
      Contains(short_password.body,
               "id=\"password-error\">Le mot de passe doit compter au moins 10 caractères."));
  EXPECT_EQ(Count("users"), 0);
  EXPECT_TRUE(mailer_.Sent().empty());
}

TEST_F(AccountPagesTest, AMissingOrWrongCsrfTokenIsRefusedAndChangesNothing) {
  Browser browser;
  ASSERT_EQ(browser.Get(port(), "/compte/inscription").status, 200);
  web::Fields sign_up{{"display_name", "Jeanne"}, {"email", kEmail}, {"password", kPassword}};
  Reply missing = browser.Post(port(), "/compte/inscription", sign_up, /*with_token=*/false);
  EXPECT_EQ(missing.status, 403);
  EXPECT_TRUE(Contains(missing.body, "Accès refusé"));
  EXPECT_TRUE(Contains(missing.body, kCsrfRefused));

  Browser stranger;
  ASSERT_EQ(stranger.Get(port(), "/").status, 404) << "any page gives a token, even a 404";
  web::Fields with_foreign_token = sign_up;
  with_foreign_token.emplace_back("_csrf", stranger.csrf_token);
  EXPECT_EQ(browser.Post(port(), "/compte/inscription", with_foreign_token, false).status, 403);
  EXPECT_EQ(Count("users"), 0);
  EXPECT_TRUE(mailer_.Sent().empty());

  // Signed in: the token from before the login no longer works, and nothing changes.
  Browser jeanne = SignedInJeanne();
  Reply account = jeanne.Get(port(), "/compte");
  ASSERT_EQ(account.status, 200);
  web::Fields change{{"current_password", kPassword}, {"new_password", kNewPassword}};
  EXPECT_EQ(jeanne.Post(port(), "/compte/mot-de-passe", change, false).status, 403);
  web::Fields with_old_token = change;
  with_old_token.emplace_back("_csrf", browser.csrf_token);
  EXPECT_EQ(jeanne.Post(port(), "/compte/mot-de-passe", with_old_token, false).status, 403);
  web::Fields delete_account{{"current_password", kPassword}, {"_csrf", "AAAA"}};
  EXPECT_EQ(jeanne.Post(port(), "/compte/suppression", delete_account, false).status, 403);
  EXPECT_EQ(jeanne.Post(port(), "/compte/deconnexion", {}, false).status, 403);
  EXPECT_TRUE(PasswordWorks(kPassword));
  EXPECT_FALSE(PasswordWorks(kNewPassword));
  EXPECT_EQ(jeanne.Get(port(), "/compte").status, 200) << "still signed in";
}

TEST_F(AccountPagesTest, ATamperedSessionCookieCountsAsSignedOut) {
  Browser jeanne = SignedInJeanne();
  std::string& session = jeanne.cookies.at("vv_session");
  session.back() = session.back() == 'A' ? 'B' : 'A';

  Reply account = jeanne.Get(port(), "/compte");
  EXPECT_EQ(account.status, 303);
  EXPECT_EQ(account.location, "/compte/connexion");
  Reply login_page = jeanne.Get(port(), "/compte/connexion");
  ASSERT_EQ(login_page.status, 200);
  EXPECT_TRUE(Contains(login_page.body, "href=\"/compte/inscription\">Créer un compte"));
  EXPECT_FALSE(Contains(login_page.body, "Se déconnecter"));

  // Even with a valid CSRF token for that cookie, nothing of Jeanne's account can change.
  Reply change = jeanne.Post(port(), "/compte/mot-de-passe",
                             {{"current_password", kPassword}, {"new_password", kNewPassword}});
  EXPECT_EQ(change.status, 303);
  EXPECT_EQ(change.location, "/compte/connexion");
  Reply deletion = jeanne.Post(port(), "/compte/suppression", {{"current_password", kPassword}});
  EXPECT_EQ(deletion.status, 303);
  EXPECT_TRUE(FindUser(kEmail).has_value());
  EXPECT_TRUE(PasswordWorks(kPassword));
}

TEST_F(AccountPagesTest, LoginThrottlingHoldsAcrossTwoServerProcesses) {
  Browser jeanne;
  ASSERT_EQ(SignUp(jeanne).status, 200);
  auto second_pool = database_.OpenAnother();
  SiteProcess second(*second_pool, mailer_, hasher_, clock_);

  const int64_t limit = AccountPolicy{}.login_per_account.limit;
  Browser attacker;
  for (int64_t attempt = 0; attempt < limit; ++attempt) {
    // Alternate between the processes: each sees the failures counted by the other.
    uint16_t target = attempt % 2 == 0 ? port() : second.port();
    Reply wrong = LogIn(attacker, "pas-le-bon-mot-de-passe", target);
    ASSERT_EQ(wrong.status, 401) << "attempt " << attempt;
    EXPECT_TRUE(Contains(wrong.body, kWrongCredentials));
  }
  for (uint16_t target : {port(), second.port()}) {
    Reply blocked = LogIn(jeanne, kPassword, target);
    EXPECT_EQ(blocked.status, 429) << "even the right password, on either process";
    EXPECT_TRUE(Contains(
        blocked.body, "Trop de tentatives de connexion. Pour protéger le compte, réessayez dans"));
    EXPECT_TRUE(Contains(blocked.body, std::string("value=\"") + kEmail + "\""));
    EXPECT_TRUE(blocked.SetCookieFor("vv_session").empty());
  }
  EXPECT_EQ(Count("sessions"), 0);

  clock_.Advance(AccountPolicy{}.login_per_account.window_seconds + 1);
  EXPECT_EQ(LogIn(jeanne, kPassword, second.port()).status, 303) << "the window has closed";
  EXPECT_EQ(jeanne.Get(port(), "/compte").status, 200) << "the session works on the other process";
}

TEST_F(AccountPagesTest, UnknownEmailAndWrongPasswordGetTheSameAnswer) {
  Browser jeanne;
  ASSERT_EQ(SignUp(jeanne).status, 200);
  Browser browser;
  Reply unknown = LogIn(browser, kPassword, port(), "personne@exemple.fr");
  Reply wrong = LogIn(browser, "pas-le-bon-mot-de-passe");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(Contains(unknown.body, kWrongCredentials));
  EXPECT_TRUE(Contains(wrong.body, kWrongCredentials));
}

TEST_F(AccountPagesTest, PasswordResetThroughTheMailedLink) {
  Browser other_device = SignedInJeanne();

  // The same answer whether the address has an account or not.
  Browser browser;
  Reply unknown = browser.Submit(port(), "/compte/mot-de-passe-oublie",
                                 "/compte/mot-de-passe-oublie", {{"email", "personne@exemple.fr"}});
  const size_t mails_before = mailer_.Sent().size();
  Reply known = browser.Submit(port(), "/compte/mot-de-passe-oublie", "/compte/mot-de-passe-oublie",
                               {{"email", kEmail}});
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(known.status, 200);
  std::string unknown_body = unknown.body;
  unknown_body.replace(unknown_body.find("personne@exemple.fr"), 19, kEmail);
  EXPECT_EQ(unknown_body, known.body);
  ASSERT_EQ(mailer_.Sent().size(), mails_before + 1);
  EXPECT_EQ(mailer_.Sent().back().kind, AccountMailKind::kResetPassword);

  const std::string link = mailer_.LastLinkTarget();
  Reply form = browser.Get(port(), link);
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(Contains(form.body, "Choisissez un nouveau mot de passe"));
  Reply too_short = browser.Post(port(), "/compte/reinitialiser",
                                 {{"jeton", mailer_.LastToken()}, {"new_password", "court"}});
  EXPECT_EQ(too_short.status, 400);
  EXPECT_TRUE(
      Contains(too_short.body,
               "id=\"new_password-error\">Le mot de passe doit compter au moins 10 caractères."));

  Reply reset = browser.Post(port(), "/compte/reinitialiser",
                             {{"jeton", mailer_.LastToken()}, {"new_password", kNewPassword}});
  ASSERT_EQ(reset.status, 303) << reset.body;
  EXPECT_EQ(reset.location, "/compte/connexion?fait=mot-de-passe-reinitialise");
  Reply login_page = browser.Get(port(), reset.location);
  EXPECT_TRUE(Contains(login_page.body,
                       "Votre mot de passe a été changé. Connectez-vous avec le nouveau."));
  EXPECT_EQ(other_device.Get(port(), "/compte").status, 303) << "a reset ends every session";
  EXPECT_FALSE(PasswordWorks(kPassword));
  EXPECT_TRUE(PasswordWorks(kNewPassword));
  EXPECT_TRUE(FindUser(kEmail)->email_verified()) << "the link proved the mailbox";
}

TEST_F(AccountPagesTest, ExpiredUsedAndInvalidLinksSayWhy) {
  Browser browser;
  ASSERT_EQ(SignUp(browser).status, 200);
  const std::string verify_link = mailer_.LastLinkTarget();
  const std::string verify_token = mailer_.LastToken();

  Reply invalid = browser.Get(port(), "/compte/verifier?jeton=n-importe-quoi");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_TRUE(Contains(invalid.body, "Ce lien n&#39;est pas valide.")) << invalid.body;
  EXPECT_EQ(browser.Get(port(), "/compte/verifier").status, 400) << "no token at all";

  clock_.Advance(AccountPolicy{}.tokens.verify_email_seconds + 1);
  Reply expired = browser.Get(port(), verify_link);
  EXPECT_EQ(expired.status, 400);
  EXPECT_TRUE(Contains(expired.body, "Ce lien a expiré. Demandez un nouvel e-mail."));
  EXPECT_TRUE(Contains(expired.body, "Recevoir un nouveau lien depuis mon compte"));
  Reply expired_post = browser.Post(port(), "/compte/verifier", {{"jeton", verify_token}});
  EXPECT_EQ(expired_post.status, 400);
  EXPECT_FALSE(FindUser(kEmail)->email_verified());

  ASSERT_EQ(browser
                .Submit(port(), "/compte/mot-de-passe-oublie", "/compte/mot-de-passe-oublie",
                        {{"email", kEmail}})
                .status,
            200);
  const std::string reset_link = mailer_.LastLinkTarget();
  const std::string reset_token = mailer_.LastToken();
  ASSERT_EQ(browser.Get(port(), reset_link).status, 200);
  ASSERT_EQ(browser
                .Post(port(), "/compte/reinitialiser",
                      {{"jeton", reset_token}, {"new_password", kNewPassword}})
                .status,
            303);
  Reply used = browser.Get(port(), reset_link);
  EXPECT_EQ(used.status, 400);
  EXPECT_TRUE(Contains(used.body, "Ce lien a déjà été utilisé."));
  EXPECT_TRUE(Contains(used.body, "href=\"&#x2F;compte&#x2F;mot-de-passe-oublie\"")) << used.body;
  Reply reused = browser.Post(port(), "/compte/reinitialiser",
                              {{"jeton", reset_token}, {"new_password", "encore-un-autre-mot"}});
  EXPECT_EQ(reused.status, 400);
  EXPECT_TRUE(Contains(reused.body, "Ce lien a déjà été utilisé."));
  EXPECT_TRUE(PasswordWorks(kNewPassword));
}

TEST_F(AccountPagesTest, TheAccountPageChangesPasswordAndEmailResendsTheLinkAndDeletes) {
  Browser jeanne = SignedInJeanne();
  Reply account = jeanne.Get(port(), "/compte");
  ASSERT_EQ(account.status, 200);
  EXPECT_TRUE(Contains(account.body, "Renvoyer le lien de confirmation"));

  Reply resent = jeanne.Post(port(), "/compte/verification", {});
  ASSERT_EQ(resent.status, 303);
  EXPECT_EQ(resent.location, "/compte?fait=verification");
  EXPECT_EQ(mailer_.Sent().back().kind, AccountMailKind::kVerifyEmail);
  EXPECT_TRUE(Contains(jeanne.Get(port(), resent.location).body,
                       "Un nouveau lien de confirmation vient de vous être envoyé."));

  Reply wrong_current = jeanne.Post(
      port(), "/compte/mot-de-passe",
      {{"current_password", "pas-le-bon-mot-de-passe"}, {"new_password", kNewPassword}});
  EXPECT_EQ(wrong_current.status, 400);
  EXPECT_TRUE(
      Contains(wrong_current.body, "id=\"password-current-error\">Mot de passe incorrect."));
  EXPECT_FALSE(Contains(wrong_current.body, "id=\"email-current-error\""))
      << "only the form that failed";
  Reply changed = jeanne.Post(port(), "/compte/mot-de-passe",
                              {{"current_password", kPassword}, {"new_password", kNewPassword}});
  ASSERT_EQ(changed.status, 303) << changed.body;
  EXPECT_EQ(changed.location, "/compte?fait=mot-de-passe");
  EXPECT_EQ(jeanne.Get(port(), "/compte").status, 200) << "this session stays open";
  EXPECT_TRUE(PasswordWorks(kNewPassword));

  Reply bad_email = jeanne.Post(port(), "/compte/email",
                                {{"new_email", "pas@une"}, {"current_password", kNewPassword}});
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_TRUE(Contains(bad_email.body, "id=\"email-new-error\""));
  EXPECT_TRUE(Contains(bad_email.body, "value=\"pas@une\""));
  Reply requested =
      jeanne.Post(port(), "/compte/email",
                  {{"new_email", "jeanne@campagne.fr"}, {"current_password", kNewPassword}});
  ASSERT_EQ(requested.status, 303) << requested.body;
  EXPECT_EQ(mailer_.Sent().back().to_address, "jeanne@campagne.fr");
  Reply confirm_page = jeanne.Get(port(), mailer_.LastLinkTarget());
  ASSERT_EQ(confirm_page.status, 200);
  EXPECT_TRUE(Contains(confirm_page.body, "Utiliser cette adresse"));
  Reply confirmed =
      jeanne.Post(port(), "/compte/email/confirmer", {{"jeton", mailer_.LastToken()}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_TRUE(Contains(confirmed.body, "Votre nouvelle adresse est enregistrée"));
  EXPECT_TRUE(Contains(jeanne.Get(port(), "/compte").body, "jeanne@campagne.fr"));
  EXPECT_FALSE(FindUser(kEmail).has_value());

  Reply refused = jeanne.Post(port(), "/compte/suppression", {{"current_password", kPassword}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Contains(refused.body, "id=\"delete-current-error\">Mot de passe incorrect."));
  Reply deleted = jeanne.Post(port(), "/compte/suppression", {{"current_password", kNewPassword}});
  ASSERT_EQ(deleted.status, 303) << deleted.body;
  EXPECT_EQ(deleted.location, "/compte/supprime");
  EXPECT_EQ(jeanne.cookies.count("vv_session"), 0u);
  EXPECT_EQ(Count("users"), 0);
  EXPECT_TRUE(Contains(jeanne.Get(port(), deleted.location).body, "Votre compte est supprimé"));
}

TEST_F(AccountPagesTest, PagesThatNeedASessionSendToTheLoginPage) {
  Browser browser;
  ASSERT_EQ(browser.Get(port(), "/compte/connexion").status, 200);
  for (const char* path :
       {"/compte/mot-de-passe", "/compte/email", "/compte/verification", "/compte/suppression"}) {
    Reply reply = browser.Post(port(), path, {{"current_password", kPassword}});
    EXPECT_EQ(reply.status, 303) << path;
    EXPECT_EQ(reply.location, "/compte/connexion") << path;
  }
}

TEST_F(AccountPagesTest, LoginGoesOnlyToPagesOfTheSite) {
  Browser jeanne;
  ASSERT_EQ(SignUp(jeanne).status, 200);
  const std::pair<const char*, const char*> cases[] = {
      {"/recherches/3", "/recherches/3"},
      {"//evil.example/", "/compte"},
      {"/\\evil.example", "/compte"},
      {"https://evil.example/", "/compte"},
  };
  for (const auto& [next, expected] : cases) {
    Browser browser;
    std::string page = "/compte/connexion?suivant=";
    std::string encoded;
    Poco::URI::encode(next, "!#$&'()*+,/:;=?@[]\\", encoded);
    Reply form = browser.Get(port(), page + encoded);
    ASSERT_EQ(form.status, 200);
    Reply login = browser.Post(port(), "/compte/connexion",
                               {{"email", kEmail}, {"password", kPassword}, {"suivant", next}});
    EXPECT_EQ(login.status, 303) << next;
    EXPECT_EQ(login.location, expected) << next;
  }
}

}  // namespace
}  // namespace vivrovert::accounts
