// SegmentProgram against Condition::Evaluate: the same answer for every
// condition, profile and evaluation order (segments/segment_program.h).
#include "segments/segment_program.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "config/config.h"
#include "leadseg/compiled_config.h"
#include "core/value.h"
#include "leadseg/compiler.h"
#include "test_data.h"

namespace leadseg {
namespace {

// Random conditions and profiles over one small vocabulary, so that
// operands and values meet often: equal strings, numbers on both sides of
// thresholds, strings that read as numbers, arrays, objects, missing.
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Int(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool Chance(int percent) { return Int(100) < percent; }

  Json String() {
    static const char* const kStrings[] = {"US", "DE", "us", "", "30", "30.0", " 30", "0", "-0", "Infinity",
                                           "NaN", "true", "null", "abc", "/pricing", "/pricing/plans",
                                           "/docs/api", "/Docs/", "1.2.3", "v2.0.0", "a,b", "\xC3\xA9t\xC3\xA9"};
    return Json(kStrings[Int(sizeof kStrings / sizeof *kStrings)]);
  }
  Json Number() {
    static const double kNumbers[] = {0, -0.0, 1, 2, 2.5, 30, -1, 100, 1e9, 0.1, -1e-300, 1.7976931348623157e308};
    return Json(kNumbers[Int(sizeof kNumbers / sizeof *kNumbers)]);
  }
  Json Scalar() {
    switch (Int(6)) {
      case 0:
      case 1: return String();
      case 2:
      case 3: return Number();
      case 4: return Json(Chance(50));
      default: return Json(nullptr);
    }
  }
  Json Array(int depth) {
    Json a = Json::array();
    int n = Int(4);
    for (int i = 0; i < n; ++i) a.push_back(depth > 0 && Chance(15) ? Object(depth - 1) : Scalar());
    return a;
  }
  Json Object(int depth) {
    Json o = Json::object();
    static const char* const kKeys[] = {"x", "y", "size"};
    int n = Int(3);
    for (int i = 0; i < n; ++i) o[kKeys[Int(3)]] = depth > 0 && Chance(30) ? Array(depth - 1) : Scalar();
    return o;
  }
  Json AnyValue(int depth) {
    int k = Int(10);
    if (k < 6) return Scalar();
    if (k < 8) return Array(depth);
    return Object(depth);
  }
  Json Attribute() {
    static const char* const kAttributes[] = {"s", "n", "b", "arr", "obj", "any", "t",
                                              "obj.x", "arr.0", "arr.length", "missing"};
    return Json(kAttributes[Int(sizeof kAttributes / sizeof *kAttributes)]);
  }

  // A value condition: a literal or an operator object.
  Json ValueCondition(int depth) {
    if (Chance(25)) return Chance(85) ? Scalar() : AnyValue(1);
    Json ops = Json::object();
    int n = 1 + (Chance(30) ? 1 : 0) + (Chance(10) ? 1 : 0);
    for (int i = 0; i < n; ++i) AddOperator(&ops, depth);
    return ops;
  }

  void AddOperator(Json* ops, int depth) {
    auto list = [&]() {
      Json a = Json::array();
      int n = Int(5);
      for (int i = 0; i < n; ++i) a.push_back(Chance(80) ? (Chance(60) ? String() : Number()) : Scalar());
      return a;
    };
    switch (Int(depth > 0 ? 22 : 17)) {
      case 0: (*ops)["$eq"] = Scalar(); break;
      case 1: (*ops)["$ne"] = Scalar(); break;
      case 2: (*ops)["$lt"] = Chance(80) ? Number() : Scalar(); break;
      case 3: (*ops)["$lte"] = Chance(80) ? Number() : Scalar(); break;
      case 4: (*ops)["$gt"] = Chance(80) ? Number() : Scalar(); break;
      case 5: (*ops)["$gte"] = Chance(80) ? Number() : Scalar(); break;
      case 6: (*ops)["$in"] = Chance(95) ? list() : Scalar(); break;
      case 7: (*ops)["$nin"] = Chance(95) ? list() : Scalar(); break;
      case 8: (*ops)["$exists"] = Chance(50); break;
      case 9: (*ops)[Chance(50) ? "$ini" : "$nini"] = list(); break;
      case 10: {
        static const char* const kPatterns[] = {"^/pricing", "^/docs/", "^/(pricing|signup)", "^/blog/\\d{4}/",
                                                "pricing", "^$", "^", "^3", "^US$", "^/Docs", "[?&]plan=",
                                                "^\xC3\xA9", "^a|b", "^(?:abc)"};
        (*ops)[Chance(80) ? "$regex" : "$regexi"] = kPatterns[Int(sizeof kPatterns / sizeof *kPatterns)];
        break;
      }
      case 11: {
        static const char* const kTypes[] = {"string", "number", "boolean", "null", "array", "object"};
        (*ops)["$type"] = kTypes[Int(6)];
        break;
      }
      case 12: (*ops)["$size"] = Chance(70) ? Json(Int(3)) : ValueCondition(0); break;
      case 13: (*ops)[Chance(50) ? "$all" : "$alli"] = list(); break;
      case 14: {
        static const char* const kVersion[] = {"$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte"};
        (*ops)[kVersion[Int(6)]] = Chance(50) ? Json("1.2.3") : Json("2.0.0");
        break;
      }
      case 15: (*ops)["$inGroup"] = Chance(80) ? "group" : "nope"; break;
      case 16: (*ops)["$notInGroup"] = "group"; break;
      case 17:
      case 18: (*ops)["$not"] = ValueCondition(depth - 1); break;
      case 19: (*ops)["$elemMatch"] = ValueCondition(depth - 1).is_object() && Chance(50)
                                          ? ValueCondition(depth - 1)
                                          : Condition(depth - 1);
        break;
      default: (*ops)["$elemMatch"] = Condition(depth - 1); break;
    }
    if (!ops->is_object() || ops->empty()) (*ops)["$exists"] = true;
  }

  Json Condition(int depth) {
    Json c = Json::object();
    int n = Int(4);
    for (int i = 0; i < n; ++i) {
      int k = Int(depth > 0 ? 10 : 6);
      if (k < 6) {
        c[Attribute().get<std::string>()] = ValueCondition(depth);
      } else if (k < 9) {
        static const char* const kLogic[] = {"$and", "$or", "$nor"};
        Json parts = Json::array();
        int m = Int(4);
        for (int j = 0; j < m; ++j) parts.push_back(Condition(depth - 1));
        c[kLogic[Int(3)]] = parts;
      } else {
        c["$not"] = Condition(depth - 1);
      }
    }
    return c;
  }

  Json Profile() {
    Json p = Json::object();
    auto maybe = [&](const char* name, Json v) {
      if (!Chance(12)) p[name] = std::move(v);
    };
    maybe("s", Chance(85) ? String() : Scalar());
    maybe("n", Chance(85) ? Number() : Scalar());
    maybe("b", Chance(85) ? Json(Chance(50)) : Scalar());
    maybe("arr", Chance(85) ? Array(1) : AnyValue(1));
    maybe("obj", Chance(85) ? Object(1) : AnyValue(1));
    maybe("any", AnyValue(2));
    maybe("t", AnyValue(1));
    return p;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

// Every condition of `conditions` through the program (in a shuffled order,
// with some attributes volatile) and through Evaluate, on `profiles`.
int Compare(const std::vector<Json>& conditions, const std::vector<Json>& profiles, bool strict, Generator* gen,
            std::string* first_failure) {
  AttributeSchema schema;
  Json groups = {{"group", {"US", 30, "abc"}}};
  ConditionOptions options;
  options.strict = strict;
  options.saved_groups = &groups;
  std::vector<leadseg::Condition> compiled;
  std::vector<Json> sources;
  for (const Json& c : conditions) {
    auto r = leadseg::Condition::Compile(c, &schema, options);
    if (!r.ok()) continue;  // strict mode rejects some: that is Compile's business
    compiled.push_back(std::move(r).value());
    sources.push_back(c);
  }
  std::vector<const leadseg::Condition*> pointers;
  for (const auto& c : compiled) pointers.push_back(&c);
  std::vector<int> volatile_attrs;
  for (size_t attr = 0; attr < schema.size(); ++attr) {
    if (gen->Chance(15)) volatile_attrs.push_back(static_cast<int>(attr));
  }
  SegmentProgram built = SegmentProgram::Build(pointers, volatile_attrs);
  // Every comparison runs on the program as a compiled config stores it:
  // built, encoded, decoded (segment_program_codec.cc). Encoding it again
  // gives the same bytes, and the decoded program must give Evaluate's
  // answers like the built one.
  std::string bytes;
  built.Encode(&bytes);
  SegmentProgram program;
  std::string_view in = bytes;
  if (!SegmentProgram::Decode(&in, pointers, schema.size(), &program) || !in.empty()) {
    *first_failure = "the built program does not decode";
    return 0;
  }
  std::string again;
  program.Encode(&again);
  if (again != bytes) {
    *first_failure = "the decoded program encodes to other bytes";
    return 0;
  }
  if (program.leaf_count() != built.leaf_count()) *first_failure = "the decoded program has other leaves";
  SegmentProgram::State state, built_state;
  Document doc;
  AttributeSet attributes(&schema);
  std::vector<size_t> order(compiled.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<uint64_t> words(SegmentProgram::WordsFor(compiled.size()) + 1);
  int cases = 0;
  for (size_t k = 0; k < profiles.size(); ++k) {
    doc.Clear();
    attributes.Clear();
    attributes.SetFromObject(doc.Add(profiles[k]));
    // NaN and infinities, which JSON cannot carry.
    if (gen->Chance(10)) {
      int attr = schema.Find("n");
      static const double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()};
      if (attr >= 0) attributes.Set(attr, Value::Number(kSpecial[gen->Int(3)]));
    }
    std::shuffle(order.begin(), order.end(), gen->rng());
    program.Begin(attributes, &state);
    built.Begin(attributes, &built_state);
    for (size_t i : order) {
      bool want = compiled[i].Evaluate(attributes);
      bool got = program.Holds(i, attributes, &state);
      ++cases;
      if (want != got && first_failure->empty()) {
        *first_failure = "condition " + sources[i].dump() + " on " + profiles[k].dump() + ": Evaluate " +
                         (want ? "true" : "false") + ", SegmentProgram " + (got ? "true" : "false");
      }
      if (built.Holds(i, attributes, &built_state) != want && first_failure->empty()) {
        *first_failure = "built program: condition " + sources[i].dump() + " on " + profiles[k].dump();
      }
    }
    program.EvaluateAll(attributes, &state, words.data());
    for (size_t i = 0; i < compiled.size(); ++i) {
      bool got = (words[i / 64] >> (i % 64)) & 1;
      if (got != compiled[i].Evaluate(attributes) && first_failure->empty()) {
        *first_failure = "EvaluateAll: condition " + sources[i].dump() + " on " + profiles[k].dump();
      }
    }
  }
  return cases;
}

TEST(SegmentProgram, AgreesWithEvaluateOnRandomConditionsAndProfiles) {
  Generator gen(20261203);
  int cases = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<Json> conditions, profiles;
    int n = 1 + gen.Int(40);
    for (int i = 0; i < n; ++i) conditions.push_back(gen.Condition(2));
    for (int i = 0; i < 20; ++i) profiles.push_back(gen.Profile());
    std::string failure;
    cases += Compare(conditions, profiles, /*strict=*/round % 4 == 0, &gen, &failure);
    ASSERT_TRUE(failure.empty()) << "round " << round << ": " << failure;
  }
  EXPECT_GT(cases, 50000);
}

// Many leaves on one attribute: more than a 64-bit word of them.
TEST(SegmentProgram, AgreesWhenAnAttributeHasManyLeaves) {
  Generator gen(7);
  std::vector<Json> conditions, profiles;
  for (int i = 0; i < 150; ++i) {
    Json ops = Json::object();
    gen.AddOperator(&ops, 1);
    conditions.push_back({{i % 2 ? "s" : "n", ops}});
  }
  for (int i = 0; i < 200; ++i) profiles.push_back(gen.Profile());
  std::string failure;
  Compare(conditions, profiles, false, &gen, &failure);
  EXPECT_TRUE(failure.empty()) << failure;
}

TEST(SegmentProgram, EmptyLogicalListsKeepGrowthBookMeaning) {
  std::vector<Json> conditions = {Json::parse(R"({"$and": []})"), Json::parse(R"({"$or": []})"),
                                  Json::parse(R"({"$nor": []})"), Json::parse(R"({})"),
                                  Json::parse(R"({"$not": {"$or": []}})")};
  Generator gen(1);
  std::string failure;
  Compare(conditions, {Json::object()}, false, &gen, &failure);
  EXPECT_TRUE(failure.empty()) << failure;
}

// Conditions shaped like a config's segments (an $and of 1-6 comparisons,
// operator objects of several operators, a nested $or/$and/$nor/$not now
// and then, anchored regexes with alternations of literals) over attributes
// of every kind, more than 64 of them in some rounds: the plain $and/$or
// conditions that Begin's kill and hit bits decide, nested $and/$or that
// flatten into them, alternation prefix tests, and conditions spread over
// several words of kill/hit bits.
class SegmentLikeGenerator {
 public:
  explicit SegmentLikeGenerator(uint32_t seed) : gen_(seed) {}

  Generator& gen() { return gen_; }

  Json Path() {
    static const char* const kPaths[] = {"/a", "/b", "/ax", "/a1", "/x/y/", "/x/y", "/x/z/1", "", "/",
                                         "/pricing", "/pricingx", "/signup", "/Signup", "/de/x", "a"};
    return Json(kPaths[gen_.Int(sizeof kPaths / sizeof *kPaths)]);
  }
  Json Word() {
    static const char* const kWords[] = {"US", "DE", "CH", "mobile", "desktop", "api", "security", ""};
    return Json(kWords[gen_.Int(sizeof kWords / sizeof *kWords)]);
  }
  Json Number() {
    static const double kNumbers[] = {0, 1, 2, 3, 10, 50, 199.5, 200, 1000, -1};
    return Json(kNumbers[gen_.Int(sizeof kNumbers / sizeof *kNumbers)]);
  }

  // One comparison on one attribute: {"name": operand-or-operators}.
  void Comparison(Json* c) {
    switch (gen_.Int(6)) {
      case 0: {  // a number range: one to three operators
        static const char* const kOps[] = {"$gt", "$gte", "$lt", "$lte", "$eq", "$ne"};
        Json ops = Json::object();
        for (int i = 0, n = 1 + gen_.Int(3); i < n; ++i) ops[kOps[gen_.Int(6)]] = Number();
        (*c)[gen_.Chance(50) ? "n1" : "n2"] = ops;
        return;
      }
      case 1: {  // strings: a literal, $in, $nin, $ne
        Json list = Json::array();
        for (int i = 0, n = gen_.Int(4); i < n; ++i) list.push_back(Word());
        const char* name = gen_.Chance(50) ? "s1" : "s2";
        switch (gen_.Int(4)) {
          case 0: (*c)[name] = Word(); return;
          case 1: (*c)[name] = {{"$in", list}}; return;
          case 2: (*c)[name] = {{"$nin", list}}; return;
          default: (*c)[name] = {{"$ne", Word()}}; return;
        }
      }
      case 2: (*c)["b"] = gen_.Chance(50); return;
      case 3: {  // an anchored regex, often with an alternation of literals
        static const char* const kPatterns[] = {"^/(a|b)", "^/x/(y|z)/", "^(|/)a", "^/(pricing|signup)x",
                                                "^/(a|b)\\d", "^/(?:a|ax)$", "^/de/", "^/x/(y|z)", "^/(a|)",
                                                "^/(pricing|signup)", "^/(Pricing|signup)", "^/(a|b)|x"};
        (*c)["p"] = {{gen_.Chance(90) ? "$regex" : "$regexi", kPatterns[gen_.Int(sizeof kPatterns / sizeof *kPatterns)]}};
        return;
      }
      case 4: {  // arrays of strings
        Json list = Json::array();
        for (int i = 0, n = 1 + gen_.Int(3); i < n; ++i) list.push_back(Word());
        switch (gen_.Int(3)) {
          case 0: (*c)["arr"] = {{"$in", list}}; return;
          case 1: (*c)["arr"] = {{"$elemMatch", {{"$eq", Word()}}}}; return;
          default: (*c)["arr"] = {{"$nin", list}}; return;
        }
      }
      default: (*c)["p"] = gen_.Chance(50) ? Path() : Json{{"$exists", gen_.Chance(50)}}; return;
    }
  }

  Json Segment(int depth) {
    Json c = Json::object();
    for (int i = 0, n = 1 + gen_.Int(4); i < n; ++i) Comparison(&c);
    if (depth > 0 && gen_.Chance(35)) {
      static const char* const kLogic[] = {"$or", "$or", "$and", "$nor"};
      Json parts = Json::array();
      for (int i = 0, n = gen_.Int(4); i < n; ++i) parts.push_back(Segment(depth - 1));
      c[kLogic[gen_.Int(4)]] = parts;
    }
    if (depth > 0 && gen_.Chance(5)) c["$not"] = Segment(depth - 1);
    return gen_.Chance(15) ? Json{{"$or", Json::array({c, Segment(0)})}} : c;
  }

  // A two-level condition: an $and or $or of single comparisons and of
  // $or's / $and's of them (the clauses Begin decides with bits of their
  // own), now and then of the same kind (flattened) or three levels deep
  // (a comparison of several operators inside an $or: a program).
  Json TwoLevel() {
    auto one = [&]() {
      Json c = Json::object();
      Comparison(&c);
      return c;
    };
    Json parts = Json::array();
    for (int i = 0, n = 1 + gen_.Int(3); i < n; ++i) {
      if (gen_.Chance(40)) {
        parts.push_back(one());
        continue;
      }
      Json inner = Json::array();
      for (int j = 0, m = 1 + gen_.Int(3); j < m; ++j) inner.push_back(one());
      parts.push_back(Json{{gen_.Chance(50) ? "$or" : "$and", inner}});
    }
    return Json{{gen_.Chance(50) ? "$and" : "$or", parts}};
  }

  Json Profile() {
    Json p = Json::object();
    auto maybe = [&](const char* name, Json v) {
      if (!gen_.Chance(8)) p[name] = std::move(v);
    };
    maybe("n1", gen_.Chance(90) ? Number() : gen_.Scalar());
    maybe("n2", gen_.Chance(90) ? Number() : gen_.Scalar());
    maybe("s1", gen_.Chance(90) ? Word() : gen_.Scalar());
    maybe("s2", gen_.Chance(90) ? Word() : gen_.Scalar());
    maybe("b", gen_.Chance(90) ? Json(gen_.Chance(50)) : gen_.Scalar());
    maybe("p", gen_.Chance(90) ? Path() : gen_.Scalar());
    Json arr = Json::array();
    for (int i = 0, n = gen_.Int(4); i < n; ++i) arr.push_back(gen_.Chance(95) ? Word() : gen_.Scalar());
    maybe("arr", arr);
    return p;
  }

 private:
  Generator gen_;
};

TEST(SegmentProgram, AgreesWithEvaluateOnSegmentLikeConditions) {
  SegmentLikeGenerator gen(20261204);
  int cases = 0;
  for (int round = 0; round < 150; ++round) {
    std::vector<Json> conditions, profiles;
    const int n = round % 3 == 0 ? 65 + gen.gen().Int(100) : 1 + gen.gen().Int(40);
    for (int i = 0; i < n; ++i) conditions.push_back(gen.Segment(2));
    for (int i = 0; i < 20; ++i) profiles.push_back(gen.Profile());
    std::string failure;
    cases += Compare(conditions, profiles, /*strict=*/round % 2 == 0, &gen.gen(), &failure);
    ASSERT_TRUE(failure.empty()) << "round " << round << ": " << failure;
  }
  EXPECT_GT(cases, 50000);
}

// Two-level conditions: clauses decided from their leaves' bits, or left
// to the program when a leaf is pending (a regex past its prefix, a
// volatile attribute), over several words of conditions in some rounds.
TEST(SegmentProgram, AgreesWithEvaluateOnTwoLevelConditions) {
  SegmentLikeGenerator gen(20261205);
  int cases = 0;
  for (int round = 0; round < 150; ++round) {
    std::vector<Json> conditions, profiles;
    const int n = round % 3 == 0 ? 40 + gen.gen().Int(60) : 1 + gen.gen().Int(30);
    for (int i = 0; i < n; ++i) conditions.push_back(gen.TwoLevel());
    for (int i = 0; i < 20; ++i) profiles.push_back(gen.Profile());
    std::string failure;
    cases += Compare(conditions, profiles, /*strict=*/round % 2 == 0, &gen.gen(), &failure);
    ASSERT_TRUE(failure.empty()) << "round " << round << ": " << failure;
  }
  EXPECT_GT(cases, 50000);
}

// The benchmark workload through the config's program matches the ground
// truth, after a compile and after a compiled-config round trip.
TEST(SegmentProgram, WorkloadMembershipsMatchGroundTruth) {
  Json segments = testing::ReadJson(testing::SharedPath("bench-workload/segments.json"));
  std::string profiles_text = testing::ReadText(testing::SharedPath("bench-workload/profiles.jsonl"));
  std::string expected_text = testing::ReadText(testing::SharedPath("bench-workload/expected-membership.txt"));
  Diagnostics d;
  auto config = CompileConfig(Json{{"segments", segments}}, &d);
  ASSERT_TRUE(config) << d.Format();
  auto decoded = DecodeCompiledConfig(EncodeCompiledConfig(*config, d));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  std::istringstream profiles(profiles_text), expected(expected_text);
  std::string line, want;
  size_t rows = 0;
  for (const CompiledConfig* c : std::vector<const CompiledConfig*>{config.get(), decoded->config.get()}) {
    profiles.clear();
    profiles.seekg(0);
    expected.clear();
    expected.seekg(0);
    Document doc;
    AttributeSet attributes(&c->schema());
    std::vector<uint8_t> out;
    while (std::getline(profiles, line) && std::getline(expected, want)) {
      doc.Clear();
      attributes.Clear();
      attributes.SetFromObject(doc.Add(Json::parse(line)));
      c->EvaluateSegments(&attributes, &doc, &out);
      std::string got;
      for (uint8_t b : out) got.push_back(b ? '1' : '0');
      ASSERT_EQ(got, want) << "profile " << rows;
      ++rows;
    }
  }
  EXPECT_EQ(rows, 20000u);
}

}  // namespace
}  // namespace leadseg
