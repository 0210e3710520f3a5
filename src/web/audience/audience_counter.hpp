// Counts page views in memory and writes them to the database in batches, so that a page
// view costs no SQL: the web::VisitObserver of the server (`vivrovert serve`).
//
// A view is reduced at once to (day, page, source) by visit_rules.hpp and added to a
// counter; Flush() — every minute in the server, and at shutdown — adds the counters to
// `audience_daily` in one transaction and forgets them. Nothing about a visitor is kept,
// not even in memory. Views still in memory when the process dies are lost (a minute at
// most): these are figures, not records.
//
// A forged Referer could otherwise make any number of sources: at most
// kMaxSourcesPerDay distinct sources are kept per day and process, the next ones
// counted as "autres".
//
// Thread safety: Observe and Flush may be called from any threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "web/audience/visit_rules.hpp"
#include "web/http/app.hpp"

namespace vivrovert::audience {

inline constexpr size_t kMaxSourcesPerDay = 500;

class AudienceCounter final : public web::VisitObserver {
 public:
  // `day_of` names the day of a UTC time ("YYYY-MM-DD", Europe/Paris in the server:
  // ParisDate). `clock` must outlive the counter.
  AudienceCounter(CountingRules rules, const Clock& clock,
                  std::function<std::string(int64_t)> day_of);

  void Observe(const web::VisitFacts& visit) noexcept override;

  // Writes the counted views in one transaction and forgets them; returns how many views
  // were written. When the write fails the views are kept for the next flush and the
  // storage::StorageError is rethrown.
  int64_t Flush(storage::Database& database);

  // Views counted and not yet flushed.
  int64_t PendingViews() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // day, page, source

  const CountingRules rules_;
  const Clock& clock_;
  const std::function<std::string(int64_t)> day_of_;
  mutable std::mutex mutex_;
  std::map<Key, int64_t> counts_;
  // The day of the last minute seen, so that day_of runs once a minute.
  int64_t cached_minute_ = -1;
  std::string cached_day_;
  // The sources seen on cached_day_, for kMaxSourcesPerDay.
  std::set<std::string> sources_today_;
};

}  // namespace vivrovert::audience
