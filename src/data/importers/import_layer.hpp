// What an importer of a national source hands to the grid builder: an "import layer".
//
// `vivrovert import <source> FILE…` reads the published files once (they are hundreds of
// MB), keeps only what the criteria need, and stores it as one layer file per source under
// the imports folder (var/imports/<source>.json). The grid builder reads the layers, so a
// rebuild does not parse the national files again. A layer holds:
//  - its source (publisher, dataset, vintage, the files read and their row counts), which
//    goes into the grid header and into the catalogue entry of the criteria it measures;
//  - point sets per criterion, in EPSG:3035 metres rounded to the metre (BPE, schools);
//  - values per 1 km INSPIRE cell per criterion (altitude from a DEM, DVF prices);
//  - figures per commune per criterion (INSEE comparateur, ARCEP fibre), spread over the
//    tiles by the grid builder;
//  - values per station per criterion (climate normals), interpolated by the grid builder;
//  - the départements the files cover, when they do not cover all of metropolitan France
//    (a distance is only kept where no point outside them could be nearer).
// Points and cells are sorted, so the same files always give the same layer.
//
// Layers are written to a temporary file renamed at the end: an interrupted or failed
// import leaves the previous layer (and the grid built from it) in force.
//
// Thread safety: plain data; the functions are reentrant.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::importers {

// Progress of a long import: what is being read and the fraction done (0..1). Called often;
// the caller decides how often to print.
using ProgressFn = std::function<void(std::string_view what, double fraction)>;

struct LayerSource {
  std::string publisher;
  std::string dataset;
  std::string vintage;             // e.g. "2021" (BPE), "2023-06-08" (annuaire update date)
  std::vector<std::string> files;  // file names read (no folders)
  int64_t rows_read = 0;
  int64_t rows_kept = 0;
  int64_t rows_skipped = 0;        // e.g. overseas or without coordinates, see `notes`
  std::vector<std::string> notes;  // what was skipped and why, in English
};

struct CellValue {
  int32_t east = 0;  // lower-left corner of the 1 km cell, EPSG:3035
  int32_t north = 0;
  double value = 0;
};

// A station's value (climate normals), interpolated to the tiles by the grid builder.
struct StationValue {
  int32_t east = 0;  // EPSG:3035, metres
  int32_t north = 0;
  double altitude_m = 0;
  double value = 0;
};

struct ImportLayer {
  std::string kind;  // "bpe", "education", "altitude", "dvf", "insee", "arcep"
  LayerSource source;
  // Départements (codes "35", "2A") the files cover entirely; empty when they cover all of
  // metropolitan France.
  std::vector<std::string> departements;
  std::map<std::string, std::vector<geo::Point>> points;  // criterion → EPSG:3035 points
  // Criteria of `points` measured as a count within a radius (metres), not a distance.
  std::map<std::string, double> count_radius_m;
  std::map<std::string, std::vector<CellValue>> cells;  // criterion → 1 km cell values
  // criterion → INSEE commune code → figure (communes without a figure are absent).
  std::map<std::string, std::map<std::string, double>> communes;
  // criterion → station values (Météo-France normals), sorted by position.
  std::map<std::string, std::vector<StationValue>> stations;

  // Sorts points and cells (deterministic output whatever the reading order).
  void Normalise();
};

// Writes `layer` as JSON to `path` atomically (temporary file in the same folder, then
// rename); creates the folder. Errors: Unavailable on I/O failure.
Status WriteLayer(const ImportLayer& layer, const std::string& path);

// Reads a layer written by WriteLayer. Errors: NotFound, DataLoss (malformed).
Result<ImportLayer> ReadLayer(const std::string& path);

// The metropolitan département codes ("01".."95", "2A", "2B"; 96 codes).
const std::vector<std::string>& MetropolitanDepartements();

// Département of an INSEE commune code ("35238" → "35", "2A004" → "2A"; "97411" → "974").
std::string DepartementOfCommune(std::string_view commune_code);

}  // namespace vivrovert::importers
