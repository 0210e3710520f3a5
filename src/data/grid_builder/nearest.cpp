#include "data/grid_builder/nearest.hpp"

#include <cmath>
#include <nanoflann.hpp>

namespace vivrovert::grid_builder {

struct NearestPoints::Tree {
  using Index =
      nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, NearestPoints>,
                                          NearestPoints, 2, size_t>;
  explicit Tree(const NearestPoints& points)
      : index(2, points, nanoflann::KDTreeSingleIndexAdaptorParams(16)) {
    index.buildIndex();
  }
  Index index;
};

NearestPoints::NearestPoints(std::vector<geo::Point> points) : points_(std::move(points)) {
  if (!points_.empty()) tree_ = std::make_unique<Tree>(*this);
}

NearestPoints::~NearestPoints() = default;

NearestPoints::NearestPoints(NearestPoints&& other) noexcept : points_(std::move(other.points_)) {
  // The tree refers to its dataset by address: rebuild it for the new owner.
  other.tree_.reset();
  if (!points_.empty()) tree_ = std::make_unique<Tree>(*this);
}

double NearestPoints::NearestDistance(const geo::Point& query) const {
  if (!tree_) return -1;
  const double coordinates[2] = {query.x, query.y};
  size_t index = 0;
  double squared = 0;
  tree_->index.knnSearch(coordinates, 1, &index, &squared);
  return std::sqrt(squared);
}

std::vector<std::pair<size_t, double>> NearestPoints::KNearest(const geo::Point& query,
                                                               size_t count) const {
  std::vector<std::pair<size_t, double>> found;
  if (!tree_ || count == 0) return found;
  const double coordinates[2] = {query.x, query.y};
  std::vector<size_t> indices(std::min(count, points_.size()));
  std::vector<double> squared(indices.size());
  const size_t got =
      tree_->index.knnSearch(coordinates, indices.size(), indices.data(), squared.data());
  for (size_t found_idx = 0; found_idx < got; ++found_idx) {
    found.emplace_back(indices[found_idx], std::sqrt(squared[found_idx]));
  }
  return found;
}

size_t NearestPoints::CountWithin(const geo::Point& query, double radius) const {
  if (!tree_) return 0;
  const double coordinates[2] = {query.x, query.y};
  std::vector<std::pair<size_t, double>> matches;
  nanoflann::SearchParams params;
  params.sorted = false;
  return tree_->index.radiusSearch(coordinates, radius * radius, matches, params);
}

}  // namespace vivrovert::grid_builder
