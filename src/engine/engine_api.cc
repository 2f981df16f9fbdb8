// leadseg/engine.h's Engine: each call forwarded to the Engine::Impl that
// holds the visitor's state (engine/engine_impl.h). The nlohmann JSON
// conveniences are in engine_json.cc.
#include "engine/engine_impl.h"

#include <utility>

namespace leadseg {

Engine::Engine(std::shared_ptr<const CompiledConfig> config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Engine::~Engine() = default;

const CompiledConfig& Engine::config() const { return impl_->config(); }

Result<SegmentChanges> Engine::Identify(const Value& traits, TimeMs now) { return impl_->Identify(traits, now); }

Result<SegmentChanges> Engine::IdentifyFrame(std::string_view traits_frame, TimeMs now) {
  return impl_->IdentifyFrame(traits_frame, nullptr, now);
}

Result<SegmentChanges> Engine::IdentifyNamedValues(const std::vector<std::string>& names,
                                                   std::string_view values_frame, TimeMs now,
                                                   uint64_t names_version) {
  return impl_->IdentifyFrame(values_frame, &names, now, names_version);
}

Result<SegmentChanges> Engine::Declare(const std::string& key, const Value& value, TimeMs now) {
  return impl_->Declare(key, value, now);
}

Result<SegmentChanges> Engine::DeclareFrame(const std::string& key, std::string_view value_frame, TimeMs now) {
  return impl_->DeclareFrame(key, value_frame, now);
}

Result<SegmentChanges> Engine::Track(const std::string& type, const Value& props, TimeMs ts) {
  return impl_->Track(type, props, ts);
}

Result<SegmentChanges> Engine::TrackFrame(std::string_view type, std::string_view props_frame, TimeMs ts) {
  return impl_->TrackFrame(type, props_frame, ts);
}

Result<SegmentChanges> Engine::Advance(TimeMs now) { return impl_->Advance(now); }

TimeMs Engine::clock() const { return impl_->clock(); }
size_t Engine::event_count() const { return impl_->event_count(); }
const Profile& Engine::profile() const { return impl_->profile(); }

std::vector<std::string> Engine::Segments() const { return impl_->Segments(); }
const SegmentChanges& Engine::initial_changes() const { return impl_->initial_changes(); }
void Engine::ReportChangesAsIndexes() { impl_->ReportChangesAsIndexes(); }
void Engine::Recycle(SegmentChanges&& spent) { impl_->Recycle(std::move(spent)); }
bool Engine::InSegment(size_t index) const { return impl_->InSegment(index); }
const std::vector<uint8_t>& Engine::membership() const { return impl_->membership(); }

void Engine::Metrics(ValueWriter* out) const { impl_->Metrics(out); }
void Engine::AttributeView(ValueWriter* out) const { impl_->AttributeView(out); }
void Engine::ScoreBreakdown(ValueWriter* out) const { impl_->ScoreBreakdown(out); }
const ProgressState& Engine::progress() const { return impl_->progress(); }
Engine::LeadSummary Engine::Summary() const { return impl_->Summary(); }

Status Engine::SetVisitorId(const std::string& id) { return impl_->SetVisitorId(id); }

Result<Engine::Decision> Engine::Decide(const std::string& slot_id, TimeMs now, bool record) {
  return impl_->Decide(slot_id, now, record);
}

Status Engine::Convert(const std::string& goal, TimeMs now, ValueWriter* out) {
  return impl_->Convert(goal, now, out);
}

Status Engine::AddAggregateCounts(const std::string& experiment, const Value& counts) {
  return impl_->AddAggregateCounts(experiment, counts);
}

void Engine::ExperimentReport(ValueWriter* out, VariantStatistics statistics) const {
  impl_->ExperimentReport(out, statistics);
}

void Engine::ExperimentCounts(ValueWriter* out) const { impl_->ExperimentCounts(out); }
const DecisionState& Engine::decisions() const { return impl_->decisions(); }

Status Engine::Explain(const std::string& segment_id, ValueWriter* out) const {
  return impl_->Explain(segment_id, out);
}

std::string Engine::Snapshot() const { return impl_->Snapshot(); }
Status Engine::Restore(std::string_view snapshot) { return impl_->Restore(snapshot); }
void Engine::Export(ValueWriter* out) const { impl_->Export(out); }
void Engine::Erase() { impl_->Erase(); }

}  // namespace leadseg
