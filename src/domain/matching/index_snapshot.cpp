#include "domain/matching/index_snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <new>
#include <type_traits>

namespace vivrovert::matching {

namespace {

constexpr char kMagic[8] = {'V', 'V', 'M', 'A', 'T', 'C', 'H', '1'};
constexpr char kEndMagic[8] = {'V', 'V', 'M', 'E', 'N', 'D', '0', '1'};
constexpr uint32_t kByteOrder = 0x01020304u;
constexpr size_t kBufferBytes = size_t{4} << 20;
// Bounds read before the checksum can be checked, so that a damaged count cannot ask for
// an absurd allocation.
constexpr uint64_t kMaxKeysPerPerson = uint64_t{1} << 24;
constexpr uint64_t kMaxText = uint64_t{1} << 16;

// Buffered writes with the running CRC-32 of what was written.
class Writer {
 public:
  explicit Writer(std::FILE* file) : file_(file) { buffer_.reserve(kBufferBytes); }
  void Bytes(const void* data, size_t size) {
    const char* bytes = static_cast<const char*>(data);
    if (buffer_.size() + size > kBufferBytes) Flush();
    if (size >= kBufferBytes) {
      Put(bytes, size);
      return;
    }
    buffer_.insert(buffer_.end(), bytes, bytes + size);
  }
  template <typename T>
  void Value(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    Bytes(&value, sizeof value);
  }
  void Text(const std::string& text) {
    Value(static_cast<uint32_t>(text.size()));
    Bytes(text.data(), text.size());
  }
  template <typename T>
  void Optional(const std::optional<T>& value) {
    Value(static_cast<uint8_t>(value.has_value()));
    Value(value.value_or(T{}));
  }
  template <typename T>
  void Array(const std::vector<T>& values) {
    Value(static_cast<uint32_t>(values.size()));
    Bytes(values.data(), values.size() * sizeof(T));
  }
  void Flush() {
    Put(buffer_.data(), buffer_.size());
    buffer_.clear();
  }
  uint32_t crc() const { return static_cast<uint32_t>(crc_); }
  bool ok() const { return ok_; }

 private:
  void Put(const char* data, size_t size) {
    if (size == 0) return;
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(data), size);
    ok_ = ok_ && std::fwrite(data, 1, size, file_) == size;
  }
  std::FILE* file_;
  std::vector<char> buffer_;
  uLong crc_ = crc32_z(0L, Z_NULL, 0);
  bool ok_ = true;
};

// Buffered reads with the running CRC-32 of what was read; a short read sets `failed`.
class Reader {
 public:
  explicit Reader(std::FILE* file) : file_(file), buffer_(kBufferBytes) {}
  bool Bytes(void* data, size_t size) {
    char* out = static_cast<char*>(data);
    while (size > 0) {
      if (at_ == end_ && !Fill()) return false;
      const size_t take = std::min(size, end_ - at_);
      std::memcpy(out, buffer_.data() + at_, take);
      at_ += take;
      out += take;
      size -= take;
    }
    return true;
  }
  template <typename T>
  bool Value(T& value) {
    return Bytes(&value, sizeof value);
  }
  bool Text(std::string& text) {
    uint32_t size = 0;
    if (!Value(size) || size > kMaxText) return false;
    text.resize(size);
    return Bytes(text.data(), size);
  }
  template <typename T>
  bool Optional(std::optional<T>& value) {
    uint8_t has = 0;
    T read{};
    if (!Value(has) || !Value(read) || has > 1) return false;
    value = has ? std::optional<T>(read) : std::nullopt;
    return true;
  }
  template <typename T>
  bool Array(std::vector<T>& values, uint64_t max) {
    uint32_t size = 0;
    if (!Value(size) || size > max) return false;
    values.resize(size);
    return Bytes(values.data(), values.size() * sizeof(T));
  }
  // The CRC of the bytes consumed so far.
  uint32_t crc() {
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(buffer_.data() + crc_at_), at_ - crc_at_);
    crc_at_ = at_;
    return static_cast<uint32_t>(crc_);
  }

 private:
  bool Fill() {
    crc();
    end_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    at_ = 0;
    crc_at_ = 0;
    return end_ > 0;
  }
  std::FILE* file_;
  std::vector<char> buffer_;
  size_t at_ = 0, end_ = 0, crc_at_ = 0;
  uLong crc_ = crc32_z(0L, Z_NULL, 0);
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

// The index's inside, written and read (a friend of MatchIndex).
class IndexSnapshot {
 public:
  static void Write(Writer& out, const MatchIndex& index) {
    out.Value(static_cast<uint64_t>(index.entries_.size()));
    out.Value(static_cast<uint64_t>(index.free_slots_.size()));
    out.Value(static_cast<uint64_t>(index.commune_ids_.size()));
    out.Value(static_cast<uint64_t>(index.postings_.size()));
    out.Value(static_cast<uint64_t>(index.posting_count_));
    for (const MatchIndex::Entry& entry : index.entries_) {
      out.Value(entry.user_id);
      out.Value(static_cast<uint8_t>(entry.notification));
      const Wishes& wishes = entry.wishes;
      out.Value(wishes.kinds);
      out.Value(static_cast<uint8_t>(wishes.tenure));
      out.Value(static_cast<uint8_t>(wishes.property_type));
      out.Optional(wishes.rooms_min);
      out.Optional(wishes.surface_min);
      out.Optional(wishes.price_max);
      out.Array(wishes.rome_codes);
      out.Text(wishes.business_sector);
      out.Optional(wishes.business_budget);
      out.Array(entry.keys);
    }
    for (uint32_t slot : index.free_slots_) out.Value(slot);
    for (const auto& [code, id] : index.commune_ids_) {
      out.Value(id);
      out.Text(code);
    }
    for (const auto& [key, list] : index.postings_) {
      out.Value(key);
      out.Array(list);
    }
  }

  // False when the bytes do not make an index (truncated or damaged).
  static bool Read(Reader& in, MatchIndex& index) {
    uint64_t entries = 0, free_slots = 0, communes = 0, lists = 0, postings = 0;
    if (!in.Value(entries) || !in.Value(free_slots) || !in.Value(communes) || !in.Value(lists) ||
        !in.Value(postings)) {
      return false;
    }
    if (entries > MatchIndex::kMaxSlots || free_slots > entries || communes > (uint64_t{1} << 20) ||
        lists > postings + 1) {
      return false;
    }
    index.entries_.resize(entries);
    index.slot_of_user_.reserve(entries - free_slots);
    for (uint64_t slot = 0; slot < entries; ++slot) {
      MatchIndex::Entry& entry = index.entries_[slot];
      uint8_t notification = 0, tenure = 0, property_type = 0;
      Wishes& wishes = entry.wishes;
      if (!in.Value(entry.user_id) || !in.Value(notification) || !in.Value(wishes.kinds) ||
          !in.Value(tenure) || !in.Value(property_type) || !in.Optional(wishes.rooms_min) ||
          !in.Optional(wishes.surface_min) || !in.Optional(wishes.price_max) ||
          !in.Array(wishes.rome_codes, kMaxKeysPerPerson) || !in.Text(wishes.business_sector) ||
          !in.Optional(wishes.business_budget) || !in.Array(entry.keys, kMaxKeysPerPerson)) {
        return false;
      }
      if (notification > static_cast<uint8_t>(Notification::kNone) ||
          tenure > static_cast<uint8_t>(Tenure::kRent) ||
          property_type > static_cast<uint8_t>(PropertyType::kOther)) {
        return false;
      }
      entry.notification = static_cast<Notification>(notification);
      wishes.tenure = static_cast<Tenure>(tenure);
      wishes.property_type = static_cast<PropertyType>(property_type);
      if (entry.user_id != -1 &&
          !index.slot_of_user_.emplace(entry.user_id, static_cast<uint32_t>(slot)).second) {
        return false;  // a person twice
      }
    }
    index.free_slots_.resize(free_slots);
    for (uint32_t& slot : index.free_slots_) {
      if (!in.Value(slot) || slot >= entries) return false;
    }
    index.commune_ids_.reserve(communes);
    for (uint64_t commune_idx = 0; commune_idx < communes; ++commune_idx) {
      uint32_t id = 0;
      std::string code;
      if (!in.Value(id) || !in.Text(code)) return false;
      index.commune_ids_.emplace(std::move(code), id);
    }
    index.postings_.reserve(lists);
    uint64_t read_postings = 0;
    for (uint64_t list_idx = 0; list_idx < lists; ++list_idx) {
      uint32_t key = 0;
      if (!in.Value(key)) return false;
      MatchIndex::Postings& list = index.postings_[key];
      if (!in.Array(list, entries)) return false;
      read_postings += list.size();
    }
    index.posting_count_ = read_postings;
    return read_postings == postings;
  }
};

Status WriteIndexSnapshot(const std::string& path, const MatchIndex& index,
                          const SnapshotStamp& stamp, const std::function<void()>& bytes_written) {
  // Named after this process: on SQLite every process of a machine leads and may write.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  {
    std::error_code ignored;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  }
  File file(std::fopen(temporary.c_str(), "wb"));
  if (!file) return Unavailable("cannot write " + temporary + ": " + std::strerror(errno));
  Writer out(file.get());
  out.Bytes(kMagic, sizeof kMagic);
  out.Value(kSnapshotFormat);
  out.Value(kByteOrder);
  out.Value(stamp.follow_since);
  out.Value(stamp.written_at);
  out.Value(stamp.grid_stamp);
  out.Text(stamp.database);
  out.Value(stamp.anchor_change_id);
  out.Value(stamp.last_change_id);
  IndexSnapshot::Write(out, index);
  out.Flush();
  const uint32_t crc = out.crc();
  out.Value(crc);
  out.Bytes(kEndMagic, sizeof kEndMagic);
  out.Flush();
  bool ok = out.ok() && std::fflush(file.get()) == 0;
  if (bytes_written) bytes_written();
  ok = ok && ::fsync(::fileno(file.get())) == 0;
  ok = std::fclose(file.release()) == 0 && ok;
  if (!ok) {
    std::remove(temporary.c_str());
    return Unavailable("cannot write " + temporary + " (disk full?)");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    return Unavailable("cannot rename " + temporary + ": " + error.message());
  }
  return Status::Ok();
}

Result<LoadedSnapshot> ReadIndexSnapshot(const std::string& path) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) return Unavailable("cannot read " + path + ": " + std::strerror(errno));
  Reader in(file.get());
  char magic[sizeof kMagic];
  uint32_t format = 0, byte_order = 0;
  if (!in.Bytes(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0)
    return DataLoss(path + ": not a matching index snapshot");
  if (!in.Value(format) || !in.Value(byte_order) || byte_order != kByteOrder)
    return DataLoss(path + ": written on a machine of another byte order");
  if (format != kSnapshotFormat) {
    return FailedPrecondition(path + ": snapshot format " + std::to_string(format) +
                              ", this program reads format " + std::to_string(kSnapshotFormat));
  }
  LoadedSnapshot loaded;
  loaded.index = std::make_unique<MatchIndex>();
  try {
    if (!in.Value(loaded.stamp.follow_since) || !in.Value(loaded.stamp.written_at) ||
        !in.Value(loaded.stamp.grid_stamp) || !in.Text(loaded.stamp.database) ||
        !in.Value(loaded.stamp.anchor_change_id) || !in.Value(loaded.stamp.last_change_id) ||
        !IndexSnapshot::Read(in, *loaded.index)) {
      return DataLoss(path + ": truncated or damaged");
    }
  } catch (const std::bad_alloc&) {
    return DataLoss(path + ": damaged (a count too large to allocate)");
  }
  const uint32_t computed = in.crc();
  uint32_t stored = 0;
  char end[sizeof kEndMagic];
  if (!in.Value(stored) || !in.Bytes(end, sizeof end) ||
      std::memcmp(end, kEndMagic, sizeof end) != 0) {
    return DataLoss(path + ": truncated");
  }
  if (stored != computed) return DataLoss(path + ": damaged (checksum mismatch)");
  char extra = 0;
  if (in.Bytes(&extra, 1)) return DataLoss(path + ": bytes after the end");
  return loaded;
}

}  // namespace vivrovert::matching
