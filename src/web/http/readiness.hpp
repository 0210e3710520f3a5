// What /readyz reports beyond the database: whether this process has what it needs to
// serve (the grid, the matching index) and whether it is draining (SIGTERM received:
// finishing its requests, taking no new ones). The load balancer (or the rolling-restart
// script) sends traffic to a node only while /readyz answers 200.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>

namespace vivrovert::web {

class Readiness {
 public:
  // Set once the part is built (app/site.cpp); a node without its grid answers searches
  // with 503 and is not ready.
  void SetGridLoaded(bool loaded) { grid_loaded_.store(loaded); }
  void SetIndexBuilt(bool built) { index_built_.store(built); }
  // From the stop signal on: /readyz answers 503 "draining".
  void SetDraining() { draining_.store(true); }

  bool grid_loaded() const { return grid_loaded_.load(); }
  bool index_built() const { return index_built_.load(); }
  bool draining() const { return draining_.load(); }

 private:
  std::atomic<bool> grid_loaded_{false};
  std::atomic<bool> index_built_{false};
  std::atomic<bool> draining_{false};
};

}  // namespace vivrovert::web
