// Tables for spreadsheets: CSV (UTF-8 with BOM, ';' separated, decimal commas — what a
// French spreadsheet opens without a wizard) and XLSX (libxlsxwriter). The listing exports
// and the partners' lead exports are built on it.
//
// Formula injection: a text cell starting with '=', '+', '-', '@', tab or CR gets a
// leading single quote, in both formats (XLSX cells are written as strings anyway, never
// formulas). Numbers are not text and keep their sign.
//
// Thread safety: pure functions (TableXlsx uses a private temporary file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::exports {

// `cell` prefixed with a single quote when a spreadsheet would read it as a formula.
std::string ProtectCell(std::string_view cell);

struct Cell {
  bool is_number = false;
  double number = 0;
  std::string text;  // already protected (use Text())

  static Cell Text(std::string_view text) { return Cell{false, 0, ProtectCell(text)}; }
  static Cell Number(double value) { return Cell{true, value, {}}; }
  static Cell Empty() { return {}; }
};

struct Table {
  std::string sheet_name;  // XLSX sheet (at most 31 characters)
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

// Header line then one line per row, CRLF line ends; cells quoted when they hold the
// separator, a quote, a line break or surrounding spaces.
std::string TableCsv(const Table& table);

// The .xlsx file's bytes: one sheet, header in bold and frozen, filters on. Errors:
// Internal when the temporary file cannot be written or libxlsxwriter fails.
Result<std::string> TableXlsx(const Table& table);

}  // namespace vivrovert::exports
