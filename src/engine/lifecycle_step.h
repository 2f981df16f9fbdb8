// LifecycleStep: the visitor's stage and the MQL/SQL hand-offs
// (scoring/scoring.h). The visitor moves to the furthest stage whose
// condition holds, back only into a stage that allows regression; a
// hand-off, once reached, stays reached with its time. Both live in
// ProgressState (history-dependent); this step keeps the conditions'
// answers and what the slots held between evaluations.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/evaluation.h"

namespace leadseg {

class LifecycleStep {
 public:
  explicit LifecycleStep(const CompiledConfig& config);
  // Moves e->progress (appending the move to its history) and writes
  // "stage", "mql" and "sql".
  void Run(Evaluation* e);

 private:
  // Asks a hand-off's condition, unless it was reached already.
  bool HandOff(Evaluation* e, const std::optional<Condition>& condition, bool reads_segments, size_t id,
               int8_t* answer);

  std::vector<uint8_t> answers_;         // per stage (1 when it has no condition)
  std::vector<uint8_t> reads_segments_;  // per stage
  bool mql_reads_segments_ = false, sql_reads_segments_ = false;
  int8_t mql_answer_ = -1, sql_answer_ = -1;  // -1: not asked last time (already reached)
  int stage_ = -1;                            // what the slots hold, to compare
  bool mql_ = false, sql_ = false;
};

}  // namespace leadseg
