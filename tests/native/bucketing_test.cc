// GrowthBook hashing and bucketing: the shared cases.json sections, plus
// the edges the data does not reach (non-ASCII and invalid UTF-8, JS
// parseInt and regex quirks in the query-string override).
//
// Expected values not taken from cases.json were computed with node 20
// running the SDK's own code (hashFnv32a over charCodeAt, TextDecoder for
// invalid UTF-8, getQueryStringOverride verbatim).

#include "decisions/bucketing.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "conformance/conformance.h"
#include "core/json.h"

#ifndef LEADSEG_SHARED_DIR
#define LEADSEG_SHARED_DIR "../shared"
#endif

namespace leadseg {
namespace {

// ---- cases.json ----

TEST(GrowthBookBucketingConformance, AllSectionsPass) {
  const char* path = LEADSEG_SHARED_DIR "/conformance/growthbook-cases.json";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  Result<Json> cases = ParseJson(text.str(), "growthbook-cases.json");
  ASSERT_TRUE(cases.ok()) << cases.status().ToString();

  std::vector<SectionResult> sections = RunGrowthBookBucketingSections(*cases);
  const std::vector<std::pair<std::string, int>> want = {
      {"hash", 15},          {"getBucketRange", 13}, {"chooseVariation", 13},
      {"inNamespace", 16},   {"getEqualWeights", 6}, {"getQueryStringOverride", 16},
  };
  ASSERT_EQ(sections.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const SectionResult& s = sections[i];
    EXPECT_EQ(s.name, want[i].first);
    EXPECT_FALSE(s.skipped) << s.name;
    EXPECT_EQ(s.failed, 0) << s.name;
    EXPECT_EQ(s.passed, want[i].second) << s.name;
    for (const std::string& f : s.failures) ADD_FAILURE() << f;
  }
}

TEST(GrowthBookBucketingConformance, ReportsFailuresAndMissingSections) {
  Result<Json> cases = ParseJson(R"({
    "hash": [["", "a", 1, 0.5], ["", 5, 1, 0.1], "junk"],
    "chooseVariation": [["x", 0.2, [[0, 0.5]], 0]]
  })");
  ASSERT_TRUE(cases.ok()) << cases.status().ToString();
  std::vector<SectionResult> sections = RunGrowthBookBucketingSections(*cases);
  ASSERT_EQ(sections.size(), 6u);
  EXPECT_EQ(sections[0].passed, 0);
  EXPECT_EQ(sections[0].failed, 3);
  ASSERT_EQ(sections[0].failures.size(), 3u);
  EXPECT_EQ(sections[0].failures[0], "hash[0] hash(``, `a`, 1): got 0.22, expected 0.5");
  EXPECT_NE(sections[0].failures[1].find("malformed case"), std::string::npos);
  EXPECT_NE(sections[0].failures[2].find("malformed case"), std::string::npos);
  EXPECT_TRUE(sections[1].skipped);  // getBucketRange absent
  EXPECT_EQ(sections[2].passed, 1);

  // Not an object at all: everything skipped, nothing thrown.
  for (const SectionResult& s : RunGrowthBookBucketingSections(Json::array())) {
    EXPECT_TRUE(s.skipped) << s.name;
  }
}

// ---- Fnv1a32: UTF-16 code units ----

TEST(Fnv1a32, Ascii) {
  EXPECT_EQ(Fnv1a32(""), 2166136261u);  // the offset basis
  EXPECT_EQ(Fnv1a32("a"), 3826002220u);
  EXPECT_EQ(Fnv1a32("seeda"), 717764279u);
  EXPECT_EQ(Fnv1a32("717764279"), 2503390505u);
}

TEST(Fnv1a32, HashesUtf16CodeUnitsNotBytes) {
  // "é" is one unit, 0x00E9 (two bytes in UTF-8).
  EXPECT_EQ(Fnv1a32("\xC3\xA9"), 1812687940u);
  // U+1F600 is the surrogate pair D83D DE00 (four bytes in UTF-8).
  EXPECT_EQ(Fnv1a32("\xF0\x9F\x98\x80"), 3409036472u);
  EXPECT_EQ(Fnv1a32("a\xC3\xA9\xF0\x9F\x98\x80z"), 711813656u);
  EXPECT_EQ(Fnv1a32("\xE6\x97\xA5\xE6\x9C\xAC"), 1610399396u);  // "日本"
}

TEST(Fnv1a32, InvalidUtf8DecodesLikeTextDecoder) {
  const uint32_t one = 2007932456u;    // "\uFFFD"
  const uint32_t two = 1015284303u;    // "\uFFFD\uFFFD"
  const uint32_t three = 4149960502u;  // "\uFFFD\uFFFD\uFFFD"
  EXPECT_EQ(Fnv1a32("\xEF\xBF\xBD"), one);
  EXPECT_EQ(Fnv1a32("\xFF"), one);
  EXPECT_EQ(Fnv1a32("\xE2\x82"), one);                // truncated: one U+FFFD
  EXPECT_EQ(Fnv1a32("\xF0\x9F\x98"), one);            // truncated 4-byte
  EXPECT_EQ(Fnv1a32("\xC0\x80"), two);                // C0 is never valid
  EXPECT_EQ(Fnv1a32("\xED\xA0\x80"), three);          // encoded surrogate
  EXPECT_EQ(Fnv1a32("\xE0\x80\xAF"), three);          // overlong "/"
  EXPECT_EQ(Fnv1a32("a\xF4\x90\x80\x80" "b"), 4178335006u);  // above U+10FFFF
}

// ---- GrowthBookHash ----

TEST(GrowthBookHash, Versions) {
  EXPECT_EQ(GrowthBookHash("", "a", 1), 0.22);
  EXPECT_EQ(GrowthBookHash("b", "a", 1), 0.946);  // hashes "ab": value first
  EXPECT_EQ(GrowthBookHash("b", "a", 1), (Fnv1a32("ab") % 1000) / 1000.0);
  EXPECT_EQ(GrowthBookHash("seed", "a", 2), 0.0505);
  EXPECT_EQ(GrowthBookHash("90850943850283058242805", "123", 2), 0.7516);
  for (int v : {0, -1, 3, 99}) EXPECT_EQ(GrowthBookHash("abc", "def", v), std::nullopt) << v;
}

TEST(GrowthBookHash, NonAscii) {
  EXPECT_EQ(GrowthBookHash("seed", "\xC3\xA9", 1), 0.137);
  EXPECT_EQ(GrowthBookHash("seed", "\xC3\xA9", 2), 0.8663);
  EXPECT_EQ(GrowthBookHash("\xF0\x9F\x98\x80", "user-1", 2), 0.847);
  EXPECT_EQ(GrowthBookHash("exp", "\xF0\x9F\x98\x80", 1), 0.655);
}

TEST(GrowthBookHash, PartsDecodeSeparately) {
  // Two JavaScript strings "\uFFFD" + "\uFFFD", not the bytes C3 A9 ("é").
  EXPECT_EQ(GrowthBookHash("\xC3", "\xA9", 1), 0.303);
  EXPECT_EQ(GrowthBookHash("", "\xC3\xA9", 1), 0.94);
}

TEST(GrowthBookHash, RangeIsHalfOpenUnitInterval) {
  for (int i = 0; i < 2000; ++i) {
    std::string id = "user-" + std::to_string(i);
    for (int version : {1, 2}) {
      std::optional<double> n = GrowthBookHash("exp", id, version);
      ASSERT_TRUE(n.has_value());
      EXPECT_GE(*n, 0.0);
      EXPECT_LT(*n, 1.0);
    }
  }
}

// ---- EqualWeights / BucketRanges / ChooseVariation ----

TEST(EqualWeights, Basics) {
  EXPECT_TRUE(EqualWeights(-1).empty());
  EXPECT_TRUE(EqualWeights(0).empty());
  EXPECT_EQ(EqualWeights(1), std::vector<double>{1.0});
  EXPECT_EQ(EqualWeights(3), std::vector<double>(3, 1.0 / 3));
}

std::vector<BucketRange> Ranges(std::initializer_list<BucketRange> r) { return r; }

TEST(BucketRanges, CoverageIsClamped) {
  EXPECT_EQ(BucketRanges(2, std::nullopt, nullptr), Ranges({{0, 0.5}, {0.5, 1}}));
  EXPECT_EQ(BucketRanges(2, -0.2, nullptr), Ranges({{0, 0}, {0.5, 0.5}}));
  EXPECT_EQ(BucketRanges(2, 1.5, nullptr), Ranges({{0, 0.5}, {0.5, 1}}));
  EXPECT_EQ(BucketRanges(2, 0.5, nullptr), Ranges({{0, 0.25}, {0.5, 0.75}}));
  // NaN is neither < 0 nor > 1 in JavaScript either: it passes through and
  // every range ends at NaN, so nobody is bucketed.
  std::vector<BucketRange> nan = BucketRanges(2, std::nan(""), nullptr);
  ASSERT_EQ(nan.size(), 2u);
  EXPECT_TRUE(std::isnan(nan[1].second));
  EXPECT_EQ(ChooseVariation(0.1, nan), -1);
}

TEST(BucketRanges, InvalidWeightsFallBackToEqual) {
  const std::vector<double> low = {0.4, 0.1}, high = {0.7, 0.6}, short_ = {0.5, 0.5};
  EXPECT_EQ(BucketRanges(2, 1, &low), Ranges({{0, 0.5}, {0.5, 1}}));
  EXPECT_EQ(BucketRanges(2, 1, &high), Ranges({{0, 0.5}, {0.5, 1}}));
  EXPECT_EQ(BucketRanges(3, 1, &short_), BucketRanges(3, 1, nullptr));
  // The tolerance is inclusive at both ends.
  const std::vector<double> at_low = {0.49, 0.5}, at_high = {0.5, 0.51};
  EXPECT_EQ(BucketRanges(2, 1, &at_low), Ranges({{0, 0.49}, {0.49, 0.99}}));
  EXPECT_EQ(BucketRanges(2, 1, &at_high), Ranges({{0, 0.5}, {0.5, 1.01}}));
  EXPECT_TRUE(BucketRanges(0, 1, nullptr).empty());
  EXPECT_TRUE(BucketRanges(-3, 1, &low).empty());
}

TEST(BucketRanges, UnevenWeightsWithCoverage) {
  const std::vector<double> w = {0.2, 0.3, 0.5};
  std::vector<BucketRange> r = BucketRanges(3, 0.2, &w);
  ASSERT_EQ(r.size(), 3u);
  // Each range starts at the cumulative weight and is shrunk from there.
  EXPECT_EQ(r[1].first, 0.2);
  EXPECT_DOUBLE_EQ(r[1].second, 0.26);
  EXPECT_EQ(r[2].first, 0.5);
}

TEST(ChooseVariation, HalfOpenRanges) {
  std::vector<BucketRange> r = Ranges({{0, 0.25}, {0.5, 0.75}});
  EXPECT_EQ(ChooseVariation(0, r), 0);
  EXPECT_EQ(ChooseVariation(0.25, r), -1);
  EXPECT_EQ(ChooseVariation(0.5, r), 1);
  EXPECT_EQ(ChooseVariation(0.75, r), -1);
  EXPECT_EQ(ChooseVariation(0.5, Ranges({{0, 0.5}, {0.5, 0.5}, {0.5, 1}})), 2);
  EXPECT_EQ(ChooseVariation(0.5, {}), -1);
}

// ---- InNamespace ----

TEST(InNamespace, UsesVersionOneWithPrefixedSeed) {
  double n = *GrowthBookHash("__namespace2", "3", 1);
  EXPECT_TRUE(InNamespace("3", "namespace2", n, n + 0.001));
  EXPECT_FALSE(InNamespace("3", "namespace2", 0, n));  // end is exclusive
  EXPECT_TRUE(InNamespace("3", "namespace2", 0, 0.4));
  EXPECT_FALSE(InNamespace("3", "namespace2", 0.4, 1));
}

// ---- QueryStringOverride ----

TEST(QueryStringOverride, Basics) {
  const char* k = "my-test";
  EXPECT_EQ(QueryStringOverride(k, "", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com?", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com?my-test=1", 2), 1);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com?my-test=1", 0), std::nullopt);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com?&&my-test=1", 2), 1);
  EXPECT_EQ(QueryStringOverride(k, "http://example.com? my-test=1", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride("", "http://example.com?=1", 2), 1);
  EXPECT_EQ(QueryStringOverride("\xC3\xA9", "http://example.com?\xC3\xA9=1", 2), 1);
}

TEST(QueryStringOverride, ParseIntSemantics) {
  auto q = [](const std::string& value, int n = 2) {
    return QueryStringOverride("my-test", "http://example.com?my-test=" + value, n);
  };
  EXPECT_EQ(q("2.054", 3), 2);  // leading integer only
  EXPECT_EQ(q("1abc"), 1);
  EXPECT_EQ(q("1e1", 20), 1);
  EXPECT_EQ(q("1=0"), 1);       // split("=", 2) keeps two pieces
  EXPECT_EQ(q(" 1"), 1);        // leading whitespace is skipped...
  EXPECT_EQ(q("\xC2\xA0" "1"), 1);      // ...including NBSP
  EXPECT_EQ(q("\xE2\x80\xA8" "1"), 1);  // ...and U+2028
  EXPECT_EQ(q("+1"), 1);
  EXPECT_EQ(q("0x1"), 1);       // no radix given: "0x" means hexadecimal
  EXPECT_EQ(q("0X1"), 1);
  EXPECT_EQ(q("0x10", 17), 16);
  EXPECT_EQ(q("0x"), std::nullopt);
  EXPECT_EQ(q("-0x1"), std::nullopt);
  EXPECT_EQ(q("-1"), std::nullopt);
  EXPECT_EQ(q("-0"), 0);        // -0 >= 0 holds in JavaScript
  EXPECT_EQ(q(""), std::nullopt);
  EXPECT_EQ(q("foo"), std::nullopt);
  EXPECT_EQ(q("99999999999999999999"), std::nullopt);
  EXPECT_EQ(q("99999999999999999999", std::numeric_limits<int>::max()), std::nullopt);
  EXPECT_EQ(q("2147483646", std::numeric_limits<int>::max()), 2147483646);
  EXPECT_EQ(QueryStringOverride("my-test", "http://example.com?my-test", 2), std::nullopt);
}

TEST(QueryStringOverride, FirstMatchingKeyDecides) {
  EXPECT_EQ(QueryStringOverride("my-test", "http://x?my-test=foo&my-test=1", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride("my-test", "http://x?my-test=1&my-test=0", 2), 1);
}

TEST(QueryStringOverride, FragmentsAndQuestionMarks) {
  const char* k = "my-test";
  EXPECT_EQ(QueryStringOverride(k, "http://x?my-test=1#foo", 2), 1);
  EXPECT_EQ(QueryStringOverride(k, "http://x?a=b#&my-test=1", 2), std::nullopt);
  // The SDK splits on "?" before looking at "#", so a "?" inside the
  // fragment still starts the query.
  EXPECT_EQ(QueryStringOverride(k, "http://x#frag?my-test=1", 2), 1);
  // Only the text up to a second "?" counts.
  EXPECT_EQ(QueryStringOverride(k, "http://x?a=1?my-test=1", 2), std::nullopt);
  EXPECT_EQ(QueryStringOverride(k, "http://x??&&&?#", 2), std::nullopt);
  // /#.*/ stops at a line terminator: what follows it survives.
  EXPECT_EQ(QueryStringOverride(k, "http://x?a=1#x\n&my-test=1", 2), 1);
  EXPECT_EQ(QueryStringOverride(k, "http://x?a=1#x\xE2\x80\xA8&my-test=1", 2), 1);
  // Only the first "#" is cut (no /g): the second stays in the value,
  // where parseInt stops at it.
  EXPECT_EQ(QueryStringOverride(k, "http://x?a=1#x\r&my-test=1#y\n", 2), 1);
}

}  // namespace
}  // namespace leadseg
