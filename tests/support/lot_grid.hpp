// The grid of the Lot (département 46), built once per test binary from ../shared/data and
// mapped for the whole run; its file is deleted at exit. For tests that need real tiles,
// communes and values but not the national grid.
//
// The including test target defines VIVROVERT_TEST_DATA_DIR (../shared/data) and
// VIVROVERT_SOURCE_ROOT, and links vivrovert_grid_builder. Throws std::runtime_error when
// the build fails (the open data missing, say): the test fails with the reason.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "data/grid_builder/grid_builder.hpp"
#include "engine/grid_file.hpp"
#include "web_test_support.hpp"

namespace vivrovert::testing {

namespace lot_grid_internal {

struct Built {
  std::string path;
  std::unique_ptr<engine::GridFile> grid;

  Built() {
    grid_builder::GridBuildOptions options;
    options.data_dir = VIVROVERT_TEST_DATA_DIR;
    options.catalogue_path = std::string(VIVROVERT_SOURCE_ROOT) + "/data/criteria.json";
    options.departements = {"46"};
    options.threads = 2;
    options.built_at = kTestNow;
    auto data = grid_builder::BuildGrid(options, nullptr);
    if (!data.ok()) throw std::runtime_error("grid of the Lot: " + data.status().ToString());
    path = (std::filesystem::temp_directory_path() /
            ("vivrovert-lot-" + std::to_string(::getpid()) + ".grid"))
               .string();
    if (Status written = engine::WriteGridFile(*data, path); !written.ok()) {
      throw std::runtime_error("grid of the Lot: " + written.ToString());
    }
    auto opened = engine::GridFile::Open(path);
    if (!opened.ok()) throw std::runtime_error("grid of the Lot: " + opened.status().ToString());
    grid = std::move(*opened);
  }
  ~Built() {
    grid.reset();
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove(path, ignored);
  }
};

inline const Built& Get() {
  static const Built built;
  return built;
}

}  // namespace lot_grid_internal

inline const engine::GridFile& LotGrid() { return *lot_grid_internal::Get().grid; }
// Its file, for code that maps a grid by path (engine::SearchBackend::Load).
inline const std::string& LotGridPath() { return lot_grid_internal::Get().path; }

}  // namespace vivrovert::testing
