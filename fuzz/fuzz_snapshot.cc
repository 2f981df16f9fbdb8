// (d) Engine::Restore of arbitrary bytes.
//
// Byte 0 selects the mode:
//   bit 0 clear: the rest is restored as is (magic, version, length and CRC
//                must all be right by chance, so mostly header checks run);
//   bit 0 set:   the rest is a snapshot *payload*; a valid header (magic,
//                version, length, CRC-32) is put in front of it, so the
//                payload decoder, the metric archives, the score and the
//                lifecycle state see arbitrary data.
//   bit 1:       restore into the tight-retention config (maxAge 3d,
//                maxEvents 8) instead of the shipped example.
//   bit 2:       structured: the rest drives FuzzedDataProvider to write a
//                payload field by field in snapshot.cc's layout (clock,
//                attributes, declarations, events, metric archives with the
//                right fingerprints, score state, lifecycle state,
//                experiment state), each field either plausible or extreme,
//                so that the state checks behind a valid layout are reached
//                (random payloads rarely parse that far). Keep StructuredPayload
//                in step with EncodeSnapshot.
//   bit 3:       the header says format 1 (JSON text for attributes,
//                declarations and experiment state), and with bit 2 the
//                payload is written in format 1's layout (snapshot_v1.cc).
// Every input goes through UpgradeSnapshot (which passes anything but
// format 1 through) before Engine::Restore, as the full module does.
// The target engine already holds a small profile.
//
// Invariants:
//  - never a crash, hang or sanitizer report;
//  - a failed upgrade or restore changes nothing (Export, Segments, Metrics);
//  - an upgrade yields format 2;
//  - a successful restore re-snapshots to bytes that restore into a fresh
//    engine with the same Export and Segments, and those re-snapshot to the
//    same bytes (the second generation is a fixed point);
//  - the restored engine keeps working: events, time, explain, score.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "b2b_saas_config.h"
#include "core/bytes.h"
#include "core/value_codec.h"
#include "leadseg/engine.h"
#include "fuzz_common.h"
#include "metrics/metric.h"
#include "decisions/decision_state.h"
#include "profile/snapshot.h"
#include "profile/snapshot_v1.h"

using namespace leadseg;

namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

struct Configs {
  std::shared_ptr<const CompiledConfig> shipped, tight;
};

const Configs& GetConfigs() {
  static const Configs configs = [] {
    std::string_view text(reinterpret_cast<const char*>(fuzz::kB2bSaasConfig), fuzz::kB2bSaasConfigSize);
    Configs c;
    c.shipped = fuzz::CompileOrDie(text, "docs/examples/b2b-saas.json");
    Json tight = Json::parse(text);
    tight["retention"] = Json{{"maxAge", "3d"}, {"maxEvents", 8}};
    c.tight = fuzz::CompileOrDie(tight.dump(), "b2b-saas.json with tight retention");
    return c;
  }();
  return configs;
}

void Populate(Engine* e) {
  (void)e->Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 20}}, kT0);
  (void)e->Track("session_start", Json{{"utm_source", "google"}}, kT0);
  (void)e->Track("page_view", Json{{"path", "/pricing"}}, kT0 + kHour);
  (void)e->Declare("interests", Json::array({"security"}), kT0 + kHour);
}

std::string WithHeader(std::string_view payload, uint8_t version) {
  std::string out = "LSNP";
  out.push_back(static_cast<char>(version));
  auto put32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  };
  put32(static_cast<uint32_t>(payload.size()));
  put32(bytes::Crc32(payload));
  out.append(payload);
  return out;
}

TimeMs GenTime(FuzzedDataProvider& p) {
  switch (p.ConsumeIntegralInRange(0, 7)) {
    case 0: return p.ConsumeIntegral<int64_t>();
    case 1: return p.PickValueInArray<TimeMs>({INT64_MIN, INT64_MIN + 1, -1, 0, kMaxTime, kMaxTime + 1, INT64_MAX});
    default: return kT0 + p.ConsumeIntegralInRange<TimeMs>(-400 * kDay, 400 * kDay);
  }
}

std::string GenBytes(FuzzedDataProvider& p) { return p.ConsumeRandomLengthString(32); }

// An attribute or declaration value as format 2 holds it: a frame, valid or
// not (truncated, NaN, invalid UTF-8, arbitrary bytes).
std::string GenFrame(FuzzedDataProvider& p) {
  std::string out;
  Document doc;
  switch (p.ConsumeIntegralInRange(0, 5)) {
    case 0: EncodeValue(doc.Add(Json("CTO")), &out); break;
    case 1: EncodeValue(Value::Number(p.ConsumeFloatingPoint<double>()), &out); break;
    case 2: EncodeValue(doc.Add(Json::parse(R"(["security", {"a": [1, null, true]}])")), &out); break;
    case 3: out = std::string("\x04\x02\x00\x00\x00\xc3\x28", 7); break;
    case 4: EncodeValue(doc.Add(Json("x")), &out); out.resize(p.ConsumeIntegralInRange<size_t>(0, out.size())); break;
    default: out = GenBytes(p); break;
  }
  return out;
}

std::string StructuredPayload(FuzzedDataProvider& p, const CompiledConfig& config, uint8_t version) {
  using namespace bytes;
  std::string out;
  const TimeMs clock = GenTime(p);
  PutSigned(clock, &out);
  if (version == 1) {
    PutString(p.ConsumeBool() ? std::string(p.PickValueInArray({"{}", R"({"job_title":"CTO","age":30})", "[]",
                                                                 R"({"score":1})", R"({"a":)", "null"}))
                              : GenBytes(p),
              &out);
  } else {
    const int attributes = p.ConsumeIntegralInRange(0, 3);
    PutVarint(static_cast<uint64_t>(attributes), &out);
    for (int i = 0; i < attributes; ++i) {
      PutString(p.ConsumeIntegralInRange(0, 3) ? std::string(p.PickValueInArray({"job_title", "age", "score", "city"}))
                                               : GenBytes(p),
                &out);
      PutString(GenFrame(p), &out);
    }
  }
  const int declarations = p.ConsumeIntegralInRange(0, 2);
  PutVarint(static_cast<uint64_t>(declarations), &out);
  for (int i = 0; i < declarations; ++i) {
    PutString(p.ConsumeBool() ? std::string("interests") : GenBytes(p), &out);
    PutSigned(GenTime(p), &out);
    PutString(version == 1 ? std::string(p.PickValueInArray({R"(["security"])", "1", "{", "null"})) : GenFrame(p), &out);
  }
  const int events = p.ConsumeIntegralInRange(0, 10);
  PutVarint(static_cast<uint64_t>(events), &out);
  TimeMs previous = 0;
  for (int i = 0; i < events; ++i) {
    const bool fresh = i == 0 || previous > kMaxTime || previous < 0 || p.ConsumeIntegralInRange(0, 7) == 0;
    const TimeMs ts = fresh ? GenTime(p) : previous + p.ConsumeIntegralInRange<TimeMs>(0, 3 * kDay);
    // The delta wraps like the encoder's int64 subtraction would, without UB.
    PutSigned(static_cast<int64_t>(static_cast<uint64_t>(ts) - static_cast<uint64_t>(previous)), &out);
    previous = ts;
    PutString(p.PickValueInArray({"page_view", "purchase", "session_start", "cart_add", "form_submit",
                                  "webinar_attended", "download", ""}),
              &out);
    if (p.ConsumeIntegralInRange(0, 7) == 0) {
      PutString(GenBytes(p), &out);
    } else {
      Document doc;
      std::string props;
      Json j = Json::object();
      if (p.ConsumeBool()) j["path"] = p.PickValueInArray({"/pricing", "/careers", "/docs"});
      if (p.ConsumeBool()) j["amount"] = p.ConsumeFloatingPoint<double>();
      if (p.ConsumeBool()) j["utm_source"] = "google";
      if (p.ConsumeBool()) j["form"] = "demo";
      EncodeValue(doc.Add(j), &props);
      PutString(props, &out);
    }
  }
  // Metric archives: the all-time metrics, with their real fingerprints.
  std::vector<const MetricSpec*> all_time;
  for (const auto& m : config.metrics()) {
    if (m.window == kForever) all_time.push_back(&m);
  }
  const int archives = p.ConsumeIntegralInRange(0, 3);
  PutVarint(static_cast<uint64_t>(archives), &out);
  for (int i = 0; i < archives; ++i) {
    const MetricSpec& m = *all_time[p.ConsumeIntegralInRange<size_t>(0, all_time.size() - 1)];
    PutString(m.id, &out);
    PutString(p.ConsumeIntegralInRange(0, 7) ? MetricFingerprint(m) : GenBytes(p), &out);
    std::string state;  // MetricState::SaveAllTime layout
    PutVarint(p.ConsumeIntegral<uint64_t>(), &state);   // count
    PutDouble(p.ConsumeFloatingPoint<double>(), &state);  // sum
    PutVarint(p.ConsumeIntegralInRange<uint64_t>(0, 5), &state);  // numeric count
    PutDouble(p.ConsumeFloatingPoint<double>(), &state);  // min
    PutDouble(p.ConsumeFloatingPoint<double>(), &state);  // max
    PutVarint(0, &state);                                  // distinct keys
    const bool previous_ts = p.ConsumeBool();
    PutVarint(previous_ts ? 1 : 0, &state);
    if (previous_ts) PutVarint(static_cast<uint64_t>(GenTime(p)), &state);
    for (int e = 0; e < 2; ++e) {  // first, last
      const bool present = p.ConsumeBool();
      PutVarint(present ? 1 : 0, &state);
      if (present) {
        PutVarint(static_cast<uint64_t>(GenTime(p)), &state);
        PutDouble(p.ConsumeFloatingPoint<double>(), &state);
        Document doc;
        std::string key;
        if (p.ConsumeBool()) EncodeValue(doc.Add(Json("cart_add")), &key);
        PutString(key, &state);
      }
    }
    PutString(p.ConsumeIntegralInRange(0, 7) ? state : GenBytes(p), &out);
  }
  std::string score;  // ScoreState::Save layout
  if (p.ConsumeIntegralInRange(0, 3)) {
    PutDouble(p.ConsumeFloatingPoint<double>(), &score);  // level
    PutSigned(GenTime(p), &score);                        // ref
    PutSigned(GenTime(p), &score);                        // last activity
    PutVarint(p.ConsumeIntegralInRange(0, 1), &score);    // active
    PutDouble(p.ConsumeFloatingPoint<double>(), &score);  // raw
    const size_t rules = config.scoring() ? config.scoring()->rules.size() : 0;
    const size_t counters = p.ConsumeIntegralInRange(0, 7) ? rules : p.ConsumeIntegralInRange<size_t>(0, 9);
    PutVarint(counters, &score);
    for (size_t i = 0; i < counters; ++i) {
      PutVarint(p.ConsumeBool() ? p.ConsumeIntegralInRange<uint64_t>(0, 5) : p.ConsumeIntegral<uint64_t>(), &score);
      PutDouble(p.ConsumeFloatingPoint<double>(), &score);
      PutSigned(GenTime(p), &score);
      PutVarint(p.ConsumeIntegralInRange(0, 1), &score);
    }
  }
  PutString(score, &out);
  std::string progress;  // ProgressState::Save layout
  if (p.ConsumeIntegralInRange(0, 3)) {
    PutVarint(p.ConsumeIntegralInRange(0, 3), &progress);  // temperature (3 is invalid)
    PutSigned(p.ConsumeBool() ? p.ConsumeIntegralInRange<int64_t>(-2, 5) : p.ConsumeIntegral<int64_t>(), &progress);
    for (int i = 0; i < 2; ++i) {  // MQL, SQL
      const bool present = p.ConsumeBool();
      PutVarint(present ? 1 : 0, &progress);
      if (present) PutSigned(GenTime(p), &progress);
    }
    const int history = p.ConsumeIntegralInRange(0, 3);
    PutVarint(static_cast<uint64_t>(history), &progress);
    for (int i = 0; i < history; ++i) {
      PutString(p.PickValueInArray({"awareness", "decision", ""}), &progress);
      PutString(p.PickValueInArray({"consideration", "customer", "nope"}), &progress);
      PutSigned(GenTime(p), &progress);
    }
  }
  PutString(progress, &out);
  if (version == 1) {
    if (p.ConsumeBool()) PutString(p.ConsumeBool() ? std::string() : std::string(p.PickValueInArray({"{}", "[]", "{", "null"})), &out);
  } else {
    DecisionState state;
    if (p.ConsumeBool()) state.assignments["lead-form-tournament"].assignment = {p.PickValueInArray({"short", "long", "zz"}), GenTime(p)};
    if (p.ConsumeBool()) state.counts["lead-form-tournament"]["short"].counts = {p.ConsumeIntegralInRange<int64_t>(-1, 3), 1};
    PutString(p.ConsumeIntegralInRange(0, 3) ? state.ToFrame() : GenFrame(p), &out);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto& config = (mode & 2) ? GetConfigs().tight : GetConfigs().shipped;
  const uint8_t version = (mode & 8) ? 1 : kSnapshotVersion;
  std::string input;
  if (mode & 4) {
    FuzzedDataProvider p(data + 1, size - 1);
    input = WithHeader(StructuredPayload(p, *config, version), version);
  } else {
    input = (mode & 1) ? WithHeader(rest, version) : std::string(rest);
  }

  Engine e(config);
  Populate(&e);
  const Json export_before = e.Export();
  const Json metrics_before = e.Metrics();
  const auto segments_before = e.Segments();

  auto upgraded = UpgradeSnapshot(input);
  Status s = upgraded.status();
  if (upgraded.ok()) {
    FUZZ_CHECK(*upgraded == input || static_cast<uint8_t>((*upgraded)[4]) == kSnapshotVersion,
               "an upgrade that did not yield the current format");
    s = e.Restore(*upgraded);
  }
  if (!s.ok()) {
    FUZZ_CHECK(!s.message().empty(), "a restore error without a message");
    FUZZ_CHECK(s.code() == StatusCode::kDataLoss || s.code() == StatusCode::kFailedPrecondition,
               "unexpected status code for a bad snapshot: " + s.ToString());
    FUZZ_CHECK(e.Export() == export_before, "a failed restore changed the export");
    FUZZ_CHECK(e.Metrics() == metrics_before, "a failed restore changed the metrics");
    FUZZ_CHECK(e.Segments() == segments_before, "a failed restore changed the segments");
    return 0;
  }

  // Accepted: the engine must be fully usable.
  FUZZ_CHECK(e.event_count() <= config->retention().max_events, "restore kept more than maxEvents events");
  (void)e.Metrics();
  (void)e.ScoreBreakdown();
  (void)e.AttributeView();
  for (const auto& seg : config->segments()) (void)e.Explain(seg.id);

  // Re-snapshot: a fixed point after one generation.
  std::string second = e.Snapshot();
  Engine f(config);
  Status s2 = f.Restore(second);
  FUZZ_CHECK(s2.ok(), "the re-snapshot of an accepted snapshot does not restore: " + s2.ToString());
  FUZZ_CHECK(f.Export() == e.Export(), "re-snapshot restore changed the export");
  FUZZ_CHECK(f.Segments() == e.Segments(), "re-snapshot restore changed the segments");
  FUZZ_CHECK(f.Snapshot() == second, "the re-snapshot is not a fixed point");

  // And keeps working on.
  const TimeMs t = std::max(e.clock(), kT0);
  (void)e.Track("page_view", Json{{"path", "/pricing"}}, t);
  (void)e.Track("purchase", Json{{"amount", 120}}, t + kMinute);
  (void)e.Track("webinar_attended", nullptr, t + kHour);
  (void)e.Track("form_submit", Json{{"form", "demo"}}, t + kHour);
  (void)e.Track("session_start", nullptr, t - kHour);  // late
  (void)e.Advance(t + 31 * kDay);
  (void)e.Identify(Json{{"job_title", "CEO"}}, t + 31 * kDay);
  (void)e.Metrics();
  (void)e.ScoreBreakdown();
  (void)e.AttributeView();
  for (const auto& seg : config->segments()) (void)e.Explain(seg.id);
  return 0;
}
