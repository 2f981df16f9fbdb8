// Grading: how well a lead fits the ideal customer, A-D.
//
//   "grading": {"rules": [{"id": "tech", "points": 40, "condition": {"industry": "Technology"}}, ...],
//               "bands": {"A": 80, "B": 60, "C": 40}, "engagement": [60, 30, 10]}
//
// The grade is A-D from the sum of the matching rules' points (fit) against
// the bands; "leadCell" joins the grade and an engagement digit 1-4 from the
// score ("A1" = best fit, most engaged). Both are attributes conditions can
// read ("grade", "leadCell"). Evaluated by engine/grade_step.h.
#pragma once

#include <string>
#include <vector>

#include "conditions/condition.h"

namespace leadseg {

struct GradeRule {
  std::string id;
  double points = 0;
  Condition condition;
};

struct GradingSpec {
  std::vector<GradeRule> rules;
  double a = 80, b = 60, c = 40;          // fit points needed for A, B, C
  double engagement[3] = {60, 30, 10};    // score needed for digits 1, 2, 3
  // "A".."D" for `fit` points.
  char Grade(double fit) const;
  int Engagement(double score) const;
};

}  // namespace leadseg
