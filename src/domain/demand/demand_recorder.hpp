// Demand recording for the barometer: every search the engine answers becomes a record
// with no person — the hour, the level, each constraint (criterion, bounds, importance),
// the territory filter — and, per partner territory, what it gave there (green tiles, or
// the criteria that alone kept it from turning green: engine/territory_outcome.hpp).
//
// The search routes call Record(), which only copies the request into a buffer under a
// mutex (no database, no I/O, no evaluation), so recording costs the search next to
// nothing (bench/demand_bench.cpp, docs/PERFORMANCE.md). A worker calls Flush() every few
// seconds: it evaluates the buffered searches on each partner territory and writes them
// with their daily aggregates, in transactions of kFlushBatch searches. Nothing is lost
// when the server stops: Stop() flushes what is left, and if the database cannot take it,
// writes it to a spool file (one JSON line per search) that ReplaySpool() feeds back at
// the next start. A crash loses at most the buffer of one flush interval.
//
// Partner territories are resolved on the grid and cached; the cache is rebuilt when the
// partner tables change (PartnerStore::TerritoriesFingerprint, checked at each flush).
//
// Thread safety: Record from any thread; Flush, ReplaySpool and Stop from one worker at a
// time (they take an internal flush lock). Errors: Flush throws storage::StorageError
// with every unwritten search still buffered.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"

namespace vivrovert::demand {

inline constexpr size_t kFlushBatch = 500;
// Beyond this many buffered searches (a database down for long), new ones are counted as
// dropped rather than growing memory without bound.
inline constexpr size_t kMaxBuffered = 1'000'000;

struct FlushReport {
  size_t searches = 0;  // written
  size_t outcomes = 0;  // partner outcomes written
};

class DemandRecorder {
 public:
  // `database` and `grid` must outlive the recorder. `spool_path`: the file Stop() writes
  // what it could not flush to, and ReplaySpool() reads (empty: no spool).
  DemandRecorder(storage::Database& database, const engine::GridFile& grid, const Clock& clock,
                 std::string spool_path);
  ~DemandRecorder();
  DemandRecorder(const DemandRecorder&) = delete;
  DemandRecorder& operator=(const DemandRecorder&) = delete;

  // Records a search answered now. `territory_filter`: the request's "territory" object
  // as the API accepted it ({"departements":["46"]}), or an empty string.
  void Record(const engine::SearchRequest& request, std::string territory_filter);
  // Records a search at a given time; `demo` marks the generated demonstration demand.
  void RecordAt(const engine::SearchRequest& request, std::string territory_filter, int64_t at,
                bool demo);

  // Evaluates and writes what is buffered.
  FlushReport Flush();
  // Reads the spool file (if any) into the buffer, flushes, then removes the file.
  // Lines that no longer parse against the grid are dropped with a count in the result.
  Result<size_t> ReplaySpool();
  // Flushes what is buffered; what the database refuses goes to the spool file.
  // Returns the number of searches spooled.
  size_t Stop();

  size_t buffered() const;
  uint64_t dropped() const;

 private:
  struct Pending;
  struct Territories;

  std::shared_ptr<const Territories> CurrentTerritories(storage::Connection& connection);
  std::string RequestJson(const Pending& pending) const;

  storage::Database& database_;
  const engine::GridFile& grid_;
  const Clock& clock_;
  const std::string spool_path_;

  mutable std::mutex buffer_mutex_;
  std::vector<Pending> buffer_;  // oldest first
  uint64_t dropped_ = 0;

  std::mutex flush_mutex_;
  std::shared_ptr<const Territories> territories_;
};

}  // namespace vivrovert::demand
