// ScoreStep: the lead score, "score" = behavioural points (event rules,
// decayed; ScoreState) + trait points (rules on the current profile) + the
// predictive model's points, clamped to the config's [min, max]
// (scoring/scoring.h). Keeps each trait rule's answer between evaluations
// and what the score was made of, for the breakdown.
#pragma once

#include <cstddef>

#include "engine/evaluation.h"

namespace leadseg {

class ScoreStep {
 public:
  explicit ScoreStep(const CompiledConfig& config);
  // `behavioral`: the event rules' points at the clock; `model_points`:
  // the predictive model's (0 without one), which count as a trait rule's.
  void Run(Evaluation* e, double behavioral, double model_points);

  // What the last evaluation found.
  double score() const { return score_; }
  double behavioral() const { return behavioral_; }
  double traits() const { return traits_; }
  bool matched(size_t rule) const { return matched_[rule]; }

 private:
  KeptAnswers matched_;  // per scoring rule (event rules: never asked)
  double behavioral_ = 0, traits_ = 0, score_ = 0;
};

}  // namespace leadseg
