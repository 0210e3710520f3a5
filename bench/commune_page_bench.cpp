// The public page of a commune (/vivre-a/{slug}-{code}, web/communes), rendered on the
// server: its data from the grid (the values of its 1 km tiles, the map, the head's
// schema.org data) and the templates, inside the layout — everything but the database read
// of its listings, given here as 20 listings in memory. Google Benchmark.
//
//   build/bench/vivrovert_bench_commune_page [--grid PATH] [--templates DIR] [benchmark flags]
//
// PATH defaults to var/grid/vivrovert.grid (the national grid of `make run`), DIR to
// templates/pages. Three communes: the one with the most 1 km tiles, the median one, and
// Cahors (46042) when the grid has it; and the similar communes alone. Figures:
// docs/PERFORMANCE.md, "Commune pages".
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/grid_file.hpp"
#include "web/communes/commune_pages.hpp"
#include "web/http/templates.hpp"

namespace vivrovert {
namespace {

struct Fixture {
  std::unique_ptr<engine::GridFile> grid;
  std::unique_ptr<communes::CommuneIndex> index;
  std::unique_ptr<web::TemplateRenderer> templates;
  std::vector<listings::Listing> listings;
};

Fixture* fixture = nullptr;

void BM_CommunePage(benchmark::State& state) {
  const auto commune_idx = static_cast<uint32_t>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    mstch::map data = communes::CommunePageData(*fixture->index, commune_idx, fixture->listings,
                                                "https://vivrovert.fr");
    data["csrf_token"] = std::string("token");
    data["user"] = false;
    data["partner_site"] = false;
    Result<std::string> html = fixture->templates->RenderPage("commune", std::move(data));
    if (!html.ok()) {
      state.SkipWithError(std::string(html.status().message()).c_str());
      return;
    }
    bytes = html->size();
    benchmark::DoNotOptimize(html->data());
  }
  state.counters["tiles"] = static_cast<double>(fixture->index->TilesOf(commune_idx).size());
  state.counters["html_bytes"] = static_cast<double>(bytes);
  state.SetLabel(fixture->grid->communes()[commune_idx].name);
}

// The page's data alone (grid reads, the map, the JSON-LD), without the templates.
void BM_CommunePageData(benchmark::State& state) {
  const auto commune_idx = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) {
    mstch::map data = communes::CommunePageData(*fixture->index, commune_idx, fixture->listings,
                                                "https://vivrovert.fr");
    benchmark::DoNotOptimize(data.size());
  }
  state.SetLabel(fixture->grid->communes()[commune_idx].name);
}

// The communes most like it alone ("communes au profil proche", part of the page's data):
// one pass over every commune's profile.
void BM_SimilarCommunes(benchmark::State& state) {
  const auto commune_idx = static_cast<uint32_t>(state.range(0));
  for (auto _ : state) {
    std::vector<similarity::Neighbour> nearest =
        fixture->index->SimilarTo(commune_idx, communes::kSimilarCommunes);
    benchmark::DoNotOptimize(nearest.data());
  }
  state.counters["communes"] = static_cast<double>(fixture->index->similarity().codes().size());
  state.SetLabel(fixture->grid->communes()[commune_idx].name);
}

}  // namespace
}  // namespace vivrovert

int main(int argc, char** argv) {
  using namespace vivrovert;
  std::string grid_path = "var/grid/vivrovert.grid";
  std::string templates_dir = "templates/pages";
  std::vector<char*> rest{argv[0]};
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    if (std::strcmp(argv[arg_idx], "--grid") == 0 && arg_idx + 1 < argc) {
      grid_path = argv[++arg_idx];
    } else if (std::strcmp(argv[arg_idx], "--templates") == 0 && arg_idx + 1 < argc) {
      templates_dir = argv[++arg_idx];
    } else {
      rest.push_back(argv[arg_idx]);
    }
  }
  Fixture data;
  auto grid = engine::GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << grid.status().ToString() << "\n";
    return 1;
  }
  data.grid = std::move(*grid);
  data.index = std::make_unique<communes::CommuneIndex>(*data.grid);
  auto templates = web::TemplateRenderer::Load(templates_dir);
  if (!templates.ok()) {
    std::cerr << templates.status().ToString() << "\n";
    return 1;
  }
  data.templates = std::make_unique<web::TemplateRenderer>(std::move(*templates));
  for (int listing_idx = 0; listing_idx < communes::kCommuneListings; ++listing_idx) {
    listings::Listing listing;
    listing.id = 1000 + listing_idx;
    listing.title = "Annonce de mesure n° " + std::to_string(listing_idx + 1);
    data.listings.push_back(listing);
  }
  fixture = &data;

  const size_t count = data.grid->communes().size();
  std::vector<uint32_t> by_tiles(count);
  for (uint32_t commune_idx = 0; commune_idx < count; ++commune_idx)
    by_tiles[commune_idx] = commune_idx;
  std::sort(by_tiles.begin(), by_tiles.end(), [&data](uint32_t left, uint32_t right) {
    return data.index->TilesOf(left).size() < data.index->TilesOf(right).size();
  });
  std::vector<int64_t> chosen = {by_tiles.back(), by_tiles[count / 2]};
  if (std::optional<uint32_t> cahors = data.grid->FindCommune("46042")) chosen.push_back(*cahors);
  std::cerr << count << " communes; the largest has " << data.index->TilesOf(by_tiles.back()).size()
            << " tiles, the median " << data.index->TilesOf(by_tiles[count / 2]).size() << "\n";
  auto* bench = benchmark::RegisterBenchmark("BM_CommunePage", BM_CommunePage);
  auto* data_only = benchmark::RegisterBenchmark("BM_CommunePageData", BM_CommunePageData);
  auto* similar = benchmark::RegisterBenchmark("BM_SimilarCommunes", BM_SimilarCommunes);
  for (int64_t commune_idx : chosen) {
    bench->Arg(commune_idx);
    data_only->Arg(commune_idx);
    similar->Arg(commune_idx);
  }
  bench->Unit(benchmark::kMillisecond);
  data_only->Unit(benchmark::kMillisecond);
  similar->Unit(benchmark::kMillisecond);

  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
