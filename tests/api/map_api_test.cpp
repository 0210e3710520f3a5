// The map's API through the whole web pipeline on small test grids: searches and their
// keys, PNG tiles decoded with libpng and checked pixel by pixel, errors, the LRU cache,
// the per-IP limit, the outlines of one département from the shared open data, and the
// points of interest by bounding box.
#include "web/api/map_api.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "data/geo/projection.hpp"
#include "search_test_grid.hpp"
#include "support/test_database.hpp"
#include "web/api/poi_api.hpp"
#include "web_test_support.hpp"

namespace vivrovert::api {
namespace {

using nlohmann::json;

constexpr double kHalfWorld = 20037508.342789244;
constexpr std::array<uint8_t, 4> kGreen = {22, 163, 74, 170};
constexpr std::array<uint8_t, 4> kGrey = {128, 128, 128, 56};

struct DecodedPng {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;
  std::array<uint8_t, 4> At(int x, int y) const {
    const size_t at =
        (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 4;
    return {rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]};
  }
};

DecodedPng Decode(const std::string& png) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  DecodedPng out;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size())) {
    ADD_FAILURE() << "not a PNG: " << image.message;
    return out;
  }
  image.format = PNG_FORMAT_RGBA;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.rgba.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgba.data(), 0, nullptr))
    ADD_FAILURE() << image.message;
  return out;
}

// Where the centre of a tile of the grid falls at zoom z: the XYZ tile and the pixel in it.
struct PixelAt {
  int z;
  uint32_t x, y;
  int px, py;
};
PixelAt LocateTileCentre(const engine::TileId& tile, int z) {
  auto projector = geo::Projector::Create(geo::kLaea, geo::kWebMercator);
  EXPECT_TRUE(projector.ok());
  geo::Point point{tile.CentreEast(), tile.CentreNorth()};
  EXPECT_TRUE(projector->Transform(point));
  const double resolution = 2 * kHalfWorld / (256.0 * std::ldexp(1.0, z));
  const double gx = (point.x + kHalfWorld) / resolution, gy = (kHalfWorld - point.y) / resolution;
  return {z, static_cast<uint32_t>(gx / 256), static_cast<uint32_t>(gy / 256),
          static_cast<int>(std::fmod(gx, 256)), static_cast<int>(std::fmod(gy, 256))};
}

class MapApiTest : public ::testing::Test {
 protected:
  MapApiTest() : clock_(testing::kTestNow) {}

  void Load(const engine::GridData& data, size_t cache_entries = 256, MapOptions options = {}) {
    ASSERT_TRUE(engine::WriteGridFile(data, (folder_.path() / "g.grid").string()).ok());
    search_ = SearchBackend::Load((folder_.path() / "g.grid").string());
    ASSERT_NE(search_.engine, nullptr);
    options.cache_entries = cache_entries;
    map_ = MapBackend::Load(search_, std::move(options));
    ASSERT_NE(map_.renderer, nullptr) << map_.load_status.ToString();
  }

  // `limiter` admits the searches, `views` (unlimited when null) the tiles and outlines.
  std::unique_ptr<web::App> MakeApp(SharedRateLimiter& limiter,
                                    SharedRateLimiter* views = nullptr) {
    auto templates = web::TemplateRenderer::Load(testing::SourceTemplates());
    auto assets = web::AssetManifest::Load(dist_.path().string());
    auto files = web::StaticFiles::Load(dist_.path().string(), *assets);
    web::AppOptions options;
    options.secret_key = testing::kTestSecret;
    options.error_log = &errors_;
    auto app = std::make_unique<web::App>(std::move(options), std::move(*templates),
                                          std::move(*assets), std::move(*files), clock_, random_);
    RegisterSearchApi(*app, search_, limiter);
    RegisterMapApi(*app, search_, map_, limiter, views ? *views : unlimited_views_);
    return app;
  }

  web::Response Post(web::App& app, const std::string& body,
                     const std::string& ip = "203.0.113.7") {
    auto request = web::Request::Parse("POST", "/api/v1/map/searches",
                                       {{"Content-Type", "application/json"}}, body, ip);
    EXPECT_TRUE(request.ok());
    return app.Handle(std::move(request).value());
  }
  web::Response Get(web::App& app, const std::string& target,
                    const std::string& ip = "203.0.113.7") {
    auto request = web::Request::Parse("GET", target, {}, "", ip);
    EXPECT_TRUE(request.ok()) << target;
    return app.Handle(std::move(request).value());
  }
  // POSTs `body` and returns the key.
  std::string MakeSearch(web::App& app, const std::string& body) {
    web::Response response = Post(app, body);
    EXPECT_EQ(response.status(), 200) << response.body();
    return json::parse(response.body())["key"].get<std::string>();
  }
  web::Response Tile(web::App& app, const std::string& key, const PixelAt& at) {
    return Get(app, "/api/v1/map/tiles/" + key + "/" + std::to_string(at.z) + "/" +
                        std::to_string(at.x) + "/" + std::to_string(at.y) + ".png");
  }

  testing::TempDir folder_;
  SearchBackend search_;
  MapBackend map_;
  testing::TestDatabase database_;
  ManualClock clock_;
  SharedRateLimiter unlimited_views_{database_.db(), clock_, {0, 60}, kMapLimitPrefix};
  testing::CountingRandom random_;
  testing::TempDir dist_;
  std::ostringstream errors_;
};

const char* kDistSearch =
    R"({"level":"1km","criteria":[{"criterion":"dist_km","max":15}],"page":{"limit":3}})";

TEST_F(MapApiTest, SearchAnswersAKeyCountsAndTheTileTemplate) {
  Load(engine::testing::RandomGrid(3000, 11));
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  web::Response response = Post(*app, kDistSearch);
  ASSERT_EQ(response.status(), 200) << response.body();
  json body = json::parse(response.body());
  const std::string key = body["key"];
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{64}")));
  engine::SearchRequest request;
  request.constraints.push_back({0, std::nullopt, 15.0, engine::Importance::kRequired, 1});
  EXPECT_EQ(body["green_count_1km"].get<uint64_t>(), search_.engine->Count(request));
  EXPECT_GT(body["green_count_1km"].get<uint64_t>(), 0u);
  EXPECT_EQ(body["green_count_5km"], 0);  // this grid has no 5 km level
  EXPECT_EQ(body["zoom_1km"], 9);
  EXPECT_EQ(body["tiles"], "/api/v1/map/tiles/" + key + "/{z}/{x}/{y}.png");
}

TEST_F(MapApiTest, KeysFollowWhatDecidesGreenness) {
  Load(engine::testing::RandomGrid(500, 3));
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  const std::string key = MakeSearch(*app, kDistSearch);
  EXPECT_EQ(MakeSearch(*app, kDistSearch), key);
  // Level, page and preferred constraints do not change which tiles are green.
  EXPECT_EQ(MakeSearch(*app, R"({"level":"5km","criteria":[{"criterion":"dist_km","max":15},
      {"criterion":"density","max":9,"importance":"preferred","weight":4}]})"),
            key);
  EXPECT_NE(MakeSearch(*app, R"({"criteria":[{"criterion":"dist_km","max":16}]})"), key);
  EXPECT_NE(
      MakeSearch(
          *app,
          R"({"territory":{"departements":["46"]},"criteria":[{"criterion":"dist_km","max":15}]})"),
      key);
  // Two required constraints in either order are the same search.
  EXPECT_EQ(
      MakeSearch(
          *app,
          R"({"criteria":[{"criterion":"dist_km","max":15},{"criterion":"density","max":900}]})"),
      MakeSearch(
          *app,
          R"({"criteria":[{"criterion":"density","max":900},{"criterion":"dist_km","max":15}]})"));
  // The search API's own errors.
  web::Response bad = Post(*app, R"({"criteria":[{"criterion":"inconnu","max":1}]})");
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(json::parse(bad.body())["error"]["field"], "criteria[0].criterion");
  EXPECT_EQ(Post(*app, "{").status(), 400);
}

TEST_F(MapApiTest, TilesDrawGreenCellsGreenAndOtherCellsGrey) {
  Load(engine::testing::RandomGrid(3000, 11));
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  const std::string key = MakeSearch(*app, kDistSearch);
  std::shared_ptr<const maptiles::GreenTiles> green = map_.cache->Find(key);
  ASSERT_NE(green, nullptr);
  const engine::LevelView& level = *search_.grid->level(engine::Level::k1km);
  int checked_green = 0, checked_grey = 0;
  for (size_t tile_idx = 0;
       tile_idx < level.tile_count() && (checked_green < 5 || checked_grey < 5); tile_idx += 37) {
    const bool is_green = green->IsGreen(engine::Level::k1km, tile_idx);
    for (int z : {10, 13}) {
      PixelAt at = LocateTileCentre(level.tile(tile_idx), z);
      web::Response response = Tile(*app, key, at);
      ASSERT_EQ(response.status(), 200) << response.body();
      EXPECT_EQ(response.Header("Content-Type"), "image/png");
      EXPECT_EQ(response.Header("Cache-Control"), "public, max-age=604800, immutable");
      DecodedPng png = Decode(response.body());
      ASSERT_EQ(png.width, 256);
      ASSERT_EQ(png.height, 256);
      EXPECT_EQ(png.At(at.px, at.py), is_green ? kGreen : kGrey)
          << level.tile(tile_idx).ToString() << " z" << z << " pixel " << at.px << "," << at.py;
    }
    (is_green ? checked_green : checked_grey)++;
  }
  EXPECT_GE(checked_green, 5);
  EXPECT_GE(checked_grey, 5);
  // A pixel 3 km west of the grid's first column is outside the grid: transparent.
  engine::TileId west = level.tile(0);
  west.east = 3'600'000 - 3000;
  PixelAt outside = LocateTileCentre(west, 13);
  DecodedPng png = Decode(Tile(*app, key, outside).body());
  EXPECT_EQ(png.At(outside.px, outside.py)[3], 0);
}

TEST_F(MapApiTest, TilesAwayFromTheGridAreTheSharedTransparentPng) {
  Load(engine::testing::RandomGrid(500, 3));
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  const std::string key = MakeSearch(*app, kDistSearch);
  for (const char* tile : {"/0/0/0.png", "/5/3/2.png", "/12/100/4000.png", "/20/0/1048575.png"}) {
    web::Response response = Get(*app, "/api/v1/map/tiles/" + key + tile);
    ASSERT_EQ(response.status(), 200) << tile;
    EXPECT_EQ(response.body(), map_.renderer->EmptyPng()) << tile;
    DecodedPng png = Decode(response.body());
    ASSERT_EQ(png.rgba.size(), 256u * 256u * 4u);
    for (size_t byte = 3; byte < png.rgba.size(); byte += 4) ASSERT_EQ(png.rgba[byte], 0) << tile;
  }
}

TEST_F(MapApiTest, FiveKilometreTilesBelowZoomNine) {
  // The 1 km grid plus a 5 km level made of the first 1 km tile of each 5 km cell.
  engine::GridData data = engine::testing::RandomGrid(2500, 5);
  engine::LevelData coarse;
  coarse.level = engine::Level::k5km;
  coarse.share_offsets.push_back(0);
  coarse.codes.resize(data.levels[0].codes.size());
  std::set<std::pair<int32_t, int32_t>> seen;
  for (size_t tile_idx = 0; tile_idx < data.levels[0].tiles.size(); ++tile_idx) {
    engine::TileId parent = data.levels[0].tiles[tile_idx].Parent();
    if (!seen.emplace(parent.east, parent.north).second) continue;
    coarse.tiles.push_back(parent);
    coarse.shares.push_back({0, 1.0f});
    coarse.share_offsets.push_back(static_cast<uint32_t>(coarse.shares.size()));
    for (size_t criterion = 0; criterion < coarse.codes.size(); ++criterion) {
      coarse.codes[criterion].push_back(data.levels[0].codes[criterion][tile_idx]);
    }
  }
  data.levels.push_back(coarse);
  Load(data);
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  web::Response response = Post(*app, kDistSearch);
  ASSERT_EQ(response.status(), 200) << response.body();
  EXPECT_GT(json::parse(response.body())["green_count_5km"].get<int>(), 0);
  const std::string key = json::parse(response.body())["key"];
  std::shared_ptr<const maptiles::GreenTiles> green = map_.cache->Find(key);
  const engine::LevelView& level5 = *search_.grid->level(engine::Level::k5km);
  for (size_t tile_idx = 0; tile_idx < level5.tile_count(); ++tile_idx) {
    PixelAt at = LocateTileCentre(level5.tile(tile_idx), 8);
    DecodedPng png = Decode(Tile(*app, key, at).body());
    EXPECT_EQ(png.At(at.px, at.py), green->IsGreen(engine::Level::k5km, tile_idx) ? kGreen : kGrey)
        << level5.tile(tile_idx).ToString();
  }
  EXPECT_EQ(map_.renderer->LevelForZoom(8), engine::Level::k5km);
  EXPECT_EQ(map_.renderer->LevelForZoom(9), engine::Level::k1km);
}

TEST_F(MapApiTest, UnknownKeysAndBadAddresses) {
  Load(engine::testing::RandomGrid(500, 3));
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  const std::string key = MakeSearch(*app, kDistSearch);
  web::Response unknown = Get(*app, "/api/v1/map/tiles/" + std::string(64, 'a') + "/9/259/181.png");
  EXPECT_EQ(unknown.status(), 404);
  json error = json::parse(unknown.body())["error"];
  EXPECT_EQ(error["code"], "not_found");
  EXPECT_EQ(error["field"], "key");
  EXPECT_FALSE(error["message"].get<std::string>().empty());
  struct Case {
    std::string tile;
    std::string field;
  } cases[] = {{"/21/0/0.png", "z"},  {"/abc/0/0.png", "z"}, {"/3/8/0.png", "x"},
               {"/3/0/8.png", "y"},   {"/3/x/0.png", "x"},   {"/3/0/y.png", "y"},
               {"/3/-1/0.png", "x"},  {"/3/0/0.jpg", "y"},   {"/3/0/0", "y"},
               {"/3/0/1e2.png", "y"}, {"/-1/0/0.png", "z"},  {"/99999999999/0/0.png", "z"}};
  for (const Case& c : cases) {
    web::Response response = Get(*app, "/api/v1/map/tiles/" + key + c.tile);
    EXPECT_EQ(response.status(), 400) << c.tile;
    EXPECT_EQ(json::parse(response.body())["error"]["field"], c.field) << c.tile;
  }
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + key + "/20/1048575/1048575.png").status(), 200);
}

TEST_F(MapApiTest, TheLeastRecentlyUsedSearchIsEvicted) {
  Load(engine::testing::RandomGrid(500, 3), /*cache_entries=*/2);
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  const std::string first = MakeSearch(*app, R"({"criteria":[{"criterion":"dist_km","max":10}]})");
  const std::string second = MakeSearch(*app, R"({"criteria":[{"criterion":"dist_km","max":20}]})");
  // Using the first makes the second the least recently used.
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + first + "/0/0/0.png").status(), 200);
  const std::string third = MakeSearch(*app, R"({"criteria":[{"criterion":"dist_km","max":30}]})");
  EXPECT_EQ(map_.cache->size(), 2u);
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + first + "/0/0/0.png").status(), 200);
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + third + "/0/0/0.png").status(), 200);
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + second + "/0/0/0.png").status(), 404);
  // Posting it again brings it back under the same key.
  EXPECT_EQ(MakeSearch(*app, R"({"criteria":[{"criterion":"dist_km","max":20}]})"), second);
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + second + "/0/0/0.png").status(), 200);
}

TEST(MapSearchCacheTest, KeepsAtMostItsCapacity) {
  maptiles::MapSearchCache cache(3);
  for (int entry = 0; entry < 10; ++entry)
    cache.Put(std::to_string(entry), std::make_shared<maptiles::GreenTiles>());
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.Find("6"), nullptr);
  EXPECT_NE(cache.Find("7"), nullptr);
  cache.Put("10", std::make_shared<maptiles::GreenTiles>());
  EXPECT_NE(cache.Find("7"), nullptr);
  EXPECT_EQ(cache.Find("8"), nullptr);
}

TEST_F(MapApiTest, SearchesCountAgainstThePerIpLimit) {
  Load(engine::testing::RandomGrid(500, 3));
  SharedRateLimiter limiter(database_.db(), clock_, {3, 60});
  auto app = MakeApp(limiter);
  for (int request_idx = 0; request_idx < 3; ++request_idx)
    EXPECT_EQ(Post(*app, kDistSearch).status(), 200);
  web::Response refused = Post(*app, kDistSearch);
  EXPECT_EQ(refused.status(), 429);
  EXPECT_EQ(json::parse(refused.body())["error"]["code"], "resource_exhausted");
  EXPECT_EQ(Post(*app, kDistSearch, "198.51.100.1").status(), 200);
}

// Tiles and outlines have their own, larger budget per IP ("map:<ip>"): a map view's dozens
// of PNGs do not use up the searches' budget ("api:<ip>"), and a client past the map's
// budget is refused too.
TEST_F(MapApiTest, TilesAndOutlinesHaveTheirOwnPerIpBudget) {
  Load(engine::testing::RandomGrid(500, 3));
  SharedRateLimiter searches(database_.db(), clock_, {2, 60});
  SharedRateLimiter views(database_.db(), clock_, {5, 60}, kMapLimitPrefix);
  auto app = MakeApp(searches, &views);
  const std::string key = MakeSearch(*app, kDistSearch);
  const PixelAt at{9, 260, 180, 0, 0};
  for (int request_idx = 0; request_idx < 4; ++request_idx)
    EXPECT_EQ(Tile(*app, key, at).status(), 200);
  // The outlines share the map's budget: the fifth request passes (the open data may be
  // absent here, so only "not refused" is asked), the sixth is refused.
  EXPECT_NE(Get(*app, "/api/v1/map/outlines/departements.geojson").status(), 429);
  web::Response refused_tile = Tile(*app, key, at);
  EXPECT_EQ(refused_tile.status(), 429);
  EXPECT_EQ(json::parse(refused_tile.body())["error"]["code"], "resource_exhausted");
  EXPECT_EQ(Get(*app, "/api/v1/map/outlines/departements.geojson").status(), 429);
  EXPECT_EQ(Get(*app, "/api/v1/map/outlines/communes/46.geojson").status(), 429);
  // Five map requests did not touch the searches' budget: the second search still passes.
  EXPECT_EQ(Post(*app, kDistSearch).status(), 200);
  EXPECT_EQ(Post(*app, kDistSearch).status(), 429);
  // Another address has both budgets whole; the next window refills them.
  EXPECT_EQ(Tile(*app, key, at).status(), 429);
  EXPECT_EQ(Get(*app, "/api/v1/map/tiles/" + key + "/9/260/180.png", "198.51.100.1").status(), 200);
  clock_.Advance(60);
  EXPECT_EQ(Tile(*app, key, at).status(), 200);
  // Both budgets are in the shared counters, under their own prefixes.
  storage::Connection connection = database_.db().Acquire();
  EXPECT_TRUE(
      connection
          .QueryOne("SELECT hits FROM throttle_counters WHERE counter_key = 'map:203.0.113.7'")
          .has_value());
  EXPECT_TRUE(
      connection
          .QueryOne("SELECT hits FROM throttle_counters WHERE counter_key = 'api:203.0.113.7'")
          .has_value());
}

TEST_F(MapApiTest, WithoutAGridEveryRouteIsRegisteredAndSaysSo) {
  search_ = SearchBackend::Load("/nonexistent/vivrovert.grid");
  map_ = MapBackend::Load(search_, {});
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  EXPECT_EQ(Post(*app, kDistSearch).status(), 503);
  for (const ApiRoute& route : MapApiRoutes()) {
    std::string target =
        std::regex_replace(route.pattern, std::regex("\\{key\\}"), std::string(64, 'a'));
    target = std::regex_replace(target, std::regex("\\{[a-z]+\\}"), "1");
    web::Response answer =
        route.method == web::Method::kPost ? Post(*app, "{}") : Get(*app, target);
    EXPECT_NE(answer.status(), 404) << route.pattern << " " << answer.body();
    EXPECT_NE(answer.status(), 405) << route.pattern;
  }
}

// The outlines from the shared open data, restricted to the Lot (one contour file).
TEST_F(MapApiTest, OutlinesOfADepartementAndItsCommunes) {
  const std::filesystem::path shared = VIVROVERT_TEST_DATA_DIR;
  ASSERT_TRUE(std::filesystem::is_directory(shared / "contours-communes"))
      << "no open data in " << shared;
  const std::filesystem::path data = folder_.path() / "data";
  std::filesystem::create_directories(data / "contours-communes");
  for (const auto& entry : std::filesystem::directory_iterator(shared)) {
    if (entry.path().filename() != "contours-communes") {
      std::filesystem::create_directory_symlink(entry.path(), data / entry.path().filename());
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(shared / "contours-communes")) {
    if (entry.path().filename().string().starts_with("communes-46-")) {
      std::filesystem::create_symlink(entry.path(),
                                      data / "contours-communes" / entry.path().filename());
    }
  }
  MapOptions options;
  options.outlines = {data.string(), (folder_.path() / "cache").string()};
  Load(engine::testing::RandomGrid(500, 3), 256, options);
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);

  web::Response departements = Get(*app, "/api/v1/map/outlines/departements.geojson");
  ASSERT_EQ(departements.status(), 200) << departements.body();
  EXPECT_EQ(departements.Header("Content-Type"), "application/geo+json; charset=utf-8");
  json collection = json::parse(departements.body());
  ASSERT_EQ(collection["features"].size(), 1u);
  const json& lot = collection["features"][0];
  EXPECT_EQ(lot["properties"]["code"], "46");
  EXPECT_EQ(lot["properties"]["name"], "Lot");
  // WGS84: the Lot lies around 1.0–2.2° E, 44.2–45.1° N.
  const json& ring = lot["geometry"]["type"] == "Polygon" ? lot["geometry"]["coordinates"][0]
                                                          : lot["geometry"]["coordinates"][0][0];
  ASSERT_GE(ring.size(), 4u);
  for (const json& point : ring) {
    EXPECT_GT(point[0].get<double>(), 0.9);
    EXPECT_LT(point[0].get<double>(), 2.3);
    EXPECT_GT(point[1].get<double>(), 44.1);
    EXPECT_LT(point[1].get<double>(), 45.1);
  }
  EXPECT_TRUE(std::filesystem::exists(folder_.path() / "cache" / "departements.v1.geojson"));

  web::Response communes = Get(*app, "/api/v1/map/outlines/communes/46.geojson");
  ASSERT_EQ(communes.status(), 200) << communes.body();
  json commune_collection = json::parse(communes.body());
  EXPECT_GT(commune_collection["features"].size(), 300u);
  bool found_cahors = false;
  for (const json& feature : commune_collection["features"]) {
    found_cahors = found_cahors || (feature["properties"]["code"] == "46042" &&
                                    feature["properties"]["name"] == "Cahors");
  }
  EXPECT_TRUE(found_cahors);

  web::Response missing = Get(*app, "/api/v1/map/outlines/communes/19.geojson");
  EXPECT_EQ(missing.status(), 404);
  EXPECT_EQ(json::parse(missing.body())["error"]["field"], "departement");
  EXPECT_EQ(Get(*app, "/api/v1/map/outlines/communes/99.geojson").status(), 404);
  EXPECT_EQ(Get(*app, "/api/v1/map/outlines/communes/46.json").status(), 404);
}

// The points of interest: a GeoJSON of the box's points with their kind's source, one
// cluster where they crowd, errors naming the field, and 503 without amenity data.
TEST_F(MapApiTest, PointsOfInterestByBoundingBox) {
  std::vector<amenities::AmenityKind> kinds(2);
  kinds[0].criterion = "dist_station_km";
  kinds[0].label = "Gare";
  kinds[0].source = {"SNCF", "Gares de voyageurs", "2024", "https://example.org/gares", "sncf", {}};
  kinds[0].points = {{"Cahors", "46042", {1.4339, 44.4497}},
                     {"Figeac", "46102", {2.0311, 44.6088}}};
  kinds[1].criterion = "dist_doctor_km";
  kinds[1].label = "Médecin";
  kinds[1].source = {"Insee", "BPE", "2023", "", "bpe", {}};
  // 600 doctors around one point of Brive: more than one answer shows one by one.
  for (int doctor_idx = 0; doctor_idx < 600; ++doctor_idx)
    kinds[1].points.push_back({"", "19031", {1.5330 + doctor_idx * 1e-6, 45.1580}});
  auto layer = amenities::PoiLayer::Build(kinds);
  ASSERT_TRUE(layer.ok());
  SharedRateLimiter unlimited(database_.db(), clock_, {0, 60});
  auto app = MakeApp(unlimited);
  RegisterPoiApi(*app, &*layer, unlimited_views_);

  web::Response lot = Get(*app, "/api/v1/map/pois?bbox=1.3,44.3,2.2,44.8&zoom=10");
  ASSERT_EQ(lot.status(), 200) << lot.body();
  EXPECT_EQ(lot.Header("Content-Type").value_or(""), "application/geo+json; charset=utf-8");
  json answer = json::parse(lot.body());
  EXPECT_EQ(answer["type"], "FeatureCollection");
  EXPECT_FALSE(answer["clustered"].get<bool>());
  ASSERT_EQ(answer["features"].size(), 2u);
  std::set<std::string> names;
  for (const json& feature : answer["features"]) {
    EXPECT_EQ(feature["properties"]["kind"], "dist_station_km");
    names.insert(feature["properties"]["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"Cahors", "Figeac"}));
  ASSERT_EQ(answer["kinds"].size(), 2u);
  EXPECT_EQ(answer["kinds"][0]["publisher"], "SNCF");
  EXPECT_EQ(answer["kinds"][0]["vintage"], "2024");
  EXPECT_EQ(answer["kinds"][0]["count"], 2);
  EXPECT_EQ(answer["kinds"][1]["count"], 0);

  // Brive's doctors crowd into one cluster cell; asked alone, the stations are out of view.
  json brive = json::parse(
      Get(*app, "/api/v1/map/pois?bbox=1.4,45.1,1.7,45.2&zoom=9&kinds=dist_doctor_km").body());
  EXPECT_TRUE(brive["clustered"].get<bool>());
  ASSERT_EQ(brive["features"].size(), 1u);
  EXPECT_EQ(brive["features"][0]["properties"]["count"], 600);
  EXPECT_EQ(brive["features"][0]["properties"]["kinds"]["dist_doctor_km"], 600);

  auto field_of = [&](const std::string& query) {
    web::Response refused = Get(*app, "/api/v1/map/pois?" + query);
    EXPECT_EQ(refused.status(), 400) << query;
    return json::parse(refused.body())["error"]["field"].get<std::string>();
  };
  EXPECT_EQ(field_of("zoom=10"), "bbox");
  EXPECT_EQ(field_of("bbox=1,44,2&zoom=10"), "bbox");
  EXPECT_EQ(field_of("bbox=1,44,2,x&zoom=10"), "bbox");
  EXPECT_EQ(field_of("bbox=2,44,1,45&zoom=10"), "bbox");
  EXPECT_EQ(field_of("bbox=1,44,2,45&zoom=9.5"), "zoom");
  EXPECT_EQ(field_of("bbox=1,44,2,45&zoom=25"), "zoom");
  EXPECT_EQ(field_of("bbox=1,44,2,45&zoom=10&kinds=dist_nowhere_km"), "kinds");

  auto without = MakeApp(unlimited);
  RegisterPoiApi(*without, nullptr, unlimited_views_);
  EXPECT_EQ(Get(*without, "/api/v1/map/pois?bbox=1,44,2,45&zoom=10").status(), 503);
}

}  // namespace
}  // namespace vivrovert::api
