#include "engine/score_step.h"

#include <algorithm>
#include <cstring>

namespace leadseg {

ScoreStep::ScoreStep(const CompiledConfig& config) {
  if (!config.scoring()) return;
  for (const ScoreRule& rule : config.scoring()->rules) matched_.Add(config, rule.is_event ? nullptr : &*rule.condition);
}

void ScoreStep::Run(Evaluation* e, double behavioral, double model_points) {
  const ScoringSpec& spec = *e->config.scoring();
  behavioral_ = behavioral;
  traits_ = 0;
  for (size_t r = 0; r < spec.rules.size(); ++r) {
    const ScoreRule& rule = spec.rules[r];
    if (!rule.is_event && matched_.Ask(e, r, e->deps.score_rule(r), *rule.condition)) traits_ += rule.points;
  }
  traits_ += model_points;
  double score = behavioral_ + traits_;
  if (spec.min) score = std::max(score, *spec.min);
  if (spec.max) score = std::min(score, *spec.max);
  // Bit for bit: -0 and NaN are not the same as 0 and NaN to every reader.
  e->Derived(e->config.score_attr(), std::memcmp(&score, &score_, sizeof score) == 0);
  score_ = score;
  e->attributes.Set(e->config.score_attr(), Value::Number(score));
}

}  // namespace leadseg
