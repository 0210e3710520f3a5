// The SYNTHETIC national benchmark grid: a deterministic, fixed-seed stand-in for the
// national grid, with every criterion filled, so that the search benchmark measures the
// engine on a full-size, fully populated grid. Never real data: its scope says
// "SYNTHETIC benchmark grid (seed N)".
//
// Model (bench/README.md has the numbers):
//  - tiles: the 1 km tiles and communes of a real grid file when one is given (positions
//    and commune shares only, no value is copied), else a France-shaped outline traced
//    from the national grid at 25 km resolution with 4 km × 4 km synthetic communes;
//  - a settlement model: 1,000 towns of Pareto(α = 1.1) population ≥ 10,000 at random
//    land tiles, each a Gaussian population bump, over a log-normal rural background
//    modulated by smooth noise; it gives `density` and the sampling weights of the
//    facilities (density^β per facility kind);
//  - distance criteria: straight-line distance from the tile centre to the nearest
//    synthetic facility (KD-tree), towns by population threshold, one "prefecture" per
//    75 km square; `shops_5km_count`: shops within 5 km;
//  - commune figures (unemployment, prices, household size, population change, …): one
//    value per commune from smooth fields + urban effect + per-commune noise, given to
//    the tiles whose largest share is that commune (so they are piecewise constant);
//  - missing values: ~2 % per criterion (1 % scattered tiles + 1 % spatial clusters for
//    tile criteria; 2 % of communes for commune figures);
//  - 5 km level: the parents of the 1 km tiles, values aggregated as the grid builder
//    does (catalogue `aggregate_5km`: mean, density, major commune), shares summed.
// All randomness comes from DeterministicRandom streams of one seed: the same seed and
// the same tile source give a byte-identical file.
//
// Thread safety: MakeSyntheticGrid is a pure function of its options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/status.hpp"
#include "engine/grid_file.hpp"

namespace vivrovert::bench {

inline constexpr uint64_t kDefaultGridSeed = 1789;
// Criteria kept from the head of the catalogue, encodings unchanged.
inline constexpr size_t kDefaultCriteriaCount = 30;
// build date written in the header, fixed so that the file is reproducible (2025-01-01).
inline constexpr int64_t kSyntheticBuiltAt = 1735689600;

struct SyntheticGridOptions {
  uint64_t seed = kDefaultGridSeed;
  size_t criteria_count = kDefaultCriteriaCount;
  std::string catalogue_path;  // the criteria catalogue (data/criteria.json)
  // A real grid whose 1 km tiles and communes to reuse; nullptr: procedural outline.
  const engine::GridFile* tiles_from = nullptr;
  double missing_share = 0.02;
};

// "SYNTHETIC benchmark grid (seed N)".
std::string SyntheticScope(uint64_t seed);

// Builds both levels in memory (~0.6 GB peak at national size). Errors: the catalogue
// cannot be read or has fewer criteria than asked; the tile source has no 1 km level.
Result<engine::GridData> MakeSyntheticGrid(const SyntheticGridOptions& options);

}  // namespace vivrovert::bench
