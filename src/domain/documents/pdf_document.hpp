// French A4 documents as PDF: a quote, an invoice, a credit note. A document is a title, the
// two parties (seller and buyer), paragraphs, tables whose amount columns are right-aligned,
// and a footer of legal mentions repeated at the bottom of every page with its page number
// ("Page 1 / 2"). The text is laid out by pango (DejaVu Sans, fonts-dejavu-core) and drawn by
// cairo into a PDF whose text can be extracted (pdftotext), searched and copied.
//
// Long content flows onto further pages: a paragraph or a table row is never cut, a table's
// header row is repeated on each page it continues on.
//
// Thread safety: a PdfDocument is a value built by one thread; Render may run concurrently
// on different documents. Errors: Render and WriteFile return Internal when cairo fails,
// WriteFile Unavailable when the file cannot be written.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::documents {

// One side of the document: "Émetteur" / "Destinataire", then its lines (name first, bold).
struct PartyBlock {
  std::string heading;
  std::vector<std::string> lines;
};

struct TableColumn {
  std::string heading;
  double weight = 1;           // share of the page's width, relative to the other columns
  bool right_aligned = false;  // amounts, quantities
};

// A table: a header row, the rows, and summary rows (totals) drawn bold under a rule. Every
// row has as many cells as there are columns (missing cells are empty, extra ones dropped).
struct Table {
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<std::string>> summary_rows;
};

// A bar chart drawn with cairo: per category a bar of `totals`, with the part `parts` drawn
// over it in a stronger colour (the barometer's charts: the same figures as the page's SVG
// charts). Vertical: a column per category along a time axis, the first and last labels
// under it; horizontal: a row per category, its label on the left and "part / total" on
// the right. The caption is drawn above and the two legends under it, as text a reader
// can extract. `parts` and `labels` have as many values as `totals` (missing ones count 0
// or empty).
struct BarChart {
  std::string caption;
  bool horizontal = false;
  std::vector<std::string> labels;
  std::vector<double> totals;
  std::vector<double> parts;
  std::string total_legend;
  std::string part_legend;
  bool part_is_alert = false;  // the part in red (blocked) rather than green
};

class PdfDocument {
 public:
  // The big heading at the top of the first page ("Facture n° F-2027-000001"); also the
  // PDF's title metadata.
  void SetTitle(std::string title) { title_ = std::move(title); }
  // The seller on the left, the buyer on the right, under the title.
  void AddParties(PartyBlock left, PartyBlock right);
  // A paragraph of plain text (no markup); `bold` for a short emphasised line.
  void AddParagraph(std::string text, bool bold = false);
  // A smaller heading between blocks.
  void AddHeading(std::string text);
  void AddTable(Table table);
  // A chart, kept whole on one page.
  void AddBarChart(BarChart chart);
  // The legal mentions at the foot of every page, in small type, one paragraph each.
  void SetFooter(std::vector<std::string> mentions) { footer_ = std::move(mentions); }

  // The PDF file's bytes.
  Result<std::string> Render() const;
  // Render, then write the bytes to `path` (replaced when it exists).
  Status WriteFile(const std::string& path) const;

  enum class BlockKind { kParties, kParagraph, kBoldParagraph, kHeading, kTable, kChart };
  struct Block {
    BlockKind kind = BlockKind::kParagraph;
    std::string text;
    PartyBlock left;
    PartyBlock right;
    Table table;
    BarChart chart;
  };

 private:
  std::string title_;
  std::vector<Block> blocks_;
  std::vector<std::string> footer_;
};

}  // namespace vivrovert::documents
