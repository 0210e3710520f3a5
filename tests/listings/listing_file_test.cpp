#include "domain/listings/listing_file.hpp"

#include <gtest/gtest.h>

namespace vivrovert::listings {
namespace {

using nlohmann::json;

// The normalised fields of an item, failing the test on any problem.
json NormalisedFields(const BatchItem& item) {
  EXPECT_TRUE(item.read_errors.empty())
      << "line " << item.line << ": " << item.read_errors.front().field << ": "
      << item.read_errors.front().message;
  Normalised normalised = NormaliseListing(item.kind, item.fields);
  for (const FieldError& error : normalised.errors) {
    ADD_FAILURE() << "line " << item.line << ": " << error.field << ": " << error.message;
  }
  return normalised.fields;
}

TEST(ListingFileTest, ReadsWindows1252WithSemicolonsDecimalCommasAndFrenchDates) {
  // "Maison à Cahors", "Surface habitable (m²)", "Pièces", "Été" in Windows-1252.
  const std::string bytes =
      "kind;title;commune_code;transaction;property_type;price_eur;Surface habitable (m\xB2);Pi\xE8"
      "ces;valid_until\r\n"
      "logement;Maison \xE0 Cahors;46042;vente;Maison;185 000,50;120,5;5;31/12/2026\r\n";
  Result<ListingFile> file = ReadListingFile(bytes, "annonces.csv", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->format, "csv");
  EXPECT_EQ(file->encoding, "windows-1252");
  EXPECT_EQ(file->delimiter, ';');
  ASSERT_EQ(file->items.size(), 1u);
  const BatchItem& item = file->items[0];
  EXPECT_EQ(item.line, 2);
  EXPECT_EQ(item.kind, Kind::kHousing);
  EXPECT_EQ(item.fields["title"], "Maison \xC3\xA0 Cahors");
  EXPECT_EQ(item.fields["price_eur"], "185 000,50");  // text: the service normalises
  const json fields = NormalisedFields(item);
  EXPECT_DOUBLE_EQ(fields["price_eur"].get<double>(), 185000.5);
  EXPECT_DOUBLE_EQ(fields["surface_m2"].get<double>(), 120.5);
  EXPECT_EQ(fields["rooms"], 5);
  EXPECT_EQ(fields["valid_until"], "2026-12-31");
  EXPECT_EQ(fields["transaction"], "sale");
}

TEST(ListingFileTest, ReadsUtf8WithBomAndCommas) {
  const std::string bytes =
      "\xEF\xBB\xBF"
      "title,commune_code,rome_code,contract,salary_min_eur,remote\n"
      "\"Infirmier, poste de nuit\",46102,j1506,CDI,26000.5,oui\n"
      "Aide-soignant \xC3\xA0 Figeac,46102,J1501,cdd,,non\n";
  Result<ListingFile> file = ReadListingFile(bytes, "offres.csv", Kind::kJob);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->encoding, "utf-8");
  EXPECT_EQ(file->delimiter, ',');
  ASSERT_EQ(file->items.size(), 2u);
  EXPECT_EQ(file->items[0].fields["title"], "Infirmier, poste de nuit");
  EXPECT_EQ(file->items[0].kind, Kind::kJob);
  EXPECT_FALSE(file->items[1].fields.contains("salary_min_eur"));  // empty cells are omitted
  const json fields = NormalisedFields(file->items[0]);
  EXPECT_EQ(fields["rome_code"], "J1506");
  EXPECT_EQ(fields["remote"], true);
  EXPECT_DOUBLE_EQ(fields["salary_min_eur"].get<double>(), 26000.5);
  NormalisedFields(file->items[1]);
}

TEST(ListingFileTest, AcceptsFrenchLabelsAsHeadersWhateverTheCaseAndAccents) {
  const std::string bytes =
      "Type d'annonce;TITRE;code commune insee;Transaction;Type de bien;Prix;SURFACE "
      "HABITABLE;pieces;"
      "Classe \xC3\xA9nergie (DPE);E-mail du contact\n"
      "Logement;Ferme du Causse;46128;Location;Ferme;950;180;7;Non communiqu\xC3\xA9"
      "e;contact@exemple.fr\n";
  Result<ListingFile> file = ReadListingFile(bytes, "annonces.csv", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->columns, (std::vector<std::string>{"kind", "title", "commune_code", "transaction",
                                                     "property_type", "price_eur", "surface_m2",
                                                     "rooms", "energy_class", "contact_email"}));
  // The header cells as written, so that a report names a column as the file did.
  EXPECT_EQ(file->headers, (std::vector<std::string>{
                               "Type d'annonce", "TITRE", "code commune insee", "Transaction",
                               "Type de bien", "Prix", "SURFACE HABITABLE", "pieces",
                               "Classe \xC3\xA9nergie (DPE)", "E-mail du contact"}));
  const json fields = NormalisedFields(file->items.at(0));
  EXPECT_EQ(fields["transaction"], "rent");
  EXPECT_EQ(fields["property_type"], "farm");
  EXPECT_EQ(fields["energy_class"], "NC");
  EXPECT_EQ(fields["contact_email"], "contact@exemple.fr");
}

TEST(ListingFileTest, UnknownHeaderIsNamedWithItsColumn) {
  Result<ListingFile> file = ReadListingFile(
      "title;commune_code;couleur des volets\nMaison;46042;bleu\n", "a.csv", Kind::kHousing);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("Colonne 3"), std::string::npos)
      << file.status().message();
  EXPECT_NE(file.status().message().find("couleur des volets"), std::string::npos);
  EXPECT_EQ(file.status().field(), "couleur des volets");
}

TEST(ListingFileTest, ColumnOfAnotherKindIsRefusedWhenTheFileHasOneKind) {
  Result<ListingFile> file = ReadListingFile("title;commune_code;rome_code\nMaison;46042;J1506\n",
                                             "a.csv", Kind::kHousing);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("Colonne 3"), std::string::npos)
      << file.status().message();
  EXPECT_EQ(file.status().field(), "rome_code");
}

TEST(ListingFileTest, RowProblemsCarryTheFileLine) {
  // Line 2-3: a description over two lines; line 4: blank; line 5: one cell too many;
  // line 6: too few cells; line 7: unknown kind; line 8: a field of another kind.
  const std::string bytes =
      "kind;title;commune_code;category;description\r\n"
      "poi;M\xC3\xA9"
      "diath\xC3\xA8que;46042;education;\"Ouverte le samedi,\r\nferm\xC3\xA9"
      "e le lundi\"\r\n"
      "\r\n"
      "poi;Gare;46042;transport;Trains vers Paris;en trop\r\n"
      "poi;Piscine\r\n"
      "chateau;Ch\xC3\xA2teau;46042;heritage;\r\n"
      "loisir;March\xC3\xA9;46042;market;\r\n"
      "job;Boulanger;46042;shop;\r\n";
  Result<ListingFile> file = ReadListingFile(bytes, "lieux.csv", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->items.size(), 6u);
  EXPECT_EQ(file->items[0].line, 2);
  EXPECT_TRUE(file->items[0].read_errors.empty());
  EXPECT_EQ(file->items[0].fields["description"],
            "Ouverte le samedi,\r\nferm\xC3\xA9"
            "e le lundi");

  EXPECT_EQ(file->items[1].line, 5);
  ASSERT_EQ(file->items[1].read_errors.size(), 1u);
  EXPECT_NE(file->items[1].read_errors[0].message.find("colonne 6"), std::string::npos)
      << file->items[1].read_errors[0].message;

  EXPECT_EQ(file->items[2].line, 6);
  ASSERT_FALSE(file->items[2].read_errors.empty());
  EXPECT_EQ(file->items[2].read_errors[0].field, "commune_code");  // the first missing column

  EXPECT_EQ(file->items[3].line, 7);
  ASSERT_EQ(file->items[3].read_errors.size(), 1u);
  EXPECT_EQ(file->items[3].read_errors[0].field, "kind");

  EXPECT_EQ(file->items[4].line, 8);
  EXPECT_EQ(file->items[4].kind, Kind::kLeisure);
  NormalisedFields(file->items[4]);

  EXPECT_EQ(file->items[5].line, 9);
  ASSERT_EQ(file->items[5].read_errors.size(), 1u);
  EXPECT_EQ(file->items[5].read_errors[0].field, "category");  // no category for a job
}

TEST(ListingFileTest, KindIsRequiredWithoutAKindColumnAndMustMatchTheFilesKind) {
  Result<ListingFile> without =
      ReadListingFile("title;commune_code\nMaison;46042\n", "a.csv", std::nullopt);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  ASSERT_EQ(without->items.at(0).read_errors.size(), 1u);
  EXPECT_EQ(without->items[0].read_errors[0].field, "kind");

  Result<ListingFile> mismatch =
      ReadListingFile("kind;title;commune_code\nemploi;Maison;46042\n", "a.csv", Kind::kHousing);
  ASSERT_TRUE(mismatch.ok()) << mismatch.status().ToString();
  ASSERT_EQ(mismatch->items.at(0).read_errors.size(), 1u);
  EXPECT_EQ(mismatch->items[0].read_errors[0].field, "kind");
}

TEST(ListingFileTest, ReadsJsonArraysAndListingsObjects) {
  const std::string array = R"([
    {"kind": "housing", "title": "Maison", "commune_code": "46042", "transaction": "sale",
     "property_type": "house", "price_eur": 185000, "rooms": 5},
    {"kind": "Emploi", "title": "Infirmier", "commune_code": "46102", "rome_code": "J1506", "contract": "cdi"},
    "pas un objet"
  ])";
  Result<ListingFile> file = ReadListingFile(array, "annonces.json", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->format, "json");
  ASSERT_EQ(file->items.size(), 3u);
  EXPECT_EQ(file->items[0].line, 1);
  EXPECT_EQ(file->items[0].kind, Kind::kHousing);
  EXPECT_FALSE(file->items[0].fields.contains("kind"));
  EXPECT_EQ(NormalisedFields(file->items[0])["price_eur"], 185000.0);
  EXPECT_EQ(file->items[1].kind, Kind::kJob);
  NormalisedFields(file->items[1]);
  EXPECT_EQ(file->items[2].line, 3);
  EXPECT_FALSE(file->items[2].read_errors.empty());

  // {"listings": [...]}, recognised by its content without an extension.
  Result<ListingFile> wrapped = ReadListingFile(
      R"({"listings": [{"title": "March\u00e9", "commune_code": "46042", "category": "march\u00e9"}]})",
      "upload", Kind::kLeisure);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->format, "json");
  ASSERT_EQ(wrapped->items.size(), 1u);
  EXPECT_EQ(NormalisedFields(wrapped->items[0])["category"], "market");

  Result<ListingFile> broken = ReadListingFile("[\n{\"title\": \"x\",\n}", "a.json", Kind::kPoi);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("ligne 3"), std::string::npos)
      << broken.status().message();
  EXPECT_FALSE(ReadListingFile(R"({"annonces": []})", "a.json", Kind::kPoi).ok());
}

TEST(ListingFileTest, RefusesFilesThatCannotBeRead) {
  auto refused = [](std::string_view bytes, StatusCode code = StatusCode::kInvalidArgument) {
    Result<ListingFile> file = ReadListingFile(bytes, "a.csv", Kind::kPoi);
    EXPECT_FALSE(file.ok()) << "accepted: " << bytes.substr(0, 20);
    if (!file.ok()) {
      EXPECT_EQ(file.status().code(), code) << file.status().ToString();
    }
    return file.ok() ? std::string() : file.status().message();
  };
  EXPECT_NE(refused("").find("vide"), std::string::npos);
  refused("\xEF\xBB\xBF\r\n");
  refused("title;commune_code\n");  // a header and no row
  EXPECT_NE(refused(std::string("title\0\x01\x02", 8)).find("binaires"), std::string::npos);
  EXPECT_NE(refused("PK\x03\x04\x14\x00\x06\x00").find("classeur"), std::string::npos);
  refused(std::string(kMaxListingFileBytes + 1, 'a'), StatusCode::kResourceExhausted);
  EXPECT_NE(refused("title;commune_code\n\"Maison;46042\n").find("guillemet"), std::string::npos);
}

TEST(ListingFileTest, ExportOnlyColumnsAreIgnoredAndProtectedCellsUnprotected) {
  const std::string bytes =
      "id;kind;status;title;commune_code;category;precision;tile_1km;tile_5km\n"
      "12;poi;active;\"'=HYPERLINK(\"\"x\"\")\";46042;health;commune;1km_N6370E0571;5km_N637E057\n";
  Result<ListingFile> file = ReadListingFile(bytes, "export.csv", std::nullopt);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const BatchItem& item = file->items.at(0);
  EXPECT_TRUE(item.read_errors.empty());
  EXPECT_EQ(
      item.fields,
      (json{{"title", "=HYPERLINK(\"x\")"}, {"commune_code", "46042"}, {"category", "health"}}));
  EXPECT_EQ(UnprotectCell("'Bonjour"), "'Bonjour");
  EXPECT_EQ(UnprotectCell("'-2"), "-2");
}

TEST(ListingFileTest, FieldForHeader) {
  EXPECT_EQ(FieldForHeader("price_eur"), "price_eur");
  EXPECT_EQ(FieldForHeader("Prix (€), loyer mensuel pour une location"), "price_eur");
  EXPECT_EQ(FieldForHeader("  Latitude  "), "latitude");
  EXPECT_EQ(FieldForHeader("T\xC3\xA9l\xC3\xA9phone du contact"), "contact_phone");
  EXPECT_EQ(FieldForHeader("Métiers recherchés"), "rome_codes");
  EXPECT_EQ(FieldForHeader("type d’annonce"), "kind");
  EXPECT_EQ(FieldForHeader("id"), std::nullopt);
  EXPECT_EQ(FieldForHeader("volets"), std::nullopt);
}

}  // namespace
}  // namespace vivrovert::listings
