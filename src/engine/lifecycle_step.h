// LifecycleStep: the visitor's stage and the MQL/SQL hand-offs
// (lifecycle/lifecycle.h). The visitor moves to the furthest stage whose
// condition holds, back only into a stage that allows regression; a
// hand-off, once reached, stays reached with its time. Both live in
// ProgressState (history-dependent); this step keeps the conditions'
// answers and what the attributes held between evaluations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "engine/evaluation.h"

namespace leadseg {

class LifecycleStep {
 public:
  explicit LifecycleStep(const CompiledConfig& config);
  // Moves e->progress (appending the move to its history) and writes
  // "stage", "mql" and "sql".
  void Run(Evaluation* e);

 private:
  // One hand-off's condition and attribute as the last evaluation left them.
  struct HandOffState {
    bool reads_segments = false;
    int8_t answer = -1;    // -1: not asked last time (already reached)
    bool written = false;  // what the attribute holds, to compare
  };
  // Asks a hand-off's condition unless it was reached already, records
  // when it is reached, and writes its attribute.
  static void HandOff(Evaluation* e, const std::optional<Condition>& condition, size_t id, int attr,
                      HandOffState* state, std::optional<TimeMs>* reached_at);

  KeptAnswers stages_;  // per stage (a stage without condition always holds)
  HandOffState mql_, sql_;
  int stage_ = -1;  // what the attribute holds, to compare
};

}  // namespace leadseg
