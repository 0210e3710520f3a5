#include "domain/listings/listing_export.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "data/csv/csv_reader.hpp"
#include "domain/listings/listing_file.hpp"
#include "support/zip_parts.hpp"

namespace vivrovert::listings {
namespace {

using nlohmann::json;

Listing MakeListing(int64_t id, Kind kind, const std::string& title, const json& details) {
  Listing listing;
  listing.id = id;
  listing.source_key = "partner:1";
  listing.external_id = "REF-" + std::to_string(id);
  listing.kind = kind;
  listing.title = title;
  listing.commune_code = "46042";
  listing.latitude = 44.4475;
  listing.longitude = 1.441;
  listing.precision = Precision::kExact;
  listing.tile_1km = "1km_a";
  listing.tile_5km = "5km_a";
  listing.details = details;
  return listing;
}

std::vector<Listing> SampleListings() {
  std::vector<Listing> listings;
  Listing house =
      MakeListing(1, Kind::kHousing, "Maison de bourg",
                  {{"transaction", "sale"},
                   {"property_type", "house"},
                   {"rooms", 5},
                   {"surface_m2", 120.5},
                   {"price_eur", 185000.0},
                   {"energy_class", "D"},
                   {"pictures", {"https://exemple.fr/a.jpg", "https://exemple.fr/b.jpg"}},
                   {"contact_phone", "05 65 00 00 00"}});
  house.description = "Belle maison; \"pierre\" et\nbois";
  house.valid_until = "2026-12-31";
  listings.push_back(house);
  Listing job = MakeListing(2, Kind::kJob, "Infirmier",
                            {{"rome_code", "J1506"},
                             {"contract", "cdi"},
                             {"hours_per_week", 35.5},
                             {"remote", false},
                             {"salary_min_eur", 26000.0}});
  job.latitude = 47.2184;  // Nantes: a negative longitude stays a number
  job.longitude = -1.5536;
  job.commune_code = "44109";
  listings.push_back(job);
  Listing cv =
      MakeListing(3, Kind::kCv, "Ouvrier viticole",
                  {{"rome_codes", {"A1405", "A1416"}}, {"consent", true}, {"contract", "any"}});
  cv.precision = Precision::kCommune;  // no coordinates exported
  listings.push_back(cv);
  Listing poi = MakeListing(4, Kind::kPoi, "=HYPERLINK(\"http://evil.example\",\"clic\")",
                            {{"category", "health"}});
  poi.address = "@SUM(A1:A9)";
  poi.postcode = "46000";
  listings.push_back(poi);
  listings.push_back(MakeListing(5, Kind::kLeisure, "+1", {{"category", "market"}}));
  listings.push_back(MakeListing(6, Kind::kBusiness, "-2", {{"sector", "retail"}, {"staff", 3}}));
  return listings;
}

// Every cell of a CSV export, by row then column name.
std::vector<std::map<std::string, std::string>> ParseCsv(const std::string& csv) {
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  importers::CsvOptions options;
  options.delimiter = ';';
  options.on_header = [&](const std::vector<std::string>& names) {
    header = names;
    return Status::Ok();
  };
  Status status =
      importers::ReadCsvText(csv, "export.csv", options, [&](const importers::CsvRow& row) {
        std::map<std::string, std::string> cells;
        for (size_t index = 0; index < row.size() && index < header.size(); ++index)
          cells[header[index]] = row.field(index);
        rows.push_back(cells);
        return Status::Ok();
      });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows;
}

TEST(ListingExportTest, CsvIsUtf8WithBomSemicolonsAndOneColumnPerField) {
  const std::string csv = ExportCsv(SampleListings(), "2025-06-01");
  ASSERT_TRUE(csv.starts_with("\xEF\xBB\xBFid;kind;status;external_id;title;"))
      << csv.substr(0, 80);
  const std::vector<std::string> columns = ExportColumns();
  for (const char* name : {"price_eur", "rome_code", "rome_codes", "category", "sector", "consent",
                           "precision", "tile_1km", "tile_5km"}) {
    EXPECT_EQ(std::count(columns.begin(), columns.end(), name), 1) << name;
  }
  const auto rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].at("id"), "1");
  EXPECT_EQ(rows[0].at("status"), "active");
  EXPECT_EQ(rows[0].at("surface_m2"), "120,5");
  EXPECT_EQ(rows[0].at("price_eur"), "185000");
  EXPECT_EQ(rows[0].at("pictures"), "https://exemple.fr/a.jpg|https://exemple.fr/b.jpg");
  EXPECT_EQ(rows[0].at("description"), "Belle maison; \"pierre\" et\nbois");
  EXPECT_EQ(rows[1].at("longitude"), "-1,5536");
  EXPECT_EQ(rows[1].at("remote"), "non");
  EXPECT_EQ(rows[2].at("latitude"), "");  // placed at the commune: no coordinates
  EXPECT_EQ(rows[2].at("precision"), "commune");
  EXPECT_EQ(rows[2].at("rome_codes"), "A1405|A1416");

  ExportOptions options;
  options.commune_name = [](const std::string& code) { return code == "46042" ? "Cahors" : "?"; };
  EXPECT_EQ(ParseCsv(ExportCsv(SampleListings(), "2025-06-01", options)).at(0).at("commune"),
            "Cahors");
}

TEST(ListingExportTest, FormulaInjectionIsNeutralised) {
  const auto rows = ParseCsv(ExportCsv(SampleListings(), "2025-06-01"));
  EXPECT_EQ(rows[3].at("title"), "'=HYPERLINK(\"http://evil.example\",\"clic\")");
  EXPECT_EQ(rows[3].at("address"), "'@SUM(A1:A9)");
  EXPECT_EQ(rows[4].at("title"), "'+1");
  EXPECT_EQ(rows[5].at("title"), "'-2");
  for (const auto& row : rows) {
    for (const auto& [column, cell] : row) {
      if (cell.empty() || column == "latitude" || column == "longitude") continue;
      EXPECT_EQ(std::string("=+-@\t\r").find(cell.front()), std::string::npos)
          << column << ": " << cell;
    }
  }
  EXPECT_EQ(ProtectCell("\tx"), "'\tx");
  EXPECT_EQ(ProtectCell("Cahors"), "Cahors");
}

TEST(ListingExportTest, CsvExportReadsBackAsTheSameFields) {
  const std::vector<Listing> listings = SampleListings();
  Result<ListingFile> file =
      ReadListingFile(ExportCsv(listings, "2025-06-01"), "export.csv", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->items.size(), listings.size());
  for (size_t index = 0; index < listings.size(); ++index) {
    const BatchItem& item = file->items[index];
    EXPECT_TRUE(item.read_errors.empty()) << index;
    EXPECT_EQ(item.kind, listings[index].kind);
    // Both sides through the schema: the export's text forms read back as the same values.
    const json expected = NormaliseListing(listings[index].kind, listings[index].Fields()).fields;
    const Normalised read = NormaliseListing(item.kind, item.fields);
    EXPECT_EQ(read.fields, expected) << "row " << index;
  }
}

using vivrovert::testing::UnzipParts;

TEST(ListingExportTest, XlsxHoldsOneSheetWithTextAsTextAndNumbersAsNumbers) {
  std::vector<Listing> listings = SampleListings();
  listings[0].description = "<script>alert(1)</script>";
  Result<std::string> xlsx = ExportXlsx(listings, "2025-06-01");
  ASSERT_TRUE(xlsx.ok()) << xlsx.status().ToString();
  ASSERT_TRUE(xlsx->starts_with("PK\x03\x04"));
  EXPECT_GT(xlsx->size(), 2000u);
  const auto parts = UnzipParts(*xlsx);
  ASSERT_TRUE(parts.contains("xl/worksheets/sheet1.xml")) << parts.size();
  ASSERT_TRUE(parts.contains("xl/sharedStrings.xml"));
  EXPECT_NE(parts.at("xl/workbook.xml").find("name=\"Annonces\""), std::string::npos);
  const std::string& strings = parts.at("xl/sharedStrings.xml");
  const std::string& sheet = parts.at("xl/worksheets/sheet1.xml");
  EXPECT_NE(strings.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(strings.find("<script>"), std::string::npos);
  EXPECT_NE(strings.find("'=HYPERLINK("), std::string::npos);
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);  // no formula anywhere
  EXPECT_NE(sheet.find("<v>185000</v>"), std::string::npos)
      << sheet.substr(0, 400);  // a number cell
  EXPECT_NE(sheet.find("<v>-1.5536</v>"), std::string::npos);
}

TEST(ListingExportTest, EmptyExportsHaveTheHeader) {
  EXPECT_EQ(ParseCsv(ExportCsv({}, "2025-06-01")).size(), 0u);
  EXPECT_TRUE(ExportCsv({}, "2025-06-01").ends_with("tile_5km\r\n"));
  Result<std::string> xlsx = ExportXlsx({}, "2025-06-01");
  ASSERT_TRUE(xlsx.ok()) << xlsx.status().ToString();
  EXPECT_TRUE(xlsx->starts_with("PK"));
}

}  // namespace
}  // namespace vivrovert::listings
