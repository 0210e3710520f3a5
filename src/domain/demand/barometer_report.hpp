// The barometer's figures as documents a partner keeps (issue #20, "Reports"): the
// diagnostic as a PDF (domain/documents: cairo + pango) and its figures as an XLSX sheet
// (domain/exports). Both say the period, the sources and, when it is part of the figures,
// that the demand includes the generated demonstration.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "domain/demand/barometer.hpp"
#include "domain/documents/pdf_document.hpp"
#include "domain/exports/table_export.hpp"

namespace vivrovert::demand {

struct ReportHeading {
  std::string partner_name;  // "CA du Grand Cahors"
  std::string issued_on;     // Paris day, "AAAA-MM-JJ"
  std::string grid_built;    // "JJ/MM/AAAA", the grid the tiles' values come from
};

// "1 234,5" style numbers and percentages, as the page shows them.
std::string FrenchNumber(double value, int decimals = 2);
std::string FrenchPercent(double share);

// The criteria the retreat chart shows at most, on the page and in the documents.
inline constexpr size_t kRetreatChartRows = 12;

// The charts of the page drawn into the documents, from the same figures: the searches
// that could reach the territory by week with those turning it green, and per criterion
// (the first kRetreatChartRows) the searches requiring it with those it alone blocked.
documents::BarChart WeeksChart(const BarometerFigures& figures);
documents::BarChart RetreatChart(const BarometerFigures& figures);

// The sections every barometer document holds: the demand (totals, trend, weekly chart
// and table), the criteria in retreat (chart and table).
void AddBarometerSections(documents::PdfDocument& pdf, const BarometerFigures& figures);
// The demonstration notice, when the figures include generated demand.
void AddDemoNotice(documents::PdfDocument& pdf, const BarometerFigures& figures);
// The sources, at the foot of every page.
std::vector<std::string> BarometerSources(const ReportHeading& heading);

// The diagnostic document: the demand, its trend, the criteria in retreat, with charts.
documents::PdfDocument BarometerPdf(const BarometerFigures& figures, const ReportHeading& heading);

// The criteria in retreat, one row each, after a first row of the totals (criterion
// "(toutes les recherches)").
exports::Table BarometerTable(const BarometerFigures& figures);

}  // namespace vivrovert::demand
