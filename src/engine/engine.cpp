#include "engine/engine.hpp"

namespace vivrovert::engine {

SearchBackend SearchBackend::Load(const std::string& grid_path) {
  SearchBackend backend;
  auto grid = GridFile::Open(grid_path);
  if (!grid.ok()) {
    backend.load_status = grid.status();
    return backend;
  }
  backend.grid = std::move(grid).value();
  backend.engine = std::make_unique<SearchEngine>(*backend.grid);
  return backend;
}

}  // namespace vivrovert::engine
