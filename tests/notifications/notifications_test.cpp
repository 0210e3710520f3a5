// Telling people about listings, end to end on each backend over a grid of the Lot built
// from ../shared/data: people save searches, open tiles and fill their profile through the
// real pages and API (sessions, CSRF), a partner publishes listings through the listing
// service, the matching pass and the nightly run queue mails in the outbox, and the mails
// are delivered to the real SMTP server of scripts/with-test-services.sh.
//
// The fixture's clock starts on Tuesday 9 March 2027, 10:00 UTC (11:00 in Paris).
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain/accounts/user_store.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/leads/lead_report.hpp"
#include "domain/listings/listing_service.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/matching/matching_listener.hpp"
#include "domain/matching/tile_runs.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "jobs/nightly/digest.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "smtp_test_servers.hpp"
#include "support/lot_grid.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"
#include "support/test_text.hpp"
#include "test_browser.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/discover/listing_page.hpp"
#include "web/interests/interests_api.hpp"
#include "web/notifications/notification_pages.hpp"
#include "web/profiles/profile_pages.hpp"
#include "web_test_support.hpp"

namespace vivrovert::notifications {
namespace {

using accounts::Role;
using nlohmann::json;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kBaseUrl = "http://localhost:8080";
constexpr const char* kPassword = "causse-et-vallee-du-lot";
constexpr int64_t kTuesday = 1804586400;  // 2027-03-09T10:00:00Z
constexpr const char* kTuesdayDate = "2027-03-09";
constexpr const char* kWednesdayDate = "2027-03-10";
constexpr int64_t kDay = 86400;

using vivrovert::testing::Contains;

std::string SearchOf(const json& territory) {
  json request = {
      {"level", "1km"},
      {"territory", territory},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

json House(const std::string& external_id, const std::string& title, double price) {
  return {{"external_id", external_id}, {"title", title},
          {"latitude", 44.4475},        {"longitude", 1.4410},
          {"commune_code", "46042"},    {"transaction", "sale"},
          {"property_type", "house"},   {"rooms", 4},
          {"surface_m2", 110},          {"price_eur", price}};
}

json Job(const std::string& external_id, const std::string& title) {
  return {{"external_id", external_id}, {"title", title},          {"latitude", 44.4475},
          {"longitude", 1.4410},        {"commune_code", "46042"}, {"rome_code", "J1506"},
          {"contract", "cdi"}};
}

struct OutboxRow {
  std::string to;
  std::string subject;
  std::string text;
  std::string headers;
};

class NotificationsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    grid_ = &vivrovert::testing::LotGrid();
    engine_ = new engine::SearchEngine(*grid_);
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  NotificationsTest() {
    backend_.grid.reset(const_cast<engine::GridFile*>(grid_));
    backend_.engine.reset(engine_);
    auto templates = web::TemplateRenderer::Load(vivrovert::testing::SourceTemplates());
    if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
    auto mails = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
    if (!mails.ok()) throw std::runtime_error(mails.status().ToString());
    mail_templates_ = std::move(*mails);
    const accounts::SessionCookies cookies{accounts::SessionCookieName(false), false};
    web::AppOptions options;
    options.public_base_url = kBaseUrl;
    options.secret_key = vivrovert::testing::kTestSecret;
    options.session_cookie_name = cookies.name;
    options.error_log = &error_log_;
    app_ =
        std::make_unique<web::App>(std::move(options), std::move(*templates), web::AssetManifest(),
                                   web::StaticFiles(), clock_, SecureRandom::Instance());
    app_->SetAuthenticator(
        std::make_shared<accounts::SessionAuthenticator>(accounts_, cookies.name));
    accounts::RegisterAccountRoutes(
        *app_, accounts_, {cookies, {}, [this](int64_t id) { matcher_.PersonDeleted(id); }});
    interests::RegisterInterestsApi(*app_, database_.db(), backend_, clock_, &listeners_);
    profiles::RegisterProfilePages(
        *app_, database_.db(), clock_, [this](Connection& connection, int64_t user_id) {
          matcher_.PersonChanged(connection, user_id, clock_.NowSeconds());
        });
    RegisterNotificationPages(*app_, {database_.db(), grid_, clock_});
    discover::RegisterListingPage(*app_, database_.db(), grid_, labels_, clock_);

    Connection connection = database_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {"200023737"}, {}};
    epci_ = *partners::PartnerStore::Create(connection, input, clock_.NowSeconds());
    publisher_ = {"partner:" + std::to_string(epci_.id), epci_.id, nullptr, epci_.name, false};
  }

  ~NotificationsTest() override {
    (void)backend_.grid.release();
    (void)backend_.engine.release();
  }

  // A verified person with a profile (`wishes`) and a notification choice.
  int64_t Person(const std::string& name, json wishes, const std::string& notification) {
    Connection connection = database_.db().Acquire();
    accounts::NewUser user{Email(name), hasher_.Hash(kPassword), Role::kUser, name, true};
    auto created = accounts::UserStore::Create(connection, user, clock_.NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    profiles::Profile profile;
    profile.data = std::move(wishes);
    profile.notification = notification;
    profiles::ProfileStore::Put(connection, created->id, profile, clock_.NowSeconds());
    matcher_.PersonChanged(connection, created->id, clock_.NowSeconds());
    return created->id;
  }

  // Addresses unique to this test: the SMTP server's Maildir is shared by every test.
  std::string Email(const std::string& name) const { return name + "@" + domain_; }

  Browser SignedIn(const std::string& name) {
    Browser browser(*app_);
    browser.LogIn(Email(name), kPassword);
    return browser;
  }

  void SaveSearch(const std::string& name, const json& territory) {
    Browser browser = SignedIn(name);
    Page saved = browser.Api("POST", "/api/v1/me/searches", SearchOf(territory));
    ASSERT_EQ(saved.status, 201) << saved.body;
  }

  int64_t Publish(listings::Kind kind, const json& fields) {
    std::vector<listings::FieldError> errors;
    auto written = listings_.Upsert(publisher_, kind, fields, &errors);
    if (!written.ok()) {
      std::string reasons;
      for (const auto& error : errors) reasons += error.field + ": " + error.message + "; ";
      throw std::runtime_error(written.status().ToString() + " " + reasons);
    }
    return written->listing.id;
  }

  std::map<std::string, OutboxRow> Outbox() {
    Connection connection = database_.db().Acquire();
    std::map<std::string, OutboxRow> rows;
    for (const storage::Row& row : connection.Query(
             "SELECT idempotency_key, to_address, subject, body_text, headers FROM mail_outbox")) {
      rows[row.Text(0)] = {row.Text(1), row.Text(2), row.Text(3), row.Text(4)};
    }
    return rows;
  }

  // (reason, channel, mailed) of each notification of `user`, by listing.
  std::map<int64_t, std::string> NotificationsOf(int64_t user) {
    Connection connection = database_.db().Acquire();
    std::map<int64_t, std::string> rows;
    for (const storage::Row& row :
         connection.Query("SELECT listing_id, reason, channel, mailed_at IS NOT NULL FROM "
                          "notifications WHERE user_id = $1",
                          {user})) {
      rows[row.Int(0)] =
          row.Text(1) + "/" + row.Text(2) + (row.Int(3) != 0 ? "/mailed" : "/waiting");
    }
    return rows;
  }

  NotificationPass MakePass() {
    return NotificationPass(database_.db(), matcher_, mail_templates_, grid_, clock_,
                            {kBaseUrl, vivrovert::testing::kTestSecret, 50});
  }

  static inline const engine::GridFile* grid_ = nullptr;
  static inline engine::SearchEngine* engine_ = nullptr;

  vivrovert::testing::TestDatabase database_;
  display::Labels labels_;  // without ROME titles: the listings here have no ROME field
  ManualClock clock_{kTuesday};
  accounts::PasswordHasher hasher_{accounts::PasswordHashLimits::Minimal(), 2};
  vivrovert::testing::NoAccountMail mailer_;
  accounts::AccountService accounts_{database_.db(),           hasher_, mailer_, clock_,
                                     SecureRandom::Instance(), kBaseUrl};
  listings::ListingService listings_{database_.db(), grid_, clock_};
  engine::SearchBackend backend_;
  leads::LeadRecorder recorder_{*grid_, *engine_};
  matching::Matcher matcher_{database_.db(), engine_};
  matching::MatchingListener matching_listener_{matcher_};
  interests::InterestListeners listeners_{{&recorder_, &matching_listener_}};
  mail::MailTemplates mail_templates_;
  std::ostringstream error_log_;
  std::unique_ptr<web::App> app_;
  partners::Partner epci_;
  listings::Publisher publisher_;
  const std::string domain_ = [] {
    std::string token = SecureRandom::Instance().Token(6);
    for (char& c : token)
      c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : 'x';
    return "exemple-" + token + ".fr";
  }();
};

const json kHouseWish = {
    {"housing_tenure", "buy"}, {"housing_type", "house"}, {"housing_price_max", 200000}};
const json kJobWish = {{"work_rome_codes", json::array({"J1506"})}};
const json kCahors = {{"communes", {"46042"}}};

TEST_F(NotificationsTest, InstantMailOnceDigestRowsForTheOthersNothingForNone) {
  const int64_t ines = Person("ines", kHouseWish, "instant");
  const int64_t denis = Person("denis", kHouseWish, "daily");
  const int64_t wanda = Person("wanda", kHouseWish, "weekly");
  const int64_t nora = Person("nora", kHouseWish, "none");
  for (const char* name : {"ines", "denis", "wanda", "nora"}) SaveSearch(name, kCahors);

  const int64_t house =
      Publish(listings::Kind::kHousing, House("m1", "Maison quercynoise", 150000));
  NotificationPass pass = MakePass();
  PassReport report = pass.Run();
  EXPECT_EQ(report.listings, 1);
  EXPECT_EQ(report.notified, 3);
  EXPECT_EQ(report.instant_mails, 1);

  std::map<std::string, OutboxRow> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  const std::string key = "instant:" + std::to_string(ines) + ":" + std::to_string(house);
  ASSERT_TRUE(outbox.contains(key));
  EXPECT_EQ(outbox[key].to, Email("ines"));
  EXPECT_EQ(outbox[key].subject, "Nouvelle annonce pour vous : Maison quercynoise");
  EXPECT_TRUE(
      Contains(outbox[key].text, "http://localhost:8080/annonces/" + std::to_string(house)));
  EXPECT_TRUE(Contains(outbox[key].text, "Prix (€), loyer mensuel pour une location : 150000"));
  EXPECT_TRUE(Contains(outbox[key].text, "/compte/profil#notifications"));
  EXPECT_TRUE(
      Contains(outbox[key].text, "/desabonnement?jeton=annonces." + std::to_string(ines) + "."));
  EXPECT_TRUE(Contains(outbox[key].headers, "List-Unsubscribe-Post"));
  EXPECT_EQ(NotificationsOf(ines),
            (std::map<int64_t, std::string>{{house, "match/instant/mailed"}}));
  EXPECT_EQ(NotificationsOf(denis),
            (std::map<int64_t, std::string>{{house, "match/digest/waiting"}}));
  EXPECT_EQ(NotificationsOf(wanda),
            (std::map<int64_t, std::string>{{house, "match/digest/waiting"}}));
  EXPECT_TRUE(NotificationsOf(nora).empty());

  // The listing changes: queued again, matched again, nobody told twice.
  clock_.Advance(60);
  EXPECT_EQ(Publish(listings::Kind::kHousing, House("m1", "Maison quercynoise", 160000)), house);
  report = pass.Run();
  EXPECT_EQ(report.listings, 1);
  EXPECT_EQ(report.notified, 0);
  EXPECT_EQ(report.already_told, 3);
  EXPECT_EQ(Outbox().size(), 1u);

  // Denis lowers his budget on his profile page: the next listing does not fit him.
  Browser denis_browser = SignedIn("denis");
  Page saved = denis_browser.Post("/compte/profil", {{"housing_tenure", "buy"},
                                                     {"housing_type", "house"},
                                                     {"housing_price_max", "100000"},
                                                     {"notification", "daily"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const int64_t second =
      Publish(listings::Kind::kHousing, House("m2", "Longère à rénover", 150000));
  report = pass.Run();
  EXPECT_EQ(report.notified, 2);  // Inès and Wanda
  EXPECT_FALSE(NotificationsOf(denis).contains(second));
  EXPECT_EQ(NotificationsOf(ines).size(), 2u);

  // Nora chooses "instant" on her page: the next listing is mailed to her at once.
  Browser nora_browser = SignedIn("nora");
  ASSERT_EQ(
      nora_browser.Post("/compte/profil", {{"housing_tenure", "buy"}, {"notification", "instant"}})
          .status,
      303);
  const int64_t third = Publish(listings::Kind::kHousing, House("m3", "Maison de bourg", 120000));
  pass.Run();
  EXPECT_TRUE(Outbox().contains("instant:" + std::to_string(nora) + ":" + std::to_string(third)));
}

TEST_F(NotificationsTest, TheInSiteListAndTheListingPage) {
  const int64_t ines = Person("ines", kHouseWish, "instant");
  SaveSearch("ines", kCahors);
  const int64_t house =
      Publish(listings::Kind::kHousing, House("m1", "Maison <quercynoise>", 150000));
  MakePass().Run();

  Browser browser = SignedIn("ines");
  Page list = browser.Get("/compte/notifications");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(Contains(list.body, "Maison &lt;quercynoise&gt;"));
  EXPECT_FALSE(Contains(list.body, "<quercynoise>"));
  // mstch escapes '/' too; browsers decode the entities in href.
  EXPECT_TRUE(Contains(list.body, "href=\"&#x2F;annonces&#x2F;" + std::to_string(house) + "\""));
  EXPECT_TRUE(Contains(list.body, "<span id=\"unread-count\">1</span>"));
  // Marking read needs the CSRF token.
  Page forged = browser.Api("POST", "/compte/notifications/lues", "{}", /*with_token=*/false);
  EXPECT_EQ(forged.status, 403);
  Page marked = browser.Post("/compte/notifications/lues", {});
  EXPECT_EQ(marked.status, 303);
  EXPECT_FALSE(Contains(browser.Get("/compte/notifications").body, "unread-count"));
  EXPECT_EQ(Browser(*app_).Get("/compte/notifications").status, 303)
      << "signed out: to the login page";

  Page page = Browser(*app_).Get("/annonces/" + std::to_string(house));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "Maison &lt;quercynoise&gt;"));
  EXPECT_TRUE(Contains(page.body, "CA du Grand Cahors"));
  EXPECT_TRUE(Contains(page.body, "Cahors (46042)"));
  ASSERT_TRUE(listings_.Withdraw(publisher_, house).ok());
  Page gone = Browser(*app_).Get("/annonces/" + std::to_string(house));
  EXPECT_EQ(gone.status, 410);
  EXPECT_TRUE(Contains(gone.body, "n'est plus en ligne"));
  EXPECT_EQ(Browser(*app_).Get("/annonces/999999").status, 404);
  EXPECT_EQ(Browser(*app_).Get("/annonces/abc").status, 404);
  (void)ines;
}

TEST_F(NotificationsTest, AListingPublishedAheadWaitsForItsFirstDay) {
  const int64_t ines = Person("ines", kHouseWish, "instant");
  SaveSearch("ines", kCahors);
  json fields = House("m1", "Maison disponible demain", 150000);
  fields["valid_from"] = "2027-03-10";
  const int64_t house = Publish(listings::Kind::kHousing, fields);
  NotificationPass pass = MakePass();
  EXPECT_EQ(pass.Run().listings, 0);
  EXPECT_TRUE(NotificationsOf(ines).empty());
  clock_.Advance(kDay);
  PassReport report = pass.Run();
  EXPECT_EQ(report.listings, 1);
  EXPECT_EQ(NotificationsOf(ines),
            (std::map<int64_t, std::string>{{house, "match/instant/mailed"}}));
}

TEST_F(NotificationsTest, DigestsCarryMatchesProspectsAndContactsOnceAndFollowFrequencies) {
  const int64_t denis = Person("denis", kHouseWish, "daily");   // a match
  const int64_t wanda = Person("wanda", kHouseWish, "weekly");  // a match, weekly
  const int64_t petra = Person("petra", kJobWish, "daily");     // clicked a tile of Cahors
  const int64_t sam = Person("sam", kJobWish, "daily");         // small search: contact news
  const int64_t bea = Person("bea", kJobWish, "daily");         // search of the whole Lot
  for (const char* name : {"denis", "wanda", "sam"}) SaveSearch(name, kCahors);
  SaveSearch("bea", {{"departements", {"46"}}});
  {
    Browser browser = SignedIn("petra");
    auto territory = engine::Territory::Resolve(*grid_, {{"46042"}, {}, {}});
    const engine::LevelView* level = grid_->level(engine::Level::k1km);
    const std::string tile = level->tile(territory->Tiles(*level).back()).ToString();
    ASSERT_EQ(browser.Api("POST", "/api/v1/clicks", json{{"tile", tile}}.dump()).status, 204);
  }
  {
    // The 200-tile rule's precondition: Sam's search is small, Béa's is not.
    Connection connection = database_.db().Acquire();
    for (const auto& [user, small] :
         std::vector<std::pair<int64_t, bool>>{{sam, true}, {bea, false}}) {
      auto row =
          connection.QueryOne("SELECT tiles FROM saved_search_tiles WHERE user_id = $1", {user});
      ASSERT_TRUE(row.has_value());
      Result<matching::TileRuns> runs = matching::DecodeTileRuns(row->Text(0));
      ASSERT_TRUE(runs.ok()) << runs.status().ToString();
      std::set<std::string> tiles;
      for (const engine::TileId& tile : runs->tiles) tiles.insert(tile.ToString());
      EXPECT_EQ(nightly::CountTiles5km(tiles) <= nightly::kMaxContactTiles5km, small)
          << nightly::CountTiles5km(tiles);
    }
  }

  // The partner's administrator: its monthly lead report (February) is due on this run.
  int64_t agent = 0;
  {
    Connection connection = database_.db().Acquire();
    accounts::NewUser user{Email("agent"), hasher_.Hash(kPassword), Role::kPartnerStaff, "Agent",
                           true};
    agent = accounts::UserStore::Create(connection, user, clock_.NowSeconds())->id;
    ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, epci_.id, agent,
                                                 partners::StaffRole::kAdmin, clock_.NowSeconds())
                    .ok());
  }
  const leads::LeadReportOptions report_options{kBaseUrl, vivrovert::testing::kTestSecret};
  nightly::LeadReportHooks reports{
      [](Connection& connection, const std::string& run_date) {
        return leads::PartnersWithReportDue(connection, run_date);
      },
      [this, report_options](Connection& connection, int64_t partner_id,
                             const std::string& run_date, int64_t now) {
        return leads::EnqueueLeadReport(connection, mail_templates_, report_options, partner_id,
                                        run_date, now);
      }};

  clock_.Advance(60);
  const int64_t house =
      Publish(listings::Kind::kHousing, House("m1", "Maison quercynoise", 150000));
  clock_.Advance(3600);
  NotificationPass pass = MakePass();
  nightly::NightlyRun run(
      database_.db(), pass, mail_templates_, grid_, clock_,
      {kBaseUrl, vivrovert::testing::kTestSecret, 2, 0, {}, nightly::RetentionPolicy{}, {}},
      reports);
  nightly::NightlyReport report = run.Run(kTuesdayDate);
  EXPECT_TRUE(report.finished);
  EXPECT_EQ(report.pass.notified, 2);  // Denis and Wanda
  EXPECT_EQ(report.digests_queued, 4);
  EXPECT_EQ(report.report_tasks_done, 1);
  EXPECT_EQ(report.report_mails, 1);

  std::map<std::string, OutboxRow> outbox = Outbox();
  const std::string report_key =
      "lead_report:" + std::to_string(epci_.id) + ":2027-02:" + std::to_string(agent);
  ASSERT_TRUE(outbox.contains(report_key));
  EXPECT_EQ(outbox[report_key].to, Email("agent"));
  EXPECT_TRUE(Contains(outbox[report_key].subject, "CA du Grand Cahors"));
  auto digest = [&](int64_t user, const std::string& period) -> const OutboxRow* {
    auto found = outbox.find("digest:" + std::to_string(user) + ":" + period);
    return found == outbox.end() ? nullptr : &found->second;
  };
  const OutboxRow* for_denis = digest(denis, kTuesdayDate);
  ASSERT_NE(for_denis, nullptr);
  EXPECT_EQ(for_denis->subject, "Votre résumé VivroVert du jour : 1 nouveauté(s)");
  EXPECT_TRUE(Contains(for_denis->text, "POUR VOUS"));
  EXPECT_TRUE(Contains(for_denis->text, "Maison quercynoise"));
  EXPECT_FALSE(Contains(for_denis->text, "DU NOUVEAU")) << "the match is not repeated as news";
  EXPECT_TRUE(Contains(for_denis->headers, "List-Unsubscribe"));
  const OutboxRow* for_wanda = digest(wanda, "2027-W10");
  ASSERT_NE(for_wanda, nullptr);
  EXPECT_TRUE(Contains(for_wanda->subject, "de la semaine"));
  const OutboxRow* for_petra = digest(petra, kTuesdayDate);
  ASSERT_NE(for_petra, nullptr);
  EXPECT_TRUE(Contains(for_petra->text, "DU NOUVEAU À Cahors (46042)"));
  EXPECT_TRUE(Contains(for_petra->text, "Maison quercynoise"));
  const OutboxRow* for_sam = digest(sam, kTuesdayDate);
  ASSERT_NE(for_sam, nullptr);
  EXPECT_TRUE(Contains(for_sam->text, "DU NOUVEAU CHEZ CA du Grand Cahors"));
  EXPECT_TRUE(Contains(for_sam->text, "« Ma recherche »"));
  EXPECT_EQ(digest(bea, kTuesdayDate), nullptr) << "over 200 tiles of 5 km: no territory news";
  EXPECT_EQ(NotificationsOf(denis),
            (std::map<int64_t, std::string>{{house, "match/digest/mailed"}}));
  EXPECT_EQ(NotificationsOf(petra),
            (std::map<int64_t, std::string>{{house, "prospect/digest/mailed"}}));
  EXPECT_EQ(NotificationsOf(sam),
            (std::map<int64_t, std::string>{{house, "contact/digest/mailed"}}));

  // The same night again: nothing more.
  report = run.Run(kTuesdayDate);
  EXPECT_EQ(report.digests_queued, 0);
  EXPECT_EQ(report.digest_tasks_done, 0);
  EXPECT_EQ(report.report_mails, 0);
  EXPECT_EQ(Outbox().size(), outbox.size());

  // Wednesday: a job in Cahors. Wanda's week is served; the house is told to nobody again;
  // Denis, who wants a house, hears of the job as news of the territory his search made
  // green (territory news does not depend on the profile).
  clock_.Advance(kDay);
  const int64_t job = Publish(listings::Kind::kJob, Job("e1", "Infirmier ou infirmière"));
  clock_.Advance(3600);
  report = run.Run(kWednesdayDate);
  outbox = Outbox();
  const OutboxRow* denis_wednesday = digest(denis, kWednesdayDate);
  ASSERT_NE(denis_wednesday, nullptr);
  EXPECT_TRUE(Contains(denis_wednesday->text, "DU NOUVEAU CHEZ CA du Grand Cahors"));
  EXPECT_TRUE(Contains(denis_wednesday->text, "Infirmier ou infirmière"));
  EXPECT_FALSE(Contains(denis_wednesday->text, "Maison quercynoise"));
  EXPECT_FALSE(Contains(denis_wednesday->text, "POUR VOUS"));
  const OutboxRow* sam_wednesday = digest(sam, kWednesdayDate);
  ASSERT_NE(sam_wednesday, nullptr);
  EXPECT_TRUE(Contains(sam_wednesday->text, "POUR VOUS"));
  EXPECT_TRUE(Contains(sam_wednesday->text, "Infirmier ou infirmière"));
  EXPECT_FALSE(Contains(sam_wednesday->text, "Maison quercynoise"));
  const OutboxRow* bea_wednesday = digest(bea, kWednesdayDate);
  ASSERT_NE(bea_wednesday, nullptr) << "a match is told whatever the search's size";
  EXPECT_TRUE(Contains(bea_wednesday->text, "Infirmier ou infirmière"));
  ASSERT_NE(digest(petra, kWednesdayDate), nullptr);
  EXPECT_TRUE(Contains(digest(petra, kWednesdayDate)->text, "Infirmier ou infirmière"));
  EXPECT_EQ(report.digests_queued, 4);
  int weekly_digests = 0;
  for (const auto& [key, row] : outbox)
    weekly_digests += key.starts_with("digest:" + std::to_string(wanda) + ":");
  EXPECT_EQ(weekly_digests, 1);
  (void)job;

  // The digests reach a real SMTP server, once each.
  SmtpConfig relay;
  relay.host = "127.0.0.1";
  relay.port = mail::testing::SharedSmtpPort();
  relay.from_address = "VivroVert <ne-pas-repondre@vivrovert.test>";
  mail::PocoSmtpTransport transport(relay);
  mail::MailSender sender(database_.db(), transport, clock_);
  EXPECT_EQ(sender.DeliverDue(100).sent, static_cast<int>(outbox.size()));
  EXPECT_EQ(sender.DeliverDue(100).total(), 0);
  std::vector<mail::testing::ReceivedMail> received =
      mail::testing::MailTo(mail::testing::SharedMaildir(), Email("denis"));
  int ours = 0;
  for (const mail::testing::ReceivedMail& mail : received) {
    if (mail.message_id ==
        mail::MessageIdFor("digest:" + std::to_string(denis) + ":" + kTuesdayDate,
                           relay.from_address)) {
      ++ours;
      EXPECT_EQ(mail.subject, "Votre résumé VivroVert du jour : 1 nouveauté(s)");
      EXPECT_TRUE(Contains(mail.text, "Maison quercynoise"));
      EXPECT_TRUE(Contains(mail.html, "Maison quercynoise"));
    }
  }
  EXPECT_EQ(ours, 1);
}

TEST_F(NotificationsTest, UndeliverableAddressesKeepTheirNotificationsForTheSite) {
  const int64_t denis = Person("denis", kHouseWish, "daily");
  SaveSearch("denis", kCahors);
  {
    Connection connection = database_.db().Acquire();
    connection.Execute(
        "INSERT INTO mail_bounces (address, first_failed_at, last_failed_at, last_error) VALUES "
        "($1, $2, $2, '550')",
        {Email("denis"), clock_.NowSeconds()});
  }
  const int64_t house =
      Publish(listings::Kind::kHousing, House("m1", "Maison quercynoise", 150000));
  NotificationPass pass = MakePass();
  nightly::NightlyRun run(
      database_.db(), pass, mail_templates_, grid_, clock_,
      {kBaseUrl, vivrovert::testing::kTestSecret, 50, 0, {}, nightly::RetentionPolicy{}, {}});
  nightly::NightlyReport report = run.Run(kTuesdayDate);
  EXPECT_EQ(report.undeliverable, 1);
  EXPECT_EQ(report.digests_queued, 0);
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(NotificationsOf(denis),
            (std::map<int64_t, std::string>{{house, "match/digest/waiting"}}));
}

}  // namespace
}  // namespace vivrovert::notifications
