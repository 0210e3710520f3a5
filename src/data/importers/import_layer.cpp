#include "data/importers/import_layer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace vivrovert::importers {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kLayerVersion = 1;

}  // namespace

void ImportLayer::Normalise() {
  for (auto& [criterion, set] : points) {
    for (geo::Point& point : set) {
      point.x = std::round(point.x);
      point.y = std::round(point.y);
    }
    std::sort(set.begin(), set.end(), [](const geo::Point& a, const geo::Point& b) {
      return a.x != b.x ? a.x < b.x : a.y < b.y;
    });
  }
  for (auto& [criterion, set] : cells) {
    std::sort(set.begin(), set.end(), [](const CellValue& a, const CellValue& b) {
      return a.east != b.east ? a.east < b.east : a.north < b.north;
    });
  }
  for (auto& [criterion, set] : stations) {
    std::sort(set.begin(), set.end(), [](const StationValue& a, const StationValue& b) {
      return a.east != b.east ? a.east < b.east : a.north < b.north;
    });
  }
  std::sort(departements.begin(), departements.end());
  departements.erase(std::unique(departements.begin(), departements.end()), departements.end());
}

Status WriteLayer(const ImportLayer& layer, const std::string& path) {
  json points = json::object();
  for (const auto& [criterion, set] : layer.points) {
    json flat = json::array();
    for (const geo::Point& point : set) {
      flat.push_back(static_cast<int64_t>(std::llround(point.x)));
      flat.push_back(static_cast<int64_t>(std::llround(point.y)));
    }
    points[criterion] = std::move(flat);
  }
  json cells = json::object();
  for (const auto& [criterion, set] : layer.cells) {
    json flat = json::array();
    for (const CellValue& cell : set) {
      flat.push_back(cell.east);
      flat.push_back(cell.north);
      flat.push_back(cell.value);
    }
    cells[criterion] = std::move(flat);
  }
  json stations = json::object();
  for (const auto& [criterion, set] : layer.stations) {
    json flat = json::array();
    for (const StationValue& station : set) {
      flat.push_back(station.east);
      flat.push_back(station.north);
      flat.push_back(station.altitude_m);
      flat.push_back(station.value);
    }
    stations[criterion] = std::move(flat);
  }
  const LayerSource& source = layer.source;
  json document = {
      {"layer_version", kLayerVersion},
      {"kind", layer.kind},
      {"source",
       {{"publisher", source.publisher},
        {"dataset", source.dataset},
        {"vintage", source.vintage},
        {"files", source.files},
        {"rows_read", source.rows_read},
        {"rows_kept", source.rows_kept},
        {"rows_skipped", source.rows_skipped},
        {"notes", source.notes}}},
      {"departements", layer.departements},
      {"count_radius_m", layer.count_radius_m},
      {"points", std::move(points)},
      {"cells", std::move(cells)},
      {"communes", layer.communes},
      {"stations", std::move(stations)},
  };
  const fs::path target(path);
  std::error_code error;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), error);
  const fs::path temporary = target.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + temporary.string());
    out << document.dump() << '\n';
    out.flush();
    if (!out) {
      fs::remove(temporary, error);
      return Unavailable("cannot write " + temporary.string() + " (disk full?)");
    }
  }
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary, error);
    return Unavailable("cannot rename " + temporary.string() + " to " + path + ": " +
                       error.message());
  }
  return Status::Ok();
}

Result<ImportLayer> ReadLayer(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open the import layer " + path, "file");
  ImportLayer layer;
  try {
    const json document = json::parse(in);
    if (document.at("layer_version").get<int>() != kLayerVersion) {
      return DataLoss(path + ": import layer of another version; import the source again");
    }
    layer.kind = document.at("kind").get<std::string>();
    const json& source = document.at("source");
    layer.source.publisher = source.at("publisher").get<std::string>();
    layer.source.dataset = source.at("dataset").get<std::string>();
    layer.source.vintage = source.at("vintage").get<std::string>();
    layer.source.files = source.at("files").get<std::vector<std::string>>();
    layer.source.rows_read = source.at("rows_read").get<int64_t>();
    layer.source.rows_kept = source.at("rows_kept").get<int64_t>();
    layer.source.rows_skipped = source.at("rows_skipped").get<int64_t>();
    layer.source.notes = source.at("notes").get<std::vector<std::string>>();
    layer.departements = document.at("departements").get<std::vector<std::string>>();
    layer.count_radius_m = document.at("count_radius_m").get<std::map<std::string, double>>();
    for (const auto& [criterion, flat] : document.at("points").items()) {
      if (flat.size() % 2 != 0)
        return DataLoss(path + ": points of '" + criterion + "' are not pairs");
      std::vector<geo::Point>& set = layer.points[criterion];
      set.reserve(flat.size() / 2);
      for (size_t index = 0; index < flat.size(); index += 2) {
        set.push_back({flat[index].get<double>(), flat[index + 1].get<double>()});
      }
    }
    for (const auto& [criterion, flat] : document.at("cells").items()) {
      if (flat.size() % 3 != 0)
        return DataLoss(path + ": cells of '" + criterion + "' are not triples");
      std::vector<CellValue>& set = layer.cells[criterion];
      set.reserve(flat.size() / 3);
      for (size_t index = 0; index < flat.size(); index += 3) {
        set.push_back({flat[index].get<int32_t>(), flat[index + 1].get<int32_t>(),
                       flat[index + 2].get<double>()});
      }
    }
    // Absent from the layers written before figures per commune existed.
    if (document.contains("communes")) {
      layer.communes =
          document.at("communes").get<std::map<std::string, std::map<std::string, double>>>();
    }
    if (document.contains("stations")) {
      for (const auto& [criterion, flat] : document.at("stations").items()) {
        if (flat.size() % 4 != 0)
          return DataLoss(path + ": stations of '" + criterion + "' are not quadruples");
        std::vector<StationValue>& set = layer.stations[criterion];
        for (size_t index = 0; index < flat.size(); index += 4) {
          set.push_back({flat[index].get<int32_t>(), flat[index + 1].get<int32_t>(),
                         flat[index + 2].get<double>(), flat[index + 3].get<double>()});
        }
      }
    }
  } catch (const json::exception& error) {
    return DataLoss(path + ": malformed import layer: " + error.what());
  }
  return layer;
}

const std::vector<std::string>& MetropolitanDepartements() {
  static const std::vector<std::string> codes = [] {
    std::vector<std::string> all;
    for (int number = 1; number <= 95; ++number) {
      if (number == 20) {
        all.push_back("2A");
        all.push_back("2B");
        continue;
      }
      all.push_back((number < 10 ? "0" : "") + std::to_string(number));
    }
    return all;
  }();
  return codes;
}

std::string DepartementOfCommune(std::string_view commune_code) {
  if (commune_code.starts_with("97") || commune_code.starts_with("98")) {
    return std::string(commune_code.substr(0, 3));
  }
  return std::string(commune_code.substr(0, 2));
}

}  // namespace vivrovert::importers
