// Golden tests on small real excerpts (tests/data/open-data/SOURCE.txt).
#include "data/importers/national_sources.hpp"

#include <gtest/gtest.h>

namespace vivrovert::importers {
namespace {

const std::string kFiles = VIVROVERT_TEST_FILES;

TEST(NationalSourcesTest, SncfStationsWithPositionAndUic) {
  auto stations = ReadSncfStations(kFiles + "/gares-de-voyageurs.csv");
  ASSERT_TRUE(stations.ok()) << stations.status().ToString();
  ASSERT_EQ(stations->size(), 4u);  // the stop without a position is left out
  const Station& cahors = stations->back();
  EXPECT_EQ(cahors.name, "Cahors");
  EXPECT_EQ(cahors.commune_code, "46042");
  EXPECT_DOUBLE_EQ(cahors.latitude, 44.449275);
  EXPECT_DOUBLE_EQ(cahors.longitude, 1.433325);
  ASSERT_EQ(cahors.uic_codes.size(), 1u);
  EXPECT_EQ(cahors.uic_codes[0], "87613000");
}

TEST(NationalSourcesTest, SncfRidershipOfAYear) {
  auto ridership = ReadSncfRidership(kFiles + "/frequentation-gares.csv", 2023);
  ASSERT_TRUE(ridership.ok()) << ridership.status().ToString();
  EXPECT_EQ(ridership->at("87613000"), 531233);
  EXPECT_EQ(ridership->at("87316745"), 0);
  auto absent_year = ReadSncfRidership(kFiles + "/frequentation-gares.csv", 1990);
  ASSERT_FALSE(absent_year.ok());
  EXPECT_EQ(absent_year.status().field(), "Total Voyageurs 1990");
}

TEST(NationalSourcesTest, GiscoHospitalsAndTheirClassification) {
  auto hospitals = ReadGiscoHealthcare(kFiles + "/gisco-FR.csv");
  ASSERT_TRUE(hospitals.ok()) << hospitals.status().ToString();
  ASSERT_EQ(hospitals->size(), 3u);
  EXPECT_EQ((*hospitals)[0].id, "10000024");
  EXPECT_TRUE(IsAcuteCareHospital((*hospitals)[0].facility_type));
  EXPECT_FALSE(IsAcuteCareHospital((*hospitals)[2].facility_type));
  EXPECT_FALSE(IsAcuteCareHospital("Etablissement de Soins Longue Durée"));
  EXPECT_FALSE(IsAcuteCareHospital("Etablissement de santé privé autorisé en SSR"));
  EXPECT_TRUE(IsAcuteCareHospital("Centre Hospitalier Régional (C.H.R.)"));
}

TEST(NationalSourcesTest, CensusGridBothLayouts) {
  auto detail = ReadCensusGrid(kFiles + "/census-all-fields.csv");
  ASSERT_TRUE(detail.ok()) << detail.status().ToString();
  ASSERT_EQ(detail->size(), 3u);
  const CensusCell& first = detail->front();
  EXPECT_EQ(first.east, 3630000);
  EXPECT_EQ(first.north, 2384000);
  EXPECT_DOUBLE_EQ(*first.total, 18);
  EXPECT_DOUBLE_EQ(*first.under_15, 2);
  EXPECT_DOUBLE_EQ(*first.over_65, 6);
  EXPECT_DOUBLE_EQ(*first.moved_in, 2);

  auto national = ReadCensusGrid(kFiles + "/census-T.csv");
  ASSERT_TRUE(national.ok()) << national.status().ToString();
  ASSERT_EQ(national->size(), 2u);
  EXPECT_DOUBLE_EQ(*national->front().total, 18);
  EXPECT_FALSE(national->front().under_15.has_value());
}

}  // namespace
}  // namespace vivrovert::importers
