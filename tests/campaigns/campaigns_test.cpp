// Campaigns end to end (domain/campaigns, web/campaigns) through the whole site (TestSite)
// on each backend over the grid of the Lot, with the mail delivered to the real SMTP sink
// of scripts/with-test-services.sh.
//
// The CA du Grand Cahors (option 3) writes a campaign; an operator approves it. Ana's saved
// search makes the agglomeration green and she never clicked it (a contact), Ben clicked a
// tile of the EPCI most similar to it; both accepted campaigns. Cléo is a contact without
// the consent, Dan clicked the agglomeration itself (a prospect, it knows him already).
#include "domain/campaigns/campaigns.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/mail/sender.hpp"
#include "domain/mail/smtp_transport.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/similarity/territory_similarity.hpp"
#include "mail/smtp_test_servers.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::campaigns {
namespace {

using accounts::Role;
using nlohmann::json;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using storage::Connection;
using subscriptions::ProductCode;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kAgglo = "200023737";

std::string SearchBody(const std::string& commune) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", {commune}}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

// Accounts keep addresses in lower case.
std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class CampaignsTest : public ::testing::Test {
 protected:
  CampaignsTest() {
    Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = PartnerKind::kEpci;
    input.name = "CA du Grand Cahors";
    input.slug = "grand-cahors";
    input.territory = {{}, {kAgglo}, {}};
    auto created = PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    agglo_ = *created;
    vivrovert::testing::Subscribe(connection, agglo_.id,
                                  {ProductCode::kBase, ProductCode::kOption3});
    // Addresses of their own in the shared Maildir (both backends run at once).
    for (const char* name : {"ana", "ben", "cleo", "dan", "editrice", "operateur"})
      email_[name] = Lower(mail::testing::UniqueAddress(name));
    editor_ = site_.CreateUser(email_["editrice"], Role::kUser, "Élise");
    EXPECT_TRUE(
        PartnerStore::SetStaff(connection, agglo_.id, editor_, partners::StaffRole::kEditor, Now())
            .ok());
    site_.CreateUser(email_["operateur"], Role::kOperator, "Opérateur");
    ana_ = site_.CreateUser(email_["ana"], Role::kUser, "Ana");
    ben_ = site_.CreateUser(email_["ben"], Role::kUser, "Ben");
    cleo_ = site_.CreateUser(email_["cleo"], Role::kUser, "Cléo");
    dan_ = site_.CreateUser(email_["dan"], Role::kUser, "Dan");
    for (int64_t person : {ana_, ben_, dan_})
      profiles::ProfileStore::SetConsents(connection, person, {{profiles::kCampaignsConsent, true}},
                                          Now());
    // Ana and Cléo: contacts (a saved search green on Cahors, no click).
    for (const char* name : {"ana", "cleo"}) {
      Browser browser = site_.SignedIn(email_[name]);
      Page saved = browser.Api("POST", "/api/v1/me/searches", SearchBody("46042"));
      EXPECT_EQ(saved.status, 201) << saved.body;
    }
    // Ben: a tile of the EPCI most like the agglomeration.
    Click("ben", SimilarTile());
    // Dan: a tile of Cahors itself.
    Click("dan", CahorsTile());
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  void Click(const std::string& name, const std::string& tile) {
    Browser browser = site_.SignedIn(email_[name]);
    Page clicked = browser.Api("POST", "/api/v1/clicks", json{{"tile", tile}}.dump());
    EXPECT_LT(clicked.status, 300) << clicked.body;
  }

  std::string CahorsTile() {
    const engine::GridFile& grid = site_.grid();
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    auto cahors = engine::Territory::Resolve(grid, {{"46042"}, {}, {}});
    return level.tile(cahors->Tiles(level).front()).ToString();
  }

  // A 1 km tile of the EPCI nearest to the agglomeration (the method of domain/similarity).
  std::string SimilarTile() {
    const engine::GridFile& grid = site_.grid();
    const similarity::SimilarityIndex index = similarity::SimilarityIndex::Build(grid);
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    auto agglo = engine::Territory::Resolve(grid, {{}, {kAgglo}, {}});
    const std::vector<similarity::Neighbour> nearest =
        index.Nearest(index.ProfileOf(grid, agglo->Tiles(level)), 1, {kAgglo});
    if (nearest.empty()) throw std::runtime_error("no EPCI like the agglomeration");
    const engine::Territory epci = engine::Territory::FromCommunes(
        *grid.CommunesWithCode(engine::GridFile::CodeKind::kEpci, nearest.front().code));
    // A tile of that EPCI outside the agglomeration (border tiles belong to both).
    const std::vector<uint32_t> own = agglo->Tiles(level);
    const std::set<uint32_t> mine(own.begin(), own.end());
    for (uint32_t tile : epci.Tiles(level)) {
      if (!mine.contains(tile)) return level.tile(tile).ToString();
    }
    throw std::runtime_error("the nearest EPCI has no tile of its own");
  }

  // Writes a campaign as the partner's editor, through the page.
  void Write(const std::string& subject, const std::string& body) {
    Browser editor = site_.SignedIn(email_["editrice"]);
    Page sent =
        editor.Post("/partenaire/grand-cahors/campagnes", {{"subject", subject}, {"body", body}});
    ASSERT_EQ(sent.status, 303) << sent.body;
  }

  int64_t Waiting() {
    Connection connection = site_.db().Acquire();
    const std::vector<Campaign> waiting = CampaignStore::Waiting(connection);
    if (waiting.empty()) throw std::runtime_error("no campaign waiting");
    return waiting.back().id;
  }

  Page Approve(int64_t id) {
    Browser operator_browser = site_.SignedIn(email_["operateur"]);
    return operator_browser.Post("/operateur/campagnes/" + std::to_string(id) + "/valider", {});
  }

  // Delivers the outbox to the shared SMTP server.
  void Deliver() {
    SmtpConfig relay;
    relay.host = "127.0.0.1";
    relay.port = mail::testing::SharedSmtpPort();
    relay.from_address = "VivroVert <ne-pas-repondre@vivrovert.test>";
    relay.timeout_seconds = 30;
    mail::PocoSmtpTransport transport(relay);
    mail::MailSender sender(site_.db(), transport, site_.clock());
    sender.DeliverDue(100);
  }

  std::vector<mail::testing::ReceivedMail> Received(const std::string& name) {
    return mail::testing::MailTo(mail::testing::SharedMaildir(), email_[name]);
  }

  vivrovert::testing::TestSite site_;
  Partner agglo_;
  std::map<std::string, std::string> email_;
  int64_t editor_ = 0, ana_ = 0, ben_ = 0, cleo_ = 0, dan_ = 0;
};

TEST_F(CampaignsTest,
       AnApprovedCampaignReachesConsentingContactsAndVisitorsOfSimilarTerritoriesOnce) {
  Write("Venez vivre au Grand Cahors", "Des maisons, des écoles et la rivière.\n\nÀ bientôt !");
  const int64_t id = Waiting();
  {
    // Nothing leaves before an operator approves.
    Connection connection = site_.db().Acquire();
    EXPECT_EQ(site_.Count("mail_outbox", "idempotency_key LIKE 'campaign:%'"), 0);
    const Audience audience = AudienceOf(connection, agglo_.id, &site_.grid(), nullptr, Now());
    EXPECT_EQ(audience.contacts, (std::vector<int64_t>{ana_}));
  }
  Page approved = Approve(id);
  ASSERT_EQ(approved.status, 303) << approved.body;

  Connection connection = site_.db().Acquire();
  std::optional<Campaign> campaign = CampaignStore::Get(connection, id);
  ASSERT_TRUE(campaign);
  EXPECT_EQ(campaign->status, "sent");
  CampaignCounts counts = CampaignStore::Counts(connection, *campaign);
  EXPECT_EQ(counts.reached, 2);
  EXPECT_EQ(counts.from_contacts, 1);
  EXPECT_EQ(counts.from_similar, 1);
  EXPECT_EQ(counts.opened_after, 0);
  EXPECT_EQ(site_.Count("mail_outbox", "idempotency_key LIKE 'campaign:%'"), 2);

  Deliver();
  std::vector<mail::testing::ReceivedMail> ana = Received("ana");
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].subject, "CA du Grand Cahors : Venez vivre au Grand Cahors");
  EXPECT_NE(ana[0].text.find("Des maisons, des écoles et la rivière."), std::string::npos)
      << ana[0].text;
  EXPECT_NE(ana[0].text.find("respecte les critères de l'une de vos recherches"),
            std::string::npos);
  EXPECT_NE(ana[0].html.find("Des maisons, des écoles et la rivière."), std::string::npos);
  EXPECT_NE(ana[0].list_unsubscribe.find("/desabonnement?jeton=campagnes."), std::string::npos)
      << ana[0].list_unsubscribe;
  EXPECT_EQ(ana[0].list_unsubscribe_post, "List-Unsubscribe=One-Click");
  std::vector<mail::testing::ReceivedMail> ben = Received("ben");
  ASSERT_EQ(ben.size(), 1u);
  EXPECT_NE(ben[0].text.find("ressemble à ceux que vous avez ouverts"), std::string::npos);
  EXPECT_TRUE(Received("cleo").empty());  // no consent
  EXPECT_TRUE(Received("dan").empty());   // already opened the territory

  // Never twice: approving again is refused, and sends nothing.
  Page again = Approve(id);
  EXPECT_EQ(again.status, 409) << again.body;
  Result<int64_t> direct = site_.site().campaign_sender().Approve(connection, id, 1, Now());
  EXPECT_EQ(direct.status().code(), StatusCode::kFailedPrecondition);
  Deliver();
  EXPECT_EQ(Received("ana").size(), 1u);

  // Ana then opens the territory: the partner sees one more opening, and counts only.
  site_.clock().Advance(3600);
  Click("ana", CahorsTile());
  counts = CampaignStore::Counts(connection, *campaign);
  EXPECT_EQ(counts.opened_after, 1);
  Browser editor = site_.SignedIn(email_["editrice"]);
  Page page = editor.Get("/partenaire/grand-cahors/campagnes");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Envoyée"), std::string::npos);
  EXPECT_NE(page.body.find("<td class=\"num reached\">2 "), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td class=\"num opened\">1</td>"), std::string::npos);
  EXPECT_EQ(page.body.find(email_["ana"]), std::string::npos);
  EXPECT_EQ(page.body.find("Ana"), std::string::npos);

  // Ana leaves through the mail's link (one-click POST): her consent is withdrawn, and the
  // next campaign does not reach her.
  const std::string link = ana[0].list_unsubscribe;
  const std::string target =
      link.substr(link.find("/desabonnement"), link.find('>') - link.find("/desabonnement"));
  Browser mail_client(site_.app());
  Page left =
      mail_client.Request("POST", target, {{"Content-Type", "application/x-www-form-urlencoded"}},
                          "List-Unsubscribe=One-Click");
  EXPECT_EQ(left.status, 200) << left.body;
  EXPECT_TRUE(
      profiles::ProfileStore::Granted(connection, profiles::kCampaignsConsent, {ana_}).empty());
  Write("Le marché de Noël", "Le marché de Noël ouvre samedi place Chapou.");
  ASSERT_EQ(Approve(Waiting()).status, 303);
  Deliver();
  EXPECT_EQ(Received("ana").size(), 1u);
  EXPECT_EQ(Received("ben").size(), 2u);
}

TEST_F(CampaignsTest, TheFormSaysWhichFieldIsWrongAndOperatorsMayRefuse) {
  Browser editor = site_.SignedIn(email_["editrice"]);
  Page empty = editor.Post("/partenaire/grand-cahors/campagnes", {{"subject", " "}, {"body", "x"}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_NE(empty.body.find("data-field=\"subject\""), std::string::npos);
  Page short_body = editor.Post("/partenaire/grand-cahors/campagnes",
                                {{"subject", "Bonjour"}, {"body", "Court"}});
  EXPECT_EQ(short_body.status, 422);
  EXPECT_NE(short_body.body.find("data-field=\"body\""), std::string::npos);
  EXPECT_NE(short_body.body.find("au moins 20 caractères"), std::string::npos);
  Page long_subject = editor.Post(
      "/partenaire/grand-cahors/campagnes",
      {{"subject", std::string(121, 'a')}, {"body", "Un message assez long pour passer."}});
  EXPECT_EQ(long_subject.status, 422);
  EXPECT_NE(long_subject.body.find("dépasse 120 caractères"), std::string::npos);

  Write("Un objet", "Un message que l'opérateur refusera.");
  const int64_t id = Waiting();
  Browser operator_browser = site_.SignedIn(email_["operateur"]);
  Page no_reason = operator_browser.Post("/operateur/campagnes/" + std::to_string(id) + "/refuser",
                                         {{"note", ""}});
  EXPECT_EQ(no_reason.status, 400);
  Page refused = operator_browser.Post("/operateur/campagnes/" + std::to_string(id) + "/refuser",
                                       {{"note", "Pas de message publicitaire pour un tiers."}});
  EXPECT_EQ(refused.status, 303);
  EXPECT_EQ(site_.Count("mail_outbox", "idempotency_key LIKE 'campaign:%'"), 0);
  Page page = editor.Get("/partenaire/grand-cahors/campagnes");
  EXPECT_NE(page.body.find("Pas de message publicitaire pour un tiers."), std::string::npos);
  EXPECT_NE(page.body.find("Refusée"), std::string::npos);
}

TEST_F(CampaignsTest, OnlyPartnersWithOption3HaveCampaigns) {
  Connection connection = site_.db().Acquire();
  partners::PartnerInput input;
  input.kind = PartnerKind::kCommune;
  input.name = "Ville de Figeac";
  input.slug = "figeac";
  input.territory = {{"46102"}, {}, {}};
  auto figeac = PartnerStore::Create(connection, input, Now());
  ASSERT_TRUE(figeac.ok());
  vivrovert::testing::Subscribe(connection, figeac->id);
  ASSERT_TRUE(
      PartnerStore::SetStaff(connection, figeac->id, editor_, partners::StaffRole::kEditor, Now())
          .ok());
  Browser editor = site_.SignedIn(email_["editrice"]);
  EXPECT_EQ(editor.Get("/partenaire/figeac/campagnes").status, 403);
  EXPECT_EQ(editor
                .Post("/partenaire/figeac/campagnes",
                      {{"subject", "Bonjour"}, {"body", "Un message assez long pour passer."}})
                .status,
            403);
}

}  // namespace
}  // namespace vivrovert::campaigns
