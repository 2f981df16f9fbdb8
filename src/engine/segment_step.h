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
  explicit SegmentStep(const CompiledConfig& config);
  // Decides segment `i` into e->membership; marks "segments" changed when
  // the answer differs from the previous evaluation's.
  void Run(Evaluation* e, size_t i);

 private:
  std::vector<uint8_t> answers_;         // per segment, the previous evaluation's
  std::vector<uint8_t> reads_segments_;  // per segment
};

}  // namespace leadseg
