// Equality of short byte strings without a library call: at -Oz memcmp is
// a byte loop behind a call, and for the few-dozen-byte names, values and
// table keys the hot paths compare, the call costs more than the compare.
// Shared by the segment programs' string tables and identify's pass over
// stored attributes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace leadseg {

inline uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline uint64_t Load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// memcmp(a, b, n) == 0; up to 32 bytes as overlapping words, no loop past 4.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n > 32) return std::memcmp(a, b, n) == 0;
  if (n > 16) {
    return Load64(a) == Load64(b) && Load64(a + 8) == Load64(b + 8) && Load64(a + n - 16) == Load64(b + n - 16) &&
           Load64(a + n - 8) == Load64(b + n - 8);
  }
  if (n >= 8) return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
  if (n >= 4) return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace leadseg
