#include "data/amenities/amenity_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "data/grid_builder/nearest.hpp"

namespace vivrovert::amenities {

namespace {

// One PROJ context per thread (geo::Projector is not shareable); nullptr when PROJ fails.
const geo::Projector* ThreadProjector() {
  thread_local std::unique_ptr<geo::Projector> projector = [] {
    auto created = geo::Projector::Create(geo::kWgs84, geo::kLaea);
    return created.ok() ? std::make_unique<geo::Projector>(std::move(created).value()) : nullptr;
  }();
  return projector.get();
}

std::optional<geo::Point> Project(double longitude, double latitude) {
  const geo::Projector* projector = ThreadProjector();
  geo::Point point{longitude, latitude};
  if (projector == nullptr || !std::isfinite(longitude) || !std::isfinite(latitude) ||
      !projector->Transform(point)) {
    return std::nullopt;
  }
  return point;
}

}  // namespace

struct AmenityIndex::Indexed {
  std::vector<AmenityKind> kinds;
  std::vector<grid_builder::NearestPoints> trees;  // one per kind, over the kept points
  std::unordered_map<std::string, size_t> by_criterion;
};

AmenityIndex::AmenityIndex(std::unique_ptr<Indexed> indexed) : indexed_(std::move(indexed)) {}
AmenityIndex::AmenityIndex(AmenityIndex&&) noexcept = default;
AmenityIndex& AmenityIndex::operator=(AmenityIndex&&) noexcept = default;
AmenityIndex::~AmenityIndex() = default;

Result<AmenityIndex> AmenityIndex::Build(std::vector<AmenityKind> kinds) {
  if (ThreadProjector() == nullptr)
    return InvalidArgument("PROJ cannot project WGS84 to EPSG:3035");
  auto indexed = std::make_unique<Indexed>();
  for (AmenityKind& kind : kinds) {
    if (indexed->by_criterion.contains(kind.criterion)) {
      return InvalidArgument("amenity kind '" + kind.criterion + "' given twice", "criterion");
    }
    std::vector<Amenity> kept;
    std::vector<geo::Point> projected;
    kept.reserve(kind.points.size());
    projected.reserve(kind.points.size());
    for (Amenity& amenity : kind.points) {
      std::optional<geo::Point> point = Project(amenity.wgs84.x, amenity.wgs84.y);
      if (!point) continue;
      projected.push_back(*point);
      kept.push_back(std::move(amenity));
    }
    kind.points = std::move(kept);
    indexed->by_criterion.emplace(kind.criterion, indexed->kinds.size());
    indexed->trees.emplace_back(std::move(projected));
    indexed->kinds.push_back(std::move(kind));
  }
  return AmenityIndex(std::move(indexed));
}

const std::vector<AmenityKind>& AmenityIndex::kinds() const { return indexed_->kinds; }

const AmenityKind* AmenityIndex::Find(std::string_view criterion) const {
  auto found = indexed_->by_criterion.find(std::string(criterion));
  return found == indexed_->by_criterion.end() ? nullptr : &indexed_->kinds[found->second];
}

std::optional<FoundAmenity> AmenityIndex::Nearest(std::string_view criterion, double longitude,
                                                  double latitude) const {
  std::vector<FoundAmenity> found = Within(criterion, longitude, latitude, INFINITY, 1);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<FoundAmenity> AmenityIndex::Within(std::string_view criterion, double longitude,
                                               double latitude, double radius_m,
                                               size_t max_count) const {
  std::vector<FoundAmenity> out;
  auto found = indexed_->by_criterion.find(std::string(criterion));
  if (found == indexed_->by_criterion.end() || max_count == 0) return out;
  const grid_builder::NearestPoints& tree = indexed_->trees[found->second];
  std::optional<geo::Point> query = Project(longitude, latitude);
  if (tree.empty() || !query) return out;
  const AmenityKind& kind = indexed_->kinds[found->second];
  // A named place may have several points (Paris, Lyon, Marseille: one per arrondissement):
  // it is listed once, at its nearest point, so ask for enough neighbours to skip them.
  std::set<std::pair<std::string_view, std::string_view>> places;
  const size_t wanted = max_count > std::numeric_limits<size_t>::max() - kMaxPointsPerPlace
                            ? max_count
                            : max_count + kMaxPointsPerPlace;
  for (const auto& [point_idx, distance] : tree.KNearest(*query, wanted)) {
    if (distance > radius_m || out.size() == max_count) break;  // nearest first
    const Amenity& amenity = kind.points[point_idx];
    if (!amenity.name.empty() && !amenity.commune_code.empty() &&
        !places.emplace(amenity.name, amenity.commune_code).second) {
      continue;
    }
    out.push_back({&kind, &amenity, distance});
  }
  return out;
}

std::optional<double> AmenityIndex::DistanceMetres(double longitude_a, double latitude_a,
                                                   double longitude_b, double latitude_b) {
  std::optional<geo::Point> a = Project(longitude_a, latitude_a);
  std::optional<geo::Point> b = Project(longitude_b, latitude_b);
  if (!a || !b) return std::nullopt;
  return std::hypot(a->x - b->x, a->y - b->y);
}

bool Covers(const AmenitySource& source, const std::string& departement) {
  return source.departements.empty() ||
         std::find(source.departements.begin(), source.departements.end(), departement) !=
             source.departements.end();
}

}  // namespace vivrovert::amenities
