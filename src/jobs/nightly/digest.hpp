// What one person's digest says (pure: the nightly run loads the inputs, renders and
// queues). Three sections, each listing told once (a listing already told to the person,
// by any channel, is left out, and a listing appears in one section only, the first):
//
//  1. "Pour vous": the matches waiting for this digest (notifications/, reason match).
//  2. Prospects — "Du nouveau dans les communes que vous avez consultées": the listings new
//     since the window's start in the communes covering the tiles the person opened.
//  3. Contacts — "Du nouveau dans les territoires partenaires": for each saved search (its
//     version in force) with at most 200 green 5 km tiles, and each partner territory it
//     makes green, the listings new since the window's start lying in a green tile of the
//     search and in a commune of the territory its green tiles cover. A search run at 1 km
//     counts the distinct 5 km tiles containing its green tiles (the proposal's rule:
//     beyond 200, the search is too imprecise to speak of a territory).
//
// "New" is created after the window's start (the person's previous digest) and active on
// the run's day. Listings of kind poi and cv are never news.
//
// Thread safety: pure functions on values.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/listings/listing_store.hpp"

namespace vivrovert::nightly {

// The 200-tile rule.
inline constexpr int64_t kMaxContactTiles5km = 200;

// The listings new during the last days, indexed for the sections.
class NewsIndex {
 public:
  // `listings` must outlive the index; only active listings of kinds people want are kept.
  explicit NewsIndex(const std::vector<listings::Listing>& listings);

  const std::vector<const listings::Listing*>* InCommune(const std::string& commune) const;
  const std::vector<const listings::Listing*>* InTile(const std::string& tile_id) const;
  size_t size() const { return count_; }

 private:
  std::unordered_map<std::string, std::vector<const listings::Listing*>> by_commune_;
  std::unordered_map<std::string, std::vector<const listings::Listing*>>
      by_tile_;  // 1 km and 5 km ids
  size_t count_ = 0;
};

struct TerritoryHit {
  int64_t partner_id = 0;
  std::string partner_name;
  std::set<std::string> communes;  // of the territory, covered by the search's green tiles
};

struct SearchForDigest {
  int64_t search_id = 0;
  std::string name;
  std::set<std::string> green_tiles;  // tile ids of the search's level
  int64_t tiles_5km = 0;              // distinct 5 km tiles of the green tiles
  std::vector<TerritoryHit> hits;
};

struct DigestInput {
  int64_t window_start = 0;                       // epoch seconds, exclusive
  std::vector<const listings::Listing*> matched;  // waiting matches, oldest first
  std::set<std::string> clicked_communes;         // INSEE codes
  std::vector<SearchForDigest> searches;
  std::set<int64_t> already_told;  // listing ids
};

struct CommuneNews {
  std::string commune_code;
  std::vector<const listings::Listing*> listings;
};

struct TerritoryNews {
  int64_t partner_id = 0;
  std::string partner_name;
  std::string search_name;
  std::vector<const listings::Listing*> listings;
};

struct DigestContent {
  std::vector<const listings::Listing*> matched;
  std::vector<CommuneNews> prospects;   // by commune code
  std::vector<TerritoryNews> contacts;  // by search, then partner
  bool empty() const { return matched.empty() && prospects.empty() && contacts.empty(); }
};

DigestContent BuildDigest(const DigestInput& input, const NewsIndex& news);

// Distinct 5 km tiles containing these tile ids (5 km ids count as themselves).
int64_t CountTiles5km(const std::set<std::string>& tile_ids);

}  // namespace vivrovert::nightly
