#include "engine/search_engine.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "engine/scan_kernels.hpp"

namespace vivrovert::engine {

std::pair<uint32_t, uint32_t> CodeRangeFor(const CriterionSpec& spec, std::optional<double> min,
                                           std::optional<double> max) {
  uint32_t lo = 0;
  uint32_t hi = spec.MaxCode();
  if (min) {
    if (*min > spec.Decode(spec.MaxCode())) return {1, 0};
    double guess = std::ceil((*min - spec.offset) / spec.step);
    lo = guess <= 0 ? 0 : static_cast<uint32_t>(std::min<double>(guess, spec.MaxCode()));
    // Settle on the exact smallest code whose decoded value is ≥ min.
    while (lo > 0 && spec.Decode(lo - 1) >= *min) --lo;
    while (lo < spec.MaxCode() && spec.Decode(lo) < *min) ++lo;
  }
  if (max) {
    if (*max < spec.Decode(0)) return {1, 0};
    double guess = std::floor((*max - spec.offset) / spec.step);
    hi = guess <= 0 ? 0 : static_cast<uint32_t>(std::min<double>(guess, spec.MaxCode()));
    while (hi < spec.MaxCode() && spec.Decode(hi + 1) <= *max) ++hi;
    while (hi > 0 && spec.Decode(hi) > *max) --hi;
  }
  return {lo, hi};
}

// A place in the plan: its point, its squared limit and, when preferred, its weight.
struct SearchEngine::PlaceTerm {
  size_t place;  // index in the request's places
  double x, y;   // EPSG:3035, metres
  double max_m;
  double limit2;  // max_m², the test of a required place
  double weight;
};

namespace {

// A tile's centre from its key (north << 32 | east, the lower-left corner).
inline double EastOf(uint64_t key, double half_cell) {
  return static_cast<double>(static_cast<uint32_t>(key)) + half_cell;
}
inline double NorthOf(uint64_t key, double half_cell) {
  return static_cast<double>(static_cast<uint32_t>(key >> 32)) + half_cell;
}

// Every distance of a place goes through these, so that filter, score, bounds, relaxation
// and explanation agree to the last bit. Each step is monotone in |dx| and |dy| (IEEE
// rounding is), so a box's nearest (farthest) point gives a lower (upper) bound of every
// tile's computed value.
inline double SquaredDistance(double east, double north, double x, double y) {
  const double dx = east - x;
  const double dy = north - y;
  return dx * dx + dy * dy;
}

// weight × s for a squared distance.
inline double PlaceScoreOf(double squared, double max_m, double limit2, double weight) {
  if (squared <= limit2) return weight;
  return weight * std::max(0.0, 1.0 - (std::sqrt(squared) - max_m) / max_m);
}

}  // namespace

double PlaceDistanceKm(const TileId& tile, const PlaceConstraint& place) {
  return std::sqrt(SquaredDistance(tile.CentreEast(), tile.CentreNorth(), place.x, place.y)) /
         1000.0;
}

struct SearchEngine::Plan {
  const LevelIndex* index = nullptr;
  const SearchRequest* request = nullptr;
  std::vector<CodeRange> required;
  std::vector<size_t> preferred;  // constraint indices
  std::vector<PreferredTerm> terms;
  double weight_sum = 0;
  bool empty = false;                      // a required range admits no value
  std::vector<uint8_t> territory;          // per tile, when the request has a territory
  std::vector<uint32_t> territory_blocks;  // territory tiles per block
  std::vector<PlaceTerm> required_places;
  std::vector<PlaceTerm> preferred_places;
  bool Scored() const { return !terms.empty() || !preferred_places.empty(); }
};

namespace {

inline double BoxNearest(const BlockBox& box, double x, double y) {
  return SquaredDistance(std::clamp(x, box.min_east, box.max_east),
                         std::clamp(y, box.min_north, box.max_north), x, y);
}
inline double BoxFarthest(const BlockBox& box, double x, double y) {
  const double east =
      std::abs(box.min_east - x) > std::abs(box.max_east - x) ? box.min_east : box.max_east;
  const double north =
      std::abs(box.min_north - y) > std::abs(box.max_north - y) ? box.min_north : box.max_north;
  return SquaredDistance(east, north, x, y);
}

}  // namespace

SearchEngine::SearchEngine(const GridFile& grid) : grid_(grid) {
  const auto& criteria = grid.catalogue().criteria();
  for (int level_idx = 0; level_idx < kLevelCount; ++level_idx) {
    const LevelView* view = grid.level(static_cast<Level>(level_idx));
    if (view == nullptr) continue;
    LevelIndex index;
    index.view = view;
    const size_t tiles = view->tile_count();
    index.block_count = (tiles + kBlockSize - 1) / kBlockSize;
    index.zones.resize(criteria.size());
    index.ranges.resize(criteria.size());
    for (size_t criterion_idx = 0; criterion_idx < criteria.size(); ++criterion_idx) {
      const CriterionSpec& spec = criteria[criterion_idx];
      auto& zones = index.zones[criterion_idx];
      zones.assign(index.block_count, {std::numeric_limits<uint32_t>::max(), 0, 0});
      uint32_t level_min = std::numeric_limits<uint32_t>::max(), level_max = 0;
      for (size_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
        ZoneMap& zone = zones[tile_idx / kBlockSize];
        const uint32_t code = view->Code(criterion_idx, tile_idx);
        if (code == spec.MissingCode()) {
          zone.missing++;
          continue;
        }
        zone.min_code = std::min(zone.min_code, code);
        zone.max_code = std::max(zone.max_code, code);
        level_min = std::min(level_min, code);
        level_max = std::max(level_max, code);
      }
      if (level_min <= level_max)
        index.ranges[criterion_idx] = {spec.Decode(level_min), spec.Decode(level_max)};
    }
    // Inverted index commune → tiles, for territory restrictions.
    const size_t communes = grid.communes().size();
    index.commune_tile_offsets.assign(communes + 1, 0);
    for (size_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
      auto [first, last] = view->communes(tile_idx);
      for (auto share = first; share != last; ++share)
        index.commune_tile_offsets[share->commune + 1]++;
    }
    for (size_t commune_idx = 0; commune_idx < communes; ++commune_idx) {
      index.commune_tile_offsets[commune_idx + 1] += index.commune_tile_offsets[commune_idx];
    }
    index.commune_tiles.resize(index.commune_tile_offsets[communes]);
    std::vector<uint32_t> cursor(index.commune_tile_offsets.begin(),
                                 index.commune_tile_offsets.end() - 1);
    for (uint32_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
      auto [first, last] = view->communes(tile_idx);
      for (auto share = first; share != last; ++share)
        index.commune_tiles[cursor[share->commune]++] = tile_idx;
    }
    index.keys.resize(tiles);
    for (size_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
      const TileId id = view->tile(tile_idx);
      index.keys[tile_idx] = (static_cast<uint64_t>(static_cast<uint32_t>(id.north)) << 32) |
                             static_cast<uint32_t>(id.east);
    }
    index.half_cell = CellSizeMetres(static_cast<Level>(level_idx)) / 2.0;
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    index.boxes.assign(index.block_count, {kInfinity, -kInfinity, kInfinity, -kInfinity});
    for (size_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
      BlockBox& box = index.boxes[tile_idx / kBlockSize];
      const double east = EastOf(index.keys[tile_idx], index.half_cell);
      const double north = NorthOf(index.keys[tile_idx], index.half_cell);
      box.min_east = std::min(box.min_east, east);
      box.max_east = std::max(box.max_east, east);
      box.min_north = std::min(box.min_north, north);
      box.max_north = std::max(box.max_north, north);
    }
    levels_[static_cast<size_t>(level_idx)] = std::move(index);
  }
}

std::optional<std::pair<double, double>> SearchEngine::ValueRange(Level level,
                                                                  size_t criterion) const {
  const auto& index = levels_[static_cast<size_t>(level)];
  if (!index) return std::nullopt;
  return index->ranges[criterion];
}

SearchEngine::Plan SearchEngine::MakePlan(const SearchRequest& request) const {
  Plan plan;
  plan.request = &request;
  plan.index = &*levels_[static_cast<size_t>(request.level)];
  const auto& criteria = grid_.catalogue().criteria();
  for (size_t constraint_idx = 0; constraint_idx < request.constraints.size(); ++constraint_idx) {
    const Constraint& constraint = request.constraints[constraint_idx];
    if (constraint.importance == Importance::kPreferred) {
      plan.preferred.push_back(constraint_idx);
      const CriterionSpec& spec = criteria[constraint.criterion];
      auto [lo, hi] = CodeRangeFor(spec, constraint.min, constraint.max);
      const auto& range = plan.index->ranges[constraint.criterion];
      const double spread =
          range && range->second > range->first ? range->second - range->first : 1.0;
      constexpr double kInfinity = std::numeric_limits<double>::infinity();
      plan.terms.push_back(
          {constraint.criterion, lo, hi, spec.MissingCode(),
           constraint.min ? (*constraint.min - spec.offset) / spec.step : -kInfinity,
           constraint.max ? (*constraint.max - spec.offset) / spec.step : kInfinity,
           spec.step / spread, static_cast<double>(constraint.weight)});
      plan.weight_sum += constraint.weight;
      continue;
    }
    auto [lo, hi] = CodeRangeFor(criteria[constraint.criterion], constraint.min, constraint.max);
    if (lo > hi) plan.empty = true;
    plan.required.push_back({constraint.criterion, lo, hi});
  }
  for (size_t place_idx = 0; place_idx < request.places.size(); ++place_idx) {
    const PlaceConstraint& place = request.places[place_idx];
    const double max_m = place.max_km * 1000.0;
    const PlaceTerm term{place_idx, place.x,       place.y,
                         max_m,     max_m * max_m, static_cast<double>(place.weight)};
    if (place.importance == Importance::kRequired) {
      plan.required_places.push_back(term);
    } else {
      plan.preferred_places.push_back(term);
      plan.weight_sum += place.weight;
    }
  }
  if (request.has_territory) {
    const size_t tiles = plan.index->view->tile_count();
    plan.territory.assign(tiles, 0);
    plan.territory_blocks.assign(plan.index->block_count, 0);
    for (uint32_t commune : request.territory_communes) {
      for (uint32_t offset = plan.index->commune_tile_offsets[commune];
           offset < plan.index->commune_tile_offsets[commune + 1]; ++offset) {
        const uint32_t tile = plan.index->commune_tiles[offset];
        if (!plan.territory[tile]) {
          plan.territory[tile] = 1;
          plan.territory_blocks[tile / kBlockSize]++;
        }
      }
    }
  }
  return plan;
}

namespace {

// mask[i] &= (tile start + i lies within the place's distance).
void NarrowMaskByPlace(const uint64_t* keys, size_t length, double half_cell, double x, double y,
                       double limit2, uint8_t* mask) {
  for (size_t offset = 0; offset < length; ++offset) {
    const double squared =
        SquaredDistance(EastOf(keys[offset], half_cell), NorthOf(keys[offset], half_cell), x, y);
    mask[offset] &= static_cast<uint8_t>(squared <= limit2);
  }
}

}  // namespace

// Calls sink(start, length, mask) for each block with green tiles; mask is nullptr when
// the whole block is green, else one byte per tile (1 = green).
template <typename Sink, typename Skip>
void SearchEngine::ForEachGreen(const Plan& plan, Sink&& sink, Skip&& skip) const {
  if (plan.empty) return;
  const LevelIndex& index = *plan.index;
  const LevelView& view = *index.view;
  const auto& criteria = grid_.catalogue().criteria();
  const size_t tiles = view.tile_count();
  alignas(64) uint8_t mask[kBlockSize];
  std::vector<const CodeRange*> partial;
  partial.reserve(plan.required.size());
  std::vector<const PlaceTerm*> partial_places;
  partial_places.reserve(plan.required_places.size());
  for (size_t block = 0; block < index.block_count; ++block) {
    if (!plan.territory.empty() && plan.territory_blocks[block] == 0) continue;
    if (skip(block)) continue;
    const size_t start = block * kBlockSize;
    const size_t length = std::min(kBlockSize, tiles - start);
    partial.clear();
    bool block_fails = false;
    for (const CodeRange& range : plan.required) {
      const ZoneMap& zone = index.zones[range.criterion][block];
      if (zone.missing == length || zone.max_code < range.lo || zone.min_code > range.hi) {
        block_fails = true;
        break;
      }
      if (zone.missing == 0 && zone.min_code >= range.lo && zone.max_code <= range.hi) continue;
      partial.push_back(&range);
    }
    if (block_fails) continue;
    partial_places.clear();
    for (const PlaceTerm& term : plan.required_places) {
      const BlockBox& box = index.boxes[block];
      if (BoxNearest(box, term.x, term.y) > term.limit2) {
        block_fails = true;
        break;
      }
      if (BoxFarthest(box, term.x, term.y) <= term.limit2) continue;
      partial_places.push_back(&term);
    }
    if (block_fails) continue;
    const bool whole_territory = plan.territory.empty() || plan.territory_blocks[block] == length;
    if (partial.empty() && partial_places.empty() && whole_territory) {
      sink(start, length, static_cast<const uint8_t*>(nullptr));
      continue;
    }
    if (plan.territory.empty()) {
      std::fill(mask, mask + length, uint8_t{1});
    } else {
      std::copy(plan.territory.begin() + static_cast<std::ptrdiff_t>(start),
                plan.territory.begin() + static_cast<std::ptrdiff_t>(start + length), mask);
    }
    for (const CodeRange* range : partial) {
      const void* column = view.column(range->criterion);
      if (criteria[range->criterion].width == 2) {
        NarrowMask(static_cast<const uint16_t*>(column) + start, length,
                   static_cast<uint16_t>(range->lo), static_cast<uint16_t>(range->hi), mask);
      } else {
        NarrowMask(static_cast<const uint32_t*>(column) + start, length, range->lo, range->hi,
                   mask);
      }
    }
    for (const PlaceTerm* term : partial_places) {
      NarrowMaskByPlace(index.keys.data() + start, length, index.half_cell, term->x, term->y,
                        term->limit2, mask);
    }
    sink(start, length, static_cast<const uint8_t*>(mask));
  }
}

uint64_t SearchEngine::Count(const SearchRequest& request) const {
  Plan plan = MakePlan(request);
  uint64_t count = 0;
  ForEachGreen(plan, [&count](size_t, size_t length, const uint8_t* mask) {
    count += mask == nullptr ? length : CountMask(mask, length);
  });
  return count;
}

std::vector<uint32_t> SearchEngine::GreenTiles(const SearchRequest& request) const {
  Plan plan = MakePlan(request);
  std::vector<uint32_t> green;
  ForEachGreen(plan, [&green](size_t start, size_t length, const uint8_t* mask) {
    for (size_t offset = 0; offset < length; ++offset) {
      if (mask == nullptr || mask[offset]) green.push_back(static_cast<uint32_t>(start + offset));
    }
  });
  return green;
}

namespace {

// Sparse form: only the selected tiles of a block (a selection vector of offsets).
template <typename Code>
void AccumulateTermSelected(const Code* codes, const uint16_t* selection, size_t count,
                            const PreferredTerm& term, double* scores) {
  for (size_t index = 0; index < count; ++index)
    scores[index] += TermScore(codes[selection[index]], term);
}

struct Candidate {
  double score;
  uint64_t key;
  uint32_t tile;
};

// Better first: higher score, then lower tile id.
inline bool Better(const Candidate& a, const Candidate& b) {
  return a.score != b.score ? a.score > b.score : a.key < b.key;
}

}  // namespace

template <typename Offset>
void SearchEngine::AccumulatePlaces(const Plan& plan, size_t start, size_t count, Offset&& offset,
                                    double* scores) const {
  const uint64_t* keys = plan.index->keys.data() + start;
  const double half_cell = plan.index->half_cell;
  for (const PlaceTerm& term : plan.preferred_places) {
    for (size_t index = 0; index < count; ++index) {
      const uint64_t key = keys[offset(index)];
      scores[index] += PlaceScoreOf(
          SquaredDistance(EastOf(key, half_cell), NorthOf(key, half_cell), term.x, term.y),
          term.max_m, term.limit2, term.weight);
    }
  }
}

void SearchEngine::ScoreBlock(const Plan& plan, size_t start, size_t length, double* scores) const {
  if (!plan.Scored()) {
    std::fill(scores, scores + length, 1.0);
    return;
  }
  std::fill(scores, scores + length, 0.0);
  const LevelView& view = *plan.index->view;
  const auto& criteria = grid_.catalogue().criteria();
  for (const PreferredTerm& term : plan.terms) {
    const void* column = view.column(term.criterion);
    if (criteria[term.criterion].width == 2) {
      AccumulateTerm(static_cast<const uint16_t*>(column) + start, length, term, scores);
    } else {
      AccumulateTerm(static_cast<const uint32_t*>(column) + start, length, term, scores);
    }
  }
  AccumulatePlaces(
      plan, start, length, [](size_t offset) { return offset; }, scores);
  const double inverse = 1.0 / plan.weight_sum;
  for (size_t offset = 0; offset < length; ++offset) scores[offset] *= inverse;
}

void SearchEngine::ScoreSelected(const Plan& plan, size_t start, const uint16_t* selection,
                                 size_t count, double* scores) const {
  if (!plan.Scored()) {
    std::fill(scores, scores + count, 1.0);
    return;
  }
  std::fill(scores, scores + count, 0.0);
  const LevelView& view = *plan.index->view;
  const auto& criteria = grid_.catalogue().criteria();
  for (const PreferredTerm& term : plan.terms) {
    const void* column = view.column(term.criterion);
    if (criteria[term.criterion].width == 2) {
      AccumulateTermSelected(static_cast<const uint16_t*>(column) + start, selection, count, term,
                             scores);
    } else {
      AccumulateTermSelected(static_cast<const uint32_t*>(column) + start, selection, count, term,
                             scores);
    }
  }
  AccumulatePlaces(
      plan, start, count, [selection](size_t index) { return selection[index]; }, scores);
  const double inverse = 1.0 / plan.weight_sum;
  for (size_t index = 0; index < count; ++index) scores[index] *= inverse;
}

double SearchEngine::Score(const Plan& plan, uint32_t tile) const {
  double score = 0;
  ScoreBlock(plan, tile, 1, &score);
  return score;
}

// Per-thread scratch of the commune counts of one search, zero between searches. Each
// green tile adds 1 to its communes; a commune's first count appends it to `touched`
// without a branch (`touched` has room for every commune), so that neither collecting
// nor resetting scans the whole table.
struct SearchEngine::CommuneTally {
  std::vector<uint32_t> counts;   // per commune
  std::vector<uint32_t> touched;  // the first `touched_count` entries: communes with counts[c] > 0
  size_t touched_count = 0;
};

namespace {
// Scores below the threshold by more than this cannot enter the top (rounding of the
// bound is a few ulps of the weight sum; this is many orders of magnitude above).
constexpr double kBoundSlack = 1e-9;
}  // namespace

double SearchEngine::BlockScoreBound(const Plan& plan, size_t block) const {
  const LevelIndex& index = *plan.index;
  const size_t length = std::min(kBlockSize, index.view->tile_count() - block * kBlockSize);
  const auto& criteria = grid_.catalogue().criteria();
  // The same sum in the same order as ScoreBlock, each term at its best code of the block:
  // s only grows towards [lo, hi], and rounding is monotone, so no tile scores above it.
  double bound = 0;
  for (const PreferredTerm& term : plan.terms) {
    const ZoneMap& zone = index.zones[term.criterion][block];
    if (zone.missing == length) continue;  // every tile adds weight × 0
    if (term.lo > term.hi || (zone.max_code >= term.lo && zone.min_code <= term.hi)) {
      bound += term.weight;  // s ≤ 1
      continue;
    }
    const uint32_t nearest = zone.max_code < term.lo ? zone.max_code : zone.min_code;
    bound += criteria[term.criterion].width == 2 ? TermScore(static_cast<uint16_t>(nearest), term)
                                                 : TermScore(nearest, term);
  }
  for (const PlaceTerm& term : plan.preferred_places) {
    bound += PlaceScoreOf(BoxNearest(index.boxes[block], term.x, term.y), term.max_m, term.limit2,
                          term.weight);
  }
  return bound * (1.0 / plan.weight_sum);
}

std::vector<RankedTile> SearchEngine::Rank(const Plan& plan, size_t k, uint64_t* green_count,
                                           CommuneTally* tally) const {
  const LevelIndex& index = *plan.index;
  const LevelView& view = *index.view;
  const auto& criteria = grid_.catalogue().criteria();
  const std::vector<uint64_t>& index_keys = index.keys;
  std::vector<Candidate> heap;  // the k best so far, worst at the front
  heap.reserve(k + 1);
  uint64_t green = 0;
  const bool scored = plan.Scored();
  const double inverse = scored ? 1.0 / plan.weight_sum : 1.0;
  // The order in which a full heap's threshold is tested against the terms, and what
  // each term has taken off the sums it was added to (weights are small integers).
  std::vector<size_t> order(plan.terms.size());
  for (size_t term_idx = 0; term_idx < order.size(); ++term_idx) order[term_idx] = term_idx;
  std::vector<double> observed_loss(plan.terms.size(), 0.0), observed_tiles(plan.terms.size(), 0.0);
  alignas(64) double scores[kBlockSize];
  alignas(64) double partial[kBlockSize];
  alignas(64) uint16_t selection[kBlockSize];

  auto offer = [&](double score, uint32_t tile) {
    const Candidate candidate{score, index_keys[tile], tile};
    if (heap.size() < k) {
      heap.push_back(candidate);
      std::push_heap(heap.begin(), heap.end(), Better);
    } else if (Better(candidate, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), Better);
      heap.back() = candidate;
      std::push_heap(heap.begin(), heap.end(), Better);
    }
  };
  const bool counting = tally != nullptr || green_count != nullptr;
  // A pure top-k skips, before reading them, the blocks whose best score cannot enter.
  auto skip = [&](size_t block) {
    return !counting && scored && k > 0 && heap.size() == k &&
           BlockScoreBound(plan, block) < heap.front().score;
  };
  ForEachGreen(
      plan,
      [&](size_t start, size_t length, const uint8_t* mask) {
        const size_t block = start / kBlockSize;
        // The block's green tiles as a selection vector of offsets.
        size_t count = 0;
        if (mask == nullptr) {
          for (size_t offset = 0; offset < length; ++offset)
            selection[offset] = static_cast<uint16_t>(offset);
          count = length;
        } else {
          for (size_t offset = 0; offset < length; ++offset) {
            selection[count] = static_cast<uint16_t>(offset);
            count += mask[offset];
          }
        }
        green += count;
        if (tally != nullptr) {
          uint32_t* counts = tally->counts.data();
          uint32_t* touched = tally->touched.data();
          size_t touched_count = tally->touched_count;
          for (size_t selected_idx = 0; selected_idx < count; ++selected_idx) {
            auto [first, last] = view.communes(start + selection[selected_idx]);
            for (auto share = first; share != last; ++share) {
              touched[touched_count] = share->commune;
              touched_count += counts[share->commune]++ == 0;
            }
          }
          tally->touched_count = touched_count;
        }
        if (k == 0 || count == 0) return;
        const bool dense = count * 4 >= length;
        if (!scored || heap.size() < k) {
          // Dense blocks are scored whole (vectorised), sparse ones through the selection.
          if (dense) {
            ScoreBlock(plan, start, length, scores);
            for (size_t selected_idx = 0; selected_idx < count; ++selected_idx) {
              offer(scores[selection[selected_idx]],
                    static_cast<uint32_t>(start + selection[selected_idx]));
            }
          } else {
            ScoreSelected(plan, start, selection, count, scores);
            for (size_t selected_idx = 0; selected_idx < count; ++selected_idx) {
              offer(scores[selected_idx], static_cast<uint32_t>(start + selection[selected_idx]));
            }
          }
          return;
        }
        // The heap is full: a tile must reach its worst score. Skip the block when its
        // bound says none can; else add the terms one at a time and drop, after each,
        // the tiles that cannot reach it even with every other term at its weight (with
        // kBoundSlack for the rounding of sums taken in another order).
        const double floor = heap.front().score - kBoundSlack;
        if (counting && BlockScoreBound(plan, block) < heap.front().score) return;
        // While most tiles are alive, terms are added over the whole block (vectorised,
        // into `scores`); once few are, only over the survivors (into `partial`). Terms go
        // in the order that has dropped the most so far (their observed mean loss); the
        // survivors' scores are then computed again in request order, as ScoreBlock does.
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          const double loss_a = observed_loss[a] / (observed_tiles[a] + 1);
          const double loss_b = observed_loss[b] / (observed_tiles[b] + 1);
          return loss_a != loss_b ? loss_a > loss_b : a < b;
        });
        size_t alive = count;
        bool whole = dense;
        double later = plan.weight_sum;  // what the terms not yet added can add at most
        double alive_sum = 0;            // Σ of the running sums of the alive tiles
        if (whole)
          std::fill(scores, scores + length, 0.0);
        else
          std::fill(partial, partial + alive, 0.0);
        for (size_t term_idx : order) {
          const PreferredTerm& term = plan.terms[term_idx];
          const void* column = view.column(term.criterion);
          const bool narrow = criteria[term.criterion].width == 2;
          if (whole) {
            if (narrow) {
              AccumulateTerm(static_cast<const uint16_t*>(column) + start, length, term, scores);
            } else {
              AccumulateTerm(static_cast<const uint32_t*>(column) + start, length, term, scores);
            }
          } else if (narrow) {
            AccumulateTermSelected(static_cast<const uint16_t*>(column) + start, selection, alive,
                                   term, partial);
          } else {
            AccumulateTermSelected(static_cast<const uint32_t*>(column) + start, selection, alive,
                                   term, partial);
          }
          later -= term.weight;
          size_t kept = 0;
          double sum = 0, kept_sum = 0;
          for (size_t alive_idx = 0; alive_idx < alive; ++alive_idx) {
            const double value = whole ? scores[selection[alive_idx]] : partial[alive_idx];
            const bool keep = (value + later) * inverse >= floor;
            selection[kept] = selection[alive_idx];
            partial[kept] = value;
            sum += value;
            kept_sum += keep ? value : 0.0;
            kept += keep;
          }
          observed_loss[term_idx] += term.weight * static_cast<double>(alive) - (sum - alive_sum);
          observed_tiles[term_idx] += static_cast<double>(alive);
          alive_sum = kept_sum;
          alive = kept;
          if (alive == 0) return;
          if (whole && alive * 4 < length) whole = false;  // `partial` holds the survivors' sums
        }
        ScoreSelected(plan, start, selection, alive, partial);
        for (size_t alive_idx = 0; alive_idx < alive; ++alive_idx) {
          offer(partial[alive_idx], static_cast<uint32_t>(start + selection[alive_idx]));
        }
      },
      skip);
  std::sort(heap.begin(), heap.end(), Better);
  std::vector<RankedTile> ranked;
  ranked.reserve(heap.size());
  for (const Candidate& candidate : heap) ranked.push_back({candidate.tile, candidate.score});
  if (green_count != nullptr) *green_count = green;
  return ranked;
}

std::vector<CommuneCount> SearchEngine::CollectCommunes(const Plan&, CommuneTally& tally) const {
  std::vector<CommuneCount> communes(tally.touched_count);
  uint32_t* counts = tally.counts.data();
  for (size_t index = 0; index < tally.touched_count; ++index) {
    const uint32_t commune = tally.touched[index];
    communes[index] = {commune, counts[commune]};
    counts[commune] = 0;
  }
  tally.touched_count = 0;
  return communes;
}

std::vector<RankedTile> SearchEngine::TopTiles(const SearchRequest& request, size_t k) const {
  return Rank(MakePlan(request), k, nullptr, nullptr);
}

SearchResult SearchEngine::Search(const SearchRequest& request, bool with_relax) const {
  Plan plan = MakePlan(request);
  SearchResult result;
  // Reused per thread: sized for the largest grid and level seen, zero between searches.
  thread_local CommuneTally tally;
  if (tally.counts.size() < grid_.communes().size()) {
    tally.counts.resize(grid_.communes().size(), 0);
    tally.touched.resize(grid_.communes().size() +
                         1);  // + 1: the branchless append writes one past
  }
  std::vector<RankedTile> ranked =
      Rank(plan, request.offset + request.limit, &result.green_count, &tally);
  if (request.offset < ranked.size()) {
    result.tiles.assign(ranked.begin() + static_cast<std::ptrdiff_t>(request.offset), ranked.end());
  }
  result.communes = CollectCommunes(plan, tally);
  // The commune table is in code order, so the index breaks ties like the code would.
  const size_t listed = std::min(result.communes.size(), kRankedCommunes);
  auto more_green = [](const CommuneCount& a, const CommuneCount& b) {
    return a.green_tiles != b.green_tiles ? a.green_tiles > b.green_tiles : a.commune < b.commune;
  };
  // A bounded heap: most communes fail one comparison with its top (cheaper here than
  // nth_element, measured).
  std::partial_sort(result.communes.begin(),
                    result.communes.begin() + static_cast<std::ptrdiff_t>(listed),
                    result.communes.end(), more_green);
  if (with_relax) result.relax = Relax(plan, result.green_count, &result.place_relax);
  return result;
}

namespace {

// fails[i] += 1 for each tile outside [lo, hi] (missing included).
template <typename Code>
void CountFailures(const Code* codes, size_t length, uint32_t lo, uint32_t hi, uint8_t* fails) {
  const Code low = static_cast<Code>(lo);
  const Code span = static_cast<Code>(hi - lo);
  const uint8_t always = lo > hi ? 1 : 0;
  for (size_t offset = 0; offset < length; ++offset) {
    fails[offset] += static_cast<uint8_t>((static_cast<Code>(codes[offset] - low) > span) | always);
  }
}

}  // namespace

std::vector<RelaxHint> SearchEngine::Relax(const Plan& plan, uint64_t green_count,
                                           std::vector<PlaceRelaxHint>* place_hints) const {
  const LevelIndex& index = *plan.index;
  const LevelView& view = *index.view;
  const auto& criteria = grid_.catalogue().criteria();
  const size_t required = plan.required.size();
  // For each required constraint, the tiles failing only it: their code (missing ones
  // count towards "dropped" but no bound can admit them).
  std::vector<std::vector<uint32_t>> lone_failures(required);
  std::vector<uint64_t> missing_failures(required, 0);
  // The same for required places: the squared distances of the tiles failing only it.
  const size_t required_places = plan.required_places.size();
  std::vector<std::vector<double>> lone_place_failures(required_places);
  const double half_cell = index.half_cell;
  const size_t tiles = view.tile_count();
  // The required columns, read inline (no call per code).
  struct RequiredColumn {
    const uint16_t* narrow;
    const uint32_t* wide;
    uint32_t missing;
    uint32_t CodeAt(size_t tile) const { return narrow != nullptr ? narrow[tile] : wide[tile]; }
  };
  std::vector<RequiredColumn> columns;
  columns.reserve(required);
  for (const CodeRange& range : plan.required) {
    const void* column = view.column(range.criterion);
    const bool is_narrow = criteria[range.criterion].width == 2;
    columns.push_back({is_narrow ? static_cast<const uint16_t*>(column) : nullptr,
                       is_narrow ? nullptr : static_cast<const uint32_t*>(column),
                       criteria[range.criterion].MissingCode()});
  }
  alignas(64) uint8_t fails[kBlockSize];
  alignas(64) uint16_t lone_tiles[kBlockSize];
  for (size_t block = 0; block < index.block_count; ++block) {
    if (!plan.territory.empty() && plan.territory_blocks[block] == 0) continue;
    const size_t start = block * kBlockSize;
    const size_t length = std::min(kBlockSize, tiles - start);
    // Two constraints failing the whole block: no tile of it fails only one.
    int whole_failures = 0;
    for (const CodeRange& range : plan.required) {
      const ZoneMap& zone = index.zones[range.criterion][block];
      whole_failures += range.lo > range.hi || zone.missing == length || zone.max_code < range.lo ||
                        zone.min_code > range.hi;
    }
    const BlockBox& box = index.boxes[block];
    for (const PlaceTerm& term : plan.required_places)
      whole_failures += BoxNearest(box, term.x, term.y) > term.limit2;
    if (whole_failures >= 2) continue;
    std::fill(fails, fails + length, uint8_t{0});
    for (size_t range_idx = 0; range_idx < required; ++range_idx) {
      const CodeRange& range = plan.required[range_idx];
      const ZoneMap& zone = index.zones[range.criterion][block];
      // A constraint the whole block passes adds no failure.
      if (range.lo <= range.hi && zone.missing == 0 && zone.min_code >= range.lo &&
          zone.max_code <= range.hi)
        continue;
      if (columns[range_idx].narrow != nullptr) {
        CountFailures(columns[range_idx].narrow + start, length, range.lo, range.hi, fails);
      } else {
        CountFailures(columns[range_idx].wide + start, length, range.lo, range.hi, fails);
      }
    }
    const uint64_t* keys = index.keys.data() + start;
    for (const PlaceTerm& term : plan.required_places) {
      if (BoxFarthest(box, term.x, term.y) <= term.limit2) continue;
      for (size_t offset = 0; offset < length; ++offset) {
        const double squared = SquaredDistance(EastOf(keys[offset], half_cell),
                                               NorthOf(keys[offset], half_cell), term.x, term.y);
        fails[offset] += static_cast<uint8_t>(squared > term.limit2);
      }
    }
    // The tiles failing exactly one constraint, gathered without a branch per tile.
    size_t lone = 0;
    for (size_t offset = 0; offset < length; ++offset) {
      lone_tiles[lone] = static_cast<uint16_t>(offset);
      lone += fails[offset] == 1;
    }
    for (size_t lone_idx = 0; lone_idx < lone; ++lone_idx) {
      const auto tile = static_cast<uint32_t>(start + lone_tiles[lone_idx]);
      if (!plan.territory.empty() && !plan.territory[tile]) continue;
      bool found = false;
      for (size_t range_idx = 0; range_idx < required; ++range_idx) {
        const CodeRange& range = plan.required[range_idx];
        const uint32_t code = columns[range_idx].CodeAt(tile);
        if (range.lo <= range.hi && code >= range.lo && code <= range.hi) continue;
        if (code == columns[range_idx].missing) {
          missing_failures[range_idx]++;
        } else {
          lone_failures[range_idx].push_back(code);
        }
        found = true;
        break;
      }
      for (size_t place_idx = 0; !found && place_idx < required_places; ++place_idx) {
        const PlaceTerm& term = plan.required_places[place_idx];
        const double squared =
            SquaredDistance(EastOf(index.keys[tile], half_cell),
                            NorthOf(index.keys[tile], half_cell), term.x, term.y);
        if (squared <= term.limit2) continue;
        lone_place_failures[place_idx].push_back(squared);
        found = true;
      }
    }
  }

  std::vector<RelaxHint> hints;
  size_t range_idx = 0;
  for (size_t constraint_idx = 0; constraint_idx < plan.request->constraints.size();
       ++constraint_idx) {
    const Constraint& constraint = plan.request->constraints[constraint_idx];
    if (constraint.importance != Importance::kRequired) continue;
    const CodeRange& range = plan.required[range_idx];
    const CriterionSpec& spec = criteria[range.criterion];
    auto& candidates = lone_failures[range_idx];
    RelaxHint hint;
    hint.constraint = constraint_idx;
    hint.gain_if_dropped = candidates.size() + missing_failures[range_idx];
    hint.min = constraint.min;
    hint.max = constraint.max;
    hint.green_with_suggestion = green_count;
    ++range_idx;
    if (candidates.empty()) {
      hints.push_back(hint);
      continue;
    }
    // Distance of each candidate outside the bounds, in codes (exact).
    auto outside = [&range](uint32_t code) -> uint64_t {
      return code < range.lo ? uint64_t{range.lo} - code : uint64_t{code} - range.hi;
    };
    const uint64_t wanted = std::max<uint64_t>(green_count, 1);
    const size_t pick = static_cast<size_t>(std::min<uint64_t>(wanted, candidates.size())) - 1;
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(pick),
                     candidates.end(), [&](uint32_t a, uint32_t b) {
                       return outside(a) != outside(b) ? outside(a) < outside(b) : a < b;
                     });
    const uint64_t widen = outside(candidates[pick]);
    // Widen by the same number of steps on each bound the constraint has; a one-sided
    // constraint only moves its bound.
    const uint64_t new_lo = constraint.min ? (range.lo > widen ? range.lo - widen : 0) : 0;
    const uint64_t new_hi = constraint.max
                                ? std::min<uint64_t>(uint64_t{range.hi} + widen, spec.MaxCode())
                                : spec.MaxCode();
    if (constraint.min) hint.min = spec.Decode(static_cast<uint32_t>(new_lo));
    if (constraint.max) hint.max = spec.Decode(static_cast<uint32_t>(new_hi));
    uint64_t admitted = 0;
    for (uint32_t code : candidates) admitted += code >= new_lo && code <= new_hi;
    hint.green_with_suggestion = green_count + admitted;
    hint.doubles = hint.green_with_suggestion >= std::max<uint64_t>(2 * green_count, 1);
    hint.relaxable = admitted > 0;
    hints.push_back(hint);
  }
  if (place_hints == nullptr) return hints;
  place_hints->clear();
  for (size_t place_idx = 0; place_idx < required_places; ++place_idx) {
    const PlaceTerm& term = plan.required_places[place_idx];
    auto& candidates = lone_place_failures[place_idx];
    PlaceRelaxHint hint;
    hint.place = term.place;
    hint.gain_if_dropped = candidates.size();
    hint.max_km = plan.request->places[term.place].max_km;
    hint.green_with_suggestion = green_count;
    if (candidates.empty()) {
      place_hints->push_back(hint);
      continue;
    }
    const uint64_t wanted = std::max<uint64_t>(green_count, 1);
    const size_t pick = static_cast<size_t>(std::min<uint64_t>(wanted, candidates.size())) - 1;
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(pick),
                     candidates.end());
    const double needed = candidates[pick];
    // Rounded up to 0.1 km for people, then checked with the filter's own test.
    double suggestion = std::ceil(std::sqrt(needed) / 100.0) / 10.0;
    auto limit_of = [](double km) { return (km * 1000.0) * (km * 1000.0); };
    while (limit_of(suggestion) < needed) suggestion += 0.1;
    const double limit2 = limit_of(suggestion);
    uint64_t admitted = 0;
    for (double squared : candidates) admitted += squared <= limit2;
    hint.max_km = suggestion;
    hint.green_with_suggestion = green_count + admitted;
    hint.doubles = hint.green_with_suggestion >= std::max<uint64_t>(2 * green_count, 1);
    hint.relaxable = admitted > 0;
    place_hints->push_back(hint);
  }
  return hints;
}

GroupResult SearchEngine::SearchGroup(const std::vector<SearchRequest>& members, size_t k) const {
  GroupResult result;
  const size_t member_count = std::min(members.size(), kMaxGroupMembers);
  result.suited_by.assign(member_count + 1, 0);
  if (member_count == 0) return result;
  const LevelIndex& index = *levels_[static_cast<size_t>(members[0].level)];
  const size_t tiles = index.view->tile_count();
  // The members for whom each tile is green, one bit each.
  std::vector<uint64_t> green_for(tiles, 0);
  for (size_t member_idx = 0; member_idx < member_count; ++member_idx) {
    if (members[member_idx].level != members[0].level) continue;  // suits no tile here
    const uint64_t bit = uint64_t{1} << member_idx;
    Plan plan = MakePlan(members[member_idx]);
    ForEachGreen(plan, [&](size_t start, size_t length, const uint8_t* mask) {
      for (size_t offset = 0; offset < length; ++offset) {
        if (mask == nullptr || mask[offset]) green_for[start + offset] |= bit;
      }
    });
  }
  const uint64_t everyone = member_count == 64 ? ~uint64_t{0} : (uint64_t{1} << member_count) - 1;
  std::vector<GroupTile> candidates;
  candidates.reserve(std::min(tiles, k * 4 + 16));
  auto better = [&index](const GroupTile& a, const GroupTile& b) {
    return a.members_suited != b.members_suited ? a.members_suited > b.members_suited
                                                : index.keys[a.tile] < index.keys[b.tile];
  };
  for (uint32_t tile_idx = 0; tile_idx < tiles; ++tile_idx) {
    const auto suited = static_cast<uint32_t>(std::popcount(green_for[tile_idx]));
    result.suited_by[suited]++;
    if (k == 0 || suited == 0) continue;
    candidates.push_back({tile_idx, suited, everyone & ~green_for[tile_idx]});
    // Keep the candidates bounded: trim to the best k now and then.
    if (candidates.size() >= k * 4 + 16) {
      std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                       candidates.end(), better);
      candidates.resize(k);
    }
  }
  result.suits_everyone = result.suited_by[member_count];
  std::sort(candidates.begin(), candidates.end(), better);
  if (candidates.size() > k) candidates.resize(k);
  result.best = std::move(candidates);
  return result;
}

Explanation SearchEngine::Explain(const SearchRequest& request, uint32_t tile) const {
  Plan plan = MakePlan(request);
  const LevelView& view = *plan.index->view;
  Explanation explanation;
  explanation.in_territory = plan.territory.empty() || plan.territory[tile];
  explanation.green = explanation.in_territory && !plan.empty;
  for (size_t constraint_idx = 0; constraint_idx < request.constraints.size(); ++constraint_idx) {
    const Constraint& constraint = request.constraints[constraint_idx];
    const CriterionSpec& spec = grid_.catalogue().criteria()[constraint.criterion];
    ConstraintCheck check;
    check.constraint = constraint_idx;
    check.value = view.Value(constraint.criterion, tile);
    if (check.value) {
      auto [lo, hi] = CodeRangeFor(spec, constraint.min, constraint.max);
      const uint32_t code = view.Code(constraint.criterion, tile);
      check.passes = lo <= hi && code >= lo && code <= hi;
      double margin = std::numeric_limits<double>::infinity();
      if (constraint.min) margin = std::min(margin, *check.value - *constraint.min);
      if (constraint.max) margin = std::min(margin, *constraint.max - *check.value);
      check.margin = margin;
    }
    if (constraint.importance == Importance::kRequired) {
      explanation.green = explanation.green && check.passes;
    } else {
      SearchRequest single = request;
      single.constraints = {constraint};
      single.places.clear();
      single.has_territory = false;
      Plan one = MakePlan(single);
      check.score = Score(one, tile);
    }
    explanation.checks.push_back(check);
  }
  const uint64_t key = plan.index->keys[tile];
  const double east = EastOf(key, plan.index->half_cell);
  const double north = NorthOf(key, plan.index->half_cell);
  auto check_place = [&](const PlaceTerm& term, bool required) {
    const PlaceConstraint& place = request.places[term.place];
    const double squared = SquaredDistance(east, north, term.x, term.y);
    PlaceCheck check;
    check.place = term.place;
    check.distance_km = std::sqrt(squared) / 1000.0;
    check.passes = squared <= term.limit2;
    check.margin_km = place.max_km - check.distance_km;
    if (required) {
      explanation.green = explanation.green && check.passes;
    } else {
      check.score = PlaceScoreOf(squared, term.max_m, term.limit2, 1.0);
    }
    explanation.places.push_back(check);
  };
  for (const PlaceTerm& term : plan.required_places) check_place(term, true);
  for (const PlaceTerm& term : plan.preferred_places) check_place(term, false);
  std::sort(explanation.places.begin(), explanation.places.end(),
            [](const PlaceCheck& a, const PlaceCheck& b) { return a.place < b.place; });
  explanation.score = Score(plan, tile);
  return explanation;
}

}  // namespace vivrovert::engine
