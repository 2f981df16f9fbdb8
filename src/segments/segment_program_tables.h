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

#include "conditions/regex.h"
#include "core/same_bytes.h"
#include "segments/segment_program.h"

namespace leadseg {
namespace segment_tables {

constexpr uint32_t kNone = UINT32_MAX;

// A string as its string tables see it: the words its hash reads (the
// first and last 8 bytes as overlapping words, as wyhash reads short
// tails; 4 and 4 below 8 bytes; the bytes themselves below 4) and the
// hash. The tables hold a few dozen strings, so speed on 2-30 byte values
// matters more than anything else: the words are read once, for the hash
// and for the compare with an entry that keeps its own (no loads through
// the entry's pointer, no length dispatch per compare, up to 16 bytes).
// The hash places the entries of a compiled config's tables (their
// positions are stored, docs/compiled-config.md): it must not change.
struct StringKey {
  const char* data = nullptr;
  uint32_t size = 0;
  uint64_t head = 0, tail = 0;
  uint64_t hash = 0;

  // Forced inline: at -Oz it stayed a call from FindRow, its key returned
  // through memory, for every string value a segment program begins
  // (docs/performance.md, s46).
  [[gnu::always_inline]] static StringKey Of(std::string_view s) {
    StringKey k;
    const char* p = s.data();
    const size_t n = s.size();
    k.data = p;
    k.size = static_cast<uint32_t>(n);
    uint64_t w;
    if (n >= 8) {
      k.head = Load64(p);
      k.tail = Load64(p + n - 8);
      w = k.head ^ (k.tail * 0xBF58476D1CE4E5B9ull);
      // A longer string that differs only elsewhere collides, which costs
      // a probe, never an answer (FindRow compares every byte).
      if (n > 16) w ^= Load64(p + n / 2 - 4) * 0x9E3779B97F4A7C15ull;
    } else if (n >= 4) {
      k.head = Load32(p);
      k.tail = Load32(p + n - 4);
      w = k.head | k.tail << 32;
    } else if (n > 0) {
      k.head = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
               static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8 |
               static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16;
      w = k.head;
    } else {
      w = 0;
    }
    const uint64_t h = (w ^ n) * 0x94D049BB133111EBull;
    k.hash = h ^ (h >> 29);
    return k;
  }
};

inline uint64_t Bit(uint32_t bit) { return uint64_t{1} << (bit & 63); }

enum Form : uint8_t { kGeneral, kAllOf, kAnyOf };

// A leaf's role in its condition's kill/hit bits (role_of_bit_).
constexpr uint32_t kKill = 1;  // false and decided: its $and condition fails
constexpr uint32_t kHit = 2;   // true and decided: its $or condition holds

// A text's first 16 bytes as two little-endian words, zero past its end,
// read once per value so that each prefix test is a few word compares (it
// was a length dispatch and byte loads per test: seven tests on one
// attribute took ~290 instructions a row, docs/performance.md, s39).
struct TextHead {
  uint64_t w0 = 0, w1 = 0;
  size_t size = 0;

  static TextHead Of(std::string_view s) {
    // By length, as StringKey reads: a copy into a zeroed buffer is less
    // code, but in the batch module (bulk memory) a `memory.copy` call per
    // value (docs/performance.md, s39).
    const char* p = s.data();
    const size_t n = s.size();
    TextHead h;
    h.size = n;
    if (n >= 16) {
      h.w0 = Load64(p);
      h.w1 = Load64(p + 8);
    } else if (n >= 8) {
      h.w0 = Load64(p);
      if (n > 8) h.w1 = Load64(p + n - 8) >> (8 * (16 - n));  // bytes 8..n-1, the overlap shifted out
    } else if (n >= 4) {
      h.w0 = Load32(p) | Load32(p + n - 4) << (8 * (n - 4));
    } else if (n > 0) {
      h.w0 = static_cast<uint64_t>(static_cast<uint8_t>(p[0])) |
             static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << (8 * (n / 2)) |
             static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << (8 * (n - 1));
    }
    return h;
  }
};

// A literal a text may start with, its first 16 bytes as masked words
// (TextHead's), the rest compared by bytes; `bit` is its prefix test's.
struct PrefixLiteral {
  uint64_t mask0 = 0, word0 = 0, mask1 = 0, word1 = 0;
  std::string_view text;
  uint32_t bit = 0;

  bool Starts(const TextHead& head, std::string_view s) const {
    return head.size >= text.size() && (head.w0 & mask0) == word0 && (head.w1 & mask1) == word1 &&
           (text.size() <= 16 || SameBytes(s.data() + 16, text.data() + 16, text.size() - 16));
  }
};

// An anchored, case-sensitive $regex leaf: a text that does not start with
// the prefix (or with one of the alternatives, when there are some: the
// prefix and a branch of `^/(pricing|signup)`) fails; with literal_only, one
// that does matches. Build and Decode set `bit` and `regex`;
// Group::IndexPrefixes derives the rest, and the group's literals.
struct PrefixTest {
  uint32_t bit = 0;
  const Regex* regex = nullptr;
  bool literal_only = false;
  uint32_t first = 0, end = 0;  // its literals in the group's prefix_literals
};

}  // namespace segment_tables

using segment_tables::PrefixLiteral;
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

// A string table's entry: its key's bytes, and the words StringKey reads
// from them, kept for the compare.
struct SegmentProgram::StringEntry {
  const char* data = nullptr;
  uint32_t size = 0;
  uint32_t row = segment_tables::kNone;  // kNone: empty
  uint64_t head = 0, tail = 0;

  StringEntry() = default;
  StringEntry(const segment_tables::StringKey& k, uint32_t r)
      : data(k.data), size(k.size), row(r), head(k.head), tail(k.tail) {}
  // Whether `k` has this entry's bytes: head and tail cover up to 16.
  bool Holds(const segment_tables::StringKey& k) const {
    return size == k.size && head == k.head && tail == k.tail &&
           (size <= 16 || SameBytes(data + 8, k.data + 8, size - 16));
  }
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
  std::vector<PrefixLiteral> prefix_literals;  // every test's, in order
  // One-word groups: the bits of the prefix tests, and of the literal_only ones.
  uint64_t prefix_bits = 0, literal_only_bits = 0;
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

  // The bits of the prefix tests one of whose literals starts `s` (a
  // one-word group's). One function for all the literals: the batch module
  // kept Starts out of line and called it once a literal (3% of its time).
  uint64_t PrefixStarts(std::string_view s) const {
    const segment_tables::TextHead head = segment_tables::TextHead::Of(s);
    uint64_t starts = 0;
    for (const PrefixLiteral& l : prefix_literals) starts |= l.Starts(head, s) ? segment_tables::Bit(l.bit) : 0;
    return starts;
  }

  // Fills prefix_literals and the tests' other fields from their bits and
  // regexes (the whole vector at once: a decoder with no push_back of it).
  void IndexPrefixes();

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
  const segment_tables::StringKey k = segment_tables::StringKey::Of(s);
  const size_t mask = table.size() - 1;
  for (size_t at = k.hash & mask;; at = (at + 1) & mask) {
    const Entry& e = table[at];
    if (e.row == segment_tables::kNone) return otherwise;
    if (e.Holds(k)) return e.row;
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

inline void SegmentProgram::Group::IndexPrefixes() {
  auto alternatives = [](const PrefixTest& t) -> const std::vector<std::string>& {
    return t.regex->literal_alternatives();
  };
  size_t n = 0;
  for (const PrefixTest& t : prefixes) n += alternatives(t).empty() ? 1 : alternatives(t).size();
  prefix_literals = std::vector<PrefixLiteral>(n);
  prefix_bits = literal_only_bits = 0;
  uint32_t at = 0;
  auto add = [&](std::string_view literal, uint32_t bit) {
    PrefixLiteral& l = prefix_literals[at++];
    const segment_tables::TextHead h = segment_tables::TextHead::Of(literal);
    const size_t size = literal.size();
    l.mask0 = size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size)) - 1;
    l.mask1 = size >= 16 ? ~uint64_t{0} : size > 8 ? (uint64_t{1} << (8 * (size - 8))) - 1 : 0;
    l.word0 = h.w0;
    l.word1 = h.w1;
    l.text = literal;
    l.bit = bit;
  };
  for (PrefixTest& t : prefixes) {
    t.first = at;
    if (alternatives(t).empty()) {
      t.literal_only = t.regex->literal_only();
      add(t.regex->literal_prefix(), t.bit);
    } else {
      t.literal_only = t.regex->alternatives_only();
      for (const std::string& a : alternatives(t)) add(a, t.bit);
    }
    t.end = at;
    prefix_bits |= segment_tables::Bit(t.bit);
    if (t.literal_only) literal_only_bits |= segment_tables::Bit(t.bit);
  }
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
