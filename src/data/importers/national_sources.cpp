#include "data/importers/national_sources.hpp"

#include <sstream>

#include "data/csv/csv_reader.hpp"
#include "engine/engine.hpp"

namespace vivrovert::importers {

namespace {

// "44.4493, 1.4330" → (lat, lon).
Result<std::pair<double, double>> ParseLatLon(const CsvRow& row, const char* column) {
  VV_ASSIGN_OR_RETURN(std::string_view text, row.Get(column));
  size_t comma = text.find(',');
  if (comma == std::string_view::npos) return row.Error(column, "expected 'latitude, longitude'");
  auto trim = [](std::string_view part) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    return part;
  };
  std::optional<double> lat = ParseNumber(trim(text.substr(0, comma)));
  std::optional<double> lon = ParseNumber(trim(text.substr(comma + 1)));
  if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
    return row.Error(column, "not a valid 'latitude, longitude' ('" + std::string(text) + "')");
  }
  return std::pair{*lat, *lon};
}

Result<std::pair<double, double>> ReadLatLonColumns(const CsvRow& row) {
  VV_ASSIGN_OR_RETURN(std::optional<double> lat, row.GetNumber("lat"));
  VV_ASSIGN_OR_RETURN(std::optional<double> lon, row.GetNumber("lon"));
  if (!lat || !lon) return row.Error(lat ? "lon" : "lat", "missing coordinate");
  if (*lat < -90 || *lat > 90) return row.Error("lat", "latitude out of range");
  if (*lon < -180 || *lon > 180) return row.Error("lon", "longitude out of range");
  return std::pair{*lat, *lon};
}

}  // namespace

Result<std::vector<Station>> ReadSncfStations(const std::string& path) {
  std::vector<Station> stations;
  CsvOptions options;
  options.delimiter = ';';
  options.required_columns = {"Nom", "Position géographique", "Code commune", "Code(s) UIC"};
  VV_RETURN_IF_ERROR(ReadCsv(path, options, [&](const CsvRow& row) -> Status {
    Station station;
    VV_ASSIGN_OR_RETURN(std::string_view name, row.Get("Nom"));
    VV_ASSIGN_OR_RETURN(std::string_view raw_position, row.Get("Position géographique"));
    if (raw_position.empty()) return Status::Ok();  // a few stops are published without a position
    VV_ASSIGN_OR_RETURN(auto position, ParseLatLon(row, "Position géographique"));
    VV_ASSIGN_OR_RETURN(std::string_view commune, row.Get("Code commune"));
    VV_ASSIGN_OR_RETURN(std::string_view uics, row.Get("Code(s) UIC"));
    station.name = name;
    station.latitude = position.first;
    station.longitude = position.second;
    station.commune_code = commune;
    std::stringstream split{std::string(uics)};
    for (std::string uic; std::getline(split, uic, ';');) {
      if (!uic.empty()) station.uic_codes.push_back(uic);
    }
    stations.push_back(std::move(station));
    return Status::Ok();
  }));
  return stations;
}

Result<std::unordered_map<std::string, int64_t>> ReadSncfRidership(const std::string& path,
                                                                   int year) {
  std::unordered_map<std::string, int64_t> ridership;
  const std::string column = "Total Voyageurs " + std::to_string(year);
  CsvOptions options;
  options.required_columns = {"Code UIC", column};
  VV_RETURN_IF_ERROR(ReadCsv(path, options, [&](const CsvRow& row) -> Status {
    VV_ASSIGN_OR_RETURN(std::string_view uic, row.Get("Code UIC"));
    VV_ASSIGN_OR_RETURN(std::optional<double> travellers, row.GetNumber(column));
    if (travellers && *travellers < 0) return row.Error(column, "negative ridership");
    if (travellers) ridership[std::string(uic)] = static_cast<int64_t>(*travellers);
    return Status::Ok();
  }));
  return ridership;
}

bool IsAcuteCareHospital(const std::string& facility_type) {
  static const char* const kAcute[] = {
      "Centre Hospitalier (C.H.)",
      "Centre Hospitalier Régional (C.H.R.)",
      "Centre hospitalier, ex Hôpital local",
      "Etablissement de Soins Pluridisciplinaire",
      "Etablissement de Soins Chirurgicaux",
      "Etablissement de Soins Médicaux",
      "Etablissement Soins Obstétriques Chirurgico-Gynécologiques",
      "Centre de Lutte Contre Cancer",
  };
  for (const char* type : kAcute) {
    if (facility_type == type) return true;
  }
  return false;
}

Result<std::vector<Hospital>> ReadGiscoHealthcare(const std::string& path) {
  std::vector<Hospital> hospitals;
  CsvOptions options;
  options.required_columns = {"id", "hospital_name", "lat", "lon", "facility_type"};
  VV_RETURN_IF_ERROR(ReadCsv(path, options, [&](const CsvRow& row) -> Status {
    Hospital hospital;
    VV_ASSIGN_OR_RETURN(std::string_view id, row.Get("id"));
    VV_ASSIGN_OR_RETURN(std::string_view name, row.Get("hospital_name"));
    VV_ASSIGN_OR_RETURN(std::string_view type, row.Get("facility_type"));
    VV_ASSIGN_OR_RETURN(auto position, ReadLatLonColumns(row));
    hospital.id = id;
    hospital.name = name;
    hospital.facility_type = type;
    hospital.latitude = position.first;
    hospital.longitude = position.second;
    hospitals.push_back(std::move(hospital));
    return Status::Ok();
  }));
  return hospitals;
}

Result<std::vector<CensusCell>> ReadCensusGrid(const std::string& path) {
  std::vector<CensusCell> cells;
  CsvOptions options;
  options.required_columns = {"GRD_ID", "T"};
  VV_RETURN_IF_ERROR(ReadCsv(path, options, [&](const CsvRow& row) -> Status {
    VV_ASSIGN_OR_RETURN(std::string_view id, row.Get("GRD_ID"));
    std::optional<engine::TileId> tile = engine::TileId::Parse(id);
    if (!tile || tile->level != engine::Level::k1km) {
      return row.Error("GRD_ID", "not a 1 km Eurostat cell id ('" + std::string(id) + "')");
    }
    // A value is kept when present and not flagged confidential.
    auto read = [&row](const std::string& column) -> Result<std::optional<double>> {
      if (!row.Get(column).ok()) return std::optional<double>();  // column absent from this file
      VV_ASSIGN_OR_RETURN(std::optional<double> value, row.GetNumber(column));
      if (value && *value < 0) return row.Error(column, "negative count");
      auto flag = row.Get(column + "_CI");
      if (flag.ok() && *flag == "1") return std::optional<double>();
      return value;
    };
    CensusCell cell;
    cell.east = tile->east;
    cell.north = tile->north;
    VV_ASSIGN_OR_RETURN(cell.total, read("T"));
    VV_ASSIGN_OR_RETURN(cell.under_15, read("Y_LT15"));
    VV_ASSIGN_OR_RETURN(cell.over_65, read("Y_GE65"));
    VV_ASSIGN_OR_RETURN(cell.employed, read("EMP"));
    VV_ASSIGN_OR_RETURN(cell.moved_in, read("CHG_IN"));
    cells.push_back(cell);
    return Status::Ok();
  }));
  return cells;
}

}  // namespace vivrovert::importers
