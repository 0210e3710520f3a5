// Streaming CSV reading for the open-data importers, on libcsv (RFC 4180 quoting).
//
// Files are read in blocks and handed to the caller row by row, so national files do not
// have to fit in memory. A leading UTF-8 byte-order mark is dropped (SNCF and the
// Annuaire de l'éducation publish one). Rows are numbered from 1 (the header is row 1),
// which matches the file's line numbers except where a quoted field spans lines or blank
// lines were skipped; CsvRow::line_number() is the file's line where the row starts.
//
// Errors carry the file, the row and, where known, the column: "gares.csv:12: column
// 'lat': not a number ('4x.5')". A callback stops the reading by returning a non-ok Status,
// which ReadCsv returns unchanged.
//
// Thread safety: a CsvRow is valid only during its callback.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::importers {

class CsvRow {
 public:
  CsvRow(const std::string& file_label, int64_t row_number, const std::vector<std::string>& fields,
         const std::unordered_map<std::string, size_t>& columns, int64_t line_number = 0)
      : file_label_(file_label),
        row_number_(row_number),
        line_number_(line_number),
        fields_(fields),
        columns_(columns) {}

  int64_t row_number() const { return row_number_; }
  // The line of the file where the row starts (the header's is 1 when no blank line
  // precedes it): counts blank lines and line breaks inside quoted fields.
  int64_t line_number() const { return line_number_; }
  size_t size() const { return fields_.size(); }
  const std::string& field(size_t index) const { return fields_[index]; }

  // Value of a named column (trimmed of surrounding spaces); InvalidArgument when the
  // row is too short.
  Result<std::string_view> Get(std::string_view column) const;
  // The column parsed as a number; an empty cell gives std::nullopt; anything else that
  // is not a finite number is an error naming the column and the value. Accepts a
  // decimal comma, as French files sometimes use.
  Result<std::optional<double>> GetNumber(std::string_view column) const;

  // "file:row: column 'x': message" as an InvalidArgument Status.
  Status Error(std::string_view column, std::string_view message) const;

 private:
  const std::string& file_label_;
  int64_t row_number_;
  int64_t line_number_;
  const std::vector<std::string>& fields_;
  const std::unordered_map<std::string, size_t>& columns_;
};

struct CsvOptions {
  char delimiter = ',';
  // Columns the header must have; a missing one is an error naming it.
  std::vector<std::string> required_columns;
  // Called once with the header's cells in order (trimmed, byte-order mark removed) before
  // any row; a non-ok Status stops the reading and is returned. May be empty.
  std::function<Status(const std::vector<std::string>& header)> on_header;
  // Called after each block read from a file with the bytes read so far (progress of long
  // imports); may be empty.
  std::function<void(int64_t bytes_read)> on_block;
};

// Reads `path`, checks the header, then calls `on_row` for each data row. Blank lines
// are skipped. Errors: NotFound when the file cannot be opened; InvalidArgument for a
// malformed file (unterminated quote, missing column) with file and row.
Status ReadCsv(const std::string& path, const CsvOptions& options,
               const std::function<Status(const CsvRow&)>& on_row);

// Same, on text already in memory (tests, fuzzing); `label` names it in errors.
Status ReadCsvText(std::string_view text, std::string label, const CsvOptions& options,
                   const std::function<Status(const CsvRow&)>& on_row);

// Parses a number the way GetNumber does: optional sign, decimals with '.' or ',',
// exponent; the whole text must be used; NaN and infinities are refused.
std::optional<double> ParseNumber(std::string_view text);

}  // namespace vivrovert::importers
