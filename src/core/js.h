// JavaScript value semantics over Value.
//
// GrowthBook conditions and JsonLogic are defined by what their reference
// implementations do in JavaScript: `"10" == 10`, `String([1,2]) === "1,2"`,
// `null < 1`, `[] ` truthy in JS but falsy in JsonLogic. These functions
// reproduce the ECMAScript abstract operations they rely on, so the engines
// can cite the spec instead of re-deriving coercions case by case.
#pragma once

#include <string>
#include <string_view>

#include "core/value.h"

namespace leadseg {
namespace js {

// ToBoolean: false, 0, NaN, "" and null are falsy; everything else,
// including "0", [] and {}, is truthy.
bool Truthy(const Value& v);

// ToNumber: null -> 0, booleans -> 0/1, strings by StringToNumber
// (whitespace-trimmed decimal, 0x/0o/0b, "Infinity"; "" -> 0; else NaN),
// arrays via ToPrimitive (their joined string), objects -> NaN.
double ToNumber(const Value& v);
double StringToNumber(std::string_view s);

// Number::toString(10): shortest round-trip digits, "1e+21", "1e-7",
// "-0" printed as "0", "NaN", "Infinity". Returns the length written;
// `buf` must hold at least kNumberBufferSize bytes.
inline constexpr int kNumberBufferSize = 32;
int FormatNumber(double d, char* buf);
std::string NumberToString(double d);

// ToString: arrays join their elements' strings with "," (null -> ""),
// objects become "[object Object]".
void AppendString(const Value& v, std::string* out);
std::string ToString(const Value& v);
// String(v) === s, without allocating for scalar v.
bool StringEquals(const Value& v, std::string_view s);

// ===. Arrays and objects are references in JavaScript and two distinct
// parsed values are never identical, so they compare unequal.
bool StrictEquals(const Value& a, const Value& b);
// SameValueZero (Array.prototype.includes): === except NaN equals NaN.
bool SameValueZero(const Value& a, const Value& b);
// == (Abstract Equality), as JsonLogic's "==" uses it.
bool LooseEquals(const Value& a, const Value& b);
// JSON.stringify(a) === JSON.stringify(b): structural, key order matters.
bool StringifyEquals(const Value& a, const Value& b);

// Abstract relational comparison `a < b` etc. Strings compare by UTF-16
// code unit when both sides are (or become, via ToPrimitive) strings;
// otherwise by ToNumber, and NaN on either side makes every operator false.
enum class Relation { kLess, kLessEqual, kGreater, kGreaterEqual };
bool Compare(const Value& a, const Value& b, Relation rel);

// Compares two UTF-8 strings in UTF-16 code-unit order, as JS does.
int CompareUtf16(std::string_view a, std::string_view b);


}  // namespace js
}  // namespace leadseg
