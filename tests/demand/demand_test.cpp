// The barometer's demand, on each backend, over the grid of the Lot: every search answered
// by the API becomes a record without any person; what it gave each partner territory is
// exactly the engine's answer and relaxation restricted to that territory; the daily
// aggregates count it; nothing is lost when the database refuses a flush at stop (spool,
// replayed at the next start); retention purges raw records and aggregates.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/demand/demand_recorder.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/demand/demo_demand.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "engine/engine.hpp"
#include "jobs/nightly/retention.hpp"
#include "support/pdf_text.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::demand {
namespace {

using nlohmann::json;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::TestSite;

constexpr const char* kCahors = "46042";
constexpr const char* kFigeac = "46102";

json Request(json criteria, json territory = nullptr) {
  json request = {{"level", "1km"}, {"criteria", std::move(criteria)}};
  if (!territory.is_null()) request["territory"] = std::move(territory);
  return request;
}

// Every tile of the Lot has a station distance under 1000 km: green everywhere.
json StationAnywhere() {
  return {{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}};
}
// No tile has a density of a billion inhabitants per km²: fails everywhere.
json ImpossibleDensity() {
  return {{"criterion", "density"}, {"min", 1e9}, {"importance", "required"}};
}

class DemandTest : public ::testing::Test {
 protected:
  DemandTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = CreatePartner(connection, "cahors", kCahors);
    figeac_ = CreatePartner(connection, "figeac", kFigeac);
  }

  int64_t CreatePartner(Connection& connection, const std::string& slug, const std::string& code) {
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Ville " + slug;
    input.slug = slug;
    input.territory = {{code}, {}, {}};
    auto created = partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return created->id;
  }

  void Search(Browser& browser, const json& request) {
    testing::Page page = browser.Api("POST", "/api/v1/search", request.dump(), false);
    ASSERT_EQ(page.status, 200) << page.body;
  }

  DemandRecorder& recorder() { return *site_.site().demand(); }

  std::vector<std::string> Columns(Connection& connection, const std::string& table) {
    std::vector<std::string> names;
    const bool sqlite = connection.dialect().backend == storage::Backend::kSqlite;
    for (const storage::Row& row : connection.Query(
             sqlite ? "SELECT name FROM pragma_table_info($1) ORDER BY name"
                    : "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
                      "ORDER BY column_name",
             {table})) {
      names.push_back(row.Text(0));
    }
    return names;
  }

  // The tiles of a commune at 1 km, as the territory rule gives them.
  std::vector<uint32_t> TilesOf(const std::string& code) {
    const engine::GridFile& grid = site_.grid();
    auto territory = engine::Territory::Resolve(grid, {{code}, {}, {}});
    return territory->Tiles(*grid.level(engine::Level::k1km));
  }

  TestSite site_;
  int64_t cahors_ = 0;
  int64_t figeac_ = 0;
};

TEST_F(DemandTest, EverySearchIsRecordedWithoutAnyPerson) {
  site_.CreateUser("alice@exemple.fr", accounts::Role::kUser, "Alice Martin");
  Browser anonymous(site_.app());
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Search(anonymous, Request({StationAnywhere()}));
  Search(alice, Request({StationAnywhere(), ImpossibleDensity()}, {{"communes", {kCahors}}}));
  ASSERT_NE(site_.site().demand(), nullptr);
  EXPECT_EQ(recorder().buffered(), 2u);
  EXPECT_EQ(site_.Count("demand_searches"), 0);  // buffered, not written on the request path
  FlushReport report = recorder().Flush();
  EXPECT_EQ(report.searches, 2u);
  EXPECT_EQ(site_.Count("demand_searches"), 2);

  Connection connection = site_.db().Acquire();
  // The tables hold no column that could name a person, a session or an address.
  EXPECT_EQ(Columns(connection, "demand_searches"),
            (std::vector<std::string>{"demo", "hour", "id", "level", "places", "request"}));
  EXPECT_EQ(Columns(connection, "demand_outcomes"),
            (std::vector<std::string>{"green_tiles", "hour", "partner_id", "search_id"}));
  EXPECT_EQ(Columns(connection, "demand_blockers"),
            (std::vector<std::string>{"criterion", "hour", "needed_max", "needed_min", "partner_id",
                                      "search_id", "tiles"}));
  EXPECT_EQ(Columns(connection, "demand_daily"),
            (std::vector<std::string>{"blocked", "criterion", "day", "demo", "green", "partner_id",
                                      "searches"}));
  // And the rows: the hour only, the request's criteria and filter only.
  const std::vector<StoredSearch> rows =
      DemandStore::Searches(connection, 0, site_.clock().NowSeconds() + 3600, 10);
  ASSERT_EQ(rows.size(), 2u);
  for (const StoredSearch& row : rows) {
    EXPECT_EQ(row.hour % 3600, 0);
    EXPECT_LE(row.hour, site_.clock().NowSeconds());
    EXPECT_GT(row.hour, site_.clock().NowSeconds() - 3600);
    EXPECT_EQ(row.places, "[]");
    EXPECT_FALSE(row.demo);
    json request = json::parse(row.request);
    for (const auto& [key, value] : request.items()) {
      EXPECT_TRUE(key == "level" || key == "criteria" || key == "territory") << key;
    }
    for (const char* personal : {"alice", "Alice", "Martin", "127.0.0.1", "session", "user"})
      EXPECT_EQ(row.request.find(personal), std::string::npos) << personal << " in " << row.request;
  }
  EXPECT_EQ(json::parse(rows[1].request)["territory"], (json{{"communes", {kCahors}}}));
  EXPECT_FALSE(json::parse(rows[0].request).contains("territory"));
}

// A person's own places (issue 23) count as the search counted them, and are kept only as
// their 5 km tile, distance and importance.
TEST_F(DemandTest, PlacesAreEvaluatedAndKeptWithoutNameNorPosition) {
  Browser anonymous(site_.app());
  json request = Request({StationAnywhere()});
  request["places"] = {{{"name", "travail de Léa"},
                        {"lat", 44.4475},
                        {"lon", 1.4406},
                        {"max_km", 5},
                        {"importance", "required"}}};  // the centre of Cahors
  Search(anonymous, request);
  recorder().Flush();
  Connection connection = site_.db().Acquire();
  const int64_t to = site_.clock().NowSeconds() + 3600;
  const std::vector<StoredSearch> rows = DemandStore::Searches(connection, 0, to, 10);
  ASSERT_EQ(rows.size(), 1u);
  for (const char* personal : {"Léa", "travail", "44.44", "1.44"}) {
    EXPECT_EQ(rows[0].request.find(personal), std::string::npos) << rows[0].request;
    EXPECT_EQ(rows[0].places.find(personal), std::string::npos) << rows[0].places;
  }
  const json places = json::parse(rows[0].places);
  ASSERT_EQ(places.size(), 1u);
  EXPECT_EQ(places[0]["max_km"], 5);
  EXPECT_EQ(places[0]["importance"], "required");
  const std::optional<engine::TileId> tile =
      engine::TileId::Parse(places[0]["tile"].get<std::string>());
  ASSERT_TRUE(tile.has_value());
  EXPECT_EQ(tile->level, engine::Level::k5km);
  EXPECT_EQ(places[0].size(), 4u);  // tile, max_km, importance, weight: nothing else

  // Cahors is green near the place; Figeac, 50 km away, is not, and no criterion of its
  // own is to blame.
  const auto cahors_green = DemandStore::GreenOutcomes(connection, cahors_, 0, to);
  ASSERT_EQ(cahors_green.size(), 1u);
  EXPECT_GT(cahors_green.begin()->second, 0);
  EXPECT_LT(cahors_green.begin()->second, static_cast<int64_t>(TilesOf(kCahors).size()));
  EXPECT_TRUE(DemandStore::GreenOutcomes(connection, figeac_, 0, to).empty());
  EXPECT_TRUE(DemandStore::Blockers(connection, figeac_, 0, to).empty());
}

TEST_F(DemandTest, OutcomesAreTheEnginesAnswerAndRelaxationOnEachTerritory) {
  Browser anonymous(site_.app());
  // 1: green everywhere; 2: the impossible density alone blocks every territory;
  // 3: restricted to Cahors, so Figeac cannot be reached.
  Search(anonymous, Request({StationAnywhere()}));
  Search(anonymous, Request({StationAnywhere(), ImpossibleDensity()}));
  Search(anonymous, Request({StationAnywhere()}, {{"communes", {kCahors}}}));
  recorder().Flush();

  const engine::GridFile& grid = site_.grid();
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  const size_t density = *grid.catalogue().Find("density");
  Connection connection = site_.db().Acquire();
  const int64_t to = site_.clock().NowSeconds() + 3600;
  for (const auto& [partner_id, code] :
       std::vector<std::pair<int64_t, std::string>>{{cahors_, kCahors}, {figeac_, kFigeac}}) {
    SCOPED_TRACE(code);
    const std::vector<uint32_t> tiles = TilesOf(code);
    ASSERT_FALSE(tiles.empty());
    // The engine itself, restricted to the territory: its green count and its relaxation.
    engine::SearchRequest restricted = *engine::ParseSearchRequest(
        Request({StationAnywhere(), ImpossibleDensity()}, {{"communes", {code}}}), grid);
    engine::SearchResult answer = site_.site().search().engine->Search(restricted);
    ASSERT_EQ(answer.green_count, 0u);
    ASSERT_EQ(answer.relax.size(), 2u);
    // The nearest tile to the impossible minimum: the densest one with a value.
    std::optional<double> densest;
    for (uint32_t tile : tiles) {
      std::optional<double> value = level.Value(density, tile);
      if (value && (!densest || *value > *densest)) densest = *value;
    }
    ASSERT_TRUE(densest.has_value());

    const auto green = DemandStore::GreenOutcomes(connection, partner_id, 0, to);
    const std::vector<StoredBlocker> blockers =
        DemandStore::Blockers(connection, partner_id, 0, to);
    ASSERT_EQ(blockers.size(), 1u);
    EXPECT_EQ(blockers[0].criterion, "density");
    EXPECT_EQ(static_cast<uint64_t>(blockers[0].tiles), answer.relax[1].gain_if_dropped);
    EXPECT_EQ(blockers[0].tiles, static_cast<int64_t>(tiles.size()));
    ASSERT_TRUE(blockers[0].needed_min.has_value());
    EXPECT_DOUBLE_EQ(*blockers[0].needed_min, *densest);
    EXPECT_FALSE(blockers[0].needed_max.has_value());

    const bool is_cahors = partner_id == cahors_;
    ASSERT_EQ(green.size(), is_cahors ? 2u : 1u);
    for (const auto& [search_id, green_tiles] : green)
      EXPECT_EQ(green_tiles, static_cast<int64_t>(tiles.size()));

    // The aggregates of the day.
    const std::string day = ParisDate(site_.clock().NowSeconds());
    std::map<std::string, DailyCount> daily;
    for (DailyCount& row : DemandStore::Daily(connection, partner_id, day, day))
      daily[row.criterion] = row;
    ASSERT_EQ(daily.size(), 3u);
    EXPECT_EQ(daily[""].searches, is_cahors ? 3 : 2);
    EXPECT_EQ(daily[""].green, is_cahors ? 2 : 1);
    EXPECT_EQ(daily["dist_station_km"].searches, is_cahors ? 3 : 2);
    EXPECT_EQ(daily["dist_station_km"].blocked, 0);
    EXPECT_EQ(daily["density"].searches, 1);
    EXPECT_EQ(daily["density"].green, 0);
    EXPECT_EQ(daily["density"].blocked, 1);
  }
}

TEST_F(DemandTest, WhatTheDatabaseRefusesAtStopIsSpooledAndReplayedAtTheNextStart) {
  const std::string spool = (std::filesystem::temp_directory_path() /
                             ("vivrovert-demand-spool-" + std::to_string(::getpid()) + ".jsonl"))
                                .string();
  std::filesystem::remove(spool);
  const engine::GridFile& grid = site_.grid();
  engine::SearchRequest request =
      *engine::ParseSearchRequest(Request({StationAnywhere()}, {{"communes", {kFigeac}}}), grid);
  {
    DemandRecorder stopping(site_.db(), grid, site_.clock(), spool);
    for (int search = 0; search < 3; ++search)
      stopping.Record(request, R"({"communes":["46102"]})");
    {
      Connection connection = site_.db().Acquire();
      connection.Execute("ALTER TABLE demand_daily RENAME TO demand_daily_away");
    }
    EXPECT_EQ(stopping.Stop(), 3u);
    EXPECT_EQ(stopping.buffered(), 0u);
    Connection connection = site_.db().Acquire();
    connection.Execute("ALTER TABLE demand_daily_away RENAME TO demand_daily");
  }
  EXPECT_EQ(site_.Count("demand_searches"), 0);  // the failed batch was rolled back
  ASSERT_TRUE(std::filesystem::exists(spool));

  DemandRecorder starting(site_.db(), grid, site_.clock(), spool);
  Result<size_t> replayed = starting.ReplaySpool();
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ(*replayed, 3u);
  EXPECT_FALSE(std::filesystem::exists(spool));
  EXPECT_EQ(site_.Count("demand_searches"), 3);
  EXPECT_EQ(site_.Count("demand_outcomes", "partner_id = " + std::to_string(figeac_)), 3);
  Connection connection = site_.db().Acquire();
  const std::string day = ParisDate(site_.clock().NowSeconds());
  int64_t searches = 0;
  for (const DailyCount& row : DemandStore::Daily(connection, figeac_, day, day))
    if (row.criterion.empty()) searches = row.searches;
  EXPECT_EQ(searches, 3);
}

TEST_F(DemandTest, RetentionPurgesRawRecordsThenAggregates) {
  const engine::GridFile& grid = site_.grid();
  engine::SearchRequest request = *engine::ParseSearchRequest(Request({StationAnywhere()}), grid);
  const int64_t now = site_.clock().NowSeconds();
  constexpr int64_t kDay = 24 * 3600;
  recorder().RecordAt(request, "", now - 6 * 365 * kDay, false);  // beyond both
  recorder().RecordAt(request, "", now - 400 * kDay, false);      // raw gone, aggregate kept
  recorder().RecordAt(request, "", now - 10 * kDay, false);       // both kept
  recorder().Flush();
  EXPECT_EQ(site_.Count("demand_searches"), 3);
  nightly::RetentionPolicy policy;
  policy.demand_raw_seconds = 396 * kDay;
  const nightly::RetentionReport report = nightly::ApplyRetention(site_.db(), now, policy, 1);
  EXPECT_EQ(report.demand_searches, 2);
  EXPECT_EQ(site_.Count("demand_searches"), 1);
  EXPECT_EQ(site_.Count("demand_outcomes"), 1 * 2);  // the kept search, both territories
  // Aggregates: one day × (totals + dist_station_km) × two partners per search day.
  EXPECT_EQ(report.demand_daily, 2 * 2);
  EXPECT_EQ(site_.Count("demand_daily"), 2 * 2 * 2);
}

// The page over a synthetic demand with known answers: five searches reaching Cahors,
// three green, two blocked by the impossible density alone.
TEST_F(DemandTest, TheBarometerPageShowsTheExactFiguresBehindItsEntitlement) {
  {
    Connection connection = site_.db().Acquire();
    vivrovert::testing::Subscribe(
        connection, cahors_,
        {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption1});
    vivrovert::testing::Subscribe(connection, figeac_);  // the base service only
    for (const auto& [email, partner] : std::vector<std::pair<std::string, int64_t>>{
             {"agent@cahors.fr", cahors_}, {"agent@figeac.fr", figeac_}}) {
      const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff);
      ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, partner, user,
                                                   partners::StaffRole::kViewer,
                                                   site_.clock().NowSeconds())
                      .ok());
    }
  }
  const engine::GridFile& grid = site_.grid();
  const int64_t now = site_.clock().NowSeconds();
  auto parsed = [&](const json& request) { return *engine::ParseSearchRequest(request, grid); };
  for (int search = 0; search < 3; ++search)
    recorder().RecordAt(parsed(Request({StationAnywhere()})), "", now - 3600 * (search + 1), false);
  for (int search = 0; search < 2; ++search) {
    recorder().RecordAt(parsed(Request({StationAnywhere(), ImpossibleDensity()})), "", now - 7200,
                        false);
  }
  recorder().Flush();

  Browser figeac = site_.SignedIn("agent@figeac.fr");
  testing::Page refused = figeac.Get("/partenaire/figeac/barometre");
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(testing::Contains(refused.body, "count-searches"));

  Browser cahors = site_.SignedIn("agent@cahors.fr");
  testing::Page page = cahors.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200) << page.body << site_.errors();
  EXPECT_TRUE(testing::Contains(page.body, R"(<strong id="count-searches">5</strong>)"));
  EXPECT_TRUE(testing::Contains(page.body, R"(<strong id="count-green">3</strong>)"));
  EXPECT_TRUE(testing::Contains(page.body, R"(<strong id="green-share">60 %</strong>)"));
  EXPECT_FALSE(testing::Contains(page.body, "barometer-demo"));

  // The densest tile of Cahors: the minimum density that would have turned it green.
  const size_t density = *grid.catalogue().Find("density");
  double densest = 0;
  for (uint32_t tile : TilesOf(kCahors)) {
    std::optional<double> value = grid.level(engine::Level::k1km)->Value(density, tile);
    if (value) densest = std::max(densest, *value);
  }
  char needed[64];
  std::snprintf(needed, sizeof(needed), "%.2f", densest);
  std::string needed_text(needed);
  while (needed_text.back() == '0') needed_text.pop_back();
  if (needed_text.back() == '.') needed_text.pop_back();
  std::replace(needed_text.begin(), needed_text.end(), '.', ',');
  // (mustache escapes "/" in values as &#x2F;)
  EXPECT_TRUE(testing::Contains(
      page.body,
      "<tr data-criterion=\"density\"><th scope=\"row\">Densité de population</th>"
      "<td class=\"asked\">2</td><td class=\"green\">0</td><td class=\"blocked\">2</td>"
      "<td class=\"bounds\">minimum : 1000000000 hab.&#x2F;km² · 1000000000 hab.&#x2F;km² · "
      "1000000000 "
      "hab.&#x2F;km² · 1000000000 hab.&#x2F;km² · 1000000000 hab.&#x2F;km² (2 recherche(s))</td>"
      "<td class=\"share\">0 %</td><td class=\"needed\">≥ " +
          needed_text + " hab.&#x2F;km²</td></tr>"));
  EXPECT_TRUE(testing::Contains(
      page.body,
      "<tr data-criterion=\"dist_station_km\"><th scope=\"row\">Gare</th>"
      "<td class=\"asked\">5</td><td class=\"green\">3</td><td class=\"blocked\">0</td>"
      "<td class=\"bounds\">maximum : 1000 km · 1000 km · 1000 km · 1000 km · 1000 km "
      "(5 recherche(s))</td><td class=\"share\">100 %</td><td class=\"needed\">—</td></tr>"));
  // The criterion blocking most comes first.
  EXPECT_LT(page.body.find("data-criterion=\"density\""),
            page.body.find("data-criterion=\"dist_station_km\""));

  // Demonstration demand is said.
  recorder().RecordAt(parsed(Request({StationAnywhere()})), "", now - 3600, true);
  recorder().Flush();
  page = cahors.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(testing::Contains(page.body, R"(<strong id="count-searches">6</strong>)"));
  EXPECT_TRUE(testing::Contains(page.body, "id=\"barometer-demo\""));

  // The diagnostic as a PDF (its text as a reader extracts it) and an XLSX sheet.
  testing::Page pdf = cahors.Get("/partenaire/cahors/barometre/diagnostic.pdf");
  ASSERT_EQ(pdf.status, 200) << pdf.body << site_.errors();
  EXPECT_EQ(pdf.content_type, "application/pdf");
  const std::string text = testing::PdfText(pdf.body);
  for (const char* expected :
       {"Diagnostic d'attractivité — Ville cahors", "6 recherche(s) pouvaient atteindre",
        "4 l'ont rendu vert (66,7 %)", "Démo :", "Critères en recul", "Densité de", "Gare"}) {
    EXPECT_TRUE(testing::Contains(text, expected)) << expected << " in\n" << text;
  }
  testing::Page xlsx = cahors.Get("/partenaire/cahors/barometre/diagnostic.xlsx");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(figeac.Get("/partenaire/figeac/barometre/diagnostic.pdf").status, 403);
  EXPECT_EQ(cahors.Get("/partenaire/cahors/barometre/autre.pdf").status, 404);
}

// Events: 1 green search a day in the 28 days before, 3 a day from the event's day on (10
// days to yesterday; today, not over, is left out): +2 a day, an interval of exactly
// [+2 ; +2].
TEST_F(DemandTest, EditorsMarkEventsAndSeeTheChangeInLevelWithItsInterval) {
  {
    Connection connection = site_.db().Acquire();
    vivrovert::testing::Subscribe(
        connection, cahors_,
        {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption1});
    for (const auto& [email, role] : std::vector<std::pair<std::string, partners::StaffRole>>{
             {"editeur@cahors.fr", partners::StaffRole::kEditor},
             {"lecteur@cahors.fr", partners::StaffRole::kViewer}}) {
      const int64_t user = site_.CreateUser(email, accounts::Role::kPartnerStaff);
      ASSERT_TRUE(partners::PartnerStore::SetStaff(connection, cahors_, user, role,
                                                   site_.clock().NowSeconds())
                      .ok());
    }
  }
  const int64_t now = site_.clock().NowSeconds();
  constexpr int64_t kDay = 24 * 3600;
  const engine::SearchRequest green =
      *engine::ParseSearchRequest(Request({StationAnywhere()}), site_.grid());
  for (int64_t days_ago = 11; days_ago <= 38; ++days_ago)
    recorder().RecordAt(green, "", now - days_ago * kDay, false);
  for (int64_t days_ago = 0; days_ago <= 10; ++days_ago) {
    for (int search = 0; search < 3; ++search)
      recorder().RecordAt(green, "", now - days_ago * kDay, false);
  }
  recorder().Flush();
  const std::string event_day = ParisDate(now - 10 * kDay);

  Browser viewer = site_.SignedIn("lecteur@cahors.fr");
  testing::Page page = viewer.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(testing::Contains(page.body, "id=\"no-events\""));
  EXPECT_FALSE(testing::Contains(page.body, "id=\"event-form\""));
  EXPECT_EQ(viewer
                .Post("/partenaire/cahors/barometre/evenements",
                      {{"jour", event_day}, {"libelle", "Reportage France 3"}})
                .status,
            403);

  Browser editor = site_.SignedIn("editeur@cahors.fr");
  page = editor.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(testing::Contains(page.body, "id=\"event-form\""));
  testing::Page bad = editor.Post("/partenaire/cahors/barometre/evenements",
                                  {{"jour", "2026-02-30"}, {"libelle", "Reportage"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(testing::Contains(bad.body, "JJ&#x2F;MM&#x2F;AAAA") ||
              testing::Contains(bad.body, "JJ/MM/AAAA"))
      << bad.body;
  // The browser's American order is not taken for a French day.
  EXPECT_EQ(editor
                .Post("/partenaire/cahors/barometre/evenements",
                      {{"jour", "03/31/2026"}, {"libelle", "Reportage"}})
                .status,
            400);
  EXPECT_EQ(editor
                .Post("/partenaire/cahors/barometre/evenements",
                      {{"jour", ParisDate(now + 2 * kDay)}, {"libelle", "Plus tard"}})
                .status,
            400);
  EXPECT_EQ(
      editor
          .Post("/partenaire/cahors/barometre/evenements", {{"jour", event_day}, {"libelle", " "}})
          .status,
      400);
  // Typed the French way, as the form asks.
  testing::Page added =
      editor.Post("/partenaire/cahors/barometre/evenements",
                  {{"jour", FrenchDay(event_day)}, {"libelle", "Reportage France 3"}});
  EXPECT_EQ(added.status, 303);
  page = editor.Get("/partenaire/cahors/barometre");
  EXPECT_TRUE(testing::Contains(page.body, "<td>Reportage France 3</td>"));
  EXPECT_TRUE(testing::Contains(
      page.body,
      "<td class=\"before\">1 (28 j)</td><td class=\"after\">3 (10 j)</td>"
      "<td class=\"change\">+2 [+2 ; +2]</td><td class=\"verdict\">hausse mesurable</td>"))
      << page.body.substr(page.body.find("barometer-events"), 1500);

  Connection connection = site_.db().Acquire();
  const std::vector<BarometerEvent> events = DemandStore::Events(connection, cahors_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(editor
                .Post("/partenaire/cahors/barometre/evenements/" + std::to_string(events[0].id) +
                          "/supprimer",
                      {})
                .status,
            303);
  EXPECT_TRUE(DemandStore::Events(connection, cahors_).empty());
}

TEST_F(DemandTest, TheDemoDemandIsAFixedSeedReplayOfTheProfilesMarkedDemo) {
  std::ifstream file(std::string(VIVROVERT_SOURCE_ROOT) + "/data/profiles.json");
  const json profiles = json::parse(file, nullptr, false);
  auto requests = [&] {
    Connection connection = site_.db().Acquire();
    std::multiset<std::string> texts;
    for (const StoredSearch& row :
         DemandStore::Searches(connection, 0, site_.clock().NowSeconds() + 3600, 100000)) {
      EXPECT_TRUE(row.demo);
      texts.insert(row.request);
    }
    return texts;
  };
  auto first = SeedDemoDemand(site_.db(), site_.grid(), site_.clock(), profiles, 200);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->profiles, 0);
  EXPECT_GT(first->searches, 150);
  EXPECT_EQ(site_.Count("demand_searches"), first->searches);
  EXPECT_EQ(site_.Count("demand_daily", "demo = 0"), 0);
  const std::multiset<std::string> before = requests();
  // Again: the previous demonstration is replaced by the same one.
  auto second = SeedDemoDemand(site_.db(), site_.grid(), site_.clock(), profiles, 200);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->searches, first->searches);
  EXPECT_EQ(requests(), before);
  // Real demand is never touched by it.
  recorder().Record(*engine::ParseSearchRequest(Request({StationAnywhere()}), site_.grid()), "");
  recorder().Flush();
  ASSERT_TRUE(SeedDemoDemand(site_.db(), site_.grid(), site_.clock(), profiles, 200).ok());
  EXPECT_EQ(site_.Count("demand_searches", "demo = 0"), 1);
}

}  // namespace
}  // namespace vivrovert::demand
