// Leaving mail lists, on each backend: the opt-out store (domain/mail/opt_outs.hpp), the
// one-click unsubscribe link (/desabonnement, web/accounts/unsubscribe_routes.hpp) as a mail
// client and a person use it, and the profile page where a person changes the frequency
// and a partner staff member opts back in to lead reports. Through the request pipeline
// (App::Handle, no sockets), with the real templates, CSRF and sessions.
#include "web/accounts/unsubscribe_routes.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "domain/accounts/user_store.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/profiles/profile.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"
#include "support/test_text.hpp"
#include "test_browser.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/profiles/profile_pages.hpp"
#include "web_test_support.hpp"

namespace vivrovert::accounts {
namespace {

using mail::MailList;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kPassword = vivrovert::testing::kTestPassword;

using vivrovert::testing::Contains;

class UnsubscribeTest : public ::testing::Test {
 protected:
  UnsubscribeTest() {
    auto templates = web::TemplateRenderer::Load(vivrovert::testing::SourceTemplates());
    if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
    const SessionCookies cookies{SessionCookieName(false), false};
    web::AppOptions options;
    options.public_base_url = "http://localhost:8080";
    options.secret_key = vivrovert::testing::kTestSecret;
    options.session_cookie_name = cookies.name;
    options.error_log = &error_log_;
    app_ =
        std::make_unique<web::App>(std::move(options), std::move(*templates), web::AssetManifest(),
                                   web::StaticFiles(), clock_, SecureRandom::Instance());
    app_->SetAuthenticator(std::make_shared<SessionAuthenticator>(accounts_, cookies.name));
    RegisterAccountRoutes(*app_, accounts_, {cookies, {}, {}});
    profiles::RegisterProfilePages(*app_, database_.db(), clock_);
    RegisterUnsubscribeRoutes(*app_, database_.db(), [this](Connection&, int64_t user_id) {
      changed_.push_back(user_id);
    });

    Connection connection = database_.db().Acquire();
    lea_ = CreateUser(connection, "lea@exemple.fr", Role::kUser);
    staff_ = CreateUser(connection, "accueil@cahors.fr", Role::kPartnerStaff);
  }

  int64_t CreateUser(Connection& connection, const std::string& email, Role role) {
    return vivrovert::testing::CreateUser(connection, email, role, clock_.NowSeconds());
  }

  static std::string Link(MailList list, int64_t user_id) {
    return "/desabonnement?jeton=" +
           mail::UnsubscribeToken(vivrovert::testing::kTestSecret, list, user_id);
  }

  // What a mail client sends for RFC 8058: a POST with this body, no cookie, no token.
  Page OneClick(const std::string& target) {
    web::Response response = app_->Handle(vivrovert::testing::MustParse(
        "POST", target, {{"Content-Type", "application/x-www-form-urlencoded"}},
        "List-Unsubscribe=One-Click"));
    return Page{response.status(), response.body(), "", "", ""};
  }

  bool OptedOut(int64_t user_id, MailList list) {
    Connection connection = database_.db().Acquire();
    return mail::IsOptedOut(connection, user_id, list);
  }

  std::string Notification(int64_t user_id) {
    Connection connection = database_.db().Acquire();
    return profiles::ProfileStore::Get(connection, user_id).notification;
  }

  int64_t Count(const std::string& sql) {
    Connection connection = database_.db().Acquire();
    return connection.QueryOne(sql)->Int(0);
  }

  Browser SignedIn(const std::string& email) {
    Browser browser(*app_);
    browser.LogIn(email, kPassword);
    return browser;
  }

  vivrovert::testing::TestDatabase database_;
  ManualClock clock_{vivrovert::testing::kTestNow};
  PasswordHasher hasher_{PasswordHashLimits::Minimal(), 2};
  vivrovert::testing::NoAccountMail mailer_;
  AccountService accounts_{
      database_.db(), hasher_, mailer_, clock_, SecureRandom::Instance(), "http://localhost:8080"};
  std::ostringstream error_log_;
  std::unique_ptr<web::App> app_;
  int64_t lea_ = 0;
  int64_t staff_ = 0;
  std::vector<int64_t>
      changed_;  // profiles the unsubscribe link changed, as the matcher hears of them
};

TEST_F(UnsubscribeTest, ListingsOptOutIsTheProfilesNotificationAndKeepsItsFields) {
  Connection connection = database_.db().Acquire();
  EXPECT_FALSE(
      mail::IsOptedOut(connection, lea_, MailList::kListings));  // no profile: daily by default
  mail::OptOut(connection, lea_, MailList::kListings, clock_.NowSeconds());
  EXPECT_TRUE(mail::IsOptedOut(connection, lea_, MailList::kListings));
  profiles::Profile created = profiles::ProfileStore::Get(connection, lea_);
  EXPECT_EQ(created.notification, "none");
  EXPECT_EQ(created.data, nlohmann::json::object());
  EXPECT_EQ(created.updated_at, clock_.NowSeconds());

  // A person with a profile keeps every field; leaving twice is leaving once.
  profiles::Profile profile;
  profile.data = {{"household_adults", 2}, {"funds_eur", 80000}};
  profile.notification = "weekly";
  profiles::ProfileStore::Put(connection, staff_, profile, clock_.NowSeconds());
  mail::OptOut(connection, staff_, MailList::kListings, clock_.NowSeconds() + 10);
  mail::OptOut(connection, staff_, MailList::kListings, clock_.NowSeconds() + 20);
  profiles::Profile after = profiles::ProfileStore::Get(connection, staff_);
  EXPECT_EQ(after.notification, "none");
  EXPECT_EQ(after.data, profile.data);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM profiles"), 2);

  // Opting in again brings the default frequency back; another frequency is left alone.
  mail::OptIn(connection, staff_, MailList::kListings, clock_.NowSeconds());
  EXPECT_EQ(profiles::ProfileStore::Get(connection, staff_).notification, "daily");
  profile.notification = "instant";
  profiles::ProfileStore::Put(connection, staff_, profile, clock_.NowSeconds());
  mail::OptIn(connection, staff_, MailList::kListings, clock_.NowSeconds());
  EXPECT_EQ(profiles::ProfileStore::Get(connection, staff_).notification, "instant");
  // The lists are independent.
  EXPECT_FALSE(mail::IsOptedOut(connection, lea_, MailList::kLeadReports));
}

TEST_F(UnsubscribeTest, LeadReportsOptOutIsARowKeptWithItsFirstDate) {
  Connection connection = database_.db().Acquire();
  EXPECT_FALSE(mail::IsOptedOut(connection, staff_, MailList::kLeadReports));
  mail::OptOut(connection, staff_, MailList::kLeadReports, clock_.NowSeconds());
  mail::OptOut(connection, staff_, MailList::kLeadReports, clock_.NowSeconds() + 60);
  EXPECT_TRUE(mail::IsOptedOut(connection, staff_, MailList::kLeadReports));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_opt_outs"), 1);
  EXPECT_EQ(Count("SELECT created_at FROM mail_opt_outs"), clock_.NowSeconds());
  EXPECT_FALSE(mail::IsOptedOut(connection, staff_, MailList::kListings));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM profiles"), 0);  // the profile is not touched

  mail::OptIn(connection, staff_, MailList::kLeadReports, clock_.NowSeconds());
  mail::OptIn(connection, staff_, MailList::kLeadReports, clock_.NowSeconds());
  EXPECT_FALSE(mail::IsOptedOut(connection, staff_, MailList::kLeadReports));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_opt_outs"), 0);
}

TEST_F(UnsubscribeTest, TheLinkShowsWhatThePersonLeavesAndAGetChangesNothing) {
  Browser anonymous(*app_);
  Page listings = anonymous.Get(Link(MailList::kListings, lea_));
  ASSERT_EQ(listings.status, 200) << listings.body;
  EXPECT_TRUE(Contains(listings.body, "Vous ne recevrez plus les annonces et résumés"))
      << listings.body;
  EXPECT_TRUE(
      Contains(listings.body, "<form method=\"post\" action=\"/desabonnement?jeton=annonces."));
  EXPECT_TRUE(Contains(listings.body, "name=\"_csrf\""));
  EXPECT_TRUE(Contains(listings.body, "Me désabonner"));
  EXPECT_TRUE(Contains(listings.body, "href=\"&#x2F;compte&#x2F;profil#notifications\"") ||
              Contains(listings.body, "href=\"/compte/profil#notifications\""))
      << listings.body;
  EXPECT_TRUE(Contains(listings.body, "Changez plutôt la fréquence"));

  Page reports = anonymous.Get(Link(MailList::kLeadReports, staff_));
  ASSERT_EQ(reports.status, 200) << reports.body;
  EXPECT_TRUE(Contains(reports.body, "Vous ne recevrez plus les rapports de contacts"));
  EXPECT_FALSE(Contains(reports.body, "annonces et résumés"));

  // Link scanners fetch links: nothing changed, however often.
  anonymous.Get(Link(MailList::kListings, lea_));
  EXPECT_FALSE(OptedOut(lea_, MailList::kListings));
  EXPECT_FALSE(OptedOut(staff_, MailList::kLeadReports));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM profiles"), 0);
}

TEST_F(UnsubscribeTest, OneClickPostOfAMailClientUnsubscribesWithoutCookieOrCsrfToken) {
  Page done = OneClick(Link(MailList::kListings, lea_));
  ASSERT_EQ(done.status, 200) << done.body << error_log_.str();
  EXPECT_TRUE(Contains(done.body, "vous ne recevrez plus les annonces et résumés")) << done.body;
  EXPECT_TRUE(OptedOut(lea_, MailList::kListings));
  EXPECT_EQ(Notification(lea_), "none");
  EXPECT_FALSE(OptedOut(staff_, MailList::kListings));  // only the person of the token
  EXPECT_EQ(changed_, std::vector<int64_t>{lea_});      // the matching index hears of it

  // Idempotent: a client retrying, or the person clicking again.
  Page again = OneClick(Link(MailList::kListings, lea_));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Notification(lea_), "none");
  Page shown = Browser(*app_).Get(Link(MailList::kListings, lea_));
  EXPECT_TRUE(Contains(shown.body, "déjà désabonné")) << shown.body;

  ASSERT_EQ(OneClick(Link(MailList::kLeadReports, staff_)).status, 200);
  EXPECT_TRUE(OptedOut(staff_, MailList::kLeadReports));
  EXPECT_FALSE(OptedOut(staff_, MailList::kListings));
  ASSERT_EQ(OneClick(Link(MailList::kLeadReports, staff_)).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_opt_outs"), 1);
  EXPECT_EQ(changed_, (std::vector<int64_t>{lea_, lea_}));  // lead reports are no profile change
}

TEST_F(UnsubscribeTest, TheButtonOfThePageUnsubscribes) {
  Browser browser(*app_);
  ASSERT_EQ(browser.Get(Link(MailList::kLeadReports, staff_)).status, 200);
  Page done = browser.Post(Link(MailList::kLeadReports, staff_), {});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_TRUE(Contains(done.body, "id=\"unsubscribed\""));
  EXPECT_TRUE(OptedOut(staff_, MailList::kLeadReports));
}

TEST_F(UnsubscribeTest, ABadOrTamperedTokenIsRefusedWithAFrenchPageNever500) {
  const std::string good =
      mail::UnsubscribeToken(vivrovert::testing::kTestSecret, MailList::kListings, lea_);
  const std::string mac = good.substr(good.rfind('.') + 1);
  std::string flipped = good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& target :
       {std::string("/desabonnement"), std::string("/desabonnement?jeton="),
        "/desabonnement?jeton=" + flipped,
        "/desabonnement?jeton=annonces." + std::to_string(staff_) + "." +
            mac,  // someone else's number
        "/desabonnement?jeton=rapports." + std::to_string(lea_) + "." + mac,  // another list
        "/desabonnement?jeton=" +
            mail::UnsubscribeToken("another-secret-key-of-at-least-32-characters",
                                   MailList::kListings, lea_),
        std::string("/desabonnement?jeton=%00%FF"),
        std::string("/desabonnement?jeton=annonces.1.2.3")}) {
    Page shown = Browser(*app_).Get(target);
    EXPECT_EQ(shown.status, 400) << target;
    EXPECT_TRUE(Contains(shown.body, "Lien de désabonnement invalide")) << target << shown.body;
    Page posted = OneClick(target);
    EXPECT_EQ(posted.status, 400) << target;
    EXPECT_TRUE(Contains(posted.body, "jeton")) << target;
  }
  EXPECT_TRUE(
      Contains(Browser(*app_).Get("/desabonnement").body, "Il manque le paramètre « jeton »"));
  EXPECT_TRUE(
      Contains(Browser(*app_).Get("/desabonnement?jeton=" + flipped).body, "a été modifié"));
  EXPECT_FALSE(OptedOut(lea_, MailList::kListings));
  EXPECT_FALSE(OptedOut(staff_, MailList::kListings));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_opt_outs"), 0);
  EXPECT_TRUE(changed_.empty());
  EXPECT_EQ(error_log_.str(), "");
}

TEST_F(UnsubscribeTest, ATokenOfADeletedAccountChangesNothing) {
  const std::string link = Link(MailList::kListings, lea_);
  {
    Connection connection = database_.db().Acquire();
    ASSERT_TRUE(UserStore::Delete(connection, lea_));
  }
  Page shown = Browser(*app_).Get(link);
  EXPECT_EQ(shown.status, 200);
  EXPECT_TRUE(Contains(shown.body, "Ce compte n")) << shown.body;
  Page posted = OneClick(link);
  EXPECT_EQ(posted.status, 200) << posted.body << error_log_.str();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM profiles"), 0);
}

TEST_F(UnsubscribeTest, TheProfilePageAnchorsTheFrequencyAndShowsTheChoiceMade) {
  ASSERT_EQ(OneClick(Link(MailList::kListings, lea_)).status, 200);
  Browser lea = SignedIn("lea@exemple.fr");
  Page profile = lea.Get("/compte/profil");
  ASSERT_EQ(profile.status, 200);
  EXPECT_TRUE(Contains(profile.body, "<fieldset id=\"notifications\">"));
  EXPECT_TRUE(Contains(profile.body, "value=\"none\" checked")) << profile.body;
  EXPECT_FALSE(Contains(profile.body, "name=\"lead_reports\""));  // not partner staff

  // Choosing a frequency again is the way back.
  Page saved = lea.Post("/compte/profil", {{"notification", "weekly"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(Notification(lea_), "weekly");
  EXPECT_FALSE(OptedOut(lea_, MailList::kListings));
}

TEST_F(UnsubscribeTest, StaffOptBackInToLeadReportsOnTheirProfile) {
  ASSERT_EQ(OneClick(Link(MailList::kLeadReports, staff_)).status, 200);
  Browser staff = SignedIn("accueil@cahors.fr");
  Page profile = staff.Get("/compte/profil");
  ASSERT_EQ(profile.status, 200);
  EXPECT_TRUE(Contains(profile.body, "id=\"lead-reports\""));
  EXPECT_TRUE(Contains(profile.body, "<input type=\"checkbox\" name=\"lead_reports\" value=\"1\">"))
      << profile.body;

  // With a forged CSRF token, refused and unchanged.
  const std::string token = staff.csrf_token;
  staff.csrf_token = "forged";
  EXPECT_EQ(staff.Post("/compte/profil", {{"notification", "daily"}, {"lead_reports", "1"}}).status,
            403);
  EXPECT_TRUE(OptedOut(staff_, MailList::kLeadReports));
  staff.csrf_token = token;

  ASSERT_EQ(staff.Post("/compte/profil", {{"notification", "daily"}, {"lead_reports", "1"}}).status,
            303);
  EXPECT_FALSE(OptedOut(staff_, MailList::kLeadReports));
  EXPECT_TRUE(Contains(staff.Get("/compte/profil").body,
                       "<input type=\"checkbox\" name=\"lead_reports\" value=\"1\" checked>"));
  // Unticking it opts out again.
  ASSERT_EQ(staff.Post("/compte/profil", {{"notification", "daily"}}).status, 303);
  EXPECT_TRUE(OptedOut(staff_, MailList::kLeadReports));
}

}  // namespace
}  // namespace vivrovert::accounts
