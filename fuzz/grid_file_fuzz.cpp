// Fuzz target: opening a grid file must refuse any foreign, truncated or corrupted file
// with a Status, never read out of bounds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "engine/grid_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("vivrovert-fuzz-grid-" + std::to_string(::getpid())))
                                      .string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto grid = vivrovert::engine::GridFile::Open(path);
  if (grid.ok()) {
    for (int level = 0; level < vivrovert::engine::kLevelCount; ++level) {
      const auto* view = (*grid)->level(static_cast<vivrovert::engine::Level>(level));
      if (view == nullptr) continue;
      for (size_t tile = 0; tile < view->tile_count() && tile < 64; ++tile) {
        auto [first, last] = view->communes(tile);
        for (auto share = first; share != last; ++share)
          (void)(*grid)->communes().at(share->commune);
        for (size_t criterion = 0; criterion < (*grid)->catalogue().criteria().size();
             ++criterion) {
          (void)view->Value(criterion, tile);
        }
      }
    }
  }
  std::filesystem::remove(path);
  return 0;
}
