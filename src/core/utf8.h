// UTF-8 as RFC 3629 defines it, in one place: which bytes may follow which
// lead byte, decoding one code point (strictly, or TextDecoder's way with
// U+FFFD), validating a whole string, and encoding a code point.
//
// Well-formed means no stray continuation bytes, no overlong forms (C0, C1,
// E0 80..9F, F0 80..8F), no surrogates (ED A0..BF) and nothing past
// U+10FFFF (F4 90.., F5..FF), so every code point has exactly one accepted
// encoding: byte-level searches (the regex prefilters) rely on that.
//
// A few readers deliberately skip these checks: they only read the bit
// layout (lengths, or code points to compare), and each keeps its own,
// older reading of ill-formed bytes, which tests and outputs pin (js.cc
// DecodeAt, jsonlogic.cc CodePointAt, csv_reader.cc First/LastCodePoint,
// event_time.cc DescribeText).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace leadseg {

constexpr uint32_t kReplacementCharacter = 0xFFFD;

// What a byte at the start of a sequence says about the bytes after it.
struct Utf8Lead {
  int continuations;  // bytes that follow (0 for ASCII), -1 when `b` cannot lead
  uint8_t lo, hi;     // the range of the first of them; later ones are 80..BF
};

// The table of RFC 3629 section 4, row by row. The first continuation
// byte's range is narrower after E0 (overlongs), ED (surrogates), F0
// (overlongs) and F4 (past U+10FFFF).
constexpr Utf8Lead Utf8LeadOf(unsigned char b) {
  if (b < 0x80) return {0, 0x80, 0xBF};
  if (b < 0xC2) return {-1, 0x80, 0xBF};  // a continuation byte, or the overlong C0, C1
  if (b < 0xE0) return {1, 0x80, 0xBF};
  if (b < 0xF0) return {2, static_cast<uint8_t>(b == 0xE0 ? 0xA0 : 0x80), static_cast<uint8_t>(b == 0xED ? 0x9F : 0xBF)};
  if (b < 0xF5) return {3, static_cast<uint8_t>(b == 0xF0 ? 0x90 : 0x80), static_cast<uint8_t>(b == 0xF4 ? 0x8F : 0xBF)};
  return {-1, 0x80, 0xBF};  // F5..FF
}

// The payload bits of a lead byte that has `continuations` bytes after it.
constexpr uint32_t Utf8LeadBits(unsigned char b, int continuations) {
  return continuations == 0 ? b : b & (0x3Fu >> continuations);
}

// Decodes the well-formed sequence at `p` (avail > 0 bytes): *cp and its
// byte length *len. False, leaving both alone, when the sequence is
// ill-formed or cut short by `avail`.
inline bool DecodeUtf8(const unsigned char* p, size_t avail, uint32_t* cp, uint32_t* len) {
  const Utf8Lead lead = Utf8LeadOf(p[0]);
  if (lead.continuations < 0 || static_cast<size_t>(lead.continuations) >= avail) return false;
  uint32_t value = Utf8LeadBits(p[0], lead.continuations);
  unsigned lo = lead.lo, hi = lead.hi;
  for (int i = 1; i <= lead.continuations; ++i) {
    if (p[i] < lo || p[i] > hi) return false;
    value = (value << 6) | (p[i] & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  *cp = value;
  *len = static_cast<uint32_t>(lead.continuations + 1);
  return true;
}

// Decodes the code point at `p` (< end) and advances past it, the way the
// WHATWG "UTF-8 decode" that TextDecoder implements does: a sequence that
// turns out ill-formed yields one U+FFFD and decoding resumes at the byte
// that broke it (not consumed), so "E2 82 41" reads as U+FFFD, "A". (The
// regex matcher differs on purpose: it reads each byte of an ill-formed
// sequence as its own U+FFFD, see regex.h.)
inline uint32_t DecodeUtf8OrReplacement(const unsigned char*& p, const unsigned char* end) {
  const unsigned char b = *p++;
  const Utf8Lead lead = Utf8LeadOf(b);
  if (lead.continuations <= 0) return lead.continuations == 0 ? b : kReplacementCharacter;
  uint32_t value = Utf8LeadBits(b, lead.continuations);
  unsigned lo = lead.lo, hi = lead.hi;
  for (int n = lead.continuations; n > 0; --n) {
    if (p == end || *p < lo || *p > hi) return kReplacementCharacter;
    value = (value << 6) | (*p++ & 0x3F);
    lo = 0x80;
    hi = 0xBF;
  }
  return value;
}

// True when `s` is well-formed UTF-8 throughout.
bool IsValidUtf8(std::string_view s);

// Appends the UTF-8 form of `cp` (a code point that is not a surrogate,
// at most U+10FFFF) to `out`.
inline void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace leadseg
