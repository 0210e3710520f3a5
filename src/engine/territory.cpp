#include "engine/territory.hpp"

#include <algorithm>

namespace vivrovert::engine {

Result<Territory> Territory::Resolve(const GridFile& grid, const TerritoryCodes& codes) {
  std::vector<uint32_t> communes;
  struct Part {
    const std::vector<std::string>* codes;
    GridFile::CodeKind kind;
    const char* field;
    const char* what;
  };
  const Part parts[] = {
      {&codes.communes, GridFile::CodeKind::kCommune, "communes", "commune"},
      {&codes.epcis, GridFile::CodeKind::kEpci, "epcis", "EPCI"},
      {&codes.departements, GridFile::CodeKind::kDepartement, "departements", "département"},
  };
  for (const Part& part : parts) {
    for (size_t code_idx = 0; code_idx < part.codes->size(); ++code_idx) {
      const std::string& code = (*part.codes)[code_idx];
      const std::vector<uint32_t>* members = grid.CommunesWithCode(part.kind, code);
      if (members == nullptr) {
        return NotFound(std::string("Code ") + part.what + " inconnu dans la grille : « " +
                            code.substr(0, 20) + " ».",
                        std::string(part.field) + "[" + std::to_string(code_idx) + "]");
      }
      communes.insert(communes.end(), members->begin(), members->end());
    }
  }
  return FromCommunes(std::move(communes));
}

Territory Territory::FromCommunes(std::vector<uint32_t> communes) {
  std::sort(communes.begin(), communes.end());
  communes.erase(std::unique(communes.begin(), communes.end()), communes.end());
  Territory territory;
  territory.communes_ = std::move(communes);
  return territory;
}

bool Territory::ContainsCommune(uint32_t commune_idx) const {
  return std::binary_search(communes_.begin(), communes_.end(), commune_idx);
}

bool Territory::OwnsTile(const LevelView& level, size_t tile_idx) const {
  auto [first, last] = level.communes(tile_idx);
  for (auto share = first; share != last; ++share) {
    if (ContainsCommune(share->commune)) return true;
  }
  return false;
}

std::vector<uint32_t> Territory::Tiles(const LevelView& level) const {
  std::vector<uint32_t> tiles;
  if (communes_.empty()) return tiles;
  for (size_t tile_idx = 0; tile_idx < level.tile_count(); ++tile_idx) {
    if (OwnsTile(level, tile_idx)) tiles.push_back(static_cast<uint32_t>(tile_idx));
  }
  return tiles;
}

}  // namespace vivrovert::engine
