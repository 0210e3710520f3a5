// Mean altitude per 1 km INSPIRE cell from a digital elevation model (DEM) raster, through
// GDAL: IGN RGE ALTI / BD ALTI (ASC or GeoTIFF tiles in Lambert-93), SRTM (GeoTIFF in
// WGS84), or any raster GDAL reads with a declared coordinate system. Several files (the
// tiles of a département) are mosaicked into one virtual raster (GDALBuildVRT) first.
//
// Method: the raster is warped (GDALWarp, "average" resampling) onto a 100 m grid aligned
// on the INSPIRE grid in EPSG:3035, block by block (50 km at a time, so a national DEM
// never sits in memory whole); a 1 km cell's altitude is the mean of its 100 sub-cells of
// 100 m, kept only when all 100 have data. Cells the DEM covers only in part get no value.
//
// Errors: NotFound (file), InvalidArgument (not a raster GDAL reads, no coordinate system)
// with GDAL's own message and the file name.
//
// Thread safety: reentrant (GDAL is thread-safe for distinct datasets).
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

// `source` names the publisher, dataset and vintage (a DEM carries none); the files are
// added to it. The layer has cells for the criterion "altitude_m".
Result<ImportLayer> ImportDem(const std::vector<std::string>& files, LayerSource source,
                              const ProgressFn& progress);

}  // namespace vivrovert::importers
