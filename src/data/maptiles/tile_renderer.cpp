#include "data/maptiles/tile_renderer.hpp"

#include <png.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "data/geo/projection.hpp"

namespace vivrovert::maptiles {

namespace {

// Half the width of the Web Mercator world, metres.
constexpr double kHalfWorld = 20037508.342789244;

// One PROJ transformation per thread (a Projector is not thread-safe); created on the
// thread's first tile.
const geo::Projector* ThreadMercatorToLaea() {
  thread_local std::optional<geo::Projector> projector;
  thread_local bool failed = false;
  if (!projector && !failed) {
    auto created = geo::Projector::Create(geo::kWebMercator, geo::kLaea);
    if (created.ok()) {
      projector.emplace(std::move(created).value());
    } else {
      failed = true;
    }
  }
  return projector ? &*projector : nullptr;
}

Result<uint32_t> ParseNumber(std::string_view text, const char* field) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.size() > 9 || error != std::errc() || ptr != end ||
      text.front() == '+') {
    return InvalidArgument(
        std::string("Coordonnée de tuile invalide : « ") + field + " » doit être un entier.",
        field);
  }
  return value;
}

}  // namespace

Result<TileAddress> ParseTileAddress(std::string_view z, std::string_view x, std::string_view y) {
  VV_ASSIGN_OR_RETURN(uint32_t zoom, ParseNumber(z, "z"));
  if (zoom > static_cast<uint32_t>(kMaxZoom)) {
    return InvalidArgument("Niveau de zoom invalide : 0 à " + std::to_string(kMaxZoom) + ".", "z");
  }
  VV_ASSIGN_OR_RETURN(uint32_t column, ParseNumber(x, "x"));
  VV_ASSIGN_OR_RETURN(uint32_t row, ParseNumber(y, "y"));
  const uint32_t side = uint32_t{1} << zoom;
  if (column >= side) return InvalidArgument("Colonne de tuile hors du monde à ce zoom.", "x");
  if (row >= side) return InvalidArgument("Ligne de tuile hors du monde à ce zoom.", "y");
  return TileAddress{static_cast<int>(zoom), column, row};
}

Result<std::unique_ptr<TileRenderer>> TileRenderer::Create(const engine::GridFile& grid) {
  std::unique_ptr<TileRenderer> renderer(new TileRenderer());
  renderer->grid_ = &grid;
  double min_east = std::numeric_limits<double>::max(), min_north = min_east;
  double max_east = std::numeric_limits<double>::lowest(), max_north = max_east;
  for (int level_idx = 0; level_idx < engine::kLevelCount; ++level_idx) {
    const engine::LevelView* view = grid.level(static_cast<engine::Level>(level_idx));
    if (view == nullptr || view->tile_count() == 0) continue;
    DenseIndex index;
    index.cell = engine::CellSizeMetres(view->level());
    int32_t lo_e = std::numeric_limits<int32_t>::max(), lo_n = lo_e,
            hi_e = std::numeric_limits<int32_t>::min(), hi_n = hi_e;
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
      const engine::TileId tile = view->tile(tile_idx);
      lo_e = std::min(lo_e, tile.east), hi_e = std::max(hi_e, tile.east);
      lo_n = std::min(lo_n, tile.north), hi_n = std::max(hi_n, tile.north);
    }
    index.min_east = lo_e;
    index.min_north = lo_n;
    index.cols = static_cast<uint32_t>((hi_e - lo_e) / index.cell + 1);
    index.rows = static_cast<uint32_t>((hi_n - lo_n) / index.cell + 1);
    index.tiles.assign(size_t{index.cols} * index.rows, -1);
    for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
      const engine::TileId tile = view->tile(tile_idx);
      const size_t col = static_cast<size_t>((tile.east - lo_e) / index.cell);
      const size_t row = static_cast<size_t>((tile.north - lo_n) / index.cell);
      index.tiles[row * index.cols + col] = static_cast<int32_t>(tile_idx);
    }
    min_east = std::min<double>(min_east, lo_e),
    max_east = std::max<double>(max_east, hi_e + index.cell);
    min_north = std::min<double>(min_north, lo_n),
    max_north = std::max<double>(max_north, hi_n + index.cell);
    renderer->indices_[level_idx] = std::move(index);
  }

  VV_ASSIGN_OR_RETURN(geo::Projector to_mercator,
                      geo::Projector::Create(geo::kLaea, geo::kWebMercator));
  if (ThreadMercatorToLaea() == nullptr)
    return InvalidArgument("PROJ cannot transform EPSG:3857 to EPSG:3035");
  // The Mercator box of the grid's LAEA box: the image of a rectangle is bounded by the
  // image of its edges, sampled densely enough for the curvature at that scale.
  renderer->min_mx_ = renderer->min_my_ = std::numeric_limits<double>::max();
  renderer->max_mx_ = renderer->max_my_ = std::numeric_limits<double>::lowest();
  if (min_east <= max_east) {
    constexpr int kSamples = 64;
    for (int sample = 0; sample <= kSamples; ++sample) {
      const double t = static_cast<double>(sample) / kSamples;
      const geo::Point edges[] = {{min_east + t * (max_east - min_east), min_north},
                                  {min_east + t * (max_east - min_east), max_north},
                                  {min_east, min_north + t * (max_north - min_north)},
                                  {max_east, min_north + t * (max_north - min_north)}};
      for (geo::Point point : edges) {
        if (!to_mercator.Transform(point)) continue;
        renderer->min_mx_ = std::min(renderer->min_mx_, point.x),
        renderer->max_mx_ = std::max(renderer->max_mx_, point.x);
        renderer->min_my_ = std::min(renderer->min_my_, point.y),
        renderer->max_my_ = std::max(renderer->max_my_, point.y);
      }
    }
    const double margin = 0.02 * std::max(renderer->max_mx_ - renderer->min_mx_,
                                          renderer->max_my_ - renderer->min_my_);
    renderer->min_mx_ -= margin, renderer->min_my_ -= margin;
    renderer->max_mx_ += margin, renderer->max_my_ += margin;
  }
  std::vector<uint8_t> blank(size_t{kTileSize} * kTileSize, kTransparent);
  renderer->empty_png_ = EncodePalettePng(blank.data(), kTileSize, kTileSize);
  if (renderer->empty_png_.empty()) return Internal("libpng could not encode an empty tile");
  return renderer;
}

engine::Level TileRenderer::LevelForZoom(int z) const {
  const bool has_5km = indices_[static_cast<int>(engine::Level::k5km)].has_value();
  const bool has_1km = indices_[static_cast<int>(engine::Level::k1km)].has_value();
  if (z < kFirstFineZoom) return has_5km || !has_1km ? engine::Level::k5km : engine::Level::k1km;
  return has_1km || !has_5km ? engine::Level::k1km : engine::Level::k5km;
}

bool TileRenderer::Rasterise(const GreenTiles& green, const TileAddress& tile,
                             uint8_t* pixels) const {
  std::fill(pixels, pixels + size_t{kTileSize} * kTileSize, kTransparent);
  const engine::Level level = LevelForZoom(tile.z);
  const std::optional<DenseIndex>& maybe_index = indices_[static_cast<int>(level)];
  if (!maybe_index || !green.has_level(level)) return false;
  const DenseIndex& index = *maybe_index;

  const double resolution =
      2 * kHalfWorld / (static_cast<double>(kTileSize) * std::ldexp(1.0, tile.z));
  const double left = -kHalfWorld + tile.x * kTileSize * resolution;
  const double top = kHalfWorld - tile.y * kTileSize * resolution;
  const double right = left + kTileSize * resolution, bottom = top - kTileSize * resolution;
  if (right < min_mx_ || left > max_mx_ || top < min_my_ || bottom > max_my_) return false;

  const geo::Projector* projector = ThreadMercatorToLaea();
  if (projector == nullptr) return false;
  // Mesh nodes on pixel corners, in LAEA metres.
  const int step = MeshStep(tile.z);
  const int nodes = kTileSize / step + 1;
  std::array<geo::Point, (kTileSize / kFinestMeshStep + 1) * (kTileSize / kFinestMeshStep + 1)>
      mesh;
  std::array<bool, mesh.size()> valid{};
  for (int node_row = 0; node_row < nodes; ++node_row) {
    for (int node_col = 0; node_col < nodes; ++node_col) {
      geo::Point point{left + node_col * step * resolution, top - node_row * step * resolution};
      const size_t node = static_cast<size_t>(node_row * nodes + node_col);
      valid[node] = projector->Transform(point) && std::isfinite(point.x) && std::isfinite(point.y);
      mesh[node] = point;
    }
  }

  const double inv_cell = 1.0 / index.cell;
  const double raster_west = index.min_east, raster_south = index.min_north;
  const double raster_east = raster_west + static_cast<double>(index.cols) * index.cell;
  const double raster_north = raster_south + static_cast<double>(index.rows) * index.cell;
  const uint64_t* words = green.words(level);
  bool any = false;
  for (int cell_row = 0; cell_row + 1 < nodes; ++cell_row) {
    for (int cell_col = 0; cell_col + 1 < nodes; ++cell_col) {
      const size_t n00 = static_cast<size_t>(cell_row * nodes + cell_col), n10 = n00 + 1;
      const size_t n01 = n00 + static_cast<size_t>(nodes), n11 = n01 + 1;
      if (!valid[n00] || !valid[n10] || !valid[n01] || !valid[n11]) continue;
      const geo::Point c00 = mesh[n00], c10 = mesh[n10], c01 = mesh[n01], c11 = mesh[n11];
      // A mesh cell whose corners all lie on one side of the raster draws nothing.
      const double lo_x = std::min({c00.x, c10.x, c01.x, c11.x}),
                   hi_x = std::max({c00.x, c10.x, c01.x, c11.x});
      const double lo_y = std::min({c00.y, c10.y, c01.y, c11.y}),
                   hi_y = std::max({c00.y, c10.y, c01.y, c11.y});
      if (hi_x < raster_west || lo_x >= raster_east || hi_y < raster_south || lo_y >= raster_north)
        continue;
      for (int sub_row = 0; sub_row < step; ++sub_row) {
        const double v = (sub_row + 0.5) / step;
        const double left_x = c00.x + (c01.x - c00.x) * v, left_y = c00.y + (c01.y - c00.y) * v;
        const double right_x = c10.x + (c11.x - c10.x) * v, right_y = c10.y + (c11.y - c10.y) * v;
        const double dx = (right_x - left_x) / step, dy = (right_y - left_y) / step;
        double fx = (left_x + 0.5 * dx - raster_west) * inv_cell,
               fy = (left_y + 0.5 * dy - raster_south) * inv_cell;
        const double step_fx = dx * inv_cell, step_fy = dy * inv_cell;
        uint8_t* out = pixels + static_cast<size_t>(cell_row * step + sub_row) * kTileSize +
                       static_cast<size_t>(cell_col * step);
        for (int sub_col = 0; sub_col < step; ++sub_col, fx += step_fx, fy += step_fy) {
          // Negative positions are rejected before the truncation, which is then a floor.
          if (fx < 0 || fy < 0 || fx >= index.cols || fy >= index.rows) continue;
          const int32_t tile_idx =
              index.tiles[static_cast<size_t>(fy) * index.cols + static_cast<size_t>(fx)];
          if (tile_idx < 0) continue;
          const bool is_green = (words[tile_idx >> 6] >> (tile_idx & 63)) & 1;
          out[sub_col] = is_green ? kGreenCell : kGridCell;
          any = true;
        }
      }
    }
  }
  return any;
}

std::string TileRenderer::Render(const GreenTiles& green, const TileAddress& tile) const {
  std::vector<uint8_t> pixels(size_t{kTileSize} * kTileSize);
  if (!Rasterise(green, tile, pixels.data())) return empty_png_;
  std::string png = EncodePalettePng(pixels.data(), kTileSize, kTileSize);
  return png.empty() ? empty_png_ : png;
}

namespace {

std::string WriteImage(png_image& image, const void* buffer, const void* colormap) {
  std::string out(PNG_IMAGE_PNG_SIZE_MAX(image), '\0');
  png_alloc_size_t size = out.size();
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, buffer, 0, colormap)) {
    png_image_free(&image);
    return {};
  }
  out.resize(size);
  return out;
}

}  // namespace

std::string EncodePalettePng(const uint8_t* pixels, int width, int height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA_COLORMAP;
  // Three entries: libpng packs the indices at 2 bits per pixel.
  image.colormap_entries = static_cast<png_uint_32>(kPalette.size());
  return WriteImage(image, pixels, kPalette.data());
}

std::string EncodeRgbaPng(const uint8_t* rgba, int width, int height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  return WriteImage(image, rgba, nullptr);
}

}  // namespace vivrovert::maptiles
