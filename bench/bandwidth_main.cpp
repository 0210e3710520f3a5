// vivrovert_bench_bandwidth: the memory-bandwidth floor of a search, measured as the
// search reads its columns: one thread summing a uint16 buffer far larger than the caches.
// The comparison divides the bytes a query must read by this rate to state its floor.
//
//   vivrovert_bench_bandwidth [--mib 512] [--runs 15]
// prints one JSON object: {"buffer_mib","runs","median_gbps","best_gbps","checksum"}
// (GB = 10^9 bytes).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace vivrovert::bench {
namespace {

// Sums blocks into 32-bit lanes (no overflow within 2^16 elements) so that the compiler
// vectorises the loop with widening adds, as a column scan would.
uint64_t SumCodes(const uint16_t* codes, size_t count) {
  constexpr size_t kBlock = 1 << 15;
  uint64_t total = 0;
  for (size_t start = 0; start < count; start += kBlock) {
    const size_t end = std::min(count, start + kBlock);
    uint32_t block_total = 0;
    for (size_t index = start; index < end; ++index) block_total += codes[index];
    total += block_total;
  }
  return total;
}

int Run(int argc, char** argv) {
  CLI::App app{"Measure single-thread memory read bandwidth over a uint16 buffer"};
  size_t mib = 512;
  int runs = 15;
  app.add_option("--mib", mib, "Buffer size in MiB (make it much larger than the last-level cache)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16384));
  app.add_option("--runs", runs, "Timed passes over the buffer")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  std::vector<uint16_t> buffer(mib * 1024 * 1024 / sizeof(uint16_t));
  for (size_t index = 0; index < buffer.size(); ++index) {
    buffer[index] = static_cast<uint16_t>((index * 2654435761u) >> 16);
  }
  uint64_t checksum = SumCodes(buffer.data(), buffer.size());  // warm-up: pages mapped
  std::vector<double> rates;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    checksum += SumCodes(buffer.data(), buffer.size());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(static_cast<double>(buffer.size() * sizeof(uint16_t)) / seconds / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  std::printf(
      "{\"buffer_mib\":%zu,\"runs\":%d,\"median_gbps\":%.3f,\"best_gbps\":%.3f,\"checksum\":%llu}"
      "\n",
      mib, runs, rates[rates.size() / 2], rates.back(), static_cast<unsigned long long>(checksum));
  return 0;
}

}  // namespace
}  // namespace vivrovert::bench

int main(int argc, char** argv) { return vivrovert::bench::Run(argc, argv); }
