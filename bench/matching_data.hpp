// The matching benchmark's data (bench/README.md, "Matching listings to people"): people
// with their wishes and places, and listings, generated with fixed seeds over the real
// national tiles and ROME codes, written as CSV files that both the index's side
// (vivrovert_bench_matching) and DuckDB's side (duckdb/run_matching.mjs) load.
//
// Files of a data folder (header line first, empty cell = NULL):
//   persons.csv          user_id,notification,kinds,tenure,property_type,rooms_min,
//                        surface_min,price_max,business_sector,business_budget,skill_count
//   person_skills.csv    user_id,rome            (RomeCodeNumber)
//   person_tiles.csv     user_id,tile            (TileKey: favourite and clicked tiles, 1 and 5 km)
//   person_communes.csv  user_id,commune         (favourite communes, INSEE code)
//   search_runs.csv      user_id,north,east_lo,east_hi   (saved searches' green 1 km tiles
//                        as runs of a row, km — the stored form of domain/matching/tile_runs.hpp)
//   listings.csv         listing_id,kind,tile1,tile5,north,east,commune,is_rent,
//                        property_type,rooms,surface,price,rome,sector
// Enumerations are the integers of domain/matching/fit_rules.hpp (WantedKind bits, Tenure,
// PropertyType, Notification) and listings::Kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/matching/fit_rules.hpp"
#include "domain/matching/match_index.hpp"

namespace vivrovert::bench {

struct GeneratorOptions {
  uint64_t seed = 1848;
  int64_t people = 1'000'000;
  int64_t listings = 10'000;
  std::string grid_path;  // the real national grid (tiles and communes)
  std::string rome_csv;   // ../shared/data/rome/rome_fiches.csv
  std::string out_dir;
};

struct GeneratorSummary {
  int64_t people = 0, searches = 0, search_tiles = 0, search_runs = 0, tiles = 0, communes = 0,
          skills = 0;
  int64_t listings = 0;
  int64_t grid_tiles_1km = 0;  // the real tiles drawn from
};

// Errors: a message (grid or ROME file unreadable).
GeneratorSummary GenerateMatchingData(const GeneratorOptions& options);

struct BenchListing {
  int64_t listing_id = 0;
  matching::ListingFacts facts;
  uint32_t tile_1km = 0, tile_5km = 0;
};

struct BenchData {
  std::vector<matching::PersonInterest> people;  // places expanded to tile keys
  std::vector<BenchListing> listings;
  // Per person: how many of the first `tiles` are favourite or clicked tiles (the rest
  // come from saved searches).
  std::vector<size_t> place_tile_counts;
};

// Reads a data folder; throws std::runtime_error naming the file and line on bad input.
BenchData ReadMatchingData(const std::string& dir);

}  // namespace vivrovert::bench
