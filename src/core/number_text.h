// Exact conversions between doubles and decimal text, without printf or
// strtod (whose libc code is ~12 KB of the runtime wasm; see
// docs/performance.md "printf and strtod out of the runtime").
//
// Both are exact, not approximations: ShortestDigits gives the digits
// JavaScript's Number.prototype.toString prints (V8's shortest mode: the
// fewest digits that read back as the same double, the closest of those,
// ties to even) and ParseDecimal rounds like strtod (to nearest, ties to
// even, ±Infinity past the largest double, ±0 below half the smallest).
// Common cases take a fast path; the rest use core/bignum.h.
#pragma once

#include <string_view>

namespace leadseg {

// The shortest round-trip digits of `v` (finite, > 0): writes k digits
// (no leading or trailing zeros, k <= 17) to `digits` and returns k; the
// value is 0.d1d2...dk × 10^(*point).
int ShortestDigits(double v, char* digits, int* point);

// Reads a decimal literal: [+-] digits [. digits] [(e|E) [+-] digits],
// with digits on at least one side of the point. The caller has checked
// the syntax (js::StringToNumber, the JSON reader); other text gives an
// unspecified number.
double ParseDecimal(std::string_view text);

// The exact decimal digits of an integral `v` (finite, >= 0; up to 309
// digits): writes them to `out` (at least 310 bytes) and returns how many.
int IntegerDigits(double v, char* out);

}  // namespace leadseg
