// The grid file: every tile of both levels with its communes and criteria values, in one
// versioned binary file that the engine memory-maps.
//
// Layout (little-endian, every section aligned on 64 bytes):
//   bytes 0–7    magic "VVGRID\0\0"
//   bytes 8–11   format version (kGridFormatVersion)
//   bytes 12–15  0x01020304, to refuse a file of the other byte order
//   bytes 16–23  offset of the JSON header, bytes 24–31 its size
//   sections     per level: tile corners (int32 east, north), commune-share offsets
//                (uint32, tiles + 1), commune shares ({uint32 commune, float32 share}),
//                then one column of codes per criterion (uint16 or uint32 per tile)
//   JSON header  format version, build date, scope, sources, the criteria catalogue with
//                per-level coverage, the commune table, and the sections' offsets/sizes.
// Tiles are ordered along a Hilbert curve at each level.
//
// Writing goes to a temporary file renamed at the end, so a reader never sees a partial
// file. Opening checks the magic, byte order, version and that every section lies inside
// the file: another version or a truncated file is refused with a message that says so.
//
// Thread safety: a GridFile is immutable once open; share it between threads.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/status.hpp"
#include "engine/criteria_catalogue.hpp"
#include "engine/tile_id.hpp"

namespace vivrovert::engine {

// 2: communes carry population, centre and postcodes; EPCI and département names.
inline constexpr uint32_t kGridFormatVersion = 2;

struct CommuneRef {
  CommuneRef() = default;
  CommuneRef(std::string code_in, std::string name_in, std::string departement_in,
             std::string epci_in)
      : code(std::move(code_in)),
        name(std::move(name_in)),
        departement(std::move(departement_in)),
        epci(std::move(epci_in)) {}

  std::string code;
  std::string name;
  std::string departement;
  std::string epci;
  int64_t population = 0;           // legal population of the COG in use
  double longitude = std::nan("");  // centre (WGS84); NaN when the statistics lack it
  double latitude = std::nan("");
  std::vector<std::string> postcodes;

  bool has_centre() const { return !std::isnan(longitude) && !std::isnan(latitude); }
};

// Names of the EPCI and départements the commune table refers to.
struct AreaNames {
  std::unordered_map<std::string, std::string> epcis;         // SIREN → name
  std::unordered_map<std::string, std::string> departements;  // code → name
};

// Part of a tile's area covered by a commune.
struct CommuneShare {
  uint32_t commune = 0;  // index in the commune table
  float share = 0;       // in (0, 1]
};

// What the builder hands to the writer for one level.
struct LevelData {
  Level level = Level::k1km;
  std::vector<TileId> tiles;            // storage order (Hilbert)
  std::vector<uint32_t> share_offsets;  // tiles.size() + 1 entries
  std::vector<CommuneShare> shares;
  std::vector<std::vector<uint32_t>> codes;  // [criterion][tile]
};

struct GridData {
  CriteriaCatalogue catalogue;
  std::vector<CommuneRef> communes;
  AreaNames area_names;
  std::vector<LevelData> levels;                     // one per level present
  nlohmann::json sources = nlohmann::json::array();  // inputs: dataset, publisher, vintage, file
  std::string scope;     // "France métropolitaine" or "départements 46, 19"
  int64_t built_at = 0;  // epoch seconds
  // Per criterion id: why it has no value ("source absent: …"), for the UI.
  std::unordered_map<std::string, std::string> unavailable_reasons;
};

// Writes `data` to `path` atomically (temporary file + rename). Errors: Unavailable on
// I/O failure; InvalidArgument when the data is inconsistent (column lengths).
Status WriteGridFile(const GridData& data, const std::string& path);

// A read-only view of one level of an open grid file.
class LevelView {
 public:
  Level level() const { return level_; }
  size_t tile_count() const { return tile_count_; }
  TileId tile(size_t tile_idx) const {
    return {level_, corners_[2 * tile_idx], corners_[2 * tile_idx + 1]};
  }
  // Communes overlapping a tile, largest share first.
  std::pair<const CommuneShare*, const CommuneShare*> communes(size_t tile_idx) const {
    return {shares_ + share_offsets_[tile_idx], shares_ + share_offsets_[tile_idx + 1]};
  }
  // Raw code of a criterion for a tile (the criterion's MissingCode() when missing).
  uint32_t Code(size_t criterion_idx, size_t tile_idx) const;
  // Decoded value, nullopt when missing.
  std::optional<double> Value(size_t criterion_idx, size_t tile_idx) const;
  // The column of a criterion: uint16_t* or uint32_t* according to its width.
  const void* column(size_t criterion_idx) const { return columns_[criterion_idx]; }
  // Storage index of a tile of this level, nullopt when the grid has no such tile.
  std::optional<size_t> Find(const TileId& tile) const;

 private:
  friend class GridFile;
  Level level_ = Level::k1km;
  size_t tile_count_ = 0;
  const int32_t* corners_ = nullptr;
  const uint32_t* share_offsets_ = nullptr;
  const CommuneShare* shares_ = nullptr;
  std::vector<const void*> columns_;
  const CriteriaCatalogue* catalogue_ = nullptr;
  std::unordered_map<uint64_t, uint32_t> index_;
};

class GridFile {
 public:
  // Maps `path` and checks it. Errors: NotFound (no file), DataLoss (not a grid file,
  // another format version, truncated or inconsistent).
  static Result<std::unique_ptr<GridFile>> Open(const std::string& path);
  ~GridFile();
  GridFile(const GridFile&) = delete;
  GridFile& operator=(const GridFile&) = delete;

  const nlohmann::json& header() const { return header_; }
  const CriteriaCatalogue& catalogue() const { return catalogue_; }
  const std::vector<CommuneRef>& communes() const { return communes_; }
  // Indices of the communes with that INSEE code, EPCI SIREN or département code (in
  // ascending order); nullptr when the grid has none.
  enum class CodeKind { kCommune, kEpci, kDepartement };
  const std::vector<uint32_t>* CommunesWithCode(CodeKind kind, const std::string& code) const;
  // Indices of the communes a La Poste postcode serves; nullptr when none.
  const std::vector<uint32_t>* CommunesWithPostcode(const std::string& postcode) const;
  // Index of the commune with that INSEE code, nullopt when the grid has none.
  std::optional<uint32_t> FindCommune(const std::string& code) const;
  // Name of an EPCI (SIREN) or département (code); empty when unknown.
  const std::string& EpciName(const std::string& siren) const;
  const std::string& DepartementName(const std::string& code) const;
  // nullptr when the file has no such level.
  const LevelView* level(Level level) const;
  const std::string& path() const { return path_; }

 private:
  GridFile() = default;
  std::string path_;
  void* mapping_ = nullptr;
  size_t size_ = 0;
  nlohmann::json header_;
  CriteriaCatalogue catalogue_;
  std::vector<CommuneRef> communes_;
  std::array<std::unordered_map<std::string, std::vector<uint32_t>>, 3> communes_by_code_;
  std::unordered_map<std::string, std::vector<uint32_t>> communes_by_postcode_;
  AreaNames area_names_;
  std::array<std::optional<LevelView>, kLevelCount> levels_;
};

}  // namespace vivrovert::engine
