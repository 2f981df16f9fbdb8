#include "engine/score_step.h"

#include <algorithm>
#include <cstring>

namespace leadseg {

ScoreStep::ScoreStep(const CompiledConfig& config) {
  if (!config.scoring()) return;
  for (const ScoreRule& rule : config.scoring()->rules) {
    reads_segments_.push_back(!rule.is_event && ReadsSegments(config, *rule.condition) ? 1 : 0);
  }
  matched_.assign(reads_segments_.size(), 0);
}

void ScoreStep::Run(Evaluation* e, double behavioral, double model_points) {
  const ScoringSpec& spec = *e->config.scoring();
  behavioral_ = behavioral;
  traits_ = 0;
  for (size_t r = 0; r < spec.rules.size(); ++r) {
    if (spec.rules[r].is_event) continue;
    if (e->Stale(e->deps.score_rule(r))) {
      matched_[r] = e->Holds(*spec.rules[r].condition, reads_segments_[r] != 0) ? 1 : 0;
    }
    if (matched_[r]) traits_ += spec.rules[r].points;
  }
  traits_ += model_points;
  double score = behavioral_ + traits_;
  if (spec.min) score = std::max(score, *spec.min);
  if (spec.max) score = std::min(score, *spec.max);
  // Bit for bit: -0 and NaN are not the same as 0 and NaN to every reader.
  e->Derived(e->config.score_slot(), std::memcmp(&score, &score_, sizeof score) == 0);
  score_ = score;
  e->attributes.Set(e->config.score_slot(), Value::Number(score));
}

}  // namespace leadseg
