// TemperatureStep: cold/warm/hot from the score, with hysteresis, from the
// visitor's current temperature (scoring/scoring.h). The temperature is
// history-dependent, so it lives in ProgressState; this step only keeps
// what the attribute held, to tell whether it changed.
#pragma once

#include "engine/evaluation.h"

namespace leadseg {

class TemperatureStep {
 public:
  void Run(Evaluation* e, double score);

 private:
  int written_ = -1;  // the Temperature the attribute holds, -1 before the first
};

}  // namespace leadseg
