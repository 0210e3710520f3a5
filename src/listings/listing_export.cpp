#include "listings/listing_export.hpp"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <csv.h>
#include <xlsxwriter.h>

namespace vivrovert::listings {

namespace {

using nlohmann::json;

struct Cell {
  bool is_number = false;
  double number = 0;
  std::string text;
};

std::vector<std::string> FieldColumns() {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const FieldSpec& spec : CommonFields()) {
    if (seen.insert(spec.name).second) names.push_back(spec.name);
  }
  for (Kind kind : kAllKinds) {
    for (const FieldSpec& spec : KindFields(kind)) {
      if (seen.insert(spec.name).second) names.push_back(spec.name);
    }
  }
  return names;
}

Cell TextCell(std::string_view text) { return Cell{false, 0, ProtectCell(text)}; }

Cell NumberCell(double value) { return Cell{true, value, {}}; }

Cell CellOf(const json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return TextCell(value.get<std::string>());
  if (value.is_boolean()) return TextCell(value.get<bool>() ? "oui" : "non");
  if (value.is_number()) return NumberCell(value.get<double>());
  if (value.is_array()) {
    std::string joined;
    for (const json& item : value) {
      joined += joined.empty() ? "" : "|";
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return TextCell(joined);
  }
  return TextCell(value.dump());
}

std::vector<std::vector<Cell>> Rows(const std::vector<Listing>& listings, const std::string& today,
                                    const ExportOptions& options) {
  const std::vector<std::string> fields = FieldColumns();
  std::vector<std::vector<Cell>> rows;
  rows.reserve(listings.size());
  for (const Listing& listing : listings) {
    std::vector<Cell> row;
    row.push_back(NumberCell(static_cast<double>(listing.id)));
    row.push_back(TextCell(KindName(listing.kind)));
    row.push_back(TextCell(listing.StatusOn(today)));
    const json values = listing.Fields();
    for (const std::string& name : fields) {
      auto found = values.find(name);
      row.push_back(found == values.end() ? Cell{} : CellOf(*found));
    }
    if (options.commune_name) row.push_back(TextCell(options.commune_name(listing.commune_code)));
    row.push_back(TextCell(PrecisionName(listing.precision)));
    row.push_back(TextCell(listing.tile_1km));
    row.push_back(TextCell(listing.tile_5km));
    rows.push_back(std::move(row));
  }
  return rows;
}

// Shortest decimal form that reads back as the same double, with a decimal comma.
std::string FrenchNumber(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
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

// Removes the temporary file however ExportXlsx leaves.
struct TemporaryFile {
  std::filesystem::path path;
  ~TemporaryFile() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove(path, ignored);
  }
};

}  // namespace

std::vector<std::string> ExportColumns(const ExportOptions& options) {
  std::vector<std::string> columns = {"id", "kind", "status"};
  for (std::string& name : FieldColumns()) columns.push_back(std::move(name));
  if (options.commune_name) columns.push_back("commune");
  columns.insert(columns.end(), {"precision", "tile_1km", "tile_5km"});
  return columns;
}

std::string ProtectCell(std::string_view cell) {
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) {
    return "'" + std::string(cell);
  }
  return std::string(cell);
}

std::string ExportCsv(const std::vector<Listing>& listings, const std::string& today, const ExportOptions& options) {
  std::string out = "\xEF\xBB\xBF";
  const std::vector<std::string> columns = ExportColumns(options);
  for (size_t index = 0; index < columns.size(); ++index) {
    out += index == 0 ? "" : ";";
    out += columns[index];
  }
  out += "\r\n";
  for (const std::vector<Cell>& row : Rows(listings, today, options)) {
    for (size_t index = 0; index < row.size(); ++index) {
      out += index == 0 ? "" : ";";
      out += row[index].is_number ? FrenchNumber(row[index].number) : CsvCell(row[index].text);
    }
    out += "\r\n";
  }
  return out;
}

Result<std::string> ExportXlsx(const std::vector<Listing>& listings, const std::string& today,
                               const ExportOptions& options) {
  std::error_code error;
  const std::filesystem::path directory = std::filesystem::temp_directory_path(error);
  if (error) return Internal("no temporary directory for the XLSX export: " + error.message());
  std::string pattern = (directory / "vivrovert-export-XXXXXX").string();
  const int descriptor = mkstemp(pattern.data());
  if (descriptor < 0) return Internal("cannot create a temporary file for the XLSX export in " + directory.string());
  close(descriptor);
  TemporaryFile file{pattern};

  lxw_workbook_options workbook_options = {};
  workbook_options.constant_memory = LXW_FALSE;
  std::string tmpdir = directory.string();
  workbook_options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(pattern.c_str(), &workbook_options);
  if (workbook == nullptr) return Internal("libxlsxwriter could not create " + pattern);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Annonces");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);

  const std::vector<std::string> columns = ExportColumns(options);
  for (size_t index = 0; index < columns.size(); ++index) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(index), columns[index].c_str(), bold);
  }
  lxw_row_t row_index = 1;
  for (const std::vector<Cell>& row : Rows(listings, today, options)) {
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
  if (!columns.empty()) {
    worksheet_autofilter(sheet, 0, 0, row_index - 1, static_cast<lxw_col_t>(columns.size() - 1));
  }
  const lxw_error closed = workbook_close(workbook);
  if (closed != LXW_NO_ERROR) return Internal(std::string("libxlsxwriter: ") + lxw_strerror(closed));
  std::string bytes = ReadWholeFile(file.path);
  if (bytes.empty()) return Internal("the XLSX export wrote an empty file");
  return bytes;
}

}  // namespace vivrovert::listings
