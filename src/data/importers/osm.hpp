// OpenStreetMap extracts (.osm.pbf as Geofabrik and OSM France publish them, or .osm XML)
// read through libosmium:
//  - equipments: nodes and closed ways whose tags match a class of data/osm_classes.json
//    (amenity, shop, leisure…) give points of the BPE criteria; the grid builder prefers
//    the BPE where both are present;
//  - water (dist_water_km): the vertices of water areas (natural=water, waterway=riverbank,
//    multipolygons included) and coastline ways, every 100 m along their edges;
//  - forest (share_forest_pct): forest areas (landuse=forest, natural=wood) rasterised on
//    100 m sub-cells of the INSPIRE grid (a sub-cell counts when its centre is inside);
//    a 1 km cell's share is its covered sub-cells / 100, overlapping areas counted once.
//    Cells of the extract without forest get 0 %.
// An extract does not say which territory it covers completely: the caller names the
// départements (`covered`; empty for all of metropolitan France), and values are kept
// there only, as for other partial sources.
//
// Two passes over the file (relations first, for the multipolygons). Node locations are
// kept in memory (libosmium's flex_mem index): fine for regional extracts, ~10 GB for the
// whole of France.
//
// Errors: NotFound; InvalidArgument for a file libosmium cannot read, with its message.
//
// Thread safety: reentrant.
#pragma once

#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "data/importers/import_layer.hpp"

namespace vivrovert::importers {

// A set of tags that must all match ("key=value", "key=*").
using OsmTagSet = std::vector<std::string>;

struct OsmClasses {
  std::vector<std::pair<std::string, std::vector<OsmTagSet>>> points;  // criterion → tag sets
  std::map<std::string, double> count_radius_m;                        // criterion → radius
  std::vector<OsmTagSet> water;
  std::vector<OsmTagSet> forest;
};

// Reads data/osm_classes.json.
Result<OsmClasses> LoadOsmClasses(const std::string& path);

Result<ImportLayer> ImportOsm(const std::vector<std::string>& files, const OsmClasses& classes,
                              const std::vector<std::string>& covered, const ProgressFn& progress);

}  // namespace vivrovert::importers
