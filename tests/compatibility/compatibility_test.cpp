// Compatibility with partner territories through the whole site (TestSite), on each
// backend over the grid of the Lot: people save searches through the interests API, the
// recorder writes one row per (person, partner), the person reads "Ce territoire
// correspond à …" on /compte/territoires and a partner with option 3 reads the count and
// the ranked list of consenting people on /partenaire/{slug}/compatibilite.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "domain/compatibility/compatibility_store.hpp"
#include "domain/compatibility/territory_fit.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::compatibility {
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

json Criterion(const std::string& id, std::optional<double> min, std::optional<double> max) {
  json criterion = {{"criterion", id}, {"importance", "required"}};
  if (min) criterion["min"] = *min;
  if (max) criterion["max"] = *max;
  return criterion;
}

// A saved search restricted to Cahors (the territory filter does not matter here).
std::string SearchBody(const std::vector<json>& criteria) {
  json request = {
      {"level", "1km"}, {"territory", {{"communes", {"46042"}}}}, {"criteria", criteria}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

class CompatibilityTest : public ::testing::Test {
 protected:
  CompatibilityTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = CreatePartner(connection, "Ville de Cahors", "cahors", {{"46042"}, {}, {}});
    vivrovert::testing::Subscribe(connection, cahors_.id,
                                  {ProductCode::kBase, ProductCode::kOption3});
    figeac_ = CreatePartner(connection, "Ville de Figeac", "figeac", {{"46102"}, {}, {}});
    vivrovert::testing::Subscribe(connection, figeac_.id);
    for (const auto& [email, partner] : std::vector<std::pair<std::string, Partner*>>{
             {"agent@cahors.fr", &cahors_}, {"agent@figeac.fr", &figeac_}}) {
      const int64_t staff = site_.CreateUser(email, Role::kPartnerStaff, "Agent");
      EXPECT_TRUE(PartnerStore::SetStaff(connection, partner->id, staff,
                                         partners::StaffRole::kViewer, Now())
                      .ok());
    }
    alice_ = site_.CreateUser("alice@exemple.fr", Role::kUser, "Alice Martin");
    bruno_ = site_.CreateUser("bruno@exemple.fr", Role::kUser, "Bruno Petit");
    // Alice shares her identity; Bruno nothing.
    profiles::ProfileStore::SetConsents(connection, alice_, {{"identity", true}}, Now());
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  Partner CreatePartner(Connection& connection, const std::string& name, const std::string& slug,
                        engine::TerritoryCodes codes) {
    partners::PartnerInput input;
    input.kind = PartnerKind::kCommune;
    input.name = name;
    input.slug = slug;
    input.territory = std::move(codes);
    auto created = PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return *created;
  }

  int64_t Save(Browser& browser, const std::vector<json>& criteria) {
    Page saved = browser.Api("POST", "/api/v1/me/searches", SearchBody(criteria));
    EXPECT_EQ(saved.status, 201) << saved.body;
    return json::parse(saved.body).value("id", int64_t{0});
  }

  std::vector<Compatibility> RowsOf(int64_t user_id) {
    Connection connection = site_.db().Acquire();
    return CompatibilityStore::OfUser(connection, user_id);
  }

  vivrovert::testing::TestSite site_;
  Partner cahors_, figeac_;
  int64_t alice_ = 0, bruno_ = 0;
};

TEST_F(CompatibilityTest, SavingASearchWritesOneRowPerPartnerAsTheRuleComputesIt) {
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Save(alice, {Criterion("dist_station_km", std::nullopt, 1000),
               Criterion("altitude_m", 5000, std::nullopt)});
  const std::vector<Compatibility> rows = RowsOf(alice_);
  ASSERT_EQ(rows.size(), 2u);  // Cahors and Figeac, though the search looked at Cahors only
  for (const Compatibility& row : rows) {
    EXPECT_EQ(row.criteria_total, 2u);
    EXPECT_EQ(row.criteria_met, 1u);  // no tile of the Lot lies above 5,000 m
    EXPECT_FALSE(row.Full());
    EXPECT_EQ(row.green_tiles, 0u);
    // The stored row is the rule's answer over the partner's tiles.
    const Partner& partner = row.partner_id == cahors_.id ? cahors_ : figeac_;
    const engine::GridFile& grid = site_.grid();
    auto territory = engine::Territory::Resolve(grid, partner.territory);
    ASSERT_TRUE(territory.ok());
    json request =
        json::parse(SearchBody({Criterion("dist_station_km", std::nullopt, 1000),
                                Criterion("altitude_m", 5000, std::nullopt)}))["request"];
    auto parsed = engine::ParseSearchRequest(request, grid);
    ASSERT_TRUE(parsed.ok());
    engine::SearchEngine engine(grid);
    const engine::LevelView& level = *grid.level(engine::Level::k1km);
    const TerritoryFit fit = EvaluateFit(engine, *parsed, territory->Tiles(level));
    EXPECT_EQ(row.best_tile, level.tile(*fit.best_tile).ToString());
    EXPECT_DOUBLE_EQ(row.margin, fit.margin);
  }

  Page page = alice.Get("/compte/territoires");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Ce territoire correspond à 1 de vos 2 critères"), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("Ville de Figeac"), std::string::npos);
}

TEST_F(CompatibilityTest, TheBestSearchCountsAndDeletingItRecomputes) {
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Save(alice, {Criterion("altitude_m", 5000, std::nullopt)});
  const int64_t broad = Save(alice, {Criterion("dist_station_km", std::nullopt, 1000),
                                     Criterion("altitude_m", std::nullopt, 5000)});
  std::vector<Compatibility> rows = RowsOf(alice_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].search_id, broad);
  EXPECT_TRUE(rows[0].Full());
  EXPECT_GT(rows[0].green_tiles, 0u);
  Page page = alice.Get("/compte/territoires");
  EXPECT_NE(page.body.find("Ce territoire correspond à 2 de vos 2 critères"), std::string::npos)
      << page.body;

  ASSERT_EQ(alice.Api("DELETE", "/api/v1/me/searches/" + std::to_string(broad), "").status, 204);
  rows = RowsOf(alice_);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].search_id, broad);
  EXPECT_EQ(rows[0].criteria_met, 0u);
  EXPECT_EQ(rows[0].criteria_total, 1u);
}

TEST_F(CompatibilityTest, PartnersWithOption3SeeTheCountAndOnlyConsentingPeopleByName) {
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Browser bruno = site_.SignedIn("bruno@exemple.fr");
  Save(alice, {Criterion("dist_station_km", std::nullopt, 1000)});
  Save(bruno, {Criterion("dist_station_km", std::nullopt, 1000)});

  Browser cahors = site_.SignedIn("agent@cahors.fr");
  Page page = cahors.Get("/partenaire/cahors/compatibilite");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<strong id=\"count-full\">2</strong>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Alice Martin"), std::string::npos);
  EXPECT_EQ(page.body.find("Bruno Petit"), std::string::npos);
  EXPECT_EQ(page.body.find("bruno@exemple.fr"), std::string::npos);

  // Figeac has no option 3: the page says what the option offers.
  Browser figeac = site_.SignedIn("agent@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/compatibilite").status, 403);
  // And nobody sees another partner's page.
  EXPECT_EQ(figeac.Get("/partenaire/cahors/compatibilite").status, 404);
}

TEST_F(CompatibilityTest, ANewPartnerTerritoryIsEvaluatedForEveryoneWhenAPageIsRead) {
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Save(alice, {Criterion("dist_station_km", std::nullopt, 1000)});
  ASSERT_EQ(RowsOf(alice_).size(), 2u);
  {
    Connection connection = site_.db().Acquire();
    CreatePartner(connection, "CA du Grand Cahors", "grand-cahors", {{}, {"200023737"}, {}});
  }
  ASSERT_EQ(alice.Get("/compte/territoires").status, 200);
  const std::vector<Compatibility> rows = RowsOf(alice_);
  EXPECT_EQ(rows.size(), 3u);
  // Nothing changed since: the rows are not rewritten again.
  Connection connection = site_.db().Acquire();
  EXPECT_FALSE(site_.site().compatibility_recorder()->RefreshIfStale(connection, Now()));
}

// Two requests finding the rows stale at the same moment: one rewrites them, the other
// waits for it and finds them current (before, both rewrote and PostgreSQL refused the
// second's duplicate rows).
TEST_F(CompatibilityTest, TwoConcurrentRefreshesRewriteTheRowsOnce) {
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Save(alice, {Criterion("dist_station_km", std::nullopt, 1000)});
  {
    Connection connection = site_.db().Acquire();
    CreatePartner(connection, "CA du Grand Cahors", "grand-cahors", {{}, {"200023737"}, {}});
  }
  std::atomic<int> refreshed = 0, failed = 0;
  std::latch start(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] {
      try {
        Connection connection = site_.db().Acquire();
        start.arrive_and_wait();
        if (site_.site().compatibility_recorder()->RefreshIfStale(connection, Now())) ++refreshed;
      } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
        ++failed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(refreshed.load(), 1);
  EXPECT_EQ(RowsOf(alice_).size(), 3u);
}

TEST_F(CompatibilityTest, SimilarTerritoriesForThePartnerAndThePerson) {
  Browser cahors = site_.SignedIn("agent@cahors.fr");
  Page page = cahors.Get("/partenaire/cahors/semblables");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("territoires les plus proches du vôtre"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"similar-territories\""), std::string::npos) << page.body;
  // Its own EPCI (the CA du Grand Cahors) is not offered as similar to it.
  EXPECT_EQ(page.body.find("<td>200023737</td>"), std::string::npos);
  Browser figeac = site_.SignedIn("agent@figeac.fr");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/semblables").status, 403);

  Browser alice = site_.SignedIn("alice@exemple.fr");
  Save(alice, {Criterion("dist_station_km", std::nullopt, 1000)});
  Page territories = alice.Get("/compte/territoires");
  ASSERT_EQ(territories.status, 200);
  EXPECT_NE(territories.body.find("Vous aimez Ville de "), std::string::npos) << territories.body;
  EXPECT_NE(territories.body.find(" : voyez aussi <strong>"), std::string::npos);
}

}  // namespace
}  // namespace vivrovert::compatibility
