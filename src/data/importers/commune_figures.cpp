#include "data/importers/commune_figures.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>

#include "data/csv/csv_reader.hpp"
#include "data/importers/import_helpers.hpp"

namespace vivrovert::importers {

namespace {

namespace fs = std::filesystem;

// The separator of a CSV export: ';' when the header has more of them than commas.
char DetectDelimiter(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string header;
  std::getline(in, header);
  return std::count(header.begin(), header.end(), ';') >
                 std::count(header.begin(), header.end(), ',')
             ? ';'
             : ',';
}

// A figure of a published table: nullopt for an empty cell or a secrecy mark; spaces used
// as thousands separators (plain, no-break, narrow no-break) are dropped.
Result<std::optional<double>> ReadFigure(const CsvRow& row, const std::string& column) {
  VV_ASSIGN_OR_RETURN(std::string_view text, row.Get(column));
  if (text.empty() || text == "s" || text == "nd" || text == "ns" || text == "nc" || text == "NA") {
    return std::optional<double>();
  }
  std::string digits;
  for (size_t index = 0; index < text.size(); ++index) {
    if (text[index] == ' ') continue;
    if (text.substr(index).starts_with("\xc2\xa0")) {
      index += 1;
      continue;
    }
    if (text.substr(index).starts_with("\xe2\x80\xaf")) {
      index += 2;
      continue;
    }
    digits.push_back(text[index]);
  }
  std::optional<double> value = ParseNumber(digits);
  if (!value) return row.Error(column, "not a number ('" + std::string(text) + "')");
  return value;
}

// The commune code of a row; empty for a row overseas (counted by the caller).
Result<std::string> CommuneCode(const CsvRow& row, const std::string& column) {
  VV_ASSIGN_OR_RETURN(std::string_view code, row.Get(column));
  if (code.size() != 5)
    return row.Error(column, "not a commune code ('" + std::string(code) + "')");
  if (DepartementOfCommune(code).size() == 3) return std::string();
  return std::string(code);
}

Status HeaderError(const std::string& file, const std::string& message) {
  return InvalidArgument(fs::path(file).filename().string() + ":1: " + message, "header");
}

// Notes of the figures left missing, per criterion.
void NoteMissing(const std::map<std::string, int64_t>& missing, ImportLayer& layer) {
  for (const auto& [criterion, count] : missing) {
    if (count > 0) {
      layer.source.notes.push_back(std::to_string(count) + " communes without a figure for " +
                                   criterion + " (empty or under statistical secrecy)");
    }
  }
}

}  // namespace

Result<ImportLayer> ImportInseeComparateur(const std::vector<std::string>& files,
                                           const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "insee";
  layer.source.publisher = "INSEE";
  layer.source.dataset = "Base du comparateur de territoires";
  layer.source.files = FileNames(files);
  FileProgress file_progress(files, progress);
  std::map<std::string, int64_t> missing;
  std::set<std::string> vintages;
  int64_t overseas = 0;
  for (const std::string& file : files) {
    // Columns of this file, found in its header by their year-suffixed names.
    std::string median, poverty, dwellings, second_homes, vacant;
    CsvOptions options;
    options.delimiter = DetectDelimiter(file);
    options.required_columns = {"CODGEO"};
    options.on_block = file_progress.ForFile("Comparateur " + fs::path(file).filename().string());
    options.on_header = [&](const std::vector<std::string>& header) -> Status {
      static const std::regex kMedian("MED(\\d\\d)"), kPoverty("TP60(\\d\\d)"),
          kDwellings("P(\\d\\d)_LOG"), kSecond("P(\\d\\d)_RSECOCC"), kVacant("P(\\d\\d)_LOGVAC");
      std::smatch match;
      std::string census_year;
      for (const std::string& column : header) {
        if (std::regex_match(column, match, kMedian)) {
          median = column;
          vintages.insert("Filosofi 20" + match[1].str());
        } else if (std::regex_match(column, match, kPoverty)) {
          poverty = column;
        } else if (std::regex_match(column, match, kDwellings)) {
          dwellings = column;
          census_year = match[1].str();
        } else if (std::regex_match(column, match, kSecond)) {
          second_homes = column;
        } else if (std::regex_match(column, match, kVacant)) {
          vacant = column;
        }
      }
      if (!census_year.empty() && (!second_homes.empty() || !vacant.empty()))
        vintages.insert("RP 20" + census_year);
      if (median.empty() && poverty.empty() &&
          (dwellings.empty() || (second_homes.empty() && vacant.empty()))) {
        return HeaderError(
            file, "none of the columns MEDyy, TP60yy, Pyy_LOG with Pyy_RSECOCC or Pyy_LOGVAC");
      }
      return Status::Ok();
    };
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string code, CommuneCode(row, "CODGEO"));
      if (code.empty()) {
        ++overseas;
        return Status::Ok();
      }
      bool kept = false;
      auto keep = [&](const char* criterion, std::optional<double> value) {
        if (!value) {
          ++missing[criterion];
          return;
        }
        layer.communes[criterion][code] = *value;
        kept = true;
      };
      if (!median.empty()) {
        VV_ASSIGN_OR_RETURN(std::optional<double> value, ReadFigure(row, median));
        keep("median_income_eur", value);
      }
      if (!poverty.empty()) {
        VV_ASSIGN_OR_RETURN(std::optional<double> value, ReadFigure(row, poverty));
        keep("poverty_rate_pct", value);
      }
      if (!dwellings.empty()) {
        VV_ASSIGN_OR_RETURN(std::optional<double> total, ReadFigure(row, dwellings));
        const double total_value = total.value_or(0);  // no dwelling: a share of nothing
        for (const auto& [column, criterion] :
             {std::pair{second_homes, "second_homes_pct"}, std::pair{vacant, "vacant_homes_pct"}}) {
          if (column.empty()) continue;
          VV_ASSIGN_OR_RETURN(std::optional<double> part, ReadFigure(row, column));
          std::optional<double> share;
          if (total_value > 0 && part) share = 100.0 * part.value() / total_value;
          keep(criterion, share);
        }
      }
      if (kept) ++layer.source.rows_kept;
      return Status::Ok();
    }));
  }
  for (const std::string& vintage : vintages) {
    layer.source.vintage += (layer.source.vintage.empty() ? "" : ", ") + vintage;
  }
  layer.source.rows_skipped = overseas;
  if (overseas)
    layer.source.notes.push_back(std::to_string(overseas) +
                                 " communes overseas (the grid covers metropolitan France)");
  NoteMissing(missing, layer);
  return layer;
}

Result<ImportLayer> ImportArcepFibre(const std::vector<std::string>& files,
                                     const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "arcep";
  layer.source.publisher = "ARCEP";
  layer.source.dataset =
      "Observatoire du haut et très haut débit fixe, déploiements FttH par commune";
  layer.source.files = FileNames(files);
  FileProgress file_progress(files, progress);
  std::map<std::string, int64_t> missing;
  std::set<std::string> quarters;
  int64_t overseas = 0, capped = 0;
  for (const std::string& file : files) {
    std::string code_column, premises, eligible;
    CsvOptions options;
    options.delimiter = DetectDelimiter(file);
    options.on_block = file_progress.ForFile("ARCEP " + fs::path(file).filename().string());
    options.on_header = [&](const std::vector<std::string>& header) -> Status {
      static const std::regex kQuarter("T([1-4]) (\\d{4})");
      int latest = 0;
      std::smatch match;
      for (const std::string& column : header) {
        if (column == "Code commune" || column == "code_commune" || column == "Code INSEE")
          code_column = column;
        if (column.starts_with("Meilleure estimation des locaux")) premises = column;
        if (std::regex_match(column, match, kQuarter)) {
          const int order = std::stoi(match[2].str()) * 10 + std::stoi(match[1].str());
          if (order > latest) {
            latest = order;
            eligible = column;
          }
        }
      }
      if (code_column.empty()) return HeaderError(file, "no 'Code commune' column");
      if (premises.empty())
        return HeaderError(file, "no 'Meilleure estimation des locaux…' column");
      if (eligible.empty())
        return HeaderError(file, "no quarter column of eligible premises ('T2 2024')");
      quarters.insert(eligible);
      return Status::Ok();
    };
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string code, CommuneCode(row, code_column));
      if (code.empty()) {
        ++overseas;
        return Status::Ok();
      }
      VV_ASSIGN_OR_RETURN(std::optional<double> total, ReadFigure(row, premises));
      VV_ASSIGN_OR_RETURN(std::optional<double> reached, ReadFigure(row, eligible));
      if (!total || *total <= 0 || !reached) {
        ++missing["fibre_pct"];
        return Status::Ok();
      }
      if (*reached < 0) return row.Error(eligible, "a negative number of premises");
      double share = 100.0 * *reached / *total;
      if (share > 100) {
        share = 100;  // more eligible lines than estimated premises: every premises is
        ++capped;
      }
      layer.communes["fibre_pct"][code] = share;
      ++layer.source.rows_kept;
      return Status::Ok();
    }));
  }
  for (const std::string& quarter : quarters) {
    layer.source.vintage += (layer.source.vintage.empty() ? "" : ", ") + quarter;
  }
  layer.source.rows_skipped = overseas;
  if (overseas)
    layer.source.notes.push_back(std::to_string(overseas) +
                                 " communes overseas (the grid covers metropolitan France)");
  if (capped)
    layer.source.notes.push_back(
        std::to_string(capped) +
        " communes with more eligible premises than estimated premises, read as 100 %");
  NoteMissing(missing, layer);
  return layer;
}

}  // namespace vivrovert::importers
