// The map's layer of points of interest: every amenity point the index holds (stations,
// hospitals, préfectures, towns, and the import layers' schools, GPs, shops…), by kind,
// answered by bounding box and zoom for the map, with dense areas gathered into clusters.
//
// Points live in Web Mercator (EPSG:3857, through PROJ, the map tiles' system), scaled to
// the unit square with y pointing south like XYZ tiles, and keyed by a Morton (Z-order) code
// of 2^kKeyBits cells a side. Each kind keeps its points sorted by key, so the points of any
// XYZ-aligned cell are one contiguous range found by two binary searches, and prefix sums of
// longitude and latitude give a cluster's centre in O(1). A query touches the cells of the
// box at the cluster level (four cells a side per 256-pixel tile, i.e. about 64 pixels
// each): its cost follows the number of cells on screen, not the number of points, which
// keeps a national set of 1.5 million points within milliseconds (bench/poi_bench.cpp).
//
// Thread safety: immutable once built; queries may run from several threads (each thread
// projects with its own PROJ context).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "data/amenities/amenity_index.hpp"

namespace vivrovert::amenities {

// A box in WGS84 degrees.
struct LonLatBox {
  double west = 0;
  double south = 0;
  double east = 0;
  double north = 0;
};

struct PoiQuery {
  LonLatBox box;
  int zoom = 0;  // the map's XYZ zoom, 0..kMaxZoom
  // Kinds to answer, by criterion id; empty: every kind.
  std::vector<std::string_view> kinds;
};

// One point, as the source gives it.
struct PoiPoint {
  uint32_t kind = 0;  // index in PoiLayer::kinds()
  const Amenity* amenity = nullptr;
};

// Several points of one cell, shown as one marker.
struct PoiCluster {
  double longitude = 0;  // mean of its points
  double latitude = 0;
  uint32_t count = 0;
  std::vector<uint32_t> count_by_kind;  // per PoiLayer::kinds() index
};

struct PoiAnswer {
  bool clustered = false;  // false: every point of the cells is in `points`
  std::vector<PoiPoint> points;
  std::vector<PoiCluster> clusters;
  std::vector<uint32_t> count_by_kind;  // every point answered, per kind
};

class PoiLayer {
 public:
  static constexpr int kKeyBits = 26;  // ~0.6 m cells at the equator
  static constexpr int kMaxZoom = 20;
  // Cluster cells are 1/4 of a tile a side: cells of level zoom + kClusterShift.
  static constexpr int kClusterShift = 2;
  // At most this many points are answered one by one; beyond, cells of two points or more
  // become clusters.
  static constexpr size_t kMaxPoints = 500;
  // Boxes touching more cluster cells than this are refused (a box far wider than a screen
  // at that zoom): 128 × 128 cells is 32 × 32 tiles.
  static constexpr uint64_t kMaxCells = 128 * 128;

  // Indexes the points of `kinds` (borrowed: they must outlive the layer; an AmenityIndex's
  // kinds() do). Points PROJ cannot project are left out. Errors: InvalidArgument when PROJ
  // is unusable.
  static Result<PoiLayer> Build(const std::vector<AmenityKind>& kinds);

  PoiLayer(PoiLayer&&) noexcept;
  PoiLayer& operator=(PoiLayer&&) noexcept;
  ~PoiLayer();

  const std::vector<AmenityKind>& kinds() const;
  size_t size() const;  // points indexed

  // The points of every cluster cell the box touches (cells of level zoom + kClusterShift):
  // one by one when they are at most kMaxPoints, otherwise each cell of two points or more
  // as a cluster and each cell of one point as that point. Errors: InvalidArgument naming
  // the field ("bbox", "zoom", "kinds") for a box out of range or inverted, a zoom out of
  // 0..kMaxZoom, an unknown kind, or a box touching more than kMaxCells cells.
  Result<PoiAnswer> Query(const PoiQuery& query) const;

 private:
  struct Indexed;
  explicit PoiLayer(std::unique_ptr<Indexed> indexed);
  std::unique_ptr<Indexed> indexed_;
};

}  // namespace vivrovert::amenities
