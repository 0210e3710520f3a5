#include "data/importers/osm.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <osmium/area/assembler.hpp>
#include <osmium/area/multipolygon_manager.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/relations/relations_manager.hpp>
#include <osmium/tags/tags_filter.hpp>
#include <osmium/visitor.hpp>
#include <unordered_map>

#include "data/importers/import_helpers.hpp"

namespace vivrovert::importers {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int32_t kCell = 1000;
constexpr int32_t kSubCell = 100;
constexpr double kWaterStepM = 100;

bool TagMatches(const osmium::TagList& tags, const std::string& rule) {
  const size_t equals = rule.find('=');
  const std::string key = rule.substr(0, equals);
  const char* value = tags[key.c_str()];
  if (!value) return false;
  const std::string wanted = rule.substr(equals + 1);
  return wanted == "*" || wanted == value;
}

bool Matches(const osmium::TagList& tags, const std::vector<OsmTagSet>& sets) {
  for (const OsmTagSet& set : sets) {
    bool all = !set.empty();
    for (const std::string& rule : set) all = all && TagMatches(tags, rule);
    if (all) return true;
  }
  return false;
}

std::vector<OsmTagSet> ParseTagSets(const json& entries, const std::string& where) {
  std::vector<OsmTagSet> sets = entries.get<std::vector<OsmTagSet>>();
  for (const OsmTagSet& set : sets) {
    for (const std::string& rule : set) {
      if (rule.find('=') == std::string::npos || rule.front() == '=') {
        throw std::invalid_argument(where + ": a tag is 'key=value' or 'key=*', not '" + rule +
                                    "'");
      }
    }
  }
  return sets;
}

// The reader's handler: equipments, water vertices, forest rasters.
class Collector : public osmium::handler::Handler {
 public:
  Collector(const OsmClasses& classes, const geo::Projector& projector, ImportLayer& layer)
      : classes_(classes), projector_(projector), layer_(layer) {}

  void node(const osmium::Node& node) {
    if (node.tags().empty() || !node.location().valid()) return;
    const std::optional<geo::Point> point = Project(node.location());
    if (point) AddEquipment(node.tags(), *point);
  }

  void way(const osmium::Way& way) {
    const osmium::WayNodeList& nodes = way.nodes();
    if (Matches(way.tags(), {{"natural=coastline"}})) {
      AddWaterLine(nodes);
      return;
    }
    if (!way.is_closed() || way.tags().empty()) return;
    double east = 0, north = 0;
    size_t count = 0;
    for (auto ref_it = nodes.begin(); ref_it + 1 != nodes.end();
         ++ref_it) {  // the last repeats the first
      const osmium::NodeRef& ref = *ref_it;
      if (!ref.location().valid()) return;
      const std::optional<geo::Point> point = Project(ref.location());
      if (!point) return;
      east += point->x;
      north += point->y;
      ++count;
    }
    if (count > 0)
      AddEquipment(way.tags(),
                   {east / static_cast<double>(count), north / static_cast<double>(count)});
  }

  void area(const osmium::Area& area) {
    const bool water = Matches(area.tags(), classes_.water);
    const bool forest = Matches(area.tags(), classes_.forest);
    if (!water && !forest) return;
    std::vector<std::vector<geo::Point>> rings;
    for (const auto& outer : area.outer_rings()) {
      rings.push_back(Ring(outer));
      for (const auto& inner : area.inner_rings(outer)) rings.push_back(Ring(inner));
    }
    if (water) {
      for (const auto& ring : rings) AddWaterPoints(ring);
    }
    if (forest) Rasterise(rings);
  }

  // Forest shares of every cell of the extent of the data read (0 where no forest).
  void FinishForest() {
    std::vector<CellValue>& cells = layer_.cells["share_forest_pct"];
    if (min_east_ > max_east_) return;
    const int32_t first_col = static_cast<int32_t>(std::floor(min_east_ / kCell));
    const int32_t last_col = static_cast<int32_t>(std::floor(max_east_ / kCell));
    const int32_t first_row = static_cast<int32_t>(std::floor(min_north_ / kCell));
    const int32_t last_row = static_cast<int32_t>(std::floor(max_north_ / kCell));
    for (int32_t col = first_col; col <= last_col; ++col) {
      for (int32_t row = first_row; row <= last_row; ++row) {
        auto found = forest_.find(Key(col, row));
        const double share =
            found == forest_.end() ? 0.0 : static_cast<double>(found->second.count());
        cells.push_back({col * kCell, row * kCell, share});  // 100 sub-cells: count = %
      }
    }
  }

  int64_t equipments() const { return equipments_; }

 private:
  static uint64_t Key(int32_t col, int32_t row) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(col)) << 32) | static_cast<uint32_t>(row);
  }

  std::optional<geo::Point> Project(const osmium::Location& location) {
    geo::Point point{location.lon(), location.lat()};
    if (!projector_.Transform(point) || !InMetropolitanFrance(point)) return std::nullopt;
    min_east_ = std::min(min_east_, point.x);
    max_east_ = std::max(max_east_, point.x);
    min_north_ = std::min(min_north_, point.y);
    max_north_ = std::max(max_north_, point.y);
    return point;
  }

  void AddEquipment(const osmium::TagList& tags, const geo::Point& point) {
    bool kept = false;
    for (const auto& [criterion, sets] : classes_.points) {
      if (!Matches(tags, sets)) continue;
      layer_.points[criterion].push_back(point);
      kept = true;
    }
    equipments_ += kept;
  }

  std::vector<geo::Point> Ring(const osmium::NodeRefList& ring) {
    std::vector<geo::Point> points;
    for (const osmium::NodeRef& ref : ring) {
      if (!ref.location().valid()) continue;
      if (std::optional<geo::Point> point = Project(ref.location())) points.push_back(*point);
    }
    return points;
  }

  void AddWaterLine(const osmium::WayNodeList& nodes) {
    std::vector<geo::Point> points;
    for (const osmium::NodeRef& ref : nodes) {
      if (!ref.location().valid()) continue;
      if (std::optional<geo::Point> point = Project(ref.location())) points.push_back(*point);
    }
    AddWaterPoints(points);
  }

  // The vertices and points every kWaterStepM along the edges.
  void AddWaterPoints(const std::vector<geo::Point>& line) {
    std::vector<geo::Point>& water = layer_.points["dist_water_km"];
    for (size_t vertex_idx = 0; vertex_idx < line.size(); ++vertex_idx) {
      water.push_back(line[vertex_idx]);
      if (vertex_idx + 1 == line.size()) break;
      const geo::Point& from = line[vertex_idx];
      const geo::Point& to = line[vertex_idx + 1];
      const double length = std::hypot(to.x - from.x, to.y - from.y);
      const int steps = static_cast<int>(length / kWaterStepM);
      for (int step = 1; step <= steps; ++step) {
        const double along = step / (steps + 1.0);
        water.push_back({from.x + (to.x - from.x) * along, from.y + (to.y - from.y) * along});
      }
    }
  }

  // Scanline over the sub-cell rows: the centres between pairs of edge crossings (even-odd
  // over all rings, so inner rings are holes).
  void Rasterise(const std::vector<std::vector<geo::Point>>& rings) {
    double low = std::numeric_limits<double>::max(), high = std::numeric_limits<double>::lowest();
    for (const auto& ring : rings) {
      for (const geo::Point& point : ring) {
        low = std::min(low, point.y);
        high = std::max(high, point.y);
      }
    }
    if (low > high) return;
    std::vector<double> crossings;
    for (int64_t row = static_cast<int64_t>(std::floor(low / kSubCell));
         row <= static_cast<int64_t>(std::floor(high / kSubCell)); ++row) {
      const double y = (static_cast<double>(row) + 0.5) * kSubCell;
      crossings.clear();
      for (const auto& ring : rings) {
        for (size_t edge_idx = 0; edge_idx + 1 < ring.size(); ++edge_idx) {
          const geo::Point& a = ring[edge_idx];
          const geo::Point& b = ring[edge_idx + 1];
          if ((a.y <= y && y < b.y) || (b.y <= y && y < a.y)) {
            crossings.push_back(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
          }
        }
      }
      std::sort(crossings.begin(), crossings.end());
      for (size_t pair_idx = 0; pair_idx + 1 < crossings.size(); pair_idx += 2) {
        // Sub-cells whose centre x lies in [left, right).
        const int64_t first = static_cast<int64_t>(std::ceil(crossings[pair_idx] / kSubCell - 0.5));
        const int64_t last =
            static_cast<int64_t>(std::ceil(crossings[pair_idx + 1] / kSubCell - 0.5)) - 1;
        for (int64_t col = first; col <= last; ++col) {
          const int32_t cell_col =
              static_cast<int32_t>(std::floor(static_cast<double>(col) * kSubCell / kCell));
          const int32_t cell_row =
              static_cast<int32_t>(std::floor(static_cast<double>(row) * kSubCell / kCell));
          const int sub_col =
              static_cast<int>(col - static_cast<int64_t>(cell_col) * (kCell / kSubCell));
          const int sub_row =
              static_cast<int>(row - static_cast<int64_t>(cell_row) * (kCell / kSubCell));
          forest_[Key(cell_col, cell_row)].set(static_cast<size_t>(sub_row * 10 + sub_col));
        }
      }
    }
  }

  const OsmClasses& classes_;
  const geo::Projector& projector_;
  ImportLayer& layer_;
  std::unordered_map<uint64_t, std::bitset<100>> forest_;
  double min_east_ = std::numeric_limits<double>::max(),
         max_east_ = std::numeric_limits<double>::lowest();
  double min_north_ = std::numeric_limits<double>::max(),
         max_north_ = std::numeric_limits<double>::lowest();
  int64_t equipments_ = 0;
};

}  // namespace

Result<OsmClasses> LoadOsmClasses(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open " + path, "file");
  OsmClasses classes;
  try {
    const json document = json::parse(in);
    for (const json& entry : document.at("classes")) {
      const std::string criterion = entry.at("criterion").get<std::string>();
      classes.points.emplace_back(criterion,
                                  ParseTagSets(entry.at("tags"), path + ": " + criterion));
      if (entry.contains("count_radius_km")) {
        classes.count_radius_m[criterion] = entry.at("count_radius_km").get<double>() * 1000;
      }
    }
    classes.water = ParseTagSets(document.at("water"), path + ": water");
    classes.forest = ParseTagSets(document.at("forest"), path + ": forest");
  } catch (const std::exception& error) {
    return InvalidArgument(path + ": " + error.what());
  }
  return classes;
}

Result<ImportLayer> ImportOsm(const std::vector<std::string>& files, const OsmClasses& classes,
                              const std::vector<std::string>& covered, const ProgressFn& progress) {
  ImportLayer layer;
  layer.kind = "osm";
  layer.source.publisher = "OpenStreetMap contributors";
  layer.source.dataset = "OpenStreetMap extract (.osm.pbf)";
  layer.source.files = FileNames(files);
  for (const auto& [criterion, sets] : classes.points) layer.points[criterion];
  layer.points["dist_water_km"];
  layer.count_radius_m = classes.count_radius_m;
  std::set<std::string> departements(covered.begin(), covered.end());
  for (const std::string& code : covered) {
    const auto& known = MetropolitanDepartements();
    if (std::find(known.begin(), known.end(), code) == known.end()) {
      return InvalidArgument("unknown département code '" + code + "'", "covers");
    }
  }
  layer.departements = CoveredDepartements(departements);
  VV_ASSIGN_OR_RETURN(geo::Projector projector, geo::Projector::Create(geo::kWgs84, geo::kLaea));
  Collector collector(classes, projector, layer);
  std::string latest;
  try {
    osmium::TagsFilter area_filter{false};
    for (const auto* sets : {&classes.water, &classes.forest}) {
      for (const OsmTagSet& set : *sets) {
        const std::string& rule = set.front();
        const size_t equals = rule.find('=');
        const std::string key = rule.substr(0, equals), value = rule.substr(equals + 1);
        area_filter.add_rule(
            true, value == "*" ? osmium::TagMatcher{key} : osmium::TagMatcher{key, value});
      }
    }
    size_t file_idx = 0;
    for (const std::string& file : files) {
      if (!fs::exists(file)) return NotFound("cannot open " + file, "file");
      const osmium::io::File input(file);
      osmium::area::Assembler::config_type assembler_config;
      osmium::area::MultipolygonManager<osmium::area::Assembler> manager{assembler_config,
                                                                         area_filter};
      osmium::relations::read_relations(input, manager);
      using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
      Index index;
      osmium::handler::NodeLocationsForWays<Index> locations{index};
      locations.ignore_errors();  // ways of an extract may refer to nodes outside it
      osmium::io::Reader reader{input, osmium::io::read_meta::no};
      const std::string timestamp = reader.header().get("osmosis_replication_timestamp");
      if (timestamp > latest) latest = timestamp;
      while (osmium::memory::Buffer buffer = reader.read()) {
        ++layer.source.rows_read;
        osmium::apply(buffer, locations, collector,
                      manager.handler([&collector](osmium::memory::Buffer&& areas) {
                        osmium::apply(areas, collector);
                      }));
        if (progress) progress("OSM " + fs::path(file).filename().string(), 0.5);
      }
      reader.close();
      if (progress)
        progress("OSM " + fs::path(file).filename().string(), (++file_idx * 1.0) / files.size());
    }
  } catch (const std::exception& error) {
    return InvalidArgument("cannot read the OpenStreetMap file: " + std::string(error.what()),
                           "file");
  }
  collector.FinishForest();
  layer.source.vintage = latest.empty() ? "" : "extrait du " + latest.substr(0, 10);
  layer.source.rows_kept = collector.equipments();
  layer.source.notes.push_back("rows_read counts blocks of OSM objects, rows_kept equipments");
  layer.Normalise();
  return layer;
}

}  // namespace vivrovert::importers
