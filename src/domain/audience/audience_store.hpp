// The table `audience_daily` (migration 0013), its one owner: page views per day, page
// and source, nothing per visitor.
//
// Thread safety: stateless functions on the caller's connection.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::audience {

struct DailyViews {
  std::string day;     // 'YYYY-MM-DD', Europe/Paris
  std::string page;    // route pattern
  std::string source;  // see visit_rules.hpp
  int64_t views = 0;
};

// What the console groups the views of a period by.
enum class AudienceDimension { kDay, kPage, kSource };

struct ViewTotal {
  std::string key;  // the day, page or source
  int64_t views = 0;
};

class AudienceStore {
 public:
  // Adds each row's views to the stored count of its (day, page, source), creating it.
  // Atomic per row on both backends (one upsert), so several server processes may flush
  // at once; call inside a transaction to write a batch at once.
  static void Add(storage::Connection& connection, const std::vector<DailyViews>& batch);

  // Every row of the days from `first_day` on, by day, page and source.
  static std::vector<DailyViews> Since(storage::Connection& connection,
                                       const std::string& first_day);

  // The views from `first_day` on, summed by `dimension`: by day in date order, otherwise
  // most viewed first (then by key).
  static std::vector<ViewTotal> Totals(storage::Connection& connection,
                                       const std::string& first_day, AudienceDimension dimension);
};

}  // namespace vivrovert::audience
