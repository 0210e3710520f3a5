#include "data/grid_builder/contours.hpp"

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

namespace vivrovert::grid_builder {

namespace {

struct OgrGeometryDeleter {
  void operator()(OGRGeometry* geometry) const { OGRGeometryFactory::destroyGeometry(geometry); }
};
using GeometryPtr = std::unique_ptr<OGRGeometry, OgrGeometryDeleter>;

constexpr const char* kCodeFields[] = {"code", "INSEE_COM", "insee", "CODE_INSEE"};

}  // namespace

Result<std::vector<CommuneContour>> LoadCommuneContours(const std::vector<std::string>& files,
                                                        const geo::Geography& geography) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    GDALAllRegister();
    // Invalid rings are repaired below (MakeValid); GDAL's warnings about them would only
    // clutter the output of `grid build`.
    CPLSetErrorHandler(CPLQuietErrorHandler);
  });

  OGRSpatialReference laea;
  laea.importFromEPSG(3035);
  laea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);

  std::map<int32_t, GeometryPtr> by_commune;
  for (const std::string& file : files) {
    const std::string label = std::filesystem::path(file).filename().string();
    CPLErrorReset();
    std::unique_ptr<GDALDataset> dataset(static_cast<GDALDataset*>(
        GDALOpenEx(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!dataset) {
      // GDAL's own message says where (e.g. the GeoJSON parser's offset or line).
      const std::string reason = CPLGetLastErrorMsg();
      return InvalidArgument(
          label + ": GDAL cannot read it as vector data" + (reason.empty() ? "" : ": " + reason),
          "file");
    }
    for (OGRLayer* layer : dataset->GetLayers()) {
      const OGRSpatialReference* source_srs = layer->GetSpatialRef();
      OGRSpatialReference wgs84;
      wgs84.SetWellKnownGeogCS("WGS84");
      wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      OGRSpatialReference source = source_srs ? *source_srs : wgs84;
      source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      std::unique_ptr<OGRCoordinateTransformation> to_laea(
          OGRCreateCoordinateTransformation(&source, &laea));
      if (!to_laea) return InvalidArgument(label + ": no transformation from its CRS to EPSG:3035");

      int code_field = -1;
      for (const char* name : kCodeFields) {
        code_field = layer->GetLayerDefn()->GetFieldIndex(name);
        if (code_field >= 0) break;
      }
      if (code_field < 0) {
        return InvalidArgument(label +
                               ": no commune code field (code, INSEE_COM, insee or CODE_INSEE)");
      }
      layer->ResetReading();
      int64_t feature_number = 0;
      for (auto& feature : *layer) {
        ++feature_number;
        const std::string code = feature->GetFieldAsString(code_field);
        const geo::Commune* commune = geography.CurrentCommune(code);
        if (commune == nullptr) {
          return InvalidArgument(label + ": feature " + std::to_string(feature_number) +
                                     ": unknown commune code '" + code + "'",
                                 "code");
        }
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr) continue;
        GeometryPtr projected(geometry->clone());
        if (projected->transform(to_laea.get()) != OGRERR_NONE) {
          return InvalidArgument(label + ": feature " + std::to_string(feature_number) +
                                 " (commune " + code + ") cannot be projected to EPSG:3035");
        }
        if (!projected->IsValid()) projected.reset(projected->MakeValid());
        if (!projected) {
          return InvalidArgument(label + ": feature " + std::to_string(feature_number) +
                                 " (commune " + code +
                                 ") has an invalid geometry GEOS cannot repair");
        }
        const int32_t index = geography.CommuneIndex(commune->code);
        auto [slot, inserted] = by_commune.try_emplace(index);
        if (inserted) {
          slot->second = std::move(projected);
        } else {
          slot->second.reset(slot->second->Union(projected.get()));
          if (!slot->second) {
            return InvalidArgument(label + ": the pieces of commune " + commune->code +
                                   " cannot be joined");
          }
        }
      }
    }
  }

  std::vector<CommuneContour> contours;
  contours.reserve(by_commune.size());
  for (auto& [index, geometry] : by_commune)
    contours.push_back(ContourFromGeometry(index, *geometry));
  return contours;
}

CommuneContour ContourFromGeometry(int32_t commune_index, const OGRGeometry& geometry) {
  CommuneContour contour;
  contour.commune_index = commune_index;
  contour.wkb.resize(geometry.WkbSize());
  geometry.exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(contour.wkb.data()), wkbVariantIso);
  OGREnvelope envelope;
  geometry.getEnvelope(&envelope);
  contour.min_x = envelope.MinX;
  contour.min_y = envelope.MinY;
  contour.max_x = envelope.MaxX;
  contour.max_y = envelope.MaxY;
  return contour;
}

}  // namespace vivrovert::grid_builder
