// Compiled configs (leadseg/compiled_config.h): an engine loaded from the
// bytes behaves exactly like one given the JSON, and damaged bytes are
// errors (the catalogue of those is in bad_input_test.cc).
#include <functional>

#include <gtest/gtest.h>

#include "leadseg/compiled_config.h"
#include "core/bytes.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "test_data.h"

namespace leadseg {
namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

struct Compiled {
  std::shared_ptr<const CompiledConfig> from_json;
  std::vector<Diagnostic> json_warnings;
  std::string bytes;
};

Compiled CompileFile(const std::string& relative) {
  Diagnostics d;
  auto config = CompileConfigText(testing::ReadText(testing::SourcePath(relative)), &d);
  EXPECT_TRUE(config) << d.Format();
  Compiled out;
  if (!config) return out;
  out.bytes = EncodeCompiledConfig(*config, d);
  out.from_json = std::move(config);
  for (const auto& item : d.all()) {
    if (item.severity == Diagnostic::Severity::kWarning) out.json_warnings.push_back(item);
  }
  return out;
}

std::shared_ptr<const CompiledConfig> Load(const std::string& bytes) {
  auto loaded = DecodeCompiledConfig(bytes);
  EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
  return loaded.ok() ? loaded->config : nullptr;
}

TEST(CompiledConfig, ReadsBackToTheSameBytesAndWarnings) {
  for (const char* file : {"docs/examples/b2b-saas.json"}) {
    SCOPED_TRACE(file);
    Compiled c = CompileFile(file);
    ASSERT_FALSE(c.bytes.empty());
    auto loaded = DecodeCompiledConfig(c.bytes);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    // Nothing lost: the decoded config encodes to the very same bytes.
    Diagnostics warnings;
    for (const auto& w : loaded->warnings) warnings.Warning(w.code, w.message, w.path);
    EXPECT_EQ(EncodeCompiledConfig(*loaded->config, warnings), c.bytes);
    ASSERT_EQ(loaded->warnings.size(), c.json_warnings.size());
    for (size_t i = 0; i < c.json_warnings.size(); ++i) {
      EXPECT_EQ(loaded->warnings[i].code, c.json_warnings[i].code);
      EXPECT_EQ(loaded->warnings[i].message, c.json_warnings[i].message);
      EXPECT_EQ(loaded->warnings[i].path, c.json_warnings[i].path);
    }
    EXPECT_EQ(loaded->config->Summary(), c.from_json->Summary());
  }
}

// Everything a caller can observe of one engine.
Json Observe(Engine& e) {
  Json out;
  out["segments"] = e.Segments();
  out["metrics"] = e.Metrics();
  out["score"] = e.ScoreBreakdown();
  out["attributes"] = e.AttributeView();
  out["export"] = e.Export();
  out["experiments"] = e.ExperimentReport();
  for (const auto& s : e.config().segments()) {
    auto x = e.Explain(s.id);
    out["explain"][s.id] = x.ok() ? *x : Json(x.status().ToString());
  }
  for (const auto& s : e.config().slots()) {
    auto d = e.Decide(s.id, e.clock(), /*record=*/false);
    out["peek"][s.id] = d.ok() ? d->ToJson() : Json(d.status().ToString());
  }
  return out;
}

Json ChangesJson(const Result<SegmentChanges>& r) {
  if (!r.ok()) return r.status().ToString();
  Json stages = Json::array();
  for (const auto& s : r->stages) stages.push_back({s.from, s.to, s.at});
  return {{"entered", r->entered}, {"exited", r->exited}, {"stages", stages},
          {"temperature", r->temperature}, {"mql", r->mql}, {"sql", r->sql}};
}

TEST(CompiledConfig, EngineFromBytesBehavesLikeEngineFromJson) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  Engine a(c.from_json);
  Engine b(Load(c.bytes));
  ASSERT_TRUE(a.SetVisitorId("visitor-1").ok());
  ASSERT_TRUE(b.SetVisitorId("visitor-1").ok());
  auto both = [&](const std::function<Result<SegmentChanges>(Engine&)>& call) {
    EXPECT_EQ(ChangesJson(call(a)), ChangesJson(call(b)));
  };
  both([](Engine& e) {
    return e.Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}, {"country", "US"}},
                      kT0);
  });
  both([](Engine& e) { return e.Declare("interests", Json::array({"security", "pricing"}), kT0 + 1); });
  const char* paths[] = {"/pricing", "/docs/start", "/blog/a", "/pricing/enterprise", "/demo", "/careers"};
  for (int i = 0; i < 200; ++i) {
    TimeMs t = kT0 + i * 37 * kMinute;
    both([&](Engine& e) { return e.Track("page_view", Json{{"path", paths[i % 6]}}, t); });
    if (i % 17 == 0) both([&](Engine& e) { return e.Track("session_start", Json{{"utm_source", "google"}}, t + 1); });
    if (i % 41 == 0) both([&](Engine& e) { return e.Track("form_submit", Json{{"form", "demo"}}, t + 2); });
    if (i % 53 == 0) both([&](Engine& e) { return e.Track("purchase", Json{{"amount", 100 + i}}, t + 3); });
  }
  EXPECT_EQ(Observe(a), Observe(b));
  for (const auto& s : c.from_json->slots()) {
    auto da = a.Decide(s.id, a.clock());
    auto db = b.Decide(s.id, b.clock());
    ASSERT_TRUE(da.ok() && db.ok());
    EXPECT_EQ(da->ToJson(), db->ToJson()) << s.id;
  }
  both([&](Engine& e) { return e.Advance(kT0 + 60 * kDay); });
  EXPECT_EQ(Observe(a), Observe(b));
  // Same state, same snapshot bytes, and each restores into the other.
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
  Engine fresh_b(Load(c.bytes));
  ASSERT_TRUE(fresh_b.Restore(a.Snapshot()).ok());
  EXPECT_EQ(Observe(fresh_b), Observe(a));
}

// Version 3 stores regexes as compiled programs; versions 1 and 2 stored
// patterns. The native library compiles those; the runtime module's
// decoder (no regex compiler linked) asks for the config to be compiled
// again, but reads an old file that holds no regex. Profiles carry over
// either way: snapshots do not depend on how regexes are stored.
TEST(CompiledConfig, OlderVersionsWithPatternsNeedTheCompiler) {
  const std::string v1 = testing::ReadText(testing::SourcePath("tests/compiled/b2b-saas.v1.lsc"));
  ASSERT_EQ(v1[4], 1);
  auto native = DecodeCompiledConfig(v1);
  ASSERT_TRUE(native.ok()) << native.status().ToString();
  auto runtime = DecodeCompiledConfigForRuntime(v1);
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(runtime.status().message(),
            "compiled config format version 1 stores regular expressions as patterns, which this runtime does not "
            "compile (it leaves the regex compiler out): compile the config again with this version (npx leadseg "
            "compile, or compileConfig())");

  // The current bytes read the same in both, and an engine on the old file
  // hands its profile to one on the new bytes and back.
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  auto current = DecodeCompiledConfigForRuntime(c.bytes);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(EncodeCompiledConfig(*current->config, Diagnostics()), EncodeCompiledConfig(*Load(c.bytes), Diagnostics()));
  Engine old_engine(native->config);
  Engine new_engine(current->config);
  for (Engine* e : {&old_engine, &new_engine}) {
    ASSERT_TRUE(e->SetVisitorId("visitor-1").ok());
    ASSERT_TRUE(e->Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}}, kT0).ok());
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(e->Track("page_view", Json{{"path", i % 2 ? "/pricing/teams" : "/careers"}}, kT0 + i * kHour).ok());
    }
  }
  EXPECT_EQ(old_engine.Segments(), new_engine.Segments());
  EXPECT_EQ(old_engine.Snapshot(), new_engine.Snapshot());
  Engine restored(current->config);
  ASSERT_TRUE(restored.Restore(old_engine.Snapshot()).ok());
  EXPECT_EQ(Observe(restored), Observe(old_engine));
  Engine back(native->config);
  ASSERT_TRUE(back.Restore(new_engine.Snapshot()).ok());
  EXPECT_EQ(Observe(back), Observe(new_engine));
}

// Version 4 appends the built segment and event programs to version 3's
// payload. The native decoder builds them for a version 3 file, and what
// it builds encodes to the very bytes the compiler stored: the stored
// programs are the freshly built ones. The runtime's decoder (no program
// builder linked) asks for the config to be compiled again.
TEST(CompiledConfig, StoredProgramsAreTheBuiltOnesAndOlderVersionsNeedTheBuilder) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  std::string programs;
  c.from_json->segment_program().Encode(&programs);
  c.from_json->event_program().Encode(&programs);
  ASSERT_GT(c.from_json->segment_program().size(), 0u);
  ASSERT_GT(c.from_json->event_program().size(), 0u);
  std::string payload = c.bytes.substr(kCompiledConfigHeaderBytes);
  ASSERT_EQ(payload.compare(payload.size() - programs.size(), programs.size(), programs), 0)
      << "the payload does not end with the programs";
  payload.resize(payload.size() - programs.size());
  std::string v3(kCompiledConfigMagic, sizeof kCompiledConfigMagic);
  v3 += std::string("\x03\x00\x00\x00", 4);
  for (uint32_t v : {static_cast<uint32_t>(payload.size()), bytes::Crc32(payload)}) {
    for (int i = 0; i < 4; ++i) v3 += static_cast<char>(v >> (8 * i));
  }
  v3 += payload;

  auto native = DecodeCompiledConfig(v3);
  ASSERT_TRUE(native.ok()) << native.status().ToString();
  Diagnostics warnings;
  for (const auto& w : native->warnings) warnings.Warning(w.code, w.message, w.path);
  EXPECT_EQ(EncodeCompiledConfig(*native->config, warnings), c.bytes);

  auto runtime = DecodeCompiledConfigForRuntime(v3);
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(runtime.status().message(),
            "compiled config format version 3 does not store the built segment programs, which this runtime does "
            "not build (it leaves the program builder out): compile the config again with this version (npx "
            "leadseg compile, or compileConfig())");

  // The current bytes load in the runtime, with the stored programs.
  auto current = DecodeCompiledConfigForRuntime(c.bytes);
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  std::string stored;
  current->config->segment_program().Encode(&stored);
  current->config->event_program().Encode(&stored);
  EXPECT_EQ(stored, programs);
  Engine a(current->config);
  Engine b(native->config);
  for (Engine* e : {&a, &b}) {
    ASSERT_TRUE(e->Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}}, kT0).ok());
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(e->Track("page_view", Json{{"path", i % 2 ? "/pricing/teams" : "/careers"}}, kT0 + i * kHour).ok());
    }
  }
  EXPECT_EQ(Observe(a), Observe(b));
}

// The stored programs' tables are indexed without checks while evaluating,
// so Decode checks them all: a change to a byte of them (every fifth, to
// keep the test quick; checksum fixed) is an error or a config an engine runs on, never a crash (the asan preset
// runs this).
TEST(CompiledConfig, DamagedProgramsAreErrorsNeverACrash) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  std::string programs;
  c.from_json->segment_program().Encode(&programs);
  c.from_json->event_program().Encode(&programs);
  const std::string payload = c.bytes.substr(kCompiledConfigHeaderBytes);
  int rejected = 0, loaded = 0;
  for (size_t i = payload.size() - programs.size(); i < payload.size(); i += 5) {
    for (uint8_t change : {uint8_t{0x01}, uint8_t{0xFF}}) {
      std::string damaged = payload;
      damaged[i] = static_cast<char>(damaged[i] ^ change);
      std::string bytes = c.bytes.substr(0, 8);
      for (uint32_t v : {static_cast<uint32_t>(damaged.size()), bytes::Crc32(damaged)}) {
        for (int k = 0; k < 4; ++k) bytes += static_cast<char>(v >> (8 * k));
      }
      auto config = DecodeCompiledConfigForRuntime(bytes + damaged);
      if (!config.ok()) {
        ++rejected;
        ASSERT_EQ(config.status().code(), StatusCode::kDataLoss) << config.status().ToString();
        continue;
      }
      ++loaded;
      if (i % 7) continue;  // an engine on some: each table runs
      Engine e(config->config);
      (void)e.Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}}, kT0);
      (void)e.Track("page_view", Json{{"path", "/pricing/teams"}}, kT0 + 1);
      (void)e.Segments();
    }
  }
  EXPECT_GT(rejected, 0);
  EXPECT_GT(loaded, 0);  // row contents: other answers, same memory
}

TEST(CompiledConfig, LooksLikeCompiledConfig) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  EXPECT_TRUE(LooksLikeCompiledConfig(c.bytes));
  EXPECT_FALSE(LooksLikeCompiledConfig("{\"segments\": []}"));
  EXPECT_FALSE(LooksLikeCompiledConfig("LSC"));
}

// Every truncation and every single-byte change is an error or (for a
// change the checks cannot see, none here since the payload is checksummed)
// a config that loads; never a crash (the asan preset runs this).
TEST(CompiledConfig, EveryTruncationAndByteFlipIsAnError) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  for (size_t n = 0; n < c.bytes.size(); ++n) {
    auto loaded = DecodeCompiledConfig(std::string_view(c.bytes).substr(0, n));
    ASSERT_FALSE(loaded.ok()) << "accepted " << n << " of " << c.bytes.size() << " bytes";
    ASSERT_FALSE(loaded.status().message().empty());
  }
  for (size_t i = 0; i < c.bytes.size(); i += 7) {
    std::string damaged = c.bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_FALSE(DecodeCompiledConfig(damaged).ok()) << "byte " << i;
  }
}

// A payload whose checksum is right but whose durations are not ones the
// config's parser can produce: the engine computes `now - window`, so a
// negative window would overflow (found by fuzz_compiled).
TEST(CompiledConfig, ANegativeDurationIsAnError) {
  Compiled c = CompileFile("docs/examples/b2b-saas.json");
  std::string payload = c.bytes.substr(kCompiledConfigHeaderBytes);
  // The first metric: id, aggregate (1 byte), field (empty: 1 byte), window
  // (the id also occurs earlier, as an attribute name).
  const std::string id = "pricing_views_2d";
  std::string two_days, minus_two_days;
  bytes::PutSigned(2 * kDay, &two_days);
  bytes::PutSigned(-2 * kDay, &minus_two_days);
  size_t at = 0;
  for (size_t found = payload.find(id); found != std::string::npos; found = payload.find(id, found + 1)) {
    if (payload.compare(found + id.size() + 2, two_days.size(), two_days) == 0) {
      at = found + id.size() + 2;
      break;
    }
  }
  ASSERT_NE(at, 0u) << "the metric's window was not found in the payload";
  ASSERT_EQ(two_days.size(), minus_two_days.size());
  payload.replace(at, two_days.size(), minus_two_days);

  // Same header (magic, version, length), the new payload's CRC-32.
  std::string damaged = c.bytes.substr(0, kCompiledConfigHeaderBytes - 4);
  const uint32_t crc = bytes::Crc32(payload);
  for (int i = 0; i < 4; ++i) damaged += static_cast<char>(crc >> (8 * i));
  auto loaded = DecodeCompiledConfig(damaged + payload);
  ASSERT_FALSE(loaded.ok());
  EXPECT_FALSE(loaded.status().message().empty());
}

}  // namespace
}  // namespace leadseg
