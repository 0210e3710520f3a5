// Skills alerts end to end (domain/skills/skill_alerts.hpp) through the whole site
// (TestSite) and its matching pass, on each backend over the grid of the Lot.
//
// The CA du Grand Cahors (option 3) publishes a job (ROME J1506) in one of its communes far
// from Cahors. Ana looked at the territory (her saved search is green on Cahors); Ben and
// Cléo looked only at Figeac, with criteria the agglomeration meets fully; Ben consented to
// offers of territories he did not look at, Cléo did not; Dan looked but wants no
// notification; Eve has another trade. The site's skills index follows the profile and CV
// pages at once.
#include "domain/skills/skill_alerts.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/listings/listing_service.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/profiles/profile.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::skills {
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

std::string SearchBody(const std::string& commune) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", {commune}}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

class SkillAlertsTest : public ::testing::Test {
 protected:
  explicit SkillAlertsTest(int per_job = 200, int per_person_week = 3)
      : site_([per_job, per_person_week](Config& config) {
          config.skills_alerts_per_job = per_job;
          config.skills_alerts_per_person_week = per_person_week;
        }) {
    Connection connection = site_.db().Acquire();
    agglo_ = CreatePartner(connection, PartnerKind::kEpci, "CA du Grand Cahors", "grand-cahors",
                           {{}, {"200023737"}, {}});
    vivrovert::testing::Subscribe(connection, agglo_.id,
                                  {ProductCode::kBase, ProductCode::kOption3});
    figeac_ = CreatePartner(connection, PartnerKind::kCommune, "Ville de Figeac", "figeac",
                            {{"46102"}, {}, {}});
    vivrovert::testing::Subscribe(connection, figeac_.id);
    ana_ = Person(connection, "ana", "J1506", "instant");
    ben_ = Person(connection, "ben", "J1506", "instant");
    cleo_ = Person(connection, "cleo", "J1506", "instant");
    dan_ = Person(connection, "dan", "J1506", "none");
    eve_ = Person(connection, "eve", "A1101", "instant");
    profiles::ProfileStore::SetConsents(connection, ben_, {{profiles::kUnvisitedJobsConsent, true}},
                                        Now());
    profiles::ProfileStore::SetConsents(connection, cleo_,
                                        {{profiles::kUnvisitedJobsConsent, false}}, Now());
    for (const auto& [name, commune] :
         std::vector<std::pair<std::string, std::string>>{{"ana", "46042"},
                                                          {"dan", "46042"},
                                                          {"eve", "46042"},
                                                          {"ben", "46102"},
                                                          {"cleo", "46102"}}) {
      Browser browser = site_.SignedIn(name + "@exemple.fr");
      Page saved = browser.Api("POST", "/api/v1/me/searches", SearchBody(commune));
      EXPECT_EQ(saved.status, 201) << saved.body;
    }
    far_commune_ = FarCommune();
    // The people were written behind the site's back: its skills index reads them as at a
    // start (the pages call it themselves, see the tests below).
    site_.site().skill_index().Rebuild(Now());
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  int64_t Person(Connection& connection, const std::string& name, const std::string& rome,
                 const std::string& notification) {
    const int64_t id = site_.CreateUser(name + "@exemple.fr", Role::kUser, name);
    profiles::ProfileStore::Put(
        connection, id, {{{"work_rome_codes", json::array({rome})}}, notification, 0}, Now());
    return id;
  }

  Partner CreatePartner(Connection& connection, PartnerKind kind, const std::string& name,
                        const std::string& slug, engine::TerritoryCodes codes) {
    partners::PartnerInput input;
    input.kind = kind;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return *created;
  }

  // A commune of the agglomeration none of whose 5 km tiles holds a tile of Cahors, so the
  // job is nowhere near Ana's green tiles (the matcher does not tell her of it).
  std::string FarCommune() {
    const engine::GridFile& grid = site_.grid();
    const engine::LevelView& level = *grid.level(engine::Level::k5km);
    auto cahors = engine::Territory::Resolve(grid, {{"46042"}, {}, {}});
    const std::vector<uint32_t> cahors_tiles = cahors->Tiles(level);
    const std::set<uint32_t> near(cahors_tiles.begin(), cahors_tiles.end());
    for (uint32_t commune :
         *grid.CommunesWithCode(engine::GridFile::CodeKind::kEpci, "200023737")) {
      const std::vector<uint32_t> tiles = engine::Territory::FromCommunes({commune}).Tiles(level);
      bool touches = false;
      for (uint32_t tile : tiles) touches = touches || near.contains(tile);
      if (!touches && !tiles.empty()) return grid.communes()[commune].code;
    }
    throw std::runtime_error("no commune of the agglomeration away from Cahors");
  }

  int64_t PublishJob(const Partner& partner, const std::string& external_id,
                     const std::string& commune, const std::string& rome = "J1506") {
    Connection connection = site_.db().Acquire();
    Result<engine::Territory> territory =
        partners::ResolveTerritory(connection, site_.grid(), partner);
    if (!territory.ok()) throw std::runtime_error(territory.status().ToString());
    listings::ListingService service(site_.db(), &site_.grid(), site_.clock());
    std::vector<listings::FieldError> errors;
    auto written = service.Upsert(partners::PublisherFor(partner, *territory), listings::Kind::kJob,
                                  {{"external_id", external_id},
                                   {"title", "Développeur ou développeuse web"},
                                   {"commune_code", commune},
                                   {"rome_code", rome},
                                   {"contract", "cdi"}},
                                  &errors);
    std::string reasons;
    for (const auto& error : errors) reasons += error.field + ": " + error.message + "; ";
    if (!written.ok()) throw std::runtime_error(written.status().ToString() + " " + reasons);
    return written->listing.id;
  }

  void RunPass() { site_.site().notification_pass().Run(); }

  std::set<int64_t> AlertedOf(int64_t listing) {
    Connection connection = site_.db().Acquire();
    std::set<int64_t> people;
    for (const SkillAlertStore::Sent& sent : SkillAlertStore::OfListing(connection, listing))
      people.insert(sent.user_id);
    return people;
  }
  int64_t SkillMails() {
    return site_.Count("mail_outbox", "subject LIKE 'Une offre d''emploi pour vos compétences%'");
  }

  vivrovert::testing::TestSite site_;
  Partner agglo_, figeac_;
  int64_t ana_ = 0, ben_ = 0, cleo_ = 0, dan_ = 0, eve_ = 0;
  std::string far_commune_;
};

TEST_F(SkillAlertsTest, PeopleWhoLookedOrConsentedAreToldOnceAndOnlyThem) {
  const int64_t job = PublishJob(agglo_, "dev-1", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(job), (std::set<int64_t>{ana_, ben_}));
  {
    Connection connection = site_.db().Acquire();
    for (const SkillAlertStore::Sent& sent : SkillAlertStore::OfListing(connection, job))
      EXPECT_EQ(sent.unvisited, sent.user_id == ben_) << sent.user_id;
  }
  // Told as they chose: an instant mail each, recorded in the notification ledger.
  EXPECT_EQ(SkillMails(), 2);
  EXPECT_EQ(site_.Count("mail_outbox",
                        "to_address = 'ben@exemple.fr' AND body_text LIKE "
                        "'%territoires que vous n''avez pas consultés%'"),
            1);
  EXPECT_EQ(site_.Count("mail_outbox",
                        "to_address = 'ana@exemple.fr' AND body_text LIKE "
                        "'%territoires que vous n''avez pas consultés%'"),
            0);
  EXPECT_EQ(site_.Count("notifications", "listing_id = " + std::to_string(job)), 2);

  // Never twice: the pass again, and the listing changed and queued again.
  RunPass();
  Connection connection = site_.db().Acquire();
  EXPECT_EQ(SkillMails(), 2);
  {
    // The publisher changes the listing (same external id): it is queued again.
    listings::ListingService service(site_.db(), &site_.grid(), site_.clock());
    Result<engine::Territory> territory =
        partners::ResolveTerritory(connection, site_.grid(), agglo_);
    std::vector<listings::FieldError> errors;
    auto written = service.Upsert(partners::PublisherFor(agglo_, *territory), listings::Kind::kJob,
                                  {{"external_id", "dev-1"},
                                   {"title", "Développeur web (H/F)"},
                                   {"commune_code", far_commune_},
                                   {"rome_code", "J1506"},
                                   {"contract", "cdi"}},
                                  &errors);
    ASSERT_TRUE(written.ok());
  }
  RunPass();
  EXPECT_EQ(SkillMails(), 2);
  EXPECT_EQ(AlertedOf(job), (std::set<int64_t>{ana_, ben_}));
  EXPECT_EQ(site_.Count("notifications", "listing_id = " + std::to_string(job)), 2);
}

TEST_F(SkillAlertsTest, WithdrawingTheConsentStopsUnvisitedOffers) {
  // On the profile page: the skills index follows at once.
  Browser ben = site_.SignedIn("ben@exemple.fr");
  Page saved =
      ben.Post("/compte/profil", {{"notification", "instant"}, {"work_rome_codes", "J1506"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const int64_t job = PublishJob(agglo_, "dev-1", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(job), (std::set<int64_t>{ana_}));
}

TEST_F(SkillAlertsTest, ATradeChangedOnTheProfilePageCountsForTheNextJob) {
  // Eve looked at Cahors with another trade; she adds J1506 on her profile page.
  const int64_t before = PublishJob(agglo_, "dev-1", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(before), (std::set<int64_t>{ana_, ben_}));
  Browser eve = site_.SignedIn("eve@exemple.fr");
  Page saved = eve.Post("/compte/profil",
                        {{"notification", "instant"}, {"work_rome_codes", "A1101, J1506"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  const int64_t after = PublishJob(agglo_, "dev-2", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(after), (std::set<int64_t>{ana_, ben_, eve_}));
}

TEST_F(SkillAlertsTest, OnlyPartnersWithOption3SendSkillsAlerts) {
  const int64_t job = PublishJob(figeac_, "dev-f", "46102");
  RunPass();
  EXPECT_TRUE(AlertedOf(job).empty());
  EXPECT_EQ(SkillMails(), 0);
}

TEST_F(SkillAlertsTest, TheProfilePageOffersTheConsentOffByDefault) {
  Browser cleo = site_.SignedIn("cleo@exemple.fr");
  Page page = cleo.Get("/compte/profil");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("name=\"unvisited_jobs\" value=\"1\">"), std::string::npos);
  Page saved = cleo.Post(
      "/compte/profil",
      {{"notification", "instant"}, {"work_rome_codes", "J1506"}, {"unvisited_jobs", "1"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  Connection connection = site_.db().Acquire();
  EXPECT_EQ(
      profiles::ProfileStore::Granted(connection, profiles::kUnvisitedJobsConsent, {ben_, cleo_}),
      (std::vector<int64_t>{ben_, cleo_}));  // ids ascending: Ben was created first
  // The consent discloses nothing: it is not one of the partners' scopes.
  EXPECT_FALSE(profiles::IsDisclosureScope(profiles::kUnvisitedJobsConsent));
}

TEST_F(SkillAlertsTest, ACvPublishedOrWithdrawnOnItsPageCountsForTheNextJob) {
  // Eve looked at Cahors with another trade; her CV gives the job's.
  Browser eve = site_.SignedIn("eve@exemple.fr");
  Page published = eve.Post("/compte/cv", {{"title", "Développeuse web"},
                                           {"commune_code", "46042"},
                                           {"rome_codes", "J1506"},
                                           {"consent", "oui"}});
  ASSERT_EQ(published.status, 303) << published.body;
  const int64_t first = PublishJob(agglo_, "dev-1", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(first), (std::set<int64_t>{ana_, ben_, eve_}));
  Page withdrawn = eve.Post("/compte/cv/retrait", {});
  ASSERT_EQ(withdrawn.status, 303) << withdrawn.body;
  const int64_t second = PublishJob(agglo_, "dev-2", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(second), (std::set<int64_t>{ana_, ben_}));
}

class SkillAlertCapsTest : public SkillAlertsTest {
 protected:
  SkillAlertCapsTest() : SkillAlertsTest(1, 1) {}
};

TEST_F(SkillAlertCapsTest, CapsPerJobAndPerPersonAndWeek) {
  // One person per job: Ana, who looked at the territory, before Ben.
  const int64_t first = PublishJob(agglo_, "dev-1", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(first), (std::set<int64_t>{ana_}));
  // One alert per person and week: Ana has had hers, Ben gets this one.
  const int64_t second = PublishJob(agglo_, "dev-2", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(second), (std::set<int64_t>{ben_}));
  // Both capped for the week.
  const int64_t third = PublishJob(agglo_, "dev-3", far_commune_);
  RunPass();
  EXPECT_TRUE(AlertedOf(third).empty());
  // Eight days later Ana may be told again (the third job waits for no one: a new one).
  site_.clock().Advance(8 * 24 * 3600);
  const int64_t fourth = PublishJob(agglo_, "dev-4", far_commune_);
  RunPass();
  EXPECT_EQ(AlertedOf(fourth), (std::set<int64_t>{ana_}));
}

}  // namespace
}  // namespace vivrovert::skills
