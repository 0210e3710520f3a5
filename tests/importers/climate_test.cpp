// Station climate normals from Météo-France monthly data, on a fixture in the published
// layout (tests/importers/fixtures/meteo-france/README.md): golden normals computed by the
// fixture's script, the 80 % rule, errors by file, line and column.
#include "data/importers/climate.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "data/csv/csv_reader.hpp"

namespace vivrovert::importers {
namespace {

const std::string kFixtures =
    std::string(VIVROVERT_SOURCE_ROOT) + "/tests/importers/fixtures/meteo-france/";

std::string Line(const std::string& criterion, double altitude, double value) {
  char text[96];
  std::snprintf(text, sizeof text, "%s %.0f %.2f", criterion.c_str(), altitude, value);
  return text;
}

TEST(ClimateNormalsTest, FixtureMatchesTheGoldenNormals) {
  auto layer = ImportClimateNormals({kFixtures + "MENSQ_46_fixture.csv"}, ClimateRules{}, nullptr);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->kind, "climate");
  EXPECT_EQ(layer->source.vintage, "normales 1991-2020");
  EXPECT_EQ(layer->departements, std::vector<std::string>{"46"});
  std::vector<std::string> found;
  for (const auto& [criterion, stations] : layer->stations) {
    for (const StationValue& station : stations)
      found.push_back(Line(criterion, station.altitude_m, station.value));
  }
  // The stations are named by their altitude here (the layer keeps positions, not ids).
  const std::map<std::string, double> altitude = {
      {"46001001", 130}, {"46002001", 390}, {"46003001", 280}};
  std::vector<std::string> expected;
  CsvOptions options;
  ASSERT_TRUE(
      ReadCsv(kFixtures + "expected_normals.csv", options, [&](const CsvRow& row) -> Status {
        expected.push_back(Line(std::string(*row.Get("criterion")),
                                altitude.at(std::string(*row.Get("station"))),
                                **row.GetNumber("value")));
        return Status::Ok();
      }).ok());
  std::sort(found.begin(), found.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(found, expected);
  // Station D has 20 years of 30: no normal at all.
  for (const std::string& line : found) EXPECT_EQ(line.find(" 600 "), std::string::npos) << line;
  const std::vector<std::string> notes = {
      "1 rows of stations overseas",
      "72 rows outside 1991-2020",
      "1 stations without a complete normal for rainfall_mm (fewer than 24 years of a month)",
      "1 stations without a complete normal for summer_temp_c (fewer than 24 years of a month)",
      "1 stations without a complete normal for sunshine_hours (fewer than 24 years of a month)",
      "1 stations without a complete normal for winter_temp_c (fewer than 24 years of a month)"};
  EXPECT_EQ(layer->source.notes, notes);
}

TEST(ClimateNormalsTest, BadValueNamesFileLineAndColumn) {
  const auto path =
      std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-mensq-bad.csv");
  std::ofstream(path) << "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMM;RR;TX;TN;INST\n"
                         "46001001;A;44.45;1.44;130;199101;55.0;7.0;-1.0;6000\n"
                         "46001001;A;44.45;1.44;130;199102;55.0;7,5x;-1.0;6000\n";
  auto layer = ImportClimateNormals({path.string()}, ClimateRules{}, nullptr);
  std::filesystem::remove(path);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("mensq-bad.csv:3: column 'TX'"), std::string::npos)
      << layer.status().ToString();
}

}  // namespace
}  // namespace vivrovert::importers
