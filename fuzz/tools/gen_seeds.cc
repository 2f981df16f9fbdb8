// Writes the seed corpora of fuzz/corpus/<target>/ (run by hand, once, when
// a format changes; the outputs are committed):
//
//   cmake --build build/fuzz --target fuzz_gen_seeds
//   build/fuzz/fuzzers/fuzz_gen_seeds fuzz/corpus
//
// Sources: docs/examples/b2b-saas.json and a few hand-written configs;
// the first evalCondition cases of ../shared/conformance/growthbook-cases.json
// (with their attributes also encoded as binary frames against the compiled
// schema); the first jsonlogic-tests.json cases; regexes from the GrowthBook
// cases plus hand-written ones; snapshots of engines after short scripted
// sessions; and deterministic pseudo-random programs for fuzz_engine.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "b2b_saas_config.h"
#include "conditions/condition.h"
#include "core/value_codec.h"
#include "leadseg/engine.h"
#include "fuzz_common.h"

using namespace leadseg;
namespace fs = std::filesystem;

namespace {

constexpr TimeMs kT0 = 1767225600000;
const std::string kSep(1, '\xff');

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int written = 0;
void Write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out << bytes;
  ++written;
}

std::string Example() {
  return std::string(reinterpret_cast<const char*>(fuzz::kB2bSaasConfig), fuzz::kB2bSaasConfigSize);
}

const char* const kConfigs[] = {
    R"({"segments": []})",
    R"({"version": 1, "attributes": {"age": "number"}, "segments": [{"id": "adults", "condition": {"age": {"$gte": 18}}}]})",
    R"({"metrics": [{"id": "views", "aggregate": "count", "window": "7d", "where": {"type": "page_view"}},
                    {"id": "spend", "aggregate": "sum", "field": "amount", "where": {"type": "purchase"}},
                    {"id": "cats", "aggregate": "distinct", "field": "category", "window": "30d"},
                    {"id": "gap", "aggregate": "lastGap", "unit": "1h"}],
        "segments": [{"id": "engaged", "kind": "behavioral", "condition": {"views": {"$gte": 3}}},
                     {"id": "buyer", "condition": {"spend": {"$gt": 0}}},
                     {"id": "both", "condition": {"segments": {"$all": ["engaged", "buyer"]}}}],
        "retention": {"maxAge": "30d", "maxEvents": 100}, "hygiene": {"maxSegments": 5}})",
    R"({"savedGroups": {"beta": ["acme", "globex"]},
        "segments": [{"id": "beta", "condition": {"company": {"$inGroup": "beta"}}},
                     {"id": "re", "condition": {"email": {"$regexi": "@(acme|globex)\\.com$"}}},
                     {"id": "v", "condition": {"version": {"$vgte": "1.2.3"}}},
                     {"id": "el", "condition": {"tags": {"$elemMatch": {"$eq": "x"}}, "$or": [{"a": 1}, {"b": {"$exists": false}}]}}]})",
    R"({"metrics": [{"id": "demo", "aggregate": "count", "where": {"type": "form_submit", "form": "demo"}}],
        "segments": [{"id": "hot", "condition": {"temperature": "hot"}}],
        "scoring": {"rules": [{"id": "demo", "points": 30, "event": {"type": "form_submit"}, "maxTimes": 2, "oncePer": "1d"},
                              {"id": "cto", "points": 20, "trait": {"job_title": "CTO"}}],
                    "decay": {"points": 5, "every": "7d", "after": "14d"}, "min": 0, "max": 100},
        "grading": {"rules": [{"id": "big", "points": 50, "condition": {"company_size": {"$gte": 100}}}],
                    "bands": {"A": 80, "B": 50, "C": 20}, "engagement": [60, 30, 10]},
        "temperature": {"warm": 20, "hot": 50, "hysteresis": 5},
        "lifecycle": {"stages": [{"id": "lead"}, {"id": "mql", "condition": {"score": {"$gte": 40}}, "allowRegression": true}],
                      "mql": {"score": {"$gte": 40}}, "sql": {"demo": {"$gte": 1}}}})",
    // Invalid ones: the error paths are seeds too.
    R"({"segments": [{"id": "a", "condition": {"segments": {"$in": ["b"]}}}, {"id": "b", "condition": {"segments": {"$in": ["a"]}}}]})",
    R"({"segments": [{"id": "1bad", "condition": {"x": {"$frobnicate": 1}}}], "extra": true})",
    R"({"metrics": [{"id": "m", "aggregate": "sum"}], "retention": {"maxAge": "0d", "maxEvents": 0}, "segments": {}})",
};

// Encodes `attributes` (an object) as a frame against `schema`.
std::string Frame(const AttributeSchema& schema, const Json& attributes) {
  Document doc;
  AttributeSet set(&schema);
  set.SetFromObject(doc.Add(attributes));
  std::string out;
  uint32_t count = 0;
  for (size_t s = 0; s < schema.size(); ++s) count += set.Get(static_cast<int>(s)) ? 1 : 0;
  EncodeAttrHeader(count, &out);
  for (size_t s = 0; s < schema.size(); ++s) {
    if (const Value* v = set.Get(static_cast<int>(s))) {
      EncodeAttr(static_cast<uint32_t>(s), &out);
      EncodeValue(*v, &out);
    }
  }
  return out;
}

void CollectRegexes(const Json& j, std::set<std::string>* out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if ((it.key() == "$regex" || it.key() == "$regexi") && it->is_string()) out->insert(it->get<std::string>());
      CollectRegexes(*it, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) CollectRegexes(e, out);
  }
}

std::string Name(const char* prefix, size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%03zu", prefix, i);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-dir>\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const std::string shared = LEADSEG_SHARED_DIR "/conformance/";

  // fuzz_config
  Write(root / "fuzz_config", "b2b-saas.json", Example());
  for (size_t i = 0; i < std::size(kConfigs); ++i) Write(root / "fuzz_config", Name("config", i) + ".json", kConfigs[i]);

  // fuzz_condition and fuzz_regex from the GrowthBook cases.
  Json cases = Json::parse(ReadText(shared + "growthbook-cases.json"));
  std::set<std::string> regexes;
  size_t n = 0;
  for (const auto& c : cases["evalCondition"]) {
    CollectRegexes(c[1], &regexes);
    if (n >= 48) continue;
    // Keep the corpus small: skip big cases.
    std::string cond = c[1].dump(), attrs = c[2].dump();
    if (cond.size() + attrs.size() > 2000) continue;
    AttributeSchema schema;
    ConditionOptions options;
    options.strict = false;
    auto compiled = Condition::Compile(c[1], &schema, options);
    std::string frame = compiled.ok() && c[2].is_object() ? Frame(schema, c[2]) : std::string();
    Write(root / "fuzz_condition", Name("gb", n++), cond + kSep + attrs + kSep + frame);
  }
  const char* const kMoreRegexes[] = {"^/pricing", "^/careers", "(a+)+$", "a{2,3}b?", "[^a-z]\\d\\w\\s\\b",
                                      "(?:x|y)*z", "(?<name>ab)\\k<name>", "(?=a)", "\\u00e9|\\x41|\\cJ",
                                      "[\\]-]", "a**", "((((a))))", "(a{100}){100}", "^.$"};
  for (const char* r : kMoreRegexes) regexes.insert(r);
  n = 0;
  const char* const kTexts[] = {"/pricing/enterprise", "aaaaaaaaaaaaaaaaaaaaaaaa!", "Hello World 42", "",
                                "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80", "x y z\n"};
  for (const auto& r : regexes) {
    if (n >= 60) break;
    std::string flags(1, static_cast<char>(n % 2));
    Write(root / "fuzz_regex", Name("re", n), flags + r + kSep + kTexts[n % std::size(kTexts)]);
    ++n;
  }

  // fuzz_jsonlogic
  Json logic = Json::parse(ReadText(shared + "jsonlogic-tests.json"));
  n = 0;
  for (const auto& t : logic) {
    if (!t.is_array() || t.size() < 2) continue;  // section comments
    if (n >= 60) break;
    Write(root / "fuzz_jsonlogic", Name("jl", n++), t[0].dump() + kSep + t[1].dump());
  }

  // fuzz_snapshot: snapshots after scripted sessions, raw (mode 0) and as
  // payloads (mode 1), against both configs (mode bit 1).
  Json tight_json = Json::parse(Example());
  tight_json["retention"] = Json{{"maxAge", "3d"}, {"maxEvents", 8}};
  auto shipped = fuzz::CompileOrDie(Example(), "example");
  auto tight = fuzz::CompileOrDie(tight_json.dump(), "tight");
  for (int variant = 0; variant < 2; ++variant) {
    for (int session = 0; session < 4; ++session) {
      Engine e(variant ? tight : shipped);
      if (session >= 1) {
        (void)e.Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 20}, {"age", 30}}, kT0);
        (void)e.Declare("interests", Json::array({"security"}), kT0);
      }
      if (session >= 2) {
        for (int i = 0; i < 12; ++i) {
          (void)e.Track("session_start", Json{{"utm_source", "google"}}, kT0 + i * kDay);
          (void)e.Track("page_view", Json{{"path", i % 2 ? "/pricing" : "/docs"}}, kT0 + i * kDay + kMinute);
          (void)e.Track("purchase", Json{{"amount", 100 * i}}, kT0 + i * kDay + kHour);
        }
        (void)e.Track("form_submit", Json{{"form", "demo"}}, kT0 + 12 * kDay);
        (void)e.Track("cart_add", Json{{"value", 49.5}}, kT0 + 12 * kDay + kHour);
      }
      if (session >= 3) (void)e.Advance(kT0 + 60 * kDay);
      std::string snap = e.Snapshot();
      std::string tag = "v" + std::to_string(variant) + "-s" + std::to_string(session);
      char raw_mode = static_cast<char>(variant ? 2 : 0), payload_mode = static_cast<char>(variant ? 3 : 1);
      Write(root / "fuzz_snapshot", "raw-" + tag, std::string(1, raw_mode) + snap);
      Write(root / "fuzz_snapshot", "payload-" + tag, std::string(1, payload_mode) + snap.substr(13));
    }
  }

  // fuzz_snapshot, structured mode (bit 2): pseudo-random operand bytes.
  std::mt19937 rng(20260101);
  for (int k = 0; k < 6; ++k) {
    std::string bytes(1, static_cast<char>(k % 2 ? 6 : 4));
    for (int i = 0; i < 160; ++i) bytes.push_back(static_cast<char>(rng() & 0xFF));
    Write(root / "fuzz_snapshot", Name("structured", static_cast<size_t>(k)), bytes);
  }

  // fuzz_engine: deterministic pseudo-random programs of several lengths.
  const size_t kLengths[] = {16, 32, 64, 128, 256, 384, 512, 1024};
  n = 0;
  for (size_t len : kLengths) {
    for (int k = 0; k < 2; ++k) {
      std::string bytes(len, '\0');
      for (auto& b : bytes) b = static_cast<char>(rng() & 0xFF);
      Write(root / "fuzz_engine", Name("prog", n++), bytes);
    }
  }
  std::printf("wrote %d seed files under %s\n", written, root.string().c_str());
  return 0;
}
