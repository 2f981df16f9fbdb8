// The tables of a SegmentProgram (segment_program.h): what its builder
// (SegmentProgram::Build), its evaluator (segment_program.cc) and its codec
// (segment_program_codec.cc, the tables in a compiled config) share.
// Internal to src/segments/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/same_bytes.h"
#include "segments/segment_program.h"

namespace leadseg {
namespace segment_tables {

constexpr uint32_t kNone = UINT32_MAX;

// A short-string hash; the tables hold a few dozen strings, so speed on
// 2-30 byte values matters more than anything else. No loop: the first and
// last 8 bytes (and 8 from the middle past 16) as overlapping words, as
// wyhash reads short tails; a longer string that differs only elsewhere
// collides, which costs a probe, never an answer (FindRow compares bytes).
inline uint64_t HashString(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t w;
  if (n >= 8) {
    w = Load64(p) ^ (Load64(p + n - 8) * 0xBF58476D1CE4E5B9ull);
    if (n > 16) w ^= Load64(p + n / 2 - 4) * 0x9E3779B97F4A7C15ull;
  } else if (n >= 4) {
    w = Load32(p) | Load32(p + n - 4) << 32;
  } else if (n > 0) {
    w = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) | static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 |
        static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16;
  } else {
    w = 0;
  }
  const uint64_t h = (w ^ n) * 0x94D049BB133111EBull;
  return h ^ (h >> 29);
}

inline uint64_t Bit(uint32_t bit) { return uint64_t{1} << (bit & 63); }

enum Form : uint8_t { kGeneral, kAllOf, kAnyOf };

// A leaf's role in its condition's kill/hit bits (role_of_bit_).
constexpr uint32_t kKill = 1;  // false and decided: its $and condition fails
constexpr uint32_t kHit = 2;   // true and decided: its $or condition holds

// An anchored, case-sensitive $regex leaf: a text that does not start with
// the prefix (or with one of the alternatives, when there are some: the
// prefix and a branch of `^/(pricing|signup)`) fails; with literal_only, one
// that does matches.
struct PrefixTest {
  uint32_t bit = 0;
  std::string_view prefix;
  const std::vector<std::string>* alternatives = nullptr;
  bool literal_only = false;

  bool StartsText(std::string_view s) const {
    if (!alternatives) return s.size() >= prefix.size() && SameBytes(s.data(), prefix.data(), prefix.size());
    for (const std::string& a : *alternatives) {
      if (s.size() >= a.size() && SameBytes(s.data(), a.data(), a.size())) return true;
    }
    return false;
  }
};

}  // namespace segment_tables

using segment_tables::PrefixTest;

// A two-level condition's inner node: an $or of leaves inside an $and of
// leaves and such $or's (or an $and of leaves inside an $or). It has the
// kill/hit bits of a condition of its own, at bit `bit` (past the
// conditions'); Begin folds its answer into its parent's bits.
struct SegmentProgram::Clause {
  uint32_t bit = 0;
  uint32_t parent = 0;
  bool any = false;  // an $or of leaves (inside an $and), else an $and (inside an $or)
};

// One leaf of one condition, and how to ask the condition about it.
struct SegmentProgram::Leaf {
  const Condition* condition = nullptr;
  uint32_t node = 0;
  int attr = -1;  // >= 0: MatchLeaf on that attribute; -1: HoldsLeaf
};

struct SegmentProgram::StringEntry {
  const char* data = nullptr;
  uint32_t size = 0;
  uint32_t row = segment_tables::kNone;  // kNone: empty
  uint64_t hash = 0;
};

// The leaves on one stable attribute, bits [64 * word, 64 * (word + words)),
// and rows of `stride` words in pool_ answering them per class of value:
// `words` words of leaf bits, then (for a row of values, not a mask) the
// conditions its decided leaves kill and hit, WordsFor(size()) words each.
struct SegmentProgram::Group {
  int attr = -1;
  uint32_t word = 0, words = 0, stride = 0;
  uint32_t all = 0;          // mask of the group's leaves
  uint32_t null_row = 0;     // missing or null: every leaf decided
  uint32_t true_row = 0, false_row = 0;
  uint32_t string_pending = 0;  // mask: leaves a string does not decide by table
  uint32_t other_string_row = 0;
  std::vector<StringEntry> strings;  // open addressing, power-of-two size
  std::vector<PrefixTest> prefixes;
  // Arrays of strings (single-word groups): rows per interned element.
  std::vector<StringEntry> elements;
  uint32_t other_element_row = 0;
  uint32_t any_mask = 0, all_mask = 0;  // leaves that OR / AND their elements' rows
  bool arrays = false;
  uint32_t number_pending = 0;
  uint32_t nan_row = 0;
  std::vector<double> thresholds;  // sorted, distinct
  uint32_t regions = 0;  // 2 * thresholds.size() + 1 rows: below t0, at t0, between t0 and t1, ...
  // Integers (what most number attributes hold) skip the search: the
  // region of every integer in [int_low, int_high], clamping the rest into
  // it (below int_low, every value is in region 0; above int_high, in the
  // last). Empty when the thresholds span too many integers.
  std::vector<uint8_t> int_regions;
  double int_low = 0, int_high = 0;

  // The region of a number that is not NaN, by binary search.
  size_t RegionOf(double d) const;

  // Begin's one-word fast path and its general loop read values through
  // these two, so that the paths cannot drift apart (inline: the fast path
  // stays one loop). `pool` is the program's pool_.
  //
  // The row of a number that is not NaN.
  uint32_t NumberRow(double d) const;
  // An array whose elements are all strings: the leaf bits its elements'
  // rows decide ($in, $nin, $elemMatch: any_mask / all_mask) and the leaves
  // left pending. False, writing nothing, if an element is not a string.
  bool StringArrayBits(const Value& array, const uint64_t* pool, uint64_t* bits, uint64_t* pending) const;
};

struct SegmentProgram::Instr {
  // kAllKnown/kAnyKnown: kAll/kAny over the decided leaves of the mask only.
  enum Op : uint8_t { kConst, kLeaf, kAll, kAny, kAllKnown, kAnyKnown, kJumpIfFalse, kJumpIfTrue, kNot };
  Op op = kConst;
  uint32_t a = 0;  // kConst: value; kLeaf: bit; kAll/kAny/...Known: word; jumps: target
  uint64_t mask = 0;
};

// The row of `s` in a string table, or `otherwise`.
template <typename Entry>
inline uint32_t FindRow(const std::vector<Entry>& table, std::string_view s, uint32_t otherwise) {
  const uint64_t h = segment_tables::HashString(s);
  const size_t mask = table.size() - 1;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const Entry& e = table[at];
    if (e.row == segment_tables::kNone) return otherwise;
    if (e.hash == h && e.size == s.size() && SameBytes(e.data, s.data(), s.size())) return e.row;
  }
}

inline uint32_t SegmentProgram::Group::NumberRow(double d) const {
  if (!int_regions.empty()) {
    const double c = std::min(std::max(d, int_low), int_high);
    const int32_t k = static_cast<int32_t>(c);
    if (static_cast<double>(k) == c) {
      return regions + int_regions[static_cast<size_t>(k - static_cast<int32_t>(int_low))] * stride;
    }
  }
  return regions + static_cast<uint32_t>(RegionOf(d)) * stride;
}

inline size_t SegmentProgram::Group::RegionOf(double d) const {
  // Lower bound without unpredictable branches: i thresholds are below d.
  const double* t = thresholds.data();
  size_t i = 0;
  if (size_t n = thresholds.size()) {
    const double* base = t;
    while (n > 1) {
      const size_t half = n / 2;
      base = base[half] < d ? base + half : base;
      n -= half;
    }
    i = static_cast<size_t>(base - t) + (*base < d);
  }
  return (i < thresholds.size() && t[i] == d) ? 2 * i + 1 : 2 * i;
}

inline bool SegmentProgram::Group::StringArrayBits(const Value& array, const uint64_t* pool, uint64_t* bits,
                                                   uint64_t* pending) const {
  uint64_t any = 0, every = ~uint64_t{0};
  for (uint32_t i = 0; i < array.size(); ++i) {
    const Value e = array.at(i);
    if (!e.is_string()) return false;
    const uint64_t row = pool[FindRow(elements, e.as_string(), other_element_row)];
    any |= row;
    every &= row;
  }
  const uint64_t or_leaves = pool[any_mask], and_leaves = pool[all_mask];
  *bits = (any & or_leaves) | (every & and_leaves);
  *pending = pool[all] & ~(or_leaves | and_leaves);
  return true;
}

}  // namespace leadseg
