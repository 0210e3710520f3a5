// The national sources imported with `vivrovert import` (or present in the data folder),
// as the grid builder uses them: which layer measures which criterion, where a partial
// source can be trusted, and the source and vintage each value keeps.
//
// Layers come from two places, per kind of source:
//  1. the imports folder (var/imports/<kind>.json, written by `vivrovert import`);
//  2. otherwise, real files found in the data folder, read during the build:
//     `insee-bpe/*.csv` (BPE ensemble géolocalisé), `education-annuaire/*.csv`
//     (Annuaire de l'éducation), `dem/*.tif|*.asc` and `rcarto-geodata-lot/elevation.tif`
//     (DEM rasters), `dvf/*.csv` (geo-DVF), `insee-comparateur/*.csv` (INSEE comparateur
//     de territoires), `arcep/*.csv` (ARCEP fibre per commune), `meteo-france/*.csv`
//     (Météo-France monthly climatological data, for the climate normals). The BPE sample of
//     `insee-bpe-trevas-sample/` is not one of them: it holds a few equipment types only, and
//     distances measured from it would be false.
// When several layers measure a criterion, the one covering all of metropolitan France
// wins over one covering some départements; then the Annuaire de l'éducation wins over
// the BPE (it is updated daily). Values per cell of a layer covering some départements
// only (DVF without Alsace-Moselle, one département's file) are kept on the tiles whose
// largest commune lies in them.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/geography.hpp"
#include "data/grid_builder/contours.hpp"
#include "data/grid_builder/coverage.hpp"
#include "data/grid_builder/criteria_measures.hpp"
#include "data/importers/import_layer.hpp"
#include "engine/engine.hpp"

namespace vivrovert::grid_builder {

// The kinds of import layer, in priority order, as `vivrovert import` names them.
const std::vector<std::string>& ImportKinds();

struct LoadedLayer {
  importers::ImportLayer layer;
  std::string origin;  // "imports/bpe.json" or the data sub-folder the files came from
};

struct ImportSearch {
  std::string data_dir;
  std::string imports_dir;  // empty: only the data folder
  std::string classes_dir;  // folder of bpe_classes.json and education_classes.json
};

// The imports folder under the runtime folder: var_dir/imports.
std::string ImportsDirIn(const std::string& var_dir);

// Path of a kind's layer in the imports folder.
std::string LayerPath(const std::string& imports_dir, const std::string& kind);

// Loads the layers found. Errors: a layer file that cannot be read, or a data-folder file
// that does not parse (named with row and column).
Result<std::vector<LoadedLayer>> LoadImportLayers(const ImportSearch& search,
                                                  const importers::ProgressFn& progress);

// Hands the layers' points, counts and cells to `inputs`, records each layer in
// grid.sources and as the source of the criteria it measures.
void ApplyImportLayers(const std::vector<LoadedLayer>& layers, const geo::Geography& geography,
                       const std::vector<CommuneContour>& contours, const LevelCoverage& fine,
                       engine::GridData& grid, MeasureInputs& inputs);

}  // namespace vivrovert::grid_builder
