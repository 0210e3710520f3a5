// Exports of listings for the partner back-office and the operator console: CSV (UTF-8
// with BOM, ';' separated, for French spreadsheets) and XLSX (libxlsxwriter).
//
// Columns: id, kind, status (on `today`), then one column per field of the union of all
// kinds in schema order (common fields first; a name shared by kinds, like price_eur, is
// one column), then where the listing was placed: commune (the name, when
// ExportOptions::commune_name is given), precision, tile_1km, tile_5km. The field columns
// use the import's names, so an export edited in a spreadsheet can be re-imported
// (ReadListingFile ignores the placement columns).
//
// Values: text as is; numbers with a decimal comma in CSV ("44,4475") and as numbers in
// XLSX; yes/no as "oui"/"non"; lists joined with "|"; dates AAAA-MM-JJ. Latitude and
// longitude are exported only for listings placed by their coordinates (as Listing::Fields).
//
// Formula injection: a text cell starting with '=', '+', '-', '@', tab or CR gets a
// leading single quote, in both formats (XLSX cells are written as strings anyway, never
// formulas). Numbers written by us are not text and keep their sign.
//
// Thread safety: pure functions (ExportXlsx uses a private temporary file).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "domain/listings/listing_store.hpp"

namespace vivrovert::listings {

struct ExportOptions {
  // The commune's name from its INSEE code (the grid knows it); when empty there is no
  // "commune" column.
  std::function<std::string(const std::string& commune_code)> commune_name;
};

// The header of both exports, in order.
std::vector<std::string> ExportColumns(const ExportOptions& options = {});

// `cell` prefixed with a single quote when a spreadsheet would read it as a formula.
std::string ProtectCell(std::string_view cell);

std::string ExportCsv(const std::vector<Listing>& listings, const std::string& today,
                      const ExportOptions& options = {});

// The .xlsx file's bytes (one sheet "Annonces", header frozen, filters on). Errors:
// Internal when the temporary file cannot be written or libxlsxwriter fails.
Result<std::string> ExportXlsx(const std::vector<Listing>& listings, const std::string& today,
                               const ExportOptions& options = {});

}  // namespace vivrovert::listings
