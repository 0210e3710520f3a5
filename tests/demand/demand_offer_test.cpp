// Demand against offer, on each backend, over the grid of the Lot: on a synthetic demand
// with known answers — people whose saved searches make Cahors green, with and without the
// consents that let them count, and listings in and out of the territory — the exact
// counts of housing wishes against housing listings and of trades (ROME codes) against
// jobs, as the barometer page shows them.
#include "domain/demand/demand_offer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/listings/listing_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::demand {
namespace {

using nlohmann::json;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::TestSite;

std::string SearchOf(const std::string& commune) {
  json request = {
      {"level", "1km"},
      {"territory", {{"communes", {commune}}}},
      {"criteria",
       {{{"criterion", "dist_station_km"}, {"max", 1000}, {"importance", "required"}}}}};
  return json{{"name", "Ma recherche"}, {"request", request}}.dump();
}

const json kFlat = {{"housing_tenure", "rent"},
                    {"housing_type", "flat"},
                    {"housing_rooms_min", 3},
                    {"housing_price_max", 700}};
const char* kFlatLabel = "Appartement en location, 3 pièce(s) ou plus, jusqu'à 700 €";

class DemandOfferTest : public ::testing::Test {
 protected:
  DemandOfferTest() {
    Connection connection = site_.db().Acquire();
    partners::PartnerInput input;
    input.kind = partners::PartnerKind::kCommune;
    input.name = "Ville de Cahors";
    input.slug = "cahors";
    input.territory = {{"46042"}, {}, {}};
    cahors_ = partners::PartnerStore::Create(connection, input, site_.clock().NowSeconds())->id;
    testing::Subscribe(connection, cahors_,
                       {subscriptions::ProductCode::kBase, subscriptions::ProductCode::kOption1});
    const int64_t agent = site_.CreateUser("agent@cahors.fr", accounts::Role::kPartnerStaff);
    EXPECT_TRUE(partners::PartnerStore::SetStaff(connection, cahors_, agent,
                                                 partners::StaffRole::kViewer,
                                                 site_.clock().NowSeconds())
                    .ok());
  }

  // A person with `profile` and `consents`, whose saved search is green on `commune`.
  void Person(const std::string& email, json profile, const std::map<std::string, bool>& consents,
              const std::string& commune) {
    const int64_t user = site_.CreateUser(email, accounts::Role::kUser, "Personne");
    {
      Connection connection = site_.db().Acquire();
      profiles::Profile stored;
      stored.data = std::move(profile);
      profiles::ProfileStore::Put(connection, user, stored, site_.clock().NowSeconds());
      profiles::ProfileStore::SetConsents(connection, user, consents, site_.clock().NowSeconds());
    }
    Browser browser = site_.SignedIn(email);
    testing::Page saved = browser.Api("POST", "/api/v1/me/searches", SearchOf(commune));
    ASSERT_EQ(saved.status, 201) << saved.body;
  }

  void Listing(listings::Kind kind, const std::string& commune, json details) {
    Connection connection = site_.db().Acquire();
    listings::Listing listing;
    listing.source_key = "test";
    listing.external_id = "annonce-" + std::to_string(++listings_);
    listing.kind = kind;
    listing.title = *listing.external_id;
    listing.commune_code = commune;
    listing.longitude = 1.44;
    listing.latitude = 44.45;
    listing.tile_1km = "CRS3035RES1000mN2410000E3639000";
    listing.tile_5km = "CRS3035RES5000mN2410000E3635000";
    listing.details = std::move(details);
    listing.content_hash = *listing.external_id;
    listings::ListingStore::Insert(connection, listing);
  }

  TestSite site_;
  int64_t cahors_ = 0;
  int listings_ = 0;
};

TEST_F(DemandOfferTest, ConsentedWishesAndTradesAgainstTheTerritorysListings) {
  // Four people make Cahors green; one only Figeac.
  json first = kFlat;
  first["work_rome_codes"] = json::array({"J1506"});  // not shared: no "work" consent
  Person("un@exemple.fr", first, {{"housing", true}}, "46042");
  json second = kFlat;
  second["work_rome_codes"] = json::array({"J1506", "K2111"});
  Person("deux@exemple.fr", second, {{"housing", true}, {"work", true}}, "46042");
  Person("trois@exemple.fr", {{"housing_tenure", "buy"}, {"housing_type", "house"}},
         {{"housing", true}}, "46042");
  Person("quatre@exemple.fr", kFlat, {{"identity", true}}, "46042");  // shares no wish
  json elsewhere = kFlat;
  elsewhere["work_rome_codes"] = json::array({"A1405"});
  Person("figeac@exemple.fr", elsewhere, {{"housing", true}, {"work", true}}, "46102");

  using listings::Kind;
  Listing(Kind::kHousing, "46042",
          {{"transaction", "rent"}, {"property_type", "flat"}, {"rooms", 3}, {"price_eur", 650}});
  Listing(Kind::kHousing, "46042",
          {{"transaction", "rent"}, {"property_type", "flat"}, {"rooms", 2}, {"price_eur", 500}});
  Listing(Kind::kHousing, "46042",
          {{"transaction", "rent"}, {"property_type", "flat"}, {"rooms", 4}, {"price_eur", 900}});
  Listing(
      Kind::kHousing, "46042",
      {{"transaction", "sale"}, {"property_type", "house"}, {"rooms", 5}, {"price_eur", 200000}});
  Listing(Kind::kJob, "46042", {{"rome_code", "J1506"}});
  Listing(Kind::kJob, "46042", {{"rome_code", "J1506"}});
  Listing(Kind::kJob, "46042", {{"rome_code", "A1405"}});
  Listing(Kind::kHousing, "46102",  // Figeac: not the territory's
          {{"transaction", "rent"}, {"property_type", "flat"}, {"rooms", 3}, {"price_eur", 600}});

  Connection connection = site_.db().Acquire();
  const partners::Partner partner = *partners::PartnerStore::Get(connection, cahors_);
  const engine::Territory territory =
      *partners::ResolveTerritory(connection, site_.grid(), partner);
  const DemandOffer offer =
      ComputeDemandOffer(connection, site_.grid(), cahors_, territory, site_.clock().NowSeconds());
  EXPECT_EQ(offer.people, 4);
  EXPECT_EQ(offer.housing_shared, 3);
  EXPECT_EQ(offer.work_shared, 1);
  EXPECT_EQ(offer.housing_listings, 4);
  EXPECT_EQ(offer.job_listings, 3);
  ASSERT_EQ(offer.housing.size(), 2u);
  EXPECT_EQ(offer.housing[0].label, kFlatLabel);
  EXPECT_EQ(offer.housing[0].profiles, 2);
  EXPECT_EQ(offer.housing[0].listings, 1);  // 2 rooms, or 900 €, do not answer it
  EXPECT_EQ(offer.housing[1].label, "Maison à l'achat");
  EXPECT_EQ(offer.housing[1].profiles, 1);
  EXPECT_EQ(offer.housing[1].listings, 1);
  ASSERT_EQ(offer.skills.size(), 3u);
  EXPECT_EQ(offer.skills[0].rome_code, "J1506");
  EXPECT_EQ(offer.skills[0].profiles, 1);
  EXPECT_EQ(offer.skills[0].jobs, 2);
  EXPECT_EQ(offer.skills[1].rome_code, "K2111");
  EXPECT_EQ(offer.skills[1].profiles, 1);
  EXPECT_EQ(offer.skills[1].jobs, 0);
  EXPECT_EQ(offer.skills[2].rome_code, "A1405");  // offered, wanted by nobody who counts
  EXPECT_EQ(offer.skills[2].profiles, 0);
  EXPECT_EQ(offer.skills[2].jobs, 1);

  // The page shows the same counts.
  Browser agent = site_.SignedIn("agent@cahors.fr");
  testing::Page page = agent.Get("/partenaire/cahors/barometre");
  ASSERT_EQ(page.status, 200) << site_.errors();
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"offer-people-count\">4</strong>"));
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"offer-housing-shared\">3</strong>"));
  EXPECT_TRUE(testing::Contains(page.body, "<strong id=\"offer-work-shared\">1</strong>"));
  // (mustache escapes "'" as &#39;)
  EXPECT_TRUE(testing::Contains(page.body, std::string("<tr><th scope=\"row\">") +
                                               "Appartement en location, 3 pièce(s) ou plus, "
                                               "jusqu&#39;à 700 €" +
                                               "</th><td class=\"profiles\">2</td><td "
                                               "class=\"listings\">1</td></tr>"))
      << page.body;
  EXPECT_TRUE(testing::Contains(page.body,
                                "<tr data-rome=\"J1506\"><th scope=\"row\">Soins infirmiers "
                                "généralistes (J1506)</th><td class=\"profiles\">1</td><td "
                                "class=\"jobs\">2</td></tr>"))
      << page.body;
}

TEST(DemandOfferMatchTest, WishesWithoutAnyHousingFieldAreNotWishes) {
  EXPECT_EQ(HousingWishLabel(json::object()), "");
  EXPECT_EQ(HousingWishLabel({{"housing_tenure", "either"}}), "Logement");
  EXPECT_EQ(HousingWishLabel({{"housing_type", "land"}, {"housing_price_max", 30000.5}}),
            "Terrain, jusqu'à 30000,5 €");
  const DemandOffer offer = MatchDemandOffer({json::object(), kFlat}, {}, {});
  EXPECT_EQ(offer.housing_shared, 1);
  ASSERT_EQ(offer.housing.size(), 1u);
  EXPECT_EQ(offer.housing[0].listings, 0);
}

}  // namespace
}  // namespace vivrovert::demand
