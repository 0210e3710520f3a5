// The hot loop of a search: narrow a byte mask to the tiles whose code lies in [lo, hi].
//
// One unsigned comparison per tile, (code − lo) ≤ (hi − lo), which also rejects the
// "missing" code (the largest of the width) whenever hi < missing. Written so that the
// compiler vectorises it (-O2/-O3 on x86-64: SSE2/AVX2 byte and word compares); the
// benchmark (bench/) and the tests run the same kernel on every build.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vivrovert::engine {

template <typename Code>
inline void NarrowMask(const Code* codes, size_t count, Code lo, Code hi, uint8_t* mask) {
  const Code span = static_cast<Code>(hi - lo);
  for (size_t index = 0; index < count; ++index) {
    mask[index] &= static_cast<uint8_t>(static_cast<Code>(codes[index] - lo) <= span);
  }
}

// Number of set bytes (each 0 or 1) in a mask.
inline uint32_t CountMask(const uint8_t* mask, size_t count) {
  uint32_t total = 0;
  for (size_t index = 0; index < count; ++index) total += mask[index];
  return total;
}

}  // namespace vivrovert::engine
