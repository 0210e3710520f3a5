// Deterministic random numbers for the benchmark generators (synthetic grid, queries).
//
// The same seed must give the same grid and the same queries on every machine, so the
// generator (SplitMix64) and the distributions are written here: the standard library's
// engines are portable but its distributions (std::normal_distribution, …) are not.
// Normal() uses std::log/std::sqrt/std::cos, which glibc computes identically on x86-64
// and aarch64 for the same inputs.
//
// Thread safety: none; one generator per thread or per stream (see Stream()).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string_view>

namespace vivrovert::bench {

class DeterministicRandom {
 public:
  explicit DeterministicRandom(uint64_t seed) : state_(seed) {}

  // An independent generator for a named part of the model (e.g. "towns"), so that
  // adding draws to one part does not shift the numbers of another.
  static DeterministicRandom Stream(uint64_t seed, std::string_view name, uint64_t index = 0) {
    uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
    for (char c : name) hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
    DeterministicRandom mixer(seed ^ hash ^ (index * 0x9E3779B97F4A7C15ULL));
    return DeterministicRandom(mixer.Next());
  }

  // SplitMix64 (Steele, Lea, Flood 2014).
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi] (modulo bias below 2^-40 for the spans used here).
  int64_t UniformInt(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(Next() % span);
  }
  // Standard normal (Box–Muller, one value per call).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  // log-uniform in [lo, hi], lo > 0.
  double LogUniform(double lo, double hi) { return std::exp(Uniform(std::log(lo), std::log(hi))); }

 private:
  uint64_t state_;
};

}  // namespace vivrovert::bench
