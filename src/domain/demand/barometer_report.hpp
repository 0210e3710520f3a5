// The barometer's figures as documents a partner keeps (issue #20, "Reports"): the
// diagnostic as a PDF (domain/documents: cairo + pango) and its figures as an XLSX sheet
// (domain/exports). Both say the period, the sources and, when it is part of the figures,
// that the demand includes the generated demonstration.
//
// Thread safety: pure functions.
#pragma once

#include <string>

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

// The diagnostic document: the demand, its trend, the criteria in retreat.
documents::PdfDocument BarometerPdf(const BarometerFigures& figures, const ReportHeading& heading);

// The criteria in retreat, one row each, after a first row of the totals (criterion
// "(toutes les recherches)").
exports::Table BarometerTable(const BarometerFigures& figures);

}  // namespace vivrovert::demand
