// The one rule that reads stored values out (domain/display/labels.hpp): choices, ROME
// codes, communes, dates and numbers, on the real ROME file and the grid of the Lot.
#include "domain/display/labels.hpp"

#include <gtest/gtest.h>

#include "domain/listings/listing_schema.hpp"
#include "domain/profiles/profile.hpp"
#include "support/lot_grid.hpp"

namespace vivrovert::display {
namespace {

using nlohmann::json;

const listings::FieldSpec& ProfileField(std::string_view name) {
  for (const listings::FieldSpec& spec : profiles::ProfileFields()) {
    if (spec.name == name) return spec;
  }
  throw std::runtime_error("no profile field " + std::string(name));
}

const RomeTitles& Titles() {
  static const RomeTitles titles = [] {
    Result<RomeTitles> loaded = RomeTitles::Load(RomeTitles::PathIn(VIVROVERT_TEST_DATA_DIR));
    if (!loaded.ok()) throw std::runtime_error(std::string(loaded.status().message()));
    return std::move(*loaded);
  }();
  return titles;
}

TEST(RomeTitlesTest, ReadsEveryFicheOfTheFile) {
  EXPECT_EQ(Titles().size(), 532u);
  ASSERT_NE(Titles().Find("A1405"), nullptr);
  EXPECT_EQ(*Titles().Find("A1405"), "Arboriculture et viticulture");
  EXPECT_EQ(Titles().Find("Z9999"), nullptr);
}

TEST(RomeTitlesTest, AMissingFileIsNamed) {
  Result<RomeTitles> loaded = RomeTitles::Load("/nonexistent/rome_fiches.csv");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("rome_fiches.csv"), std::string::npos);
}

TEST(LabelsTest, ChoicesReadAsTheirFrenchLabel) {
  const Labels labels;
  EXPECT_EQ(labels.Field(ProfileField("work_situation"), "job_seeker"), "En recherche d'emploi");
  EXPECT_EQ(labels.Field(ProfileField("housing_tenure"), "buy"), "Acheter");
  EXPECT_EQ(labels.Field(ProfileField("housing_type"), "house"), "Maison");
  EXPECT_EQ(labels.Field(ProfileField("business_sector"), "food_service"),
            "Café, hôtel, restaurant");
  // Not a choice of the field (an older code): shown as stored rather than invented.
  EXPECT_EQ(labels.Field(ProfileField("housing_type"), "castle"), "castle");
}

TEST(LabelsTest, RomeCodesGetTheirTitleWithTheCodeBeside) {
  const Labels labels(&Titles(), nullptr);
  EXPECT_EQ(labels.Rome("A1405"), "Arboriculture et viticulture (A1405)");
  EXPECT_EQ(labels.Field(ProfileField("work_rome_codes"), json::array({"A1405", "N4101"})),
            "Arboriculture et viticulture (A1405), Conduite de transport de marchandises sur "
            "longue distance (N4101)");
  EXPECT_EQ(labels.Rome("Z9999"), "Code ROME Z9999 (intitulé inconnu)");
  EXPECT_EQ(Labels().Rome("A1405"), "Code ROME A1405 (intitulé inconnu)");
}

TEST(LabelsTest, CommunesGetTheirNameWithTheCodeBeside) {
  const Labels labels(nullptr, &vivrovert::testing::LotGrid());
  EXPECT_EQ(labels.Commune("46042"), "Cahors (46042)");
  EXPECT_EQ(labels.Commune("46102"), "Figeac (46102)");
  EXPECT_EQ(labels.Commune("75056"), "Commune 75056 (nom inconnu)");
}

TEST(LabelsTest, DatesAndNumbersInFrench) {
  const Labels labels;
  EXPECT_EQ(Labels::Date(1772366400), "01/03/2026");
  EXPECT_EQ(Labels::Integer(230000), "230\u00a0000");
  EXPECT_EQ(Labels::Integer(-1234567), "-1\u00a0234\u00a0567");
  EXPECT_EQ(Labels::Integer(999), "999");
  EXPECT_EQ(Labels::Number(1250.5), "1\u00a0250,5");
  EXPECT_EQ(Labels::Number(-0.25), "-0,25");
  EXPECT_EQ(Labels::Euros(230000), "230\u00a0000\u00a0€");
  EXPECT_EQ(Labels::Euros(12.5), "12,50\u00a0€");
  EXPECT_EQ(labels.Field(ProfileField("funds_eur"), 60000), "60\u00a0000");
  EXPECT_EQ(labels.Field(ProfileField("work_remote"), true), "oui");
  EXPECT_EQ(
      labels.Field(*listings::FindField(listings::Kind::kHousing, "valid_until"), "2026-04-30"),
      "30/04/2026");
}

}  // namespace
}  // namespace vivrovert::display
