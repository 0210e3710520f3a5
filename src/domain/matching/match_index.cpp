#include "domain/matching/match_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace vivrovert::matching {

uint32_t TileKey(const engine::TileId& tile) {
  const uint32_t level = tile.level == engine::Level::k5km ? 1u : 0u;
  const auto north_km = static_cast<uint32_t>(tile.north / 1000);
  const auto east_km = static_cast<uint32_t>(tile.east / 1000);
  return level << 30 | (north_km & 0x7FFFu) << 15 | (east_km & 0x7FFFu);
}

std::optional<uint32_t> TileKey(std::string_view tile_id) {
  std::optional<engine::TileId> tile = engine::TileId::Parse(tile_id);
  if (!tile) return std::nullopt;
  return TileKey(*tile);
}

engine::TileId TileOfKey(uint32_t key) {
  engine::TileId tile;
  tile.level = (key >> 30) == 1 ? engine::Level::k5km : engine::Level::k1km;
  tile.north = static_cast<int32_t>((key >> 15) & 0x7FFFu) * 1000;
  tile.east = static_cast<int32_t>(key & 0x7FFFu) * 1000;
  return tile;
}

uint32_t MatchIndex::CommuneKey(const std::string& code) {
  auto [at, inserted] = commune_ids_.try_emplace(code, static_cast<uint32_t>(commune_ids_.size()));
  return at->second | kCommuneBit;
}

std::optional<uint32_t> MatchIndex::FindCommuneKey(std::string_view code) const {
  auto at = commune_ids_.find(std::string(code));
  if (at == commune_ids_.end()) return std::nullopt;
  return at->second | kCommuneBit;
}

void MatchIndex::Reserve(size_t people) {
  entries_.reserve(people);
  slot_of_user_.reserve(people);
  // The national grid has 554,226 1 km and 22,810 5 km tiles, and 35,000 communes.
  if (people > 10000) postings_.reserve(700'000);
}

void MatchIndex::AddPostings(uint32_t slot) {
  const Entry& entry = entries_[slot];
  const uint32_t posting = slot << kKindBits | entry.wishes.kinds;
  for (uint32_t key : entry.keys) postings_[key].push_back(posting);
  posting_count_ += entry.keys.size();
}

void MatchIndex::RemovePostings(uint32_t slot) {
  const Entry& entry = entries_[slot];
  const uint32_t posting = slot << kKindBits | entry.wishes.kinds;
  for (uint32_t key : entry.keys) {
    auto at = postings_.find(key);
    if (at == postings_.end()) continue;
    Postings& list = at->second;
    // Order within a list does not matter (matches are sorted at the end).
    auto found = std::find(list.begin(), list.end(), posting);
    if (found == list.end()) continue;
    *found = list.back();
    list.pop_back();
    --posting_count_;
    if (list.empty()) postings_.erase(at);
  }
}

std::optional<uint32_t> MatchIndex::Place(PersonInterest& person) {
  Remove(person.user_id);
  std::vector<uint32_t> keys = std::move(person.tiles);
  for (const std::string& commune : person.communes) keys.push_back(CommuneKey(commune));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (keys.empty()) return std::nullopt;

  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    if (entries_.size() >= kMaxSlots) throw std::length_error("matching index: too many people");
    slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[slot];
  entry.user_id = person.user_id;
  entry.notification = person.notification;
  entry.wishes = std::move(person.wishes);
  entry.keys = std::move(keys);
  slot_of_user_[person.user_id] = slot;
  return slot;
}

void MatchIndex::Upsert(PersonInterest person) {
  if (std::optional<uint32_t> slot = Place(person)) AddPostings(*slot);
}

void MatchIndex::BulkUpsert(std::vector<PersonInterest> people) {
  // key << 32 | posting, sorted by key with two 16-bit LSD radix passes.
  std::vector<uint64_t> pairs;
  size_t total = 0;
  for (const PersonInterest& person : people) total += person.tiles.size() + person.communes.size();
  pairs.reserve(total);
  // A person named twice: the last one counts, as with successive Upserts.
  std::unordered_map<int64_t, size_t> last_of;
  for (size_t person_idx = 0; person_idx < people.size(); ++person_idx)
    last_of[people[person_idx].user_id] = person_idx;
  for (size_t person_idx = 0; person_idx < people.size(); ++person_idx) {
    PersonInterest& person = people[person_idx];
    if (last_of[person.user_id] != person_idx) continue;
    std::optional<uint32_t> slot = Place(person);
    if (!slot) continue;
    const Entry& entry = entries_[*slot];
    const uint32_t posting = *slot << kKindBits | entry.wishes.kinds;
    for (uint32_t key : entry.keys) pairs.push_back(static_cast<uint64_t>(key) << 32 | posting);
  }
  people.clear();
  people.shrink_to_fit();
  std::vector<uint64_t> buffer(pairs.size());
  for (int shift : {32, 48}) {
    std::vector<size_t> offsets(65537, 0);
    for (uint64_t pair : pairs) ++offsets[((pair >> shift) & 0xFFFF) + 1];
    for (size_t digit = 1; digit < offsets.size(); ++digit) offsets[digit] += offsets[digit - 1];
    for (uint64_t pair : pairs) buffer[offsets[(pair >> shift) & 0xFFFF]++] = pair;
    pairs.swap(buffer);
  }
  buffer = {};
  for (size_t start = 0; start < pairs.size();) {
    const uint32_t key = static_cast<uint32_t>(pairs[start] >> 32);
    size_t end = start;
    while (end < pairs.size() && static_cast<uint32_t>(pairs[end] >> 32) == key) ++end;
    Postings& list = postings_[key];
    list.reserve(list.size() + (end - start));
    for (size_t pair_idx = start; pair_idx < end; ++pair_idx)
      list.push_back(static_cast<uint32_t>(pairs[pair_idx]));
    posting_count_ += end - start;
    start = end;
  }
}

bool MatchIndex::Remove(int64_t user_id) {
  auto at = slot_of_user_.find(user_id);
  if (at == slot_of_user_.end()) return false;
  const uint32_t slot = at->second;
  RemovePostings(slot);
  entries_[slot] = Entry{};
  free_slots_.push_back(slot);
  slot_of_user_.erase(at);
  return true;
}

std::vector<PersonMatch> MatchIndex::Match(const ListingFacts& listing) const {
  std::optional<uint32_t> tile_1km = TileKey(listing.tile_1km);
  std::optional<uint32_t> tile_5km = TileKey(listing.tile_5km);
  // A listing always has both tiles; a malformed one can only match by its commune.
  return Match(listing, tile_1km.value_or(0xFFFFFFFFu), tile_5km.value_or(0xFFFFFFFFu),
               listing.commune_code);
}

std::vector<PersonMatch> MatchIndex::Match(const ListingFacts& listing, uint32_t tile_1km,
                                           uint32_t tile_5km, std::string_view commune) const {
  std::vector<PersonMatch> matches;
  std::optional<WantedKind> kind = WantedKindOf(listing.kind);
  if (!kind) return matches;
  const uint32_t kind_bit = KindBit(*kind);

  // First the candidates (the postings' kind bits are read in sequence), then their
  // wishes: those are scattered over the people's entries, so each is prefetched a few
  // candidates ahead and the memory loads overlap instead of waiting one after another.
  std::vector<uint32_t> candidates;
  auto collect = [&](uint32_t key) {
    auto at = postings_.find(key);
    if (at == postings_.end()) return;
    for (uint32_t posting : at->second) {
      if (posting & kind_bit) candidates.push_back(posting >> kKindBits);
    }
  };
  collect(tile_1km);
  collect(tile_5km);
  if (!commune.empty()) {
    if (std::optional<uint32_t> key = FindCommuneKey(commune)) collect(*key);
  }
  constexpr size_t kPrefetchDistance = 8;
  std::vector<uint32_t> fitting;
  for (size_t candidate_idx = 0; candidate_idx < candidates.size(); ++candidate_idx) {
    if (candidate_idx + kPrefetchDistance < candidates.size()) {
      const char* ahead = reinterpret_cast<const char*>(
          &entries_[candidates[candidate_idx + kPrefetchDistance]].wishes);
      __builtin_prefetch(ahead);
      __builtin_prefetch(ahead + 64);
    }
    const uint32_t slot = candidates[candidate_idx];
    if (FitsWishes(entries_[slot].wishes, listing)) fitting.push_back(slot);
  }
  matches.reserve(fitting.size());
  for (uint32_t slot : fitting)
    matches.push_back({entries_[slot].user_id, entries_[slot].notification});
  std::sort(matches.begin(), matches.end(),
            [](const PersonMatch& a, const PersonMatch& b) { return a.user_id < b.user_id; });
  matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
  return matches;
}

size_t MatchIndex::ApproximateBytes() const {
  size_t bytes = entries_.capacity() * sizeof(Entry);
  for (const Entry& entry : entries_) {
    bytes += entry.keys.capacity() * sizeof(uint32_t) +
             entry.wishes.rome_codes.capacity() * sizeof(uint32_t);
  }
  bytes += postings_.size() * (sizeof(Postings) + sizeof(uint32_t) + 2 * sizeof(void*));
  for (const auto& [key, list] : postings_) bytes += list.capacity() * sizeof(uint32_t);
  bytes += slot_of_user_.size() * (sizeof(int64_t) + sizeof(uint32_t) + 2 * sizeof(void*));
  return bytes;
}

}  // namespace vivrovert::matching
