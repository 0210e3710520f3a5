#include "engine/scan_kernels.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VIVROVERT_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VIVROVERT_SIMD_CLONES
#endif

namespace vivrovert::engine {

VIVROVERT_SIMD_CLONES
void NarrowMask(const uint16_t* codes, size_t count, uint16_t lo, uint16_t hi, uint8_t* mask) {
  NarrowMaskPortable(codes, count, lo, hi, mask);
}

VIVROVERT_SIMD_CLONES
void NarrowMask(const uint32_t* codes, size_t count, uint32_t lo, uint32_t hi, uint8_t* mask) {
  NarrowMaskPortable(codes, count, lo, hi, mask);
}

VIVROVERT_SIMD_CLONES
uint32_t CountMask(const uint8_t* mask, size_t count) {
  uint32_t total = 0;
  for (size_t index = 0; index < count; ++index) total += mask[index];
  return total;
}

VIVROVERT_SIMD_CLONES
void AccumulateTerm(const uint16_t* codes, size_t count, const PreferredTerm& term,
                    double* scores) {
  for (size_t index = 0; index < count; ++index) scores[index] += TermScore(codes[index], term);
}

VIVROVERT_SIMD_CLONES
void AccumulateTerm(const uint32_t* codes, size_t count, const PreferredTerm& term,
                    double* scores) {
  for (size_t index = 0; index < count; ++index) scores[index] += TermScore(codes[index], term);
}

}  // namespace vivrovert::engine
