// Explicit attributes and declarations kept as value frames: identify and
// declare on frames take exactly the paths, limits and messages they had on
// parsed JSON, and the size limits count the JSON text the values would be.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/value_checks.h"
#include "core/value_codec.h"
#include "decisions/decision_state.h"
#include "leadseg/engine.h"
#include "profile/snapshot.h"
#include "profile/snapshot_v1.h"
#include "profile/stored_value.h"
#include "test_data.h"
#include "test_config.h"
#include "test_frames.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::Frame;
using testing::kT0;

const char* kConfig = R"({
  "metrics": [{"id": "views", "aggregate": "count", "where": {"type": "page_view"}}],
  "segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "big", "condition": {"company.size": {"$gte": 100}}},
    {"id": "security_fan", "condition": {"declared.interests": {"$in": ["security"]}}}
  ]
})";

std::string Nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "[";
  s += "1";
  for (int i = 0; i < depth; ++i) s += "]";
  return s;
}

TEST(ProfileValues, JsonTextSizeIsTheLengthOfTheDump) {
  const char* samples[] = {
      "null", "true", "false", "0", "-1", "42", "9007199254740993", "12345678901234567", "-9000000000000000000",
      "18000000000000000000", "1e300", "0.1", "-2.5e-7", "3.0000000000000004", "1.7976931348623157e308",
      R"("")", R"("plain")", R"("say \"hi\"\n\t\\ \u0001\u001f\b\f\r")", R"("Zürich 日本 🚀")", "[]", "{}",
      R"([1, "two", null, true, {"a": [[]]}])", R"({"b": {"c": [1.5, -0.0, 1e21]}, "a\n": "x", "": 0})"};
  for (const char* text : samples) {
    Document doc;
    Value v = doc.Add(Json::parse(text));
    EXPECT_EQ(JsonTextSize(v), v.ToJson().dump().size()) << text;
  }
}

// kMaxNumberJsonBytes bounds every finite number's JSON text, and is
// reached: extremes of each form the dump takes (fixed, fraction, leading
// zeros, exponent) and a sweep of bit patterns.
TEST(ProfileValues, NoNumbersJsonTextIsLongerThanItsBound) {
  EXPECT_EQ(JsonTextSize(Value::Number(-2.2250738585072014e-308)), kMaxNumberJsonBytes);
  for (const double d : {-1.7976931348623157e308, -4.9406564584124654e-324, -0.00012345678901234567,
                         -123456789012345.67, -9.2233720368547758e18, -1.8446744073709552e19, -1e21, 0.1}) {
    EXPECT_LE(JsonTextSize(Value::Number(d)), kMaxNumberJsonBytes) << d;
  }
  uint64_t bits = 0x9E3779B97F4A7C15;
  for (int i = 0; i < 100000; ++i) {
    bits ^= bits << 13, bits ^= bits >> 7, bits ^= bits << 17;
    double d;
    std::memcpy(&d, &bits, 8);
    if (!std::isfinite(d)) continue;
    ASSERT_LE(JsonTextSize(Value::Number(d)), kMaxNumberJsonBytes) << d;
  }
}

// AssignFrame overwrites a frame in place when it fits, short ones as
// overlapping words: every byte of every size lands, whether the frame
// grows, shrinks or keeps its size, and the frame is what was given last.
TEST(ProfileValues, AssignFrameCopiesEveryByteOfEachSize) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string bytes;
    for (size_t i = 0; i < n; ++i) bytes += static_cast<char>('A' + i);
    StoredValue stored;
    stored.AssignFrame(std::string(n, '.'), 0);
    stored.AssignFrame(bytes, n + 7);
    EXPECT_EQ(std::string_view(stored.frame), bytes) << n;
    EXPECT_EQ(stored.json_bytes, n + 7) << n;
    stored.AssignFrame(bytes.substr(0, n / 2), 1);  // shorter: in place
    EXPECT_EQ(std::string_view(stored.frame), bytes.substr(0, n / 2)) << n;
    stored.AssignFrame(bytes, 2);  // back to the longer one, in place
    EXPECT_EQ(std::string_view(stored.frame), bytes) << n;
    const std::string longer = bytes + bytes + "!";
    stored.AssignFrame(longer, 3);  // longer than the buffer: a new one
    EXPECT_EQ(std::string_view(stored.frame), longer) << n;
    StoredValue copy = stored, moved = std::move(copy);
    EXPECT_EQ(std::string_view(moved.frame), longer) << n;
    copy.AssignFrame(bytes, 4);  // a moved-from frame takes a value again
    EXPECT_EQ(std::string_view(copy.frame), bytes) << n;
  }
}

TEST(ProfileValues, IdentifyAndDeclareFramesStoreWhatJsonStores) {
  auto compiled = Compile(kConfig);
  Engine a(compiled), b(compiled);
  const std::string traits[] = {
      R"({"job_title": "CTO", "company": {"size": 250, "name": "Acme \"A\""}, "hint": 0.30000000000000004})",
      R"({"city": "Zürich 日本", "big": 12345678901234568, "tags": ["a", null, true, {"x": []}]})",
      R"({"job_title": null, "missing": null, "company": {"size": 5}})"};
  for (const auto& t : traits) {
    auto x = a.Identify(Json::parse(t), kT0);
    auto y = b.IdentifyFrame(Frame(t), kT0);
    ASSERT_TRUE(x.ok() && y.ok()) << y.status().message();
    EXPECT_EQ(x->entered, y->entered);
    EXPECT_EQ(x->exited, y->exited);
  }
  ASSERT_TRUE(a.Declare("interests", Json::parse(R"(["security"])"), kT0).ok());
  ASSERT_TRUE(b.DeclareFrame("interests", Frame(R"(["security"])"), kT0).ok());
  EXPECT_EQ(a.Segments(), (std::vector<std::string>{"security_fan"}));
  EXPECT_EQ(a.Segments(), b.Segments());
  EXPECT_EQ(a.Export(), b.Export());
  EXPECT_EQ(a.AttributeView(), b.AttributeView());
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
  // Snapshots (format 2) keep attributes as the frames the profile holds,
  // in the order first identified, and no JSON text.
  EXPECT_EQ(a.Snapshot()[4], 2);
  EXPECT_EQ(a.Snapshot().find(R"("size":5)"), std::string::npos);
  EXPECT_NE(a.Snapshot().find(Frame(R"({"size":5})")), std::string::npos);
  Engine c(compiled);
  ASSERT_TRUE(c.Restore(a.Snapshot()).ok());
  EXPECT_EQ(c.Snapshot(), a.Snapshot());
  EXPECT_EQ(c.Export(), a.Export());
}

// identify merges like a parsed JSON object: a name repeated in the traits
// counts once, at its first position with its last value; a stored name
// keeps its position, a new one is appended, null removes. Random traits
// (repeated names included, which only a frame or JSON text can carry)
// against that model, written out here the plain way.
TEST(ProfileValues, IdentifyMergesAsAJsonObjectWould) {
  auto compiled = Compile(kConfig);
  Engine engine(compiled);
  std::vector<std::pair<std::string, int>> model;  // name -> value, in order
  const char* names[] = {"a", "b", "c", "d", "job_title", "e"};
  uint32_t seed = 12345;
  auto next = [&seed](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (int step = 0; step < 400; ++step) {
    const uint32_t count = next(7);
    Document doc;
    Value* members = doc.AllocateChildren(2 * count);
    std::vector<std::pair<std::string, int>> traits;  // -1: null
    for (uint32_t i = 0; i < count; ++i) {
      const std::string name = names[next(6)];
      const int value = next(4) == 0 ? -1 : static_cast<int>(next(100));
      traits.emplace_back(name, value);
      members[2 * i] = doc.CopyString(name);
      members[2 * i + 1] = value < 0 ? Value::Null() : Value::Number(value);
    }
    // The model: the traits as one object (first position, last value),
    // then merged into the stored attributes.
    std::vector<std::pair<std::string, int>> object;
    for (const auto& [name, value] : traits) {
      auto it = std::find_if(object.begin(), object.end(), [&](const auto& m) { return m.first == name; });
      if (it == object.end()) object.emplace_back(name, value);
      else it->second = value;
    }
    for (const auto& [name, value] : object) {
      auto it = std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == name; });
      if (value < 0) {
        if (it != model.end()) model.erase(it);
      } else if (it != model.end()) {
        it->second = value;
      } else {
        model.emplace_back(name, value);
      }
    }
    std::string frame;
    EncodeValue(Document::MakeObject(members, count), &frame);
    ASSERT_TRUE(engine.IdentifyFrame(frame, kT0 + step).ok()) << "step " << step;
    Json expected = Json::object();
    for (const auto& [name, value] : model) expected[name] = value;
    ASSERT_EQ(engine.Export()["attributes"].dump(), expected.dump()) << "step " << step;
  }
}

// identify re-reads only the attributes whose bytes changed and re-runs
// only the segments that read them; a value sent again unchanged is
// neither. After each random step the segments, the attribute view and
// the export are those of a new engine given the merged attributes at
// once (which evaluates everything), whatever mix of changed, unchanged,
// added and removed attributes and declarations the step had.
TEST(ProfileValues, IdentifyReevaluatesExactlyWhatChanged) {
  auto compiled = Compile(R"({
    "segments": [
      {"id": "a_high", "condition": {"a": {"$gte": 2}}},
      {"id": "b_low_c_set", "condition": {"b": {"$lt": 2}, "c": {"$exists": true}}},
      {"id": "tags_x", "condition": {"tags": {"$in": ["x"]}}},
      {"id": "name_cto", "condition": {"name": "CTO"}},
      {"id": "nested", "condition": {"obj.n": {"$gt": 1}}},
      {"id": "declared", "condition": {"declared.topic": "security"}},
      {"id": "any", "condition": {"$or": [{"a": 0}, {"tags": {"$size": 0}}, {"name": {"$exists": false}}]}}
    ]
  })");
  Engine engine(compiled);
  std::vector<std::pair<std::string, std::string>> model;  // name -> JSON text, in order
  uint32_t seed = 777;
  auto next = [&seed](uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  auto random_value = [&](const std::string& name) -> std::string {
    if (next(6) == 0) return "null";
    const int k = static_cast<int>(next(4));
    if (name == "tags") return k == 0 ? "[]" : k == 1 ? R"(["x"])" : k == 2 ? R"(["y", "x"])" : R"(["y"])";
    if (name == "name") return k == 0 ? R"("CTO")" : k == 1 ? R"("CEO")" : k == 2 ? "1" : R"("")";
    if (name == "obj") return k == 0 ? R"({"n": 2})" : k == 1 ? R"({"n": 0})" : k == 2 ? "{}" : R"({"n": 2, "m": [1]})";
    return std::to_string(k);
  };
  const char* names[] = {"a", "b", "c", "tags", "name", "obj", "unread"};
  for (int step = 0; step < 300; ++step) {
    if (next(10) == 0) {
      const std::string topic = next(2) ? R"("security")" : "null";
      ASSERT_TRUE(engine.Declare("topic", Json::parse(topic), kT0 + step).ok());
    }
    // Mostly the same names in the same order with some values unchanged,
    // as a page's identify calls go; sometimes a random subset.
    Json traits = Json::object();
    const bool all = next(3) != 0;
    for (const char* name : names) {
      if (!all && next(2) == 0) continue;
      traits[name] = Json::parse(next(3) == 0 ? random_value(name) : [&] {
        auto it = std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == name; });
        return it == model.end() ? std::string("null") : it->second;
      }());
    }
    for (const auto& [name, value] : traits.items()) {
      auto it = std::find_if(model.begin(), model.end(), [&](const auto& m) { return m.first == name; });
      if (value.is_null()) {
        if (it != model.end()) model.erase(it);
      } else if (it != model.end()) {
        it->second = value.dump();
      } else {
        model.emplace_back(name, value.dump());
      }
    }
    ASSERT_TRUE(engine.IdentifyFrame(Frame(traits.dump()), kT0 + step).ok()) << "step " << step;

    Engine fresh(compiled);
    Json merged = Json::object();
    for (const auto& [name, value] : model) merged[name] = Json::parse(value);
    ASSERT_TRUE(fresh.Identify(merged, kT0 + step).ok());
    if (engine.profile().declarations.count("topic")) {
      ASSERT_TRUE(fresh.Declare("topic", Json::parse(R"("security")"), kT0 + step).ok());
    }
    ASSERT_EQ(engine.Segments(), fresh.Segments()) << "step " << step << ": " << traits.dump();
    ASSERT_EQ(engine.AttributeView().dump(), fresh.AttributeView().dump()) << "step " << step;
    ASSERT_EQ(engine.Export()["attributes"].dump(), merged.dump()) << "step " << step;
  }
}

TEST(ProfileValues, FramesAreRefusedAsJsonWasWithTheSameMessagesAndNothingChanges) {
  auto compiled = Compile(kConfig);
  Engine a(compiled), b(compiled);
  ASSERT_TRUE(a.Identify(Json::parse(R"({"job_title": "CTO"})"), kT0).ok());
  ASSERT_TRUE(b.IdentifyFrame(Frame(R"({"job_title": "CTO"})"), kT0).ok());
  const std::string before = b.Snapshot();
  const std::string bad_traits[] = {
      R"(["x"])", R"("CTO")", R"({"": 1})", R"({"views": 3})", R"({"segments": []})",
      R"({"deep": )" + Nested(128) + "}",
      R"({"views": 2, "": 1})",  // the first error in the object's order
      R"({"big": ")" + std::string(256 * 1024, 'x') + R"("})"};
  for (const auto& t : bad_traits) {
    auto x = a.Identify(Json::parse(t), kT0);
    auto y = b.IdentifyFrame(Frame(t), kT0);
    ASSERT_EQ(x.ok(), y.ok()) << t.substr(0, 60);
    if (x.ok()) {
      EXPECT_EQ(a.Snapshot(), b.Snapshot());
      continue;
    }
    EXPECT_EQ(x.status().message(), y.status().message());
    EXPECT_EQ(x.status().path(), y.status().path());
    EXPECT_EQ(x.status().code(), y.status().code());
  }
  Engine c(compiled);
  ASSERT_TRUE(c.IdentifyFrame(Frame(R"({"job_title": "CTO"})"), kT0).ok());
  const std::string clean = c.Snapshot();
  for (const auto& t : bad_traits) {
    if (c.IdentifyFrame(Frame(t), kT0).ok()) continue;
    EXPECT_EQ(c.Snapshot(), clean) << t.substr(0, 60);
  }
  const std::pair<std::string, std::string> bad_declarations[] = {
      {"", "1"}, {std::string(129, 'k'), "1"}, {"deep", Nested(129)}, {"big", "\"" + std::string(64 * 1024, 'x') + "\""}};
  for (const auto& [key, value] : bad_declarations) {
    auto x = a.Declare(key, Json::parse(value), kT0);
    auto y = c.DeclareFrame(key, Frame(value), kT0);
    ASSERT_FALSE(y.ok()) << key;
    ASSERT_FALSE(x.ok()) << key;
    EXPECT_EQ(x.status().message(), y.status().message());
    EXPECT_EQ(c.Snapshot(), clean);
  }
  EXPECT_EQ(b.Snapshot(), before);
  // As deep as JSON input allowed is stored, by either path.
  const std::string deepest = R"({"ok": 1, "deep": )" + Nested(127) + "}";
  ASSERT_TRUE(a.Identify(Json::parse(deepest), kT0).ok());
  ASSERT_TRUE(b.IdentifyFrame(Frame(deepest), kT0).ok());
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
  // Malformed frames are refused, never read past.
  EXPECT_EQ(c.IdentifyFrame(std::string("\x06\x05\x00", 3), kT0).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(c.Snapshot(), clean);
}

TEST(ProfileValues, TheAttributeLimitCountsJsonTextBytesExactly) {
  auto compiled = Compile(kConfig);
  // {"a":"x...x","n":1.5,"q":"\n"}: the escape and the number count as
  // JSON writes them.
  const std::string other = R"(,"n":1.5,"q":"\n"})";
  const size_t fixed = std::string(R"({"a":"")").size() + other.size();
  for (size_t total : {kMaxAttributesBytes, kMaxAttributesBytes + 1}) {
    const std::string text = R"({"a":")" + std::string(total - fixed, 'x') + "\"" + other;
    ASSERT_EQ(Json::parse(text).dump().size(), total);
    Engine e(compiled);
    auto r = e.IdentifyFrame(Frame(text), kT0);
    EXPECT_EQ(r.ok(), total <= kMaxAttributesBytes) << total;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message(), "attributes would exceed 256 KB");
    }
  }
  // Merged with what is stored: replacing an attribute frees its bytes.
  Engine e(compiled);
  ASSERT_TRUE(e.IdentifyFrame(Frame(R"({"a": ")" + std::string(200 * 1024, 'x') + "\"}"), kT0).ok());
  EXPECT_FALSE(e.IdentifyFrame(Frame(R"({"b": ")" + std::string(60 * 1024, 'x') + "\"}"), kT0).ok());
  EXPECT_TRUE(e.IdentifyFrame(Frame(R"({"a": null, "b": ")" + std::string(60 * 1024, 'x') + "\"}"), kT0).ok());
}

// A format-1 snapshot restores (through UpgradeSnapshot, as the full
// module and the web package do) to the state recorded when it was taken,
// and snapshots again as format 2, a fixed point.
void ExpectFormat1Restores(const std::string& name, bool full) {
  const std::string dir = std::string(LEADSEG_SOURCE_DIR) + "/tests/web/fixtures/";
  const std::string bytes = testing::ReadText(dir + name + ".bin");
  const Json expected = Json::parse(testing::ReadText(dir + name + ".expected.json"));
  ASSERT_FALSE(bytes.empty());
  ASSERT_EQ(bytes[4], 1);
  Engine e(Compile(testing::ReadText(std::string(LEADSEG_SOURCE_DIR) + "/docs/examples/b2b-saas.json")));
  // Without the upgrade: refused, and nothing changes.
  const std::string fresh = e.Snapshot();
  Status refused = e.Restore(bytes);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.message(), kSnapshotNeedsUpgrade);
  EXPECT_EQ(e.Snapshot(), fresh);

  auto upgraded = UpgradeSnapshot(bytes);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  ASSERT_EQ((*upgraded)[4], 2);
  ASSERT_TRUE(e.Restore(*upgraded).ok());
  EXPECT_EQ(Json(e.Segments()), expected["segments"]);
  EXPECT_EQ(e.Export(), expected["exportProfile"]);
  EXPECT_EQ(e.clock(), expected["clock"].get<TimeMs>());
  Json score = e.ScoreBreakdown();
  score.erase("predictive");  // added after snapshot-v1.bin was recorded
  EXPECT_EQ(score, expected["score"]);
  if (full) {
    EXPECT_EQ(e.Metrics(), expected["metrics"]);
    EXPECT_EQ(static_cast<int64_t>(e.event_count()), expected["eventCount"].get<int64_t>());
    EXPECT_EQ(e.decisions().visitor_id, "fixture-visitor-0001");
    EXPECT_FALSE(e.decisions().assignments.children.empty());
  }
  EXPECT_EQ(e.Snapshot(), *upgraded);  // the upgrade is what the engine writes
  EXPECT_EQ(UpgradeSnapshot(*upgraded).value(), *upgraded);  // format 2 passes through
}

TEST(ProfileValues, ASnapshotTakenBeforeFramesRestores) {
  // tests/web/fixtures/snapshot-v1.bin: taken by commit 0933c35's module,
  // with attributes and declarations stored as JSON (no experiment state).
  ExpectFormat1Restores("snapshot-v1", false);
}

TEST(ProfileValues, AFormat1SnapshotWithEveryPartRestores) {
  // tests/web/fixtures/snapshot-v1-full.bin: taken by commit 98a1f12's
  // module (make-snapshot-v1-full.mjs): metric archives and score state of
  // deleted events, lifecycle progress, experiment state.
  ExpectFormat1Restores("snapshot-v1-full", true);
}

}  // namespace
}  // namespace leadseg
