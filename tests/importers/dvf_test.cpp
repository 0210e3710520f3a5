// The geo-DVF importer on a fixture in the published layout (tests/importers/fixtures/dvf,
// see its README): golden cells computed by a brute-force reference of the rule, the
// sales it must leave out, and errors by file, line and column.
#include "data/importers/dvf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "data/csv/csv_reader.hpp"

namespace vivrovert::importers {
namespace {

const std::string kFixtures = std::string(VIVROVERT_SOURCE_ROOT) + "/tests/importers/fixtures/dvf/";

std::string WriteTemporary(const std::string& name, const std::string& text) {
  const auto path =
      std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name);
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The layer's cells in the golden file's form.
std::string CellsAsCsv(const ImportLayer& layer) {
  std::ostringstream out;
  out << "criterion,east,north,value\n";
  for (const char* criterion :
       {"price_m2_house", "price_m2_house_sales", "price_m2_flat", "price_m2_flat_sales"}) {
    for (const CellValue& cell : layer.cells.at(criterion)) {
      out << criterion << ',' << cell.east << ',' << cell.north << ','
          << static_cast<int64_t>(cell.value) << '\n';
    }
  }
  return out.str();
}

TEST(DvfImportTest, FixtureMatchesTheGoldenCells) {
  auto layer = ImportDvf({kFixtures + "dvf_46_fixture.csv"}, DvfRules{}, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->kind, "dvf");
  EXPECT_EQ(layer->source.vintage, "ventes du 2019-06-29 au 2024-06-28");
  EXPECT_EQ(layer->source.rows_read, 56);
  EXPECT_EQ(layer->source.rows_kept, 31 + 12);
  EXPECT_EQ(layer->departements, std::vector<std::string>{"46"});
  EXPECT_EQ(CellsAsCsv(*layer), ReadAll(kFixtures + "expected_cells.csv"));
}

TEST(DvfImportTest, LeftOutSalesAreCountedByReason) {
  auto layer = ImportDvf({kFixtures + "dvf_46_fixture.csv"}, DvfRules{}, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  const std::vector<std::string> expected = {
      "1 rows overseas (the grid covers metropolitan France)",
      "1 dwelling mutations other than 'Vente' (VEFA, auction, exchange…)",
      "1 sales of several dwellings at one price",
      "1 sales of a dwelling with business premises",
      "1 sales of a dwelling under 9 m²",
      "1 dwelling sales without coordinates",
      "1 dwelling sales older than 5 years before the latest mutation",
  };
  EXPECT_EQ(layer->source.notes, expected);
  EXPECT_EQ(layer->source.rows_skipped, 7);
}

TEST(DvfImportTest, CellRuleOnTheFixture) {
  auto layer = ImportDvf({kFixtures + "dvf_46_fixture.csv"}, DvfRules{}, nullptr);
  ASSERT_TRUE(layer.ok());
  auto value = [&](const char* criterion, int32_t east, int32_t north) -> std::optional<double> {
    for (const CellValue& cell : layer->cells.at(criterion)) {
      if (cell.east == east && cell.north == north) return cell.value;
    }
    return std::nullopt;
  };
  // Cahors cell: its own ten houses, median of 2020 and 2047.6 €/m²; the 900,000 € sales
  // left out would have moved it.
  EXPECT_EQ(value("price_m2_house", 3640000, 2409000), 2034);
  EXPECT_EQ(value("price_m2_house_sales", 3640000, 2409000), 10);
  // Three houses inside, seven within 2 km.
  EXPECT_EQ(value("price_m2_house_sales", 3660000, 2420000), 10);
  // Ten houses on a 3.5 km circle: only the 5 km radius reaches them.
  EXPECT_EQ(value("price_m2_house", 3670000, 2440000), 2045);
  // One isolated house: missing, never a price from one sale.
  EXPECT_FALSE(value("price_m2_house", 3638000, 2442000).has_value());
  // Twelve flats: the mean of the 6th and 7th prices per m².
  EXPECT_EQ(value("price_m2_flat_sales", 3641000, 2409000), 12);
}

TEST(DvfImportTest, BadValuesNameFileLineAndColumn) {
  const std::string header =
      ReadAll(kFixtures + "dvf_46_fixture.csv")
          .substr(0, ReadAll(kFixtures + "dvf_46_fixture.csv").find('\n') + 1);
  const std::string good =
      "1,2024-01-02,000001,Vente,100000,,,LIEU,B001,46000,46042,Cahors,46,,,46042000AB0001,,,,,,,,,"
      ",,,,0,1,Maison,90,3,S,sols,,,500,1.44,44.44\n";
  auto error = [&](const std::string& bad_row) {
    const std::string path = WriteTemporary("dvf-bad.csv", header + good + bad_row);
    auto layer = ImportDvf({path}, DvfRules{}, nullptr);
    std::filesystem::remove(path);
    return layer.ok() ? std::string("ok") : layer.status().message();
  };
  EXPECT_NE(error("2,2024-13-02,000001,Vente,100000,,,LIEU,B001,46000,46042,Cahors,46,,,"
                  "46042000AB0002,,,,,,,,,,,,,0,1,Maison,90,3,S,sols,,,500,1.44,44.44\n")
                .find("dvf-bad.csv:3: column 'date_mutation'"),
            std::string::npos);
  EXPECT_NE(error("2,2024-01-02,000001,Vente,10x,,,LIEU,B001,46000,46042,Cahors,46,,,"
                  "46042000AB0002,,,,,,,,,,,,,0,1,Maison,90,3,S,sols,,,500,1.44,44.44\n")
                .find("dvf-bad.csv:3: column 'valeur_fonciere'"),
            std::string::npos);
  EXPECT_NE(error("2,2024-01-02,000001,Vente,100000,,,LIEU,B001,46000,46042,Cahors,46,,,"
                  "46042000AB0002,,,,,,,,,,,,,0,1,Maison,90,3,S,sols,,,500,1.44,\n")
                .find("dvf-bad.csv:3: column 'latitude'"),
            std::string::npos);
  EXPECT_EQ(error(""), "ok");
}

TEST(DvfImportTest, SameFileSameLayer) {
  auto first = ImportDvf({kFixtures + "dvf_46_fixture.csv"}, DvfRules{}, nullptr);
  auto second = ImportDvf({kFixtures + "dvf_46_fixture.csv"}, DvfRules{}, nullptr);
  ASSERT_TRUE(first.ok() && second.ok());
  const std::string one = WriteTemporary("dvf-1.json", ""), two = WriteTemporary("dvf-2.json", "");
  ASSERT_TRUE(WriteLayer(*first, one).ok());
  ASSERT_TRUE(WriteLayer(*second, two).ok());
  EXPECT_EQ(ReadAll(one), ReadAll(two));
  std::filesystem::remove(one);
  std::filesystem::remove(two);
}

}  // namespace
}  // namespace vivrovert::importers
