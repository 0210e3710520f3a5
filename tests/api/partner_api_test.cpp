// The partners' API through the whole web pipeline (web::App::Handle), on a small grid of
// real communes (Cahors and Pradines in the CA du Grand Cahors, Tulle elsewhere) and a
// real database, on SQLite and PostgreSQL.
#include "web/api/partner_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "data/geo/projection.hpp"
#include "domain/partners/partner_store.hpp"
#include "support/test_database.hpp"
#include "support/test_subscriptions.hpp"
#include "web_test_support.hpp"

namespace vivrovert::api {
namespace {

using nlohmann::json;

struct Place {
  const char* code;
  const char* name;
  const char* departement;
  const char* epci;
  double longitude, latitude;
  const char* postcode;
};
constexpr Place kPlaces[] = {
    {"46042", "Cahors", "46", "200023737", 1.4410, 44.4475, "46000"},
    {"46224", "Pradines", "46", "200023737", 1.4006, 44.4830, "46090"},
    {"19272", "Tulle", "19", "241927201", 1.7711, 45.2671, "19000"},
};

// One 1-km tile (and its 5-km parent) under each commune's centre.
engine::GridData PlacesGrid() {
  json catalogue = {{"groups", {"Démographie"}},
                    {"criteria",
                     {{{"id", "density"},
                       {"label", "Densité"},
                       {"unit", "hab./km²"},
                       {"group", "Démographie"},
                       {"direction", "lower"},
                       {"source", {{"publisher", "Eurostat"}}},
                       {"storage", {{"width", 4}, {"step", 1}}}}}}};
  engine::GridData data;
  data.catalogue = *engine::CriteriaCatalogue::FromJson(catalogue);
  auto projector = geo::Projector::Create(geo::kWgs84, geo::kLaea);
  engine::LevelData fine, coarse;
  fine.level = engine::Level::k1km;
  coarse.level = engine::Level::k5km;
  fine.share_offsets = {0};
  coarse.share_offsets = {0};
  fine.codes.resize(1);
  coarse.codes.resize(1);
  for (uint32_t index = 0; index < std::size(kPlaces); ++index) {
    const Place& place = kPlaces[index];
    engine::CommuneRef commune(place.code, place.name, place.departement, place.epci);
    commune.longitude = place.longitude;
    commune.latitude = place.latitude;
    commune.population = 1000;
    commune.postcodes = {place.postcode};
    data.communes.push_back(commune);
    geo::Point point{place.longitude, place.latitude};
    EXPECT_TRUE(projector->Transform(point));
    const engine::TileId tile{engine::Level::k1km, static_cast<int32_t>(point.x / 1000) * 1000,
                              static_cast<int32_t>(point.y / 1000) * 1000};
    fine.tiles.push_back(tile);
    fine.shares.push_back({index, 1.0f});
    fine.share_offsets.push_back(static_cast<uint32_t>(fine.shares.size()));
    fine.codes[0].push_back(data.catalogue.criteria()[0].Encode(50));
    coarse.tiles.push_back(tile.Parent());
    coarse.shares.push_back({index, 1.0f});
    coarse.share_offsets.push_back(static_cast<uint32_t>(coarse.shares.size()));
    coarse.codes[0].push_back(data.catalogue.criteria()[0].Encode(50));
  }
  data.levels = {fine, coarse};
  data.area_names.epcis = {{"200023737", "CA du Grand Cahors"}, {"241927201", "CA Tulle Agglo"}};
  data.area_names.departements = {{"46", "Lot"}, {"19", "Corrèze"}};
  data.scope = "test";
  return data;
}

class PartnerApiTest : public ::testing::Test {
 protected:
  PartnerApiTest() : clock_(testing::kTestNow) {
    EXPECT_TRUE(engine::WriteGridFile(PlacesGrid(), (folder_.path() / "g.grid").string()).ok());
    grid_ = std::move(engine::GridFile::Open((folder_.path() / "g.grid").string())).value();
    service_ = std::make_unique<listings::ListingService>(database_.db(), grid_.get(), clock_);
    labels_ = std::make_unique<display::Labels>(nullptr, grid_.get());
    storage::Connection connection = database_.db().Acquire();
    partners::PartnerInput cahors;
    cahors.kind = partners::PartnerKind::kEpci;
    cahors.name = "CA du Grand Cahors";
    cahors.territory.epcis = {"200023737"};
    cahors_ = *partners::PartnerStore::Create(connection, cahors, clock_.NowSeconds());
    partners::PartnerInput tulle;
    tulle.kind = partners::PartnerKind::kCommune;
    tulle.name = "Tulle";
    tulle.territory.communes = {"19272"};
    tulle_ = *partners::PartnerStore::Create(connection, tulle, clock_.NowSeconds());
    // The API is part of the base service: both partners hold it.
    testing::Subscribe(connection, cahors_.id);
    testing::Subscribe(connection, tulle_.id);
    cahors_key_ = partners::PartnerStore::CreateApiKey(connection, random_, cahors_.id, "write", "",
                                                       std::nullopt, clock_.NowSeconds())
                      .secret;
    cahors_read_key_ = partners::PartnerStore::CreateApiKey(connection, random_, cahors_.id, "read",
                                                            "", std::nullopt, clock_.NowSeconds())
                           .secret;
    tulle_key_ = partners::PartnerStore::CreateApiKey(connection, random_, tulle_.id, "write", "",
                                                      std::nullopt, clock_.NowSeconds())
                     .secret;
    app_ = MakeApp(unlimited_);
  }

  std::unique_ptr<web::App> MakeApp(SharedRateLimiter& limiter) {
    auto templates = web::TemplateRenderer::Load(testing::SourceTemplates());
    auto assets = web::AssetManifest::Load(folder_.path().string());
    auto files = web::StaticFiles::Load(folder_.path().string(), *assets);
    web::AppOptions options;
    options.secret_key = testing::kTestSecret;
    options.error_log = &errors_;
    auto app = std::make_unique<web::App>(std::move(options), std::move(*templates),
                                          std::move(*assets), std::move(*files), clock_, random_);
    RegisterPartnerApi(*app, database_.db(), *service_, limiter, random_, *labels_);
    return app;
  }

  web::Response Call(const std::string& method, const std::string& target, const std::string& key,
                     const std::string& body = "", web::App* app = nullptr) {
    web::Fields headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!key.empty()) headers.push_back({"Authorization", "Bearer " + key});
    auto request = web::Request::Parse(method, target, headers, body, "203.0.113.9");
    EXPECT_TRUE(request.ok()) << target;
    return (app ? *app : *app_).Handle(std::move(request).value());
  }
  json Body(const web::Response& response) { return json::parse(response.body()); }

  testing::TestDatabase database_;
  ManualClock clock_;
  testing::CountingRandom random_;
  testing::TempDir folder_;
  std::ostringstream errors_;
  std::unique_ptr<engine::GridFile> grid_;
  std::unique_ptr<display::Labels> labels_;
  std::unique_ptr<listings::ListingService> service_;
  SharedRateLimiter unlimited_{database_.db(), clock_, {0, 60}};
  partners::Partner cahors_, tulle_;
  std::string cahors_key_, cahors_read_key_, tulle_key_;
  std::unique_ptr<web::App> app_;
};

const char* kHouse =
    R"({"kind":"housing","external_id":"M-1","title":"Maison quercynoise","commune_code":"46224",
  "transaction":"vente","property_type":"house","rooms":"4","surface_m2":"112,5","price_eur":"215 000"})";

TEST_F(PartnerApiTest, WritesNeedAWriteKey) {
  web::Response none = Call("POST", "/api/v1/partner/listings", "", kHouse);
  EXPECT_EQ(none.status(), 401);
  EXPECT_EQ(Body(none)["error"]["code"], "unauthenticated");
  EXPECT_EQ(
      Call("POST", "/api/v1/partner/listings", "vvk_" + std::string(43, 'A'), kHouse).status(),
      401);
  web::Response read_only = Call("POST", "/api/v1/partner/listings", cahors_read_key_, kHouse);
  EXPECT_EQ(read_only.status(), 403);
  EXPECT_EQ(Call("GET", "/api/v1/partner/listings", cahors_read_key_).status(), 200);
  // A revoked key stops working at once.
  storage::Connection connection = database_.db().Acquire();
  for (const partners::ApiKey& key : partners::PartnerStore::ApiKeys(connection, cahors_.id)) {
    partners::PartnerStore::RevokeApiKey(connection, cahors_.id, key.id, clock_.NowSeconds());
  }
  EXPECT_EQ(Call("GET", "/api/v1/partner/listings", cahors_read_key_).status(), 401);
  // Keys are stored as hashes only.
  for (const storage::Row& row : connection.Query("SELECT key_hash, prefix FROM api_keys")) {
    EXPECT_EQ(row.Text(0).size(), 64u);
    EXPECT_EQ(row.Text(0).find("vvk_"), std::string::npos);
    EXPECT_EQ(row.Text(1).size(), 12u);
  }
}

TEST_F(PartnerApiTest, CreateReadUpdateWithdrawAndThePublicTileSeesIt) {
  web::Response created = Call("POST", "/api/v1/partner/listings", cahors_key_, kHouse);
  ASSERT_EQ(created.status(), 201) << created.body();
  json listing = Body(created);
  EXPECT_EQ(listing["outcome"], "created");
  EXPECT_EQ(listing["price_eur"], 215000.0);
  EXPECT_EQ(listing["surface_m2"], 112.5);
  EXPECT_EQ(listing["transaction"], "sale");
  EXPECT_EQ(listing["location"]["commune_code"], "46224");
  EXPECT_EQ(listing["location"]["precision"], "commune");
  // Beside the stored fields, what a person reads (display::Labels).
  EXPECT_EQ(listing["display"]["kind"], "Logement");
  EXPECT_EQ(listing["display"]["status"], "En ligne");
  EXPECT_EQ(listing["display"]["commune"], "Pradines (46224)");
  EXPECT_EQ(listing["display"]["fields"]["transaction"], "Vente");
  EXPECT_EQ(listing["display"]["fields"]["price_eur"], "215\u00a0000");
  const std::string id = std::to_string(listing["id"].get<int64_t>());
  const std::string tile = listing["location"]["tile_1km"];

  json on_tile = Body(Call("GET", "/api/v1/tiles/" + tile + "/listings", ""));
  ASSERT_EQ(on_tile["listings"].size(), 1u);
  EXPECT_EQ(on_tile["counts"]["housing"], 1);
  EXPECT_FALSE(on_tile["listings"][0].contains("source"));

  // The same content again changes nothing.
  web::Response again = Call("POST", "/api/v1/partner/listings", cahors_key_, kHouse);
  EXPECT_EQ(again.status(), 200);
  EXPECT_EQ(Body(again)["outcome"], "unchanged");
  EXPECT_EQ(Body(again)["id"], listing["id"]);

  json changed = json::parse(kHouse);
  changed["price_eur"] = 199000;
  web::Response put = Call("PUT", "/api/v1/partner/listings/" + id, cahors_key_, changed.dump());
  ASSERT_EQ(put.status(), 200) << put.body();
  EXPECT_EQ(Body(put)["outcome"], "updated");
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings/" + id, cahors_key_))["price_eur"],
            199000.0);

  EXPECT_EQ(Call("DELETE", "/api/v1/partner/listings/" + id, cahors_key_).status(), 204);
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings/" + id, cahors_key_))["status"],
            "withdrawn");
  EXPECT_EQ(Body(Call("GET", "/api/v1/tiles/" + tile + "/listings", ""))["listings"].size(), 0u);
  EXPECT_EQ(Call("DELETE", "/api/v1/partner/listings/" + id, cahors_key_).status(), 404);
}

// The search page's list: counts per kind of the active listings of a page of tiles, at
// either level; withdrawn and scheduled listings are not counted.
TEST_F(PartnerApiTest, ListingCountsOfAPageOfTilesByKind) {
  web::Response house = Call("POST", "/api/v1/partner/listings", cahors_key_, kHouse);
  ASSERT_EQ(house.status(), 201) << house.body();
  const std::string tile_1km = Body(house)["location"]["tile_1km"];
  const std::string tile_5km = Body(house)["location"]["tile_5km"];
  auto publish = [&](const std::string& external_id, const std::string& extra) {
    const std::string body =
        R"({"kind":"job","external_id":")" + external_id +
        R"(","title":"Secrétaire de mairie","commune_code":"46224","rome_code":"M1602",)"
        R"("contract":"civil_service")" +
        extra + "}";
    web::Response created = Call("POST", "/api/v1/partner/listings", cahors_key_, body);
    EXPECT_EQ(created.status(), 201) << created.body();
    return std::to_string(Body(created)["id"].get<int64_t>());
  };
  publish("J-1", "");
  publish("J-2", "");
  const std::string withdrawn = publish("J-3", "");
  EXPECT_EQ(Call("DELETE", "/api/v1/partner/listings/" + withdrawn, cahors_key_).status(), 204);
  publish("J-4", R"(,"valid_from":"2099-01-01")");
  // A tile of Tulle, with no listing.
  web::Response at = Call("GET", "/api/v1/tiles/at?lat=45.2671&lon=1.7711&level=1km", "");
  ASSERT_EQ(at.status(), 200) << at.body();
  const std::string empty_tile = Body(at)["id"];

  web::Response answer = Call(
      "GET", "/api/v1/listings/counts?tiles=" + tile_1km + "," + tile_5km + ", " + empty_tile, "");
  ASSERT_EQ(answer.status(), 200) << answer.body();
  const json counts = Body(answer);
  EXPECT_EQ(counts["tiles"][tile_1km], json({{"housing", 1}, {"job", 2}})) << counts.dump();
  EXPECT_EQ(counts["tiles"][tile_5km], json({{"housing", 1}, {"job", 2}})) << counts.dump();
  EXPECT_EQ(counts["tiles"][empty_tile], json::object()) << counts.dump();
  EXPECT_EQ(counts["tiles"].size(), 3u);
  EXPECT_EQ(counts["date"], service_->Today());

  // Bad input names the field and why.
  web::Response bad = Call("GET", "/api/v1/listings/counts?tiles=" + tile_1km + ",Cahors", "");
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(Body(bad)["error"]["field"], "tiles");
  EXPECT_NE(Body(bad)["error"]["message"].get<std::string>().find("« Cahors »"), std::string::npos)
      << bad.body();
  EXPECT_EQ(Call("GET", "/api/v1/listings/counts", "").status(), 400);
  std::string many;
  for (int tile_idx = 0; tile_idx < 51; ++tile_idx) many += (many.empty() ? "" : ",") + tile_1km;
  web::Response too_many = Call("GET", "/api/v1/listings/counts?tiles=" + many, "");
  EXPECT_EQ(too_many.status(), 400);
  EXPECT_NE(Body(too_many)["error"]["message"].get<std::string>().find("50 dalles au plus"),
            std::string::npos);
}

TEST_F(PartnerApiTest, EveryBadFieldIsNamedAndNothingIsStored) {
  web::Response bad =
      Call("POST", "/api/v1/partner/listings", cahors_key_,
           R"({"kind":"housing","title":"","commune_code":"46042","transaction":"troc",
                               "property_type":"house","price_eur":"douze","surprise":1})");
  ASSERT_EQ(bad.status(), 400) << bad.body();
  const json error = Body(bad)["error"];
  std::set<std::string> fields;
  for (const json& detail : error["details"]) fields.insert(detail["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"title", "transaction", "price_eur", "surprise"}));
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings", cahors_key_))["listings"].size(), 0u);
  EXPECT_EQ(Call("POST", "/api/v1/partner/listings", cahors_key_, "{not json").status(), 400);
}

TEST_F(PartnerApiTest, APartnerPublishesOnlyInItsTerritoryAndSeesOnlyItsListings) {
  json outside = json::parse(kHouse);
  outside["commune_code"] = "19272";
  web::Response refused = Call("POST", "/api/v1/partner/listings", cahors_key_, outside.dump());
  ASSERT_EQ(refused.status(), 400);
  EXPECT_NE(Body(refused)["error"]["message"].get<std::string>().find("Tulle"), std::string::npos);
  // Coordinates in Tulle are refused the same way.
  outside.erase("commune_code");
  outside["latitude"] = 45.2671;
  outside["longitude"] = 1.7711;
  EXPECT_EQ(Call("POST", "/api/v1/partner/listings", cahors_key_, outside.dump()).status(), 400);

  web::Response mine = Call("POST", "/api/v1/partner/listings", cahors_key_, kHouse);
  ASSERT_EQ(mine.status(), 201);
  const std::string id = std::to_string(Body(mine)["id"].get<int64_t>());
  EXPECT_EQ(Call("GET", "/api/v1/partner/listings/" + id, tulle_key_).status(), 404);
  EXPECT_EQ(Call("PUT", "/api/v1/partner/listings/" + id, tulle_key_, kHouse).status(), 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/partner/listings/" + id, tulle_key_).status(), 404);
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings", tulle_key_))["listings"].size(), 0u);
  // The same external id is another partner's own listing, not a collision.
  json theirs = json::parse(kHouse);
  theirs["commune_code"] = "19272";
  EXPECT_EQ(Call("POST", "/api/v1/partner/listings", tulle_key_, theirs.dump()).status(), 201);
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings/" + id, cahors_key_))["commune_code"],
            "46224");
}

TEST_F(PartnerApiTest, BulkUpsertIsIdempotentAndAllOrNothingByDefault) {
  json batch = {{"listings", json::array()}};
  for (int index = 0; index < 3; ++index) {
    batch["listings"].push_back({{"kind", "poi"},
                                 {"external_id", "P" + std::to_string(index)},
                                 {"title", "Point " + std::to_string(index)},
                                 {"commune_code", "46042"},
                                 {"category", "health"}});
  }
  web::Response first = Call("POST", "/api/v1/partner/listings/bulk", cahors_key_, batch.dump());
  ASSERT_EQ(first.status(), 200) << first.body();
  EXPECT_EQ(Body(first)["created"], 3);
  web::Response second = Call("POST", "/api/v1/partner/listings/bulk", cahors_key_, batch.dump());
  EXPECT_EQ(Body(second)["created"], 0);
  EXPECT_EQ(Body(second)["unchanged"], 3);

  json with_bad = batch;
  with_bad["listings"][1]["category"] = "volcano";
  with_bad["listings"][0]["title"] = "Point zéro renommé";
  web::Response refused =
      Call("POST", "/api/v1/partner/listings/bulk", cahors_key_, with_bad.dump());
  ASSERT_EQ(refused.status(), 422);
  json report = Body(refused);
  EXPECT_EQ(report["rejected"], 1);
  EXPECT_EQ(report["items"][1]["line"], 2);
  EXPECT_EQ(report["items"][1]["errors"][0]["field"], "category");
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings?external_id=P0",
                      cahors_key_))["listings"][0]["title"],
            "Point 0");

  with_bad["mode"] = "valid_items";
  web::Response partial =
      Call("POST", "/api/v1/partner/listings/bulk", cahors_key_, with_bad.dump());
  ASSERT_EQ(partial.status(), 200);
  EXPECT_EQ(Body(partial)["updated"], 1);
  EXPECT_EQ(Body(partial)["unchanged"], 1);
  EXPECT_EQ(Body(partial)["rejected"], 1);
}

TEST_F(PartnerApiTest, CursorPagesVisitEveryListingOnce) {
  for (int index = 0; index < 7; ++index) {
    json item = {{"kind", "leisure"},
                 {"external_id", "L" + std::to_string(index)},
                 {"title", "Activité " + std::to_string(index)},
                 {"postcode", "46000"},
                 {"category", "sport"}};
    ASSERT_EQ(Call("POST", "/api/v1/partner/listings", cahors_key_, item.dump()).status(), 201);
  }
  std::set<int64_t> seen;
  std::string cursor;
  int pages = 0;
  do {
    const json page = Body(Call(
        "GET", "/api/v1/partner/listings?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor),
        cahors_key_));
    for (const json& listing : page["listings"])
      EXPECT_TRUE(seen.insert(listing["id"].get<int64_t>()).second);
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(Call("GET", "/api/v1/partner/listings?limit=9999", cahors_key_).status(), 400);
}

TEST_F(PartnerApiTest, FileImportDryRunThenRealThenNoOp) {
  const std::string csv =
      "kind;external_id;title;commune_code;category\n"
      "poi;F1;Médiathèque;46042;public_service\n"
      "poi;F2;Coworking;46224;coworking\n";
  web::Response dry =
      Call("POST", "/api/v1/partner/imports?dry_run=true&file_name=poi.csv", cahors_key_, csv);
  ASSERT_EQ(dry.status(), 200) << dry.body();
  EXPECT_EQ(Body(dry)["outcome"], "dry_run");
  EXPECT_EQ(Body(dry)["created"], 2);
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings", cahors_key_))["listings"].size(), 0u);
  web::Response real = Call("POST", "/api/v1/partner/imports?file_name=poi.csv", cahors_key_, csv);
  EXPECT_EQ(Body(real)["created"], 2);
  web::Response again = Call("POST", "/api/v1/partner/imports?file_name=poi.csv", cahors_key_, csv);
  EXPECT_EQ(Body(again)["unchanged"], 2);
  EXPECT_EQ(Body(again)["created"], 0);
  const std::string report_path =
      "/api/v1/partner/imports/" + std::to_string(Body(again)["import_id"].get<int64_t>());
  EXPECT_EQ(Call("GET", report_path, cahors_key_).status(), 200);
  EXPECT_EQ(Call("GET", report_path, tulle_key_).status(), 404);

  web::Response broken =
      Call("POST", "/api/v1/partner/imports", cahors_key_, "kind;title;colour\npoi;x;red\n");
  EXPECT_EQ(broken.status(), 422);
  EXPECT_EQ(Body(broken)["outcome"], "rejected");
  EXPECT_EQ(Body(Call("GET", "/api/v1/partner/listings", cahors_key_))["listings"].size(), 2u);
}

TEST_F(PartnerApiTest, EachKeyHasItsOwnSharedLimit) {
  std::unique_ptr<storage::Database> other_pool = database_.OpenAnother();
  SharedRateLimiter first(database_.db(), clock_, {3, 60});
  SharedRateLimiter second(*other_pool, clock_, {3, 60});
  auto first_app = MakeApp(first);
  auto second_app = MakeApp(second);
  for (int index = 0; index < 3; ++index) {
    EXPECT_EQ(Call("GET", "/api/v1/partner", cahors_key_, "", first_app.get()).status(), 200);
  }
  EXPECT_EQ(Call("GET", "/api/v1/partner", cahors_key_, "", first_app.get()).status(), 429);
  EXPECT_EQ(Call("GET", "/api/v1/partner", cahors_key_, "", second_app.get()).status(), 429);
  EXPECT_EQ(Call("GET", "/api/v1/partner", tulle_key_, "", second_app.get()).status(), 200);
}

}  // namespace
}  // namespace vivrovert::api
