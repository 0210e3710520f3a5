#include "data/amenities/poi_layer.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "data/geo/projection.hpp"

namespace vivrovert::amenities {
namespace {

// Half the width of the Web Mercator world, metres (EPSG:3857's bounds).
constexpr double kHalfWorld = 20037508.342789244;
// Web Mercator's latitude limit: beyond it the square world has no room.
constexpr double kMaxLatitude = 85.0511287798066;
constexpr uint32_t kSide = 1u << PoiLayer::kKeyBits;

// One WGS84 → Web Mercator transformation per thread (a Projector is not thread-safe).
const geo::Projector* ThreadWgs84ToMercator() {
  thread_local std::optional<geo::Projector> projector;
  thread_local bool failed = false;
  if (!projector && !failed) {
    auto created = geo::Projector::Create(geo::kWgs84, geo::kWebMercator);
    if (created.ok()) {
      projector.emplace(std::move(created).value());
    } else {
      failed = true;
    }
  }
  return projector ? &*projector : nullptr;
}

// A point's position in the unit square (x east, y south, as XYZ tiles count), or nullopt.
std::optional<std::pair<double, double>> UnitSquare(const geo::Projector& projector,
                                                    double longitude, double latitude) {
  geo::Point point{longitude, latitude};
  if (!projector.Transform(point) || !std::isfinite(point.x) || !std::isfinite(point.y))
    return std::nullopt;
  const double u = (point.x + kHalfWorld) / (2 * kHalfWorld);
  const double v = (kHalfWorld - point.y) / (2 * kHalfWorld);
  return std::make_pair(std::clamp(u, 0.0, 1.0), std::clamp(v, 0.0, 1.0));
}

// The cell of a unit-square coordinate among `side` cells.
uint32_t CellOf(double unit, uint32_t side) {
  const double scaled = std::floor(unit * side);
  return static_cast<uint32_t>(std::clamp(scaled, 0.0, static_cast<double>(side - 1)));
}

// Spreads the low 32 bits of `value` to the even bits of the result.
uint64_t Spread(uint32_t value) {
  uint64_t bits = value;
  bits = (bits | (bits << 16)) & 0x0000FFFF0000FFFFULL;
  bits = (bits | (bits << 8)) & 0x00FF00FF00FF00FFULL;
  bits = (bits | (bits << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  bits = (bits | (bits << 2)) & 0x3333333333333333ULL;
  bits = (bits | (bits << 1)) & 0x5555555555555555ULL;
  return bits;
}

// The Morton code of cell (x, y): x on the even bits, y on the odd ones.
uint64_t Morton(uint32_t x, uint32_t y) { return Spread(x) | (Spread(y) << 1); }

}  // namespace

// The points of one kind, sorted by key, with the prefix sums of their coordinates.
struct KindPoints {
  std::vector<uint64_t> keys;
  std::vector<uint32_t> points;        // index in AmenityKind::points, parallel to keys
  std::vector<double> longitude_sums;  // size keys.size() + 1
  std::vector<double> latitude_sums;
};

struct PoiLayer::Indexed {
  const std::vector<AmenityKind>* kinds = nullptr;
  std::vector<KindPoints> by_kind;
  size_t size = 0;
};

Result<PoiLayer> PoiLayer::Build(const std::vector<AmenityKind>& kinds) {
  const geo::Projector* projector = ThreadWgs84ToMercator();
  if (projector == nullptr) return InvalidArgument("PROJ cannot transform EPSG:4326 to EPSG:3857");
  auto indexed = std::make_unique<Indexed>();
  indexed->kinds = &kinds;
  indexed->by_kind.resize(kinds.size());
  for (size_t kind_idx = 0; kind_idx < kinds.size(); ++kind_idx) {
    const std::vector<Amenity>& points = kinds[kind_idx].points;
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    keyed.reserve(points.size());
    for (size_t point_idx = 0; point_idx < points.size(); ++point_idx) {
      const geo::Point& wgs84 = points[point_idx].wgs84;
      if (std::abs(wgs84.y) > kMaxLatitude) continue;
      std::optional<std::pair<double, double>> unit = UnitSquare(*projector, wgs84.x, wgs84.y);
      if (!unit) continue;
      keyed.emplace_back(Morton(CellOf(unit->first, kSide), CellOf(unit->second, kSide)),
                         static_cast<uint32_t>(point_idx));
    }
    std::sort(keyed.begin(), keyed.end());
    KindPoints& out = indexed->by_kind[kind_idx];
    out.keys.reserve(keyed.size());
    out.points.reserve(keyed.size());
    out.longitude_sums.assign(1, 0.0);
    out.latitude_sums.assign(1, 0.0);
    out.longitude_sums.reserve(keyed.size() + 1);
    out.latitude_sums.reserve(keyed.size() + 1);
    for (const auto& [key, point_idx] : keyed) {
      out.keys.push_back(key);
      out.points.push_back(point_idx);
      out.longitude_sums.push_back(out.longitude_sums.back() + points[point_idx].wgs84.x);
      out.latitude_sums.push_back(out.latitude_sums.back() + points[point_idx].wgs84.y);
    }
    indexed->size += keyed.size();
  }
  return PoiLayer(std::move(indexed));
}

PoiLayer::PoiLayer(std::unique_ptr<Indexed> indexed) : indexed_(std::move(indexed)) {}
PoiLayer::PoiLayer(PoiLayer&&) noexcept = default;
PoiLayer& PoiLayer::operator=(PoiLayer&&) noexcept = default;
PoiLayer::~PoiLayer() = default;

const std::vector<AmenityKind>& PoiLayer::kinds() const { return *indexed_->kinds; }
size_t PoiLayer::size() const { return indexed_->size; }

Result<PoiAnswer> PoiLayer::Query(const PoiQuery& query) const {
  const LonLatBox& box = query.box;
  if (query.zoom < 0 || query.zoom > kMaxZoom)
    return InvalidArgument(
        "Le niveau de zoom doit être compris entre 0 et " + std::to_string(kMaxZoom) + ".", "zoom");
  for (double value : {box.west, box.south, box.east, box.north}) {
    if (!std::isfinite(value))
      return InvalidArgument("La zone contient une valeur non finie.", "bbox");
  }
  if (box.west < -180 || box.east > 180 || box.south < -90 || box.north > 90)
    return InvalidArgument("La zone sort des longitudes −180..180 ou des latitudes −90..90.",
                           "bbox");
  if (box.west >= box.east || box.south >= box.north)
    return InvalidArgument("La zone se lit ouest,sud,est,nord, avec ouest < est et sud < nord.",
                           "bbox");

  std::vector<uint32_t> selected;
  if (query.kinds.empty()) {
    for (uint32_t kind_idx = 0; kind_idx < kinds().size(); ++kind_idx) selected.push_back(kind_idx);
  } else {
    for (std::string_view criterion : query.kinds) {
      auto found = std::find_if(
          kinds().begin(), kinds().end(),
          [criterion](const AmenityKind& kind) { return kind.criterion == criterion; });
      if (found == kinds().end())
        return InvalidArgument(
            "Catégorie d'équipements inconnue : « " + std::string(criterion) + " ».", "kinds");
      const auto kind_idx = static_cast<uint32_t>(found - kinds().begin());
      if (std::find(selected.begin(), selected.end(), kind_idx) == selected.end())
        selected.push_back(kind_idx);
    }
  }

  const geo::Projector* projector = ThreadWgs84ToMercator();
  if (projector == nullptr) return Internal("PROJ cannot transform EPSG:4326 to EPSG:3857");
  const double north = std::min(box.north, kMaxLatitude);
  const double south = std::max(box.south, -kMaxLatitude);
  std::optional<std::pair<double, double>> north_west = UnitSquare(*projector, box.west, north);
  std::optional<std::pair<double, double>> south_east = UnitSquare(*projector, box.east, south);
  if (!north_west || !south_east) return InvalidArgument("La zone ne se projette pas.", "bbox");

  const int level = std::min(query.zoom + kClusterShift, kKeyBits);
  const uint32_t side = 1u << level;
  const uint32_t x_first = CellOf(north_west->first, side);
  const uint32_t x_last = CellOf(south_east->first, side);
  const uint32_t y_first = CellOf(north_west->second, side);
  const uint32_t y_last = CellOf(south_east->second, side);
  const uint64_t cells = uint64_t{x_last - x_first + 1} * (y_last - y_first + 1);
  if (cells > kMaxCells)
    return InvalidArgument("La zone est trop grande pour ce niveau de zoom.", "bbox");

  // The key range of each (cell, kind), found once.
  struct Range {
    uint32_t kind;
    uint32_t first;
    uint32_t last;  // one past
  };
  std::vector<Range> ranges;
  std::vector<uint32_t> cell_ends;  // ranges[cell_ends[c - 1] .. cell_ends[c]) is cell c
  cell_ends.reserve(cells);
  size_t total = 0;
  const int shift = 2 * (kKeyBits - level);
  for (uint32_t y = y_first; y <= y_last; ++y) {
    for (uint32_t x = x_first; x <= x_last; ++x) {
      const uint64_t cell = Morton(x, y);
      const uint64_t first_key = cell << shift;
      const uint64_t end_key = (cell + 1) << shift;
      for (uint32_t kind_idx : selected) {
        const std::vector<uint64_t>& keys = indexed_->by_kind[kind_idx].keys;
        auto first = std::lower_bound(keys.begin(), keys.end(), first_key);
        if (first == keys.end() || *first >= end_key) continue;
        auto last = std::lower_bound(first, keys.end(), end_key);
        ranges.push_back({kind_idx, static_cast<uint32_t>(first - keys.begin()),
                          static_cast<uint32_t>(last - keys.begin())});
        total += static_cast<size_t>(last - first);
      }
      cell_ends.push_back(static_cast<uint32_t>(ranges.size()));
    }
  }

  PoiAnswer answer;
  answer.count_by_kind.assign(kinds().size(), 0);
  answer.clustered = total > kMaxPoints;
  auto add_points = [&](const Range& range) {
    const KindPoints& points = indexed_->by_kind[range.kind];
    for (uint32_t at = range.first; at < range.last; ++at) {
      const Amenity& amenity = (*indexed_->kinds)[range.kind].points[points.points[at]];
      answer.points.push_back({range.kind, &amenity});
    }
  };
  uint32_t range_begin = 0;
  for (uint32_t range_end : cell_ends) {
    uint32_t count = 0;
    for (uint32_t range_idx = range_begin; range_idx < range_end; ++range_idx) {
      const Range& range = ranges[range_idx];
      count += range.last - range.first;
      answer.count_by_kind[range.kind] += range.last - range.first;
    }
    if (!answer.clustered || count == 1) {
      for (uint32_t range_idx = range_begin; range_idx < range_end; ++range_idx)
        add_points(ranges[range_idx]);
    } else if (count > 1) {
      PoiCluster cluster;
      cluster.count = count;
      cluster.count_by_kind.assign(kinds().size(), 0);
      double longitude = 0, latitude = 0;
      for (uint32_t range_idx = range_begin; range_idx < range_end; ++range_idx) {
        const Range& range = ranges[range_idx];
        const KindPoints& points = indexed_->by_kind[range.kind];
        longitude += points.longitude_sums[range.last] - points.longitude_sums[range.first];
        latitude += points.latitude_sums[range.last] - points.latitude_sums[range.first];
        cluster.count_by_kind[range.kind] += range.last - range.first;
      }
      cluster.longitude = longitude / count;
      cluster.latitude = latitude / count;
      answer.clusters.push_back(std::move(cluster));
    }
    range_begin = range_end;
  }
  return answer;
}

}  // namespace vivrovert::amenities
