// The engine's documents as JSON, for tests, the CLI, the fuzzers and the
// batch module: each reads back the value frame its ValueWriter overload
// writes (engine.cc), so there is one definition of every document. The
// runtime module hands the frames to JavaScript instead and does not link
// this file.
#include "core/value_codec.h"
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
