#include "engine/evaluation.h"

#include <algorithm>

namespace leadseg {

bool Evaluation::Holds(const Condition& condition, bool reads_segments) {
  if (reads_segments) PublishSegments();
  return condition.Evaluate(attributes);
}

bool Evaluation::HoldsSegment(size_t i, bool reads_segments) {
  if (reads_segments) PublishSegments();
  const SegmentProgram& program = config.segment_program();
  if (!program_begun_) {
    program.Begin(attributes, &segment_state_);
    program_begun_ = true;
  }
  return program.Holds(i, attributes, &segment_state_);
}

void Evaluation::HoldsAllSegments(uint64_t* words) {
  config.segment_program().EvaluateAll(attributes, &segment_state_, words);
  program_begun_ = true;
}

void Evaluation::PublishSegments() {
  if (!segments_dirty_) return;
  config.PublishSegments(membership, &attributes, &arena, &segment_ids_);
  segments_dirty_ = false;
}

void KeptAnswers::Add(const CompiledConfig& config, const Condition* condition) {
  answers_.push_back(0);
  reads_segments_.push_back(condition && ReadsSegments(config, *condition) ? 1 : 0);
}

bool KeptAnswers::Ask(Evaluation* e, size_t i, size_t id, const Condition& condition) {
  if (e->Stale(id)) answers_[i] = e->Holds(condition, reads_segments_[i] != 0) ? 1 : 0;
  return answers_[i] != 0;
}

bool ReadsSegments(const CompiledConfig& config, const Condition& condition) {
  const int attr = config.segments_attr();
  const auto& attrs = condition.attrs();
  return attr >= 0 && std::find(attrs.begin(), attrs.end(), attr) != attrs.end();
}

}  // namespace leadseg
