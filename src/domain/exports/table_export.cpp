#include "domain/exports/table_export.hpp"

#include <csv.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vivrovert::exports {

namespace {

// Shortest decimal form that reads back as the same double, with a decimal comma.
std::string FrenchNumber(double value) {
  char buffer[64];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  std::string text = error == std::errc() ? std::string(buffer, end) : std::to_string(value);
  for (char& c : text) {
    if (c == '.') c = ',';
  }
  return text;
}

// Quotes a CSV cell (libcsv's writer) when it holds the separator, a quote, a line break
// or surrounding spaces.
std::string CsvCell(const std::string& text) {
  const bool needs_quotes = text.find_first_of(";\"\r\n") != std::string::npos ||
                            (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!needs_quotes) return text;
  std::string out(text.size() * 2 + 2, '\0');
  const size_t written = csv_write(out.data(), out.size(), text.data(), text.size());
  out.resize(written);
  return out;
}

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Removes the temporary file however TableXlsx leaves.
struct TemporaryFile {
  std::filesystem::path path;
  ~TemporaryFile() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove(path, ignored);
  }
};

}  // namespace

std::string ProtectCell(std::string_view cell) {
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
    return "'" + std::string(cell);
  }
  return std::string(cell);
}

std::string TableCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t index = 0; index < table.columns.size(); ++index) {
    out += index == 0 ? "" : ";";
    out += CsvCell(ProtectCell(table.columns[index]));
  }
  out += "\r\n";
  for (const std::vector<Cell>& row : table.rows) {
    for (size_t index = 0; index < row.size(); ++index) {
      out += index == 0 ? "" : ";";
      out += row[index].is_number ? FrenchNumber(row[index].number) : CsvCell(row[index].text);
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> TableXlsx(const Table& table) {
  std::error_code error;
  const std::filesystem::path directory = std::filesystem::temp_directory_path(error);
  if (error) return Internal("no temporary directory for the XLSX export: " + error.message());
  std::string pattern = (directory / "vivrovert-export-XXXXXX").string();
  const int descriptor = mkstemp(pattern.data());
  if (descriptor < 0)
    return Internal("cannot create a temporary file for the XLSX export in " + directory.string());
  close(descriptor);
  TemporaryFile file{pattern};

  lxw_workbook_options workbook_options = {};
  workbook_options.constant_memory = LXW_FALSE;
  std::string tmpdir = directory.string();
  workbook_options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(pattern.c_str(), &workbook_options);
  if (workbook == nullptr) return Internal("libxlsxwriter could not create " + pattern);
  const std::string sheet_name =
      table.sheet_name.empty() ? std::string("Feuille 1") : table.sheet_name.substr(0, 31);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, sheet_name.c_str());
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);

  for (size_t index = 0; index < table.columns.size(); ++index) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(index),
                           ProtectCell(table.columns[index]).c_str(), bold);
  }
  lxw_row_t row_index = 1;
  for (const std::vector<Cell>& row : table.rows) {
    for (size_t index = 0; index < row.size(); ++index) {
      const auto column = static_cast<lxw_col_t>(index);
      if (row[index].is_number) {
        worksheet_write_number(sheet, row_index, column, row[index].number, nullptr);
      } else if (!row[index].text.empty()) {
        worksheet_write_string(sheet, row_index, column, row[index].text.c_str(), nullptr);
      }
    }
    ++row_index;
  }
  worksheet_freeze_panes(sheet, 1, 0);
  if (!table.columns.empty()) {
    worksheet_autofilter(sheet, 0, 0, row_index - 1,
                         static_cast<lxw_col_t>(table.columns.size() - 1));
  }
  const lxw_error closed = workbook_close(workbook);
  if (closed != LXW_NO_ERROR)
    return Internal(std::string("libxlsxwriter: ") + lxw_strerror(closed));
  std::string bytes = ReadWholeFile(file.path);
  if (bytes.empty()) return Internal("the XLSX export wrote an empty file");
  return bytes;
}

}  // namespace vivrovert::exports
