// Embind glue of the batch module (web/dist/leadseg-batch.*): a lead list's
// CSV bytes in, per-row results out, for segmentLeads and the lead-list
// page only, so it is built for speed (-O3) rather than size
// (cmake/LeadsegWasmBatch.cmake).
//
// Thin on purpose: src/batch/ (LeadBatch) does the work. Bytes arrive in a
// buffer this module owns (JavaScript copies each chunk of the file into
// it); results leave as views into wasm memory (the LeadResult rows and
// their membership bitsets, read in place by web/src/batch-module.js), so
// no row becomes a JavaScript object unless the caller asks for it
// (fields(i), errorOf(i)). A call that fails returns -1 and lastError()
// says why; web/src/batch-module.js turns that into a LeadsegError, as
// bindings/errors.post.js does for the other modules. Nothing here throws:
// a C++ exception would reach JavaScript as a bare number.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/lead_batch.h"
#include "batch/lead_objects.h"
#include "config/config.h"
#include "core/duration.h"
#include "core/json.h"
#include "leadseg/compiled_config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "error_records.h"

using emscripten::val;

namespace leadseg {
namespace {

std::vector<std::string> Strings(const val& array) {
  std::vector<std::string> out;
  const unsigned n = array["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) out.push_back(array[i].as<std::string>());
  return out;
}

val StringArray(const std::vector<std::string>& list) {
  val out = val::array();
  for (const auto& s : list) out.call<void>("push", val(s));
  return out;
}

val CountArray(const uint64_t* counts, size_t n) {
  val out = val::array();
  for (size_t i = 0; i < n; ++i) out.call<void>("push", val(static_cast<double>(counts[i])));
  return out;
}

// What both batch classes share: the compiled config, the buffer that
// JavaScript copies each call's bytes into, and the last call's error.
// Registered as each class's own methods (RegisterBatchBase below).
class WasmBatchBase {
 public:
  // JSON text of an empty profile's attributes: the names the engine
  // computes (metrics, segments, score, ...), which no column or attribute
  // can give.
  std::string ComputedAttributes() const {
    Engine engine(config_);
    return engine.AttributeView().dump(-1, ' ', false, Json::error_handler_t::replace);
  }

  // The address of an input buffer of at least `bytes` bytes (it moves
  // only when it grows).
  uintptr_t InputBuffer(size_t bytes) {
    if (input_.size() < bytes) input_.resize(bytes);
    return reinterpret_cast<uintptr_t>(input_.data());
  }

  val LastError() const { return ErrorRecord(last_error_); }

 protected:
  // The first `bytes` bytes of the input buffer.
  std::string_view Input(size_t bytes) const { return std::string_view(input_.data(), bytes); }
  // A failed call: -1, and lastError() says why.
  int Fail(Status s) {
    last_error_ = std::move(s);
    return -1;
  }

  std::shared_ptr<const CompiledConfig> config_;

 private:
  std::vector<char> input_;
  Status last_error_;
};

class WasmLeadBatch : public WasmBatchBase {
 public:
  // Compiles the config and starts a batch. `options`: {now, types,
  // idColumn, columnMap: [[fileColumn, attribute], ...], listColumns,
  // keepFields}. Returns the config's warnings [{code, message, path}] or
  // an error record (with the compiler's diagnostics).
  val Load(const std::string& config_json, const val& options) {
    Diagnostics diagnostics;
    auto compiled = CompileConfigText(config_json, &diagnostics);
    if (!compiled) {
      return ErrorRecord(diagnostics);
    }
    return Start(std::move(compiled), options, diagnostics.all());
  }

  // The same from a compiled config (compileConfig's bytes) in the first
  // `bytes` bytes of the input buffer: what segmentLeads' workers load, so
  // that the config's JSON is compiled once, in the page, and each worker
  // range only decodes (a range compiling the JSON made V8 tier the
  // 132 KB config compiler up with TurboFan: ~1 s of CPU on a page's first
  // run, docs/performance.md).
  //
  // The config decoded last in this module instance is kept with its
  // bytes, and the same bytes again are not decoded again: a worker loads
  // them for each of its ranges (5 of a 1M-row file's 10 with 2 workers),
  // and decoding each time made V8 tier the decoder up too
  // (Condition::Decode, SegmentProgram::Decode: ~0.8 s of optimizing-compile
  // time in a page's first 1M-row run, docs/performance.md s35). A decoded
  // config is immutable, so batches may share it.
  val LoadCompiled(size_t bytes, const val& options) {
    static std::string* last_bytes = new std::string;    // never freed: module-long
    static LoadedConfig* last = new LoadedConfig;
    const std::string_view in = Input(bytes);
    if (!last->config || in != *last_bytes) {
      auto loaded = DecodeCompiledConfig(in);
      if (!loaded.ok()) return ErrorRecord(loaded.status());
      *last = std::move(*loaded);
      last_bytes->assign(in);
    }
    return Start(last->config, options, last->warnings);
  }

  // The config's JSON text compiled: {bytes: Uint8Array (a copy), warnings}
  // for loadCompiled, or an error record as load's.
  static val CompileConfig(const std::string& config_json) {
    Diagnostics diagnostics;
    auto compiled = CompileConfigText(config_json, &diagnostics);
    if (!compiled) return ErrorRecord(diagnostics);
    const std::string encoded = EncodeCompiledConfig(*compiled, diagnostics);
    val out = val::object();
    out.set("bytes", val::global("Uint8Array").new_(emscripten::typed_memory_view(
        encoded.size(), reinterpret_cast<const uint8_t*>(encoded.data()))));
    out.set("warnings", WarningsToVal(diagnostics.all()));
    return out;
  }

  // Feeds the first `bytes` bytes of the input buffer (`last`: the end of
  // the file). Returns the rows completed so far and not yet cleared, or
  // -1 (lastError()).
  int Feed(size_t bytes, bool last) {
    if (!batch_) return Fail(FailedPrecondition("LeadBatch: load a config first"));
    Status s = batch_->FeedCsv(Input(bytes), last);
    return s.ok() ? static_cast<int>(batch_->results().size()) : Fail(std::move(s));
  }

  // Feeds the first `bytes` bytes of the input buffer as the activity
  // table's CSV (before any lead; `last`: its end). It is grouped per lead
  // id here, once, and each lead's events are replayed from it inside
  // wasm. Returns 0, or -1 (lastError()).
  int FeedEvents(size_t bytes, bool last) {
    if (!batch_) return Fail(FailedPrecondition("LeadBatch: load a config first"));
    Status s = batch_->FeedEventsCsv(Input(bytes), last);
    return s.ok() ? 0 : Fail(std::move(s));
  }
  double EventsRead() const { return batch_ ? static_cast<double>(batch_->events_read()) : 0; }

  // The results of the rows completed and not yet cleared: LeadResult
  // rows (layout() says where each field is) and their memberships.
  uintptr_t Rows() { return reinterpret_cast<uintptr_t>(batch_->results().rows().data()); }
  uintptr_t Memberships() { return reinterpret_cast<uintptr_t>(batch_->results().memberships().data()); }
  int WordsPerRow() const { return static_cast<int>(batch_->results().words_per_row()); }
  std::string ErrorOf(size_t i) const {
    const std::string* e = batch_->results().ErrorOf(i);
    return e ? *e : std::string();
  }
  // Row i's raw fields, as in the file (with keepFields).
  val Fields(size_t i) const {
    const batch::ResultBuffer& r = batch_->results();
    val out = val::array();
    for (size_t k = 0; k < r.FieldCount(i); ++k) {
      std::string_view f = r.Field(i, k);
      out.call<void>("push", val(std::string(f)));
    }
    return out;
  }
  void ClearResults() { batch_->results().Clear(); }

  // The counts over every row read (complete after the last chunk).
  val Summary() const {
    const batch::BatchSummary& s = batch_->summary();
    val out = val::object();
    out.set("count", val(static_cast<double>(s.count)));
    out.set("errors", val(static_cast<double>(s.errors)));
    out.set("segments", CountArray(s.segments.data(), s.segments.size()));
    out.set("grades", CountArray(s.grades, 4));
    out.set("temperatures", CountArray(s.temperatures, 3));
    out.set("stages", CountArray(s.stages.data(), s.stages.size()));
    out.set("mql", val(static_cast<double>(s.mql)));
    out.set("sql", val(static_cast<double>(s.sql)));
    val columns = val::object();
    columns.set("read", StringArray(s.columns.read));
    columns.set("ignored", StringArray(s.columns.ignored));
    columns.set("missing", StringArray(s.columns.missing));
    columns.set("computed", StringArray(s.columns.computed));
    out.set("columns", columns);
    val events = val::object();
    events.set("read", val(static_cast<double>(s.events.read)));
    events.set("replayed", val(static_cast<double>(s.events.replayed)));
    events.set("afterNow", val(static_cast<double>(s.events.after_now)));
    events.set("unknownLead", val(static_cast<double>(s.events.unknown_lead)));
    events.set("unknownLeadIds", StringArray(s.events.unknown_lead_ids));
    events.set("leadsWithoutId", val(static_cast<double>(s.events.leads_without_id)));
    out.set("events", events);
    return out;
  }

  // Where LeadResult's fields are (bytes), so that JavaScript reads the
  // rows in place without assuming the compiler's layout.
  static val Layout() {
    using batch::LeadResult;
    val out = val::object();
    out.set("size", val(sizeof(LeadResult)));
    out.set("row", val(offsetof(LeadResult, row)));
    out.set("lead", val(offsetof(LeadResult, lead)));
    out.set("score", val(offsetof(LeadResult, score)));
    out.set("grade", val(offsetof(LeadResult, grade)));
    out.set("temperature", val(offsetof(LeadResult, temperature)));
    out.set("stage", val(offsetof(LeadResult, stage)));
    out.set("events", val(offsetof(LeadResult, events)));
    out.set("error", val(offsetof(LeadResult, error)));
    out.set("mql", val(offsetof(LeadResult, mql)));
    out.set("sql", val(offsetof(LeadResult, sql)));
    return out;
  }

 private:
  // load's and loadCompiled's common end: the batch over `config`.
  val Start(std::shared_ptr<const CompiledConfig> config, const val& options,
            const std::vector<Diagnostic>& warnings) {
    config_ = std::move(config);
    batch::BatchOptions o;
    o.now = static_cast<TimeMs>(options["now"].as<double>());
    o.types = options["types"].as<bool>();
    o.id_column = options["idColumn"].as<std::string>();
    o.keep_fields = options["keepFields"].as<bool>();
    o.list_columns = Strings(options["listColumns"]);
    // The activity table's columns (segmentLeads' eventColumns), when the
    // run has one: {lead, type, at}.
    const val events = options["eventColumns"];
    if (!events.isUndefined() && !events.isNull()) {
      o.event_lead_column = events["lead"].as<std::string>();
      o.event_type_column = events["type"].as<std::string>();
      o.event_at_column = events["at"].as<std::string>();
    }
    const val map = options["columnMap"];
    const unsigned n = map["length"].as<unsigned>();
    for (unsigned i = 0; i < n; ++i) o.column_map.emplace_back(map[i][0].as<std::string>(), map[i][1].as<std::string>());
    auto created = batch::LeadBatch::Create(config_, std::move(o));
    if (!created.ok()) return ErrorRecord(created.status());
    batch_ = std::move(*created);
    return WarningsToVal(warnings);
  }

  std::unique_ptr<batch::LeadBatch> batch_;
};

// Lead objects with their declarations and events (segmentLeads on an
// array): records written by web/src/lead-records.js into the input
// buffer, many leads per call; results in the same layout as LeadBatch's.
class WasmLeadObjects : public WasmBatchBase {
 public:
  // `options`: {now, metrics}. Returns the config's warnings or an error
  // record.
  val Load(const std::string& config_json, const val& options) {
    leads_.reset();  // whatever happens below, the last config is no longer loaded
    Diagnostics diagnostics;
    auto compiled = CompileConfigText(config_json, &diagnostics);
    if (!compiled) return ErrorRecord(diagnostics);
    Run run;
    if (Status s = ReadRun(options, &run); !s.ok()) return ErrorRecord(s);
    config_ = std::shared_ptr<const CompiledConfig>(std::move(compiled));
    leads_ = std::make_unique<batch::LeadObjects>(config_, run.now, run.with_metrics);
    warnings_ = diagnostics.all();
    return WarningsToVal(warnings_);
  }

  // Starts the loaded config over for another run (`options` as load's),
  // as load(the same text) would, without compiling it or setting up its
  // engine and segment loop again: the package keeps one LeadObjects with
  // the module and restarts it when a call's config text is the one it
  // loaded last (compiling and setting up was ~2 ms a call, the whole cost
  // of a small one: docs/performance.md). Returns the config's warnings or
  // an error record.
  val Restart(const val& options) {
    if (!leads_) return ErrorRecord(FailedPrecondition("LeadObjects: load a config first"));
    Run run;
    if (Status s = ReadRun(options, &run); !s.ok()) return ErrorRecord(s);
    leads_->Restart(run.now, run.with_metrics);
    return WarningsToVal(warnings_);
  }

  // Evaluates the records in the first `bytes` bytes of the input buffer,
  // numbered from `first_lead`. Returns the results not yet cleared, or -1
  // (lastError()).
  int Feed(size_t bytes, double first_lead) {
    if (!leads_) return Fail(FailedPrecondition("LeadObjects: load a config first"));
    Status s = leads_->Feed(Input(bytes), static_cast<uint64_t>(first_lead));
    return s.ok() ? static_cast<int>(leads_->results().size()) : Fail(std::move(s));
  }

  // Indexed records (src/batch/lead_objects.h): whether the config takes
  // them, a name's attribute index (-1 unread, -2 refused), and the string table,
  // from the first `bytes` bytes of the input buffer. addStrings returns 0
  // or -1 (lastError()).
  bool TakesIndexed() const { return leads_ && leads_->TakesIndexed(); }
  int AttrOf(const std::string& name) const { return leads_->AttrOf(name); }
  int AddStrings(size_t bytes, bool reset) {
    if (!leads_) return Fail(FailedPrecondition("LeadObjects: load a config first"));
    Status s = leads_->AddStrings(Input(bytes), reset);
    return s.ok() ? 0 : Fail(std::move(s));
  }

  uintptr_t Rows() { return reinterpret_cast<uintptr_t>(leads_->results().rows().data()); }
  uintptr_t Memberships() { return reinterpret_cast<uintptr_t>(leads_->results().memberships().data()); }
  int WordsPerRow() const { return static_cast<int>(leads_->results().words_per_row()); }
  // Why row i failed: {step: 0 attributes, 1 declaration, 2 event; index,
  // message, path}, or null.
  val FailureOf(size_t i) const {
    const batch::LeadObjects::Failure* f = leads_->FailureOf(i);
    if (!f) return val::null();
    val out = val::object();
    out.set("step", val(static_cast<int>(f->step)));
    out.set("index", val(f->index));
    out.set("message", val(f->message));
    out.set("path", val(f->path));
    return out;
  }
  // Row i's metrics frame (with metrics): its address and size.
  uintptr_t MetricsAt(size_t i) const {
    return reinterpret_cast<uintptr_t>(leads_->MetricsOf(i).data());
  }
  int MetricsSize(size_t i) const { return static_cast<int>(leads_->MetricsOf(i).size()); }
  void ClearResults() { leads_->Clear(); }

 private:
  // load's and restart's `options`: {now, metrics}.
  struct Run {
    TimeMs now = 0;
    bool with_metrics = false;
  };
  static Status ReadRun(const val& options, Run* run) {
    const double now = options["now"].as<double>();
    if (Status s = CheckTimestamp(now, "now"); !s.ok()) return s;
    run->now = static_cast<TimeMs>(now);
    run->with_metrics = options["metrics"].as<bool>();
    return Status::Ok();
  }

  std::unique_ptr<batch::LeadObjects> leads_;
  std::vector<Diagnostic> warnings_;  // the loaded config's
};

// WasmBatchBase's methods, registered on class T: embind binds a method to
// the class its member pointer names, so each is named as T's own.
template <class T>
void RegisterBatchBase(const emscripten::class_<T>& c) {
  c.template function<std::string (T::*)() const>("computedAttributes", &T::ComputedAttributes)
      .template function<uintptr_t (T::*)(size_t)>("inputBuffer", &T::InputBuffer)
      .template function<val (T::*)() const>("lastError", &T::LastError);
}

}  // namespace
}  // namespace leadseg

EMSCRIPTEN_BINDINGS(leadseg_batch) {
  using leadseg::RegisterBatchBase;
  using leadseg::WasmLeadBatch;
  RegisterBatchBase(emscripten::class_<WasmLeadBatch>("LeadBatch")
      .constructor<>()
      .function("load", &WasmLeadBatch::Load)
      .function("loadCompiled", &WasmLeadBatch::LoadCompiled)
      .class_function("compileConfig", &WasmLeadBatch::CompileConfig)
      .function("feed", &WasmLeadBatch::Feed)
      .function("feedEvents", &WasmLeadBatch::FeedEvents)
      .function("eventsRead", &WasmLeadBatch::EventsRead)
      .function("rows", &WasmLeadBatch::Rows)
      .function("memberships", &WasmLeadBatch::Memberships)
      .function("wordsPerRow", &WasmLeadBatch::WordsPerRow)
      .function("errorOf", &WasmLeadBatch::ErrorOf)
      .function("fields", &WasmLeadBatch::Fields)
      .function("clearResults", &WasmLeadBatch::ClearResults)
      .function("summary", &WasmLeadBatch::Summary)
      .class_function("layout", &WasmLeadBatch::Layout));
  using leadseg::WasmLeadObjects;
  RegisterBatchBase(emscripten::class_<WasmLeadObjects>("LeadObjects")
      .constructor<>()
      .function("load", &WasmLeadObjects::Load)
      .function("restart", &WasmLeadObjects::Restart)
      .function("feed", &WasmLeadObjects::Feed)
      .function("takesIndexed", &WasmLeadObjects::TakesIndexed)
      .function("attrIndexOf", &WasmLeadObjects::AttrOf)
      .function("addStrings", &WasmLeadObjects::AddStrings)
      .function("rows", &WasmLeadObjects::Rows)
      .function("memberships", &WasmLeadObjects::Memberships)
      .function("wordsPerRow", &WasmLeadObjects::WordsPerRow)
      .function("failureOf", &WasmLeadObjects::FailureOf)
      .function("metricsAt", &WasmLeadObjects::MetricsAt)
      .function("metricsSize", &WasmLeadObjects::MetricsSize)
      .function("clearResults", &WasmLeadObjects::ClearResults));
}
