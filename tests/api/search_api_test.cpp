// The public API through the whole web pipeline (web::App::Handle), on a small grid and a
// real database (for the shared rate limits), on SQLite and PostgreSQL.
#include "web/api/search_api.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "domain/listings/placement.hpp"
#include "search_test_grid.hpp"
#include "support/test_database.hpp"
#include "web/api/map_api.hpp"
#include "web/api/partner_api.hpp"
#include "web/api/poi_api.hpp"
#include "web/interests/interests_api.hpp"
#include "web/properties/property_routes.hpp"
#include "web_test_support.hpp"

namespace vivrovert::api {
namespace {

using nlohmann::json;

class SearchApiTest : public ::testing::Test {
 protected:
  SearchApiTest() : clock_(testing::kTestNow) {}

  std::unique_ptr<web::App> MakeApp(const SearchBackend& backend, SharedRateLimiter& limiter) {
    auto templates = web::TemplateRenderer::Load(testing::SourceTemplates());
    auto assets = web::AssetManifest::Load(dist_.path().string());
    auto files = web::StaticFiles::Load(dist_.path().string(), *assets);
    web::AppOptions options;
    options.secret_key = testing::kTestSecret;
    options.error_log = &errors_;
    auto app = std::make_unique<web::App>(std::move(options), std::move(*templates),
                                          std::move(*assets), std::move(*files), clock_, random_);
    RegisterSearchApi(*app, backend, limiter);
    return app;
  }

  web::Response Post(web::App& app, const std::string& body,
                     const std::string& ip = "203.0.113.7") {
    auto request = web::Request::Parse("POST", "/api/v1/search",
                                       {{"Content-Type", "application/json"}}, body, ip);
    EXPECT_TRUE(request.ok());
    return app.Handle(std::move(request).value());
  }
  web::Response Get(web::App& app, const std::string& target) {
    auto request =
        web::Request::Parse("GET", target, {{"Accept", "application/json"}}, "", "203.0.113.7");
    EXPECT_TRUE(request.ok()) << target;
    return app.Handle(std::move(request).value());
  }

  testing::TestDatabase database_;
  ManualClock clock_;
  testing::CountingRandom random_;
  testing::TempDir dist_;
  std::ostringstream errors_;
};

// A backend over a freshly written test grid.
SearchBackend LoadBackend(const engine::GridData& data, const std::string& path) {
  EXPECT_TRUE(engine::WriteGridFile(data, path).ok());
  return SearchBackend::Load(path);
}

TEST_F(SearchApiTest, SearchAnswersTheDocumentedShape) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(3000, 11), (folder.path() / "g.grid").string());
  ASSERT_NE(backend.engine, nullptr);
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  web::Response response =
      Post(*app, R"({"level":"1km","criteria":[{"criterion":"dist_km","max":20},
      {"criterion":"density","max":500,"importance":"preferred","weight":2}],"page":{"limit":5}})");
  ASSERT_EQ(response.status(), 200) << response.body();
  json body = json::parse(response.body());
  engine::SearchRequest request;
  request.constraints.push_back({0, std::nullopt, 20.0, engine::Importance::kRequired, 1});
  EXPECT_EQ(body["green_count"].get<uint64_t>(), backend.engine->Count(request));
  EXPECT_EQ(body["tiles"].size(), 5u);
  EXPECT_TRUE(std::regex_match(body["tiles"][0]["id"].get<std::string>(),
                               std::regex("CRS3035RES1000mN\\d+E\\d+")));
  EXPECT_GE(body["tiles"][0]["score"].get<double>(), body["tiles"][4]["score"].get<double>());
  EXPECT_GT(body["communes_count"].get<int>(), 0);
  EXPECT_TRUE(body["communes"][0].contains("name"));
  ASSERT_EQ(body["relax"].size(), 1u);
  EXPECT_EQ(body["relax"][0]["criterion"], "dist_km");
}

TEST_F(SearchApiTest, BadInputGetsA4xxJsonErrorNamingTheField) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(500, 3), (folder.path() / "g.grid").string());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  struct Case {
    std::string body;
    int status;
    std::string field;
  } cases[] = {
      {R"({"level":"1km","criteria":[{"criterion":"inconnu","max":1}]})", 400,
       "criteria[0].criterion"},
      {R"({"level":"1km","criteria":[{"criterion":"density","min":9,"max":1}]})", 400,
       "criteria[0].min"},
      {R"({"level":"1km","criteria":[]})", 400, "criteria"},
      {R"({"level":"5km","criteria":[{"criterion":"density","max":1}]})", 400, "level"},
      {R"({"level":"1km","territory":{"departements":["2A"]},"criteria":[{"criterion":"density","max":1}]})",
       400, "territory.departements[0]"},
      {"{\"level\":\"1km\",", 400, "body"},
      {"{\"level\":\"\xff\xfe\"}", 400, "body"},
  };
  for (const Case& c : cases) {
    web::Response response = Post(*app, c.body);
    EXPECT_EQ(response.status(), c.status) << c.body;
    json body = json::parse(response.body());
    EXPECT_EQ(body["error"]["field"], c.field) << c.body;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }
}

// The random grid lies around Cahors (3,600–3,655 km east, 2,400–2,455 km north): its
// station (44.449275, 1.433325) is on it, Berlin is not.
TEST_F(SearchApiTest, PlacesFilterScoreAndAreListedWithTheirHints) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(3000, 11), (folder.path() / "g.grid").string());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  const std::string text = R"({"level":"1km","criteria":[{"criterion":"dist_km","max":30}],
      "places":[{"name":"travail de Léa","lat":44.449275,"lon":1.433325,"max_km":12},
                {"name":"école","lat":44.5,"lon":1.3,"max_km":5,"importance":"preferred",
                 "weight":2}]})";
  web::Response response = Post(*app, text);
  ASSERT_EQ(response.status(), 200) << response.body();
  json body = json::parse(response.body());
  auto request = engine::ParseSearchRequest(json::parse(text), *backend.grid,
                                            listings::PlaceLocatorFor(*backend.grid));
  ASSERT_TRUE(request.ok());
  const uint64_t with_places = backend.engine->Count(*request);
  EXPECT_EQ(body["green_count"].get<uint64_t>(), with_places);
  request->places.clear();
  EXPECT_LT(with_places, backend.engine->Count(*request)) << "the place narrows the search";
  EXPECT_GT(with_places, 0u);
  ASSERT_EQ(body["places"].size(), 2u);
  const json& lea = body["places"][0];
  EXPECT_EQ(lea["name"], "travail de Léa");
  EXPECT_EQ(lea["distance"], "straight_line");
  // Projected into the station's tile.
  EXPECT_GE(lea["x"].get<double>(), 3'639'000);
  EXPECT_LT(lea["x"].get<double>(), 3'640'000);
  EXPECT_GE(lea["y"].get<double>(), 2'410'000);
  EXPECT_LT(lea["y"].get<double>(), 2'411'000);
  EXPECT_GT(lea["relax"]["suggestion"]["max_km"].get<double>(), 12);
  EXPECT_TRUE(body["places"][1]["relax"].is_null()) << "a preferred place has no hint";
  EXPECT_EQ(body["places"][1]["weight"], 2);

  // The explanation of a tile says how far each place is.
  const std::string id = body["tiles"][0]["id"];
  std::string encoded;
  for (unsigned char c : text) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", c);
    encoded += std::isalnum(c) ? std::string(1, static_cast<char>(c)) : std::string(hex);
  }
  web::Response explain = Get(*app, "/api/v1/tiles/" + id + "/explain?search=" + encoded);
  ASSERT_EQ(explain.status(), 200) << explain.body();
  json explanation = json::parse(explain.body());
  ASSERT_EQ(explanation["places"].size(), 2u);
  EXPECT_EQ(explanation["places"][0]["passes"], true);
  EXPECT_NE(
      explanation["places"][0]["text"].get<std::string>().find("de « travail de Léa » (max 12)"),
      std::string::npos);
}

TEST_F(SearchApiTest, BadPlacesAre400NamingThePlace) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(3000, 11), (folder.path() / "g.grid").string());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  auto with = [](const std::string& places) {
    return R"({"level":"1km","criteria":[{"criterion":"dist_km","max":30}],"places":)" + places +
           "}";
  };
  struct Case {
    std::string body;
    std::string field;
    std::string name;
  } cases[] = {
      {with(R"([{"name":"travail de Léa","max_km":25}])"), "places[0]", "travail de Léa"},
      {with(R"([{"name":"Berlin","lat":52.52,"lon":13.4,"max_km":25}])"), "places[0].lat",
       "Berlin"},
      {with(R"([{"name":"crèche","lat":44.449275,"lon":1.433325,"max_km":0}])"), "places[0].max_km",
       "crèche"},
      {with(R"([{"name":"mairie","commune":"99999","max_km":5}])"), "places[0].commune", "mairie"},
      {with(
           R"([{"name":"a","lat":44.4,"lon":1.4,"max_km":1},{"name":"b","lat":44.4,"lon":1.4,"max_km":1},
                {"name":"c","lat":44.4,"lon":1.4,"max_km":1},{"name":"d","lat":44.4,"lon":1.4,"max_km":1},
                {"name":"e","lat":44.4,"lon":1.4,"max_km":1},{"name":"f","lat":44.4,"lon":1.4,"max_km":1},
                {"name":"g","lat":44.4,"lon":1.4,"max_km":1},{"name":"h","lat":44.4,"lon":1.4,"max_km":1},
                {"name":"i","lat":44.4,"lon":1.4,"max_km":1}])"),
       "places", "9"},
  };
  for (const Case& c : cases) {
    web::Response response = Post(*app, c.body);
    EXPECT_EQ(response.status(), 400) << c.body;
    json body = json::parse(response.body());
    EXPECT_EQ(body["error"]["field"], c.field) << c.body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(c.name), std::string::npos)
        << body.dump();
  }
}

TEST_F(SearchApiTest, TilesAndExplanations) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(500, 3), (folder.path() / "g.grid").string());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  const std::string id = backend.grid->level(engine::Level::k1km)->tile(10).ToString();
  web::Response tile = Get(*app, "/api/v1/tiles/" + id);
  ASSERT_EQ(tile.status(), 200) << tile.body();
  json body = json::parse(tile.body());
  EXPECT_EQ(body["id"], id);
  EXPECT_TRUE(body["values"].contains("density"));
  EXPECT_FALSE(body["communes"].empty());

  EXPECT_EQ(Get(*app, "/api/v1/tiles/CRS3035RES1000mN1000E1000").status(), 404);
  EXPECT_EQ(Get(*app, "/api/v1/tiles/pas-une-dalle").status(), 400);

  web::Response explain = Get(*app, "/api/v1/tiles/" + id +
                                        "/explain?search=%7B%22criteria%22%3A%5B%7B%22criterion%22%"
                                        "3A%22density%22%2C%22min%22%3A0%7D%5D%7D");
  ASSERT_EQ(explain.status(), 200) << explain.body();
  json explanation = json::parse(explain.body());
  EXPECT_EQ(explanation["tile"], id);
  EXPECT_EQ(explanation["checks"][0]["criterion"], "density");
  EXPECT_EQ(Get(*app, "/api/v1/tiles/" + id + "/explain").status(), 400);
}

TEST_F(SearchApiTest, CriteriaListAvailabilityAndSources) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(500, 3), (folder.path() / "g.grid").string());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(backend, unlimited);
  web::Response response = Get(*app, "/api/v1/criteria");
  ASSERT_EQ(response.status(), 200);
  json body = json::parse(response.body());
  ASSERT_EQ(body["criteria"].size(), 4u);
  for (const json& criterion : body["criteria"]) {
    for (const char* key :
         {"id", "label", "unit", "group", "direction", "available", "coverage", "source"}) {
      EXPECT_TRUE(criterion.contains(key)) << key;
    }
  }
}

TEST_F(SearchApiTest, WithoutAGridTheApiSaysSo) {
  SearchBackend missing = SearchBackend::Load("/nonexistent/vivrovert.grid");
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(missing, unlimited);
  web::Response response = Post(*app, R"({"criteria":[{"criterion":"density","max":1}]})");
  EXPECT_EQ(response.status(), 503);
  EXPECT_EQ(json::parse(response.body())["error"]["code"], "unavailable");
  EXPECT_EQ(Get(*app, "/api/v1/openapi.json").status(), 200);
  // Every listed route is really registered: none answers "no such route" or "wrong method".
  for (const ApiRoute& route : SearchApiRoutes()) {
    std::string target =
        std::regex_replace(route.pattern, std::regex("\\{id\\}"), "CRS3035RES1000mN0E0");
    web::Response answer =
        route.method == web::Method::kPost ? Post(*app, "{}") : Get(*app, target);
    EXPECT_NE(answer.status(), 404) << route.pattern;
    EXPECT_NE(answer.status(), 405) << route.pattern;
  }
}

TEST_F(SearchApiTest, RateLimitIsSharedAcrossProcesses) {
  testing::TempDir folder;
  SearchBackend backend =
      LoadBackend(engine::testing::RandomGrid(500, 3), (folder.path() / "g.grid").string());
  // Two limiters on two pools: two server processes sharing the database.
  std::unique_ptr<storage::Database> other_pool = database_.OpenAnother();
  SharedRateLimiter first(database_.db(), clock_, {5, 60});
  SharedRateLimiter second(*other_pool, clock_, {5, 60});
  auto first_app = MakeApp(backend, first);
  auto second_app = MakeApp(backend, second);
  const std::string body = R"({"level":"1km","criteria":[{"criterion":"density","max":100}]})";
  for (int request_idx = 0; request_idx < 5; ++request_idx) {
    EXPECT_EQ(Post(*first_app, body).status(), 200) << request_idx;
  }
  web::Response refused = Post(*first_app, body);
  EXPECT_EQ(refused.status(), 429);
  EXPECT_EQ(json::parse(refused.body())["error"]["code"], "resource_exhausted");
  // The other process has not served this client yet, but sees the shared count.
  EXPECT_EQ(Post(*second_app, body).status(), 429);
  // Another client is not affected; the next window admits again.
  EXPECT_EQ(Post(*second_app, body, "198.51.100.1").status(), 200);
  clock_.Advance(60);
  EXPECT_EQ(Post(*second_app, body).status(), 200);
}

TEST(OpenApiTest, DocumentsExactlyTheRegisteredRoutes) {
  json document = json::parse(OpenApiDocument());
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::pair<std::string, std::string>> documented, registered;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) documented.emplace(path, method);
  }
  std::vector<ApiRoute> routes = SearchApiRoutes();
  routes.insert(routes.end(), PartnerApiRoutes().begin(), PartnerApiRoutes().end());
  routes.insert(routes.end(), interests::InterestsApiRoutes().begin(),
                interests::InterestsApiRoutes().end());
  routes.insert(routes.end(), properties::PropertyApiRoutes().begin(),
                properties::PropertyApiRoutes().end());
  routes.insert(routes.end(), MapApiRoutes().begin(), MapApiRoutes().end());
  routes.insert(routes.end(), PoiApiRoutes().begin(), PoiApiRoutes().end());
  for (const ApiRoute& route : routes) {
    std::string method = web::MethodName(route.method);
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    registered.emplace(route.pattern, method);
  }
  EXPECT_EQ(documented, registered);
  // Every $ref points to a defined component.
  std::string text = document.dump();
  std::regex ref("\"\\$ref\":\"#/components/(\\w+)/(\\w+)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator();
       ++it) {
    EXPECT_TRUE(document["components"][(*it)[1].str()].contains((*it)[2].str())) << (*it)[0].str();
  }
}

}  // namespace
}  // namespace vivrovert::api
