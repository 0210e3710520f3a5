#include "domain/demand/barometer.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/demand/demand_store.hpp"

namespace vivrovert::demand {

namespace {

constexpr int64_t kDaySeconds = 24 * 3600;

// The value at rank floor(p × (n − 1)) of sorted values: a bound somebody actually asked.
double Quantile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[rank];
}

struct Asked {
  std::vector<double> upper;  // maxima asked
  std::vector<double> lower;  // minima asked (searches without a maximum)
  double upper_share_sum = 0;
  double lower_share_sum = 0;
};

}  // namespace

BarometerPeriod PeriodEnding(int64_t now, int days) {
  const int64_t from = now - (days - 1) * kDaySeconds;
  BarometerPeriod period;
  period.first_day = ParisDate(from);
  period.last_day = ParisDate(now);
  period.from = from - (from + ParisOffsetSeconds(from)) % kDaySeconds;
  period.to = now - now % 3600 + 3600;  // the current hour included
  return period;
}

std::optional<double> DemandTotals::ShareRecent() const {
  if (recent_searches <= 0) return std::nullopt;
  return static_cast<double>(recent_green) / static_cast<double>(recent_searches);
}

std::optional<double> DemandTotals::ShareBefore() const {
  if (before_searches <= 0) return std::nullopt;
  return static_cast<double>(before_green) / static_cast<double>(before_searches);
}

DemandTotals& DemandTotals::operator+=(const DemandTotals& other) {
  searches += other.searches;
  green += other.green;
  recent_searches += other.recent_searches;
  recent_green += other.recent_green;
  before_searches += other.before_searches;
  before_green += other.before_green;
  demo = demo || other.demo;
  return *this;
}

DemandTotals SumDemand(const std::vector<DailyCount>& rows, int64_t to) {
  const std::string recent_start = ParisDate(to - 30 * kDaySeconds);
  const std::string before_start = ParisDate(to - 60 * kDaySeconds);
  DemandTotals totals;
  for (const DailyCount& row : rows) {
    totals.demo = totals.demo || row.demo;
    if (!row.criterion.empty()) continue;
    totals.searches += row.searches;
    totals.green += row.green;
    if (row.day > recent_start) {
      totals.recent_searches += row.searches;
      totals.recent_green += row.green;
    } else if (row.day > before_start) {
      totals.before_searches += row.searches;
      totals.before_green += row.green;
    }
  }
  return totals;
}

DemandTotals DemandTotalsOf(storage::Connection& connection, int64_t partner_id,
                            const BarometerPeriod& period) {
  return SumDemand(DemandStore::Daily(connection, partner_id, period.first_day, period.last_day),
                   period.to);
}

BarometerFigures ComputeBarometer(storage::Connection& connection, const engine::GridFile& grid,
                                  int64_t partner_id, const engine::Territory& territory,
                                  const std::string& first_day, const std::string& last_day,
                                  int64_t from, int64_t to) {
  BarometerFigures figures;
  figures.first_day = first_day;
  figures.last_day = last_day;
  const auto& criteria = grid.catalogue().criteria();

  // Counts: the aggregates, whole.
  const std::vector<DailyCount> rows =
      DemandStore::Daily(connection, partner_id, first_day, last_day);
  const DemandTotals totals = SumDemand(rows, to);
  figures.searches = totals.searches;
  figures.green = totals.green;
  figures.demo = totals.demo;
  figures.share_recent = totals.ShareRecent();
  figures.share_before = totals.ShareBefore();
  std::map<std::string, CriterionRetreat> by_criterion;
  std::map<std::string, WeekPoint> weeks;  // by ISO week key
  for (const DailyCount& row : rows) {
    if (row.criterion.empty()) {
      WeekPoint& week = weeks[IsoWeekKey(row.day)];
      if (week.first_day.empty() || row.day < week.first_day) week.first_day = row.day;
      week.searches += row.searches;
      week.green += row.green;
      continue;
    }
    CriterionRetreat& retreat = by_criterion[row.criterion];
    retreat.criterion = row.criterion;
    retreat.asked += row.searches;
    retreat.green += row.green;
    retreat.blocked += row.blocked;
  }
  for (auto& [key, week] : weeks) figures.weeks.push_back(week);

  // Needed bounds: the recorded blockers.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> needed;
  for (const StoredBlocker& blocker : DemandStore::Blockers(connection, partner_id, from, to)) {
    if (blocker.needed_max) needed[blocker.criterion].first.push_back(*blocker.needed_max);
    if (blocker.needed_min) needed[blocker.criterion].second.push_back(*blocker.needed_min);
  }

  // Bounds asked and the territory's tiles meeting them: the raw searches replayed.
  std::array<std::vector<uint32_t>, engine::kLevelCount> tiles;
  for (int level_idx = 0; level_idx < engine::kLevelCount; ++level_idx) {
    const engine::LevelView* view = grid.level(static_cast<engine::Level>(level_idx));
    if (view != nullptr) tiles[static_cast<size_t>(level_idx)] = territory.Tiles(*view);
  }
  std::map<std::string, Asked> asked;
  for (const StoredSearch& stored :
       DemandStore::Searches(connection, from, to, kMaxReplayedSearches, /*newest_first=*/true)) {
    ++figures.replayed;
    nlohmann::json body = nlohmann::json::parse(stored.request, nullptr, false);
    Result<engine::SearchRequest> request = engine::ParseSearchRequest(body, grid);
    if (!request.ok()) continue;  // recorded against another grid
    const engine::LevelView* view = grid.level(request->level);
    if (view == nullptr) continue;
    std::optional<engine::Territory> filter;
    if (request->has_territory)
      filter = engine::Territory::FromCommunes(request->territory_communes);
    // The territory's tiles this search could reach.
    std::vector<uint32_t> reachable;
    for (uint32_t tile_idx : tiles[static_cast<size_t>(request->level)]) {
      if (!filter || filter->OwnsTile(*view, tile_idx)) reachable.push_back(tile_idx);
    }
    if (reachable.empty()) continue;
    for (const engine::Constraint& constraint : request->constraints) {
      if (constraint.importance != engine::Importance::kRequired) continue;
      const engine::CriterionSpec& spec = criteria[constraint.criterion];
      auto [lo, hi] = engine::CodeRangeFor(spec, constraint.min, constraint.max);
      size_t meeting = 0;
      for (uint32_t tile_idx : reachable) {
        const uint32_t code = view->Code(constraint.criterion, tile_idx);
        meeting += lo <= hi && code >= lo && code <= hi;
      }
      const double share = static_cast<double>(meeting) / static_cast<double>(reachable.size());
      Asked& entry = asked[spec.id];
      if (constraint.max) {
        entry.upper.push_back(*constraint.max);
        entry.upper_share_sum += share;
      } else if (constraint.min) {
        entry.lower.push_back(*constraint.min);
        entry.lower_share_sum += share;
      }
    }
  }

  for (auto& [id, retreat] : by_criterion) {
    std::optional<size_t> criterion_idx = grid.catalogue().Find(id);
    if (criterion_idx) {
      retreat.label = criteria[*criterion_idx].label;
      retreat.unit = criteria[*criterion_idx].unit;
    } else {
      retreat.label = id;
    }
    if (auto found = asked.find(id); found != asked.end()) {
      Asked& entry = found->second;
      const bool upper = entry.upper.size() >= entry.lower.size();
      std::vector<double>& values = upper ? entry.upper : entry.lower;
      if (!values.empty()) {
        std::sort(values.begin(), values.end());
        BoundsAsked bounds;
        bounds.upper = upper;
        bounds.count = static_cast<int64_t>(values.size());
        bounds.lowest = values.front();
        bounds.quartile1 = Quantile(values, 0.25);
        bounds.median = Quantile(values, 0.5);
        bounds.quartile3 = Quantile(values, 0.75);
        bounds.highest = values.back();
        bounds.territory_share = (upper ? entry.upper_share_sum : entry.lower_share_sum) /
                                 static_cast<double>(values.size());
        retreat.bounds = bounds;
      }
    }
    if (auto found = needed.find(id); found != needed.end()) {
      auto& [maxima, minima] = found->second;
      retreat.needed_upper = maxima.size() >= minima.size();
      std::vector<double>& values = retreat.needed_upper ? maxima : minima;
      if (!values.empty()) {
        std::sort(values.begin(), values.end());
        retreat.needed = Quantile(values, 0.5);
      }
    }
    figures.criteria.push_back(std::move(retreat));
  }
  std::sort(figures.criteria.begin(), figures.criteria.end(),
            [](const CriterionRetreat& a, const CriterionRetreat& b) {
              if (a.blocked != b.blocked) return a.blocked > b.blocked;
              if (a.asked != b.asked) return a.asked > b.asked;
              return a.criterion < b.criterion;
            });
  return figures;
}

std::vector<EventFigures> ComputeEvents(storage::Connection& connection, int64_t partner_id,
                                        const std::string& today) {
  std::vector<EventFigures> figures;
  const std::optional<billing::Date> last = billing::ParseIsoDate(today);
  if (!last) return figures;
  for (BarometerEvent& event : DemandStore::Events(connection, partner_id)) {
    const std::optional<billing::Date> day = billing::ParseIsoDate(event.day);
    if (!day) continue;
    const std::chrono::sys_days start = std::chrono::sys_days(*day);
    const std::chrono::sys_days first = start - std::chrono::days(kEventWindowDays);
    // Today is not over: the days after end yesterday.
    const std::chrono::sys_days end = std::min(start + std::chrono::days(kEventWindowDays - 1),
                                               std::chrono::sys_days(*last) - std::chrono::days(1));
    // The daily green counts of the window, days without search at 0.
    std::map<std::string, int64_t> green;
    for (const DailyCount& row :
         DemandStore::Daily(connection, partner_id, billing::FormatIsoDate(billing::Date(first)),
                            billing::FormatIsoDate(billing::Date(end)))) {
      if (row.criterion.empty()) green[row.day] += row.green;
    }
    std::vector<int64_t> before, after;
    for (std::chrono::sys_days at = first; at <= end; at += std::chrono::days(1)) {
      const auto found = green.find(billing::FormatIsoDate(billing::Date(at)));
      (at < start ? before : after).push_back(found == green.end() ? 0 : found->second);
    }
    figures.push_back({std::move(event), MeasureEventEffect(before, after)});
  }
  return figures;
}

}  // namespace vivrovert::demand
