#include "data/csv/csv_reader.hpp"

#include <csv.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/common/text.hpp"

namespace vivrovert::importers {

namespace {

// Collects libcsv's callbacks into rows and forwards complete rows to the caller.
class RowAssembler {
 public:
  RowAssembler(std::string label, const CsvOptions& options,
               const std::function<Status(const CsvRow&)>& on_row)
      : label_(std::move(label)), options_(options), on_row_(on_row) {}

  static void OnField(void* data, size_t size, void* self) {
    auto* assembler = static_cast<RowAssembler*>(self);
    assembler->fields_.emplace_back(static_cast<const char*>(data), data ? size : 0);
  }

  static void OnRowEnd(int terminator, void* self) {
    static_cast<RowAssembler*>(self)->EndRow(terminator);
  }

  const Status& status() const { return status_; }
  bool saw_header() const { return saw_header_; }
  int64_t rows_done() const { return row_number_; }

 private:
  // libcsv runs with CSV_REPALL_NL so that blank lines reach us (as rows without fields)
  // and the file's line numbers can be counted; they are not rows.
  void EndRow(int terminator) {
    const bool crlf_tail = terminator == '\n' && previous_terminator_ == '\r';
    previous_terminator_ = terminator;
    if (fields_.empty()) {
      if (!crlf_tail) ++next_line_;
      return;
    }
    const int64_t line = next_line_;
    next_line_ += 1 + LineBreaksInFields();
    ++row_number_;
    if (!status_.ok()) {
      fields_.clear();
      return;
    }
    if (!saw_header_) {
      saw_header_ = true;
      for (size_t index = 0; index < fields_.size(); ++index) {
        std::string name(TrimView(fields_[index]));
        if (index == 0 && name.starts_with("\xEF\xBB\xBF")) name.erase(0, 3);
        columns_.emplace(name, index);
        header_.push_back(std::move(name));
      }
      if (options_.on_header) status_ = options_.on_header(header_);
      for (const std::string& required : options_.required_columns) {
        if (!status_.ok()) break;
        if (!columns_.contains(required)) {
          status_ = InvalidArgument(label_ + ":1: missing column '" + required + "' in the header",
                                    required);
          break;
        }
      }
      fields_.clear();
      return;
    }
    bool blank = fields_.size() == 1 && TrimView(fields_[0]).empty();
    if (!blank) status_ = on_row_(CsvRow(label_, row_number_, fields_, columns_, line));
    fields_.clear();
  }

  // Line breaks inside quoted fields of the current row ("\r\n" counts once).
  int64_t LineBreaksInFields() const {
    int64_t breaks = 0;
    for (const std::string& field : fields_) {
      for (size_t index = 0; index < field.size(); ++index) {
        if (field[index] == '\n' ||
            (field[index] == '\r' && (index + 1 == field.size() || field[index + 1] != '\n'))) {
          ++breaks;
        }
      }
    }
    return breaks;
  }

  std::string label_;
  const CsvOptions& options_;
  const std::function<Status(const CsvRow&)>& on_row_;
  std::vector<std::string> fields_;
  std::unordered_map<std::string, size_t> columns_;
  std::vector<std::string> header_;
  int64_t row_number_ = 0;
  int64_t next_line_ = 1;
  int previous_terminator_ = 0;
  bool saw_header_ = false;
  Status status_;
};

// Feeds blocks from `next_block` through libcsv.
Status Parse(const std::string& label, const CsvOptions& options,
             const std::function<Status(const CsvRow&)>& on_row,
             const std::function<std::string_view()>& next_block) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
    return Internal("libcsv could not be initialised");
  }
  csv_set_delim(&parser, static_cast<unsigned char>(options.delimiter));
  RowAssembler assembler(label, options, on_row);
  Status result;
  for (std::string_view block = next_block(); !block.empty(); block = next_block()) {
    size_t parsed = csv_parse(&parser, block.data(), block.size(), RowAssembler::OnField,
                              RowAssembler::OnRowEnd, &assembler);
    if (!assembler.status().ok()) break;
    if (parsed != block.size()) {
      result = InvalidArgument(label + ":" + std::to_string(assembler.rows_done() + 1) +
                               ": malformed CSV: " + csv_strerror(csv_error(&parser)));
      break;
    }
  }
  if (result.ok() && assembler.status().ok() &&
      csv_fini(&parser, RowAssembler::OnField, RowAssembler::OnRowEnd, &assembler) != 0) {
    result = InvalidArgument(
        label + ":" + std::to_string(assembler.rows_done() + 1) +
        ": malformed CSV at the end of the file: " + csv_strerror(csv_error(&parser)));
  }
  csv_free(&parser);
  if (!assembler.status().ok()) return assembler.status();
  if (result.ok() && !assembler.saw_header()) {
    return InvalidArgument(label + ": empty file, a header row was expected");
  }
  return result;
}

}  // namespace

Result<std::string_view> CsvRow::Get(std::string_view column) const {
  auto found = columns_.find(std::string(column));
  if (found == columns_.end()) return Error(column, "no such column in the header");
  if (found->second >= fields_.size()) {
    return Error(
        column, "the row has " + std::to_string(fields_.size()) + " fields, fewer than the header");
  }
  return TrimView(fields_[found->second]);
}

Result<std::optional<double>> CsvRow::GetNumber(std::string_view column) const {
  VV_ASSIGN_OR_RETURN(std::string_view text, Get(column));
  if (text.empty()) return std::optional<double>();
  std::optional<double> value = ParseNumber(text);
  if (!value) return Error(column, "not a number ('" + std::string(text.substr(0, 40)) + "')");
  return value;
}

Status CsvRow::Error(std::string_view column, std::string_view message) const {
  return InvalidArgument(file_label_ + ":" + std::to_string(row_number_) + ": column '" +
                             std::string(column) + "': " + std::string(message),
                         std::string(column));
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string copy(text);
  for (char& c : copy) {
    if (c == ',') c = '.';
  }
  if (!copy.empty() && copy.front() == '+') copy.erase(0, 1);
  double value = 0;
  auto [end, error] = std::from_chars(copy.data(), copy.data() + copy.size(), value);
  if (error != std::errc() || end != copy.data() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Status ReadCsv(const std::string& path, const CsvOptions& options,
               const std::function<Status(const CsvRow&)>& on_row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path, "file");
  std::string label = std::filesystem::path(path).filename().string();
  std::vector<char> buffer(1 << 20);
  int64_t bytes_read = 0;
  return Parse(label, options, on_row, [&]() -> std::string_view {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    bytes_read += in.gcount();
    if (options.on_block) options.on_block(bytes_read);
    return {buffer.data(), static_cast<size_t>(in.gcount())};
  });
}

Status ReadCsvText(std::string_view text, std::string label, const CsvOptions& options,
                   const std::function<Status(const CsvRow&)>& on_row) {
  bool given = false;
  return Parse(label, options, on_row, [&]() -> std::string_view {
    if (given) return {};
    given = true;
    return text;
  });
}

}  // namespace vivrovert::importers
