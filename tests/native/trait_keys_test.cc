// identify's traits as their values alone, named by the names of the last
// whole frame (engine/trait_keys.h, Engine::IdentifyNamedValues): what the
// JavaScript package sends when a page identifies with the same attributes
// as the call before. They must store exactly what the whole frame stores,
// and a frame whose values do not fit the names must change nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "core/value_codec.h"
#include "engine/trait_keys.h"
#include "leadseg/engine.h"
#include "test_config.h"
#include "test_frames.h"
#include "test_data.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::Frame;
using testing::kT0;

const char* kConfig = R"({
  "segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "big", "condition": {"company_size": {"$gte": 100}}}
  ]
})";

// The object `json` as its values alone: the tag and count, each value.
std::string ValuesFrame(const std::string& json) {
  Document doc;
  const Value object = doc.Add(Json::parse(json));
  std::string out(1, static_cast<char>(FrameTag::kObject));
  const uint32_t n = object.size();
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
  for (uint32_t i = 0; i < n; ++i) EncodeValue(object.value_at(i), &out);
  return out;
}

TEST(TraitKeys, NamedValuesStoreWhatWholeFramesStore) {
  auto compiled = Compile(kConfig);
  Engine whole(compiled), named(compiled);
  TraitKeys keys;
  const std::string first = R"({"job_title": "CTO", "company_size": 250, "tags": ["a", "b"], "beta": true})";
  ASSERT_TRUE(whole.IdentifyFrame(Frame(first), kT0).ok());
  keys.Keep(Frame(first));
  ASSERT_TRUE(keys.kept());
  ASSERT_TRUE(named.IdentifyFrame(Frame(first), kT0).ok());
  // New values, values of another type, nulls that remove, and back.
  const std::string next[] = {
      R"({"job_title": "VP", "company_size": 12, "tags": [], "beta": false})",
      R"({"job_title": 7, "company_size": "many", "tags": null, "beta": {"x": [1, "y"]}})",
      R"({"job_title": null, "company_size": null, "tags": [1, null], "beta": "Zürich"})",
      first,
  };
  TimeMs at = kT0;
  for (const auto& traits : next) {
    at += 1000;
    auto a = whole.IdentifyFrame(Frame(traits), at);
    auto b = named.IdentifyNamedValues(keys.names(), ValuesFrame(traits), at);
    ASSERT_TRUE(a.ok() && b.ok()) << traits << ": " << b.status().message();
    EXPECT_EQ(a->entered, b->entered) << traits;
    EXPECT_EQ(a->exited, b->exited) << traits;
    EXPECT_EQ(whole.Snapshot(), named.Snapshot()) << traits;
  }
}

// With the names' version, the engine takes the positions it matched them
// to last time, as long as the stored attributes kept their names and order:
// an order changed in between (a removal, then the name added back last)
// must be matched again, as an engine told no version matches every call.
TEST(TraitKeys, AVersionOutlivesNoChangeOfTheStoredOrder) {
  auto compiled = Compile(kConfig);
  Engine plain(compiled), versioned(compiled);
  TraitKeys keys;
  const std::string traits = R"({"job_title": "CTO", "company_size": 250})";
  keys.Keep(Frame(traits));
  for (Engine* e : {&plain, &versioned}) ASSERT_TRUE(e->IdentifyFrame(Frame(traits), kT0).ok());
  TimeMs at = kT0;
  auto both = [&](const std::string& json, const char* what) {
    at += 1000;
    auto a = plain.IdentifyNamedValues(keys.names(), ValuesFrame(json), at);
    auto b = versioned.IdentifyNamedValues(keys.names(), ValuesFrame(json), at, keys.version());
    ASSERT_TRUE(a.ok() && b.ok()) << what << ": " << b.status().message();
    EXPECT_EQ(a->entered, b->entered) << what;
    EXPECT_EQ(a->exited, b->exited) << what;
    EXPECT_EQ(plain.Snapshot(), versioned.Snapshot()) << what;
  };
  both(R"({"job_title": "VP", "company_size": 12})", "matched");
  both(R"({"job_title": "CTO", "company_size": 300})", "positions kept");
  // company_size, then job_title: the names' order is no longer the stored one.
  for (const char* change : {R"({"job_title": null})", R"({"job_title": "CTO"})"}) {
    at += 1000;
    for (Engine* e : {&plain, &versioned}) ASSERT_TRUE(e->IdentifyFrame(Frame(change), at).ok());
  }
  both(R"({"job_title": "VP", "company_size": 5})", "stored order changed");
  both(R"({"job_title": "CTO", "company_size": 500})", "after the change");
}

TEST(TraitKeys, EachKeptListHasAVersionOfItsOwn) {
  TraitKeys keys, other;
  EXPECT_EQ(keys.version(), 0u);
  keys.Keep(Frame(R"({"a": 1})"));
  const uint64_t first = keys.version();
  EXPECT_NE(first, 0u);
  keys.Keep(Frame(R"({"a": 1})"));
  EXPECT_NE(keys.version(), 0u);
  EXPECT_NE(keys.version(), first);
  other.Keep(Frame(R"({"a": 1})"));
  EXPECT_NE(other.version(), keys.version());
  EXPECT_NE(other.version(), first);
  keys.Keep(Frame("[1]"));
  EXPECT_EQ(keys.version(), 0u);
  other.Clear();
  EXPECT_EQ(other.version(), 0u);
}

TEST(TraitKeys, ValuesThatDoNotFitTheNamesChangeNothing) {
  auto compiled = Compile(kConfig);
  Engine engine(compiled);
  TraitKeys keys;
  const std::string traits = R"({"job_title": "CTO", "company_size": 250})";
  keys.Keep(Frame(traits));
  ASSERT_TRUE(engine.IdentifyFrame(Frame(traits), kT0).ok());
  const std::string before = engine.Snapshot();
  const std::string values = ValuesFrame(R"({"job_title": "VP", "company_size": 5})");
  const std::string refused[] = {
      ValuesFrame(R"({"job_title": "VP"})"),                                   // one value short
      ValuesFrame(R"({"job_title": "VP", "company_size": 5, "extra": 1})"),  // one too many
      values.substr(0, values.size() - 1),                                    // cut short
      values + std::string(1, '\0'),                                          // trailing bytes
      Frame(R"(["VP", 5])"),                                                  // not an object
  };
  for (const auto& frame : refused) {
    auto r = engine.IdentifyNamedValues(keys.names(), frame, kT0 + 1000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().message();
    EXPECT_EQ(engine.Snapshot(), before);
  }
  ASSERT_TRUE(engine.IdentifyNamedValues(keys.names(), values, kT0 + 1000).ok());
  EXPECT_TRUE(engine.Segments().empty());
}

TEST(TraitKeys, KeepsNoNamesOfWhatIsNotAnObjectFrame) {
  TraitKeys keys;
  keys.Keep(Frame(R"({"a": 1, "bb": [2], "": null})"));
  ASSERT_TRUE(keys.kept());
  EXPECT_EQ(keys.names(), (std::vector<std::string>{"a", "bb", ""}));
  const std::string object = Frame(R"({"a": 1})");
  for (const std::string& frame : {std::string(), Frame("[1]"), Frame(R"("a")"), object.substr(0, object.size() - 1),
                                   object + "x"}) {
    keys.Keep(frame);
    EXPECT_FALSE(keys.kept());
    EXPECT_TRUE(keys.names().empty());
  }
  keys.Keep(Frame("{}"));
  EXPECT_TRUE(keys.kept());
  EXPECT_TRUE(keys.names().empty());
}

// An object the decoder refuses, a member nested deeper than attributes may
// be (fuzz_engine's traits have such members; the JavaScript package sends
// only flat traits whole), keeps no names: values sent after it fail and
// change nothing, as identify of the whole frame does.
TEST(TraitKeys, KeepsNoNamesOfAFrameNestedTooDeeply) {
  auto compiled = Compile(kConfig);
  Engine engine(compiled);
  // The object is level 0; its decoder takes kMaxJsonDepth + 1 levels below.
  const int arrays = kMaxJsonDepth + 2;
  const std::string deep = R"({"job_title": "CTO", "a": )" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  TraitKeys keys;
  keys.Keep(Frame(R"({"job_title": "CTO"})"));
  ASSERT_TRUE(keys.kept());
  keys.Keep(Frame(deep));
  EXPECT_FALSE(keys.kept());
  EXPECT_TRUE(keys.names().empty());
  const std::string before = engine.Snapshot();
  EXPECT_FALSE(engine.IdentifyFrame(Frame(deep), kT0).ok());
  auto r = engine.IdentifyNamedValues(keys.names(), ValuesFrame(deep), kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().message();
  EXPECT_EQ(engine.Snapshot(), before);
}

}  // namespace
}  // namespace leadseg
