#include "engine/segment_step.h"

namespace leadseg {

SegmentStep::SegmentStep(const CompiledConfig& config) : answers_(config.segments().size(), 0) {
  for (const SegmentSpec& spec : config.segments()) {
    reads_segments_.push_back(ReadsSegments(config, spec.condition) ? 1 : 0);
  }
}

void SegmentStep::Run(Evaluation* e, size_t i) {
  uint8_t answer = answers_[i];
  if (e->Stale(e->deps.segment(i))) {
    answer = e->HoldsSegment(i, reads_segments_[i] != 0) ? 1 : 0;
    // The "segments" array every later reader sees differs from last time.
    if (answer != answers_[i]) e->changed.Add(e->config.segments_attr());
    answers_[i] = answer;
  }
  e->membership[i] = answer;
  e->MembershipMoved();
}

}  // namespace leadseg
