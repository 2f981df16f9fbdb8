// SegmentStep: a segment's membership, kept between evaluations so that a
// segment whose condition reads no changed attribute keeps its answer
// (engine/evaluation.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/evaluation.h"

namespace leadseg {

class SegmentStep {
 public:
  SegmentStep(const CompiledConfig& config, const AttributeDeps& deps);
  // Whether every segment is decided at once (below): then the segment
  // steps are one run of the evaluation order, and RunAll takes them all;
  // otherwise Run takes each.
  bool at_once() const { return at_once_; }
  // Not at_once(): decides segment `i` into e->membership; marks "segments"
  // changed when the answer differs from the previous evaluation's.
  void Run(Evaluation* e, size_t i);
  // at_once(): every segment step of the run, as Run would in turn.
  void RunAll(Evaluation* e);

 private:
  // Every segment at once (SegmentProgram::EvaluateAll, 64 conditions a few
  // word operations) into words_, when the segment steps run and any
  // segment reads a changed attribute. Only where that gives each segment
  // the attributes its own step would see: no segment reads "segments" (the
  // array the segment steps rewrite) and no other step runs between the
  // segment steps (the order puts a step after everything it reads).
  bool at_once_ = false;
  std::vector<uint64_t> reads_;          // what any segment reads (AttributeChanges words)
  std::vector<uint64_t> words_;          // at_once_: this evaluation's answers, a bit each
  std::vector<uint8_t> answers_;         // per segment, the previous evaluation's
  std::vector<uint8_t> reads_segments_;  // per segment
};

}  // namespace leadseg
