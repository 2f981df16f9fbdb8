// One visitor's engine, as both wasm modules bind it: a narrow Embind
// surface of free functions over an engine handle, taking and returning
// numbers. The handle is a BoundEngine's address (the Engine and the
// buffers values cross in); bindings/engine.post.js wraps the functions in
// CoreEngine, the class the web package uses (`new module.Engine()`,
// engine.track(...), ...).
//
// Why not an Embind `class_` with std::string and emscripten::val: a
// class drags Embind's class machinery (handles, pointer types, finalizers,
// upcasts) and emval's handle table into the page's glue, a MethodInvoker
// and val conversions per method into the wasm, and registration work into
// every page's start-up (docs/performance.md, "The runtime's Embind
// surface, narrow"). Free functions over numbers need none of it.
//
// How values cross:
//  - in: the caller writes its arguments' bytes (text as UTF-8, value
//    frames, compiled configs, snapshots) back to back into the engine's
//    input buffer (EngineInput) and passes their sizes. Where a call takes
//    two, the value comes first, then its name: [props][event type],
//    [value][declaration key], [counts][experiment key]. identify's flat
//    traits (Encoding kKeyedFrame, kSameKeys) have a buffer of their own,
//    which JavaScript writes them into directly (engine.post.js).
//  - out: an address in the module's memory, or 0 after which
//    EngineLastError says why. Changes (identify, declare, track, advance)
//    go into the result buffer (EncodeChanges), documents (metrics, explain,
//    decide, warnings, the config's facts, errors) into the document buffer
//    as value frames (core/value_writer.h). A call that fails changes
//    nothing but the error it leaves.
//
// Two modules compile this file (cmake/LeadsegWasm.cmake): the full module
// also loads JSON configs (EngineLoad), reads values as JSON text (identify,
// declare, track and addAggregateCounts' text forms), upgrades format 1
// snapshots in EngineRestore and reads a lead's summary (batch
// segmentation); the runtime module, with LEADSEG_RUNTIME_MODULE, does none
// of that: a page's package hands it value frames (engine.post.js), so it
// links no JSON parser.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/compiled_config.h"
#include "config/config.h"
#include "core/bytes.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/value_codec.h"
#include "core/value_json.h"
#include "core/value_writer.h"
#include "engine/trait_keys.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#ifndef LEADSEG_RUNTIME_MODULE
#include <cmath>

#include "profile/snapshot_v1.h"
#endif

namespace leadseg {
namespace {

// Strings that reach the engine without going through a parser (event
// types, declaration keys, slot ids, goals, ...): the caller may pass any
// bytes.
Status CheckUtf8(std::string_view s, const char* what) {
  if (IsValidUtf8(s)) return Status::Ok();
  return InvalidArgument(std::string(what) + " is not valid UTF-8");
}

// A time from JavaScript, checked as a double before it is converted (NaN,
// the infinities and anything beyond int64 cannot be cast): the error is
// the core's own, e.g. "event time is not a finite number".
Result<TimeMs> ToTime(double ms, const char* what) {
  Status s = CheckTimestamp(ms, what);
  if (!s.ok()) return s;
  return static_cast<TimeMs>(ms);
}

Status NotLoaded() { return FailedPrecondition("no config loaded: call load(config) first"); }

// The changes of a call as bytes (little-endian), decoded by
// bindings/engine.post.js (changesAt) into {entered, exited, stages,
// temperature, mql, sql}, preceded by the engine's clock after the call (so
// JavaScript needs no clock() crossing to date the changes or check the
// next time):
//   f64                   clock
//   u32 n, n x u32        entered, as indexes into the config's segments
//   u32 n, n x u32        exited, the same (JavaScript has the ids: facts())
//   u32 n, n x (u8 has_from, [string from], string to, f64 at)   stages
//   u8 has_temperature, [string temperature], u8 mql, u8 sql
//   string := u32 byte length, UTF-8 bytes
// Sized first and written through a cursor: at -Oz every append to a
// std::string is an out-of-line call (capacity check, size, terminator),
// and an identify's changes are ~12 words. wasm is little-endian.
class ChangesCursor {
 public:
  explicit ChangesCursor(char* p) : p_(p) {}
  void U8(bool b) { *p_++ = b ? 1 : 0; }
  void U32(size_t v) { Put(static_cast<uint32_t>(v)); }
  void F64(double d) { Put(d); }
  void String(const std::string& s) {
    U32(s.size());
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }

 private:
  template <typename T>
  void Put(T v) {
    std::memcpy(p_, &v, sizeof v);
    p_ += sizeof v;
  }
  char* p_;
};
void EncodeChanges(const SegmentChanges& changes, TimeMs clock, std::string* out) {
  size_t size = 8 + 4 * (3 + changes.entered_indexes.size() + changes.exited_indexes.size()) + 3;
  for (const auto& c : changes.stages) size += 1 + (c.from.empty() ? 0 : 4 + c.from.size()) + 4 + c.to.size() + 8;
  if (!changes.temperature.empty()) size += 4 + changes.temperature.size();
  out->resize(size);
  ChangesCursor w(&(*out)[0]);
  w.F64(static_cast<double>(clock));
  w.U32(changes.entered_indexes.size());
  for (const uint32_t i : changes.entered_indexes) w.U32(i);
  w.U32(changes.exited_indexes.size());
  for (const uint32_t i : changes.exited_indexes) w.U32(i);
  w.U32(changes.stages.size());
  for (const auto& c : changes.stages) {
    w.U8(!c.from.empty());
    if (!c.from.empty()) w.String(c.from);
    w.String(c.to);
    w.F64(static_cast<double>(c.at));
  }
  w.U8(!changes.temperature.empty());
  if (!changes.temperature.empty()) w.String(changes.temperature);
  w.U8(changes.mql);
  w.U8(changes.sql);
}

// What the JavaScript layer reads of a config, from the compiled config (so
// it never parses or re-derives the JSON): {segments: [{id, name}], slots:
// [{id, default}], experiments: {key: [variant ids]}, retention: {maxAge
// (null: forever), maxEvents}}. A load writes them (Replace), and so does
// EngineRead.
void WriteFacts(const CompiledConfig& config, ValueWriter* w) {
  w->BeginObject();
  w->Key("segments").BeginArray();
  for (const auto& s : config.segments()) {
    w->BeginObject();
    w->Key("id").String(s.id);
    w->Key("name").String(s.name.empty() ? s.id : s.name);
    w->End();
  }
  w->End();
  w->Key("slots").BeginArray();
  for (const auto& s : config.slots()) {
    w->BeginObject();
    w->Key("id").String(s.id);
    w->Key("default").String(s.variants[static_cast<size_t>(s.default_variant)].id);
    w->End();
  }
  w->End();
  w->Key("experiments").BeginObject();
  for (const auto& s : config.slots()) {
    if (!s.experiment) continue;
    w->Key(s.experiment->key).BeginArray();
    for (int v : s.experiment->variants) w->String(s.variants[static_cast<size_t>(v)].id);
    w->End();
  }
  w->End();
  const RetentionSpec& r = config.retention();
  w->Key("retention").BeginObject();
  w->Key("maxAge");
  if (r.max_age == kForever) {
    w->Null();
  } else {
    w->Number(static_cast<double>(r.max_age));
  }
  w->Key("maxEvents").Number(static_cast<double>(r.max_events));
  w->End();
  w->End();
}

// A load's warnings: [{code, message, path}].
void WriteWarnings(const std::vector<Diagnostic>& diagnostics, ValueWriter* w) {
  w->BeginArray();
  for (const auto& d : diagnostics) {
    w->BeginObject();
    w->Key("code").String(d.code);
    w->Key("message").String(d.message);
    w->Key("path").String(d.path);
    w->End();
  }
  w->End();
}

// The documents EngineRead writes; bindings/engine.post.js names them.
enum class Read : int {
  kFacts = 0,
  kMetrics = 1,
  kScore = 2,
  kAttributes = 3,
  kExport = 4,
  kExperiments = 5,
  kExperimentCounts = 6,
  kSummary = 7,  // the full module's only (batch segmentation)
};

// How identify, declare and track send their value (engine.post.js says
// the same numbers): as a value frame or as JSON text. identify's flat
// traits (engine.post.js writeFlatTraits) have two more forms: a whole
// object frame whose member names the engine handle keeps
// (kKeyedFrame), and a frame of the values alone for the names kept last
// (kSameKeys: engine/trait_keys.h, Engine::IdentifyNamedValues).
// kValueFrame is a frame read as its JSON text would be: decoded as deep as
// JSON text may nest (kMaxJsonDepth), then the Engine call that takes a
// Value, whose checks word the errors (event properties nesting deeper than
// a stored frame may, which TrackFrame's decoder would refuse unnamed).
//
// The runtime module reads no JSON text: there kJsonText is text that
// engine.post.js found nesting deeper than kMaxJsonDepth or that JSON.parse
// refused, sent only for the core's error, and kLoneSurrogate (the
// runtime's only) text JSON.parse accepted whose one fault is a lone
// surrogate escaped in a string, sent for the error ParseJsonValue words.
enum class Encoding : int {
  kFrame = 0, kJsonText = 1, kKeyedFrame = 2, kSameKeys = 3, kValueFrame = 4, kLoneSurrogate = 5
};

// The value of a call read whole (Encoding kValueFrame, kJsonText or
// kLoneSurrogate), into `arena`. A kValueFrame is decoded as deep as JSON
// text may nest; JSON text is parsed in the full module. The runtime, which
// links no JSON parser, checks the text's nesting (ParseJsonValue's first
// check, whose error counts the text's bytes) and refuses the rest, a lone
// surrogate with ParseJsonValue's words. `what` names the value.
Result<Value> WholeValue(std::string_view bytes, Document* arena, const char* what, Encoding encoding) {
  if (encoding == Encoding::kValueFrame) {
    return DecodeValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), arena, kMaxJsonDepth + 1);
  }
#ifdef LEADSEG_RUNTIME_MODULE
  if (Status s = CheckJsonNesting(bytes, what); !s.ok()) return s;
  std::string message = std::string(what) + " is not valid JSON";
  if (encoding == Encoding::kLoneSurrogate) message += ": " + LoneSurrogateEscapeError(bytes);
  return InvalidArgument(message);
#else
  return ParseJsonValue(bytes, arena, what);
#endif
}

// identify, declare and track (leadseg_engine_apply's `call`, numbered as
// engine.post.js numbers them): everything that differs between them but
// the Engine method each calls.
struct Change {
  enum Kind { kIdentify = 0, kDeclare = 1, kTrack = 2 } kind;
  const char* too_large;  // the error when the sizes exceed the input
  const char* name;       // what the name is, for its UTF-8 error (identify has none)
  const char* time;       // what the time is, for its errors
  const char* value;      // what the value is, for JSON text's errors
};
constexpr Change kChanges[] = {
    {Change::kIdentify, "argument is larger than the input buffer", nullptr, "time", "attributes"},
    {Change::kDeclare, "declaration is larger than the input buffer", "a declaration key", "time", "declaration"},
    {Change::kTrack, "event is larger than the input buffer", "an event type", "event time", "event properties"},
};

// Deletes a BoundEngine's Engine. Out of line: with the default deleter the
// engine's whole destructor was inlined into unique_ptr's reset, which
// every assignment and destruction of the pointer calls, so a page's first
// load compiled it though it replaces no engine. Replace calls it too: with
// reset its only caller, binaryen would inline it back (it inlines every
// function with one caller under the runtime's limit, cmake/LeadsegWasm.cmake).
struct EngineDeleter {
  [[gnu::noinline]] void operator()(Engine* engine) const { delete engine; }
};
using EnginePtr = std::unique_ptr<Engine, EngineDeleter>;

// What an engine handle points to: one visitor's Engine (none until a
// config is loaded) and the buffers its calls' values cross in and out by.
class BoundEngine {
 public:
  // The input buffer, or with `traits` identify's flat traits buffer, at
  // least `bytes` long. Its address changes only when it grows, so
  // JavaScript asks again only for a larger input; growing keeps the bytes
  // it holds.
  uintptr_t Input(size_t bytes, bool traits) {
    std::vector<uint8_t>& in = traits ? traits_input_ : input_;
    if (in.size() < bytes) in.resize(bytes);
    return reinterpret_cast<uintptr_t>(in.data());
  }

  // A compiled config (the input's first `bytes`). On error the current
  // config (and the visitor) stay as they were. The runtime module links no
  // regex compiler or program builder, so it refuses an old-format file
  // that needs them (leadseg/compiled_config.h); the full module builds
  // them. Returns [warnings, facts] (Replace).
  uintptr_t LoadCompiled(size_t bytes) {
    auto view = In(0, bytes);
    if (!view.ok()) return Fail(view.status());
#ifdef LEADSEG_RUNTIME_MODULE
    auto loaded = DecodeCompiledConfigForRuntime(*view);
#else
    auto loaded = DecodeCompiledConfig(*view);
#endif
    if (!loaded.ok()) return Fail(loaded.status());
    return Replace(EnginePtr(new Engine(loaded->config)), loaded->warnings);
  }

#ifndef LEADSEG_RUNTIME_MODULE
  // A JSON config (its text in the input), compiled here. On error, every
  // diagnostic goes with the first error's message (EngineLastError).
  uintptr_t Load(size_t bytes) {
    auto text = In(0, bytes);
    if (!text.ok()) return Fail(text.status());
    Diagnostics diagnostics;
    auto config = CompileConfigText(*text, &diagnostics);
    if (!config) {
      Fail(diagnostics.FirstError());
      error_diagnostics_ = diagnostics.all();
      return 0;
    }
    return Replace(EnginePtr(new Engine(std::shared_ptr<const CompiledConfig>(std::move(config)))),
                   diagnostics.all());
  }
#endif  // LEADSEG_RUNTIME_MODULE

  // identify, declare and track: one path, the value (traits, declaration,
  // event properties) first in the input, then the name (none, the
  // declaration key, the event type): [value][name]. The value is a value
  // frame (bindings/frame.post.js), or the forms Encoding lists for values
  // read whole (tab sync, the journal replay, values as deep as the
  // limits): a frame read as its JSON text would be, or JSON text, read in
  // the full module by core/value_json.h with ParseJson's messages; frames
  // are kept as they are. What differs between the three calls is their
  // Change entry.
  uintptr_t Apply(int kind, size_t value_bytes, size_t name_bytes, double time, Encoding encoding) {
    if (kind < Change::kIdentify || kind > Change::kTrack) return Fail(InvalidArgument("unknown engine change"));
    const Change& call = kChanges[kind];
    // identify's flat traits wait in their own buffer: JavaScript writes
    // them there before it reads the clock, which may call back into it.
    const std::vector<uint8_t>& in =
        encoding == Encoding::kKeyedFrame || encoding == Encoding::kSameKeys ? traits_input_ : input_;
    auto value = In(in, 0, value_bytes);
    // The names are kept before anything can fail: JavaScript counts on
    // them from this call on, whatever it answers.
    if (encoding == Encoding::kKeyedFrame) {
      if (value.ok() && call.kind == Change::kIdentify) trait_keys_.Keep(*value);
      else trait_keys_.Clear();
    }
    if (!engine_) return Fail(NotLoaded());
    auto name = In(in, value_bytes, name_bytes);
    if (!value.ok() || !name.ok()) return Fail(InvalidArgument(call.too_large));
    if (call.name) {
      if (Status s = CheckUtf8(*name, call.name); !s.ok()) return Fail(s);
    }
    auto at = ToTime(time, call.time);
    if (!at.ok()) return Fail(at.status());
    if (encoding == Encoding::kSameKeys) {
      if (call.kind != Change::kIdentify || !trait_keys_.kept()) {
        return Fail(DataLoss("the values do not match their names"));
      }
      return Reply(engine_->IdentifyNamedValues(trait_keys_.names(), *value, *at, trait_keys_.version()));
    }
    if (encoding == Encoding::kFrame || encoding == Encoding::kKeyedFrame) {
      switch (call.kind) {
        case Change::kIdentify: return Reply(engine_->IdentifyFrame(*value, *at));
        case Change::kDeclare: return Reply(engine_->DeclareFrame(std::string(*name), *value, *at));
        case Change::kTrack: return Reply(engine_->TrackFrame(*name, *value, *at));
      }
    }
    return ApplyValue(call, *value, *name, *at, encoding);
  }

  // Apply's value read whole first (JSON text, or a frame read as its text
  // would be), then the Engine call that takes a Value. noinline: the
  // package's usual calls send frames (engine.post.js), so a page's first
  // calls need not compile this path (binaryen keeps a one-caller function
  // this large a call: cmake/LeadsegWasm.cmake).
  [[gnu::noinline]] uintptr_t ApplyValue(const Change& call, std::string_view value, std::string_view name,
                                         TimeMs at, Encoding encoding) {
    // Empty event properties as text are none: {}.
    if (encoding != Encoding::kValueFrame && value.empty() && call.kind == Change::kTrack) value = "{}";
    Document arena;
    auto parsed = WholeValue(value, &arena, call.value, encoding);
    if (!parsed.ok()) return Fail(parsed.status());
    switch (call.kind) {
      case Change::kIdentify: return Reply(engine_->Identify(*parsed, at));
      case Change::kDeclare: return Reply(engine_->Declare(std::string(name), *parsed, at));
      case Change::kTrack: return Reply(engine_->Track(std::string(name), *parsed, at));
    }
    return 0;  // not reached: every kind is handled above
  }

  uintptr_t Advance(double now) {
    if (!engine_) return Fail(NotLoaded());
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    return Reply(engine_->Advance(*at));
  }

  // The changes a fresh profile started with at load: the segments that
  // hold before any call. Empty after a reload that kept the visitor, and
  // after a restore.
  uintptr_t InitialChanges() {
    if (!engine_) return Fail(NotLoaded());
    EncodeChanges(engine_->initial_changes(), engine_->clock(), &result_);
    return reinterpret_cast<uintptr_t>(result_.data());
  }

  // The member segments' indexes in the result buffer (a u32 count, then a
  // u32 each, little-endian): engine.post.js maps them to the ids the facts
  // list, so a call converts no id string. 0 when no config is loaded.
  uintptr_t Segments() {
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

  uintptr_t ReadDocument(int what) {
    return WriteDocument([&](ValueWriter* w) {
      switch (static_cast<Read>(what)) {
        case Read::kFacts: WriteFacts(engine_->config(), w); break;
        case Read::kMetrics: engine_->Metrics(w); break;
        case Read::kScore: engine_->ScoreBreakdown(w); break;
        case Read::kAttributes: engine_->AttributeView(w); break;
        case Read::kExport: engine_->Export(w); break;
        // The experiment report's counts only: no statistics function is
        // passed, so neither module links lgamma/log; the package adds the
        // rate, interval and probability to be best
        // (web/src/experiment-stats.js).
        case Read::kExperiments: engine_->ExperimentReport(w); break;
        // The device's own counts: {experiment: {variant: {exposures, conversions}}}.
        case Read::kExperimentCounts: engine_->ExperimentCounts(w); break;
#ifndef LEADSEG_RUNTIME_MODULE
        case Read::kSummary: WriteSummary(engine_->Summary(), w); break;
#endif
        default: return InvalidArgument("unknown engine document");
      }
      return Status::Ok();
    });
  }

  // Why the visitor is or is not in a segment (its id in the input).
  uintptr_t Explain(size_t bytes) {
    if (!engine_) return Fail(NotLoaded());
    auto id = In(0, bytes);
    if (!id.ok()) return Fail(id.status());
    if (Status s = CheckUtf8(*id, "a segment id"); !s.ok()) return Fail(s);
    const std::string segment(*id);
    return WriteDocument([&](ValueWriter* w) { return engine_->Explain(segment, w); });
  }

  // decide (`record`) or peek (the variant decide would return, recording
  // nothing) for the slot whose id is in the input.
  uintptr_t Decide(size_t bytes, double now, int record) {
    if (!engine_) return Fail(NotLoaded());
    auto id = In(0, bytes);
    if (!id.ok()) return Fail(id.status());
    if (Status s = CheckUtf8(*id, "a slot id"); !s.ok()) return Fail(s);
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    const std::string slot(*id);
    return WriteDocument([&](ValueWriter* w) {
      auto d = engine_->Decide(slot, *at, record != 0);
      if (!d.ok()) return d.status();
      d->Write(w);
      return Status::Ok();
    });
  }

  uintptr_t Convert(size_t bytes, double now) {
    if (!engine_) return Fail(NotLoaded());
    auto text = In(0, bytes);
    if (!text.ok()) return Fail(text.status());
    if (Status s = CheckUtf8(*text, "a goal"); !s.ok()) return Fail(s);
    auto at = ToTime(now, "time");
    if (!at.ok()) return Fail(at.status());
    const std::string goal(*text);
    return WriteDocument([&](ValueWriter* w) { return engine_->Convert(goal, *at, w); });
  }

  // The snapshot in the result buffer: a u32 length, then the bytes.
  uintptr_t Snapshot() {
    if (!engine_) return Fail(NotLoaded());
    std::string bytes = engine_->Snapshot();
    result_.clear();
    bytes::PutFixed32(static_cast<uint32_t>(bytes.size()), &result_);
    result_.append(bytes);
    return reinterpret_cast<uintptr_t>(result_.data());
  }

  // The snapshot in the input. Format 1 (JSON text inside) is converted
  // here in the full module; the runtime module, which links no converter,
  // refuses it and says where it is read (the web package converts it
  // first: web/src/profile-storage.js). 1, or 0 on error.
  int Restore(size_t bytes) {
    if (!engine_) return FailInt(NotLoaded());
    auto data = In(0, bytes);
    if (!data.ok()) return FailInt(data.status());
#ifndef LEADSEG_RUNTIME_MODULE
    auto upgraded = UpgradeSnapshot(*data);
    if (!upgraded.ok()) return FailInt(upgraded.status());
    Status s = engine_->Restore(*upgraded);
#else
    Status s = engine_->Restore(*data);
#endif
    return s.ok() ? 1 : FailInt(s);
  }

  void Erase() {
    if (engine_) engine_->Erase();
  }

  int SetVisitorId(size_t bytes) {
    if (!engine_) return FailInt(NotLoaded());
    auto id = In(0, bytes);
    if (!id.ok()) return FailInt(id.status());
    if (Status s = CheckUtf8(*id, "a visitor id"); !s.ok()) return FailInt(s);
    Status s = engine_->SetVisitorId(std::string(*id));
    return s.ok() ? 1 : FailInt(s);
  }

  // [counts][experiment key] in the input, the counts read whole
  // (WholeValue's encodings).
  int AddAggregateCounts(size_t counts_bytes, size_t key_bytes, Encoding encoding) {
    if (!engine_) return FailInt(NotLoaded());
    auto counts = In(0, counts_bytes);
    auto key = In(counts_bytes, key_bytes);
    if (!counts.ok() || !key.ok()) return FailInt(InvalidArgument("counts are larger than the input buffer"));
    if (Status s = CheckUtf8(*key, "an experiment key"); !s.ok()) return FailInt(s);
    Document arena;
    auto parsed = WholeValue(*counts, &arena, "counts", encoding);
    if (!parsed.ok()) return FailInt(parsed.status());
    Status s = engine_->AddAggregateCounts(std::string(*key), *parsed);
    return s.ok() ? 1 : FailInt(s);
  }

  double Clock() const { return engine_ ? static_cast<double>(engine_->clock()) : 0; }
  int EventCount() const { return engine_ ? static_cast<int>(engine_->event_count()) : 0; }

  // The last failure as a document: {message, path} and, for a JSON config
  // that did not compile, diagnostics: [{severity, code, message, path}].
  uintptr_t LastError() {
    document_.Clear();
    ValueWriter* w = &document_;
    w->BeginObject();
    w->Key("message").String(last_error_.message());
    w->Key("path").String(last_error_.path());
#ifndef LEADSEG_RUNTIME_MODULE
    if (!error_diagnostics_.empty()) {
      w->Key("diagnostics").BeginArray();
      for (const auto& d : error_diagnostics_) {
        w->BeginObject();
        w->Key("severity").String(d.severity == Diagnostic::Severity::kError ? "error" : "warning");
        w->Key("code").String(d.code);
        w->Key("message").String(d.message);
        w->Key("path").String(d.path);
        w->End();
      }
      w->End();
    }
#endif
    w->End();
    return reinterpret_cast<uintptr_t>(document_.bytes().data());
  }

 private:
  // The input's bytes [from, from + size), or an error if the caller said
  // more than it holds.
  Result<std::string_view> In(size_t from, size_t size) const { return In(input_, from, size); }
  static Result<std::string_view> In(const std::vector<uint8_t>& in, size_t from, size_t size) {
    if (from > in.size() || size > in.size() - from) {
      return InvalidArgument("argument is larger than the input buffer");
    }
    return std::string_view(reinterpret_cast<const char*>(in.data()) + from, size);
  }

  // A loaded config's engine takes over, keeping the visitor (carried over
  // through a snapshot); the warnings and the config's facts go out as a
  // document.
  uintptr_t Replace(EnginePtr next, const std::vector<Diagnostic>& warnings) {
    next->ReportChangesAsIndexes();  // EncodeChanges sends indexes; JavaScript has the ids
    if (engine_) {
      if (Status s = next->Restore(engine_->Snapshot()); !s.ok()) return Fail(s);
      EngineDeleter()(engine_.release());  // the old engine, deleted by EngineDeleter's second caller
    }
    engine_ = std::move(next);
    // [warnings, facts]: the facts come with the load, so a page's start-up
    // makes no engineRead crossing for them and compiles none of
    // ReadDocument's switch, which inlines every other document
    // (docs/performance.md, "The load path's code", s36).
    document_.Clear();
    document_.BeginArray();
    WriteWarnings(warnings, &document_);
    WriteFacts(engine_->config(), &document_);
    document_.End();
    return reinterpret_cast<uintptr_t>(document_.bytes().data());
  }

#ifndef LEADSEG_RUNTIME_MODULE
  // Headline numbers for batch segmentation (web/src/batch.js): {score,
  // grade, leadCell, temperature, stage, mql, sql}, null where not configured.
  static void WriteSummary(const Engine::LeadSummary& s, ValueWriter* w) {
    w->BeginObject();
    w->Key("score").Number(s.score);  // NaN: null
    w->Key("grade").StringOrNull(s.grade);
    w->Key("leadCell").StringOrNull(s.lead_cell);
    w->Key("temperature").StringOrNull(s.temperature);
    w->Key("stage").StringOrNull(s.stage);
    w->Key("mql").Bool(s.mql);
    w->Key("sql").Bool(s.sql);
    w->End();
  }
#endif

  // Writes one document into the document buffer with `write` (which
  // returns a Status and writes nothing on error): its address, or 0 after
  // which LastError() says why.
  template <typename Write>
  uintptr_t WriteDocument(Write write) {
    if (!engine_) return Fail(NotLoaded());
    document_.Clear();
    Status s = write(&document_);
    if (!s.ok()) return Fail(s);
    return reinterpret_cast<uintptr_t>(document_.bytes().data());
  }

  uintptr_t Fail(const Status& s) {
    last_error_ = s;
#ifndef LEADSEG_RUNTIME_MODULE
    error_diagnostics_.clear();
#endif
    return 0;
  }
  int FailInt(const Status& s) { return static_cast<int>(Fail(s)); }

  // The changes (and the clock) into the result buffer; its address, or 0
  // after which LastError() says why. The set goes back to the engine once
  // encoded, so the next call's lists reuse its storage.
  uintptr_t Reply(Result<SegmentChanges>&& changes) {
    if (!changes.ok()) return Fail(changes.status());
    EncodeChanges(*changes, engine_->clock(), &result_);
    engine_->Recycle(std::move(changes).value());
    return reinterpret_cast<uintptr_t>(result_.data());
  }

  EnginePtr engine_;
  std::vector<uint8_t> input_;
  std::vector<uint8_t> traits_input_;  // identify's flat traits (Encoding kKeyedFrame, kSameKeys)
  std::string result_;    // changes, segment indexes, a snapshot
  TraitKeys trait_keys_;  // identify's names, for Encoding::kSameKeys
  ValueWriter document_;  // the last document (metrics, explain, decide, warnings, an error, ...)
  Status last_error_;
#ifndef LEADSEG_RUNTIME_MODULE
  std::vector<Diagnostic> error_diagnostics_;  // of the last Load that failed
#endif
};

// The handle JavaScript holds is the engine's address.
BoundEngine* At(uintptr_t handle) { return reinterpret_cast<BoundEngine*>(handle); }

uintptr_t EngineCreate() { return reinterpret_cast<uintptr_t>(new BoundEngine()); }
void EngineDestroy(uintptr_t h) { delete At(h); }
uintptr_t EngineInput(uintptr_t h, size_t bytes, int traits) { return At(h)->Input(bytes, traits != 0); }
uintptr_t EngineLoadCompiled(uintptr_t h, size_t bytes) { return At(h)->LoadCompiled(bytes); }
uintptr_t EngineAdvance(uintptr_t h, double now) { return At(h)->Advance(now); }
uintptr_t EngineInitialChanges(uintptr_t h) { return At(h)->InitialChanges(); }
uintptr_t EngineRead(uintptr_t h, int what) { return At(h)->ReadDocument(what); }
uintptr_t EngineExplain(uintptr_t h, size_t bytes) { return At(h)->Explain(bytes); }
uintptr_t EngineDecide(uintptr_t h, size_t bytes, double now, int record) { return At(h)->Decide(bytes, now, record); }
uintptr_t EngineConvert(uintptr_t h, size_t bytes, double now) { return At(h)->Convert(bytes, now); }
uintptr_t EngineSnapshot(uintptr_t h) { return At(h)->Snapshot(); }
int EngineRestore(uintptr_t h, size_t bytes) { return At(h)->Restore(bytes); }
void EngineErase(uintptr_t h) { At(h)->Erase(); }
int EngineSetVisitorId(uintptr_t h, size_t bytes) { return At(h)->SetVisitorId(bytes); }
int EngineAddAggregateCounts(uintptr_t h, size_t counts_bytes, size_t key_bytes, int encoding) {
  return At(h)->AddAggregateCounts(counts_bytes, key_bytes, static_cast<Encoding>(encoding));
}
double EngineClock(uintptr_t h) { return At(h)->Clock(); }
int EngineEventCount(uintptr_t h) { return At(h)->EventCount(); }
uintptr_t EngineLastError(uintptr_t h) { return At(h)->LastError(); }
#ifndef LEADSEG_RUNTIME_MODULE
uintptr_t EngineLoad(uintptr_t h, size_t bytes) { return At(h)->Load(bytes); }
#endif

// The version as a NUL-terminated ASCII string (engine.post.js: version()).
uintptr_t VersionText() { return reinterpret_cast<uintptr_t>(LEADSEG_VERSION_STRING); }

}  // namespace
}  // namespace leadseg

// The calls a page makes per visitor (identify, declare, track, then
// segments()) are plain wasm exports rather than Embind functions: built
// without eval (-sDYNAMIC_EXECUTION=0), Embind's invoker copies each call's
// arguments into arrays and makes a closure per call, ~120 ns a call in
// node (docs/performance.md). bindings/engine.post.js calls them through
// the glue's variables _leadseg_engine_apply and _leadseg_engine_segments.
extern "C" {
EMSCRIPTEN_KEEPALIVE uintptr_t leadseg_engine_apply(uintptr_t h, int call, size_t value_bytes, size_t name_bytes,
                                                    double time, int encoding) {
  return leadseg::At(h)->Apply(call, value_bytes, name_bytes, time, static_cast<leadseg::Encoding>(encoding));
}
EMSCRIPTEN_KEEPALIVE uintptr_t leadseg_engine_segments(uintptr_t h) { return leadseg::At(h)->Segments(); }
}

EMSCRIPTEN_BINDINGS(leadseg_engine) {
  using emscripten::function;
  using namespace leadseg;
  function("versionText", &VersionText);
  function("engineCreate", &EngineCreate);
  function("engineDestroy", &EngineDestroy);
  function("engineInput", &EngineInput);
  function("engineLoadCompiled", &EngineLoadCompiled);
  function("engineAdvance", &EngineAdvance);
  function("engineInitialChanges", &EngineInitialChanges);
  function("engineRead", &EngineRead);
  function("engineExplain", &EngineExplain);
  function("engineDecide", &EngineDecide);
  function("engineConvert", &EngineConvert);
  function("engineSnapshot", &EngineSnapshot);
  function("engineRestore", &EngineRestore);
  function("engineErase", &EngineErase);
  function("engineSetVisitorId", &EngineSetVisitorId);
  function("engineAddAggregateCounts", &EngineAddAggregateCounts);
  function("engineClock", &EngineClock);
  function("engineEventCount", &EngineEventCount);
  function("engineLastError", &EngineLastError);
#ifndef LEADSEG_RUNTIME_MODULE
  function("engineLoad", &EngineLoad);
#endif
}
