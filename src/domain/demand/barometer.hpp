// The figures of a partner's barometer over a period (issue #20, option 1), from the
// recorded demand (demand_store.hpp): how many searches could reach the territory and how
// many turned it green, by week, the trend, and the criteria in retreat — for each
// criterion the searches required: how many, the bounds they asked (distribution), the
// share of the territory's tiles meeting those bounds, how many searches it alone kept
// from turning the territory green (recorded exactly at the time, from the engine's
// relaxation on the territory) and the bound that would have been needed (median of the
// recorded needed bounds).
//
// Thread safety: pure functions over the caller's connection and the immutable grid.
// Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/demand/event_effect.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

// At most this many raw searches of the period, the most recent, are replayed for the
// bounds' distribution and the tiles' shares (the counts come from the aggregates, whole).
// They are every search, not only those reaching the territory: at national volume a
// per-partner sample is the next step.
inline constexpr int64_t kMaxReplayedSearches = 200'000;

struct WeekPoint {
  std::string first_day;  // Monday (or the period's first day), "AAAA-MM-JJ"
  int64_t searches = 0;
  int64_t green = 0;
};

struct BoundsAsked {
  bool upper = true;  // the searches set a maximum (else a minimum)
  int64_t count = 0;  // searches with such a bound
  double lowest = 0;  // the distribution of the bounds asked
  double quartile1 = 0;
  double median = 0;
  double quartile3 = 0;
  double highest = 0;
  // Mean, over those searches, of the share of the territory's tiles meeting the bound
  // (the criterion's bounds alone), in [0, 1].
  double territory_share = 0;
};

struct CriterionRetreat {
  std::string criterion;  // catalogue id
  std::string label;      // French
  std::string unit;
  int64_t asked = 0;                  // searches reaching the territory that required it
  int64_t green = 0;                  // of those, the ones that turned it green
  int64_t blocked = 0;                // the ones it alone kept from turning it green
  std::optional<BoundsAsked> bounds;  // from the replayed raw searches
  // Median of the bounds that would have admitted the nearest tile, over the blocked
  // searches (maximum or minimum as `needed_upper` says).
  std::optional<double> needed;
  bool needed_upper = true;
};

struct BarometerFigures {
  std::string first_day;  // the period, Paris days, inclusive
  std::string last_day;
  int64_t searches = 0;  // searches that could reach the territory
  int64_t green = 0;     // of those, the ones that turned it green
  std::vector<WeekPoint> weeks;
  // The share of searches turning the territory green in the last 30 days against the 30
  // before (nullopt when either has no search).
  std::optional<double> share_recent;
  std::optional<double> share_before;
  std::vector<CriterionRetreat> criteria;  // most blocking first, then most asked
  bool demo = false;                       // demonstration demand is part of the figures
  int64_t replayed = 0;                    // raw searches read for the distributions
};

// The figures of `partner_id`, whose territory is `territory`, for the Paris days
// [first_day, last_day] (`from`/`to`: the same period in epoch seconds, [from, to)).
BarometerFigures ComputeBarometer(storage::Connection& connection, const engine::GridFile& grid,
                                  int64_t partner_id, const engine::Territory& territory,
                                  const std::string& first_day, const std::string& last_day,
                                  int64_t from, int64_t to);

// The period the barometer shows: the last kBarometerPeriodDays Paris days, today included.
inline constexpr int kBarometerPeriodDays = 90;

// The days and hours of the period ending at `now` (epoch seconds): Paris days
// [first_day, last_day], and the raw records' hours [from, to) — from the first day's first
// hour (Paris days start on a whole UTC hour) to the end of the current hour.
struct BarometerPeriod {
  std::string first_day;
  std::string last_day;
  int64_t from = 0;
  int64_t to = 0;
};
BarometerPeriod PeriodEnding(int64_t now, int days = kBarometerPeriodDays);

// The counts of a barometer over a period, from the daily aggregates alone (no grid): the
// searches that could reach the territory, those that turned it green, and the same over the
// last 30 days of the period and the 30 before, for the trend. The barometer page and the
// grouping's consolidated view (one line per member) read the same.
struct DemandTotals {
  int64_t searches = 0;
  int64_t green = 0;
  int64_t recent_searches = 0;  // the 30 days ending with the period
  int64_t recent_green = 0;
  int64_t before_searches = 0;  // the 30 days before those
  int64_t before_green = 0;
  bool demo = false;  // demonstration demand is part of the counts

  // Shares turning the territory green; nullopt without a search.
  std::optional<double> ShareRecent() const;
  std::optional<double> ShareBefore() const;
  DemandTotals& operator+=(const DemandTotals& other);
};
// Pure: the partner's totals (criterion "") of `rows`, over the period whose hours end at
// `to` (epoch seconds, exclusive).
DemandTotals SumDemand(const std::vector<DailyCount>& rows, int64_t to);
// The totals of `partner_id` over `period` (demand_daily).
DemandTotals DemandTotalsOf(storage::Connection& connection, int64_t partner_id,
                            const BarometerPeriod& period);

struct EventFigures {
  BarometerEvent event;
  EventEffect effect;  // kEventWindowDays before the event's day, from it to yesterday at most
};

// The partner's events with the change in the daily number of searches turning its
// territory green around each (event_effect.hpp), as of `today` (Paris, "AAAA-MM-JJ").
std::vector<EventFigures> ComputeEvents(storage::Connection& connection, int64_t partner_id,
                                        const std::string& today);

}  // namespace vivrovert::demand
