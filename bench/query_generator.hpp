// The benchmark's query generator: deterministic search requests over a grid, in the
// engine's request format, whose green share spans 0.1 % to 30 % of the level's tiles.
//
// Model (bench/README.md):
//  - 5–12 constraints on distinct criteria (criteria present on ≥ 50 % of the level's
//    tiles only), 2 to k/2+1 of them required, the others preferred with weight 1–5;
//  - each constraint is one-sided in the criterion's good direction (70 %: "max" for
//    lower-is-better, "min" for higher-is-better) or a two-sided window (30 %);
//  - bounds are values of the grid (quantiles of the criterion's stored values), so a
//    bound is always a value some tile has exactly (inclusive bounds get exercised);
//  - target green share T log-uniform in [0.1 %, 30 %]; required constraint i gets the
//    quantile mass T^(λ·w_i) (w random, Σw = 1) and λ is bisected by brute-force counting
//    over the grid until the green share is within 5 % of T (or the closest reached);
//  - preferred constraints: quantile mass uniform in [10 %, 60 %].
// The brute-force green count of each query is kept: it is a third, independent answer
// the comparison checks the engine and DuckDB against.
//
// Thread safety: GenerateQueries is a pure function of the grid and options.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::bench {

inline constexpr uint64_t kDefaultQuerySeed = 1792;

struct QueryGeneratorOptions {
  uint64_t seed = kDefaultQuerySeed;
  size_t count = 100;
  engine::Level level = engine::Level::k1km;
  int min_constraints = 5;
  int max_constraints = 12;
  double min_share = 0.001;
  double max_share = 0.30;
  // Criteria with values on a smaller share of the level's tiles are never queried.
  double min_coverage = 0.5;
};

struct GeneratedQuery {
  std::string name;                // "q007": the file is <name>.json
  nlohmann::ordered_json request;  // {"level", "criteria": [...]}, keys in that order
  double target_share = 0;
  uint64_t green_count = 0;  // brute force over the grid
  uint64_t level_tiles = 0;  // tiles of the level
  size_t required = 0;
  size_t preferred = 0;
  // Bytes of the constrained columns at the grid's storage width: what a scan must read
  // for the green count (required columns) and at most for the scored top-500 (all).
  uint64_t required_bytes = 0;
  uint64_t constraint_bytes = 0;
};

// Errors: the grid has no such level, or fewer than 2 criteria with enough coverage.
Result<std::vector<GeneratedQuery>> GenerateQueries(const engine::GridFile& grid,
                                                    const QueryGeneratorOptions& options);

// Writes <dir>/<name>.json per query, <dir>/manifest.tsv (one line per query: query,
// level, constraints, required, preferred, target_share, green_count, green_share,
// required_bytes, constraint_bytes) and <dir>/GENERATOR.txt (how to regenerate them).
// Every *.json file of <dir> is a query. Errors: Unavailable when a file cannot be written.
Status WriteQueries(const std::vector<GeneratedQuery>& queries, const std::string& dir,
                    const std::string& description);

}  // namespace vivrovert::bench
