// Small grids for the search tests: written with the real writer and read back through
// the real mmap reader, so the engine under test sees exactly what production sees.
#pragma once

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "engine/grid_file.hpp"

namespace vivrovert::engine::testing {

inline nlohmann::json TestCatalogueJson() {
  auto criterion = [](const char* id, int width, double step, double offset,
                      const char* direction) {
    return nlohmann::json{{"id", id},
                          {"label", id},
                          {"unit", "u"},
                          {"group", "Test"},
                          {"direction", direction},
                          {"source", {{"publisher", "test"}}},
                          {"storage", {{"width", width}, {"step", step}, {"offset", offset}}}};
  };
  return {
      {"groups", {"Test"}},
      {"criteria",
       {criterion("dist_km", 2, 0.01, 0, "lower"), criterion("density", 4, 1, 0, "lower"),
        criterion("change_pct", 2, 0.01, -100, "higher"), criterion("flat", 2, 1, 0, "higher")}}};
}

class TestGridFile {
 public:
  explicit TestGridFile(const GridData& data) {
    path_ = (std::filesystem::temp_directory_path() /
             ("vivrovert-search-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) +
              ".grid"))
                .string();
    Status status = WriteGridFile(data, path_);
    if (!status.ok()) throw std::runtime_error(status.ToString());
    auto grid = GridFile::Open(path_);
    if (!grid.ok()) throw std::runtime_error(grid.status().ToString());
    grid_ = std::move(grid).value();
  }
  ~TestGridFile() {
    grid_.reset();
    std::filesystem::remove(path_);
  }
  const GridFile& grid() const { return *grid_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
  std::unique_ptr<GridFile> grid_;
};

// `tiles` 1 km tiles in a row-major square, random values (fixed seed) with ~5 % missing;
// the first block of "flat" is constant so zone maps prove whole blocks; 12 communes in
// two départements, one or two per tile.
inline GridData RandomGrid(size_t tiles, uint32_t seed) {
  GridData data;
  data.catalogue = *CriteriaCatalogue::FromJson(TestCatalogueJson());
  for (int commune = 0; commune < 12; ++commune) {
    data.communes.push_back({"460" + std::to_string(10 + commune),
                             "Commune " + std::to_string(commune), commune < 6 ? "46" : "19",
                             commune % 2 ? "E1" : "E2"});
  }
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  LevelData level;
  level.level = Level::k1km;
  level.share_offsets.push_back(0);
  const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tiles))));
  const auto& specs = data.catalogue.criteria();
  level.codes.resize(specs.size());
  for (size_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
    const int col = static_cast<int>(tile_idx) % side, row = static_cast<int>(tile_idx) / side;
    level.tiles.push_back({Level::k1km, 3'600'000 + col * 1000, 2'400'000 + row * 1000});
    const uint32_t first = static_cast<uint32_t>(random() % 12);
    level.shares.push_back({first, 0.7f});
    if (random() % 3 == 0) level.shares.push_back({(first + 1) % 12, 0.3f});
    level.share_offsets.push_back(static_cast<uint32_t>(level.shares.size()));
    const double values[] = {unit(random) * 40, std::floor(unit(random) * unit(random) * 3000),
                             unit(random) * 60 - 20,
                             tile_idx < 2048 ? 7.0 : std::floor(unit(random) * 10)};
    for (size_t criterion_idx = 0; criterion_idx < specs.size(); ++criterion_idx) {
      const bool missing = criterion_idx != 3 && unit(random) < 0.05;
      level.codes[criterion_idx].push_back(
          missing ? specs[criterion_idx].MissingCode()
                  : specs[criterion_idx].Encode(values[criterion_idx]));
    }
  }
  data.levels.push_back(level);
  data.scope = "test";
  return data;
}

}  // namespace vivrovert::engine::testing
