// Saved properties end to end through the request pipeline (App::Handle, no sockets): the
// login page, sessions, CSRF, the JSON API and the pages, over a grid of the Lot built once
// per binary and the amenities of ../shared/data, on SQLite and PostgreSQL. A person
// reaches only their own properties; bad input gets a French message naming the field.
#include "web/properties/property_routes.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "support/test_site.hpp"

namespace vivrovert::properties {
namespace {

using nlohmann::json;
using storage::Connection;

using Answer = vivrovert::testing::Page;
using vivrovert::testing::Browser;
using vivrovert::testing::Contains;

// The whole site as `vivrovert serve` builds it (support/test_site.hpp), with two people.
class PropertyRoutesTest : public ::testing::Test {
 protected:
  PropertyRoutesTest() {
    for (const char* email : {"camille@example.fr", "dominique@example.fr"})
      users_[email] = site_.CreateUser(email, accounts::Role::kUser, "Personne");
  }

  Browser SignedIn(const std::string& email) { return site_.SignedIn(email); }

  int64_t NewListing(listings::Kind kind, const std::string& title, double longitude,
                     double latitude, bool withdrawn = false) {
    Connection connection = site_.db().Acquire();
    listings::Listing listing;
    listing.source_key = "test";
    listing.external_id = title;
    listing.kind = kind;
    listing.title = title;
    listing.commune_code = "46042";
    listing.longitude = longitude;
    listing.latitude = latitude;
    listing.tile_1km = "CRS3035RES1000mN2410000E3639000";
    listing.tile_5km = "CRS3035RES5000mN2410000E3635000";
    listing.content_hash = title;
    if (withdrawn) listing.withdrawn_at = clock_.NowSeconds();
    return listings::ListingStore::Insert(connection, listing);
  }

  // Saves a point at the centre of Cahors through the API; returns its id.
  int64_t SaveCahors(Browser& browser, const std::string& name = "Au centre de Cahors") {
    Answer saved = browser.Api("POST", "/api/v1/me/properties",
                               json{{"commune_code", "46042"}, {"name", name}}.dump());
    EXPECT_EQ(saved.status, 201) << saved.body;
    return saved.Json().value("id", int64_t{0});
  }

  static json FindKind(const json& surroundings, const std::string& criterion) {
    for (const json& kind : surroundings["amenities"]) {
      if (kind["criterion"] == criterion) return kind;
    }
    return json();
  }

  vivrovert::testing::TestSite site_;
  ManualClock& clock_ = site_.clock();
  web::App& app_ = site_.app();
  std::map<std::string, int64_t> users_;
};

TEST_F(PropertyRoutesTest, AnonymousVisitorsAreSentToLogIn) {
  Browser anonymous(app_);
  EXPECT_EQ(anonymous.GetJson("/api/v1/me/properties").status, 401);
  EXPECT_EQ(anonymous.GetJson("/api/v1/me/properties/1/surroundings").status, 401);
  Answer page = anonymous.Get("/compte/biens");
  EXPECT_EQ(page.status, 303);
  EXPECT_TRUE(page.location.starts_with("/compte/connexion")) << page.location;
  EXPECT_EQ(anonymous.Get("/compte/biens/1").status, 303);
}

TEST_F(PropertyRoutesTest, APointPlacedByCommuneShowsItsSurroundingsWithSources) {
  Browser camille = SignedIn("camille@example.fr");
  Answer saved = camille.Api("POST", "/api/v1/me/properties",
                             R"({"commune_code":"46042","name":"Au centre de Cahors"})");
  ASSERT_EQ(saved.status, 201) << saved.body;
  const json property = saved.Json();
  EXPECT_EQ(property["placement"], "commune");
  EXPECT_EQ(property["commune_code"], "46042");
  EXPECT_EQ(property["radius_km"], 10);
  const std::string id = std::to_string(property["id"].get<int64_t>());

  Answer around = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings");
  ASSERT_EQ(around.status, 200) << around.body;
  const json surroundings = around.Json();
  EXPECT_EQ(surroundings["commune_name"], "Cahors");
  const json stations = FindKind(surroundings, "dist_station_km");
  ASSERT_TRUE(stations.is_object());
  EXPECT_EQ(stations["source"]["publisher"], "SNCF Voyageurs");
  EXPECT_FALSE(stations["source"]["vintage"].get<std::string>().empty());
  ASSERT_FALSE(stations["within"].empty());
  EXPECT_EQ(stations["within"][0]["commune_code"], "46042");
  EXPECT_LT(stations["within"][0]["distance_km"].get<double>(), 2.0);
  for (const json& station : stations["within"])
    EXPECT_LE(station["distance_km"].get<double>(), 10.0);
  // The schools of the data folder cover Ille-et-Vilaine only: not available in the Lot.
  const json schools = FindKind(surroundings, "dist_school_km");
  ASSERT_TRUE(schools.is_object());
  EXPECT_FALSE(schools["covered"].get<bool>());
  // Toulouse is beyond 10 km: nothing within, but the nearest is given.
  const json cities = FindKind(surroundings, "dist_city_200k_km");
  EXPECT_TRUE(cities["within"].empty());
  EXPECT_EQ(cities["nearest"]["name"], "Toulouse");

  Answer page = camille.Get("/compte/biens/" + id);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Contains(page.body, "Au centre de Cahors"));
  EXPECT_TRUE(Contains(page.body, "Source : SNCF Voyageurs"));
  EXPECT_TRUE(Contains(page.body, "id=\"property-map\""));
  EXPECT_TRUE(Contains(page.body, "la source ne couvre pas ce département"));
  EXPECT_TRUE(Contains(page.body, "Toulouse"));
  Answer list = camille.Get("/compte/biens");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(Contains(list.body, "/compte/biens/" + id));

  // A wider radius, kept for the property.
  Answer wider = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings?radius_km=50");
  EXPECT_EQ(wider.Json()["radius_km"], 50);
  EXPECT_GT(FindKind(wider.Json(), "dist_station_km")["within"].size(), stations["within"].size());
  Answer kept = camille.Post("/compte/biens/" + id, {{"rayon", "30"}});
  EXPECT_EQ(kept.status, 303);
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties/" + id).Json()["radius_km"], 30);
}

TEST_F(PropertyRoutesTest, AnotherPersonsPropertyIsNotFound) {
  Browser camille = SignedIn("camille@example.fr");
  const std::string id = std::to_string(SaveCahors(camille));
  Browser dominique = SignedIn("dominique@example.fr");
  EXPECT_EQ(dominique.GetJson("/api/v1/me/properties/" + id).status, 404);
  EXPECT_EQ(dominique.GetJson("/api/v1/me/properties/" + id + "/surroundings").status, 404);
  EXPECT_EQ(dominique.Api("PUT", "/api/v1/me/properties/" + id, R"({"name":"À moi"})").status, 404);
  EXPECT_EQ(dominique.Api("DELETE", "/api/v1/me/properties/" + id, "").status, 404);
  EXPECT_EQ(dominique.Get("/compte/biens/" + id).status, 404);
  EXPECT_EQ(dominique.Post("/compte/biens/" + id, {{"rayon", "5"}}).status, 404);
  EXPECT_EQ(dominique.Post("/compte/biens/" + id + "/suppression", {}).status, 404);
  EXPECT_FALSE(Contains(dominique.Get("/compte/biens").body, "Au centre de Cahors"));
  EXPECT_EQ(dominique.GetJson("/api/v1/me/properties").Json()["properties"].size(), 0u);
  // Ids that name nothing.
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties/abc").status, 404);
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties/0").status, 404);
  // Still there for its owner, who may delete it.
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties/" + id).status, 200);
  EXPECT_EQ(camille.Api("DELETE", "/api/v1/me/properties/" + id, "").status, 204);
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties/" + id).status, 404);
}

TEST_F(PropertyRoutesTest, BadInputGetsAFrenchMessageNamingTheField) {
  Browser camille = SignedIn("camille@example.fr");
  struct Case {
    const char* body;
    int status;
    const char* field;
    const char* message_part;
  };
  const Case cases[] = {
      {R"({"commune_code":"46042","radius_km":99})", 400, "radius_km", "entre 2 et 50 km"},
      {R"({"commune_code":"46042","radius_km":"dix"})", 400, "radius_km", "nombre entier"},
      {R"({"latitude":44.4})", 400, "longitude", "latitude et la longitude"},
      {R"({"commune_code":"99999"})", 400, "commune_code", "inconnue"},
      {R"({"postcode":"00000"})", 400, "postcode", "inconnu"},
      {R"({"latitude":40.0,"longitude":-10.0})", 400, "latitude", "aucune dalle"},
      {R"({"name":"Rien"})", 400, "latitude", "Indiquez où se trouve ce bien"},
      {R"({"listing_id":999999})", 404, "listing_id", "introuvable"},
      {R"({"latitude":"44,4","longitude":1.4})", 400, "latitude", "doit être un nombre"},
      {"pas du JSON", 400, "body", "objet JSON"},
  };
  for (const Case& bad : cases) {
    Answer answer = camille.Api("POST", "/api/v1/me/properties", bad.body);
    EXPECT_EQ(answer.status, bad.status) << bad.body << " → " << answer.body;
    const json error = answer.Json()["error"];
    EXPECT_EQ(error.value("field", ""), bad.field) << bad.body;
    EXPECT_TRUE(Contains(error.value("message", ""), bad.message_part))
        << bad.body << " → " << error.dump();
  }
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties").Json()["properties"].size(), 0u);

  const std::string id = std::to_string(SaveCahors(camille));
  Answer radius = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings?radius_km=500");
  EXPECT_EQ(radius.status, 400);
  EXPECT_EQ(radius.Json()["error"]["field"], "radius_km");
  EXPECT_EQ(camille.Api("PUT", "/api/v1/me/properties/" + id, R"({"radius_km":1})").status, 400);
  EXPECT_EQ(camille.Api("PUT", "/api/v1/me/properties/" + id, R"({"name":"  "})")
                .Json()["error"]["field"],
            "name");

  // The pages: the radius typed in the page, and a form with a bad decimal, kept as typed.
  Answer page = camille.Get("/compte/biens/" + id + "?rayon=abc");
  EXPECT_EQ(page.status, 422);
  EXPECT_TRUE(Contains(page.body, "nombre entier de kilomètres")) << page.body;
  Answer form = camille.Post("/compte/biens",
                             {{"name", "Ferme"}, {"latitude", "44,4x"}, {"longitude", "1,44"}});
  EXPECT_EQ(form.status, 422);
  EXPECT_TRUE(Contains(form.body, "n&#39;est pas un nombre")) << form.body;
  EXPECT_TRUE(Contains(form.body, "value=\"44,4x\""));
  Answer nowhere = camille.Post("/compte/biens", {{"name", "Ferme"}, {"commune_code", "99999"}});
  EXPECT_EQ(nowhere.status, 422);
  EXPECT_TRUE(Contains(nowhere.body, "inconnue en France métropolitaine"));
}

TEST_F(PropertyRoutesTest, WritesNeedTheCsrfToken) {
  Browser camille = SignedIn("camille@example.fr");
  EXPECT_EQ(
      camille.Api("POST", "/api/v1/me/properties", R"({"commune_code":"46042"})", false).status,
      403);
  const std::string id = std::to_string(SaveCahors(camille));
  EXPECT_EQ(camille.Api("DELETE", "/api/v1/me/properties/" + id, "", false).status, 403);
  EXPECT_EQ(camille.GetJson("/api/v1/me/properties").Json()["properties"].size(), 1u);
}

TEST_F(PropertyRoutesTest, AHousingListingIsSavedOnceAndTheListingsAroundItAreListedByKind) {
  const int64_t house = NewListing(listings::Kind::kHousing, "Maison en pierre", 1.4414, 44.4475);
  const int64_t job =
      NewListing(listings::Kind::kJob, "Boulanger", 1.4414, 44.4745);  // ~3 km north
  const int64_t leisure =
      NewListing(listings::Kind::kLeisure, "Canoë", 1.4414, 44.80);  // ~39 km north
  NewListing(listings::Kind::kBusiness, "Commerce retiré", 1.4420, 44.4480, true);
  Browser camille = SignedIn("camille@example.fr");
  Answer saved = camille.Api("POST", "/api/v1/me/properties", json{{"listing_id", house}}.dump());
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(saved.Json()["name"], "Maison en pierre");
  EXPECT_EQ(saved.Json()["listing_id"], house);
  Answer again = camille.Api("POST", "/api/v1/me/properties", json{{"listing_id", house}}.dump());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["id"], saved.Json()["id"]);
  Answer not_housing =
      camille.Api("POST", "/api/v1/me/properties", json{{"listing_id", job}}.dump());
  EXPECT_EQ(not_housing.status, 400);
  EXPECT_TRUE(Contains(not_housing.Json()["error"]["message"], "annonces de logement"));

  const std::string id = std::to_string(saved.Json()["id"].get<int64_t>());
  json around = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings").Json();
  ASSERT_EQ(around["listings"].size(), 1u)
      << around["listings"].dump();  // not itself, not withdrawn, not 39 km away
  EXPECT_EQ(around["listings"][0]["id"], job);
  EXPECT_EQ(around["listings"][0]["kind_label"], "Emploi");
  EXPECT_NEAR(around["listings"][0]["distance_km"].get<double>(), 3.0, 0.1);
  EXPECT_FALSE(around["listings"][0].contains("source"));
  json wide = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings?radius_km=50").Json();
  ASSERT_EQ(wide["listings"].size(), 2u);
  EXPECT_EQ(wide["listings"][1]["id"], leisure);

  Answer page = camille.Get("/compte/biens/" + id + "?rayon=50");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Contains(page.body, "Annonces à moins de 50 km (2)"));
  EXPECT_TRUE(Contains(page.body, "Boulanger — Cahors, à 3,0 km"));
  EXPECT_FALSE(Contains(page.body, "Commerce retiré"));
}

TEST_F(PropertyRoutesTest, AmenitiesMissingWithinTheThresholdsOfSavedSearches) {
  Browser camille = SignedIn("camille@example.fr");
  const std::string id = std::to_string(SaveCahors(camille));
  json around = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings").Json();
  EXPECT_EQ(around["thresholds_checked"], 0);
  EXPECT_TRUE(Contains(camille.Get("/compte/biens/" + id).body, "id=\"missing-none\""));
  {
    Connection connection = site_.db().Acquire();
    const std::string request =
        R"({"level":"1km","criteria":[{"criterion":"dist_station_km","max":5,"importance":"required"},)"
        R"({"criterion":"dist_city_200k_km","max":20,"importance":"required"},)"
        R"({"criterion":"dist_gp_km","max":5,"importance":"required"},)"
        R"({"criterion":"density","max":50,"importance":"required"}]})";
    ASSERT_TRUE(interests::InterestStore::SaveSearch(connection, users_["camille@example.fr"],
                                                     "Calme", request, clock_.NowSeconds())
                    .ok());
  }
  around = camille.GetJson("/api/v1/me/properties/" + id + "/surroundings").Json();
  EXPECT_EQ(around["thresholds_checked"], 3);
  ASSERT_EQ(around["missing"].size(), 2u) << around["missing"].dump();
  const json city = around["missing"][0];
  EXPECT_EQ(city["criterion"], "dist_city_200k_km");
  EXPECT_TRUE(city["available"].get<bool>());
  EXPECT_GT(city["nearest_km"].get<double>(), 80);
  EXPECT_EQ(city["search"], "Calme");
  const json gp = around["missing"][1];
  EXPECT_EQ(gp["criterion"], "dist_gp_km");
  EXPECT_FALSE(gp["available"].get<bool>());
  EXPECT_TRUE(Contains(gp["message"], "non disponible"));
  EXPECT_TRUE(Contains(gp["message"], "insee.fr"));

  Answer page = camille.Get("/compte/biens/" + id);
  EXPECT_TRUE(Contains(page.body, "id=\"missing-list\""));
  EXPECT_TRUE(Contains(page.body, "Grande ville (200 000 habitants)"));
  EXPECT_TRUE(Contains(page.body, "Médecin généraliste à moins de 5 km : non disponible ici"));
  // Someone else's searches do not count for this person.
  Browser dominique = SignedIn("dominique@example.fr");
  Answer theirs = dominique.Api("POST", "/api/v1/me/properties", R"({"commune_code":"46042"})");
  json their_around =
      dominique
          .GetJson("/api/v1/me/properties/" + std::to_string(theirs.Json()["id"].get<int64_t>()) +
                   "/surroundings")
          .Json();
  EXPECT_EQ(their_around["thresholds_checked"], 0);
}

TEST_F(PropertyRoutesTest, APointTypedInThePageIsEscapedAndExported) {
  Browser camille = SignedIn("camille@example.fr");
  Answer saved = camille.Post("/compte/biens", {{"name", "<script>alert(1)</script>"},
                                                {"latitude", "44,4475"},
                                                {"longitude", "1,4414"},
                                                {"radius_km", "5"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  ASSERT_TRUE(saved.location.starts_with("/compte/biens/")) << saved.location;
  Answer page = camille.Get(saved.location);
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Contains(page.body, "<script>alert(1)</script>"));
  EXPECT_TRUE(Contains(page.body, "&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"));
  EXPECT_TRUE(Contains(page.body, "position exacte"));
  EXPECT_TRUE(Contains(page.body, "value=\"5\""));

  json exported = camille.GetJson("/compte/mes-donnees.json").Json();
  ASSERT_EQ(exported["saved_properties"].size(), 1u);
  EXPECT_EQ(exported["saved_properties"][0]["name"], "<script>alert(1)</script>");
  EXPECT_DOUBLE_EQ(exported["saved_properties"][0]["latitude"].get<double>(), 44.4475);
  EXPECT_EQ(exported["saved_properties"][0]["radius_km"], 5);

  // Deleting from the page.
  const std::string id = saved.location.substr(std::string("/compte/biens/").size());
  EXPECT_EQ(camille.Post("/compte/biens/" + id + "/suppression", {}).status, 303);
  EXPECT_EQ(camille.GetJson("/compte/mes-donnees.json").Json()["saved_properties"].size(), 0u);
}

}  // namespace
}  // namespace vivrovert::properties
