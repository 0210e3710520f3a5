#include "data/importers/climate.hpp"

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "data/csv/csv_reader.hpp"
#include "data/importers/import_helpers.hpp"

namespace vivrovert::importers {

namespace {

namespace fs = std::filesystem;

enum Variable { kRain = 0, kSunshine = 1, kMeanTemperature = 2, kVariables = 3 };

// Sums and counts of years per calendar month and variable.
struct Station {
  bool located = false;
  geo::Point wgs84;
  double altitude_m = 0;
  std::array<std::array<double, 12>, kVariables> sums{};
  std::array<std::array<int, 12>, kVariables> years{};
};

// A Météo-France figure: empty or "mq" is missing.
Result<std::optional<double>> Figure(const CsvRow& row, const char* column) {
  VV_ASSIGN_OR_RETURN(std::string_view text, row.Get(column));
  if (text == "mq") return std::optional<double>();
  return row.GetNumber(column);
}

}  // namespace

Result<ImportLayer> ImportClimateNormals(const std::vector<std::string>& files,
                                         const ClimateRules& rules, const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "climate";
  layer.source.publisher = "Météo-France";
  layer.source.dataset = "Données climatologiques de base mensuelles (normales calculées)";
  layer.source.vintage =
      "normales " + std::to_string(rules.first_year) + "-" + std::to_string(rules.last_year);
  layer.source.files = FileNames(files);
  FileProgress file_progress(files, progress);
  std::map<std::string, Station> stations;
  std::set<std::string> departements;
  int64_t overseas = 0, outside_period = 0;
  for (const std::string& file : files) {
    CsvOptions options;
    options.delimiter = ';';
    options.required_columns = {"NUM_POSTE", "LAT", "LON", "ALTI", "AAAAMM",
                                "RR",        "TX",  "TN",  "INST"};
    options.on_block = file_progress.ForFile("Météo-France " + fs::path(file).filename().string());
    VV_RETURN_IF_ERROR(ReadCsv(file, options, [&](const CsvRow& row) -> Status {
      ++layer.source.rows_read;
      VV_ASSIGN_OR_RETURN(std::string_view id, row.Get("NUM_POSTE"));
      if (id.size() != 8)
        return row.Error("NUM_POSTE", "not a station number ('" + std::string(id) + "')");
      if (id.starts_with("97") || id.starts_with("98")) {
        ++overseas;
        return Status::Ok();
      }
      VV_ASSIGN_OR_RETURN(std::string_view month_text, row.Get("AAAAMM"));
      const std::optional<double> month_number = ParseNumber(month_text);
      const int year = month_number ? static_cast<int>(*month_number) / 100 : 0;
      const int month = month_number ? static_cast<int>(*month_number) % 100 : 0;
      if (month_text.size() != 6 || month < 1 || month > 12) {
        return row.Error("AAAAMM", "not a month YYYYMM ('" + std::string(month_text) + "')");
      }
      if (year < rules.first_year || year > rules.last_year) {
        ++outside_period;
        return Status::Ok();
      }
      Station& station = stations[std::string(id)];
      if (!station.located) {
        VV_ASSIGN_OR_RETURN(std::optional<double> latitude, row.GetNumber("LAT"));
        VV_ASSIGN_OR_RETURN(std::optional<double> longitude, row.GetNumber("LON"));
        VV_ASSIGN_OR_RETURN(std::optional<double> altitude, row.GetNumber("ALTI"));
        if (!latitude || *latitude < -90 || *latitude > 90)
          return row.Error("LAT", "not a latitude");
        if (!longitude || *longitude < -180 || *longitude > 180)
          return row.Error("LON", "not a longitude");
        if (!altitude) return row.Error("ALTI", "station altitude missing");
        station.wgs84 = {*longitude, *latitude};
        station.altitude_m = *altitude;
        station.located = true;
      }
      departements.insert(std::string(id.substr(0, 2)));
      VV_ASSIGN_OR_RETURN(std::optional<double> rain, Figure(row, "RR"));
      VV_ASSIGN_OR_RETURN(std::optional<double> sunshine, Figure(row, "INST"));
      VV_ASSIGN_OR_RETURN(std::optional<double> high, Figure(row, "TX"));
      VV_ASSIGN_OR_RETURN(std::optional<double> low, Figure(row, "TN"));
      auto add = [&](Variable variable, std::optional<double> value) {
        if (!value) return;
        station.sums[variable][month - 1] += *value;
        station.years[variable][month - 1] += 1;
      };
      add(kRain, rain);
      add(kSunshine, sunshine);
      add(kMeanTemperature, high && low ? std::optional<double>((*high + *low) / 2) : std::nullopt);
      return Status::Ok();
    }));
  }
  VV_ASSIGN_OR_RETURN(geo::Projector projector, geo::Projector::Create(geo::kWgs84, geo::kLaea));
  const int period_years = rules.last_year - rules.first_year + 1;
  const int min_years = static_cast<int>(std::ceil(rules.min_share_of_years * period_years - 1e-9));
  int64_t outside = 0;
  for (const char* criterion :
       {"rainfall_mm", "sunshine_hours", "summer_temp_c", "winter_temp_c"}) {
    layer.stations[criterion];
  }
  std::map<std::string, int64_t> incomplete;
  for (const auto& [id, station] : stations) {
    geo::Point point = station.wgs84;
    if (!projector.Transform(point) || !InMetropolitanFrance(point)) {
      ++outside;
      continue;
    }
    auto normal = [&](Variable variable, int month_idx) -> std::optional<double> {
      const int years = station.years[variable][month_idx];
      if (years < min_years) return std::nullopt;
      return station.sums[variable][month_idx] / years;
    };
    auto annual = [&](Variable variable) -> std::optional<double> {
      double total = 0;
      for (int month_idx = 0; month_idx < 12; ++month_idx) {
        const std::optional<double> value = normal(variable, month_idx);
        if (!value) return std::nullopt;
        total += *value;
      }
      return total;
    };
    bool kept = false;
    auto keep = [&](const char* criterion, std::optional<double> value) {
      kept = kept || value.has_value();
      if (!value) {
        ++incomplete[criterion];
        return;
      }
      layer.stations[criterion].push_back({static_cast<int32_t>(std::lround(point.x)),
                                           static_cast<int32_t>(std::lround(point.y)),
                                           station.altitude_m, std::round(*value * 100) / 100});
    };
    const std::optional<double> rain = annual(kRain);
    const std::optional<double> sunshine = annual(kSunshine);
    keep("rainfall_mm", rain);
    keep("sunshine_hours", sunshine ? std::optional<double>(*sunshine / 60) : std::nullopt);
    keep("summer_temp_c", normal(kMeanTemperature, 6));
    keep("winter_temp_c", normal(kMeanTemperature, 0));
    if (kept) ++layer.source.rows_kept;  // stations with at least one normal
  }
  // "20" (Corsica before 1976, still the stations' prefix) covers both départements.
  if (departements.erase("20")) departements.insert({"2A", "2B"});
  layer.departements = CoveredDepartements(departements);
  layer.source.rows_skipped = overseas + outside_period;
  if (overseas)
    layer.source.notes.push_back(std::to_string(overseas) + " rows of stations overseas");
  if (outside_period) {
    layer.source.notes.push_back(std::to_string(outside_period) + " rows outside " +
                                 std::to_string(rules.first_year) + "-" +
                                 std::to_string(rules.last_year));
  }
  if (outside)
    layer.source.notes.push_back(std::to_string(outside) + " stations outside metropolitan France");
  for (const auto& [criterion, count] : incomplete) {
    layer.source.notes.push_back(
        std::to_string(count) + " stations without a complete normal for " + criterion +
        " (fewer than " + std::to_string(min_years) + " years of a month)");
  }
  layer.Normalise();
  return layer;
}

}  // namespace vivrovert::importers
