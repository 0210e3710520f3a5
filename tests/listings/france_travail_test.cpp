#include "domain/listings/france_travail.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace vivrovert::listings {
namespace {

using nlohmann::json;

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(VIVROVERT_LISTINGS_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(FranceTravailTest, MapsOffersOfTheLotToJobListings) {
  Result<std::vector<BatchItem>> items =
      ReadFranceTravailOffers(Fixture("france_travail_lot.json"));
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 5u);
  for (const BatchItem& item : *items) EXPECT_EQ(item.kind, Kind::kJob);

  // 1: coordinates, CDI, monthly salary range, full contact.
  const BatchItem& nurse = (*items)[0];
  EXPECT_EQ(nurse.line, 1);
  EXPECT_TRUE(nurse.read_errors.empty());
  EXPECT_EQ(nurse.fields["external_id"], "187XKQM");
  EXPECT_EQ(nurse.fields["title"], "Infirmier / Infirmi\xC3\xA8re de nuit (H/F)");
  EXPECT_EQ(nurse.fields["rome_code"], "J1506");
  EXPECT_EQ(nurse.fields["contract"], "cdi");
  EXPECT_EQ(nurse.fields["employer"], "EHPAD LES TILLEULS");
  EXPECT_DOUBLE_EQ(nurse.fields["latitude"].get<double>(), 44.4475);
  EXPECT_DOUBLE_EQ(nurse.fields["longitude"].get<double>(), 1.441);
  EXPECT_FALSE(nurse.fields.contains("commune_code"));  // the coordinates place it
  EXPECT_EQ(nurse.fields["hours_per_week"], 35.0);
  EXPECT_EQ(nurse.fields["salary_min_eur"], 24000.0);
  EXPECT_EQ(nurse.fields["salary_max_eur"], 27600.0);
  EXPECT_EQ(nurse.fields["url"],
            "https://candidat.francetravail.fr/offres/recherche/detail/187XKQM");
  EXPECT_EQ(nurse.fields["contact_email"], "recrutement@ehpad-tilleuls.example");
  EXPECT_EQ(nurse.fields["contact_phone"], "05 65 00 12 34");

  // 2: commune code only, seasonal, hourly rate × 39 h × 52 weeks; a "courriel" that is
  // no e-mail address is left out.
  const BatchItem& vineyard = (*items)[1];
  EXPECT_EQ(vineyard.fields["commune_code"], "46102");
  EXPECT_FALSE(vineyard.fields.contains("latitude"));
  EXPECT_EQ(vineyard.fields["contract"], "seasonal");
  EXPECT_EQ(vineyard.fields["hours_per_week"], 39.0);
  EXPECT_EQ(vineyard.fields["salary_min_eur"], 24093.0);
  EXPECT_FALSE(vineyard.fields.contains("contact_email"));

  // 3: postcode only (with the place's label as address), interim, 35h30, no salary.
  const BatchItem& warehouse = (*items)[2];
  EXPECT_EQ(warehouse.fields["postcode"], "46300");
  EXPECT_EQ(warehouse.fields["address"], "46 - GOURDON");
  EXPECT_EQ(warehouse.fields["contract"], "interim");
  EXPECT_EQ(warehouse.fields["hours_per_week"], 35.5);
  EXPECT_FALSE(warehouse.fields.contains("salary_min_eur"));
  EXPECT_EQ(warehouse.fields["url"], "https://interim-quercy.example/postuler/187XMTC");

  // 4: malformed — reported with its index and fields, not thrown.
  const BatchItem& cook = (*items)[3];
  EXPECT_EQ(cook.line, 4);
  std::vector<std::string> fields;
  for (const FieldError& error : cook.read_errors) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"entreprise", "lieuTravail.latitude"}));

  // 5: apprenticeship (alternance), yearly salary.
  const BatchItem& baker = (*items)[4];
  EXPECT_EQ(baker.fields["contract"], "apprenticeship");
  EXPECT_EQ(baker.fields["salary_min_eur"], 12000.0);
  EXPECT_EQ(baker.fields["salary_max_eur"], 14400.0);

  // The well-formed offers are valid job listings for the schema.
  for (size_t index : {0u, 1u, 2u, 4u}) {
    Normalised normalised = NormaliseListing(Kind::kJob, (*items)[index].fields);
    for (const FieldError& error : normalised.errors) {
      ADD_FAILURE() << "offer " << index + 1 << ": " << error.field << ": " << error.message;
    }
  }
}

TEST(FranceTravailTest, ParsesTheWorkingTimeAndSalaryLabelsItCan) {
  auto one = [](const json& offer) {
    Result<std::vector<BatchItem>> items =
        ReadFranceTravailOffers(json{{"resultats", {offer}}}.dump());
    EXPECT_TRUE(items.ok());
    return items.ok() ? items->at(0).fields : json();
  };
  json fields = one(
      {{"id", "1"},
       {"dureeTravailLibelle", "35 H  Horaires normaux"},
       {"salaire", {{"libelle", "Mensuel de 1600,00 Euros \xC3\xA0 1800,00 Euros sur 13 mois"}}}});
  EXPECT_EQ(fields["hours_per_week"], 35.0);
  EXPECT_EQ(fields["salary_min_eur"], 20800.0);
  EXPECT_EQ(fields["salary_max_eur"], 23400.0);
  fields = one({{"id", "2"},
                {"dureeTravailLibelle", "Temps partiel"},
                {"salaire", {{"libelle", "Horaire de 12 Euros"}}}});
  EXPECT_FALSE(fields.contains("hours_per_week"));
  EXPECT_FALSE(fields.contains("salary_min_eur"));  // hourly without hours: unknown yearly
  fields =
      one({{"id", 3}, {"dureeTravailLibelle", "99H"}, {"salaire", {{"libelle", "A négocier"}}}});
  EXPECT_EQ(fields["external_id"], "3");
  EXPECT_FALSE(fields.contains("hours_per_week"));
  EXPECT_FALSE(fields.contains("salary_min_eur"));
}

TEST(FranceTravailTest, LongTextsAreCutToTheSchemaLengths) {
  const std::string long_text(6000, 'a');
  Result<std::vector<BatchItem>> items = ReadFranceTravailOffers(json{
      {"resultats",
       {{{"id", "X"},
         {"intitule", "\xC3\xA9" + std::string(300, 'e')},
         {"description", long_text}}}}}.dump());
  ASSERT_TRUE(items.ok());
  const json& fields = items->at(0).fields;
  EXPECT_LE(fields["title"].get<std::string>().size(), 200u);
  EXPECT_LE(fields["description"].get<std::string>().size(), 5000u);
  EXPECT_TRUE(fields["description"].get<std::string>().ends_with("\xE2\x80\xA6"));
}

TEST(FranceTravailTest, RefusesWhatIsNotAnOfferPage) {
  EXPECT_FALSE(ReadFranceTravailOffers("pas du json").ok());
  EXPECT_FALSE(ReadFranceTravailOffers(R"({"offres": []})").ok());
  EXPECT_FALSE(ReadFranceTravailOffers(R"({"resultats": {}})").ok());
  Result<std::vector<BatchItem>> odd =
      ReadFranceTravailOffers(R"({"resultats": [42, {"intitule": "Sans id"}]})");
  ASSERT_TRUE(odd.ok());
  ASSERT_EQ(odd->size(), 2u);
  EXPECT_EQ(odd->at(0).read_errors.size(), 1u);
  ASSERT_EQ(odd->at(1).read_errors.size(), 1u);
  EXPECT_EQ(odd->at(1).read_errors[0].field, "id");
  Result<std::vector<BatchItem>> single =
      ReadFranceTravailOffers(R"({"id": "9", "intitule": "Seule"})");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->size(), 1u);
}

}  // namespace
}  // namespace vivrovert::listings
