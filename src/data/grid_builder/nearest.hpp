// Straight-line distance from many query points to the nearest of a set of points, in
// the grid's projected plane (EPSG:3035, metres), on a nanoflann KD-tree: n log m
// instead of comparing all pairs.
//
// Thread safety: Nearest() is const and safe from several threads once built.
#pragma once

#include <memory>
#include <vector>

#include "data/geo/projection.hpp"

namespace vivrovert::grid_builder {

class NearestPoints {
 public:
  // `points` in EPSG:3035 metres. An empty set answers "no distance".
  explicit NearestPoints(std::vector<geo::Point> points);
  ~NearestPoints();
  NearestPoints(NearestPoints&&) noexcept;

  bool empty() const { return points_.empty(); }
  size_t size() const { return points_.size(); }
  // Distance in metres to the nearest point; negative when the set is empty.
  double NearestDistance(const geo::Point& query) const;
  // Number of points within `radius` metres of `query`.
  size_t CountWithin(const geo::Point& query, double radius) const;
  // The `count` nearest points (fewer when the set is smaller), nearest first, as
  // (index in the set, distance in metres).
  std::vector<std::pair<size_t, double>> KNearest(const geo::Point& query, size_t count) const;

  // nanoflann's dataset interface.
  size_t kdtree_get_point_count() const { return points_.size(); }
  double kdtree_get_pt(size_t index, size_t dim) const {
    return dim == 0 ? points_[index].x : points_[index].y;
  }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }

 private:
  struct Tree;
  std::vector<geo::Point> points_;
  std::unique_ptr<Tree> tree_;
};

}  // namespace vivrovert::grid_builder
