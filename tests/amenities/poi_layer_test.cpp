// The map's points of interest (amenities::PoiLayer) against brute force: random points of
// three kinds over France, random boxes and zooms; the answer must hold exactly the points of
// the cluster cells the box touches (by the documented rule: Web Mercator, cells of level
// zoom + 2), one by one when few, as clusters with the right counts and centres when many.
// Then the layer on the real open data: Cahors' station, with its source.
#include "data/amenities/poi_layer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "data/amenities/amenity_sources.hpp"
#include "data/geo/projection.hpp"

namespace vivrovert::amenities {
namespace {

constexpr double kHalfWorld = 20037508.342789244;

// The cluster cell of a WGS84 point at `zoom`, computed independently of the layer.
std::pair<int64_t, int64_t> CellOf(const geo::Projector& projector, double lon, double lat,
                                   int zoom) {
  geo::Point point{lon, lat};
  EXPECT_TRUE(projector.Transform(point));
  const double side = std::ldexp(1.0, zoom + PoiLayer::kClusterShift);
  const double u = (point.x + kHalfWorld) / (2 * kHalfWorld);
  const double v = (kHalfWorld - point.y) / (2 * kHalfWorld);
  return {static_cast<int64_t>(std::floor(u * side)), static_cast<int64_t>(std::floor(v * side))};
}

std::vector<AmenityKind> RandomKinds(std::mt19937_64& random, int points_per_kind) {
  std::vector<AmenityKind> kinds;
  for (const char* criterion : {"dist_a_km", "dist_b_km", "dist_c_km"}) {
    AmenityKind kind;
    kind.criterion = criterion;
    kind.label = std::string("Catégorie ") + criterion;
    std::uniform_real_distribution<double> lon(-4.5, 8.0), lat(42.5, 51.0);
    // Half spread over France, half crowded around Lyon so that some cells are dense.
    std::normal_distribution<double> near_lon(4.835, 0.05), near_lat(45.76, 0.05);
    for (int point_idx = 0; point_idx < points_per_kind; ++point_idx) {
      Amenity amenity;
      amenity.name = std::string(criterion) + " n° " + std::to_string(point_idx);
      amenity.wgs84 = point_idx % 2 == 0 ? geo::Point{lon(random), lat(random)}
                                         : geo::Point{near_lon(random), near_lat(random)};
      kind.points.push_back(amenity);
    }
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

TEST(PoiLayerTest, AnswersExactlyThePointsOfTheTouchedCells) {
  std::mt19937_64 random(20261207);
  const std::vector<AmenityKind> kinds = RandomKinds(random, 4000);
  auto layer = PoiLayer::Build(kinds);
  ASSERT_TRUE(layer.ok()) << layer.status().ToString();
  EXPECT_EQ(layer->size(), 12000u);
  auto projector = geo::Projector::Create(geo::kWgs84, geo::kWebMercator);
  ASSERT_TRUE(projector.ok());

  int clustered_answers = 0, plain_answers = 0;
  std::uniform_real_distribution<double> centre_lon(-4.0, 7.5), centre_lat(43.0, 50.5);
  std::uniform_int_distribution<int> zoom_of(5, 14);
  for (int round = 0; round < 120; ++round) {
    const int zoom = round % 3 == 0 ? 12 : zoom_of(random);
    // Lyon every third round, where points crowd; elsewhere anywhere.
    const double lon = round % 3 == 0 ? 4.835 : centre_lon(random);
    const double lat = round % 3 == 0 ? 45.76 : centre_lat(random);
    const double half_width = 360.0 / std::ldexp(1.0, zoom) * 2;  // about 4 tiles wide
    PoiQuery query;
    query.box = {lon - half_width, lat - half_width / 2, lon + half_width, lat + half_width / 2};
    query.zoom = zoom;
    if (round % 4 == 1) query.kinds = {"dist_b_km", "dist_c_km"};
    auto answer = layer->Query(query);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();

    // Brute force: the cells the box touches, and the points in them, by kind.
    const auto north_west = CellOf(*projector, query.box.west, query.box.north, zoom);
    const auto south_east = CellOf(*projector, query.box.east, query.box.south, zoom);
    std::map<std::pair<int64_t, int64_t>, std::vector<std::pair<uint32_t, const Amenity*>>> cells;
    std::vector<uint32_t> expected_by_kind(kinds.size(), 0);
    for (uint32_t kind_idx = 0; kind_idx < kinds.size(); ++kind_idx) {
      if (round % 4 == 1 && kind_idx == 0) continue;
      for (const Amenity& amenity : kinds[kind_idx].points) {
        const auto cell = CellOf(*projector, amenity.wgs84.x, amenity.wgs84.y, zoom);
        if (cell.first < north_west.first || cell.first > south_east.first ||
            cell.second < north_west.second || cell.second > south_east.second)
          continue;
        cells[cell].emplace_back(kind_idx, &amenity);
        ++expected_by_kind[kind_idx];
      }
    }
    size_t expected_total = 0;
    for (uint32_t count : expected_by_kind) expected_total += count;
    EXPECT_EQ(answer->count_by_kind, expected_by_kind) << "round " << round;
    EXPECT_EQ(answer->clustered, expected_total > PoiLayer::kMaxPoints) << "round " << round;

    std::set<const Amenity*> answered;
    for (const PoiPoint& point : answer->points) {
      EXPECT_EQ(&kinds[point.kind].points[point.amenity - kinds[point.kind].points.data()],
                point.amenity);
      EXPECT_TRUE(answered.insert(point.amenity).second) << "a point answered twice";
    }
    if (!answer->clustered) {
      ++plain_answers;
      EXPECT_TRUE(answer->clusters.empty());
      EXPECT_EQ(answered.size(), expected_total) << "round " << round;
      for (const auto& [cell, points] : cells) {
        for (const auto& [kind_idx, amenity] : points) EXPECT_TRUE(answered.contains(amenity));
      }
      continue;
    }
    ++clustered_answers;
    // Clustered: a cell of one point is that point, a cell of more is one cluster whose
    // count, counts by kind and centre (the mean of its points) are the brute force's.
    size_t singles = 0;
    std::multiset<std::tuple<uint32_t, long long, long long>> expected_clusters, got_clusters;
    for (const auto& [cell, points] : cells) {
      if (points.size() == 1) {
        ++singles;
        EXPECT_TRUE(answered.contains(points[0].second));
        continue;
      }
      double lon_sum = 0, lat_sum = 0;
      for (const auto& [kind_idx, amenity] : points) {
        lon_sum += amenity->wgs84.x;
        lat_sum += amenity->wgs84.y;
      }
      expected_clusters.emplace(static_cast<uint32_t>(points.size()),
                                std::llround(lon_sum / points.size() * 1e7),
                                std::llround(lat_sum / points.size() * 1e7));
    }
    EXPECT_EQ(answered.size(), singles);
    for (const PoiCluster& cluster : answer->clusters) {
      uint32_t by_kind = 0;
      for (uint32_t count : cluster.count_by_kind) by_kind += count;
      EXPECT_EQ(by_kind, cluster.count);
      got_clusters.emplace(cluster.count, std::llround(cluster.longitude * 1e7),
                           std::llround(cluster.latitude * 1e7));
    }
    EXPECT_EQ(got_clusters, expected_clusters) << "round " << round;
  }
  // Both shapes of answer were met.
  EXPECT_GT(clustered_answers, 10);
  EXPECT_GT(plain_answers, 10);
}

TEST(PoiLayerTest, RefusesBadQueriesNamingTheField) {
  std::mt19937_64 random(7);
  const std::vector<AmenityKind> kinds = RandomKinds(random, 10);
  auto layer = PoiLayer::Build(kinds);
  ASSERT_TRUE(layer.ok());
  auto field_of = [&](PoiQuery query) {
    auto answer = layer->Query(query);
    EXPECT_FALSE(answer.ok());
    return answer.ok() ? std::string() : std::string(answer.status().field());
  };
  EXPECT_EQ(field_of({{1, 45, 2, 46}, 21, {}}), "zoom");
  EXPECT_EQ(field_of({{1, 45, 2, 46}, -1, {}}), "zoom");
  EXPECT_EQ(field_of({{2, 45, 1, 46}, 10, {}}), "bbox");  // west > east
  EXPECT_EQ(field_of({{1, 46, 2, 45}, 10, {}}), "bbox");  // south > north
  EXPECT_EQ(field_of({{-200, 45, 2, 46}, 10, {}}), "bbox");
  EXPECT_EQ(field_of({{-5, 42, 9, 51}, 14, {}}), "bbox");  // all France at street zoom
  EXPECT_EQ(field_of({{1, 45, 2, 46}, 10, {"dist_z_km"}}), "kinds");
  EXPECT_TRUE(layer->Query({{-5, 42, 9, 51}, 5, {}}).ok());
}

TEST(PoiLayerTest, ShowsTheRealStationsWithTheirSource) {
  AmenityOptions options;
  options.data_dir = VIVROVERT_TEST_DATA_DIR;
  options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
  auto index = LoadAmenities(options);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto layer = PoiLayer::Build(index->kinds());
  ASSERT_TRUE(layer.ok());
  size_t total = 0;
  for (const AmenityKind& kind : index->kinds()) total += kind.points.size();
  EXPECT_EQ(layer->size(), total);

  // Cahors, a screen at zoom 14: the station is answered as a point of the SNCF's kind.
  PoiQuery query;
  query.box = {1.42, 44.44, 1.46, 44.46};
  query.zoom = 14;
  query.kinds = {"dist_station_km"};
  auto answer = layer->Query(query);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_FALSE(answer->clustered);
  bool found = false;
  for (const PoiPoint& point : answer->points) {
    const AmenityKind& kind = layer->kinds()[point.kind];
    EXPECT_EQ(kind.criterion, "dist_station_km");
    if (point.amenity->name.find("Cahors") != std::string::npos) {
      found = true;
      EXPECT_EQ(point.amenity->commune_code, "46042");
      EXPECT_FALSE(kind.source.publisher.empty());
      EXPECT_FALSE(kind.source.vintage.empty());
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace vivrovert::amenities
