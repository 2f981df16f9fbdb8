#include "engine/segment_step.h"

namespace leadseg {

SegmentStep::SegmentStep(const CompiledConfig& config, const AttributeDeps& deps)
    : answers_(config.segments().size(), 0) {
  bool any_reads_segments = false;
  for (const SegmentSpec& spec : config.segments()) {
    const bool reads = ReadsSegments(config, spec.condition);
    reads_segments_.push_back(reads ? 1 : 0);
    any_reads_segments |= reads;
  }
  // The segment steps' place in the order: one run of steps, or not.
  size_t begin = 0, end = 0, count = 0;
  const auto& order = config.evaluation_order();
  for (size_t k = 0; k < order.size(); ++k) {
    if (order[k].kind != EvalStep::Kind::kSegment) continue;
    if (count++ == 0) begin = k;
    end = k + 1;
  }
  at_once_ = count > 0 && count == config.segments().size() && end - begin == count && !any_reads_segments;
  if (!at_once_) return;
  words_.assign(SegmentProgram::WordsFor(count), 0);
  for (size_t i = 0; i < count; ++i) deps.AddReads(deps.segment(i), &reads_);
}

void SegmentStep::Run(Evaluation* e, size_t i) {
  uint8_t answer = answers_[i];
  if (e->Stale(e->deps.segment(i))) answer = e->HoldsSegment(i, reads_segments_[i] != 0) ? 1 : 0;
  // The "segments" array every later reader sees differs from last time.
  if (answer != answers_[i]) e->changed.Add(e->config.segments_attr());
  answers_[i] = answer;
  e->membership[i] = answer;
  e->MembershipMoved();
}

void SegmentStep::RunAll(Evaluation* e) {
  // Not one segment reads a changed attribute: words_ holds every kept
  // answer already (the previous evaluation's).
  if (e->AnyStale(reads_)) e->HoldsAllSegments(words_.data());
  bool moved = false;
  for (size_t i = 0; i < answers_.size(); ++i) {
    const uint8_t answer = (words_[i / 64] >> (i % 64) & 1) != 0;
    moved |= answer != answers_[i];
    answers_[i] = answer;
    e->membership[i] = answer;
  }
  if (moved) e->changed.Add(e->config.segments_attr());
  e->MembershipMoved();
}

}  // namespace leadseg
