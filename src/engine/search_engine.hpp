// The search engine: which tiles of a level are green for a request, their scores, the
// communes they cover, why a tile is or is not green, and how to relax the request.
//
// Semantics (docs/SEARCH.md):
//  - green: every required constraint holds: value present and min ≤ value ≤ max
//    (inclusive, on the values as stored, see CriterionSpec); a missing value fails;
//  - score of a green tile, in [0, 1]: Σ weight × s / Σ weight over preferred constraints,
//    s = 1 inside the bounds, else max(0, 1 − distance outside / spread of the criterion
//    at that level), 0 when the value is missing; 1 when there is no preferred
//    constraint. Ranking: score descending, then tile id ascending;
//  - relaxation hint, per required constraint: how many more tiles would be green with
//    that constraint dropped, and the bound(s) it would need for the green count to at
//    least double (or the loosest useful bound when doubling is out of reach), exact.
//  - places (the person's own points): a tile's distance d to a place is the straight line
//    from the tile's centre to the place, both in EPSG:3035, in metres, computed per
//    request; a required place holds when d² ≤ (1000 × max_km)² (the squares as doubles);
//    a preferred place scores s = 1 inside, else max(0, 1 − (d − max) / max) (0 at twice
//    the maximum), with its weight in the same weighted mean as the criteria. Its relaxation
//    hint is the smallest distance, rounded up to 0.1 km, that at least doubles the green
//    tiles (or admits every tile failing only that place).
//
// How: tiles are stored along a Hilbert curve and processed in blocks of kBlockSize with
// per-block min/max codes (zone maps) that prove a block all-pass or all-fail; partial
// blocks are filtered column by column with a byte mask (range_filter.hpp). Bounds are
// turned into code ranges once per query, so the hot loop compares small integers.
// Places use the same blocks: each block's bounding box of tile centres proves it all-in
// or all-out of a place's circle; only the straddling blocks compute distances per tile.
//
// Thread safety: a SearchEngine is immutable after construction; Search, Count, Explain
// may run concurrently. It borrows the GridFile, which must outlive it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "engine/grid_file.hpp"
#include "engine/search_request.hpp"

namespace vivrovert::engine {

inline constexpr size_t kBlockSize = 2048;
// SearchResult::communes is ranked for its first kRankedCommunes entries only.
inline constexpr size_t kRankedCommunes = 200;

// The bounding box of the centres of a block's tiles, EPSG:3035 metres (for places).
struct BlockBox {
  double min_east, max_east, min_north, max_north;
};

struct RankedTile {
  uint32_t tile = 0;  // index in the level
  double score = 0;
};

struct CommuneCount {
  uint32_t commune = 0;  // index in the grid's commune table
  uint32_t green_tiles = 0;
};

struct RelaxHint {
  size_t constraint = 0;         // index in the request's constraints
  uint64_t gain_if_dropped = 0;  // more green tiles without this constraint
  std::optional<double> min;     // suggested bounds
  std::optional<double> max;
  uint64_t green_with_suggestion = 0;
  bool doubles = false;    // the suggestion at least doubles the green count
  bool relaxable = false;  // false: no tile would be gained by loosening it
};

// For a required place: the same as RelaxHint, with a distance instead of bounds.
struct PlaceRelaxHint {
  size_t place = 0;              // index in the request's places
  uint64_t gain_if_dropped = 0;  // more green tiles without this place
  double max_km = 0;             // suggested distance (the request's own when not relaxable)
  uint64_t green_with_suggestion = 0;
  bool doubles = false;
  bool relaxable = false;
};

struct SearchResult {
  uint64_t green_count = 0;
  std::vector<RankedTile> tiles;  // the requested page, ranked
  // Every commune covering a green tile; the first kRankedCommunes (or all, if fewer)
  // are ranked: most green tiles first, then commune code.
  std::vector<CommuneCount> communes;
  std::vector<RelaxHint> relax;             // one per required constraint
  std::vector<PlaceRelaxHint> place_relax;  // one per required place
};

struct ConstraintCheck {
  size_t constraint = 0;
  std::optional<double> value;
  bool passes = false;
  // Distance to the nearest bound: ≥ 0 inside, < 0 outside (how far); nullopt when missing.
  std::optional<double> margin;
  double score = 0;  // s of the scoring formula, preferred constraints only
};

struct PlaceCheck {
  size_t place = 0;
  double distance_km = 0;  // straight line from the tile's centre
  bool passes = false;
  double margin_km = 0;  // max_km − distance_km
  double score = 0;      // s of the scoring formula, preferred places only
};

struct Explanation {
  bool green = false;
  bool in_territory = true;
  double score = 0;
  std::vector<ConstraintCheck> checks;
  std::vector<PlaceCheck> places;  // one per place of the request
};

// Distance in km of the centre of `tile` to a place, as the engine measures it.
double PlaceDistanceKm(const TileId& tile, const PlaceConstraint& place);

// Several people's searches over the same level at once (a team relocating): how many of
// them each tile suits. Aggregates only — which member a tile fails is a bit mask, for the
// caller to disclose or not.
inline constexpr size_t kMaxGroupMembers = 64;

struct GroupTile {
  uint32_t tile = 0;            // index in the level
  uint32_t members_suited = 0;  // members for whom the tile is green
  uint64_t failing = 0;         // bit m set: green for member m's request fails here
};

struct GroupResult {
  uint64_t suits_everyone = 0;  // tiles green for every member
  // suited_by[n]: tiles green for exactly n members (n = 0 … members).
  std::vector<uint64_t> suited_by;
  // The best `k` tiles: most members suited, then tile id ascending (scores are personal
  // and are not mixed).
  std::vector<GroupTile> best;
};

class SearchEngine {
 public:
  explicit SearchEngine(const GridFile& grid);

  const GridFile& grid() const { return grid_; }

  // Green count only: the cheapest query.
  uint64_t Count(const SearchRequest& request) const;
  // Full answer. `with_relax` computes the hints (one more pass over the level).
  SearchResult Search(const SearchRequest& request, bool with_relax = true) const;
  // Green tiles in storage order (for exports and the CLI's id list).
  std::vector<uint32_t> GreenTiles(const SearchRequest& request) const;
  // The ranked top `k` green tiles.
  std::vector<RankedTile> TopTiles(const SearchRequest& request, size_t k) const;
  // Every member's green tiles counted per tile. All requests must be of the same level;
  // at most kMaxGroupMembers (more are ignored). Costs one Count per member plus a pass.
  GroupResult SearchGroup(const std::vector<SearchRequest>& members, size_t k) const;
  // Why tile `tile` of the request's level is green or not.
  Explanation Explain(const SearchRequest& request, uint32_t tile) const;

  // Smallest and largest stored value of a criterion at a level (nullopt: all missing).
  std::optional<std::pair<double, double>> ValueRange(Level level, size_t criterion) const;

 private:
  struct ZoneMap {
    uint32_t min_code;
    uint32_t max_code;
    uint32_t missing;  // tiles of the block without a value
  };
  struct LevelIndex {
    const LevelView* view = nullptr;
    size_t block_count = 0;
    std::vector<std::vector<ZoneMap>> zones;                       // [criterion][block]
    std::vector<std::optional<std::pair<double, double>>> ranges;  // [criterion]
    std::vector<uint32_t> commune_tile_offsets;                    // communes + 1
    std::vector<uint32_t> commune_tiles;  // tiles of each commune, ascending
    std::vector<uint64_t> keys;           // north << 32 | east: the tile-id order
    std::vector<BlockBox> boxes;          // per block

    double half_cell = 500;  // centre = lower-left corner + half_cell
  };
  struct CodeRange {
    size_t criterion;
    uint32_t lo;
    uint32_t hi;
  };
  struct PlaceTerm;
  struct Plan;
  struct CommuneTally;

  Plan MakePlan(const SearchRequest& request) const;
  // Calls sink(start, length, mask) for each block with green tiles, skipping the blocks
  // for which skip(block) is true before reading any column.
  template <typename Sink, typename Skip>
  void ForEachGreen(const Plan& plan, Sink&& sink, Skip&& skip) const;
  template <typename Sink>
  void ForEachGreen(const Plan& plan, Sink&& sink) const {
    ForEachGreen(plan, std::forward<Sink>(sink), [](size_t) { return false; });
  }
  // An upper bound of the score of every tile of a block, from its zone maps (exact
  // arithmetic of the score, so no tile's computed score exceeds it).
  double BlockScoreBound(const Plan& plan, size_t block) const;
  double Score(const Plan& plan, uint32_t tile) const;
  // Scores of the tiles [start, start + length) into `scores` (one pass per preferred
  // constraint over the block's columns).
  void ScoreBlock(const Plan& plan, size_t start, size_t length, double* scores) const;
  // Scores of the tiles start + selection[i], i < count, into scores[i].
  void ScoreSelected(const Plan& plan, size_t start, const uint16_t* selection, size_t count,
                     double* scores) const;
  // The best `k` green tiles (score descending, tile id ascending), and optionally every
  // green tile's communes counted into `tally` (see CommuneTally in the .cpp).
  std::vector<RankedTile> Rank(const Plan& plan, size_t k, uint64_t* green_count,
                               CommuneTally* tally) const;
  // The communes of the tallied green tiles with their counts; leaves `tally` reset.
  std::vector<CommuneCount> CollectCommunes(const Plan& plan, CommuneTally& tally) const;
  std::vector<RelaxHint> Relax(const Plan& plan, uint64_t green_count,
                               std::vector<PlaceRelaxHint>* place_hints) const;
  // Adds weight × s of each preferred place to scores[i] for the tiles start + offset(i).
  template <typename Offset>
  void AccumulatePlaces(const Plan& plan, size_t start, size_t count, Offset&& offset,
                        double* scores) const;

  const GridFile& grid_;
  std::array<std::optional<LevelIndex>, kLevelCount> levels_;
};

// The codes [lo, hi] whose decoded values lie in [min, max]; lo > hi when none does.
std::pair<uint32_t, uint32_t> CodeRangeFor(const CriterionSpec& spec, std::optional<double> min,
                                           std::optional<double> max);

}  // namespace vivrovert::engine
