// Territories: sets of communes named by codes, and the one rule that says which tiles a
// territory owns.
//
// The rule (DESIGN §1, issue "Partners and listings"): a territory owns a tile when one of
// its communes overlaps the tile. A tile on a boundary therefore belongs to every
// territory touching it — a commune, its EPCI and its département, or two neighbouring
// communes — and a lead on such a tile goes to each of them. Search restrictions, the
// partners' maps, tile owners and leads all go through this file.
//
// Thread safety: Territory and TerritoryIndex are immutable once built; share them.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::engine {

// The codes a territory is made of (any mix).
struct TerritoryCodes {
  std::vector<std::string> communes;      // INSEE codes
  std::vector<std::string> epcis;         // SIREN
  std::vector<std::string> departements;  // "46", "2A"

  bool empty() const { return communes.empty() && epcis.empty() && departements.empty(); }
};

class Territory {
 public:
  // The communes of the grid that `codes` designate. Errors: NotFound naming the first
  // code the grid does not know (field "communes[i]", "epcis[i]" or "departements[i]").
  static Result<Territory> Resolve(const GridFile& grid, const TerritoryCodes& codes);
  // A territory from commune indices already resolved (sorted or not, duplicates allowed).
  static Territory FromCommunes(std::vector<uint32_t> communes);

  // Ascending, unique indices in grid.communes().
  const std::vector<uint32_t>& communes() const { return communes_; }
  bool empty() const { return communes_.empty(); }
  bool ContainsCommune(uint32_t commune_idx) const;

  // The rule: one of the territory's communes overlaps the tile.
  bool OwnsTile(const LevelView& level, size_t tile_idx) const;
  // Every tile of `level` the territory owns, as ascending storage indices.
  std::vector<uint32_t> Tiles(const LevelView& level) const;

 private:
  std::vector<uint32_t> communes_;
};

// Which of many territories (partners) own a tile: an inverted index commune → owners.
template <typename OwnerId>
class TerritoryIndex {
 public:
  void Add(OwnerId owner, const Territory& territory) {
    for (uint32_t commune : territory.communes()) owners_by_commune_[commune].push_back(owner);
  }
  // The owners of a tile (each once, in the order they were added).
  std::vector<OwnerId> OwnersOfTile(const LevelView& level, size_t tile_idx) const {
    std::vector<OwnerId> owners;
    auto [first, last] = level.communes(tile_idx);
    for (auto share = first; share != last; ++share) {
      auto found = owners_by_commune_.find(share->commune);
      if (found == owners_by_commune_.end()) continue;
      for (const OwnerId& owner : found->second) {
        bool seen = false;
        for (const OwnerId& known : owners) seen = seen || known == owner;
        if (!seen) owners.push_back(owner);
      }
    }
    return owners;
  }

 private:
  std::unordered_map<uint32_t, std::vector<OwnerId>> owners_by_commune_;
};

}  // namespace vivrovert::engine
