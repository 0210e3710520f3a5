#include "domain/documents/pdf_document.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/pdf_text.hpp"

namespace vivrovert::documents {
namespace {

using testing::PdfText;

PdfDocument Sample(int rows) {
  PdfDocument document;
  document.SetTitle("Facture n° F-2027-000042");
  document.AddParties(
      {"Émetteur", {"VivroVert SAS", "SIRET 123 456 789 00012"}},
      {"Destinataire", {"Communauté de communes du Causse", "SIRET 200 000 000 00011"}});
  document.AddParagraph("Date d'émission : 01/01/2027 — échéance : 31/01/2027.");
  Table table;
  table.columns = {{"Désignation", 4, false}, {"Montant HT", 1.5, true}};
  for (int row_idx = 0; row_idx < rows; ++row_idx)
    table.rows.push_back({"Ligne " + std::to_string(row_idx + 1), "1 234,56 €"});
  table.summary_rows = {{"Total TTC", "9 876,54 €"}};
  document.AddTable(std::move(table));
  document.SetFooter({"Pénalités de retard : trois fois le taux d'intérêt légal.",
                      "Indemnité forfaitaire pour frais de recouvrement : 40 €."});
  return document;
}

TEST(PdfDocumentTest, TextIsExtractable) {
  Result<std::string> pdf = Sample(3).Render();
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("Facture n° F-2027-000042"), std::string::npos) << text;
  EXPECT_NE(text.find("Communauté de communes du Causse"), std::string::npos) << text;
  EXPECT_NE(text.find("Ligne 3"), std::string::npos) << text;
  EXPECT_NE(text.find("Total TTC"), std::string::npos) << text;
  EXPECT_NE(text.find("Indemnité forfaitaire pour frais de recouvrement : 40 €."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Page 1 / 1"), std::string::npos) << text;
}

TEST(PdfDocumentTest, AmountsAreRightAligned) {
  Result<std::string> pdf = Sample(2).Render();
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  // -layout keeps columns: the amount of a row ends where the total's amount ends.
  auto end_column = [&](const std::string& needle) {
    const size_t at = text.find(needle);
    if (at == std::string::npos) return std::string::npos;
    const size_t line_start = text.rfind('\n', at) + 1;
    return at + needle.size() - line_start;
  };
  const size_t row_end = end_column("1 234,56 €");
  ASSERT_NE(row_end, std::string::npos) << text;
  EXPECT_EQ(row_end, end_column("9 876,54 €")) << text;
}

TEST(PdfDocumentTest, LongTablesFlowOntoNumberedPages) {
  Result<std::string> pdf = Sample(120).Render();
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("Ligne 120"), std::string::npos);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(text, match, std::regex("Page 1 / ([0-9]+)"))) << text;
  const int pages = std::stoi(match[1]);
  EXPECT_GE(pages, 3);
  EXPECT_NE(text.find("Page " + std::to_string(pages) + " / " + std::to_string(pages)),
            std::string::npos);
  // The header row is repeated on every page the table continues on.
  size_t headers = 0;
  for (size_t at = text.find("Désignation"); at != std::string::npos;
       at = text.find("Désignation", at + 1))
    ++headers;
  EXPECT_EQ(headers, static_cast<size_t>(pages));
}

TEST(PdfDocumentTest, WritesAFile) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "vivrovert-document-test.pdf";
  ASSERT_TRUE(Sample(1).WriteFile(path.string()).ok());
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
  std::filesystem::remove(path);
  EXPECT_FALSE(Sample(1).WriteFile("/nonexistent-folder/x.pdf").ok());
}

}  // namespace
}  // namespace vivrovert::documents
