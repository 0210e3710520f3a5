#include "domain/documents/pdf_document.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <numeric>
#include <string_view>

namespace vivrovert::documents {

namespace {

// A4 in PostScript points (1/72 inch), the PDF surface's user units.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 51.0;  // 18 mm
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kFooterBottom = kPageHeight - 28.0;
constexpr double kBlockGap = 10.0;
constexpr double kCellPadding = 3.5;
constexpr const char* kFamily = "DejaVu Sans";

struct GObjectDeleter {
  void operator()(void* object) const { g_object_unref(object); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using ContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;

struct Style {
  double size = 10;
  bool bold = false;
  double gray = 0;  // 0 black … 1 white
};

// Draws (or, on the first pass, only measures through the same code) the blocks page by
// page. Both passes run on a PDF surface with metric hinting off, so they break pages at
// the same places; the first one only counts the pages for "Page n / N".
class Painter {
 public:
  Painter(cairo_t* cairo, const std::vector<std::string>& footer, int total_pages)
      : cairo_(cairo), footer_(footer), total_pages_(total_pages) {
    context_.reset(pango_font_map_create_context(pango_cairo_font_map_get_default()));
    // One pango unit of size is one point: the PDF's user space is in points.
    pango_cairo_context_set_resolution(context_.get(), 72);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_.get(), options);
    cairo_font_options_destroy(options);
    pango_cairo_update_context(cairo_, context_.get());
    footer_height_ = FooterHeight();
    y_ = kMargin;
  }

  int page() const { return page_; }

  LayoutPtr Layout(std::string_view text, const Style& style, double width,
                   PangoAlignment alignment = PANGO_ALIGN_LEFT) const {
    LayoutPtr layout(pango_layout_new(context_.get()));
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, kFamily);
    pango_font_description_set_size(font, static_cast<int>(style.size * PANGO_SCALE));
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), alignment);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

  static double Height(PangoLayout* layout) {
    int width = 0;
    int height = 0;
    pango_layout_get_size(layout, &width, &height);
    return static_cast<double>(height) / PANGO_SCALE;
  }

  void Show(PangoLayout* layout, double x, double y, double gray) {
    cairo_set_source_rgb(cairo_, gray, gray, gray);
    cairo_move_to(cairo_, x, y);
    pango_cairo_show_layout(cairo_, layout);
  }

  // Makes room for `height` points: a new page when it does not fit on this one (unless
  // the page is still empty: a block taller than a page is then drawn as it is).
  void Reserve(double height) {
    if (y_ + height > BottomLimit() && y_ > kMargin) NewPage();
  }

  void NewPage() {
    DrawFooter();
    cairo_show_page(cairo_);
    ++page_;
    y_ = kMargin;
  }

  void Finish() { DrawFooter(); }

  void Title(const std::string& title) {
    if (title.empty()) return;
    LayoutPtr layout = Layout(title, {18, true, 0}, kContentWidth);
    Reserve(Height(layout.get()));
    Show(layout.get(), kMargin, y_, 0);
    y_ += Height(layout.get()) + 2 * kBlockGap;
  }

  void Paragraph(const std::string& text, const Style& style) {
    LayoutPtr layout = Layout(text, style, kContentWidth);
    Reserve(Height(layout.get()));
    Show(layout.get(), kMargin, y_, style.gray);
    y_ += Height(layout.get()) + kBlockGap;
  }

  void Parties(const PartyBlock& left, const PartyBlock& right) {
    const double gap = 24;
    const double width = (kContentWidth - gap) / 2;
    std::vector<LayoutPtr> left_layouts = PartyLayouts(left, width);
    std::vector<LayoutPtr> right_layouts = PartyLayouts(right, width);
    const double height = std::max(StackHeight(left_layouts), StackHeight(right_layouts));
    Reserve(height);
    DrawStack(left_layouts, kMargin);
    DrawStack(right_layouts, kMargin + width + gap);
    y_ += height + 2 * kBlockGap;
  }

  void DrawTable(const Table& table) {
    if (table.columns.empty()) return;
    const double total_weight =
        std::accumulate(table.columns.begin(), table.columns.end(), 0.0,
                        [](double sum, const TableColumn& column) { return sum + column.weight; });
    std::vector<double> widths;
    for (const TableColumn& column : table.columns)
      widths.push_back(kContentWidth * column.weight / total_weight);
    std::vector<std::string> headings;
    for (const TableColumn& column : table.columns) headings.push_back(column.heading);

    Row(table, widths, headings, RowKind::kHeader);
    for (const std::vector<std::string>& row : table.rows) {
      if (RowHeight(table, widths, row, false) > BottomLimit() - y_ && y_ > kMargin) {
        NewPage();
        Row(table, widths, headings, RowKind::kHeader);
      }
      Row(table, widths, row, RowKind::kBody);
    }
    bool first_summary = true;
    for (const std::vector<std::string>& row : table.summary_rows) {
      Row(table, widths, row, first_summary ? RowKind::kFirstSummary : RowKind::kSummary);
      first_summary = false;
    }
    y_ += kBlockGap;
  }

  void DrawChart(const BarChart& chart) {
    if (chart.totals.empty()) return;
    const size_t count = chart.totals.size();
    double top = 1;
    for (size_t bar_idx = 0; bar_idx < count; ++bar_idx)
      top = std::max({top, chart.totals[bar_idx], PartOf(chart, bar_idx)});
    LayoutPtr caption = Layout(chart.caption, {9, true, 0.1}, kContentWidth);
    constexpr double kSwatch = 8;
    const double legend_width = kContentWidth / 2 - kSwatch - 4;
    LayoutPtr legend = Layout(chart.total_legend, {8, false, 0.3}, legend_width);
    LayoutPtr part_legend = Layout(chart.part_legend, {8, false, 0.3}, legend_width);
    constexpr double kRowHeight = 14;
    constexpr double kColumnsHeight = 130;
    const double plot_height =
        chart.horizontal ? kRowHeight * static_cast<double>(count) : kColumnsHeight + 14;
    const double legend_height = std::max(Height(legend.get()), Height(part_legend.get()));
    const double height = Height(caption.get()) + 4 + plot_height + 4 + legend_height + kBlockGap;
    Reserve(height);
    Show(caption.get(), kMargin, y_, 0.1);
    y_ += Height(caption.get()) + 4;
    if (chart.horizontal) {
      constexpr double kLabelWidth = 170;
      constexpr double kValueWidth = 70;
      const double plot_width = kContentWidth - kLabelWidth - kValueWidth - 8;
      for (size_t bar_idx = 0; bar_idx < count; ++bar_idx) {
        const double row_y = y_ + kRowHeight * static_cast<double>(bar_idx);
        const std::string label = bar_idx < chart.labels.size() ? chart.labels[bar_idx] : "";
        LayoutPtr text = Layout(label, {7.5, false, 0}, kLabelWidth - 4, PANGO_ALIGN_RIGHT);
        pango_layout_set_ellipsize(text.get(), PANGO_ELLIPSIZE_END);
        Show(text.get(), kMargin, row_y + 2, 0);
        const double x = kMargin + kLabelWidth;
        const double total_w = plot_width * chart.totals[bar_idx] / top;
        const double part_w = plot_width * PartOf(chart, bar_idx) / top;
        Bar(x, row_y + 2, total_w, kRowHeight - 4, false, chart.part_is_alert);
        Bar(x, row_y + 2, part_w, kRowHeight - 4, true, chart.part_is_alert);
        LayoutPtr value =
            Layout(Number(PartOf(chart, bar_idx)) + " / " + Number(chart.totals[bar_idx]),
                   {7.5, false, 0.2}, kValueWidth);
        Show(value.get(), x + total_w + 4, row_y + 2, 0.2);
      }
    } else {
      constexpr double kAxisWidth = 40;
      const double plot_width = kContentWidth - kAxisWidth;
      const double base = y_ + kColumnsHeight;
      const double slot = plot_width / static_cast<double>(count);
      cairo_set_source_rgb(cairo_, 0.4, 0.4, 0.4);
      cairo_set_line_width(cairo_, 0.6);
      cairo_move_to(cairo_, kMargin + kAxisWidth, base);
      cairo_line_to(cairo_, kMargin + kContentWidth, base);
      cairo_stroke(cairo_);
      LayoutPtr top_tick = Layout(Number(top), {7, false, 0.3}, kAxisWidth - 4, PANGO_ALIGN_RIGHT);
      Show(top_tick.get(), kMargin, y_ - 4, 0.3);
      LayoutPtr zero_tick = Layout("0", {7, false, 0.3}, kAxisWidth - 4, PANGO_ALIGN_RIGHT);
      Show(zero_tick.get(), kMargin, base - 8, 0.3);
      for (size_t bar_idx = 0; bar_idx < count; ++bar_idx) {
        const double x = kMargin + kAxisWidth + slot * static_cast<double>(bar_idx) + slot * 0.15;
        const double total_h = kColumnsHeight * chart.totals[bar_idx] / top;
        const double part_h = kColumnsHeight * PartOf(chart, bar_idx) / top;
        Bar(x, base - total_h, slot * 0.7, total_h, false, chart.part_is_alert);
        Bar(x, base - part_h, slot * 0.7, part_h, true, chart.part_is_alert);
      }
      if (!chart.labels.empty()) {
        const double half = plot_width / 2;
        LayoutPtr first = Layout(chart.labels.front(), {7, false, 0.3}, half);
        Show(first.get(), kMargin + kAxisWidth, base + 3, 0.3);
        if (count > 1) {
          LayoutPtr last = Layout(chart.labels.back(), {7, false, 0.3}, half, PANGO_ALIGN_RIGHT);
          Show(last.get(), kMargin + kAxisWidth + half, base + 3, 0.3);
        }
      }
    }
    y_ += plot_height + 4;
    Bar(kMargin, y_ + 1.5, kSwatch, kSwatch, false, chart.part_is_alert);
    Show(legend.get(), kMargin + kSwatch + 4, y_, 0.3);
    const double second = kMargin + kContentWidth / 2;
    Bar(second, y_ + 1.5, kSwatch, kSwatch, true, chart.part_is_alert);
    Show(part_legend.get(), second + kSwatch + 4, y_, 0.3);
    y_ += legend_height + kBlockGap;
  }

 private:
  enum class RowKind { kHeader, kBody, kFirstSummary, kSummary };

  static double PartOf(const BarChart& chart, size_t bar_idx) {
    return bar_idx < chart.parts.size() ? chart.parts[bar_idx] : 0;
  }

  // Whole numbers as integers, others with one decimal and a French comma.
  static std::string Number(double value) {
    if (value == static_cast<double>(static_cast<int64_t>(value)))
      return std::to_string(static_cast<int64_t>(value));
    std::string text = std::to_string(static_cast<int64_t>(value * 10 + (value < 0 ? -0.5 : 0.5)));
    if (text.size() == 1 || (text.size() == 2 && text[0] == '-')) text.insert(text.size() - 1, "0");
    text.insert(text.size() - 1, ",");
    return text;
  }

  // A bar: the total in a light colour, the part in green (or red for an alert).
  void Bar(double x, double y, double width, double height, bool part, bool alert) {
    if (width <= 0 || height <= 0) return;
    if (!part) {
      cairo_set_source_rgb(cairo_, 0.78, 0.84, 0.80);
    } else if (alert) {
      cairo_set_source_rgb(cairo_, 0.72, 0.20, 0.16);
    } else {
      cairo_set_source_rgb(cairo_, 0.15, 0.47, 0.22);
    }
    cairo_rectangle(cairo_, x, y, width, height);
    cairo_fill(cairo_);
  }

  double BottomLimit() const { return kFooterBottom - footer_height_ - 14; }

  std::vector<LayoutPtr> FooterLayouts() const {
    std::vector<LayoutPtr> layouts;
    for (const std::string& mention : footer_)
      layouts.push_back(Layout(mention, {7, false, 0.3}, kContentWidth));
    return layouts;
  }

  double FooterHeight() const {
    double height = 12;  // the page number's line
    for (const LayoutPtr& layout : FooterLayouts()) height += Height(layout.get()) + 1.5;
    return height;
  }

  void DrawFooter() {
    double y = kFooterBottom - footer_height_;
    cairo_set_source_rgb(cairo_, 0.6, 0.6, 0.6);
    cairo_set_line_width(cairo_, 0.5);
    cairo_move_to(cairo_, kMargin, y - 5);
    cairo_line_to(cairo_, kMargin + kContentWidth, y - 5);
    cairo_stroke(cairo_);
    for (const LayoutPtr& layout : FooterLayouts()) {
      Show(layout.get(), kMargin, y, 0.3);
      y += Height(layout.get()) + 1.5;
    }
    const std::string number =
        "Page " + std::to_string(page_) + " / " + std::to_string(std::max(total_pages_, page_));
    LayoutPtr layout = Layout(number, {7, false, 0.3}, kContentWidth, PANGO_ALIGN_RIGHT);
    Show(layout.get(), kMargin, y + 1, 0.3);
  }

  std::vector<LayoutPtr> PartyLayouts(const PartyBlock& party, double width) const {
    std::vector<LayoutPtr> layouts;
    layouts.push_back(Layout(party.heading, {8, true, 0.4}, width));
    for (size_t line_idx = 0; line_idx < party.lines.size(); ++line_idx)
      layouts.push_back(Layout(party.lines[line_idx], {10, line_idx == 0, 0}, width));
    return layouts;
  }

  static double StackHeight(const std::vector<LayoutPtr>& layouts) {
    double height = 0;
    for (const LayoutPtr& layout : layouts) height += Height(layout.get()) + 1;
    return height;
  }

  void DrawStack(const std::vector<LayoutPtr>& layouts, double x) {
    double y = y_;
    for (size_t layout_idx = 0; layout_idx < layouts.size(); ++layout_idx) {
      Show(layouts[layout_idx].get(), x, y, layout_idx == 0 ? 0.4 : 0);
      y += Height(layouts[layout_idx].get()) + 1;
    }
  }

  std::vector<LayoutPtr> CellLayouts(const Table& table, const std::vector<double>& widths,
                                     const std::vector<std::string>& cells, bool bold) const {
    std::vector<LayoutPtr> layouts;
    for (size_t column_idx = 0; column_idx < table.columns.size(); ++column_idx) {
      const std::string text = column_idx < cells.size() ? cells[column_idx] : std::string();
      layouts.push_back(
          Layout(text, {9, bold, 0}, widths[column_idx] - 2 * kCellPadding,
                 table.columns[column_idx].right_aligned ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT));
    }
    return layouts;
  }

  double RowHeight(const Table& table, const std::vector<double>& widths,
                   const std::vector<std::string>& cells, bool bold) const {
    double height = 0;
    for (const LayoutPtr& layout : CellLayouts(table, widths, cells, bold))
      height = std::max(height, Height(layout.get()));
    return height + 2 * kCellPadding;
  }

  void Row(const Table& table, const std::vector<double>& widths,
           const std::vector<std::string>& cells, RowKind kind) {
    const bool bold = kind != RowKind::kBody;
    std::vector<LayoutPtr> layouts = CellLayouts(table, widths, cells, bold);
    double height = 0;
    for (const LayoutPtr& layout : layouts) height = std::max(height, Height(layout.get()));
    height += 2 * kCellPadding;
    Reserve(height);
    if (kind == RowKind::kHeader) {
      cairo_set_source_rgb(cairo_, 0.92, 0.95, 0.92);
      cairo_rectangle(cairo_, kMargin, y_, kContentWidth, height);
      cairo_fill(cairo_);
    }
    double x = kMargin;
    for (size_t column_idx = 0; column_idx < layouts.size(); ++column_idx) {
      Show(layouts[column_idx].get(), x + kCellPadding, y_ + kCellPadding, 0);
      x += widths[column_idx];
    }
    // A thin rule under each row; a heavier one above the totals.
    const bool heavy = kind == RowKind::kFirstSummary;
    if (heavy) {
      cairo_set_source_rgb(cairo_, 0.2, 0.2, 0.2);
      cairo_set_line_width(cairo_, 0.9);
      cairo_move_to(cairo_, kMargin, y_);
      cairo_line_to(cairo_, kMargin + kContentWidth, y_);
      cairo_stroke(cairo_);
    }
    cairo_set_source_rgb(cairo_, 0.75, 0.75, 0.75);
    cairo_set_line_width(cairo_, 0.4);
    cairo_move_to(cairo_, kMargin, y_ + height);
    cairo_line_to(cairo_, kMargin + kContentWidth, y_ + height);
    cairo_stroke(cairo_);
    y_ += height;
  }

  cairo_t* cairo_;
  const std::vector<std::string>& footer_;
  int total_pages_;
  ContextPtr context_;
  double footer_height_ = 0;
  double y_ = 0;
  int page_ = 1;
};

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_status_t Discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

}  // namespace

void PdfDocument::AddParties(PartyBlock left, PartyBlock right) {
  Block block;
  block.kind = BlockKind::kParties;
  block.left = std::move(left);
  block.right = std::move(right);
  blocks_.push_back(std::move(block));
}

void PdfDocument::AddParagraph(std::string text, bool bold) {
  Block block;
  block.kind = bold ? BlockKind::kBoldParagraph : BlockKind::kParagraph;
  block.text = std::move(text);
  blocks_.push_back(std::move(block));
}

void PdfDocument::AddHeading(std::string text) {
  Block block;
  block.kind = BlockKind::kHeading;
  block.text = std::move(text);
  blocks_.push_back(std::move(block));
}

void PdfDocument::AddBarChart(BarChart chart) {
  Block block;
  block.kind = BlockKind::kChart;
  block.chart = std::move(chart);
  blocks_.push_back(std::move(block));
}

void PdfDocument::AddTable(Table table) {
  Block block;
  block.kind = BlockKind::kTable;
  block.table = std::move(table);
  blocks_.push_back(std::move(block));
}

namespace {

// One pass over the blocks on a PDF surface writing to `write`; returns the pages drawn.
Result<int> Paint(const std::string& title, const std::vector<PdfDocument::Block>& blocks,
                  const std::vector<std::string>& footer, int total_pages, cairo_write_func_t write,
                  void* closure) {
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(write, closure, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "VivroVert");
  cairo_t* cairo = cairo_create(surface);
  int pages = 0;
  {
    Painter painter(cairo, footer, total_pages);
    painter.Title(title);
    for (const PdfDocument::Block& block : blocks) {
      switch (block.kind) {
        case PdfDocument::BlockKind::kParties:
          painter.Parties(block.left, block.right);
          break;
        case PdfDocument::BlockKind::kParagraph:
          painter.Paragraph(block.text, {10, false, 0});
          break;
        case PdfDocument::BlockKind::kBoldParagraph:
          painter.Paragraph(block.text, {10, true, 0});
          break;
        case PdfDocument::BlockKind::kHeading:
          painter.Paragraph(block.text, {12, true, 0.1});
          break;
        case PdfDocument::BlockKind::kTable:
          painter.DrawTable(block.table);
          break;
        case PdfDocument::BlockKind::kChart:
          painter.DrawChart(block.chart);
          break;
      }
    }
    painter.Finish();
    pages = painter.page();
  }
  cairo_destroy(cairo);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return Internal(std::string("PDF: ") + cairo_status_to_string(status));
  return pages;
}

}  // namespace

Result<std::string> PdfDocument::Render() const {
  // First pass: count the pages for the footers' "Page n / N"; second: the document.
  VV_ASSIGN_OR_RETURN(int pages, Paint(title_, blocks_, footer_, 0, Discard, nullptr));
  std::string bytes;
  VV_ASSIGN_OR_RETURN(int drawn, Paint(title_, blocks_, footer_, pages, AppendToString, &bytes));
  if (drawn != pages) return Internal("PDF: la mise en page a varié entre deux passes.");
  return bytes;
}

Status PdfDocument::WriteFile(const std::string& path) const {
  VV_ASSIGN_OR_RETURN(std::string bytes, Render());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Unavailable("Impossible d'écrire " + path + ".");
  return Status::Ok();
}

}  // namespace vivrovert::documents
