// The BPE and Annuaire de l'éducation importers on the real files of ../shared/data (the
// Trevas BPE sample, the Ille-et-Vilaine annuaire) and on small files in their layouts.
#include "data/importers/point_sources.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "data/csv/csv_reader.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::importers {
namespace {

const std::string kData = VIVROVERT_TEST_DATA_DIR;
const std::string kClasses = std::string(VIVROVERT_SOURCE_ROOT) + "/data/";

std::string WriteTemporary(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Back to longitude/latitude (one PROJ context for the whole test: making one is slow).
geo::Point ToWgs84(geo::Point point) {
  static geo::Projector projector = geo::Projector::Create(geo::kLaea, geo::kWgs84).value();
  EXPECT_TRUE(projector.Transform(point));
  return point;
}

TEST(BpeClassesTest, EveryCodeIsInThePost2021Nomenclature) {
  std::set<std::string> known;
  CsvOptions options;
  ASSERT_TRUE(ReadCsv(kData + "/bpe-nomenclature/bpe_typequ.csv", options,
                      [&](const CsvRow& row) -> Status {
                        known.emplace(*row.Get("TYPEQU"));
                        return Status::Ok();
                      })
                  .ok());
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  ASSERT_TRUE(classes.ok()) << classes.status().ToString();
  EXPECT_GE(classes->size(), 16u);
  for (const PointClass& point_class : *classes) {
    for (const std::string& code : point_class.codes)
      EXPECT_TRUE(known.contains(code)) << point_class.criterion << " " << code;
    for (const std::string& prefix : point_class.prefixes) {
      bool any = false;
      for (const std::string& code : known) any = any || code.starts_with(prefix);
      EXPECT_TRUE(any) << point_class.criterion << " prefix " << prefix;
    }
  }
}

TEST(BpeImportTest, TrevasSampleLambert93) {
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  ASSERT_TRUE(classes.ok());
  auto layer =
      ImportBpe({kData + "/insee-bpe-trevas-sample/BPE_DETAIL_SAMPLE.csv"}, *classes, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->kind, "bpe");
  EXPECT_EQ(layer->source.vintage, "2021");
  EXPECT_EQ(layer->source.rows_read, 20000);
  // Counted independently (python csv): metropolitan rows of D401 and D106.
  EXPECT_EQ(layer->points.at("dist_nursing_home_km").size(), 751u);
  EXPECT_EQ(layer->points.at("dist_emergency_km").size(), 38u);
  EXPECT_TRUE(layer->points.at("dist_gp_km").empty());  // the sample has no D201
  EXPECT_EQ(layer->source.rows_kept, 751 + 38);
  EXPECT_EQ(layer->source.rows_skipped, 119);  // overseas rows
  EXPECT_TRUE(layer->departements.empty());    // rows in all 96 metropolitan départements
  EXPECT_EQ(layer->count_radius_m.at("shops_5km_count"), 5000);
  // Every nursing home lands in metropolitan France.
  for (const geo::Point& point : layer->points.at("dist_nursing_home_km")) {
    const geo::Point wgs84 = ToWgs84(point);
    EXPECT_GT(wgs84.x, -5.5);
    EXPECT_LT(wgs84.x, 9.7);
    EXPECT_GT(wgs84.y, 41.3);
    EXPECT_LT(wgs84.y, 51.2);
  }
}

TEST(BpeImportTest, LambertPointIsProjected) {
  // First row of the sample: a nursing home of 95607 (Val-d'Oise), Lambert-93 (643379.5, 6880776).
  const std::string file = WriteTemporary(
      "bpe-one.csv",
      "\"ID_EQUIPEMENT\";\"TYPEQU\";\"DEPCOM\";\"REF_YEAR\";\"LAMBERT_X\";\"LAMBERT_Y\"\n"
      "\"EQ0000001\";\"D401\";\"95607\";2021;\"643379.5\";\"6880776\"\n");
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  auto layer = ImportBpe({file}, *classes, nullptr);
  std::filesystem::remove(file);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  ASSERT_EQ(layer->points.at("dist_nursing_home_km").size(), 1u);
  EXPECT_EQ(layer->departements, std::vector<std::string>{"95"});
  const geo::Point wgs84 = ToWgs84(layer->points.at("dist_nursing_home_km")[0]);
  EXPECT_NEAR(wgs84.x, 2.17, 0.1);  // Val-d'Oise
  EXPECT_NEAR(wgs84.y, 49.03, 0.1);
}

TEST(BpeImportTest, Wgs84ColumnsOfRecentVintagesWin) {
  // BPE 2023+ layout (https://www.insee.fr/fr/statistiques/3568638): LAMBERT_X/Y and
  // LONGITUDE/LATITUDE side by side; a B105 supermarket counts as a supermarket and a shop.
  const std::string file =
      WriteTemporary("bpe-2024.csv",
                     "AN;DEPCOM;LAMBERT_X;LAMBERT_Y;LONGITUDE;LATITUDE;EPSG;TYPEQU\n"
                     "2024;46042;;;1.4333;44.4493;2154;B105\n"
                     "2024;46042;;;;;;B207\n");
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  auto layer = ImportBpe({file}, *classes, nullptr);
  std::filesystem::remove(file);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->source.vintage, "2024");
  ASSERT_EQ(layer->points.at("dist_supermarket_km").size(), 1u);
  EXPECT_EQ(layer->points.at("shops_5km_count").size(), 1u);
  EXPECT_TRUE(layer->points.at("dist_bakery_km").empty());  // no coordinates: skipped, counted
  EXPECT_EQ(layer->source.rows_skipped, 1);
  const geo::Point wgs84 = ToWgs84(layer->points.at("dist_supermarket_km")[0]);
  EXPECT_NEAR(wgs84.x, 1.4333, 1e-4);
  EXPECT_NEAR(wgs84.y, 44.4493, 1e-4);
}

TEST(BpeImportTest, BadCoordinateNamesFileRowAndColumn) {
  const std::string file = WriteTemporary(
      "bpe-bad.csv",
      "\"ID_EQUIPEMENT\";\"TYPEQU\";\"DEPCOM\";\"REF_YEAR\";\"LAMBERT_X\";\"LAMBERT_Y\"\n"
      "\"EQ0000001\";\"D401\";\"95607\";2021;\"643379.5\";\"6880776\"\n"
      "\"EQ0000002\";\"D106\";\"95625\";2021;\"6244x6.7\";\"6889588\"\n");
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  auto layer = ImportBpe({file}, *classes, nullptr);
  std::filesystem::remove(file);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("bpe-bad.csv:3: column 'LAMBERT_X'"), std::string::npos)
      << layer.status().message();
  EXPECT_EQ(layer.status().field(), "LAMBERT_X");
}

TEST(BpeImportTest, HeaderWithoutCoordinatesIsRefused) {
  const std::string file = WriteTemporary("bpe-nocoord.csv", "TYPEQU;DEPCOM\nD201;46042\n");
  auto classes = LoadBpeClasses(kClasses + "bpe_classes.json");
  auto layer = ImportBpe({file}, *classes, nullptr);
  std::filesystem::remove(file);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("LAMBERT_X"), std::string::npos)
      << layer.status().message();
}

TEST(EducationImportTest, IlleEtVilaineAnnuaire) {
  auto classes = LoadEducationClasses(kClasses + "education_classes.json");
  ASSERT_TRUE(classes.ok()) << classes.status().ToString();
  double last_fraction = 0;
  auto layer = ImportEducationAnnuaire(
      {kData + "/education-annuaire/fr-en-annuaire-education_dep35.csv"}, *classes,
      [&](std::string_view, double fraction) { last_fraction = fraction; });
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_DOUBLE_EQ(last_fraction, 1.0);
  EXPECT_EQ(layer->source.rows_read, 996);
  // Counted independently (python csv, code_nature and etat).
  EXPECT_EQ(layer->points.at("dist_school_km").size(),
            112u + 572u + 1u);  // 101, 151 (one "A FERMER")
  EXPECT_EQ(layer->points.at("dist_college_km").size(), 117u);
  EXPECT_EQ(layer->points.at("dist_lycee_km").size(), 20u + 9u + 13u + 32u + 11u + 1u);
  EXPECT_EQ(layer->departements, std::vector<std::string>{"35"});
  EXPECT_EQ(layer->source.vintage, "mise à jour du 2023-06-08");
  // Every school lies in or near Ille-et-Vilaine.
  for (const geo::Point& point : layer->points.at("dist_school_km")) {
    const geo::Point wgs84 = ToWgs84(point);
    EXPECT_GT(wgs84.x, -2.3);
    EXPECT_LT(wgs84.x, -1.0);
    EXPECT_GT(wgs84.y, 47.6);
    EXPECT_LT(wgs84.y, 48.8);
  }
}

TEST(EducationImportTest, MissingColumnIsNamed) {
  const std::string file = WriteTemporary(
      "annuaire-bad.csv", "Identifiant_de_l_etablissement;code_nature;etat\n0350122T;151;OUVERT\n");
  auto classes = LoadEducationClasses(kClasses + "education_classes.json");
  auto layer = ImportEducationAnnuaire({file}, *classes, nullptr);
  std::filesystem::remove(file);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("annuaire-bad.csv:1: missing column 'Code_departement'"),
            std::string::npos)
      << layer.status().message();
}

}  // namespace
}  // namespace vivrovert::importers
