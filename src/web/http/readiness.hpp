// What /readyz reports beyond the database: whether this process has what it needs to
// serve (the grid, the matching index) and whether it is draining (SIGTERM received:
// finishing its requests, taking no new ones). The load balancer (or the rolling-restart
// script) sends traffic to a node only while /readyz answers 200.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace vivrovert::web {

class Readiness {
 public:
  // Set once the part is built (app/site.cpp); a node without its grid answers searches
  // with 503 and is not ready.
  void SetGridLoaded(bool loaded) { grid_loaded_.store(loaded); }
  void SetIndexBuilt(bool built) { index_built_.store(built); }
  // From the stop signal on: /readyz answers 503 "draining".
  void SetDraining() { draining_.store(true); }

  // Which grid file is served (app/site.cpp sets it at opening and at each switch to a new
  // file): /readyz shows it, so that one can see every node of a cluster serve the same.
  struct GridServed {
    int64_t built_at = 0;  // the header's build date, epoch seconds
    std::string scope;     // "France métropolitaine", "départements 46"
    std::string sha256;    // of the file's bytes
    int64_t switches = 0;  // new files switched to since the start
  };
  void SetGridServed(GridServed served) {
    std::lock_guard<std::mutex> lock(grid_mutex_);
    grid_served_ = std::move(served);
  }
  GridServed grid_served() const {
    std::lock_guard<std::mutex> lock(grid_mutex_);
    return grid_served_;
  }

  bool grid_loaded() const { return grid_loaded_.load(); }
  bool index_built() const { return index_built_.load(); }
  bool draining() const { return draining_.load(); }

 private:
  std::atomic<bool> grid_loaded_{false};
  std::atomic<bool> index_built_{false};
  std::atomic<bool> draining_{false};
  mutable std::mutex grid_mutex_;
  GridServed grid_served_;
};

}  // namespace vivrovert::web
