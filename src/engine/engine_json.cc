// The engine's nlohmann JSON conveniences, for tests, the CLI, the fuzzers
// and the batch module. Inputs are read into a Value and given to the Value
// form; each document reads back the value frame its ValueWriter overload
// writes (engine.cc), so there is one definition of every call and
// document. The runtime module hands frames to JavaScript instead and does
// not link this file.
#include "core/value.h"
#include "core/value_codec.h"
#include "core/value_writer.h"
#include "decisions/stats.h"
#include "leadseg/engine.h"

namespace leadseg {
namespace {

Json FrameToJson(const ValueWriter& w) {
  Document doc;
  const std::string& bytes = w.bytes();
  auto v = DecodeValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &doc, kMaxJsonDepth + 1);
  // The writer's frames always decode; a failure here is a bug in a writer.
  return v.ok() ? v->ToJson() : Json();
}

template <typename Write>
Json AsJson(Write write) {
  ValueWriter w;
  write(&w);
  return FrameToJson(w);
}

}  // namespace

Result<SegmentChanges> Engine::Identify(const Json& traits, TimeMs now) {
  Document doc;
  return Identify(doc.Add(traits), now);
}

Result<SegmentChanges> Engine::Declare(const std::string& key, const Json& value, TimeMs now) {
  Document doc;
  return Declare(key, doc.Add(value), now);
}

Result<SegmentChanges> Engine::Track(const std::string& type, const Json& props, TimeMs ts) {
  Document doc;
  return Track(type, doc.Add(props), ts);
}

Status Engine::AddAggregateCounts(const std::string& experiment, const Json& counts) {
  Document doc;
  return AddAggregateCounts(experiment, doc.Add(counts));
}

Json Engine::Metrics() const {
  return AsJson([&](ValueWriter* w) { Metrics(w); });
}

Json Engine::AttributeView() const {
  return AsJson([&](ValueWriter* w) { AttributeView(w); });
}

Json Engine::ScoreBreakdown() const {
  return AsJson([&](ValueWriter* w) { ScoreBreakdown(w); });
}

Json Engine::Export() const {
  return AsJson([&](ValueWriter* w) { Export(w); });
}

Json Engine::ExperimentReport() const {
  return AsJson([&](ValueWriter* w) { ExperimentReport(w, &ComputeVariantStats); });
}

Result<Json> Engine::Explain(const std::string& segment_id) const {
  ValueWriter w;
  LEADSEG_RETURN_IF_ERROR(Explain(segment_id, &w));
  return FrameToJson(w);
}

Result<Json> Engine::Convert(const std::string& goal, TimeMs now) {
  ValueWriter w;
  LEADSEG_RETURN_IF_ERROR(Convert(goal, now, &w));
  return FrameToJson(w);
}

Json Engine::Decision::ToJson() const {
  ValueWriter w;
  Write(&w);
  return FrameToJson(w);
}

}  // namespace leadseg
