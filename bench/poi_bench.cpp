// The map's points of interest (GET /api/v1/map/pois, amenities::PoiLayer) at national
// scale: the real amenity points of ../shared/data topped up with SYNTHETIC points to
// 1,500,000 (the national count the issue sizes: BPE, schools, OSM… are not all bundled),
// queried by random screens (1280 × 800 pixels) at zooms 5 to 16, each answer written as
// the route's GeoJSON. Side by side, the same answers by brute force (every point tested
// against the box and gathered by cell in a hash map), the way without an index.
//
//   build/bench/vivrovert_bench_poi [--data DIR] [--points N] [--screens N] [benchmark flags]
//
// Synthetic points: fixed seed, each one a real point moved by a normal offset of 3 km,
// in kinds named "synthétique n° k" so that no figure can be mistaken for real data.
// Prints p50/p99/max per request over the screens first, then Google Benchmark's figures.
// Figures: docs/PERFORMANCE.md, "Points of interest".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/amenities/amenity_sources.hpp"
#include "data/amenities/poi_layer.hpp"
#include "data/geo/projection.hpp"
#include "deterministic_random.hpp"
#include "web/api/poi_api.hpp"

namespace vivrovert {
namespace {

constexpr double kHalfWorld = 20037508.342789244;
constexpr uint64_t kSeed = 20261207;

struct Fixture {
  std::vector<amenities::AmenityKind> kinds;
  std::unique_ptr<amenities::PoiLayer> layer;
  std::vector<amenities::PoiQuery> screens;
  // Brute force: every point in Web Mercator unit coordinates, with its kind.
  struct Flat {
    double u, v;
    uint32_t kind;
    const amenities::Amenity* amenity;
  };
  std::vector<Flat> flat;
};

Fixture* fixture = nullptr;

// A 1280 × 800 screen at `zoom` centred on (lon, lat).
amenities::PoiQuery Screen(double lon, double lat, int zoom) {
  const double degrees_per_pixel = 360.0 / (256.0 * std::ldexp(1.0, zoom));
  const double half_width = 640 * degrees_per_pixel;
  const double half_height = 400 * degrees_per_pixel * std::cos(lat * M_PI / 180);
  amenities::PoiQuery query;
  query.box = {lon - half_width, lat - half_height, lon + half_width, lat + half_height};
  query.zoom = zoom;
  return query;
}

// The same answer as PoiLayer::Query, without an index: every point is tested.
size_t BruteForce(const amenities::PoiQuery& query) {
  // Made once, as the layer's own per-thread projector is.
  static auto projector = geo::Projector::Create(geo::kWgs84, geo::kWebMercator);
  geo::Point north_west{query.box.west, query.box.north},
      south_east{query.box.east, query.box.south};
  projector->Transform(north_west);
  projector->Transform(south_east);
  const double side = std::ldexp(1.0, query.zoom + amenities::PoiLayer::kClusterShift);
  auto cell = [side](double unit) { return static_cast<int64_t>(std::floor(unit * side)); };
  const int64_t x0 = cell((north_west.x + kHalfWorld) / (2 * kHalfWorld));
  const int64_t x1 = cell((south_east.x + kHalfWorld) / (2 * kHalfWorld));
  const int64_t y0 = cell((kHalfWorld - north_west.y) / (2 * kHalfWorld));
  const int64_t y1 = cell((kHalfWorld - south_east.y) / (2 * kHalfWorld));
  std::unordered_map<int64_t, std::pair<uint32_t, double>> cells;
  for (const Fixture::Flat& point : fixture->flat) {
    const int64_t x = cell(point.u), y = cell(point.v);
    if (x < x0 || x > x1 || y < y0 || y > y1) continue;
    auto& [count, sum] = cells[(y << 32) | x];
    ++count;
    sum += point.amenity->wgs84.x;
  }
  return cells.size();
}

void BM_PoiLayer(benchmark::State& state) {
  const int zoom = static_cast<int>(state.range(0));
  std::vector<const amenities::PoiQuery*> screens;
  for (const auto& screen : fixture->screens)
    if (screen.zoom == zoom) screens.push_back(&screen);
  size_t at = 0, features = 0, bytes = 0;
  for (auto _ : state) {
    auto answer = fixture->layer->Query(*screens[at++ % screens.size()]);
    std::string text = api::PoiGeoJson(*fixture->layer, *answer);
    features += answer->points.size() + answer->clusters.size();
    bytes += text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["features"] = static_cast<double>(features) / state.iterations();
  state.counters["json_bytes"] = static_cast<double>(bytes) / state.iterations();
}

void BM_BruteForce(benchmark::State& state) {
  const int zoom = static_cast<int>(state.range(0));
  std::vector<const amenities::PoiQuery*> screens;
  for (const auto& screen : fixture->screens)
    if (screen.zoom == zoom) screens.push_back(&screen);
  size_t at = 0;
  for (auto _ : state) benchmark::DoNotOptimize(BruteForce(*screens[at++ % screens.size()]));
}

}  // namespace
}  // namespace vivrovert

int main(int argc, char** argv) {
  using namespace vivrovert;
  std::string data_dir = "../shared/data";
  size_t target_points = 1'500'000;
  size_t screen_count = 6000;
  std::vector<char*> rest{argv[0]};
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    if (std::strcmp(argv[arg_idx], "--data") == 0 && arg_idx + 1 < argc) {
      data_dir = argv[++arg_idx];
    } else if (std::strcmp(argv[arg_idx], "--points") == 0 && arg_idx + 1 < argc) {
      target_points = std::stoul(argv[++arg_idx]);
    } else if (std::strcmp(argv[arg_idx], "--screens") == 0 && arg_idx + 1 < argc) {
      screen_count = std::stoul(argv[++arg_idx]);
    } else {
      rest.push_back(argv[arg_idx]);
    }
  }
  auto index = amenities::LoadAmenities({data_dir, "", "data/criteria.json", {}});
  if (!index.ok()) {
    std::cerr << index.status().ToString() << "\n";
    return 1;
  }
  Fixture data;
  data.kinds = index->kinds();
  std::vector<const amenities::Amenity*> real;
  for (const auto& kind : data.kinds)
    for (const auto& amenity : kind.points) real.push_back(&amenity);
  const size_t real_count = real.size();
  // SYNTHETIC points up to the target, in kinds of their own.
  constexpr int kSyntheticKinds = 12;
  const size_t synthetic_count = target_points > real_count ? target_points - real_count : 0;
  std::vector<amenities::AmenityKind> synthetic(kSyntheticKinds);
  for (int kind_idx = 0; kind_idx < kSyntheticKinds; ++kind_idx) {
    synthetic[kind_idx].criterion = "dist_synthetic_" + std::to_string(kind_idx) + "_km";
    synthetic[kind_idx].label = "synthétique n° " + std::to_string(kind_idx + 1);
    synthetic[kind_idx].source.publisher = "SYNTHÉTIQUE (bench/poi_bench.cpp)";
  }
  auto random = bench::DeterministicRandom::Stream(kSeed, "poi-points");
  for (size_t point_idx = 0; point_idx < synthetic_count; ++point_idx) {
    const amenities::Amenity& seed = *real[random.UniformInt(0, real_count - 1)];
    const double lat = seed.wgs84.y + random.Normal() * 3.0 / 111.0;
    const double lon = seed.wgs84.x + random.Normal() * 3.0 / (111.0 * std::cos(lat * M_PI / 180));
    synthetic[point_idx % kSyntheticKinds].points.push_back({"", "", {lon, lat}});
  }
  for (auto& kind : synthetic) data.kinds.push_back(std::move(kind));
  auto layer = amenities::PoiLayer::Build(data.kinds);
  if (!layer.ok()) {
    std::cerr << layer.status().ToString() << "\n";
    return 1;
  }
  data.layer = std::make_unique<amenities::PoiLayer>(std::move(*layer));
  auto projector = geo::Projector::Create(geo::kWgs84, geo::kWebMercator);
  for (size_t kind_idx = 0; kind_idx < data.kinds.size(); ++kind_idx) {
    for (const auto& amenity : data.kinds[kind_idx].points) {
      geo::Point point = amenity.wgs84;
      if (!projector->Transform(point)) continue;
      data.flat.push_back({(point.x + kHalfWorld) / (2 * kHalfWorld),
                           (kHalfWorld - point.y) / (2 * kHalfWorld),
                           static_cast<uint32_t>(kind_idx), &amenity});
    }
  }
  // Screens centred on real points (where people look), zooms 5..16.
  auto screens = bench::DeterministicRandom::Stream(kSeed, "poi-screens");
  for (size_t screen_idx = 0; screen_idx < screen_count; ++screen_idx) {
    const amenities::Amenity& centre = *real[screens.UniformInt(0, real_count - 1)];
    data.screens.push_back(
        Screen(centre.wgs84.x, centre.wgs84.y, 5 + static_cast<int>(screen_idx % 12)));
  }
  fixture = &data;
  std::cerr << real_count << " real points + " << synthetic_count
            << " SYNTHETIC = " << data.layer->size() << " indexed\n";

  // Per request (query + GeoJSON), over every screen: wall time, and the thread's CPU time,
  // which a shared machine's other load does not inflate.
  auto thread_cpu_ms = [] {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
  };
  std::vector<double> millis, cpu_millis;
  size_t largest = 0;
  for (const auto& screen : data.screens) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_ms();
    auto answer = data.layer->Query(screen);
    if (!answer.ok()) {
      std::cerr << answer.status().ToString() << "\n";
      return 1;
    }
    std::string text = api::PoiGeoJson(*data.layer, *answer);
    cpu_millis.push_back(thread_cpu_ms() - cpu_start);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    largest = std::max(largest, text.size());
  }
  auto report = [&](const char* what, std::vector<double>& values) {
    std::sort(values.begin(), values.end());
    auto at = [&values](double share) {
      return values[std::min(values.size() - 1, static_cast<size_t>(share * values.size()))];
    };
    std::cerr << what << " per request over " << values.size() << " screens: p50 " << at(0.5)
              << " ms, p99 " << at(0.99) << " ms, max " << values.back() << " ms\n";
  };
  report("wall", millis);
  report("CPU", cpu_millis);
  std::cerr << "largest answer " << largest << " bytes\n";

  for (int zoom : {6, 9, 12, 15}) {
    benchmark::RegisterBenchmark("BM_PoiLayer", BM_PoiLayer)
        ->Arg(zoom)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("BM_BruteForce", BM_BruteForce)
        ->Arg(zoom)
        ->Unit(benchmark::kMillisecond);
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
