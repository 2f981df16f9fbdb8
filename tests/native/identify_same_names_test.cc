// identify with the names stored already, in their stored order (a page's
// usual call), takes a one-pass path over the frame
// (Engine::Impl::ReplaceStoredValues); anything else takes the general one.
// Both must store, answer and refuse exactly what identify of the same
// traits as a Value does, which never takes the one-pass path.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "leadseg/engine.h"
#include "test_config.h"
#include "test_frames.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::Frame;
using testing::kT0;

const char* kConfig = R"({
  "segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "big", "condition": {"company_size": {"$gte": 100}}},
    {"id": "tagged", "condition": {"tags": "x"}}
  ]
})";

// One engine fed frames, one fed Values: each call must answer the same
// and leave the same profile.
class TwoEngines {
 public:
  TwoEngines() : compiled_(Compile(kConfig)), frames_(compiled_), values_(compiled_) {}

  void Identify(const std::string& json, TimeMs at) {
    auto a = frames_.IdentifyFrame(Frame(json), at);
    Document doc;
    auto b = values_.Identify(doc.Add(Json::parse(json)), at);
    ASSERT_EQ(a.ok(), b.ok()) << json.substr(0, 80);
    if (a.ok()) {
      EXPECT_EQ(a->entered, b->entered) << json.substr(0, 80);
      EXPECT_EQ(a->exited, b->exited) << json.substr(0, 80);
    } else {
      EXPECT_EQ(a.status().code(), b.status().code());
      EXPECT_EQ(a.status().message(), b.status().message());
    }
    EXPECT_EQ(frames_.Snapshot(), values_.Snapshot()) << json.substr(0, 80);
    ok_ = a.ok();
  }
  bool ok() const { return ok_; }

 private:
  std::shared_ptr<const CompiledConfig> compiled_;
  Engine frames_, values_;
  bool ok_ = false;
};

TEST(IdentifySameNames, StoresWhatAValueStores) {
  TwoEngines e;
  TimeMs at = kT0;
  const char* calls[] = {
      R"({"job_title": "CTO", "company_size": 250, "tags": ["x"], "beta": true})",
      // The same names in order: new values, some byte for byte the same.
      R"({"job_title": "VP", "company_size": 250, "tags": [], "beta": false})",
      R"({"job_title": 7, "company_size": "many", "tags": ["x", 1], "beta": {"y": [1]}})",
      R"({"job_title": "CTO", "company_size": 1000, "tags": ["x"], "beta": "Zürich"})",
      // A subset in order, then the names in another order.
      R"({"company_size": 5, "beta": 1})",
      R"({"beta": 2, "job_title": "VP"})",
      // A null, a new name.
      R"({"job_title": "CTO", "company_size": null})",
      R"({"job_title": "CTO", "city": "Oslo"})",
      R"({"job_title": "VP", "tags": ["x"], "beta": false, "city": "Rome"})",
  };
  for (const char* traits : calls) {
    e.Identify(traits, at += 1000);
    ASSERT_TRUE(e.ok()) << traits;
  }
}

// The 256 KB limit counts the replaced values' text exactly: {"a": s} is
// s's length + 8 bytes of JSON text.
TEST(IdentifySameNames, CountsTheSizeLimitExactly) {
  TwoEngines e;
  const size_t fits = kMaxAttributesBytes - 8;
  auto traits = [](size_t n) { return R"({"a": ")" + std::string(n, 'z') + R"("})"; };
  e.Identify(traits(1), kT0);
  ASSERT_TRUE(e.ok());
  e.Identify(traits(fits), kT0 + 1);
  EXPECT_TRUE(e.ok());
  e.Identify(traits(1), kT0 + 2);
  EXPECT_TRUE(e.ok());
  e.Identify(traits(fits + 1), kT0 + 3);
  EXPECT_FALSE(e.ok());
  e.Identify(traits(fits), kT0 + 4);
  EXPECT_TRUE(e.ok());
}

// A value the checks refuse, among names stored already: the general
// path's error, and nothing changed.
TEST(IdentifySameNames, RefusesWhatTheGeneralPathRefuses) {
  TwoEngines e;
  e.Identify(R"({"job_title": "CTO", "tags": ["x"]})", kT0);
  ASSERT_TRUE(e.ok());
  std::string deep = "1";
  for (int i = 0; i < kMaxJsonDepth; ++i) deep = "[" + deep + "]";
  e.Identify(R"({"job_title": "VP", "tags": )" + deep + "}", kT0 + 1);
  EXPECT_FALSE(e.ok());
}

}  // namespace
}  // namespace leadseg
