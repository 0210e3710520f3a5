// Importers of per-commune figures (INSEE comparateur de territoires, ARCEP fibre) on
// fixtures in the published layouts (tests/importers/fixtures/*/README.md).
#include "data/importers/commune_figures.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vivrovert::importers {
namespace {

const std::string kFixtures = std::string(VIVROVERT_SOURCE_ROOT) + "/tests/importers/fixtures/";

std::string WriteTemporary(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// The figures of a layer as "criterion code value" lines, the golden form.
std::string Figures(const ImportLayer& layer) {
  std::string text;
  char line[128];
  for (const auto& [criterion, communes] : layer.communes) {
    for (const auto& [code, value] : communes) {
      std::snprintf(line, sizeof line, "%s %s %.3f\n", criterion.c_str(), code.c_str(), value);
      text += line;
    }
  }
  return text;
}

TEST(InseeComparateurTest, FixtureFigures) {
  auto layer =
      ImportInseeComparateur({kFixtures + "insee-comparateur/base_cc_comparateur_46.csv"}, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->kind, "insee");
  EXPECT_EQ(layer->source.vintage, "Filosofi 2021, RP 2022");
  EXPECT_EQ(layer->source.rows_read, 10);
  EXPECT_EQ(layer->source.rows_kept, 9);     // every metropolitan commune has at least one figure
  EXPECT_EQ(layer->source.rows_skipped, 1);  // Les Abymes
  // Golden, computed by hand from the fixture: shares = 100 × part / P22_LOG.
  EXPECT_EQ(Figures(*layer),
            "median_income_eur 46001 21040.000\n"
            "median_income_eur 46003 21980.000\n"
            "median_income_eur 46005 20450.000\n"
            "median_income_eur 46006 20990.000\n"
            "median_income_eur 46007 24310.000\n"
            "median_income_eur 46008 19870.000\n"
            "median_income_eur 46042 20110.000\n"
            "poverty_rate_pct 46003 9.400\n"
            "poverty_rate_pct 46005 12.100\n"
            "poverty_rate_pct 46006 10.200\n"
            "poverty_rate_pct 46007 6.300\n"
            "poverty_rate_pct 46008 14.800\n"
            "poverty_rate_pct 46042 19.500\n"
            "second_homes_pct 46001 31.707\n"
            "second_homes_pct 46002 32.258\n"
            "second_homes_pct 46003 23.077\n"
            "second_homes_pct 46004 23.333\n"
            "second_homes_pct 46005 22.917\n"
            "second_homes_pct 46006 23.077\n"
            "second_homes_pct 46007 3.750\n"
            "second_homes_pct 46042 3.997\n"
            "vacant_homes_pct 46001 9.756\n"
            "vacant_homes_pct 46002 9.677\n"
            "vacant_homes_pct 46003 13.077\n"
            "vacant_homes_pct 46004 9.333\n"
            "vacant_homes_pct 46005 11.667\n"
            "vacant_homes_pct 46006 10.769\n"
            "vacant_homes_pct 46007 5.417\n"
            "vacant_homes_pct 46042 13.822\n");
}

TEST(InseeComparateurTest, BadValueAndHeader) {
  const std::string bad =
      WriteTemporary("cc-bad.csv", "CODGEO;LIBGEO;MED21\n46042;Cahors;20110\n46001;Albas;2l040\n");
  auto layer = ImportInseeComparateur({bad}, nullptr);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("cc-bad.csv:3: column 'MED21'"), std::string::npos)
      << layer.status().ToString();
  const std::string none =
      WriteTemporary("cc-none.csv", "CODGEO;LIBGEO;P22_POP\n46042;Cahors;19405\n");
  auto refused = ImportInseeComparateur({none}, nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("cc-none.csv:1:"), std::string::npos)
      << refused.status().ToString();
  std::filesystem::remove(bad);
  std::filesystem::remove(none);
}

TEST(ArcepFibreTest, FixtureShares) {
  auto layer = ImportArcepFibre({kFixtures + "arcep/arcep_communes_46.csv"}, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->kind, "arcep");
  EXPECT_EQ(layer->source.vintage, "T2 2024");
  EXPECT_EQ(layer->source.rows_read, 7);
  EXPECT_EQ(layer->source.rows_skipped, 1);
  // 14 100 / 14 210; 300 / 452; 0 / 70; 590 / 560 read as 100 %; Anglars (0 premises)
  // and Anglars-Juillac (empty quarter) missing.
  EXPECT_EQ(Figures(*layer),
            "fibre_pct 46001 66.372\n"
            "fibre_pct 46002 0.000\n"
            "fibre_pct 46003 100.000\n"
            "fibre_pct 46042 99.226\n");
  const std::vector<std::string> notes = {
      "1 communes overseas (the grid covers metropolitan France)",
      "1 communes with more eligible premises than estimated premises, read as 100 %",
      "2 communes without a figure for fibre_pct (empty or under statistical secrecy)"};
  EXPECT_EQ(layer->source.notes, notes);
}

TEST(ArcepFibreTest, BadValueNamesTheQuarter) {
  const std::string bad = WriteTemporary(
      "arcep-bad.csv",
      "Code commune;Meilleure estimation des locaux à date;T1 2024;T2 2024\n46042;100;50;6O\n");
  auto layer = ImportArcepFibre({bad}, nullptr);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("arcep-bad.csv:2: column 'T2 2024'"), std::string::npos)
      << layer.status().ToString();
  std::filesystem::remove(bad);
}

}  // namespace
}  // namespace vivrovert::importers
