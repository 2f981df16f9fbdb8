// Internal to conditions/regex*.cc, not part of the API: the compiled form
// of a Regex (the NFA program and its character classes) and the character
// helpers both halves need. regex.cc holds the matcher (Search) and the
// program's byte encoding; regex_compiler.cc turns a pattern into a program.
// They are separate translation units so that a build that only reads
// compiled programs (the WebAssembly runtime module, which loads them from
// .lsc files) links no parser.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "conditions/regex.h"
#include "core/utf8.h"

namespace leadseg {
namespace regex_internal {

constexpr uint32_t kMaxUnit = 0xFFFF;

inline bool IsAsciiLetter(int32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool IsDecimalDigit(int32_t c) { return c >= '0' && c <= '9'; }

// \w and \b in non-unicode mode: [A-Za-z0-9_], ASCII only.
inline bool IsWordUnit(uint32_t u) {
  return u < 0x80 && (IsAsciiLetter(static_cast<int32_t>(u)) ||
                      IsDecimalDigit(static_cast<int32_t>(u)) || u == '_');
}

inline bool IsLineTerminator(uint32_t u) {
  return u == 0x0A || u == 0x0D || u == 0x2028 || u == 0x2029;
}

// Case folding for the `i` flag: ECMAScript's Canonicalize(rer, ch) for
// non-unicode patterns. Two units match when their canonical forms are
// equal; the canonical form is the single-unit toUpperCase() of the unit,
// unless that is longer than one unit or maps non-ASCII to ASCII.
//
// Each run maps first, first+stride, ..., last to itself + delta. Generated
// with Node 20.20 (ICU 78.2, Unicode 17) from
//   c => { const u = String.fromCharCode(c).toUpperCase();
//          return u.length !== 1 || (c >= 128 && u.charCodeAt(0) < 128)
//                 ? c : u.charCodeAt(0); }
// over all 65,536 units, and checked against V8's own /x/i matching for
// every unit. Canonical forms are fixed points (Fold(Fold(c)) == Fold(c)).
struct FoldRun {
  uint16_t first;
  uint16_t last;
  uint8_t stride;
  int32_t delta;
};

// The runs, sorted by `first` (in regex.cc).
extern const FoldRun kFoldRuns[];
extern const size_t kFoldRunCount;

// The canonical form of a UTF-16 unit under the `i` flag.
uint32_t Fold(uint32_t u);

struct Range {
  uint32_t lo, hi;  // inclusive
};

// `ranges` must be normalized.
inline bool InRanges(const std::vector<Range>& ranges, uint32_t u) {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), u,
                             [](uint32_t v, const Range& r) { return v < r.lo; });
  return it != ranges.begin() && u <= (it - 1)->hi;
}

enum class Assertion : uint8_t { kBegin, kEnd, kWordBoundary, kNotWordBoundary };

enum class Op : uint8_t {
  // Consuming instructions come first (Search tests op <= kClass).
  kUnit,    // consume `unit` (already folded under the `i` flag)
  kAny,     // consume anything but a line terminator
  kClass,   // consume a member of classes_[x]
  kSplit,   // continue at x and at y
  kJump,    // continue at x
  kAssert,  // continue at pc + 1 if `assertion` holds here
  kMatch,
};

}  // namespace regex_internal

struct Regex::CharClass {
  uint64_t ascii[2] = {0, 0};  // bit u set when u < 128 is in the set
  std::vector<regex_internal::Range> non_ascii;  // normalized, all >= 128
  bool negated = false;

  bool Contains(uint32_t u) const {
    const bool in = u < 128 ? ((ascii[u >> 6] >> (u & 63)) & 1) != 0 : regex_internal::InRanges(non_ascii, u);
    return in != negated;
  }
};

struct Regex::Inst {
  regex_internal::Op op;
  regex_internal::Assertion assertion;
  uint16_t unit;
  uint32_t x;
  uint32_t y;

  // Whether this instruction consumes the (folded) unit u.
  bool Consumes(uint32_t u, const std::vector<CharClass>& classes) const {
    switch (op) {
      case regex_internal::Op::kUnit:
        return unit == u;
      case regex_internal::Op::kAny:
        return !regex_internal::IsLineTerminator(u);
      case regex_internal::Op::kClass:
        return classes[x].Contains(u);
      default:
        return false;
    }
  }
};

}  // namespace leadseg
