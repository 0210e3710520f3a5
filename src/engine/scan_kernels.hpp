// The hot loops of a search, behind one interface with a portable twin: narrow a byte mask
// to the tiles whose code lies in [lo, hi], count a mask, and add a preferred constraint's
// weighted score to a block of tiles.
//
// One unsigned comparison per tile, (code − lo) ≤ (hi − lo), which also rejects the
// "missing" code (the largest of the width) whenever hi < missing. The loops are written
// so that the compiler vectorises them; on x86-64 each is compiled twice (GCC
// target_clones: AVX2 and the baseline SSE2) and the loader picks the one the processor
// runs. Tests and benchmarks go through the same entry points on every build.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace vivrovert::engine {

void NarrowMask(const uint16_t* codes, size_t count, uint16_t lo, uint16_t hi, uint8_t* mask);
void NarrowMask(const uint32_t* codes, size_t count, uint32_t lo, uint32_t hi, uint8_t* mask);

// Number of set bytes (each 0 or 1) in a mask.
uint32_t CountMask(const uint8_t* mask, size_t count);

// A preferred constraint in code space: inside [lo, hi] scores 1; outside, the distance
// to [lo_real, hi_real] (the bounds in fractional codes) times step / spread is taken off;
// a missing code scores 0. The result is multiplied by the weight.
struct PreferredTerm {
  size_t criterion;
  uint32_t lo, hi, missing;
  double lo_real, hi_real;
  double step_over_spread;
  double weight;
};

// scores[i] += weight × s(codes[i]) for i < count.
void AccumulateTerm(const uint16_t* codes, size_t count, const PreferredTerm& term, double* scores);
void AccumulateTerm(const uint32_t* codes, size_t count, const PreferredTerm& term, double* scores);

// s of one term for one code, times its weight (the scalar form of AccumulateTerm).
template <typename Code>
inline double TermScore(Code code, const PreferredTerm& term) {
  const double value = code;
  const double outside = std::max(std::max(term.lo_real - value, value - term.hi_real), 0.0);
  const bool inside = term.lo <= term.hi && static_cast<Code>(code - static_cast<Code>(term.lo)) <=
                                                static_cast<Code>(term.hi - term.lo);
  double s = inside ? 1.0 : std::max(0.0, 1.0 - outside * term.step_over_spread);
  s = code == static_cast<Code>(term.missing) ? 0.0 : s;
  return term.weight * s;
}

// The portable loop every variant compiles from.
template <typename Code>
inline void NarrowMaskPortable(const Code* codes, size_t count, Code lo, Code hi, uint8_t* mask) {
  const Code span = static_cast<Code>(hi - lo);
  for (size_t index = 0; index < count; ++index) {
    mask[index] &= static_cast<uint8_t>(static_cast<Code>(codes[index] - lo) <= span);
  }
}

}  // namespace vivrovert::engine
