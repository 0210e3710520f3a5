// The figures `GET /metrics` serves in the Prometheus text format (version 0.0.4): requests
// counted by method, route pattern and status, their latency as a histogram by method and
// route, and gauges read at each scrape (outbox depth, matching index size, leadership…)
// that the application registers.
//
// The route is the registered pattern ("/annonces/{id}"), never the path, so the number of
// series stays bounded; a request no route matched counts under route="unmatched".
//
// /metrics is for the monitoring on the private network, which scrapes each node on its own
// address: nginx does not pass it through (deploy/nginx.conf.template), and the route
// answers 404 to any request that carries X-Forwarded-For (came through a proxy), should a
// proxy's configuration forget it.
//
// Thread safety: register gauges before serving; ObserveRequest and Render are then safe
// from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace vivrovert::web {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implied).
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  // A gauge named `name` (snake_case, prefixed "vivrovert_" by the caller), read by `read`
  // at each scrape; `read` may throw (the gauge is then left out of that scrape and
  // vivrovert_metrics_errors_total counts it).
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  void ObserveRequest(std::string_view method, std::string_view route, int status, double seconds);

  // The whole exposition, every series sorted.
  std::string Render() const;

 private:
  struct Latency {
    std::array<int64_t, kBuckets.size()> buckets{};  // counts per bucket, not cumulative
    int64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::pair<std::string, std::string>, Latency> latencies_;
  std::vector<Gauge> gauges_;
  mutable int64_t gauge_errors_ = 0;
};

}  // namespace vivrovert::web
