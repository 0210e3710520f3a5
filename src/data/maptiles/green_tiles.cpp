#include "data/maptiles/green_tiles.hpp"

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>

#include "core/common/text.hpp"
#include "engine/engine.hpp"

namespace vivrovert::maptiles {

GreenTiles GreenTiles::Evaluate(const engine::SearchEngine& engine,
                                const engine::SearchRequest& request) {
  engine::SearchRequest green_request = request;
  std::erase_if(green_request.constraints, [](const engine::Constraint& constraint) {
    return constraint.importance != engine::Importance::kRequired;
  });
  GreenTiles out;
  for (int level_idx = 0; level_idx < engine::kLevelCount; ++level_idx) {
    const auto level = static_cast<engine::Level>(level_idx);
    const engine::LevelView* view = engine.grid().level(level);
    if (view == nullptr) continue;
    std::vector<uint64_t>& bits = out.bits_[level_idx];
    bits.assign((view->tile_count() + 63) / 64, 0);
    if (green_request.constraints.empty()) {
      // Nothing required: every tile of the territory (or of the grid) is green.
      if (green_request.has_territory) {
        engine::Territory territory =
            engine::Territory::FromCommunes(green_request.territory_communes);
        for (uint32_t tile_idx : territory.Tiles(*view))
          bits[tile_idx >> 6] |= uint64_t{1} << (tile_idx & 63);
      } else {
        for (size_t tile_idx = 0; tile_idx < view->tile_count(); ++tile_idx) {
          bits[tile_idx >> 6] |= uint64_t{1} << (tile_idx & 63);
        }
      }
    } else {
      green_request.level = level;
      for (uint32_t tile_idx : engine.GreenTiles(green_request))
        bits[tile_idx >> 6] |= uint64_t{1} << (tile_idx & 63);
    }
    uint64_t count = 0;
    for (uint64_t word : bits) count += static_cast<uint64_t>(std::popcount(word));
    out.counts_[level_idx] = count;
  }
  return out;
}

size_t GreenTiles::MemoryBytes() const {
  size_t bytes = sizeof(GreenTiles);
  for (const auto& bits : bits_) bytes += bits.capacity() * sizeof(uint64_t);
  return bytes;
}

std::string CanonicalGreenRequest(const engine::SearchRequest& request,
                                  const engine::GridFile& grid) {
  nlohmann::json constraints = nlohmann::json::array();
  for (const engine::Constraint& constraint : request.constraints) {
    if (constraint.importance != engine::Importance::kRequired) continue;
    nlohmann::json entry = {{"criterion", grid.catalogue().criteria()[constraint.criterion].id}};
    if (constraint.min) entry["min"] = *constraint.min;
    if (constraint.max) entry["max"] = *constraint.max;
    constraints.push_back(std::move(entry));
  }
  std::sort(constraints.begin(), constraints.end(),
            [](const nlohmann::json& a, const nlohmann::json& b) { return a.dump() < b.dump(); });
  nlohmann::json canonical = {{"grid_built_at", grid.header().value("built_at", nlohmann::json())},
                              {"required", std::move(constraints)}};
  if (request.has_territory) {
    std::vector<std::string> codes;
    for (uint32_t commune : request.territory_communes)
      codes.push_back(grid.communes()[commune].code);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    canonical["territory_communes"] = codes;
  }
  // Required places decide green tiles too: by where they lie and how far (their names
  // do not matter).
  nlohmann::json places = nlohmann::json::array();
  for (const engine::PlaceConstraint& place : request.places) {
    if (place.importance != engine::Importance::kRequired) continue;
    places.push_back({place.x, place.y, place.max_km});
  }
  if (!places.empty()) {
    std::sort(places.begin(), places.end(),
              [](const nlohmann::json& a, const nlohmann::json& b) { return a.dump() < b.dump(); });
    canonical["required_places"] = std::move(places);
  }
  return canonical.dump();
}

std::string MapSearchKey(const engine::SearchRequest& request, const engine::GridFile& grid) {
  return Sha256Hex(CanonicalGreenRequest(request, grid));
}

MapSearchCache::MapSearchCache(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

std::shared_ptr<const GreenTiles> MapSearchCache::Find(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = by_key_.find(key);
  if (found == by_key_.end()) return nullptr;
  recent_.splice(recent_.begin(), recent_, found->second);
  return found->second->second;
}

void MapSearchCache::Put(const std::string& key, std::shared_ptr<const GreenTiles> tiles) {
  std::lock_guard lock(mutex_);
  auto found = by_key_.find(key);
  if (found != by_key_.end()) {
    found->second->second = std::move(tiles);
    recent_.splice(recent_.begin(), recent_, found->second);
    return;
  }
  recent_.emplace_front(key, std::move(tiles));
  by_key_[key] = recent_.begin();
  while (recent_.size() > capacity_) {
    by_key_.erase(recent_.back().first);
    recent_.pop_back();
  }
}

size_t MapSearchCache::size() const {
  std::lock_guard lock(mutex_);
  return recent_.size();
}

}  // namespace vivrovert::maptiles
