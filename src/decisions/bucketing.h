// GrowthBook experiment hashing and bucketing.
//
// These are C++ counterparts of the helpers in GrowthBook's JavaScript SDK
// (`packages/sdk-js/src/util.ts`: hashFnv32a, hash, getEqualWeights,
// getBucketRanges, chooseVariation, inNamespace, getQueryStringOverride).
// They return bit-for-bit the same results, including the same IEEE double
// for every bucket, so that a visitor lands in the same variation whether
// the decision is made by leadseg (natively or in WebAssembly) or by a
// GrowthBook SDK. /work/shared/conformance/README.md section 1.1-1.6 is the
// specification, growthbook-cases.json the test data.
//
// Strings. JavaScript strings are sequences of UTF-16 code units, and the
// SDK hashes `charCodeAt(i)`, not bytes. Every string here is UTF-8; it is
// decoded to UTF-16 code units on the fly (no allocation), so ASCII hashes
// as its bytes, "é" as the single unit 0x00E9 and an astral character as its
// surrogate pair. Invalid UTF-8 decodes the way TextDecoder does it: each
// maximal ill-formed subsequence becomes one U+FFFD.
//
// Where the SDK concatenates two strings before hashing (`seed + value`),
// the parts are decoded separately and their code units concatenated,
// which is what JavaScript does with two strings it already holds. (It only
// matters for invalid UTF-8: a lead byte at the end of `seed` never pairs
// with a continuation byte at the start of `value`.)
//
// None of these functions throw. None allocate except to return a vector,
// and QueryStringOverride in one rare case (a line terminator after "#").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace leadseg {

// 32-bit FNV-1a over the UTF-16 code units of `utf8` (the SDK's
// hashFnv32a): h = 0x811C9DC5; for each unit c: h = (h ^ c) * 0x01000193
// mod 2^32.
uint32_t Fnv1a32(std::string_view utf8);

// GrowthBook's hash(seed, value, version), a number in [0, 1):
//   version 1: (Fnv1a32(value + seed) % 1000) / 1000    -- value first
//   version 2: (Fnv1a32(decimal(Fnv1a32(seed + value))) % 10000) / 10000
// Any other version yields nullopt (the SDK returns null). Callers holding a
// non-string attribute must stringify it the JavaScript way first
// (js::AppendString): the SDK hashes `123` as "123".
//
// `version` is the SDK's `hashVersion` compared with ===, so a caller that
// reads it from JSON maps 1.0 to 1 and anything non-integral or non-numeric
// to some other value (0 will do).
std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value,
                                     int version);

// getEqualWeights(n): n copies of 1.0/n, or empty when n <= 0.
std::vector<double> EqualWeights(int n);

// [start, end): a visitor whose hash n has start <= n < end gets the
// variation.
using BucketRange = std::pair<double, double>;

// getBucketRanges(numVariations, coverage, weights):
//  - coverage: nullopt means 1; below 0 becomes 0, above 1 becomes 1 (NaN
//    passes through, as in JavaScript, and makes every range empty);
//  - weights: nullptr means equal weights; weights of the wrong length, or
//    whose sum (left to right, from 0) is below 0.99 or above 1.01, are
//    replaced by EqualWeights(num_variations);
//  - range i is [cum_i, cum_i + coverage * w_i], cum_i being the sum of the
//    weights before i. Coverage shrinks each range from its start; it does
//    not pack them together.
std::vector<BucketRange> BucketRanges(int num_variations, std::optional<double> coverage,
                                      const std::vector<double>* weights);

// chooseVariation(n, ranges): the first i with ranges[i].first <= n <
// ranges[i].second, or -1 when no range holds n.
int ChooseVariation(double n, const std::vector<BucketRange>& ranges);

// inNamespace(hashValue, [namespace_id, start, end]): with
// n = GrowthBookHash("__" + namespace_id, hash_value, 1), start <= n < end.
// Always hash version 1, whatever the experiment's hashVersion.
bool InNamespace(std::string_view hash_value, std::string_view namespace_id, double start,
                 double end);

// getQueryStringOverride(key, url, numVariations): the variation forced by
// `?<key>=<index>` in `url`, or nullopt. Reproduces the SDK's string
// handling rather than a URL parser's:
//  - the query is the text between the first and the second "?", so a "#"
//    before the "?" does not end it and a second "?" does;
//  - the fragment is cut with /#.*/, which stops at a line terminator;
//  - pairs split on "&", then on "=" keeping two pieces; no percent-decoding;
//  - the first pair whose key equals `key` decides, even when its value is
//    not a number;
//  - the value goes through JavaScript parseInt: leading whitespace, a sign
//    and a "0x" prefix are accepted and trailing junk ignored ("2.054" is 2,
//    "0x1" is 1, "-0" is 0);
//  - the index must satisfy 0 <= index < num_variations.
std::optional<int> QueryStringOverride(std::string_view key, std::string_view url,
                                       int num_variations);

}  // namespace leadseg
