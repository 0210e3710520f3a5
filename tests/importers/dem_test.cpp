// Mean altitude per 1 km cell from the real SRTM extract around Cahors, checked against
// an independent computation: the plain mean of the source pixels whose centres fall in
// the cell.
#include "data/importers/dem.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <memory>

#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {
namespace {

const std::string kDem = std::string(VIVROVERT_TEST_DATA_DIR) + "/rcarto-geodata-lot/elevation.tif";

// Mean of the source pixels whose centres fall in the 1 km cell (east, north), in EPSG:3035.
double PixelCentreMean(int32_t east, int32_t north) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> dataset(
      GDALDataset::Open(kDem.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  double geo[6];
  dataset->GetGeoTransform(geo);
  OGRSpatialReference source(*dataset->GetSpatialRef()), target;
  target.importFromEPSG(3035);
  source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> transform(
      OGRCreateCoordinateTransformation(&source, &target));
  const int width = dataset->GetRasterXSize(), height = dataset->GetRasterYSize();
  std::vector<float> pixels(static_cast<size_t>(width) * height);
  EXPECT_EQ(dataset->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, pixels.data(), width,
                                                height, GDT_Float32, 0, 0, nullptr),
            CE_None);
  double sum = 0;
  int count = 0;
  for (int row = 0; row < height; ++row) {
    for (int col = 0; col < width; ++col) {
      double x = geo[0] + (col + 0.5) * geo[1], y = geo[3] + (row + 0.5) * geo[5];
      transform->Transform(1, &x, &y);
      if (x < east || x >= east + 1000 || y < north || y >= north + 1000) continue;
      sum += pixels[static_cast<size_t>(row) * width + col];
      ++count;
    }
  }
  EXPECT_GT(count, 900);  // ~25 × 33 m pixels: over a thousand per km²
  return sum / count;
}

class CahorsDemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto imported = ImportDem({kDem}, {"NASA", "SRTM", "2000", {}, 0, 0, 0, {}}, nullptr);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
    layer_ = new ImportLayer(std::move(*imported));
  }
  static void TearDownTestSuite() { delete layer_; }
  static const CellValue* Find(int32_t east, int32_t north) {
    for (const CellValue& cell : layer_->cells.at("altitude_m")) {
      if (cell.east == east && cell.north == north) return &cell;
    }
    return nullptr;
  }
  static inline ImportLayer* layer_ = nullptr;
};

TEST_F(CahorsDemTest, CellsCoverTheExtract) {
  // The extract spans about 31 × 33 km: some 900 full 1 km cells.
  const auto& cells = layer_->cells.at("altitude_m");
  EXPECT_GT(cells.size(), 800u);
  EXPECT_LT(cells.size(), 1100u);
  EXPECT_GT(layer_->source.rows_skipped, 0);  // cells on the edges, partly covered
  EXPECT_EQ(layer_->source.files, std::vector<std::string>{"elevation.tif"});
  for (const CellValue& cell : cells) {
    EXPECT_EQ(cell.east % 1000, 0);
    EXPECT_EQ(cell.north % 1000, 0);
    EXPECT_GT(cell.value, 50);   // the Lot valley near Cahors lies above 100 m,
    EXPECT_LT(cell.value, 500);  // the causses below 450 m
  }
}

TEST_F(CahorsDemTest, CahorsStationCellMatchesThePixelMean) {
  const CellValue* cell = Find(3639000, 2410000);  // Cahors station
  ASSERT_NE(cell, nullptr);
  EXPECT_NEAR(cell->value, PixelCentreMean(3639000, 2410000), 3.0);
  EXPECT_GT(cell->value, 100);
  EXPECT_LT(cell->value, 300);
}

TEST_F(CahorsDemTest, SameFileSameCells) {
  auto again = ImportDem({kDem}, {"NASA", "SRTM", "2000", {}, 0, 0, 0, {}}, nullptr);
  ASSERT_TRUE(again.ok());
  const auto& first = layer_->cells.at("altitude_m");
  const auto& second = again->cells.at("altitude_m");
  ASSERT_EQ(first.size(), second.size());
  for (size_t index = 0; index < first.size(); ++index) {
    EXPECT_EQ(first[index].east, second[index].east);
    EXPECT_EQ(first[index].north, second[index].north);
    EXPECT_EQ(first[index].value, second[index].value);
  }
}

TEST(DemImportErrorsTest, NotARasterIsRefusedWithGdalsReason) {
  auto layer = ImportDem({std::string(VIVROVERT_TEST_DATA_DIR) + "/rcarto-geodata-lot/com.csv"}, {},
                         nullptr);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("com.csv"), std::string::npos)
      << layer.status().message();
}

}  // namespace
}  // namespace vivrovert::importers
