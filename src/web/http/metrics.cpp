#include "web/http/metrics.hpp"

#include <cmath>
#include <exception>
#include <sstream>

namespace vivrovert::web {

namespace {

// A label value as the text format wants it: backslash, double quote and newline escaped.
std::string LabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::ostringstream text;
  text.precision(12);
  text << value;
  return text.str();
}

}  // namespace

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status,
                             double seconds) {
  std::string route_label = route.empty() ? "unmatched" : std::string(route);
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(method), route_label, status}];
  Latency& latency = latencies_[{std::string(method), std::move(route_label)}];
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) ++latency.buckets[bucket];
  ++latency.count;
  latency.sum += seconds;
}

std::string Metrics::Render() const {
  // Gauges are read outside the lock: they may query the database.
  std::vector<Gauge> gauges;
  {
    std::lock_guard lock(mutex_);
    gauges = gauges_;
  }
  std::ostringstream out;
  int64_t errors = 0;
  for (const Gauge& gauge : gauges) {
    double value = 0;
    try {
      value = gauge.read();
    } catch (const std::exception&) {
      ++errors;
      continue;
    }
    out << "# HELP " << gauge.name << " " << gauge.help << "\n# TYPE " << gauge.name << " gauge\n"
        << gauge.name << " " << Number(value) << "\n";
  }

  std::lock_guard lock(mutex_);
  gauge_errors_ += errors;
  out << "# HELP vivrovert_metrics_errors_total Gauges that could not be read at a scrape.\n"
         "# TYPE vivrovert_metrics_errors_total counter\n"
      << "vivrovert_metrics_errors_total " << gauge_errors_ << "\n";
  out << "# HELP vivrovert_http_requests_total HTTP requests answered, by method, route and "
         "status.\n# TYPE vivrovert_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out << "vivrovert_http_requests_total{method=\"" << LabelValue(method) << "\",route=\""
        << LabelValue(route) << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP vivrovert_http_request_duration_seconds Time to answer a request, from its "
         "arrival in the application.\n"
         "# TYPE vivrovert_http_request_duration_seconds histogram\n";
  for (const auto& [key, latency] : latencies_) {
    const std::string labels =
        "method=\"" + LabelValue(key.first) + "\",route=\"" + LabelValue(key.second) + "\"";
    int64_t cumulative = 0;
    for (size_t bucket = 0; bucket < kBuckets.size(); ++bucket) {
      cumulative += latency.buckets[bucket];
      out << "vivrovert_http_request_duration_seconds_bucket{" << labels << ",le=\""
          << Number(kBuckets[bucket]) << "\"} " << cumulative << "\n";
    }
    out << "vivrovert_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
        << latency.count << "\n";
    out << "vivrovert_http_request_duration_seconds_sum{" << labels << "} " << Number(latency.sum)
        << "\n";
    out << "vivrovert_http_request_duration_seconds_count{" << labels << "} " << latency.count
        << "\n";
  }
  return out.str();
}

}  // namespace vivrovert::web
