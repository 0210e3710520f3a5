// The answer of a relocation project (docs/RELOCATION.md): the engine's SearchGroup over
// the members' answers, and what may be said of it without naming anyone.
//
//  - ComputeTeamAnswer: how many tiles suit every member, how many suit exactly n, the
//    best tiles (most members suited, then tile id) and, over those best tiles, the
//    criteria that exclude most: for each member a best tile fails, the member's required
//    criteria (or places) that fail there, counted per criterion as (tile, member) pairs
//    and as distinct members.
//  - TerritoryShare: how many of a territory's tiles suit how many members (a partner's
//    view of a project, as a lead).
//  - SummariseNeeds: the required criteria of the answers, each with how many members
//    require it (no bounds, no names).
//
// Members are the indices of `answers`: the caller decides what it discloses.
// Thread safety: pure functions over an immutable engine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/relocation/relocation_store.hpp"
#include "engine/engine.hpp"

namespace vivrovert::relocation {

inline constexpr size_t kBestTiles = 50;
// The employer sees the team's answer once at least this many members answered (one
// answer alone would be that member's).
inline constexpr size_t kMinAnswersShown = 2;

// The answered members of a project and their requests, parsed against `grid` (places
// located as listings are). An answer the grid no longer accepts (a criterion removed) is
// left out and counted in `unreadable`.
struct ParsedAnswers {
  std::vector<Member> members;  // answered and readable, in the order of `requests`
  std::vector<engine::SearchRequest> requests;
  size_t unreadable = 0;
};
ParsedAnswers ParseAnswers(const engine::GridFile& grid, const std::vector<Member>& members);

// Parses a member's answer as typed (the search page's request JSON: criteria and places),
// at the level of relocation projects (1 km; a missing level is that one). Returns the
// normalised JSON to store with the parsed request. Errors: InvalidArgument naming the
// field ("answer" or "answer.<field>").
struct CheckedAnswer {
  engine::SearchRequest request;
  std::string normalised;
};
Result<CheckedAnswer> CheckAnswer(const engine::GridFile& grid, std::string_view text);
// Criterion key of the members' own places (any place) in ExcludingCriterion.
inline constexpr const char* kPlaceKey = "lieu";

struct ExcludingCriterion {
  std::string criterion;    // catalogue id, or kPlaceKey
  std::string label;        // French
  uint64_t exclusions = 0;  // (best tile, member) pairs it fails
  uint32_t members = 0;     // distinct members it excludes from some best tile
};

struct TeamAnswer {
  size_t answered = 0;
  uint64_t suits_everyone = 0;
  std::vector<uint64_t> suited_by;  // [n]: tiles suiting exactly n members
  std::vector<engine::GroupTile> best;
  std::vector<ExcludingCriterion> excluding;  // most exclusions first, then id
  // The best `map_k` tiles in the same order (best is their first k), for a map.
  std::vector<engine::GroupTile> map;
};

// All requests must be of the level of the first (the caller parses them so). One pass of
// SearchGroup gives both the best `k` tiles (and the excluding criteria over them) and the
// best `map_k` tiles.
TeamAnswer ComputeTeamAnswer(const engine::SearchEngine& engine,
                             const std::vector<engine::SearchRequest>& answers,
                             size_t k = kBestTiles, size_t map_k = 0);

struct TerritoryShare {
  uint64_t tiles = 0;          // the territory's tiles at the answers' level
  uint32_t best_suited = 0;    // most members one of its tiles suits
  uint64_t tiles_at_best = 0;  // its tiles suiting best_suited members
};

// `territory_communes`: indices of the territory's communes in the grid, ascending.
TerritoryShare ShareOfTerritory(const engine::SearchEngine& engine,
                                const std::vector<engine::SearchRequest>& answers,
                                const std::vector<uint32_t>& territory_communes);

struct Need {
  std::string criterion;  // catalogue id, or kPlaceKey
  std::string label;
  uint32_t members = 0;  // members requiring it
};

std::vector<Need> SummariseNeeds(const engine::GridFile& grid,
                                 const std::vector<engine::SearchRequest>& answers);

}  // namespace vivrovert::relocation
