// The green tiles of one map search at both levels, and the bounded cache that keeps them
// between the POST that makes a search and the tile requests that draw it.
//
// A map search evaluates only what decides greenness: the required constraints and the
// territory (preferred constraints only score, the level and the page only shape the
// list answer). Its key is the SHA-256 (hex) of the grid's build date and that canonical
// request, so two requests with the same greenness share a key and an entry, and a rebuilt
// grid never answers a key made on another build (tiles under a key are cached publicly).
//
// Memory: one bit per tile and level. On the national grid (554,226 1 km and 22,810 5 km
// tiles) an entry holds 69,280 + 2,856 bytes of bits, about 72 KB with its key and list
// node; the default 256 entries take about 18.5 MB.
//
// Thread safety: GreenTiles is immutable once made (shared by pointer); MapSearchCache
// may be used from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"
#include "engine/engine.hpp"

namespace vivrovert::maptiles {

class GreenTiles {
 public:
  // Evaluates `request`'s required constraints and territory at every level of the grid
  // (the request's own level and page are ignored).
  static GreenTiles Evaluate(const engine::SearchEngine& engine,
                             const engine::SearchRequest& request);

  bool has_level(engine::Level level) const { return !bits_[static_cast<int>(level)].empty(); }
  bool IsGreen(engine::Level level, size_t tile_idx) const {
    return (bits_[static_cast<int>(level)][tile_idx >> 6] >> (tile_idx & 63)) & 1;
  }
  // Green tiles of a level (0 when the grid lacks it).
  uint64_t count(engine::Level level) const { return counts_[static_cast<int>(level)]; }
  // The words of a level's bit set: bit (i & 63) of word i / 64 is tile i.
  const uint64_t* words(engine::Level level) const { return bits_[static_cast<int>(level)].data(); }
  size_t MemoryBytes() const;

 private:
  std::array<std::vector<uint64_t>, engine::kLevelCount> bits_;
  std::array<uint64_t, engine::kLevelCount> counts_{};
};

// The canonical text of what decides greenness: the grid's build date, the required
// constraints (sorted) and the territory's communes (sorted), as compact JSON.
std::string CanonicalGreenRequest(const engine::SearchRequest& request,
                                  const engine::GridFile& grid);

// SHA-256 hex (64 characters) of CanonicalGreenRequest.
std::string MapSearchKey(const engine::SearchRequest& request, const engine::GridFile& grid);

// A least-recently-used map key → GreenTiles with at most `capacity` entries.
class MapSearchCache {
 public:
  static constexpr size_t kDefaultCapacity = 256;
  explicit MapSearchCache(size_t capacity = kDefaultCapacity);

  // The entry of `key` (now the most recently used), or null.
  std::shared_ptr<const GreenTiles> Find(const std::string& key);
  // Inserts or replaces `key` as the most recently used, evicting the least recently used
  // entry beyond the capacity.
  void Put(const std::string& key, std::shared_ptr<const GreenTiles> tiles);
  size_t size() const;
  size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const GreenTiles>>;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> recent_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
};

}  // namespace vivrovert::maptiles
