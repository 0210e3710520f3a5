#include "engine/grid_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace vivrovert::engine {

namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'V', 'V', 'G', 'R', 'I', 'D', '\0', '\0'};
constexpr uint32_t kByteOrderMark = 0x01020304;
constexpr size_t kFixedHeaderSize = 32;
constexpr size_t kAlignment = 64;

uint64_t TileKey(int32_t east, int32_t north) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(east)) << 32) | static_cast<uint32_t>(north);
}

class SectionWriter {
 public:
  explicit SectionWriter(std::ofstream& out) : out_(out) {}

  // Appends `size` bytes aligned on kAlignment, returns {"offset", "size"}.
  json Append(const void* data, size_t size) {
    Pad();
    json section = {{"offset", position_}, {"size", size}};
    out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    position_ += size;
    return section;
  }
  void Pad() {
    static const char kZeros[kAlignment] = {};
    size_t padding = (kAlignment - position_ % kAlignment) % kAlignment;
    out_.write(kZeros, static_cast<std::streamsize>(padding));
    position_ += padding;
  }
  void Skip(size_t size) { position_ += size; }
  uint64_t position() const { return position_; }

 private:
  std::ofstream& out_;
  uint64_t position_ = 0;
};

}  // namespace

namespace {

// fsync of a file or directory; false when it cannot be opened or synced.
bool SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace

Status WriteGridFile(const GridData& data, const std::string& path) {
  const auto& criteria = data.catalogue.criteria();
  for (const LevelData& level : data.levels) {
    if (level.share_offsets.size() != level.tiles.size() + 1 ||
        level.codes.size() != criteria.size()) {
      return InvalidArgument("grid data of level " + std::string(LevelName(level.level)) +
                             " is inconsistent");
    }
    for (const auto& column : level.codes) {
      if (column.size() != level.tiles.size()) {
        return InvalidArgument("a criterion column does not have one code per tile");
      }
    }
  }
  std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  std::filesystem::path temp = target;
  temp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + temp.string());
    char fixed[kFixedHeaderSize] = {};
    out.write(fixed, sizeof(fixed));  // rewritten once the JSON header's place is known
    SectionWriter writer(out);
    writer.Skip(kFixedHeaderSize);

    json levels = json::array();
    for (const LevelData& level : data.levels) {
      std::vector<int32_t> corners;
      corners.reserve(level.tiles.size() * 2);
      for (const TileId& tile : level.tiles) {
        corners.push_back(tile.east);
        corners.push_back(tile.north);
      }
      json sections;
      sections["corners"] = writer.Append(corners.data(), corners.size() * sizeof(int32_t));
      sections["share_offsets"] =
          writer.Append(level.share_offsets.data(), level.share_offsets.size() * sizeof(uint32_t));
      sections["shares"] =
          writer.Append(level.shares.data(), level.shares.size() * sizeof(CommuneShare));
      json columns = json::object();
      json coverage = json::object();
      for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
        const CriterionSpec& spec = criteria[criterion_idx];
        const auto& codes = level.codes[criterion_idx];
        size_t present = 0;
        for (uint32_t code : codes) present += code != spec.MissingCode();
        coverage[spec.id] = codes.empty() ? 0.0 : static_cast<double>(present) / codes.size();
        if (spec.width == 2) {
          std::vector<uint16_t> narrow(codes.begin(), codes.end());
          columns[spec.id] = writer.Append(narrow.data(), narrow.size() * sizeof(uint16_t));
        } else {
          columns[spec.id] = writer.Append(codes.data(), codes.size() * sizeof(uint32_t));
        }
      }
      sections["columns"] = columns;
      levels.push_back({{"level", LevelName(level.level)},
                        {"cell_size_m", CellSizeMetres(level.level)},
                        {"tile_count", level.tiles.size()},
                        {"coverage", coverage},
                        {"sections", sections}});
    }
    json communes = json::array();
    for (const CommuneRef& commune : data.communes) {
      communes.push_back(
          {commune.code, commune.name, commune.departement, commune.epci, commune.population,
           commune.has_centre() ? json(commune.longitude) : json(nullptr),
           commune.has_centre() ? json(commune.latitude) : json(nullptr), commune.postcodes});
    }
    json header = {
        {"format_version", kGridFormatVersion},
        {"built_at", data.built_at},
        {"scope", data.scope},
        {"crs", "EPSG:3035"},
        {"sources", data.sources},
        {"catalogue", data.catalogue.ToJson()},
        {"unavailable_reasons", data.unavailable_reasons},
        {"levels", levels},
        {"communes", communes},
        {"epcis", data.area_names.epcis},
        {"departements", data.area_names.departements},
    };
    std::string header_text = header.dump();
    json header_section = writer.Append(header_text.data(), header_text.size());

    out.seekp(0);
    std::memcpy(fixed, kMagic, sizeof(kMagic));
    uint32_t version = kGridFormatVersion;
    std::memcpy(fixed + 8, &version, 4);
    std::memcpy(fixed + 12, &kByteOrderMark, 4);
    uint64_t header_offset = header_section["offset"];
    uint64_t header_size = header_section["size"];
    std::memcpy(fixed + 16, &header_offset, 8);
    std::memcpy(fixed + 24, &header_size, 8);
    out.write(fixed, sizeof(fixed));
    out.flush();
    if (!out) return Unavailable("cannot write " + temp.string() + " (disk full?)");
  }
  // On disk before the rename: after a crash the path names the old file or the whole new
  // one, and a server watching the path (app/site.hpp) never maps a file still being written.
  if (!SyncPath(temp.string())) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return Unavailable("cannot write " + temp.string() + " to disk (fsync)");
  }
  std::error_code error;
  std::filesystem::rename(temp, target, error);
  if (error) {
    std::filesystem::remove(temp, error);
    return Unavailable("cannot rename the grid file into " + path);
  }
  // The rename itself (best effort: some file systems refuse to sync a directory).
  SyncPath(target.has_parent_path() ? target.parent_path().string() : std::string("."));
  return Status::Ok();
}

uint32_t LevelView::Code(size_t criterion_idx, size_t tile_idx) const {
  const CriterionSpec& spec = catalogue_->criteria()[criterion_idx];
  return spec.width == 2 ? static_cast<const uint16_t*>(columns_[criterion_idx])[tile_idx]
                         : static_cast<const uint32_t*>(columns_[criterion_idx])[tile_idx];
}

std::optional<double> LevelView::Value(size_t criterion_idx, size_t tile_idx) const {
  const CriterionSpec& spec = catalogue_->criteria()[criterion_idx];
  uint32_t code = Code(criterion_idx, tile_idx);
  if (code == spec.MissingCode()) return std::nullopt;
  return spec.Decode(code);
}

std::optional<size_t> LevelView::Find(const TileId& tile) const {
  if (tile.level != level_) return std::nullopt;
  auto found = index_.find(TileKey(tile.east, tile.north));
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

GridFile::~GridFile() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
}

const std::vector<uint32_t>* GridFile::CommunesWithCode(CodeKind kind,
                                                        const std::string& code) const {
  const auto& index = communes_by_code_[static_cast<size_t>(kind)];
  auto found = index.find(code);
  return found == index.end() ? nullptr : &found->second;
}

const std::vector<uint32_t>* GridFile::CommunesWithPostcode(const std::string& postcode) const {
  auto found = communes_by_postcode_.find(postcode);
  return found == communes_by_postcode_.end() ? nullptr : &found->second;
}

std::optional<uint32_t> GridFile::FindCommune(const std::string& code) const {
  const std::vector<uint32_t>* found = CommunesWithCode(CodeKind::kCommune, code);
  if (found == nullptr || found->empty()) return std::nullopt;
  return found->front();
}

namespace {
const std::string& NameIn(const std::unordered_map<std::string, std::string>& names,
                          const std::string& code) {
  static const std::string kNone;
  auto found = names.find(code);
  return found == names.end() ? kNone : found->second;
}
}  // namespace

const std::string& GridFile::EpciName(const std::string& siren) const {
  return NameIn(area_names_.epcis, siren);
}

const std::string& GridFile::DepartementName(const std::string& code) const {
  return NameIn(area_names_.departements, code);
}

const LevelView* GridFile::level(Level level) const {
  const auto& view = levels_[static_cast<size_t>(level)];
  return view ? &*view : nullptr;
}

Result<std::unique_ptr<GridFile>> GridFile::Open(const std::string& path) {
  const std::string refusal = "the grid file " + path + " ";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound(refusal + "does not exist: build it with `vivrovert grid build`");
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return Unavailable(refusal + "cannot be read");
  }
  std::unique_ptr<GridFile> grid(new GridFile());
  grid->path_ = path;
  grid->size_ = static_cast<size_t>(info.st_size);
  if (grid->size_ < kFixedHeaderSize) {
    ::close(fd);
    return DataLoss(refusal + "is too short to be a grid file (truncated?)");
  }
  grid->mapping_ = ::mmap(nullptr, grid->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (grid->mapping_ == MAP_FAILED) {
    grid->mapping_ = nullptr;
    return Unavailable(refusal + "cannot be mapped in memory");
  }
  const auto* bytes = static_cast<const uint8_t*>(grid->mapping_);
  if (std::memcmp(bytes, kMagic, sizeof(kMagic)) != 0) {
    return DataLoss(refusal + "is not a VivroVert grid file");
  }
  uint32_t version = 0, byte_order = 0;
  uint64_t header_offset = 0, header_size = 0;
  std::memcpy(&version, bytes + 8, 4);
  std::memcpy(&byte_order, bytes + 12, 4);
  std::memcpy(&header_offset, bytes + 16, 8);
  std::memcpy(&header_size, bytes + 24, 8);
  if (byte_order != kByteOrderMark)
    return DataLoss(refusal + "was written with another byte order");
  if (version != kGridFormatVersion) {
    return DataLoss(refusal + "has format version " + std::to_string(version) +
                    "; this program reads version " + std::to_string(kGridFormatVersion) +
                    ": rebuild it with `vivrovert grid build`");
  }
  auto inside = [&](uint64_t offset, uint64_t size) {
    return offset <= grid->size_ && size <= grid->size_ - offset;
  };
  if (!inside(header_offset, header_size))
    return DataLoss(refusal + "is truncated (header beyond its end)");
  try {
    grid->header_ = json::parse(bytes + header_offset, bytes + header_offset + header_size);
    VV_ASSIGN_OR_RETURN(grid->catalogue_,
                        CriteriaCatalogue::FromJson(grid->header_.at("catalogue")));
    for (const json& commune : grid->header_.at("communes")) {
      const auto commune_idx = static_cast<uint32_t>(grid->communes_.size());
      CommuneRef ref{commune.at(0), commune.at(1), commune.at(2), commune.at(3)};
      ref.population = commune.at(4).get<int64_t>();
      if (!commune.at(5).is_null()) ref.longitude = commune.at(5).get<double>();
      if (!commune.at(6).is_null()) ref.latitude = commune.at(6).get<double>();
      ref.postcodes = commune.at(7).get<std::vector<std::string>>();
      for (const std::string& postcode : ref.postcodes)
        grid->communes_by_postcode_[postcode].push_back(commune_idx);
      grid->communes_.push_back(std::move(ref));
      const CommuneRef& added = grid->communes_.back();
      grid->communes_by_code_[static_cast<size_t>(CodeKind::kCommune)][added.code].push_back(
          commune_idx);
      if (!added.epci.empty())
        grid->communes_by_code_[static_cast<size_t>(CodeKind::kEpci)][added.epci].push_back(
            commune_idx);
      grid->communes_by_code_[static_cast<size_t>(CodeKind::kDepartement)][added.departement]
          .push_back(commune_idx);
    }
    grid->area_names_.epcis =
        grid->header_.at("epcis").get<std::unordered_map<std::string, std::string>>();
    grid->area_names_.departements =
        grid->header_.at("departements").get<std::unordered_map<std::string, std::string>>();
    const auto& criteria = grid->catalogue_.criteria();
    for (const json& level_json : grid->header_.at("levels")) {
      std::optional<Level> level = ParseLevel(level_json.at("level").get<std::string>());
      if (!level) return DataLoss(refusal + "names an unknown level");
      LevelView view;
      view.level_ = *level;
      view.tile_count_ = level_json.at("tile_count").get<size_t>();
      view.catalogue_ = &grid->catalogue_;
      const json& sections = level_json.at("sections");
      auto section = [&](const json& entry, uint64_t expected_size) -> const uint8_t* {
        uint64_t offset = entry.at("offset"), size = entry.at("size");
        if (!inside(offset, size) || (expected_size != 0 && size != expected_size) ||
            offset % 4 != 0) {
          return nullptr;
        }
        return bytes + offset;
      };
      const size_t tiles = view.tile_count_;
      view.corners_ = reinterpret_cast<const int32_t*>(section(sections.at("corners"), tiles * 8));
      view.share_offsets_ =
          reinterpret_cast<const uint32_t*>(section(sections.at("share_offsets"), (tiles + 1) * 4));
      if (view.corners_ == nullptr || view.share_offsets_ == nullptr) {
        return DataLoss(refusal + "is truncated or inconsistent (tile sections)");
      }
      const uint64_t share_count = view.share_offsets_[tiles];
      view.shares_ = reinterpret_cast<const CommuneShare*>(
          section(sections.at("shares"), share_count * sizeof(CommuneShare)));
      if (share_count > 0 && view.shares_ == nullptr) {
        return DataLoss(refusal + "is truncated or inconsistent (commune shares)");
      }
      for (const CriterionSpec& spec : criteria) {
        const uint8_t* column = section(sections.at("columns").at(spec.id), tiles * spec.width);
        if (tiles > 0 && column == nullptr) {
          return DataLoss(refusal + "is truncated or inconsistent (column " + spec.id + ")");
        }
        view.columns_.push_back(column);
      }
      for (uint32_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
        if (view.share_offsets_[tile_idx] > view.share_offsets_[tile_idx + 1]) {
          return DataLoss(refusal + "has inconsistent commune offsets");
        }
        view.index_.emplace(TileKey(view.corners_[2 * tile_idx], view.corners_[2 * tile_idx + 1]),
                            tile_idx);
      }
      for (uint64_t share_idx = 0; share_idx < share_count; ++share_idx) {
        if (view.shares_[share_idx].commune >= grid->communes_.size()) {
          return DataLoss(refusal + "refers to a commune beyond its table");
        }
      }
      grid->levels_[static_cast<size_t>(*level)] = std::move(view);
    }
  } catch (const json::exception& error) {
    return DataLoss(refusal + "has a malformed header: " + error.what());
  }
  return grid;
}

}  // namespace vivrovert::engine
