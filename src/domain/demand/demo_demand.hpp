// The demonstration demand of `make run` (`vivrovert admin seed-demo`): the one place
// outside benchmarks where generated activity is allowed, and always said — every record
// is marked demo and the barometer labels figures that include it "démo".
//
// A fixed-seed replay of the search page's ready-made profiles (data/profiles.json) and of
// variations of their bounds (each bound × a factor in [0.5, 1.5], rounded to a tenth),
// at hours spread over the last 90 days, through the recorder — so each search is
// evaluated by the engine on every partner territory exactly as a real one. Replaces the
// previous demonstration demand (idempotent: the same seed gives the same records,
// but the hours follow the clock).
//
// Thread safety: a plain function. Errors: InvalidArgument when no profile can be read
// against the grid; database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

inline constexpr uint64_t kDemoDemandSeed = 20;
inline constexpr int kDemoDemandSearches = 3000;
inline constexpr int kDemoDemandDays = 90;

struct DemoDemandSummary {
  int64_t searches = 0;  // recorded
  int64_t profiles = 0;  // profiles usable on the grid
};

Result<DemoDemandSummary> SeedDemoDemand(storage::Database& database, const engine::GridFile& grid,
                                         const Clock& clock, const nlohmann::json& profiles,
                                         int searches = kDemoDemandSearches);

}  // namespace vivrovert::demand
