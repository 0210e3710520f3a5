#include "data/maptiles/outlines.hpp"

#include <geos_c.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "data/geo/projection.hpp"
#include "data/grid_builder/contours.hpp"

namespace vivrovert::maptiles {

namespace fs = std::filesystem;

namespace {

// Bumped when the computed files change (tolerances, properties, precision).
constexpr const char* kCacheVersion = "v1";

// A GEOS context and the geometries made in it, freed together.
class GeosScope {
 public:
  GeosScope() : context_(GEOS_init_r()) {}
  ~GeosScope() {
    for (GEOSGeometry* geometry : owned_) GEOSGeom_destroy_r(context_, geometry);
    GEOS_finish_r(context_);
  }
  GeosScope(const GeosScope&) = delete;
  GeosScope& operator=(const GeosScope&) = delete;
  GEOSContextHandle_t context() const { return context_; }
  // Takes ownership of `geometry` (null passes through).
  GEOSGeometry* Own(GEOSGeometry* geometry) {
    if (geometry != nullptr) owned_.push_back(geometry);
    return geometry;
  }

 private:
  GEOSContextHandle_t context_;
  std::vector<GEOSGeometry*> owned_;
};

void AppendCoordinate(std::string& out, double value) {
  char buffer[32];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 4);
  if (error != std::errc()) return;
  // "-0.0000" and trailing zeros only cost bytes.
  std::string_view text(buffer, static_cast<size_t>(end - buffer));
  while (text.ends_with('0')) text.remove_suffix(1);
  if (text.ends_with('.')) text.remove_suffix(1);
  if (text == "-0") text = "0";
  out += text;
}

void AppendJsonString(std::string& out, const std::string& text) {
  out += nlohmann::json(text).dump();
}

// A ring as [[lon,lat],…] in WGS84, consecutive duplicates (after rounding) dropped.
bool AppendRing(GEOSContextHandle_t context, const GEOSGeometry* ring,
                const geo::Projector& to_wgs84, std::string& out) {
  const GEOSCoordSequence* sequence = GEOSGeom_getCoordSeq_r(context, ring);
  unsigned int size = 0;
  if (sequence == nullptr || !GEOSCoordSeq_getSize_r(context, sequence, &size) || size < 4)
    return false;
  out += '[';
  std::string last;
  bool first = true;
  for (unsigned int point_idx = 0; point_idx < size; ++point_idx) {
    geo::Point point;
    GEOSCoordSeq_getXY_r(context, sequence, point_idx, &point.x, &point.y);
    if (!to_wgs84.Transform(point)) continue;
    std::string text = "[";
    AppendCoordinate(text, point.x);
    text += ',';
    AppendCoordinate(text, point.y);
    text += ']';
    if (text == last && point_idx + 1 != size) continue;
    if (!first) out += ',';
    out += text;
    last = std::move(text);
    first = false;
  }
  out += ']';
  return true;
}

void AppendPolygon(GEOSContextHandle_t context, const GEOSGeometry* polygon,
                   const geo::Projector& to_wgs84, std::string& out) {
  out += '[';
  AppendRing(context, GEOSGetExteriorRing_r(context, polygon), to_wgs84, out);
  const int holes = GEOSGetNumInteriorRings_r(context, polygon);
  for (int hole_idx = 0; hole_idx < holes; ++hole_idx) {
    std::string ring;
    if (AppendRing(context, GEOSGetInteriorRingN_r(context, polygon, hole_idx), to_wgs84, ring)) {
      out += ',';
      out += ring;
    }
  }
  out += ']';
}

// A GeoJSON geometry (Polygon or MultiPolygon) of a polygonal GEOS geometry in EPSG:3035;
// false when it holds no polygon.
bool AppendGeometry(GEOSContextHandle_t context, const GEOSGeometry* geometry,
                    const geo::Projector& to_wgs84, std::string& out) {
  std::vector<const GEOSGeometry*> polygons;
  const int parts = GEOSGetNumGeometries_r(context, geometry);
  for (int part_idx = 0; part_idx < parts; ++part_idx) {
    const GEOSGeometry* part = GEOSGetGeometryN_r(context, geometry, part_idx);
    if (GEOSGeomTypeId_r(context, part) == GEOS_POLYGON && !GEOSisEmpty_r(context, part))
      polygons.push_back(part);
  }
  if (polygons.empty()) return false;
  if (polygons.size() == 1) {
    out += R"({"type":"Polygon","coordinates":)";
    AppendPolygon(context, polygons.front(), to_wgs84, out);
  } else {
    out += R"({"type":"MultiPolygon","coordinates":[)";
    for (size_t polygon_idx = 0; polygon_idx < polygons.size(); ++polygon_idx) {
      if (polygon_idx > 0) out += ',';
      AppendPolygon(context, polygons[polygon_idx], to_wgs84, out);
    }
    out += ']';
  }
  out += '}';
  return true;
}

GEOSGeometry* ReadContour(GeosScope& geos, GEOSWKBReader* reader,
                          const grid_builder::CommuneContour& contour) {
  return GEOSWKBReader_read_r(geos.context(), reader,
                              reinterpret_cast<const unsigned char*>(contour.wkb.data()),
                              contour.wkb.size());
}

}  // namespace

Outlines::Outlines(OutlineOptions options) : options_(std::move(options)) {}

Outlines::~Outlines() {
  if (warming_.joinable()) warming_.join();
}

void Outlines::WarmInBackground() {
  if (warming_.joinable()) return;
  warming_ = std::thread([this] { (void)Departements(); });
}

Result<const geo::Geography*> Outlines::Geography() {
  std::lock_guard lock(geography_mutex_);
  if (!geography_) {
    auto loaded = geo::LoadGeography(options_.data_dir);
    if (!loaded.ok())
      return Unavailable("Géographie absente du dossier de données : " + loaded.status().message());
    geography_.emplace(std::move(loaded).value());
  }
  return &*geography_;
}

Result<std::map<std::string, std::string>> Outlines::ContourFiles() {
  const fs::path folder = fs::path(options_.data_dir) / "contours-communes";
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return Unavailable("Contours des communes absents : " + folder.string() +
                       " (voir docs/DATA.md).");
  }
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    // communes-46-lot.geojson → "46", as the grid builder names them.
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("communes-")) continue;
    const size_t dash = name.find('-', 9);
    if (dash == std::string::npos) continue;
    files[name.substr(9, dash - 9)] = entry.path().string();
  }
  return files;
}

std::optional<std::string> Outlines::ReadCache(const std::string& name) {
  if (options_.cache_dir.empty()) return std::nullopt;
  const fs::path path = fs::path(options_.cache_dir) / name;
  std::error_code error;
  const auto cached_at = fs::last_write_time(path, error);
  if (error) return std::nullopt;
  // Stale when any contour file is newer.
  const fs::path contours = fs::path(options_.data_dir) / "contours-communes";
  for (const auto& entry : fs::directory_iterator(contours, error)) {
    if (fs::last_write_time(entry.path(), error) > cached_at) return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return text.str();
}

void Outlines::WriteCache(const std::string& name, const std::string& text) {
  if (options_.cache_dir.empty()) return;
  std::error_code error;
  fs::create_directories(options_.cache_dir, error);
  const fs::path path = fs::path(options_.cache_dir) / name;
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return;  // a cache that cannot be written only costs a recomputation
  }
  fs::rename(temporary, path, error);
}

Result<std::shared_ptr<const std::string>> Outlines::Departements() {
  std::lock_guard lock(departements_mutex_);
  if (departements_) return departements_;
  const std::string cache_name = std::string("departements.") + kCacheVersion + ".geojson";
  if (std::optional<std::string> cached = ReadCache(cache_name)) {
    departements_ = std::make_shared<const std::string>(std::move(*cached));
    return departements_;
  }
  VV_ASSIGN_OR_RETURN(const geo::Geography* geography, Geography());
  VV_ASSIGN_OR_RETURN(auto files, ContourFiles());
  VV_ASSIGN_OR_RETURN(geo::Projector to_wgs84, geo::Projector::Create(geo::kLaea, geo::kWgs84));
  std::string out = R"({"type":"FeatureCollection","features":[)";
  bool first = true;
  for (const auto& [code, file] : files) {
    const geo::Departement* departement = geography->FindDepartement(code);
    if (departement == nullptr || !departement->metropolitan) continue;
    // One département at a time keeps the memory to one file's contours.
    VV_ASSIGN_OR_RETURN(auto contours, grid_builder::LoadCommuneContours({file}, *geography));
    GeosScope geos;
    GEOSWKBReader* reader = GEOSWKBReader_create_r(geos.context());
    std::vector<GEOSGeometry*> pieces;
    for (const auto& contour : contours) {
      if (geography->communes()[static_cast<size_t>(contour.commune_index)].departement != code)
        continue;
      if (GEOSGeometry* piece = ReadContour(geos, reader, contour)) pieces.push_back(piece);
    }
    GEOSWKBReader_destroy_r(geos.context(), reader);
    if (pieces.empty()) continue;
    GEOSGeometry* collection =
        geos.Own(GEOSGeom_createCollection_r(geos.context(), GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                             static_cast<unsigned int>(pieces.size())));
    if (collection == nullptr) return Internal("GEOS cannot collect the communes of " + code);
    // The communes tile the département: a coverage union is much cheaper than an
    // overlay union; invalid input (overlaps) falls back to the general union.
    GEOSGeometry* merged = geos.Own(GEOSCoverageUnion_r(geos.context(), collection));
    if (merged == nullptr || !GEOSisValid_r(geos.context(), merged)) {
      merged = geos.Own(GEOSUnaryUnion_r(geos.context(), collection));
    }
    if (merged == nullptr) return Internal("GEOS cannot join the communes of " + code);
    GEOSGeometry* simplified = geos.Own(
        GEOSTopologyPreserveSimplify_r(geos.context(), merged, kDepartementToleranceMetres));
    std::string feature = R"({"type":"Feature","properties":{"code":)";
    AppendJsonString(feature, code);
    feature += R"(,"name":)";
    AppendJsonString(feature, departement->name);
    feature += R"(},"geometry":)";
    if (!AppendGeometry(geos.context(), simplified ? simplified : merged, to_wgs84, feature))
      continue;
    feature += '}';
    if (!first) out += ',';
    out += feature;
    first = false;
  }
  out += "]}";
  WriteCache(cache_name, out);
  departements_ = std::make_shared<const std::string>(std::move(out));
  return departements_;
}

Result<std::shared_ptr<const std::string>> Outlines::Communes(const std::string& code) {
  VV_ASSIGN_OR_RETURN(const geo::Geography* geography, Geography());
  const geo::Departement* departement = geography->FindDepartement(code);
  if (departement == nullptr || !departement->metropolitan) {
    return NotFound("Aucun département métropolitain « " + code.substr(0, 8) + " ».",
                    "departement");
  }
  std::lock_guard lock(communes_mutex_);
  if (auto found = communes_.find(code); found != communes_.end()) return found->second;
  const std::string cache_name = "communes-" + code + "." + kCacheVersion + ".geojson";
  if (std::optional<std::string> cached = ReadCache(cache_name)) {
    return communes_[code] = std::make_shared<const std::string>(std::move(*cached));
  }
  VV_ASSIGN_OR_RETURN(auto files, ContourFiles());
  auto file = files.find(code);
  if (file == files.end())
    return NotFound("Pas de contours pour le département « " + code + " ».", "departement");
  VV_ASSIGN_OR_RETURN(auto contours, grid_builder::LoadCommuneContours({file->second}, *geography));
  VV_ASSIGN_OR_RETURN(geo::Projector to_wgs84, geo::Projector::Create(geo::kLaea, geo::kWgs84));
  GeosScope geos;
  GEOSWKBReader* reader = GEOSWKBReader_create_r(geos.context());
  std::string out = R"({"type":"FeatureCollection","features":[)";
  bool first = true;
  for (const auto& contour : contours) {
    const geo::Commune& commune = geography->communes()[static_cast<size_t>(contour.commune_index)];
    GEOSGeometry* geometry = geos.Own(ReadContour(geos, reader, contour));
    if (geometry == nullptr) continue;
    GEOSGeometry* simplified =
        geos.Own(GEOSTopologyPreserveSimplify_r(geos.context(), geometry, kCommuneToleranceMetres));
    std::string feature = R"({"type":"Feature","properties":{"code":)";
    AppendJsonString(feature, commune.code);
    feature += R"(,"name":)";
    AppendJsonString(feature, commune.name);
    feature += R"(,"departement":)";
    AppendJsonString(feature, commune.departement);
    feature += R"(},"geometry":)";
    if (!AppendGeometry(geos.context(), simplified ? simplified : geometry, to_wgs84, feature))
      continue;
    feature += '}';
    if (!first) out += ',';
    out += feature;
    first = false;
  }
  GEOSWKBReader_destroy_r(geos.context(), reader);
  out += "]}";
  WriteCache(cache_name, out);
  return communes_[code] = std::make_shared<const std::string>(std::move(out));
}

}  // namespace vivrovert::maptiles
