// Embind glue: the only place that knows about JavaScript.
//
// Convention: a function that can fail returns either its result or an
// error record {__leadsegError: message, path}; bindings/errors.post.js
// turns records into thrown JavaScript Errors (with `.path`). Throwing from
// C++ directly would skip destructors of everything on the wasm stack, and a
// C++ exception would reach JavaScript as a bare number.
//
// Hot paths avoid `val` and strings altogether: attributes arrive as a
// binary frame written by frame.post.js into a buffer this module owns,
// and results go out through a byte buffer JavaScript reads in place.
//
// Two modules are linked from this file (cmake/LeadsegWasm.cmake):
//  - the full module (web/dist/leadseg.*): everything below;
//  - the runtime module (web/dist/leadseg-runtime.*), compiled with
//    LEADSEG_RUNTIME_MODULE: only what a visitor's page needs, an Engine
//    loaded from a compiled config (loadCompiled). The config compiler,
//    the regex compiler (compiled configs hold regex programs), Segmenter,
//    evalCondition, jsonLogicApply and the conformance runner are left
//    out, and with them the code only they reach.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "compiled/compiled_config.h"
#include "conditions/condition.h"
#include "config/config.h"
#ifndef LEADSEG_RUNTIME_MODULE
#include "conditions/jsonlogic.h"
#include "conformance/conformance.h"
#include "profile/snapshot_v1.h"
#endif
#include "core/duration.h"
#include "core/json.h"
#include "core/value_codec.h"
#include "core/value_json.h"
#include "core/value_writer.h"
#include "engine/engine.h"
#include "error_records.h"

using emscripten::val;

namespace leadseg {
namespace {

#ifndef LEADSEG_RUNTIME_MODULE
// jsonLogicApply's result leaves as JSON text through here. The core refuses
// invalid UTF-8 on the way in; should any reach a result anyway, it is
// replaced (U+FFFD) instead of nlohmann throwing a C++ exception, which
// would reach JavaScript as a bare number and skip the destructors on the
// wasm stack. (The engine's documents leave as value frames instead.)
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
#endif

// Strings that reach the engine without going through ParseJson (event
// types, declaration keys, slot ids, goals, ...). From JavaScript strings
// embind writes UTF-8, but a Uint8Array passed for a std::string arrives
// as raw bytes.
Status CheckUtf8(const std::string& s, const char* what) {
  if (IsValidUtf8(s)) return Status::Ok();
  return InvalidArgument(std::string(what) + " is not valid UTF-8");
}

std::string Version() { return LEADSEG_VERSION_STRING; }

#ifndef LEADSEG_RUNTIME_MODULE
// The module's memory: the WebAssembly.Memory size (it only grows), the
// top of the sbrk heap, and what malloc has handed out and not freed.
val MemoryStats() {
  struct mallinfo info = mallinfo();
  val out = val::object();
  out.set("memoryBytes", val(static_cast<double>(emscripten_get_heap_size())));
  out.set("sbrkBytes", val(static_cast<double>(reinterpret_cast<uintptr_t>(sbrk(0)))));
  out.set("heapInUseBytes", val(static_cast<double>(info.uordblks)));
  out.set("heapFreeBytes", val(static_cast<double>(info.fordblks)));
  return out;
}

val EvalCondition(const std::string& condition_json, const std::string& attributes_json,
                  const std::string& saved_groups_json) {
  auto condition = ParseJson(condition_json, "condition");
  if (!condition.ok()) return ErrorRecord(condition.status());
  auto attributes = ParseJson(attributes_json.empty() ? "{}" : attributes_json, "attributes");
  if (!attributes.ok()) return ErrorRecord(attributes.status());
  if (!attributes->is_object()) return ErrorRecord(InvalidArgument("attributes must be a JSON object"));
  auto groups = ParseJson(saved_groups_json.empty() ? "{}" : saved_groups_json, "savedGroups");
  if (!groups.ok()) return ErrorRecord(groups.status());
  AttributeSchema schema;
  ConditionOptions options;
  options.saved_groups = &*groups;
  options.strict = true;
  auto compiled = Condition::Compile(*condition, &schema, options);
  if (!compiled.ok()) return ErrorRecord(compiled.status());
  Document doc;
  AttributeSet set(&schema);
  set.Clear();
  set.SetFromObject(doc.Add(*attributes));
  return val(compiled->Evaluate(set));
}

val JsonLogicApply(const std::string& rule_json, const std::string& data_json) {
  auto rule = ParseJson(rule_json, "rule");
  if (!rule.ok()) return ErrorRecord(rule.status());
  auto data = ParseJson(data_json.empty() ? "null" : data_json, "data");
  if (!data.ok()) return ErrorRecord(data.status());
  auto logic = JsonLogic::Compile(*rule);
  if (!logic.ok()) return ErrorRecord(logic.status());
  Document doc;
  Value result = logic->Apply(doc.Add(*data), &doc);
  return val(Dump(result.ToJson()));
}

val RunConformanceText(const std::string& text) {
  auto report = RunConformance(text);
  if (!report.ok()) return ErrorRecord(report.status());
  return val(report->Format(false));
}

// Many segments evaluated against one attribute set at a time: the
// building block of batch segmentation and of the benchmark.
class Segmenter {
 public:
  Segmenter() : attributes_(&empty_schema_) {}

  // Compiles a config and replaces the current one. On error the current
  // config stays in place and an error record (with every diagnostic) is
  // returned.
  val Load(const std::string& config_json) {
    Diagnostics diagnostics;
    auto config = CompileConfigText(config_json, &diagnostics);
    if (!config) return ErrorRecord(diagnostics);
    config_ = std::move(config);
    attributes_ = AttributeSet(&config_->schema());
    out_.assign(config_->segments().size(), 0);
    val warnings = val::array();
    for (const auto& d : diagnostics.all()) warnings.call<void>("push", val(d.message + (d.path.empty() ? "" : " (at " + d.path + ")")));
    return warnings;
  }

  // Attribute names by slot: the order the frame encoder uses.
  val Schema() const {
    val names = val::array();
    for (const auto& n : config_->schema().names()) names.call<void>("push", val(n));
    return names;
  }
  val SegmentIds() const {
    val ids = val::array();
    for (const auto& s : config_->segments()) ids.call<void>("push", val(s.id));
    return ids;
  }
  int segmentCount() const { return static_cast<int>(config_->segments().size()); }

  // Returns the address of a frame buffer of at least `bytes` bytes. The
  // address changes only when the buffer grows.
  uintptr_t FrameBuffer(size_t bytes) {
    if (frame_.size() < bytes) frame_.resize(bytes);
    return reinterpret_cast<uintptr_t>(frame_.data());
  }
  // Address of the memberships (one byte per segment) of the last call.
  uintptr_t ResultBuffer() {
    out_.resize(config_->segments().size());
    return reinterpret_cast<uintptr_t>(out_.data());
  }

  // Evaluates the frame in the frame buffer: returns the segment count, or
  // -1 after which LastError() says why.
  int EvaluateFrame(size_t bytes) {
    arena_.Clear();
    Status s = DecodeFrame(frame_.data(), bytes, &arena_, &attributes_);
    if (!s.ok()) {
      last_error_ = s;
      return -1;
    }
    config_->EvaluateSegments(&attributes_, &arena_, &out_);
    return static_cast<int>(out_.size());
  }

  // Convenience path: attributes as JSON text. Returns an array of ids.
  val EvaluateJson(const std::string& attributes_json) {
    auto attributes = ParseJson(attributes_json, "attributes");
    if (!attributes.ok()) return ErrorRecord(attributes.status());
    if (!attributes->is_object()) return ErrorRecord(InvalidArgument("attributes must be a JSON object"));
    arena_.Clear();
    attributes_.Clear();
    attributes_.SetFromObject(arena_.Add(*attributes));
    config_->EvaluateSegments(&attributes_, &arena_, &out_);
    val ids = val::array();
    for (size_t i = 0; i < out_.size(); ++i) {
      if (out_[i]) ids.call<void>("push", val(config_->segments()[i].id));
    }
    return ids;
  }

  val LastError() const { return ErrorRecord(last_error_); }

 private:
  AttributeSchema empty_schema_;
  std::unique_ptr<CompiledConfig> config_ = std::make_unique<CompiledConfig>();
  Document arena_;
  AttributeSet attributes_;
  std::vector<uint8_t> frame_;
  std::vector<uint8_t> out_;
  Status last_error_;
};

// JSON config text -> compiled config bytes (docs/compiled-config.md), with
// the errors of Engine.load(json): {bytes: Uint8Array, warnings}.
val CompileConfigToBytes(const std::string& config_json) {
  Diagnostics diagnostics;
  auto config = CompileConfigText(config_json, &diagnostics);
  if (!config) return ErrorRecord(diagnostics);
  std::string bytes = EncodeCompiledConfig(*config, diagnostics);
  val out = val::object();
  val view = val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data())));
  out.set("bytes", val::global("Uint8Array").new_(view));
  out.set("warnings", WarningsToVal(diagnostics.all()));
  return out;
}

// Snapshot format 1 -> format 2 (profile/snapshot_v1.h): the web package
// calls it, once, for a profile stored before format 2, so that the runtime
// module can restore it. Other bytes come back unchanged.
val UpgradeSnapshotBytes(const val& bytes) {
  std::vector<uint8_t> raw = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
  auto upgraded = UpgradeSnapshot(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  if (!upgraded.ok()) return ErrorRecord(upgraded.status());
  val view = val(emscripten::typed_memory_view(upgraded->size(), reinterpret_cast<const uint8_t*>(upgraded->data())));
  return val::global("Uint8Array").new_(view);
}
#endif  // LEADSEG_RUNTIME_MODULE

// What the JavaScript layer reads of a config, from the compiled config
// (so it never parses or re-derives the JSON): segment names, slot
// defaults, experiment variants, retention.
val ConfigFacts(const CompiledConfig& config) {
  val segments = val::array();
  for (const auto& s : config.segments()) {
    val item = val::object();
    item.set("id", val(s.id));
    item.set("name", val(s.name.empty() ? s.id : s.name));
    segments.call<void>("push", item);
  }
  val slots = val::array();
  val experiments = val::object();
  for (const auto& s : config.slots()) {
    val item = val::object();
    item.set("id", val(s.id));
    item.set("default", val(s.variants[static_cast<size_t>(s.default_variant)].id));
    slots.call<void>("push", item);
    if (s.experiment) {
      val variants = val::array();
      for (int v : s.experiment->variants) variants.call<void>("push", val(s.variants[static_cast<size_t>(v)].id));
      experiments.set(s.experiment->key, variants);
    }
  }
  val retention = val::object();
  const RetentionSpec& r = config.retention();
  retention.set("maxAge", r.max_age == kForever ? val::null() : val(static_cast<double>(r.max_age)));
  retention.set("maxEvents", val(static_cast<double>(r.max_events)));
  val out = val::object();
  out.set("segments", segments);
  out.set("slots", slots);
  out.set("experiments", experiments);
  out.set("retention", retention);
  return out;
}

val ChangesToVal(const SegmentChanges& changes) {
  val out = val::object();
  val entered = val::array();
  val exited = val::array();
  for (const auto& id : changes.entered) entered.call<void>("push", val(id));
  for (const auto& id : changes.exited) exited.call<void>("push", val(id));
  out.set("entered", entered);
  out.set("exited", exited);
  val stages = val::array();
  for (const auto& c : changes.stages) {
    val change = val::object();
    change.set("from", c.from.empty() ? val::null() : val(c.from));
    change.set("to", val(c.to));
    change.set("at", val(static_cast<double>(c.at)));
    stages.call<void>("push", change);
  }
  out.set("stages", stages);
  out.set("temperature", changes.temperature.empty() ? val::null() : val(changes.temperature));
  out.set("mql", val(changes.mql));
  out.set("sql", val(changes.sql));
  return out;
}

// The changes of a call as bytes (little-endian), decoded by
// bindings/frame.post.js (readChanges) into the object ChangesToVal builds,
// preceded by the engine's clock after the call (so JavaScript needs no
// clock() crossing to date the changes or check the next time):
//   f64                   clock
//   u32 n, n x u32        entered, as indexes into the config's segments
//   u32 n, n x u32        exited, the same (JavaScript has the ids: facts())
//   u32 n, n x (u8 has_from, [string from], string to, f64 at)   stages
//   u8 has_temperature, [string temperature], u8 mql, u8 sql
//   string := u32 byte length, UTF-8 bytes
// Appended whole rather than byte by byte: -Oz calls push_back out of line.
void PutU32(uint32_t v, std::string* out) {
  const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 24)};
  out->append(b, 4);
}
void PutString(const std::string& s, std::string* out) {
  PutU32(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}
void PutF64(double v, std::string* out) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(bits >> (8 * i));
  out->append(b, 8);
}
void EncodeChanges(const SegmentChanges& changes, TimeMs clock, std::string* out) {
  out->clear();
  PutF64(static_cast<double>(clock), out);
  PutU32(static_cast<uint32_t>(changes.entered_indexes.size()), out);
  for (const uint32_t i : changes.entered_indexes) PutU32(i, out);
  PutU32(static_cast<uint32_t>(changes.exited_indexes.size()), out);
  for (const uint32_t i : changes.exited_indexes) PutU32(i, out);
  PutU32(static_cast<uint32_t>(changes.stages.size()), out);
  for (const auto& c : changes.stages) {
    out->push_back(c.from.empty() ? 0 : 1);
    if (!c.from.empty()) PutString(c.from, out);
    PutString(c.to, out);
    PutF64(static_cast<double>(c.at), out);
  }
  out->push_back(changes.temperature.empty() ? 0 : 1);
  if (!changes.temperature.empty()) PutString(changes.temperature, out);
  out->push_back(changes.mql ? 1 : 0);
  out->push_back(changes.sql ? 1 : 0);
}

// A time from JavaScript, checked as a double before it is converted (NaN,
// the infinities and anything beyond int64 cannot be cast): the error is
// the core's own, e.g. "event time is not a finite number".
Result<TimeMs> ToTime(double ms, const char* what) {
  Status s = CheckTimestamp(ms, what);
  if (!s.ok()) return s;
  return static_cast<TimeMs>(ms);
}

// One visitor's engine. Results that are whole documents (explain, export,
// metrics, score, decisions, ...) cross as value frames (core/value_writer.h)
// in a document buffer that frame.post.js decodes (readDocument): no JSON
// text on either side.
class WasmEngine {
 public:
  WasmEngine() = default;

  // A compiled config (Uint8Array). On error the current config (and the
  // visitor) stay as they were. The runtime module links no regex compiler,
  // so it refuses an old-format file that holds regex patterns (compiled/
  // compiled_config.h); the full module compiles them.
  val LoadCompiled(const val& bytes) {
    std::vector<uint8_t> raw = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    const std::string_view view(reinterpret_cast<const char*>(raw.data()), raw.size());
#ifdef LEADSEG_RUNTIME_MODULE
    auto loaded = DecodeCompiledConfigForRuntime(view);
#else
    auto loaded = DecodeCompiledConfig(view);
#endif
    if (!loaded.ok()) return ErrorRecord(loaded.status());
    auto next = std::make_unique<Engine>(loaded->config);
    if (Status s = CarryOver(next.get()); !s.ok()) return ErrorRecord(s);
    engine_ = std::move(next);
    return WarningsToVal(loaded->warnings);
  }

  val Facts() const { return engine_ ? ConfigFacts(engine_->config()) : NotLoaded(); }

#ifndef LEADSEG_RUNTIME_MODULE
  val Load(const std::string& config_json) {
    Diagnostics diagnostics;
    auto config = CompileConfigText(config_json, &diagnostics);
    if (!config) return ErrorRecord(diagnostics);
    auto next = std::make_unique<Engine>(std::shared_ptr<const CompiledConfig>(std::move(config)));
    if (Status s = CarryOver(next.get()); !s.ok()) return ErrorRecord(s);
    engine_ = std::move(next);
    return WarningsToVal(diagnostics.all());
  }
#endif  // LEADSEG_RUNTIME_MODULE

  // The JSON-text methods (tab sync, the journal replay, values as deep as
  // the limits): read by core/value_json.h, not nlohmann, with the same
  // messages as ParseJson.
  val Identify(const std::string& traits_json, double now) {
    if (!engine_) return NotLoaded();
    auto at = ToTime(now, "time");
    if (!at.ok()) return ErrorRecord(at.status());
    Document arena;
    auto traits = ParseJsonValue(traits_json, &arena, "attributes");
    if (!traits.ok()) return ErrorRecord(traits.status());
    return Changes(engine_->Identify(*traits, *at));
  }

  val Declare(const std::string& key, const std::string& value_json, double now) {
    if (!engine_) return NotLoaded();
    if (Status s = CheckUtf8(key, "a declaration key"); !s.ok()) return ErrorRecord(s);
    auto at = ToTime(now, "time");
    if (!at.ok()) return ErrorRecord(at.status());
    Document arena;
    auto value = ParseJsonValue(value_json, &arena, "declaration");
    if (!value.ok()) return ErrorRecord(value.status());
    return Changes(engine_->Declare(key, *value, *at));
  }

  val Track(const std::string& type, const std::string& props_json, double ts) {
    if (!engine_) return NotLoaded();
    if (Status s = CheckUtf8(type, "an event type"); !s.ok()) return ErrorRecord(s);
    auto at = ToTime(ts, "event time");
    if (!at.ok()) return ErrorRecord(at.status());
    Document arena;
    auto props = ParseJsonValue(props_json.empty() ? "{}" : props_json, &arena, "event properties");
    if (!props.ok()) return ErrorRecord(props.status());
    return Changes(engine_->Track(type, *props, *at));
  }

  // Event properties as a value frame (bindings/frame.post.js writes it
  // into FrameBuffer: Engine.prototype.trackObject), not JSON text.
  uintptr_t FrameBuffer(size_t bytes) {
    if (frame_.size() < bytes) frame_.resize(bytes);
    return reinterpret_cast<uintptr_t>(frame_.data());
  }
  // The changes go out encoded in a result buffer (EncodeChanges), not as
  // embind objects: returns its address, or 0 after which LastError() says
  // why (the hot path allocates no error record).
  uintptr_t TrackFrame(const std::string& type, size_t bytes, double ts) {
    if (!engine_) return Fail(FailedPrecondition("no config loaded: call load(config) first"));
    if (Status s = CheckUtf8(type, "an event type"); !s.ok()) return Fail(s);
    if (bytes > frame_.size()) return Fail(InvalidArgument("event frame is larger than its buffer"));
    auto at = ToTime(ts, "event time");
    if (!at.ok()) return Fail(at.status());
    return Reply(engine_->TrackFrame(type, Frame(bytes), *at));
  }
  // The same with the event type's bytes after the props frame in the
  // frame buffer ([0, props_bytes) the frame, [props_bytes, bytes) the
  // type): frame.post.js sends ASCII types this way, so an event makes no
  // embind std::string (a malloc, a copy and a free per call).
  uintptr_t TrackTypedFrame(size_t props_bytes, size_t bytes, double ts) {
    if (!engine_) return Fail(FailedPrecondition("no config loaded: call load(config) first"));
    if (bytes > frame_.size() || props_bytes > bytes) return Fail(InvalidArgument("event frame is larger than its buffer"));
    auto at = ToTime(ts, "event time");
    if (!at.ok()) return Fail(at.status());
    const std::string_view type(reinterpret_cast<const char*>(frame_.data()) + props_bytes, bytes - props_bytes);
    return Reply(engine_->TrackFrame(type, Frame(props_bytes), *at));
  }
  // identify / declare with the value as a frame (frame.post.js:
  // identifyObject, declareObject), the changes in the result buffer.
  uintptr_t IdentifyFrame(size_t bytes, double now) {
    if (!engine_) return Fail(FailedPrecondition("no config loaded: call load(config) first"));
    if (bytes > frame_.size()) return Fail(InvalidArgument("attribute frame is larger than its buffer"));
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return Reply(engine_->IdentifyFrame(Frame(bytes), *at));
  }
  uintptr_t DeclareFrame(const std::string& key, size_t bytes, double now) {
    if (!engine_) return Fail(FailedPrecondition("no config loaded: call load(config) first"));
    if (Status s = CheckUtf8(key, "a declaration key"); !s.ok()) return Fail(s);
    if (bytes > frame_.size()) return Fail(InvalidArgument("declaration frame is larger than its buffer"));
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return Reply(engine_->DeclareFrame(key, Frame(bytes), *at));
  }
  // advance, the changes in the result buffer (frame.post.js: advanceTo).
  uintptr_t AdvanceResult(double now) {
    if (!engine_) return Fail(FailedPrecondition("no config loaded: call load(config) first"));
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return Reply(engine_->Advance(*at));
  }
  val LastError() const { return ErrorRecord(last_error_); }

  val Advance(double now) {
    if (!engine_) return NotLoaded();
    auto at = ToTime(now, "time");
    if (!at.ok()) return ErrorRecord(at.status());
    return Changes(engine_->Advance(*at));
  }

  // The member segments' indexes in the result buffer (a u32 count, then
  // a u32 each, little-endian): frame.post.js maps them to the ids facts()
  // listed, so a call converts no id string. 0 when no config is loaded.
  uintptr_t SegmentIndexes() {
    if (!engine_) return 0;
    const std::vector<uint8_t>& membership = engine_->membership();
    // Sized once and written in place: at -Oz a push_back per byte is a call.
    result_.resize(4 + 4 * membership.size());
    char* out = &result_[0];
    uint32_t count = 0;
    for (uint32_t i = 0; i < membership.size(); ++i) {
      if (membership[i]) std::memcpy(out + 4 + 4 * count++, &i, 4);  // wasm is little-endian
    }
    std::memcpy(out, &count, 4);
    return reinterpret_cast<uintptr_t>(result_.data());
  }

  // The changes a fresh profile started with at load(): the segments that
  // hold before any call, as {entered, exited, stages, ...}. Empty after a
  // reload that kept the visitor, and after restore().
  val InitialChanges() const { return engine_ ? ChangesToVal(engine_->initial_changes()) : NotLoaded(); }

  // Documents: the address of the frame in the document buffer, or 0 after
  // which LastError() says why (as for the result buffer).
  uintptr_t Metrics() {
    return WriteDocument([&](ValueWriter* w) { engine_->Metrics(w); return Status::Ok(); });
  }
  uintptr_t Score() {
    return WriteDocument([&](ValueWriter* w) { engine_->ScoreBreakdown(w); return Status::Ok(); });
  }
  uintptr_t Attributes() {
    return WriteDocument([&](ValueWriter* w) { engine_->AttributeView(w); return Status::Ok(); });
  }
  uintptr_t Export() {
    return WriteDocument([&](ValueWriter* w) { engine_->Export(w); return Status::Ok(); });
  }
  double Clock() const { return engine_ ? static_cast<double>(engine_->clock()) : 0; }
  int EventCount() const { return engine_ ? static_cast<int>(engine_->event_count()) : 0; }

  uintptr_t Explain(const std::string& segment_id) {
    if (!engine_) return Fail(NotLoadedStatus());
    if (Status s = CheckUtf8(segment_id, "a segment id"); !s.ok()) return Fail(s);
    return WriteDocument([&](ValueWriter* w) { return engine_->Explain(segment_id, w); });
  }

  val Snapshot() const {
    if (!engine_) return NotLoaded();
    std::string bytes = engine_->Snapshot();
    // Copy out: a view into wasm memory would be invalidated by growth.
    val view = val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data())));
    return val::global("Uint8Array").new_(view);
  }

  // Snapshot format 1 (JSON text inside) is converted here in the full
  // module; the runtime module, which links no converter, refuses it and
  // says where it is read (the web package converts it first:
  // web/src/profile-storage.js).
  val Restore(const val& bytes) {
    if (!engine_) return NotLoaded();
    std::vector<uint8_t> raw = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
    std::string data(raw.begin(), raw.end());
#ifndef LEADSEG_RUNTIME_MODULE
    auto upgraded = UpgradeSnapshot(data);
    if (!upgraded.ok()) return ErrorRecord(upgraded.status());
    data = std::move(upgraded).value();
#endif
    Status s = engine_->Restore(data);
    if (!s.ok()) return ErrorRecord(s);
    return val(true);
  }

  void Erase() {
    if (engine_) engine_->Erase();
  }

  val SetVisitorId(const std::string& id) {
    if (!engine_) return NotLoaded();
    if (Status u = CheckUtf8(id, "a visitor id"); !u.ok()) return ErrorRecord(u);
    Status s = engine_->SetVisitorId(id);
    return s.ok() ? val(true) : ErrorRecord(s);
  }

  uintptr_t Decide(const std::string& slot, double now) { return DecideSlot(slot, now, /*record=*/true); }
  // The variant Decide would return, recording nothing.
  uintptr_t Peek(const std::string& slot, double now) { return DecideSlot(slot, now, /*record=*/false); }

  uintptr_t Convert(const std::string& goal, double now) {
    if (!engine_) return Fail(NotLoadedStatus());
    if (Status s = CheckUtf8(goal, "a goal"); !s.ok()) return Fail(s);
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return WriteDocument([&](ValueWriter* w) { return engine_->Convert(goal, *at, w); });
  }

  val AddAggregateCounts(const std::string& experiment, const std::string& counts_json) {
    if (!engine_) return NotLoaded();
    if (Status s = CheckUtf8(experiment, "an experiment key"); !s.ok()) return ErrorRecord(s);
    Document arena;
    auto counts = ParseJsonValue(counts_json, &arena, "counts");
    if (!counts.ok()) return ErrorRecord(counts.status());
    Status s = engine_->AddAggregateCounts(experiment, *counts);
    return s.ok() ? val(true) : ErrorRecord(s);
  }

#ifndef LEADSEG_RUNTIME_MODULE
  // Headline numbers for batch segmentation (web/src/batch.js, on the full
  // module), as a plain object (no JSON).
  val Summary() const {
    if (!engine_) return NotLoaded();
    Engine::LeadSummary s = engine_->Summary();
    val out = val::object();
    out.set("score", std::isnan(s.score) ? val::null() : val(s.score));
    auto text = [](const std::string& t) { return t.empty() ? val::null() : val(t); };
    out.set("grade", text(s.grade));
    out.set("leadCell", text(s.lead_cell));
    out.set("temperature", text(s.temperature));
    out.set("stage", text(s.stage));
    out.set("mql", s.mql);
    out.set("sql", s.sql);
    return out;
  }
#endif  // LEADSEG_RUNTIME_MODULE

  // The experiment report's counts only: no statistics function is passed,
  // so neither module links lgamma/log; the package adds the rate, interval
  // and probability to be best (web/src/experiment-stats.js).
  uintptr_t Experiments() {
    return WriteDocument([&](ValueWriter* w) { engine_->ExperimentReport(w); return Status::Ok(); });
  }

  // The device's own counts: {experiment: {variant: {exposures, conversions}}}.
  uintptr_t ExperimentCounts() {
    return WriteDocument([&](ValueWriter* w) { engine_->ExperimentCounts(w); return Status::Ok(); });
  }

 private:
  // A reload keeps the visitor: carry the profile over through a snapshot.
  Status CarryOver(Engine* next) const { return engine_ ? next->Restore(engine_->Snapshot()) : Status::Ok(); }

  uintptr_t DecideSlot(const std::string& slot, double now, bool record) {
    if (!engine_) return Fail(NotLoadedStatus());
    if (Status s = CheckUtf8(slot, "a slot id"); !s.ok()) return Fail(s);
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return WriteDocument([&](ValueWriter* w) {
      auto d = engine_->Decide(slot, *at, record);
      if (!d.ok()) return d.status();
      d->Write(w);
      return Status::Ok();
    });
  }

  // Writes one document into the document buffer with `write` (which
  // returns a Status and writes nothing on error): its address, or 0 after
  // which LastError() says why.
  template <typename Write>
  uintptr_t WriteDocument(Write write) {
    if (!engine_) return Fail(NotLoadedStatus());
    document_.Clear();
    Status s = write(&document_);
    if (!s.ok()) return Fail(s);
    return reinterpret_cast<uintptr_t>(document_.bytes().data());
  }

  static Status NotLoadedStatus() { return FailedPrecondition("no config loaded: call load(config) first"); }
  static val NotLoaded() { return ErrorRecord(NotLoadedStatus()); }
  static val Changes(const Result<SegmentChanges>& r) {
    if (!r.ok()) return ErrorRecord(r.status());
    return ChangesToVal(*r);
  }

  uintptr_t Fail(const Status& s) {
    last_error_ = s;
    return 0;
  }
  std::string_view Frame(size_t bytes) const { return {reinterpret_cast<const char*>(frame_.data()), bytes}; }
  // The changes (and the clock) into the result buffer; its address, or 0
  // after which LastError() says why (the hot path allocates no error record).
  uintptr_t Reply(const Result<SegmentChanges>& changes) {
    if (!changes.ok()) return Fail(changes.status());
    EncodeChanges(*changes, engine_->clock(), &result_);
    return reinterpret_cast<uintptr_t>(result_.data());
  }

  std::unique_ptr<Engine> engine_;
  std::vector<uint8_t> frame_;
  std::string result_;
  ValueWriter document_;  // the last document (metrics, explain, decide, ...)
  Status last_error_;
};

}  // namespace
}  // namespace leadseg

EMSCRIPTEN_BINDINGS(leadseg) {
  using namespace emscripten;
  function("version", &leadseg::Version);
#ifndef LEADSEG_RUNTIME_MODULE
  // tests/web/memory.test.mjs reads it from the full module; no page does.
  function("memoryStats", &leadseg::MemoryStats);
  function("evalCondition", &leadseg::EvalCondition);
  function("jsonLogicApply", &leadseg::JsonLogicApply);
  function("runConformance", &leadseg::RunConformanceText);
  function("compileConfig", &leadseg::CompileConfigToBytes);
  function("upgradeSnapshot", &leadseg::UpgradeSnapshotBytes);
  class_<leadseg::Segmenter>("Segmenter")
      .constructor<>()
      .function("load", &leadseg::Segmenter::Load)
      .function("schema", &leadseg::Segmenter::Schema)
      .function("segmentIds", &leadseg::Segmenter::SegmentIds)
      .function("segmentCount", &leadseg::Segmenter::segmentCount)
      .function("frameBuffer", &leadseg::Segmenter::FrameBuffer)
      .function("resultBuffer", &leadseg::Segmenter::ResultBuffer)
      .function("evaluateFrame", &leadseg::Segmenter::EvaluateFrame)
      .function("evaluateJson", &leadseg::Segmenter::EvaluateJson)
      .function("lastError", &leadseg::Segmenter::LastError);
#endif  // LEADSEG_RUNTIME_MODULE
  class_<leadseg::WasmEngine> engine("Engine");
#ifndef LEADSEG_RUNTIME_MODULE
  engine.function("load", &leadseg::WasmEngine::Load);
  engine.function("summary", &leadseg::WasmEngine::Summary);
#endif
  engine.constructor<>()
      .function("loadCompiled", &leadseg::WasmEngine::LoadCompiled)
      .function("facts", &leadseg::WasmEngine::Facts)
      .function("identify", &leadseg::WasmEngine::Identify)
      .function("declare", &leadseg::WasmEngine::Declare)
      .function("track", &leadseg::WasmEngine::Track)
      .function("frameBuffer", &leadseg::WasmEngine::FrameBuffer)
      .function("trackFrame", &leadseg::WasmEngine::TrackFrame)
      .function("trackTypedFrame", &leadseg::WasmEngine::TrackTypedFrame)
      .function("identifyFrame", &leadseg::WasmEngine::IdentifyFrame)
      .function("declareFrame", &leadseg::WasmEngine::DeclareFrame)
      .function("advanceResult", &leadseg::WasmEngine::AdvanceResult)
      .function("lastError", &leadseg::WasmEngine::LastError)
      .function("advance", &leadseg::WasmEngine::Advance)
      .function("segmentIndexes", &leadseg::WasmEngine::SegmentIndexes)
      .function("initialChanges", &leadseg::WasmEngine::InitialChanges)
      .function("metrics", &leadseg::WasmEngine::Metrics)
      .function("score", &leadseg::WasmEngine::Score)
      .function("attributes", &leadseg::WasmEngine::Attributes)
      .function("exportProfile", &leadseg::WasmEngine::Export)
      .function("explain", &leadseg::WasmEngine::Explain)
      .function("snapshot", &leadseg::WasmEngine::Snapshot)
      .function("restore", &leadseg::WasmEngine::Restore)
      .function("erase", &leadseg::WasmEngine::Erase)
      .function("clock", &leadseg::WasmEngine::Clock)
      .function("eventCount", &leadseg::WasmEngine::EventCount)
      .function("setVisitorId", &leadseg::WasmEngine::SetVisitorId)
      .function("decide", &leadseg::WasmEngine::Decide)
      .function("peek", &leadseg::WasmEngine::Peek)
      .function("convert", &leadseg::WasmEngine::Convert)
      .function("addAggregateCounts", &leadseg::WasmEngine::AddAggregateCounts)
      .function("experiments", &leadseg::WasmEngine::Experiments)
      .function("experimentCounts", &leadseg::WasmEngine::ExperimentCounts);
}
