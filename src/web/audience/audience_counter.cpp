#include "web/audience/audience_counter.hpp"

#include <vector>

#include "domain/audience/audience_store.hpp"

namespace vivrovert::audience {

AudienceCounter::AudienceCounter(CountingRules rules, const Clock& clock,
                                 std::function<std::string(int64_t)> day_of)
    : rules_(std::move(rules)), clock_(clock), day_of_(std::move(day_of)) {}

void AudienceCounter::Observe(const web::VisitFacts& visit) noexcept {
  try {
    std::optional<PageView> view = CountableVisit(visit, rules_);
    if (!view) return;
    const int64_t now = clock_.NowSeconds();
    std::lock_guard lock(mutex_);
    if (now / 60 != cached_minute_) {
      cached_minute_ = now / 60;
      std::string day = day_of_(now);
      if (day != cached_day_) sources_today_.clear();
      cached_day_ = std::move(day);
    }
    if (!sources_today_.contains(view->source)) {
      if (sources_today_.size() >= kMaxSourcesPerDay) {
        view->source = kSourceOther;
      } else {
        sources_today_.insert(view->source);
      }
    }
    ++counts_[Key{cached_day_, std::move(view->page), std::move(view->source)}];
  } catch (...) {
    // A view not counted (out of memory) must not fail the request.
  }
}

int64_t AudienceCounter::Flush(storage::Database& database) {
  std::map<Key, int64_t> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(counts_);
  }
  if (taken.empty()) return 0;
  std::vector<DailyViews> batch;
  batch.reserve(taken.size());
  int64_t views = 0;
  for (const auto& [key, count] : taken) {
    batch.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
    views += count;
  }
  try {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    AudienceStore::Add(connection, batch);
    transaction.Commit();
  } catch (...) {
    // Put them back: counted again at the next flush.
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : taken) counts_[key] += count;
    throw;
  }
  return views;
}

int64_t AudienceCounter::PendingViews() const {
  std::lock_guard lock(mutex_);
  int64_t views = 0;
  for (const auto& [key, count] : counts_) views += count;
  return views;
}

}  // namespace vivrovert::audience
