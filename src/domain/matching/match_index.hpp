// The stored-query ("percolation") index: people's places and wishes, indexed so that one
// listing finds the people it fits (fit_rules.hpp) without scanning everybody.
//
// Layout: an inverted index from a place key (a 1 km tile, a 5 km tile, a commune) to a
// posting list; a posting is a person's slot with the bits of the kinds they want, so a
// listing reads the lists of its 1 km tile, its 5 km tile and its commune, skips the
// postings of people who do not want its kind without touching them, and checks the
// wishes (FitsWishes) of the others. A person appears in a list once per place even when
// several sources (search, click, favourite) name it.
// 5 km places are indexed at their level, not expanded to 25 1 km tiles.
//
// Thread safety: none; one writer and no concurrent reader, or wrap it (matcher.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/matching/fit_rules.hpp"
#include "engine/engine.hpp"

namespace vivrovert::matching {

// A tile as a 32-bit key: level, north and east in km (both < 32,768 km in EPSG:3035).
uint32_t TileKey(const engine::TileId& tile);
// nullopt when `tile_id` is no tile id of a level VivroVert uses.
std::optional<uint32_t> TileKey(std::string_view tile_id);
engine::TileId TileOfKey(uint32_t key);

// Everything the index needs of a person.
struct PersonInterest {
  int64_t user_id = 0;
  Notification notification = Notification::kDaily;
  Wishes wishes;
  std::vector<uint32_t> tiles;  // TileKey of every place tile, both levels; duplicates allowed
  std::vector<std::string> communes;  // INSEE codes of favourite communes
};

struct PersonMatch {
  int64_t user_id = 0;
  Notification notification = Notification::kDaily;
  friend bool operator==(const PersonMatch&, const PersonMatch&) = default;
};

class IndexSnapshot;  // index_snapshot.cpp: writes and reads the index's inside

class MatchIndex {
 public:
  // Adds or replaces a person (by user_id). A person without any place is removed: they
  // can fit no listing. Throws std::length_error beyond 2^28 people.
  void Upsert(PersonInterest person);
  // The same as Upsert for each person, in one pass: the (place, posting) pairs are
  // sorted by place (radix sort) and appended list by list, instead of one hash lookup
  // and one vector append per pair (a start-up rebuild of a million people). A person
  // named twice counts once, as the last one.
  void BulkUpsert(std::vector<PersonInterest> people);
  // False when the person was not indexed.
  bool Remove(int64_t user_id);

  // The people `listing` fits, ordered by user id.
  std::vector<PersonMatch> Match(const ListingFacts& listing) const;
  // Same, with the listing's place already as keys (the benchmark's hot loop); `commune`
  // may be empty.
  std::vector<PersonMatch> Match(const ListingFacts& listing, uint32_t tile_1km, uint32_t tile_5km,
                                 std::string_view commune) const;

  size_t person_count() const { return slot_of_user_.size(); }
  size_t posting_count() const { return posting_count_; }
  // Upper bound of the bytes held (vectors' capacities, hash tables' nodes).
  size_t ApproximateBytes() const;
  // Reserves room for `people` persons (a rebuild knows roughly how many).
  void Reserve(size_t people);

 private:
  friend class IndexSnapshot;
  struct Entry {
    int64_t user_id = -1;  // -1: free slot
    Notification notification = Notification::kDaily;
    Wishes wishes;
    std::vector<uint32_t> keys;  // sorted unique place keys (tiles, then communes | kCommuneBit)
  };
  // A posting: slot << kKindBits | the WantedKind bits of the person.
  using Postings = std::vector<uint32_t>;
  static constexpr uint32_t kKindBits = 4;
  static constexpr uint32_t kMaxSlots = 1u << (32 - kKindBits);
  static constexpr uint32_t kCommuneBit = 0x80000000u;

  // Takes a slot for `person` (replacing any earlier one); nullopt when it has no place.
  std::optional<uint32_t> Place(PersonInterest& person);
  void AddPostings(uint32_t slot);
  void RemovePostings(uint32_t slot);
  uint32_t CommuneKey(const std::string& code);
  std::optional<uint32_t> FindCommuneKey(std::string_view code) const;

  std::vector<Entry> entries_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<int64_t, uint32_t> slot_of_user_;
  std::unordered_map<uint32_t, Postings> postings_;
  std::unordered_map<std::string, uint32_t> commune_ids_;
  size_t posting_count_ = 0;
};

}  // namespace vivrovert::matching
