// The bucketing sections of GrowthBook's cases.json: hash, getBucketRange,
// chooseVariation, inNamespace, getEqualWeights and getQueryStringOverride.
//
// Comparisons follow the upstream Jest runner (packages/sdk-js/test/
// json.test.ts): getBucketRange and getEqualWeights truncate every number
// on both sides with floor(x * 1e8) / 1e8 first, the others compare as they
// are. Numbers compare like Jest's toEqual, i.e. Object.is: NaN equals NaN,
// 0 differs from -0.
//
// Case titles are the Jest titles ("hash[3] hash(`ef`, `d`, 1)",
// "getBucketRange[1] reduced coverage") so a failure can be looked up in
// either runner. A case whose elements have the wrong types counts as a
// failure ("malformed case"); a section missing from the file is skipped.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/conformance.h"
#include "core/js.h"
#include "decisions/bucketing.h"

namespace leadseg {
namespace {

// Bounds the variation counts accepted from the file, so that a hostile
// count cannot make EqualWeights allocate gigabytes.
constexpr int64_t kMaxVariations = 1 << 20;

// ---- Reading case elements (never through a throwing nlohmann accessor) ----

std::optional<std::string_view> AsString(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  return std::string_view(j.get_ref<const std::string&>());
}

std::optional<double> AsNumber(const Json& j) {
  if (!j.is_number()) return std::nullopt;
  return j.get<double>();
}

// An integer-valued number with |n| <= kMaxVariations.
std::optional<int> AsSmallInt(const Json& j) {
  std::optional<double> d = AsNumber(j);
  if (!d || !(std::fabs(*d) <= static_cast<double>(kMaxVariations)) || std::trunc(*d) != *d) {
    return std::nullopt;
  }
  return static_cast<int>(*d);
}

// hashVersion as the SDK compares it (`version === 2`): only the numbers 1
// and 2 mean anything, so everything else maps to 0, an unknown version.
int AsHashVersion(const Json& j) {
  std::optional<double> d = AsNumber(j);
  if (d && (*d == 1 || *d == 2)) return static_cast<int>(*d);
  return 0;
}

// [[start, end], ...]
std::optional<std::vector<BucketRange>> AsRanges(const Json& j) {
  if (!j.is_array()) return std::nullopt;
  std::vector<BucketRange> ranges;
  ranges.reserve(j.size());
  for (const Json& r : j) {
    if (!r.is_array() || r.size() != 2) return std::nullopt;
    std::optional<double> start = AsNumber(r[0]), end = AsNumber(r[1]);
    if (!start || !end) return std::nullopt;
    ranges.emplace_back(*start, *end);
  }
  return ranges;
}

std::optional<std::vector<double>> AsNumbers(const Json& j) {
  if (!j.is_array()) return std::nullopt;
  std::vector<double> out;
  out.reserve(j.size());
  for (const Json& x : j) {
    std::optional<double> d = AsNumber(x);
    if (!d) return std::nullopt;
    out.push_back(*d);
  }
  return out;
}

// Element i of a case array, or null when the case is shorter.
const Json& At(const Json& c, size_t i) {
  static const Json kNull;
  return c.is_array() && i < c.size() ? c[i] : kNull;
}

// ---- Comparing and printing ----

// Jest's toEqual on numbers is Object.is.
bool SameNumber(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

// The upstream runner's `round`, which truncates despite its name.
double Truncate8(double x) { return std::floor(x * 1e8) / 1e8; }

bool SameTruncated(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameNumber(Truncate8(a[i]), Truncate8(b[i]))) return false;
  }
  return true;
}

bool SameTruncated(const std::vector<BucketRange>& a, const std::vector<BucketRange>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameNumber(Truncate8(a[i].first), Truncate8(b[i].first)) ||
        !SameNumber(Truncate8(a[i].second), Truncate8(b[i].second))) {
      return false;
    }
  }
  return true;
}

std::string Show(double d) { return js::NumberToString(d); }

std::string Show(const std::optional<double>& d) { return d ? Show(*d) : "null"; }

std::string Show(const std::optional<int>& i) { return i ? std::to_string(*i) : "null"; }

std::string Show(bool b) { return b ? "true" : "false"; }

std::string Show(const std::vector<double>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ",";
    out += Show(v[i]);
  }
  return out + "]";
}

std::string Show(const std::vector<BucketRange>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ",";
    out += "[" + Show(v[i].first) + "," + Show(v[i].second) + "]";
  }
  return out + "]";
}

// ---- Section driver ----

// Runs `run(case, title) -> std::optional<std::string>` on every case of
// `section`; the callback returns the failure text ("got ..., expected
// ..."), or nullopt when the case passes. `title(case, index)` names it.
template <typename Title, typename Run>
SectionResult RunSection(const Json& cases, const char* section, Title title, Run run) {
  SectionResult result;
  result.name = section;
  auto it = cases.is_object() ? cases.find(section) : cases.end();
  if (it == cases.end() || !it->is_array()) {
    result.skipped = true;
    return result;
  }
  size_t index = 0;
  for (const Json& c : *it) {
    std::string name = std::string(section) + "[" + std::to_string(index) + "]";
    std::string suffix = title(c);
    if (!suffix.empty()) name += " " + suffix;
    std::optional<std::string> failure =
        c.is_array() ? run(c) : std::optional<std::string>("malformed case (not an array)");
    if (failure) {
      ++result.failed;
      result.failures.push_back(name + ": " + *failure);
    } else {
      ++result.passed;
    }
    ++index;
  }
  return result;
}

// The usual title: the case's leading name string.
std::string NameTitle(const Json& c) { return std::string(AsString(At(c, 0)).value_or("")); }

std::optional<std::string> Malformed(const char* layout) {
  return std::string("malformed case, expected ") + layout;
}

// ---- The sections ----

SectionResult RunHash(const Json& cases) {
  auto title = [](const Json& c) {
    std::string t = "hash(`";
    t += AsString(At(c, 0)).value_or("?");
    t += "`, `";
    t += AsString(At(c, 1)).value_or("?");
    t += "`, ";
    std::optional<double> v = AsNumber(At(c, 2));
    t += v ? Show(*v) : "?";
    return t + ")";
  };
  auto run = [](const Json& c) -> std::optional<std::string> {
    std::optional<std::string_view> seed = AsString(At(c, 0)), value = AsString(At(c, 1));
    const Json& expected_json = At(c, 3);
    if (!seed || !value || !(expected_json.is_number() || expected_json.is_null())) {
      return Malformed("[seed, value, hashVersion, number|null]");
    }
    std::optional<double> expected = AsNumber(expected_json);
    std::optional<double> got = GrowthBookHash(*seed, *value, AsHashVersion(At(c, 2)));
    bool same = got && expected ? SameNumber(*got, *expected) : !got && !expected;
    if (same) return std::nullopt;
    return "got " + Show(got) + ", expected " + Show(expected);
  };
  return RunSection(cases, "hash", title, run);
}

SectionResult RunGetBucketRange(const Json& cases) {
  auto run = [](const Json& c) -> std::optional<std::string> {
    const Json& args = At(c, 1);
    std::optional<int> num_variations = AsSmallInt(At(args, 0));
    const Json& coverage_json = At(args, 1);
    const Json& weights_json = At(args, 2);
    std::optional<std::vector<double>> weights = AsNumbers(weights_json);
    std::optional<std::vector<BucketRange>> expected = AsRanges(At(c, 2));
    if (!args.is_array() || !num_variations ||
        !(coverage_json.is_number() || coverage_json.is_null()) ||
        !(weights || weights_json.is_null()) || !expected) {
      return Malformed("[name, [numVariations, coverage, weights|null], [[start,end],...]]");
    }
    std::vector<BucketRange> got =
        BucketRanges(*num_variations, AsNumber(coverage_json), weights ? &*weights : nullptr);
    if (SameTruncated(got, *expected)) return std::nullopt;
    return "got " + Show(got) + ", expected " + Show(*expected);
  };
  return RunSection(cases, "getBucketRange", NameTitle, run);
}

SectionResult RunChooseVariation(const Json& cases) {
  auto run = [](const Json& c) -> std::optional<std::string> {
    std::optional<double> n = AsNumber(At(c, 1));
    std::optional<std::vector<BucketRange>> ranges = AsRanges(At(c, 2));
    std::optional<double> expected = AsNumber(At(c, 3));
    if (!n || !ranges || !expected) return Malformed("[name, n, [[start,end],...], index]");
    int got = ChooseVariation(*n, *ranges);
    if (SameNumber(got, *expected)) return std::nullopt;
    return "got " + std::to_string(got) + ", expected " + Show(*expected);
  };
  return RunSection(cases, "chooseVariation", NameTitle, run);
}

SectionResult RunInNamespace(const Json& cases) {
  auto run = [](const Json& c) -> std::optional<std::string> {
    std::optional<std::string_view> hash_value = AsString(At(c, 1));
    const Json& ns = At(c, 2);
    std::optional<std::string_view> id = AsString(At(ns, 0));
    std::optional<double> start = AsNumber(At(ns, 1)), end = AsNumber(At(ns, 2));
    const Json& expected = At(c, 3);
    if (!hash_value || !ns.is_array() || !id || !start || !end || !expected.is_boolean()) {
      return Malformed("[name, hashValue, [namespaceId, start, end], boolean]");
    }
    bool got = InNamespace(*hash_value, *id, *start, *end);
    if (got == expected.get<bool>()) return std::nullopt;
    return "got " + Show(got) + ", expected " + Show(expected.get<bool>());
  };
  return RunSection(cases, "inNamespace", NameTitle, run);
}

SectionResult RunGetEqualWeights(const Json& cases) {
  auto title = [](const Json& c) {
    std::optional<double> n = AsNumber(At(c, 0));
    return n ? Show(*n) : std::string();
  };
  auto run = [](const Json& c) -> std::optional<std::string> {
    std::optional<int> n = AsSmallInt(At(c, 0));
    std::optional<std::vector<double>> expected = AsNumbers(At(c, 1));
    if (!n || !expected) return Malformed("[n, [weights]]");
    std::vector<double> got = EqualWeights(*n);
    if (SameTruncated(got, *expected)) return std::nullopt;
    return "got " + Show(got) + ", expected " + Show(*expected);
  };
  return RunSection(cases, "getEqualWeights", title, run);
}

SectionResult RunGetQueryStringOverride(const Json& cases) {
  auto run = [](const Json& c) -> std::optional<std::string> {
    std::optional<std::string_view> key = AsString(At(c, 1)), url = AsString(At(c, 2));
    std::optional<int> num_variations = AsSmallInt(At(c, 3));
    const Json& expected_json = At(c, 4);
    if (!key || !url || !num_variations ||
        !(expected_json.is_number() || expected_json.is_null())) {
      return Malformed("[name, key, url, numVariations, index|null]");
    }
    std::optional<double> expected = AsNumber(expected_json);
    std::optional<int> got = QueryStringOverride(*key, *url, *num_variations);
    bool same = got && expected ? SameNumber(*got, *expected) : !got && !expected;
    if (same) return std::nullopt;
    return "got " + Show(got) + ", expected " + Show(expected);
  };
  return RunSection(cases, "getQueryStringOverride", NameTitle, run);
}

}  // namespace

std::vector<SectionResult> RunGrowthBookBucketingSections(const Json& cases) {
  std::vector<SectionResult> sections;
  sections.push_back(RunHash(cases));
  sections.push_back(RunGetBucketRange(cases));
  sections.push_back(RunChooseVariation(cases));
  sections.push_back(RunInNamespace(cases));
  sections.push_back(RunGetEqualWeights(cases));
  sections.push_back(RunGetQueryStringOverride(cases));
  return sections;
}

}  // namespace leadseg
