// The squared Euclidean distance between two rows of p doubles: the kernel
// of k-means (kmeans.cc) and of the silhouette (silhouette.cc), where
// discovery spends most of its time.
#pragma once

#include <cstddef>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace leadseg::learning {

// Four running sums, not one: independent additions the processor can
// overlap, where one sum in order is a chain of dependent adds the compiler
// may not reorder. In wasm with SIMD the four sums are the lanes of two
// f64x2 vectors, added in the same order: both builds give the same bits.
inline double SquaredDistance(const double* a, const double* b, size_t p) {
  size_t j = 0;
#if defined(__wasm_simd128__)
  v128_t s01 = wasm_f64x2_splat(0.0), s23 = wasm_f64x2_splat(0.0);
  for (; j + 4 <= p; j += 4) {
    v128_t t01 = wasm_f64x2_sub(wasm_v128_load(a + j), wasm_v128_load(b + j));
    v128_t t23 = wasm_f64x2_sub(wasm_v128_load(a + j + 2), wasm_v128_load(b + j + 2));
    s01 = wasm_f64x2_add(s01, wasm_f64x2_mul(t01, t01));
    s23 = wasm_f64x2_add(s23, wasm_f64x2_mul(t23, t23));
  }
  double d0 = wasm_f64x2_extract_lane(s01, 0), d1 = wasm_f64x2_extract_lane(s01, 1);
  double d2 = wasm_f64x2_extract_lane(s23, 0), d3 = wasm_f64x2_extract_lane(s23, 1);
#else
  double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  for (; j + 4 <= p; j += 4) {
    double t0 = a[j] - b[j], t1 = a[j + 1] - b[j + 1], t2 = a[j + 2] - b[j + 2], t3 = a[j + 3] - b[j + 3];
    d0 += t0 * t0;
    d1 += t1 * t1;
    d2 += t2 * t2;
    d3 += t3 * t3;
  }
#endif
  for (; j < p; ++j) {
    double t = a[j] - b[j];
    d0 += t * t;
  }
  return (d0 + d1) + (d2 + d3);
}

}  // namespace leadseg::learning
