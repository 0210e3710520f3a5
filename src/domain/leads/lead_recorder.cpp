#include "domain/leads/lead_recorder.hpp"

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/interests/interest_store.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/placement.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "engine/engine.hpp"

namespace vivrovert::leads {

namespace {

std::string Fingerprint(storage::Connection& connection) {
  return partners::PartnerStore::TerritoriesFingerprint(connection);
}

}  // namespace

LeadRecorder::LeadRecorder(const engine::GridFile& grid, const engine::SearchEngine& engine)
    : grid_(grid), engine_(engine) {}

std::shared_ptr<const LeadRecorder::Territories> LeadRecorder::CurrentTerritories(
    storage::Connection& connection) {
  const std::string fingerprint = Fingerprint(connection);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (territories_ && territories_->fingerprint == fingerprint) return territories_;
  }
  auto built = std::make_shared<Territories>();
  built->fingerprint = fingerprint;
  for (const partners::Partner& partner : partners::PartnerStore::List(connection)) {
    Result<engine::Territory> territory = partners::ResolveTerritory(connection, grid_, partner);
    if (!territory.ok()) {
      // A territory saved against another grid: the partner gets no leads until an
      // operator fixes it (the console shows the same error).
      std::cerr << "vivrovert: leads: partner " << partner.slug << ": "
                << territory.status().message() << "\n";
      continue;
    }
    built->index.Add(built->partners.size(), *territory);
    built->partners.push_back({partner.id, *std::move(territory)});
  }
  std::lock_guard<std::mutex> lock(mutex_);
  territories_ = built;
  return built;
}

std::vector<std::string> LeadRecorder::CommunesOfTile(const engine::LevelView& level,
                                                      size_t tile_idx,
                                                      const engine::Territory& territory) const {
  std::vector<std::string> codes;
  auto [first, last] = level.communes(tile_idx);
  for (auto share = first; share != last; ++share) {
    if (territory.ContainsCommune(share->commune))
      codes.push_back(grid_.communes()[share->commune].code);
  }
  return codes;
}

std::vector<LeadRecorder::Recorded> LeadRecorder::RecordSearch(storage::Connection& connection,
                                                               const interests::SavedSearch& search,
                                                               const Territories& territories,
                                                               std::optional<size_t> only,
                                                               std::optional<int64_t> version_id,
                                                               int64_t now) {
  nlohmann::json body = nlohmann::json::parse(search.request, nullptr, false);
  Result<engine::SearchRequest> request =
      engine::ParseSearchRequest(body, grid_, listings::PlaceLocatorFor(grid_));
  if (!request.ok()) {
    // Saved against another grid (a criterion or code it no longer has): the version is
    // recorded without green tiles, so it ends the person's status as a contact.
    if (!version_id) LeadStore::RecordVersion(connection, search.id, search.user_id, "", 0, now);
    return {};
  }
  const engine::LevelView* level = grid_.level(request->level);
  std::vector<uint32_t> green =
      level != nullptr ? engine_.GreenTiles(*request) : std::vector<uint32_t>{};
  if (!version_id) {
    version_id = LeadStore::RecordVersion(connection, search.id, search.user_id,
                                          engine::LevelName(request->level),
                                          static_cast<int64_t>(green.size()), now);
  }
  struct Hit {
    int64_t tiles = 0;
    std::set<std::string> communes;
  };
  std::map<size_t, Hit> hits;  // by position in territories.partners
  for (uint32_t tile_idx : green) {
    for (size_t owner : territories.index.OwnersOfTile(*level, tile_idx)) {
      if (only && owner != *only) continue;
      Hit& hit = hits[owner];
      ++hit.tiles;
      for (std::string& code :
           CommunesOfTile(*level, tile_idx, territories.partners[owner].territory)) {
        hit.communes.insert(std::move(code));
      }
    }
  }
  std::vector<Recorded> recorded;
  for (const auto& [owner, hit] : hits) {
    Recorded one{territories.partners[owner].partner_id,
                 std::vector<std::string>(hit.communes.begin(), hit.communes.end())};
    LeadStore::RecordHit(connection, *version_id, one.partner_id, search.user_id, hit.tiles,
                         one.communes, now);
    recorded.push_back(std::move(one));
  }
  return recorded;
}

void LeadRecorder::SearchSaved(storage::Connection& connection,
                               const interests::SavedSearch& search, int64_t now) {
  std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
  const std::vector<Recorded> recorded =
      RecordSearch(connection, search, *territories, std::nullopt, std::nullopt, now);
  if (listener_ == nullptr) return;
  for (const Recorded& hit : recorded) {
    listener_->LeadRecorded(connection, hit.partner_id, search.user_id, LeadKind::kContact,
                            hit.communes, now);
  }
}

void LeadRecorder::TileClicked(storage::Connection& connection, int64_t click_id,
                               std::optional<int64_t> user_id, const std::string& tile, bool linked,
                               int64_t at) {
  std::optional<engine::TileId> id = engine::TileId::Parse(tile);
  const engine::LevelView* level = id ? grid_.level(id->level) : nullptr;
  std::optional<size_t> tile_idx = level != nullptr ? level->Find(*id) : std::nullopt;
  if (!tile_idx) return;
  std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
  for (size_t owner : territories->index.OwnersOfTile(*level, *tile_idx)) {
    const PartnerTerritory& partner = territories->partners[owner];
    const std::vector<std::string> communes = CommunesOfTile(*level, *tile_idx, partner.territory);
    LeadStore::RecordClick(connection, click_id, partner.partner_id, user_id, tile, communes,
                           linked, at);
    if (listener_ != nullptr && user_id)
      listener_->LeadRecorded(connection, partner.partner_id, *user_id, LeadKind::kProspect,
                              communes, at);
  }
}

Status LeadRecorder::RefreshPartner(storage::Connection& connection, int64_t partner_id,
                                    int64_t now) {
  std::shared_ptr<const Territories> territories = CurrentTerritories(connection);
  std::optional<size_t> position;
  for (size_t index = 0; index < territories->partners.size(); ++index) {
    if (territories->partners[index].partner_id == partner_id) position = index;
  }
  std::optional<partners::Partner> partner = partners::PartnerStore::Get(connection, partner_id);
  if (!partner) return NotFound("Partenaire introuvable.");
  if (!position) {
    Result<engine::Territory> territory = partners::ResolveTerritory(connection, grid_, *partner);
    return territory.ok()
               ? Internal("partner " + partner->slug + " missing from the territory index")
               : territory.status();
  }
  LeadStore::ForgetPartner(connection, partner_id);

  // Saved searches (interests/ owns them, read by pages), in their version in force (a
  // first version for those without one).
  constexpr int64_t kPage = 1000;
  for (int64_t after = 0;;) {
    const std::vector<interests::SavedSearch> page =
        interests::InterestStore::SearchesAfter(connection, after, kPage);
    if (page.empty()) break;
    after = page.back().id;
    std::vector<int64_t> ids;
    for (const interests::SavedSearch& search : page) ids.push_back(search.id);
    const std::map<int64_t, int64_t> versions = LeadStore::LatestVersions(connection, ids);
    for (const interests::SavedSearch& search : page) {
      auto version = versions.find(search.id);
      if (version == versions.end()) {
        // Record the missing version for every partner, dated when the search was saved.
        RecordSearch(connection, search, *territories, std::nullopt, std::nullopt,
                     search.updated_at);
        continue;
      }
      RecordSearch(connection, search, *territories, position, version->second, now);
    }
  }

  // Clicks on its tiles.
  const engine::Territory& territory = territories->partners[*position].territory;
  for (int64_t after = 0;;) {
    const std::vector<interests::InterestStore::RecordedClick> page =
        interests::InterestStore::ClicksAfter(connection, after, kPage);
    if (page.empty()) break;
    after = page.back().id;
    for (const interests::InterestStore::RecordedClick& click : page) {
      std::optional<engine::TileId> id = engine::TileId::Parse(click.tile);
      const engine::LevelView* level = id ? grid_.level(id->level) : nullptr;
      std::optional<size_t> tile_idx = level != nullptr ? level->Find(*id) : std::nullopt;
      if (!tile_idx || !territory.OwnsTile(*level, *tile_idx)) continue;
      LeadStore::RecordClick(connection, click.id, partner_id, click.user_id, click.tile,
                             CommunesOfTile(*level, *tile_idx, territory), click.linked,
                             click.clicked_at);
    }
  }
  return Status::Ok();
}

}  // namespace vivrovert::leads
