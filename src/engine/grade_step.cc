#include "engine/grade_step.h"

namespace leadseg {

GradeStep::GradeStep(const CompiledConfig& config) {
  if (!config.grading()) return;
  for (const GradeRule& rule : config.grading()->rules) matched_.Add(config, &rule.condition);
}

void GradeStep::Run(Evaluation* e, double score, double model_points) {
  const CompiledConfig& c = e->config;
  const GradingSpec& spec = *c.grading();
  fit_ = 0;
  for (size_t r = 0; r < spec.rules.size(); ++r) {
    if (matched_.Ask(e, r, e->deps.grade_rule(r), spec.rules[r].condition)) fit_ += spec.rules[r].points;
  }
  fit_ += model_points;
  char grade[2] = {spec.Grade(fit_), 0};
  char cell[3] = {grade[0], static_cast<char>('0' + spec.Engagement(score)), 0};
  e->Derived(c.grade_attr(), grade[0] == grade_);
  e->Derived(c.lead_cell_attr(), grade[0] == grade_ && cell[1] == engagement_);
  grade_ = grade[0];
  engagement_ = cell[1];
  e->attributes.Set(c.grade_attr(), e->arena.CopyString(grade));
  e->attributes.Set(c.lead_cell_attr(), e->arena.CopyString(cell));
}

}  // namespace leadseg
