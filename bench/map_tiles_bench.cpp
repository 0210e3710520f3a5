// Map tiles on the national grid (Google Benchmark): the time to draw one 256×256 PNG tile
// of a search's green tiles at zooms 6, 9 and 12 over France, for a selective and a broad
// search, beside the baseline of encoding an empty 256×256 RGBA image with libpng's
// defaults, in one run. Also the POST's work (both levels' green tiles) and the renderer's
// start-up (dense indices).
//
//   vivrovert_bench_map_tiles [--grid PATH] [--outlines DATA_DIR] [benchmark flags]
// --outlines also computes the national département outlines and the Lot's communes once
// from DATA_DIR (no cache) and prints their times and sizes.
// PATH defaults to var/grid/vivrovert.grid. Only tiles holding grid cells are timed, taken
// in a fixed order over France's box (every tile at zooms 6 and 9, an even sample at 12).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/maptiles/green_tiles.hpp"
#include "data/maptiles/outlines.hpp"
#include "data/maptiles/tile_renderer.hpp"
#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "engine/search_request.hpp"

namespace {

using namespace vivrovert;

struct Fixture {
  std::unique_ptr<engine::GridFile> grid;
  std::unique_ptr<engine::SearchEngine> engine;
  std::unique_ptr<maptiles::TileRenderer> renderer;
  std::vector<engine::SearchRequest> requests;  // selective, broad
  std::vector<maptiles::GreenTiles> green;
  std::vector<std::vector<maptiles::TileAddress>> tiles;  // per zoom index (6, 9, 12)
};
Fixture* fixture = nullptr;
constexpr int kZooms[] = {6, 9, 12};

const char* kRequests[] = {
    // selective: a station within 3 km, sparse
    R"({"criteria":[{"criterion":"dist_station_km","max":3},{"criterion":"density","max":40}]})",
    // broad: anything but a city
    R"({"criteria":[{"criterion":"density","max":500}]})",
};

int LongitudeToTile(double lon, int z) {
  return static_cast<int>((lon + 180.0) / 360.0 * (1 << z));
}
int LatitudeToTile(double lat, int z) {
  const double rad = lat * M_PI / 180.0;
  return static_cast<int>((1.0 - std::asinh(std::tan(rad)) / M_PI) / 2.0 * (1 << z));
}

void BM_RenderTile(benchmark::State& state) {
  const size_t zoom_idx = static_cast<size_t>(state.range(0)),
               search_idx = static_cast<size_t>(state.range(1));
  const auto& tiles = fixture->tiles[zoom_idx];
  const maptiles::GreenTiles& green = fixture->green[search_idx];
  size_t next = 0, bytes = 0;
  for (auto _ : state) {
    std::string png = fixture->renderer->Render(green, tiles[next]);
    bytes += png.size();
    benchmark::DoNotOptimize(png.data());
    next = next + 1 == tiles.size() ? 0 : next + 1;
  }
  state.counters["png_bytes"] =
      benchmark::Counter(static_cast<double>(bytes) / static_cast<double>(state.iterations()));
  state.SetLabel(std::string("z") + std::to_string(kZooms[zoom_idx]) +
                 (search_idx == 0 ? " selective" : " broad") + ", " + std::to_string(tiles.size()) +
                 " tiles");
}

void BM_RasteriseOnly(benchmark::State& state) {
  const size_t zoom_idx = static_cast<size_t>(state.range(0)),
               search_idx = static_cast<size_t>(state.range(1));
  const auto& tiles = fixture->tiles[zoom_idx];
  std::vector<uint8_t> pixels(256 * 256);
  size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        fixture->renderer->Rasterise(fixture->green[search_idx], tiles[next], pixels.data()));
    next = next + 1 == tiles.size() ? 0 : next + 1;
  }
  state.SetLabel(std::string("z") + std::to_string(kZooms[zoom_idx]) +
                 (search_idx == 0 ? " selective" : " broad"));
}

// The baseline: an empty 256×256 RGBA image through libpng with its defaults.
void BM_EncodeEmptyRgbaPng(benchmark::State& state) {
  std::vector<uint8_t> rgba(256 * 256 * 4, 0);
  for (auto _ : state) {
    std::string png = maptiles::EncodeRgbaPng(rgba.data(), 256, 256);
    benchmark::DoNotOptimize(png.data());
  }
}

void BM_EncodeEmptyPalettePng(benchmark::State& state) {
  std::vector<uint8_t> pixels(256 * 256, 0);
  for (auto _ : state) {
    std::string png = maptiles::EncodePalettePng(pixels.data(), 256, 256);
    benchmark::DoNotOptimize(png.data());
  }
}

// What POST /api/v1/map/searches computes: the green tiles at both levels.
void BM_EvaluateBothLevels(benchmark::State& state) {
  const size_t search_idx = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    maptiles::GreenTiles green =
        maptiles::GreenTiles::Evaluate(*fixture->engine, fixture->requests[search_idx]);
    benchmark::DoNotOptimize(green.count(engine::Level::k1km));
  }
  state.SetLabel(search_idx == 0 ? "selective" : "broad");
}

void BM_CreateRenderer(benchmark::State& state) {
  for (auto _ : state) {
    auto renderer = maptiles::TileRenderer::Create(*fixture->grid);
    benchmark::DoNotOptimize(renderer.ok());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string grid_path = "var/grid/vivrovert.grid";
  std::string outlines_dir;
  std::vector<char*> rest;
  for (int arg_idx = 0; arg_idx < argc; ++arg_idx) {
    if (std::strncmp(argv[arg_idx], "--grid=", 7) == 0) {
      grid_path = argv[arg_idx] + 7;
    } else if (std::strcmp(argv[arg_idx], "--grid") == 0 && arg_idx + 1 < argc) {
      grid_path = argv[++arg_idx];
    } else if (std::strcmp(argv[arg_idx], "--outlines") == 0 && arg_idx + 1 < argc) {
      outlines_dir = argv[++arg_idx];
    } else {
      rest.push_back(argv[arg_idx]);
    }
  }
  if (!outlines_dir.empty()) {
    maptiles::Outlines outlines({outlines_dir, ""});
    auto started = std::chrono::steady_clock::now();
    auto departements = outlines.Departements();
    auto seconds = [&started] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    if (!departements.ok()) {
      std::cerr << departements.status().ToString() << "\n";
      return 1;
    }
    std::cerr << "departements.geojson: " << (*departements)->size() << " bytes in " << seconds()
              << " s\n";
    started = std::chrono::steady_clock::now();
    auto communes = outlines.Communes("46");
    if (communes.ok())
      std::cerr << "communes/46.geojson: " << (*communes)->size() << " bytes in " << seconds()
                << " s\n";
  }
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << "vivrovert_bench_map_tiles: " << grid.status().ToString() << " (--grid PATH)\n";
    return 1;
  }
  Fixture data;
  data.grid = std::move(grid).value();
  data.engine = std::make_unique<engine::SearchEngine>(*data.grid);
  auto renderer = maptiles::TileRenderer::Create(*data.grid);
  if (!renderer.ok()) {
    std::cerr << renderer.status().ToString() << "\n";
    return 1;
  }
  data.renderer = std::move(renderer).value();
  for (const char* text : kRequests) {
    auto request = engine::ParseSearchRequest(nlohmann::json::parse(text), *data.grid);
    if (!request.ok()) {
      std::cerr << request.status().ToString() << "\n";
      return 1;
    }
    data.requests.push_back(*request);
    data.green.push_back(maptiles::GreenTiles::Evaluate(*data.engine, *request));
    std::cerr << "search " << data.requests.size() << ": "
              << data.green.back().count(engine::Level::k5km) << " green 5 km tiles, "
              << data.green.back().count(engine::Level::k1km) << " green 1 km tiles\n";
  }
  // Tiles over France's box (−5.2…9.6° E, 41.3…51.1° N) that hold grid cells.
  std::vector<uint8_t> pixels(256 * 256);
  for (int z : kZooms) {
    std::vector<maptiles::TileAddress> all;
    for (int y = LatitudeToTile(51.1, z); y <= LatitudeToTile(41.3, z); ++y) {
      for (int x = LongitudeToTile(-5.2, z); x <= LongitudeToTile(9.6, z); ++x) {
        all.push_back({z, static_cast<uint32_t>(x), static_cast<uint32_t>(y)});
      }
    }
    const size_t stride = std::max<size_t>(1, all.size() / 2000);
    std::vector<maptiles::TileAddress> kept;
    for (size_t tile_idx = 0; tile_idx < all.size(); tile_idx += stride) {
      if (data.renderer->Rasterise(data.green[1], all[tile_idx], pixels.data()))
        kept.push_back(all[tile_idx]);
    }
    std::cerr << "zoom " << z << ": " << kept.size() << " tiles with grid cells (of " << all.size()
              << " in the box)\n";
    data.tiles.push_back(std::move(kept));
  }
  fixture = &data;

  benchmark::RegisterBenchmark("EncodeEmptyRgbaPng (baseline)", BM_EncodeEmptyRgbaPng);
  benchmark::RegisterBenchmark("EncodeEmptyPalettePng", BM_EncodeEmptyPalettePng);
  for (int64_t zoom_idx = 0; zoom_idx < 3; ++zoom_idx) {
    for (int64_t search_idx = 0; search_idx < 2; ++search_idx) {
      benchmark::RegisterBenchmark("RenderTile", BM_RenderTile)->Args({zoom_idx, search_idx});
      benchmark::RegisterBenchmark("RasteriseOnly", BM_RasteriseOnly)->Args({zoom_idx, search_idx});
    }
  }
  benchmark::RegisterBenchmark("EvaluateBothLevels", BM_EvaluateBothLevels)
      ->Arg(0)
      ->Arg(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("CreateRenderer", BM_CreateRenderer)->Unit(benchmark::kMillisecond);
  int bench_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&bench_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
