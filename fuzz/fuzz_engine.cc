// (c) Random call sequences on one Engine built from docs/examples/b2b-saas.json
// (embedded at build time, see embed.cmake), either as shipped or with a
// tight retention policy (maxAge 3d, maxEvents 8) so that pruning happens
// within a few calls.
//
// The input is a little program: the first byte picks the config, then each
// op-code byte is followed by its operands, drawn with FuzzedDataProvider
// (identify / declare / track / track burst / advance / explain / reads /
// snapshot+restore into a fresh engine / restore into itself / restore of a
// damaged snapshot / erase). Times are drawn relative to the engine clock so
// windows, retention boundaries, late events and invalid times all occur.
//
// Invariants checked after every op:
//  - a failed call leaves the profile (Snapshot() bytes, which cover all
//    that Export() shows), Segments(), Metrics() and clock() as they were;
//    read-only calls change nothing either;
//  - event_count() <= retention.maxEvents; the clock never moves backwards
//    except through Restore/Erase;
//  - Snapshot() restores into a fresh engine with identical Export(),
//    Segments(), Metrics() and score, and re-snapshots to identical bytes;
//  - restoring an engine's own snapshot changes nothing;
//  - every result that the wasm bindings dump() (Export, Metrics,
//    ScoreBreakdown, AttributeView, Explain) dumps without throwing.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>
#include <vector>

#include "b2b_saas_config.h"
#include "core/json.h"
#include "core/value_codec.h"
#include "engine/trait_keys.h"
#include "leadseg/engine.h"
#include "fuzz_common.h"

using namespace leadseg;

namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int kMaxOps = 64;

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

// ---------------------------------------------------------------------------
// Operand generators. Every string is valid UTF-8: inputs reach the engine
// through ParseJson (which rejects invalid UTF-8) in the bindings, and
// invalid UTF-8 is covered separately by tests/native/bad_input_test.cc.

const char* const kPieces[] = {"a", "b", "/", "/pricing", "/careers", "guide", "demo", "CTO", "IT Manager",
                               "Technology", "security", "google", "cart_add", "purchase", ".", "$", "0",
                               "\xc3\xa9", "\xf0\x9f\x98\x80", "\"", "\\", " "};

std::string GenString(FuzzedDataProvider& p) {
  std::string s;
  int n = p.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    size_t k = p.ConsumeIntegralInRange<size_t>(0, std::size(kPieces));
    if (k == std::size(kPieces)) s.push_back('\0');  // NUL inside a string
    else s += kPieces[k];
  }
  return s;
}

double GenNumber(FuzzedDataProvider& p) {
  static const double kNumbers[] = {0, 1, -1, 2, 3, 5, 10, 15, 25, 30, 40, 60, 100, 150, 500, 1000, 2000,
                                    1e6, 1e7, 1e17, -1e17, 1e308, -1e308, 0.1, 0.5, -0.0, 4.9e-324};
  if (p.ConsumeBool()) return p.PickValueInArray(kNumbers);
  double d = p.ConsumeFloatingPoint<double>();
  return std::isfinite(d) ? d : 0.0;
}

Json GenValue(FuzzedDataProvider& p, int depth) {
  switch (p.ConsumeIntegralInRange(0, depth > 0 ? 7 : 4)) {
    case 0: return nullptr;
    case 1: return p.ConsumeBool();
    case 2: return GenNumber(p);
    case 3:
    case 4: return GenString(p);
    case 5: {
      Json a = Json::array();
      int n = p.ConsumeIntegralInRange(0, 3);
      for (int i = 0; i < n; ++i) a.push_back(GenValue(p, depth - 1));
      return a;
    }
    case 6: {
      Json o = Json::object();
      int n = p.ConsumeIntegralInRange(0, 3);
      for (int i = 0; i < n; ++i) o[GenString(p)] = GenValue(p, depth - 1);
      return o;
    }
    default: {
      // A deep chain of arrays: nesting limits (frames: 64, JSON: 128).
      Json v = GenValue(p, 0);
      int levels = p.ConsumeIntegralInRange(1, 140);
      for (int i = 0; i < levels; ++i) v = Json::array({std::move(v)});
      return v;
    }
  }
}

const char* const kTraitKeys[] = {"job_title", "industry", "age", "annual_revenue", "company_size",
                                  "newsletter_subscribed", "country", "other", "", "score", "segments",
                                  "pricing_views_2d", "declared", "a.b"};

Json GenTraits(FuzzedDataProvider& p) {
  Json t = Json::object();
  int n = p.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    std::string key = p.ConsumeBool() ? std::string(p.PickValueInArray(kTraitKeys)) : GenString(p);
    switch (p.ConsumeIntegralInRange(0, 3)) {
      case 0: t[key] = GenValue(p, 3); break;
      case 1: t[key] = GenNumber(p); break;
      case 2: t[key] = p.PickValueInArray({"CTO", "IT Manager", "CEO", "Technology", "Software", "US"}); break;
      default: t[key] = nullptr; break;
    }
  }
  if (p.ConsumeIntegralInRange(0, 15) == 0) return GenValue(p, 2);  // usually not an object
  return t;
}

const char* const kEventTypes[] = {"page_view", "email_open", "download",   "session_start", "cart_add",
                                   "purchase",  "form_submit", "webinar_attended", "other", ""};
const char* const kPropKeys[] = {"path", "category", "value", "amount", "utm_source", "form", "type", "x"};

Json GenProps(FuzzedDataProvider& p) {
  switch (p.ConsumeIntegralInRange(0, 9)) {
    case 0: return nullptr;
    case 1: return GenValue(p, 2);  // maybe not an object
    default: break;
  }
  Json o = Json::object();
  int n = p.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    std::string key = p.ConsumeBool() ? std::string(p.PickValueInArray(kPropKeys)) : GenString(p);
    switch (p.ConsumeIntegralInRange(0, 4)) {
      case 0: o[key] = p.PickValueInArray({"/pricing", "/pricing/enterprise", "/careers", "/docs", "guide", "demo",
                                           "google", "bing"}); break;
      case 1: o[key] = GenNumber(p); break;
      default: o[key] = GenValue(p, 3); break;
    }
  }
  return o;
}

std::string GenEventType(FuzzedDataProvider& p) {
  switch (p.ConsumeIntegralInRange(0, 15)) {
    case 0: return GenString(p);
    case 1: return std::string(129, 't');  // over kMaxEventTypeBytes
    default: return p.PickValueInArray(kEventTypes);
  }
}

TimeMs GenTime(FuzzedDataProvider& p, TimeMs clock) {
  const TimeMs base = clock > 0 ? clock : kT0;
  switch (p.ConsumeIntegralInRange(0, 15)) {
    case 0: return base;
    case 1: return base + p.ConsumeIntegralInRange<TimeMs>(0, 2 * kHour);
    case 2: return base + p.ConsumeIntegralInRange<TimeMs>(0, 40 * kDay);
    case 3: return base - p.ConsumeIntegralInRange<TimeMs>(0, 5 * kDay);  // late event
    case 4: return base + p.PickValueInArray({kHour, 2 * kDay, 2 * kDay + 1, 3 * kDay, 3 * kDay + 1, 30 * kDay,
                                              365 * kDay, 400 * kDay, 400 * kDay + 1});
    case 5: return base - p.PickValueInArray({3 * kDay, 3 * kDay + 1, 400 * kDay, 400 * kDay + 1});
    case 6: return p.PickValueInArray<TimeMs>({-1, 0, kMaxTime, kMaxTime + 1, INT64_MIN, INT64_MAX,
                                               kT0, 1767225600});  // the last: seconds, not ms
    case 7: return base + p.ConsumeIntegralInRange<TimeMs>(0, 500 * kDay);
    default: return base + p.ConsumeIntegralInRange<TimeMs>(0, kDay);
  }
}

// ---------------------------------------------------------------------------

// The state a failed call must leave alone. The snapshot bytes hold the
// whole profile (what Export() shows: attributes, declarations, events,
// clock) plus the archives, score and lifecycle state, and are much cheaper
// to take before every op than Export(); metrics and segments cover the
// derived state the snapshot does not store.
struct State {
  std::string snapshot;
  Json metrics;
  std::vector<std::string> segments;
  TimeMs clock;
};

State Capture(const Engine& e) { return State{e.Snapshot(), e.Metrics(), e.Segments(), e.clock()}; }

void ExpectUnchanged(const Engine& e, const State& before, const char* op, const Status& why) {
  State after = Capture(e);
  std::string context = std::string(op) + (why.ok() ? std::string() : " failed (" + why.ToString() + ") but") +
                        " changed ";
  FUZZ_CHECK(after.clock == before.clock, context + "the clock");
  FUZZ_CHECK(after.snapshot == before.snapshot, context + "the profile (snapshot bytes differ)");
  FUZZ_CHECK(after.segments == before.segments, context + "the segments");
  FUZZ_CHECK(after.metrics == before.metrics, context + "the metrics: " + fuzz::Dump(before.metrics) + " -> " +
                                                  fuzz::Dump(after.metrics));
}

void CheckInvariants(const Engine& e) {
  FUZZ_CHECK(e.event_count() <= e.config().retention().max_events, "the event log exceeds maxEvents");
  FUZZ_CHECK(e.membership().size() == e.config().segments().size(), "membership has the wrong size");
}

void CheckDumps(const Engine& e) {
  FUZZ_CHECK(fuzz::DumpsCleanly(e.Export()), "Export() does not dump (invalid UTF-8)");
  FUZZ_CHECK(fuzz::DumpsCleanly(e.Metrics()), "Metrics() does not dump");
  FUZZ_CHECK(fuzz::DumpsCleanly(e.ScoreBreakdown()), "ScoreBreakdown() does not dump");
  FUZZ_CHECK(fuzz::DumpsCleanly(e.AttributeView()), "AttributeView() does not dump");
}

// Snapshot -> Restore into a fresh engine reproduces everything observable.
std::unique_ptr<Engine> CheckRoundTrip(const Engine& e, const std::shared_ptr<const CompiledConfig>& config) {
  std::string snap = e.Snapshot();
  auto f = std::make_unique<Engine>(config);
  Status s = f->Restore(snap);
  FUZZ_CHECK(s.ok(), "an engine's own snapshot does not restore: " + s.ToString() + "\nexport: " +
                         fuzz::Dump(e.Export()).substr(0, 4000));
  FUZZ_CHECK(f->Export() == e.Export(), "restore changed the export");
  FUZZ_CHECK(f->Segments() == e.Segments(), "restore changed the segments");
  FUZZ_CHECK(f->Metrics() == e.Metrics(), "restore changed the metrics: " + fuzz::Dump(e.Metrics()) + " vs " +
                                              fuzz::Dump(f->Metrics()));
  Json a = e.ScoreBreakdown(), b = f->ScoreBreakdown();
  FUZZ_CHECK(a["score"] == b["score"] && a["grade"] == b["grade"] && a["stage"] == b["stage"] &&
                 a["temperature"] == b["temperature"],
             "restore changed the score: " + fuzz::Dump(a) + " vs " + fuzz::Dump(b));
  FUZZ_CHECK(f->Snapshot() == snap, "a restored engine snapshots to different bytes");
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider p(data, size);
  const Configs& configs = GetConfigs();
  const auto& config = p.ConsumeBool() ? configs.tight : configs.shipped;
  auto engine = std::make_unique<Engine>(config);
  std::vector<std::string> segment_ids;
  for (const auto& s : config->segments()) segment_ids.push_back(s.id);

  // IdentifyNamedValues' names, kept from one call to the next as the
  // binding keeps them, so that a version outlives calls (and the stored
  // attributes' changes in between) as it does on a page.
  TraitKeys keys;

  for (int op_index = 0; op_index < kMaxOps && p.remaining_bytes() > 0; ++op_index) {
    Engine& e = *engine;
    const State before = Capture(e);
    const uint8_t op = p.ConsumeIntegral<uint8_t>() % 16;
    const char* name = "?";
    Status status;
    bool mutating = true;
    switch (op) {
      case 0:
      case 1: {
        name = "Identify";
        Json traits = GenTraits(p);
        // Sometimes new values for the names kept last (a page's usual call).
        if (op == 1 && keys.kept() && p.ConsumeBool()) {
          traits = Json::object();
          for (const std::string& key : keys.names()) traits[key] = p.ConsumeBool() ? Json(GenNumber(p)) : GenValue(p, 2);
        }
        if (op == 1 && traits.is_object()) {
          // As the JavaScript package sends traits named as the call
          // before: the values alone, named by a whole frame's kept names
          // (engine/trait_keys.h); sometimes a value short, which must fail
          // and change nothing.
          name = "IdentifyNamedValues";
          Document doc;
          const Value object = doc.Add(traits);
          std::string frame;
          EncodeValue(object, &frame);
          // The names are kept of every object frame the decoder accepts.
          // It refuses one nested deeper than attributes may be (GenValue's
          // chains of arrays), which the JavaScript package never sends
          // whole: it writes a kept frame only from flat traits (scalars
          // and arrays of scalars, FrameWriter.flatObject). Such a frame
          // keeps nothing, and values sent after it must fail.
          Document decoded;
          const bool accepted =
              DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), &decoded, kMaxJsonDepth + 1)
                  .ok();
          // The same names keep their version; other names are kept anew.
          bool same_names = accepted && keys.kept() && keys.names().size() == object.size();
          for (uint32_t i = 0; same_names && i < object.size(); ++i) same_names = keys.names()[i] == object.key_at(i);
          if (!same_names) keys.Keep(frame);
          if (accepted) {
            FUZZ_CHECK(keys.kept() && keys.names().size() == object.size(), "an object frame's names were not kept");
          } else {
            FUZZ_CHECK(!keys.kept() && keys.names().empty(), "a refused frame's names were kept");
            FUZZ_CHECK(!e.IdentifyFrame(frame, GenTime(p, e.clock())).ok(), "a frame the decoder refuses was taken");
          }
          // Sometimes a value short (after a refused frame, never: with no
          // names kept, no values at all would be a whole empty object).
          const uint32_t n = accepted && object.size() > 0 && p.ConsumeIntegralInRange(0, 7) == 0 ? object.size() - 1
                                                                                              : object.size();
          std::string values = frame.substr(0, 1);
          for (int i = 0; i < 4; ++i) values.push_back(static_cast<char>(n >> (8 * i)));
          for (uint32_t i = 0; i < n; ++i) EncodeValue(object.value_at(i), &values);
          // The binding sends no values to the engine without kept names
          // (bindings/engine.cc, Encoding::kSameKeys); the engine itself
          // must refuse them too, as values without their names.
          const uint64_t version = p.ConsumeBool() ? keys.version() : 0;
          status = e.IdentifyNamedValues(keys.names(), values, GenTime(p, e.clock()), version).status();
          FUZZ_CHECK(n == object.size() || !status.ok(), "values without one of their names were taken");
          FUZZ_CHECK(accepted || !status.ok(), "values were taken after a refused frame");
          break;
        }
        status = e.Identify(traits, GenTime(p, e.clock())).status();
        break;
      }
      case 2: {
        name = "Declare";
        std::string key = p.ConsumeIntegralInRange(0, 7) == 0
                              ? (p.ConsumeBool() ? std::string() : std::string(129, 'k'))
                              : (p.ConsumeBool() ? std::string("interests") : GenString(p));
        Json value = p.ConsumeIntegralInRange(0, 4) == 0 ? Json(nullptr)
                     : p.ConsumeBool() ? Json::array({p.PickValueInArray({"security", "compliance", "api"})})
                                       : GenValue(p, 3);
        status = e.Declare(key, value, GenTime(p, e.clock())).status();
        break;
      }
      case 3:
      case 4:
      case 5:
      case 6: {
        name = "Track";
        std::string type = GenEventType(p);
        Json props = GenProps(p);
        status = e.Track(type, props, GenTime(p, e.clock())).status();
        break;
      }
      case 7: {
        // A burst of events: reaches maxEvents pruning quickly.
        name = "Track burst";
        std::string type = GenEventType(p);
        Json props = GenProps(p);
        int n = p.ConsumeIntegralInRange(2, 10);
        TimeMs step = p.PickValueInArray<TimeMs>({0, 1, kMinute, kHour, kDay});
        TimeMs t = GenTime(p, e.clock());
        for (int i = 0; i < n; ++i) {
          State each = Capture(e);
          // Invalid base times (INT64_MAX...) stay as they are: no overflow.
          const TimeMs ti = t < 0 || t > kMaxTime ? t : t + step * i;
          Status s = e.Track(type, props, ti).status();
          if (!s.ok()) ExpectUnchanged(e, each, name, s);
          CheckInvariants(e);
        }
        mutating = false;  // checked per event above
        break;
      }
      case 8:
      case 9: {
        name = "Advance";
        status = e.Advance(GenTime(p, e.clock())).status();
        break;
      }
      case 10: {
        name = "Explain";
        std::string id = p.ConsumeIntegralInRange(0, 7) == 0 ? GenString(p) : segment_ids[p.ConsumeIntegralInRange<size_t>(0, segment_ids.size() - 1)];
        auto x = e.Explain(id);
        if (x.ok()) FUZZ_CHECK(fuzz::DumpsCleanly(*x), "Explain() does not dump");
        mutating = false;
        ExpectUnchanged(e, before, name, Status());
        break;
      }
      case 11: {
        name = "reads";
        CheckDumps(e);
        (void)e.AttributeView();
        (void)e.ScoreBreakdown();
        mutating = false;
        ExpectUnchanged(e, before, name, Status());
        break;
      }
      case 12:
      case 13: {
        name = "Snapshot/Restore into a fresh engine";
        auto restored = CheckRoundTrip(e, config);
        // Half of the time, carry on with the restored engine.
        if (p.ConsumeBool()) engine = std::move(restored);
        mutating = false;
        break;
      }
      case 14: {
        name = "Restore of a damaged snapshot";
        std::string snap = e.Snapshot();
        switch (p.ConsumeIntegralInRange(0, 3)) {
          case 0: snap.resize(p.ConsumeIntegralInRange<size_t>(0, snap.size())); break;
          case 1: {
            size_t at = p.ConsumeIntegralInRange<size_t>(0, snap.size() - 1);
            snap[at] = static_cast<char>(snap[at] ^ (1u << p.ConsumeIntegralInRange(0, 7)));
            break;
          }
          // another version byte: 0, format 1 (which needs the upgrade), a
          // future one, or (by chance) the current one
          case 2: snap[4] = static_cast<char>(p.ConsumeIntegralInRange(0, 255)); break;
          default: break;  // the snapshot itself: restoring it must change nothing
        }
        status = e.Restore(snap);
        if (status.ok()) ExpectUnchanged(e, before, "Restore of an own (or equivalent) snapshot", status);
        break;
      }
      default: {
        if (p.ConsumeIntegralInRange(0, 3) != 0) {
          mutating = false;
          break;
        }
        name = "Erase";
        e.Erase();
        FUZZ_CHECK(e.event_count() == 0 && e.Export()["attributes"].empty(), "Erase left data behind");
        mutating = false;
        break;
      }
    }
    if (mutating) {
      if (!status.ok()) {
        FUZZ_CHECK(!status.message().empty(), std::string(name) + " failed without a message");
        ExpectUnchanged(*engine, before, name, status);
      } else if (op != 14) {
        FUZZ_CHECK(engine->clock() >= before.clock, std::string(name) + " moved the clock backwards");
      }
    }
    CheckInvariants(*engine);
  }
  CheckDumps(*engine);
  CheckRoundTrip(*engine, config);
  return 0;
}
