// vivrovert_bench_search_api: the server-side work of one `POST /api/v1/search`, in
// process and on one thread, without the HTTP layer: parse the body, parse the request,
// search (with relaxation hints) and write the JSON answer. It cycles through the request
// bodies of bench/http/search_5km.lua (the ones bench/http_load.sh sends) and prints, per
// phase, the median microseconds per request over --runs runs of --iterations requests,
// in thread CPU time (the machine is shared: time spent descheduled is not counted).
//
//   vivrovert_bench_search_api --grid FILE [--runs 9] [--iterations 2000]
//
// Less noisy than wrk on a shared machine: use it to compare two builds side by side;
// bench/http_load.sh stays the end-to-end figure.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "engine/grid_file.hpp"
#include "engine/search_engine.hpp"
#include "engine/search_json.hpp"
#include "engine/search_request.hpp"

namespace {

using namespace vivrovert;
using namespace vivrovert::engine;

// The single-quoted bodies of the wrk script.
std::vector<std::string> LuaBodies(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> bodies;
  const std::string script = text.str();
  static const std::regex kBody(R"('(\{[^']*\})')");
  for (auto match = std::sregex_iterator(script.begin(), script.end(), kBody);
       match != std::sregex_iterator(); ++match) {
    bodies.push_back((*match)[1].str());
  }
  return bodies;
}

// Thread CPU time, in microseconds.
double CpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time the server-side work of POST /api/v1/search (parse, search, JSON) in process"};
  std::string grid_path;
  std::string script = std::string(VIVROVERT_SOURCE_ROOT) + "/bench/http/search_5km.lua";
  int runs = 9, iterations = 2000;
  app.add_option("--grid", grid_path)->required();
  app.add_option("--script", script, "wrk script whose single-quoted JSON bodies are the requests");
  app.add_option("--runs", runs)->check(CLI::Range(1, 1000));
  app.add_option("--iterations", iterations)->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);

  auto grid = GridFile::Open(grid_path);
  if (!grid.ok()) {
    std::cerr << grid.status().ToString() << "\n";
    return 1;
  }
  SearchEngine engine(**grid);
  const std::vector<std::string> bodies = LuaBodies(script);
  if (bodies.empty()) {
    std::cerr << "no request body in " << script << "\n";
    return 1;
  }
  std::vector<double> parse_us, search_us, json_us, total_us;
  size_t bytes = 0;
  for (int run = -1; run < runs; ++run) {  // run -1: warm-up
    double parse = 0, search = 0, json = 0;
    for (int iteration = 0; iteration < iterations; ++iteration) {
      const std::string& body = bodies[static_cast<size_t>(iteration) % bodies.size()];
      const double t0 = CpuMicros();
      nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
      auto request = ParseSearchRequest(parsed, **grid);
      const double t1 = CpuMicros();
      if (!request.ok()) {
        std::cerr << request.status().ToString() << "\n";
        return 1;
      }
      SearchResult result = engine.Search(*request);
      const double t2 = CpuMicros();
      std::string answer = SearchResultJsonText(engine, *request, result);
      const double t3 = CpuMicros();
      bytes += answer.size();
      parse += t1 - t0;
      search += t2 - t1;
      json += t3 - t2;
    }
    if (run < 0) continue;
    parse_us.push_back(parse / iterations);
    search_us.push_back(search / iterations);
    json_us.push_back(json / iterations);
    total_us.push_back((parse + search + json) / iterations);
  }
  std::printf(
      "{\"requests\": %zu, \"runs\": %d, \"iterations\": %d, \"answer_bytes_mean\": %.0f, "
      "\"parse_us\": %.2f, \"search_us\": %.2f, \"json_us\": %.2f, \"total_us\": %.2f}\n",
      bodies.size(), runs, iterations,
      static_cast<double>(bytes) / (static_cast<double>(runs + 1) * iterations), Median(parse_us),
      Median(search_us), Median(json_us), Median(total_us));
  return 0;
}
