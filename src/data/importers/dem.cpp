#include "data/importers/dem.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

namespace vivrovert::importers {

namespace {

namespace fs = std::filesystem;

constexpr int kCellMetres = 1000;
constexpr int kSubCellMetres = 100;
constexpr int kSubCellsPerSide = kCellMetres / kSubCellMetres;
constexpr int kBlockCells = 50;  // 50 km × 50 km per warp
constexpr float kNoData = -99999.0f;

struct DatasetCloser {
  void operator()(GDALDatasetH dataset) const {
    if (dataset) GDALClose(dataset);
  }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

std::string GdalMessage() {
  const char* message = CPLGetLastErrorMsg();
  return message && *message ? message : "unknown GDAL error";
}

// Runs a GDAL utility's argument list through its options constructor.
template <typename Options, typename Make>
Options* MakeOptions(const std::vector<std::string>& arguments, Make make) {
  std::vector<char*> argv;
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  return make(argv.data(), nullptr);
}

std::string Number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// The source's extent in EPSG:3035, from points along its edges.
Result<std::array<double, 4>> ExtentIn3035(GDALDataset& dataset, const std::string& label) {
  const OGRSpatialReference* source_srs = dataset.GetSpatialRef();
  if (source_srs == nullptr)
    return InvalidArgument(label + ": the raster declares no coordinate reference system");
  OGRSpatialReference source(*source_srs), target;
  target.importFromEPSG(3035);
  source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> transform(
      OGRCreateCoordinateTransformation(&source, &target));
  if (!transform)
    return InvalidArgument(label +
                           ": cannot transform its coordinates to EPSG:3035: " + GdalMessage());
  double geo[6];
  if (dataset.GetGeoTransform(geo) != CE_None)
    return InvalidArgument(label + ": the raster has no georeferencing");
  const double width = dataset.GetRasterXSize(), height = dataset.GetRasterYSize();
  std::vector<double> xs, ys;
  constexpr int kSamples = 32;
  for (int step = 0; step <= kSamples; ++step) {
    const double t = static_cast<double>(step) / kSamples;
    for (auto [px, py] : {std::pair{t * width, 0.0}, std::pair{t * width, height},
                          std::pair{0.0, t * height}, std::pair{width, t * height}}) {
      xs.push_back(geo[0] + px * geo[1] + py * geo[2]);
      ys.push_back(geo[3] + px * geo[4] + py * geo[5]);
    }
  }
  std::vector<int> ok(xs.size());
  transform->Transform(xs.size(), xs.data(), ys.data(), nullptr, ok.data());
  double min_x = std::numeric_limits<double>::max(), min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
  for (size_t index = 0; index < xs.size(); ++index) {
    if (!ok[index]) continue;
    min_x = std::min(min_x, xs[index]);
    max_x = std::max(max_x, xs[index]);
    min_y = std::min(min_y, ys[index]);
    max_y = std::max(max_y, ys[index]);
  }
  if (min_x > max_x)
    return InvalidArgument(label + ": the raster's extent cannot be placed in EPSG:3035");
  return std::array<double, 4>{
      std::floor(min_x / kCellMetres) * kCellMetres, std::floor(min_y / kCellMetres) * kCellMetres,
      std::ceil(max_x / kCellMetres) * kCellMetres, std::ceil(max_y / kCellMetres) * kCellMetres};
}

}  // namespace

Result<ImportLayer> ImportDem(const std::vector<std::string>& files, LayerSource source,
                              const ProgressFn& progress) {
  if (files.empty()) return InvalidArgument("no DEM file given", "files");
  GDALAllRegister();
  CPLErrorReset();
  for (const std::string& file : files) {
    if (!fs::exists(file)) return NotFound("cannot open " + file, "file");
  }
  const std::string label =
      fs::path(files.front()).filename().string() +
      (files.size() > 1 ? " (+" + std::to_string(files.size() - 1) + " files)" : "");
  DatasetPtr dataset;
  static std::atomic<int> mosaic_counter{0};
  std::string mosaic_path;
  if (files.size() == 1) {
    dataset.reset(GDALOpen(files.front().c_str(), GA_ReadOnly));
  } else {
    mosaic_path = "/vsimem/vivrovert-dem-" + std::to_string(::getpid()) + "-" +
                  std::to_string(mosaic_counter++) + ".vrt";
    std::vector<const char*> names;
    for (const std::string& file : files) names.push_back(file.c_str());
    GDALBuildVRTOptions* options = MakeOptions<GDALBuildVRTOptions>({}, GDALBuildVRTOptionsNew);
    int usage_error = 0;
    dataset.reset(GDALBuildVRT(mosaic_path.c_str(), static_cast<int>(names.size()), nullptr,
                               names.data(), options, &usage_error));
    GDALBuildVRTOptionsFree(options);
  }
  if (!dataset)
    return InvalidArgument(label + ": not a raster GDAL can read: " + GdalMessage(), "file");
  auto* source_dataset = GDALDataset::FromHandle(dataset.get());
  if (source_dataset->GetRasterCount() < 1)
    return InvalidArgument(label + ": the raster has no band", "file");
  VV_ASSIGN_OR_RETURN(auto extent, ExtentIn3035(*source_dataset, label));

  ImportLayer layer;
  layer.kind = "altitude";
  layer.source = std::move(source);
  for (const std::string& file : files)
    layer.source.files.push_back(fs::path(file).filename().string());
  std::vector<CellValue>& cells = layer.cells["altitude_m"];

  const int cells_x = static_cast<int>((extent[2] - extent[0]) / kCellMetres);
  const int cells_y = static_cast<int>((extent[3] - extent[1]) / kCellMetres);
  const int blocks_x = (cells_x + kBlockCells - 1) / kBlockCells;
  const int blocks_y = (cells_y + kBlockCells - 1) / kBlockCells;
  int64_t incomplete = 0;
  for (int block_y = 0; block_y < blocks_y; ++block_y) {
    for (int block_x = 0; block_x < blocks_x; ++block_x) {
      const double x0 = extent[0] + block_x * kBlockCells * kCellMetres;
      const double y0 = extent[1] + block_y * kBlockCells * kCellMetres;
      const int block_cells_x = std::min(kBlockCells, cells_x - block_x * kBlockCells);
      const int block_cells_y = std::min(kBlockCells, cells_y - block_y * kBlockCells);
      const double x1 = x0 + block_cells_x * kCellMetres, y1 = y0 + block_cells_y * kCellMetres;
      GDALWarpAppOptions* options = MakeOptions<GDALWarpAppOptions>(
          {"-of", "MEM", "-t_srs", "EPSG:3035", "-te", Number(x0), Number(y0), Number(x1),
           Number(y1), "-tr", std::to_string(kSubCellMetres), std::to_string(kSubCellMetres), "-r",
           "average", "-ot", "Float32", "-dstnodata", Number(kNoData)},
          GDALWarpAppOptionsNew);
      GDALDatasetH inputs[1] = {dataset.get()};
      int usage_error = 0;
      DatasetPtr warped(GDALWarp("", nullptr, 1, inputs, options, &usage_error));
      GDALWarpAppOptionsFree(options);
      if (!warped)
        return InvalidArgument(label + ": GDAL could not warp it to EPSG:3035: " + GdalMessage(),
                               "file");
      const int width = block_cells_x * kSubCellsPerSide, height = block_cells_y * kSubCellsPerSide;
      std::vector<float> pixels(static_cast<size_t>(width) * height);
      GDALRasterBandH band = GDALGetRasterBand(warped.get(), 1);
      if (GDALRasterIO(band, GF_Read, 0, 0, width, height, pixels.data(), width, height,
                       GDT_Float32, 0, 0) != CE_None) {
        return InvalidArgument(label + ": cannot read the warped raster: " + GdalMessage(), "file");
      }
      for (int cell_row = 0; cell_row < block_cells_y; ++cell_row) {
        for (int cell_col = 0; cell_col < block_cells_x; ++cell_col) {
          double sum = 0;
          int present = 0;
          for (int sub_row = 0; sub_row < kSubCellsPerSide; ++sub_row) {
            const size_t row = static_cast<size_t>(cell_row * kSubCellsPerSide + sub_row);
            for (int sub_col = 0; sub_col < kSubCellsPerSide; ++sub_col) {
              const float value = pixels[row * width + cell_col * kSubCellsPerSide + sub_col];
              if (value == kNoData || std::isnan(value)) continue;
              sum += value;
              ++present;
            }
          }
          if (present == 0) continue;
          if (present < kSubCellsPerSide * kSubCellsPerSide) {
            ++incomplete;
            continue;
          }
          // Raster rows run from the north edge down.
          cells.push_back({static_cast<int32_t>(x0) + cell_col * kCellMetres,
                           static_cast<int32_t>(y1) - (cell_row + 1) * kCellMetres, sum / present});
        }
      }
      if (progress)
        progress("DEM " + label,
                 static_cast<double>(block_y * blocks_x + block_x + 1) / (blocks_x * blocks_y));
    }
  }
  dataset.reset();
  if (!mosaic_path.empty()) VSIUnlink(mosaic_path.c_str());
  layer.source.rows_read = static_cast<int64_t>(cells.size()) + incomplete;
  layer.source.rows_kept = static_cast<int64_t>(cells.size());
  layer.source.rows_skipped = incomplete;
  if (incomplete) {
    layer.source.notes.push_back(
        std::to_string(incomplete) +
        " cells of 1 km only partly covered by the DEM, left without value");
  }
  layer.Normalise();
  return layer;
}

}  // namespace vivrovert::importers
