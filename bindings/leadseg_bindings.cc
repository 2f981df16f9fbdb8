// The full module's own Embind surface (web/dist/leadseg.*): what tests,
// the config compiler and batch segmentation use and no visitor's page
// loads. The engine both modules share is bound in bindings/engine.cc.
//
// Convention: a function that can fail returns either its result or an
// error record {__leadsegError: message, path}; bindings/errors.post.js
// turns records into thrown JavaScript Errors (with `.path`). Throwing from
// C++ directly would skip destructors of everything on the wasm stack, and a
// C++ exception would reach JavaScript as a bare number.
//
// Segmenter's hot path avoids `val` and strings altogether: attributes
// arrive as a binary frame written by frame.post.js into a buffer it owns,
// and memberships go out through a byte buffer JavaScript reads in place.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "leadseg/compiled_config.h"
#include "conditions/condition.h"
#include "conditions/jsonlogic.h"
#include "config/config.h"
#include "conformance/conformance.h"
#include "core/json.h"
#include "core/value_codec.h"
#include "error_records.h"
#include "leadseg/compiler.h"
#include "profile/snapshot_v1.h"

using emscripten::val;

namespace leadseg {
namespace {

// jsonLogicApply's result leaves as JSON text through here. The core refuses
// invalid UTF-8 on the way in; should any reach a result anyway, it is
// replaced (U+FFFD) instead of nlohmann throwing a C++ exception, which
// would reach JavaScript as a bare number and skip the destructors on the
// wasm stack. (The engine's documents leave as value frames instead.)
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

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

  // Attribute names by attribute index: the order the frame encoder uses.
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

}  // namespace
}  // namespace leadseg

EMSCRIPTEN_BINDINGS(leadseg) {
  using namespace emscripten;
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
}
