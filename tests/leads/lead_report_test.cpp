// Lead reports on each backend, over the grid of the Lot: people save searches and open
// tiles through the interests API, EnqueueLeadReport queues the partners' reports into the
// outbox (read back from mail_outbox), the frequency form goes through the request
// pipeline, and one report is delivered to the shared SMTP server of
// scripts/with-test-services.sh.
//
// Partners, as in leads_test.cpp: the CA du Grand Cahors (EPCI 200023737, two staff), the
// commune of Cahors (46042, inside it), Figeac (46102, outside) and a grouping whose only
// member is Figeac. The clock starts on Sunday 1 March 2026, 12:00 UTC: a daily report run
// on 2026-03-02 covers it.
#include "domain/leads/lead_report.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "domain/accounts/user_store.hpp"
#include "domain/leads/lead_recorder.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/mail/templates.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "engine/territory.hpp"
#include "smtp_test_servers.hpp"
#include "support/lot_grid.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"
#include "support/test_subscriptions.hpp"
#include "support/test_text.hpp"
#include "test_browser.hpp"
#include "web/accounts/account_routes.hpp"
#include "web/accounts/session_authenticator.hpp"
#include "web/interests/interests_api.hpp"
#include "web/leads/lead_pages.hpp"
#include "web/operator/operator_pages.hpp"
#include "web/partners/partner_pages.hpp"
#include "web_test_support.hpp"

namespace vivrovert::leads {
namespace {

using accounts::Role;
using nlohmann::json;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using partners::ReportFrequency;
using partners::StaffRole;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kBaseUrl = "http://localhost:8080";
constexpr const char* kPassword = vivrovert::testing::kTestPassword;
constexpr const char* kFormulaName = "=HYPERLINK(\"http://x\")";
constexpr int64_t kDay = 24 * 3600;

using vivrovert::testing::Contains;

std::string SearchOf(const std::vector<std::string>& communes) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", communes}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

// A queued mail as the outbox holds it.
struct QueuedMail {
  std::string key, to, subject, text, html, headers;
};

class LeadReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    grid_ = &vivrovert::testing::LotGrid();
    labels_ = display::Labels(nullptr, grid_);
    engine_ = new engine::SearchEngine(*grid_);
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  LeadReportTest() {
    backend_.grid.reset(const_cast<engine::GridFile*>(grid_));
    backend_.engine.reset(engine_);
    auto templates = web::TemplateRenderer::Load(vivrovert::testing::SourceTemplates());
    if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
    auto mail_templates = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
    if (!mail_templates.ok()) throw std::runtime_error(mail_templates.status().ToString());
    mail_templates_ = std::make_unique<mail::MailTemplates>(std::move(*mail_templates));
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
    accounts::RegisterAccountRoutes(*app_, accounts_, {cookies, {}, {}});
    interests::RegisterInterestsApi(*app_, database_.db(), backend_, clock_, &recorder_);
    const partners::PartnerPagesEnv partner_env{
        database_.db(),
        listings_,
        accounts_,
        SecureRandom::Instance(),
        {},
        [this](Connection& connection, int64_t partner_id) {
          ASSERT_TRUE(recorder_.RefreshPartner(connection, partner_id, clock_.NowSeconds()).ok());
        },
        {},
        labels_};
    partners::RegisterPartnerPages(*app_, partner_env);
    partners::RegisterOperatorPages(*app_, partner_env);
    RegisterLeadPages(*app_, database_.db(), clock_, grid_, labels_);

    Connection connection = database_.db().Acquire();
    epci_ = CreatePartner(connection, PartnerKind::kEpci, "CA du Grand Cahors", "grand-cahors",
                          {{}, {"200023737"}, {}});
    cahors_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Cahors", "cahors",
                            {{"46042"}, {}, {}});
    figeac_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Figeac", "figeac",
                            {{"46102"}, {}, {}});
    partners::PartnerInput grouping;
    grouping.kind = PartnerKind::kGrouping;
    grouping.name = "Petites villes du Lot";
    grouping.slug = "pvd-lot";
    grouping.member_ids = {figeac_.id};
    grouping_ = *PartnerStore::Create(connection, grouping, clock_.NowSeconds());
    vivrovert::testing::Subscribe(connection, grouping_.id);
    operator_id_ = CreateUser(connection, "operateur@exemple.fr", Role::kOperator, "Opératrice");
    epci_admin_ = AddStaff(connection, epci_, "admin@cahors-agglo.fr", StaffRole::kAdmin);
    epci_viewer_ = AddStaff(connection, epci_, "lecture@cahors-agglo.fr", StaffRole::kViewer);
    figeac_admin_ = AddStaff(connection, figeac_, "admin@figeac.fr", StaffRole::kAdmin);
    alice_ = CreateUser(connection, "alice@exemple.fr", Role::kUser, kFormulaName);
    bruno_ = CreateUser(connection, "bruno@exemple.fr", Role::kUser, "Bruno");
    chloe_ = CreateUser(connection, "chloe@exemple.fr", Role::kUser, "Chloé");
    profiles::Profile profile;
    profile.data = {{"funds_eur", 85000},
                    {"housing_tenure", "buy"},
                    {"household_adults", 2},
                    {"work_rome_codes", json::array({"J1506"})}};
    for (int64_t user : {alice_, bruno_, chloe_})
      profiles::ProfileStore::Put(connection, user, profile, clock_.NowSeconds());
    // Alice shares her identity and funds; Bruno nothing; Chloé her work only.
    profiles::ProfileStore::SetConsents(connection, alice_, {{"identity", true}, {"funds", true}},
                                        clock_.NowSeconds());
    profiles::ProfileStore::SetConsents(connection, chloe_, {{"work", true}}, clock_.NowSeconds());
  }

  ~LeadReportTest() override {
    (void)backend_.grid.release();
    (void)backend_.engine.release();
  }

  Partner CreatePartner(Connection& connection, PartnerKind kind, const std::string& name,
                        const std::string& slug, engine::TerritoryCodes codes) {
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, clock_.NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    vivrovert::testing::Subscribe(connection, created->id);  // the base service, in force
    return *created;
  }

  int64_t CreateUser(Connection& connection, const std::string& email, Role role,
                     const std::string& name) {
    return vivrovert::testing::CreateUser(connection, email, role, clock_.NowSeconds(), name);
  }

  int64_t AddStaff(Connection& connection, const Partner& partner, const std::string& email,
                   StaffRole role) {
    const int64_t user_id = CreateUser(connection, email, Role::kPartnerStaff, "Agent " + email);
    const Status added =
        PartnerStore::SetStaff(connection, partner.id, user_id, role, clock_.NowSeconds());
    EXPECT_TRUE(added.ok()) << added.ToString();
    return user_id;
  }

  void SetFrequency(const Partner& partner, ReportFrequency frequency) {
    Connection connection = database_.db().Acquire();
    ASSERT_TRUE(PartnerStore::SetLeadReportFrequency(connection, partner.id, frequency).ok());
  }

  Browser SignedIn(const std::string& email) {
    Browser browser(*app_);
    browser.LogIn(email, kPassword);
    return browser;
  }

  void Save(const std::string& email, const std::string& commune) {
    Browser person = SignedIn(email);
    Page saved = person.Api("POST", "/api/v1/me/searches", SearchOf({commune}));
    ASSERT_EQ(saved.status, 201) << saved.body;
  }

  void Click(const std::string& email, const std::string& commune) {
    Browser person = SignedIn(email);
    ASSERT_EQ(person.Api("POST", "/api/v1/clicks", json{{"tile", TileOf(commune)}}.dump()).status,
              204);
  }

  static std::string TileOf(const std::string& commune) {
    auto territory = engine::Territory::Resolve(*grid_, {{commune}, {}, {}});
    const engine::LevelView* level = grid_->level(engine::Level::k1km);
    return level->tile(territory->Tiles(*level).front()).ToString();
  }

  LeadReportOptions Options() const {
    LeadReportOptions options{kBaseUrl, vivrovert::testing::kTestSecret};
    options.labels = &labels_;
    return options;
  }

  // EnqueueLeadReport in its own committed transaction; the count of mails queued.
  int Enqueue(const Partner& partner, const std::string& run_date) {
    Connection connection = database_.db().Acquire();
    storage::Transaction transaction(connection);
    Result<int> queued = EnqueueLeadReport(connection, *mail_templates_, Options(), partner.id,
                                           run_date, clock_.NowSeconds());
    EXPECT_TRUE(queued.ok()) << queued.status().ToString();
    transaction.Commit();
    return queued.ok() ? *queued : -1;
  }

  std::vector<QueuedMail> Outbox() {
    Connection connection = database_.db().Acquire();
    std::vector<QueuedMail> mails;
    for (const storage::Row& row :
         connection.Query("SELECT idempotency_key, to_address, subject, body_text, body_html, "
                          "headers FROM mail_outbox ORDER BY id")) {
      mails.push_back(
          {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5)});
    }
    return mails;
  }

  std::vector<QueuedMail> OutboxTo(const std::string& address) {
    std::vector<QueuedMail> mails;
    for (QueuedMail& mail : Outbox()) {
      if (mail.to == address) mails.push_back(std::move(mail));
    }
    return mails;
  }

  std::vector<int64_t> Due(const std::string& run_date) {
    Connection connection = database_.db().Acquire();
    return PartnersWithReportDue(connection, run_date);
  }

  ReportFrequency FrequencyOf(const Partner& partner) {
    Connection connection = database_.db().Acquire();
    return PartnerStore::Get(connection, partner.id)->lead_report_frequency;
  }

  static inline const engine::GridFile* grid_ = nullptr;
  static inline display::Labels labels_;
  static inline engine::SearchEngine* engine_ = nullptr;

  vivrovert::testing::TestDatabase database_;
  ManualClock clock_{vivrovert::testing::kTestNow};
  accounts::PasswordHasher hasher_{accounts::PasswordHashLimits::Minimal(), 2};
  vivrovert::testing::NoAccountMail mailer_;
  accounts::AccountService accounts_{database_.db(),           hasher_, mailer_, clock_,
                                     SecureRandom::Instance(), kBaseUrl};
  listings::ListingService listings_{database_.db(), grid_, clock_};
  engine::SearchBackend backend_;
  LeadRecorder recorder_{*grid_, *engine_};
  std::ostringstream error_log_;
  std::unique_ptr<web::App> app_;
  std::unique_ptr<mail::MailTemplates> mail_templates_;
  Partner epci_, cahors_, figeac_, grouping_;
  int64_t operator_id_ = 0, epci_admin_ = 0, epci_viewer_ = 0, figeac_admin_ = 0, alice_ = 0,
          bruno_ = 0, chloe_ = 0;
};

TEST_F(LeadReportTest, EveryStaffMemberGetsTheNewPeopleNamedOnlyWithConsent) {
  for (const char* email : {"alice@exemple.fr", "bruno@exemple.fr", "chloe@exemple.fr"})
    Save(email, "46042");
  Click("alice@exemple.fr", "46042");
  SetFrequency(epci_, ReportFrequency::kDaily);

  EXPECT_EQ(Enqueue(epci_, "2026-03-02"), 2) << "the administrator and the viewer";
  std::vector<QueuedMail> mails = Outbox();
  ASSERT_EQ(mails.size(), 2u);
  for (const QueuedMail& mail : mails) {
    const int64_t user = mail.to == "admin@cahors-agglo.fr" ? epci_admin_ : epci_viewer_;
    EXPECT_EQ(mail.key,
              "lead_report:" + std::to_string(epci_.id) + ":2026-03-01:" + std::to_string(user));
    EXPECT_EQ(mail.subject,
              "CA du Grand Cahors : 2 nouveaux contacts, 1 nouveau prospect (1er mars 2026)");
    // Counts: Alice is a prospect (she opened a tile), Bruno and Chloé contacts.
    EXPECT_TRUE(Contains(mail.text, "Nouveaux contacts : 2")) << mail.text;
    EXPECT_TRUE(Contains(mail.text, "Nouveaux prospects : 1")) << mail.text;
    // Alice is named with her e-mail and funds; Chloé only by her work; Bruno not at all.
    EXPECT_TRUE(Contains(mail.text, "Prospect depuis le 01/03/2026 : " + std::string(kFormulaName) +
                                        " <alice@exemple.fr>"))
        << mail.text;
    EXPECT_TRUE(Contains(mail.text, "85")) << "Alice's funds";
    EXPECT_TRUE(Contains(
        mail.text, "Contact depuis le 01/03/2026 : Personne qui ne partage pas son identité"));
    EXPECT_TRUE(Contains(mail.text, "J1506")) << "Chloé's work";
    EXPECT_TRUE(Contains(mail.text, "Communes : Cahors"));
    EXPECT_FALSE(Contains(mail.text + mail.html, "Bruno"));
    EXPECT_FALSE(Contains(mail.text + mail.html, "bruno@exemple.fr"));
    EXPECT_FALSE(Contains(mail.text + mail.html, "Chloé"));
    EXPECT_FALSE(Contains(mail.text + mail.html, "chloe@exemple.fr"));
    EXPECT_TRUE(
        Contains(mail.text, "1 nouvelle personne n'a pas consenti à partager ses informations"))
        << mail.text;
    EXPECT_TRUE(Contains(mail.text, "http://localhost:8080/partenaire/grand-cahors/contacts\n"));
    EXPECT_TRUE(
        Contains(mail.text, "http://localhost:8080/partenaire/grand-cahors/contacts#rapport"));
    EXPECT_TRUE(Contains(mail.text, "Ce rapport vous arrive : chaque jour, pour la veille."));
    // The HTML escapes what people typed.
    EXPECT_FALSE(Contains(mail.html, kFormulaName));
    EXPECT_TRUE(Contains(mail.html, "=HYPERLINK(&quot;http:&#x2F;&#x2F;x&quot;)")) << mail.html;
    // The unsubscribe link is the recipient's, in the body and the RFC 8058 headers.
    const std::string unsubscribe = mail::UnsubscribeUrl(kBaseUrl, vivrovert::testing::kTestSecret,
                                                         mail::MailList::kLeadReports, user);
    EXPECT_TRUE(Contains(mail.text, unsubscribe));
    const json headers = json::parse(mail.headers);
    EXPECT_EQ(
        headers,
        json::parse(
            json::array({json::array({"List-Unsubscribe", "<" + unsubscribe + ">"}),
                         json::array({"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})})
                .dump()));
  }

  // The commune of Cahors, inside the EPCI, has the same new people.
  Connection connection = database_.db().Acquire();
  Result<ReportPeriod> period = ReportPeriodFor(ReportFrequency::kDaily, "2026-03-02");
  ASSERT_TRUE(period.ok());
  LeadReportContent cahors = ComputeLeadReport(connection, cahors_.id, *period);
  EXPECT_EQ(cahors.new_contacts.size(), 2u);
  EXPECT_EQ(cahors.new_prospects.size(), 1u);
}

TEST_F(LeadReportTest, ACommunesLeadIsInItsEpcisReportAndAMembersInItsGroupings) {
  Connection connection = database_.db().Acquire();
  const int64_t mairie = AddStaff(connection, cahors_, "mairie@cahors.fr", StaffRole::kViewer);
  const int64_t pvd = AddStaff(connection, grouping_, "pvd@exemple.fr", StaffRole::kAdmin);
  Save("alice@exemple.fr", "46042");
  Save("bruno@exemple.fr", "46102");
  for (const Partner* partner : {&epci_, &cahors_, &figeac_, &grouping_}) {
    EXPECT_GE(Enqueue(*partner, "2026-04-01"), 1) << partner->slug;  // monthly by default: March
  }
  (void)mairie;
  (void)pvd;
  for (const char* to : {"admin@cahors-agglo.fr", "mairie@cahors.fr"}) {
    std::vector<QueuedMail> mails = OutboxTo(to);
    ASSERT_EQ(mails.size(), 1u) << to;
    EXPECT_TRUE(Contains(mails[0].subject, "1 nouveau contact, aucun nouveau prospect (mars 2026)"))
        << mails[0].subject;
    EXPECT_TRUE(Contains(mails[0].text, "alice@exemple.fr")) << to;
  }
  for (const char* to : {"admin@figeac.fr", "pvd@exemple.fr"}) {
    std::vector<QueuedMail> mails = OutboxTo(to);
    ASSERT_EQ(mails.size(), 1u) << to;
    EXPECT_TRUE(Contains(mails[0].text, "Nouveaux contacts : 1")) << to;
    EXPECT_FALSE(Contains(mails[0].text, "alice@exemple.fr")) << to;
    EXPECT_FALSE(Contains(mails[0].text, "bruno@exemple.fr")) << "Bruno consented to nothing";
  }
  EXPECT_TRUE(
      Contains(OutboxTo("pvd@exemple.fr")[0].subject, "Petites villes du Lot : 1 nouveau contact"));
}

TEST_F(LeadReportTest, OnlyPeopleWhoBecameLeadsInThePeriodAreNewAndAQuietPeriodIsStillReported) {
  SetFrequency(epci_, ReportFrequency::kDaily);
  Save("alice@exemple.fr", "46042");
  Save("bruno@exemple.fr", "46042");
  EXPECT_EQ(Enqueue(epci_, "2026-03-02"), 2);

  // Monday: Bruno, a contact since Sunday, opens a tile and becomes a prospect; an
  // anonymous visitor opens one too.
  clock_.Advance(kDay);
  Click("bruno@exemple.fr", "46042");
  Browser visitor(*app_);
  ASSERT_EQ(visitor.Get("/compte/connexion").status, 200);
  ASSERT_EQ(visitor.Api("POST", "/api/v1/clicks", json{{"tile", TileOf("46042")}}.dump()).status,
            204);
  clock_.Advance(kDay);
  EXPECT_EQ(Enqueue(epci_, "2026-03-03"), 2);
  std::vector<QueuedMail> monday = OutboxTo("admin@cahors-agglo.fr");
  ASSERT_EQ(monday.size(), 2u);
  EXPECT_EQ(monday[1].subject,
            "CA du Grand Cahors : aucun nouveau contact, 1 nouveau prospect (2 mars 2026)");
  EXPECT_TRUE(Contains(monday[1].text, "Clics anonymes sur les dalles de votre territoire : 1"))
      << monday[1].text;
  EXPECT_FALSE(Contains(monday[1].text, "alice@exemple.fr")) << "Alice was already a contact";
  EXPECT_TRUE(Contains(monday[1].text, "1 nouvelle personne n'a pas consenti")) << "Bruno, counted";

  // Tuesday: nothing new, the report still comes and says so.
  clock_.Advance(kDay);
  EXPECT_EQ(Enqueue(epci_, "2026-03-04"), 2);
  std::vector<QueuedMail> tuesday = OutboxTo("admin@cahors-agglo.fr");
  ASSERT_EQ(tuesday.size(), 3u);
  EXPECT_EQ(tuesday[2].subject,
            "CA du Grand Cahors : aucun nouveau contact, aucun nouveau prospect (3 mars 2026)");
  EXPECT_TRUE(Contains(tuesday[2].text, "Aucun nouveau contact ni prospect sur cette période."))
      << tuesday[2].text;
  EXPECT_TRUE(Contains(tuesday[2].text, "Clics anonymes sur les dalles de votre territoire : 0"));
  EXPECT_TRUE(Contains(tuesday[2].html, "Aucun nouveau contact ni prospect sur cette période."));
}

TEST_F(LeadReportTest, AtMostTwoHundredPeopleAreNamedAndTheOthersPointToTheDashboard) {
  // 202 consenting prospects, recorded directly (as the recorder would) to spare 202 logins.
  {
    Connection connection = database_.db().Acquire();
    storage::Transaction transaction(connection);
    const std::string hash = hasher_.Hash(kPassword);
    const std::string tile = TileOf("46042");
    for (int person = 0; person < 202; ++person) {
      const std::string email = "personne" + std::to_string(person) + "@exemple.fr";
      auto user = accounts::UserStore::Create(
          connection, {email, hash, Role::kUser, "Personne " + std::to_string(person), true},
          clock_.NowSeconds());
      ASSERT_TRUE(user.ok()) << user.status().ToString();
      profiles::ProfileStore::SetConsents(connection, user->id, {{"identity", true}},
                                          clock_.NowSeconds());
      const int64_t click = connection
                                .QueryOne(
                                    "INSERT INTO tile_clicks (user_id, tile, linked, clicked_at) "
                                    "VALUES ($1, $2, 0, $3) RETURNING id",
                                    {user->id, tile, clock_.NowSeconds()})
                                ->Int(0);
      LeadStore::RecordClick(connection, click, epci_.id, user->id, tile, {"46042"}, false,
                             clock_.NowSeconds());
    }
    transaction.Commit();
  }
  EXPECT_EQ(Enqueue(epci_, "2026-04-01"), 2);
  const QueuedMail mail = OutboxTo("admin@cahors-agglo.fr").at(0);
  EXPECT_TRUE(Contains(mail.subject, "202 nouveaux prospects")) << mail.subject;
  size_t named = 0;
  for (size_t at = mail.text.find("- Prospect depuis"); at != std::string::npos;
       at = mail.text.find("- Prospect depuis", at + 1)) {
    ++named;
  }
  EXPECT_EQ(named, 200u);
  EXPECT_TRUE(Contains(mail.text, "… et 2 autres, voir le tableau de bord."))
      << mail.text.substr(mail.text.size() - 800);
  EXPECT_TRUE(Contains(mail.html, "… et 2 autres, voir le tableau de bord."));
}

TEST_F(LeadReportTest, DuePartnersFollowTheirFrequencyAndEachPeriodIsSentOnce) {
  SetFrequency(epci_, ReportFrequency::kDaily);
  SetFrequency(cahors_, ReportFrequency::kWeekly);
  // Figeac keeps the default, monthly; the grouping wants none.
  SetFrequency(grouping_, ReportFrequency::kNone);
  EXPECT_EQ(FrequencyOf(figeac_), ReportFrequency::kMonthly);
  const std::vector<int64_t> all = {epci_.id, cahors_.id, figeac_.id};
  EXPECT_EQ(Due("2026-03-02"), all);

  EXPECT_EQ(Enqueue(epci_, "2026-03-02"), 2);
  EXPECT_EQ(Enqueue(cahors_, "2026-03-02"), 0) << "no staff, but the period is done";
  EXPECT_EQ(Enqueue(figeac_, "2026-03-02"), 1);
  EXPECT_EQ(Enqueue(grouping_, "2026-03-02"), 0);
  EXPECT_TRUE(Due("2026-03-02").empty());
  // Twice the same run, or a later day of the same period: nothing more.
  EXPECT_EQ(Enqueue(epci_, "2026-03-02"), 0);
  EXPECT_EQ(Enqueue(figeac_, "2026-03-20"), 0) << "February was reported";
  EXPECT_EQ(Outbox().size(), 3u);

  EXPECT_EQ(Due("2026-03-03"), std::vector<int64_t>{epci_.id});
  EXPECT_EQ(Due("2026-03-08"), std::vector<int64_t>{epci_.id})
      << "the week of 2 March is not over on Sunday";
  EXPECT_EQ(Due("2026-03-09"), (std::vector<int64_t>{epci_.id, cahors_.id}));
  EXPECT_EQ(Due("2026-04-01"), all);
  // A missed day is caught up: the week is still due on Wednesday.
  EXPECT_EQ(Due("2026-03-11"), (std::vector<int64_t>{epci_.id, cahors_.id}));

  Connection connection = database_.db().Acquire();
  EXPECT_EQ(EnqueueLeadReport(connection, *mail_templates_, Options(), 999999, "2026-03-02",
                              clock_.NowSeconds())
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(EnqueueLeadReport(connection, *mail_templates_, Options(), epci_.id, "2 mars",
                              clock_.NowSeconds())
                .status()
                .field(),
            "run_date");
  EXPECT_THROW(PartnersWithReportDue(connection, "2026-02-30"), std::invalid_argument);
}

TEST_F(LeadReportTest, StaffWhoLeftTheListOrWhoseAddressBouncesAreSkipped) {
  Connection connection = database_.db().Acquire();
  AddStaff(connection, epci_, "redaction@cahors-agglo.fr", StaffRole::kEditor);
  connection.Execute("INSERT INTO mail_opt_outs (user_id, list, created_at) VALUES ($1, $2, $3)",
                     {epci_admin_, std::string("lead_reports"), clock_.NowSeconds()});
  connection.Execute(
      "INSERT INTO mail_bounces (address, first_failed_at, last_failed_at) VALUES ($1, $2, $2)",
      {std::string("lecture@cahors-agglo.fr"), clock_.NowSeconds()});
  Save("alice@exemple.fr", "46042");
  EXPECT_EQ(Enqueue(epci_, "2026-04-01"), 1);
  std::vector<QueuedMail> mails = Outbox();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, "redaction@cahors-agglo.fr");
  EXPECT_EQ(Enqueue(epci_, "2026-04-02"), 0) << "the period is done, whoever got it";
}

TEST_F(LeadReportTest, TheFrequencyIsChosenByTheAdministratorsAndOperatorsOnly) {
  Browser admin = SignedIn("admin@cahors-agglo.fr");
  Page page = admin.Get("/partenaire/grand-cahors/contacts");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "id=\"lead-report-form\""));
  EXPECT_TRUE(
      Contains(page.body, "<option value=\"monthly\" selected>Chaque mois (le 1er)</option>"))
      << page.body;

  Page changed = admin.Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "weekly"}});
  ASSERT_EQ(changed.status, 303) << changed.body;
  EXPECT_EQ(changed.location, "/partenaire/grand-cahors/contacts#rapport");
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kWeekly);
  EXPECT_TRUE(Contains(admin.Get("/partenaire/grand-cahors").body, "Chaque semaine (le lundi)"));

  Page bad = admin.Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "hourly"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(bad.body, "Fréquence du rapport inconnue")) << bad.body;
  const std::string token = admin.csrf_token;
  admin.csrf_token = "forged";
  EXPECT_EQ(admin.Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "none"}}).status,
            403);
  admin.csrf_token = token;
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kWeekly);

  // A viewer sees the frequency, without the form, and may not change it.
  Browser viewer = SignedIn("lecture@cahors-agglo.fr");
  Page read = viewer.Get("/partenaire/grand-cahors/contacts");
  EXPECT_TRUE(Contains(read.body, "Chaque semaine (le lundi)"));
  EXPECT_FALSE(Contains(read.body, "id=\"lead-report-form\""));
  EXPECT_EQ(
      viewer.Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "none"}}).status,
      403);
  // Another partner's administrator and an exodeur do not even see it exists.
  EXPECT_EQ(SignedIn("admin@figeac.fr")
                .Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "none"}})
                .status,
            404);
  EXPECT_EQ(SignedIn("alice@exemple.fr")
                .Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "none"}})
                .status,
            404);
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kWeekly);

  // An operator may, on the page and in the partner form.
  Browser operator_browser = SignedIn("operateur@exemple.fr");
  ASSERT_EQ(operator_browser.Get("/partenaire/grand-cahors/contacts").status, 200);
  EXPECT_EQ(
      operator_browser.Post("/partenaire/grand-cahors/contacts/rapport", {{"frequence", "daily"}})
          .status,
      303);
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kDaily);
  const std::string form_url = "/operateur/partenaires/" + std::to_string(epci_.id);
  Page form = operator_browser.Get(form_url);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Contains(form.body, "<option value=\"daily\" selected>Chaque jour</option>"))
      << form.body;
  const web::Fields fields = {{"kind", "epci"},         {"name", "CA du Grand Cahors"},
                              {"slug", "grand-cahors"}, {"communes", ""},
                              {"epcis", "200023737"},   {"departements", ""}};
  web::Fields none = fields;
  none.emplace_back("lead_report_frequency", "none");
  EXPECT_EQ(operator_browser.Post(form_url, none).status, 303);
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kNone);
  web::Fields wrong = fields;
  wrong.emplace_back("lead_report_frequency", "sometimes");
  Page refused = operator_browser.Post(form_url, wrong);
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(Contains(refused.body, "Fréquence du rapport inconnue : « sometimes »"))
      << refused.body;
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kNone);
  // A form without the field (an older page) keeps the frequency.
  EXPECT_EQ(operator_browser.Post(form_url, fields).status, 303);
  EXPECT_EQ(FrequencyOf(epci_), ReportFrequency::kNone);
}

TEST_F(LeadReportTest, AReportIsDeliveredThroughSmtpWithItsUnsubscribeHeaders) {
  const std::string address = mail::testing::UniqueAddress("rapport");
  int64_t user = 0;
  {
    Connection connection = database_.db().Acquire();
    user = AddStaff(connection, figeac_, address, StaffRole::kEditor);
  }
  SetFrequency(figeac_, ReportFrequency::kDaily);
  Save("bruno@exemple.fr", "46102");
  EXPECT_EQ(Enqueue(figeac_, "2026-03-02"), 2);

  SmtpConfig relay;
  relay.host = "127.0.0.1";
  relay.port = mail::testing::SharedSmtpPort();
  relay.from_address = "VivroVert <ne-pas-repondre@vivrovert.test>";
  mail::PocoSmtpTransport transport(relay);
  mail::MailSender sender(database_.db(), transport, clock_);
  EXPECT_EQ(sender.DeliverDue(10).sent, 2);

  std::vector<mail::testing::ReceivedMail> received =
      mail::testing::MailTo(mail::testing::SharedMaildir(), address);
  ASSERT_EQ(received.size(), 1u);
  const mail::testing::ReceivedMail& mail = received[0];
  EXPECT_EQ(mail.subject,
            "Ville de Figeac : 1 nouveau contact, aucun nouveau prospect (1er mars 2026)");
  EXPECT_EQ(mail.list_unsubscribe,
            "<" +
                mail::UnsubscribeUrl(kBaseUrl, vivrovert::testing::kTestSecret,
                                     mail::MailList::kLeadReports, user) +
                ">");
  EXPECT_TRUE(
      mail.list_unsubscribe.starts_with("<http://localhost:8080/desabonnement?jeton=rapports."))
      << mail.list_unsubscribe;
  EXPECT_EQ(mail.list_unsubscribe_post, "List-Unsubscribe=One-Click");
  EXPECT_EQ(mail.content_type, "multipart/alternative");
  EXPECT_TRUE(Contains(mail.text, "Nouveaux contacts : 1")) << mail.text;
  EXPECT_TRUE(Contains(mail.html, "Voir le tableau de bord"));
}

}  // namespace
}  // namespace vivrovert::leads
