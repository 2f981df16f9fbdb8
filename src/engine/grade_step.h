// GradeStep: the grade A-D from the matching grading rules' points (fit to
// the ideal customer) against the bands, and "leadCell", the grade joined
// with an engagement digit from the score (scoring/scoring.h). Keeps each
// grading rule's answer between evaluations, for the breakdown too.
#pragma once

#include <cstddef>

#include "engine/evaluation.h"

namespace leadseg {

class GradeStep {
 public:
  explicit GradeStep(const CompiledConfig& config);
  // `score`: the lead score the engagement digit reads (0 without
  // scoring); `model_points`: the predictive model's fit points.
  void Run(Evaluation* e, double score, double model_points);

  double fit() const { return fit_; }
  bool matched(size_t rule) const { return matched_[rule]; }

 private:
  KeptAnswers matched_;  // per grading rule
  double fit_ = 0;
  char grade_ = 0, engagement_ = 0;      // what the attributes hold, to compare
};

}  // namespace leadseg
