// The byte scans under CsvReader (csv_reader.cc): where the next field
// delimiter is, and how far a run of ASCII goes. They are most of the
// reader's time (one look at every byte of a file), so they read 16 bytes
// at a time with the target's vector instructions: wasm SIMD in the batch
// module (built with -msimd128, cmake/LeadsegWasmBatch.cmake), SSE2 on
// x86-64; other targets read 8 bytes at a time in a general register.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leadseg {
namespace batch {
namespace csv_scan {

inline bool IsDelimiter(char c) { return c == ',' || c == '\r' || c == '\n'; }

#if defined(__wasm_simd128__) || defined(__SSE2__)
constexpr bool kVectorized = true;

// Bit k set: p[k] is a comma, CR or LF (16 bytes from p, all readable).
inline uint32_t DelimiterMask16(const char* p) {
#if defined(__wasm_simd128__)
  const v128_t v = wasm_v128_load(p);
  const v128_t hits = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, wasm_i8x16_splat(',')),
                                                wasm_i8x16_eq(v, wasm_i8x16_splat('\n'))),
                                   wasm_i8x16_eq(v, wasm_i8x16_splat('\r')));
  return wasm_i8x16_bitmask(hits);
#else
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
  return static_cast<uint32_t>(_mm_movemask_epi8(hits));
#endif
}

// Whether any of the 16 bytes from p has its high bit set (is not ASCII).
inline bool AnyHigh16(const unsigned char* p) {
#if defined(__wasm_simd128__)
  return wasm_i8x16_bitmask(wasm_v128_load(p)) != 0;
#else
  return _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) != 0;
#endif
}
#else
constexpr bool kVectorized = false;
#endif

// The first delimiter in [p + i, p + n), or n: eight bytes at a time (a
// zero-byte test on the word XORed with each delimiter; a borrow can only
// flag bytes after a true match, so the lowest flag is exact), then bytes.
// For the ends of a buffer, where 16 bytes cannot be read.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "FindDelimiter reads the lowest address first");
inline size_t FindDelimiter(const char* p, size_t i, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto zero_bytes = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    uint64_t hits = zero_bytes(word ^ (kOnes * ',')) | zero_bytes(word ^ (kOnes * '\n')) |
                    zero_bytes(word ^ (kOnes * '\r'));
    if (hits) return i + static_cast<size_t>(__builtin_ctzll(hits)) / 8;
  }
  while (i < n && !IsDelimiter(p[i])) ++i;
  return i;
}

// The end of the run of ASCII bytes starting at p[i] (at most n): where
// the UTF-8 check has something to look at.
inline size_t AsciiRun(const unsigned char* p, size_t i, size_t n) {
#if defined(__wasm_simd128__) || defined(__SSE2__)
  for (; i + 16 <= n; i += 16) {
    if (AnyHigh16(p + i)) break;
  }
#endif
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace csv_scan
}  // namespace batch
}  // namespace leadseg
