#include "jobs/nightly/digest.hpp"

#include <algorithm>

#include "engine/engine.hpp"

namespace vivrovert::nightly {

namespace {

bool IsNewsKind(listings::Kind kind) {
  return kind != listings::Kind::kPoi && kind != listings::Kind::kCv;
}

// Listings are kept in id order so that digests are stable.
void SortById(std::vector<const listings::Listing*>& listings) {
  std::sort(listings.begin(), listings.end(),
            [](const listings::Listing* a, const listings::Listing* b) { return a->id < b->id; });
}

}  // namespace

NewsIndex::NewsIndex(const std::vector<listings::Listing>& listings) {
  for (const listings::Listing& listing : listings) {
    if (!IsNewsKind(listing.kind)) continue;
    ++count_;
    by_commune_[listing.commune_code].push_back(&listing);
    if (!listing.tile_1km.empty()) by_tile_[listing.tile_1km].push_back(&listing);
    if (!listing.tile_5km.empty()) by_tile_[listing.tile_5km].push_back(&listing);
  }
}

const std::vector<const listings::Listing*>* NewsIndex::InCommune(
    const std::string& commune) const {
  auto found = by_commune_.find(commune);
  return found == by_commune_.end() ? nullptr : &found->second;
}

const std::vector<const listings::Listing*>* NewsIndex::InTile(const std::string& tile_id) const {
  auto found = by_tile_.find(tile_id);
  return found == by_tile_.end() ? nullptr : &found->second;
}

int64_t CountTiles5km(const std::set<std::string>& tile_ids) {
  std::set<std::pair<int32_t, int32_t>> parents;
  for (const std::string& id : tile_ids) {
    std::optional<engine::TileId> tile = engine::TileId::Parse(id);
    if (!tile) continue;
    engine::TileId parent = tile->Parent();
    parents.emplace(parent.north, parent.east);
  }
  return static_cast<int64_t>(parents.size());
}

DigestContent BuildDigest(const DigestInput& input, const NewsIndex& news) {
  DigestContent content;
  std::set<int64_t> told = input.already_told;
  for (const listings::Listing* listing : input.matched) {
    if (told.insert(listing->id).second) content.matched.push_back(listing);
  }
  auto is_new = [&](const listings::Listing* listing) {
    return listing->created_at > input.window_start && !told.contains(listing->id);
  };

  for (const std::string& commune : input.clicked_communes) {
    const std::vector<const listings::Listing*>* here = news.InCommune(commune);
    if (here == nullptr) continue;
    CommuneNews section{commune, {}};
    for (const listings::Listing* listing : *here) {
      if (is_new(listing)) section.listings.push_back(listing);
    }
    if (section.listings.empty()) continue;
    SortById(section.listings);
    for (const listings::Listing* listing : section.listings) told.insert(listing->id);
    content.prospects.push_back(std::move(section));
  }

  for (const SearchForDigest& search : input.searches) {
    if (search.tiles_5km > kMaxContactTiles5km) continue;
    for (const TerritoryHit& hit : search.hits) {
      TerritoryNews section{hit.partner_id, hit.partner_name, search.name, {}};
      for (const std::string& tile : search.green_tiles) {
        const std::vector<const listings::Listing*>* here = news.InTile(tile);
        if (here == nullptr) continue;
        for (const listings::Listing* listing : *here) {
          if (hit.communes.contains(listing->commune_code) && is_new(listing))
            section.listings.push_back(listing);
        }
      }
      if (section.listings.empty()) continue;
      SortById(section.listings);
      section.listings.erase(std::unique(section.listings.begin(), section.listings.end()),
                             section.listings.end());
      for (const listings::Listing* listing : section.listings) told.insert(listing->id);
      content.contacts.push_back(std::move(section));
    }
  }
  return content;
}

}  // namespace vivrovert::nightly
