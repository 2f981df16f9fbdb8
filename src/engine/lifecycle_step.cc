#include "engine/lifecycle_step.h"

namespace leadseg {

LifecycleStep::LifecycleStep(const CompiledConfig& config) {
  const auto& lifecycle = config.lifecycle();
  if (!lifecycle) return;
  for (const StageSpec& stage : lifecycle->stages) stages_.Add(config, stage.condition ? &*stage.condition : nullptr);
  mql_.reads_segments = lifecycle->mql && ReadsSegments(config, *lifecycle->mql);
  sql_.reads_segments = lifecycle->sql && ReadsSegments(config, *lifecycle->sql);
}

void LifecycleStep::HandOff(Evaluation* e, const std::optional<Condition>& condition, size_t id, int attr,
                            HandOffState* state, std::optional<TimeMs>* reached_at) {
  if (*reached_at) {
    state->answer = -1;
  } else if (condition) {
    // An answer not asked for last time is not kept.
    if (state->answer < 0 || e->Stale(id)) state->answer = e->Holds(*condition, state->reads_segments) ? 1 : 0;
    if (state->answer) *reached_at = e->now;
  }
  const bool reached = reached_at->has_value();
  e->Derived(attr, reached == state->written);
  state->written = reached;
  e->attributes.Set(attr, Value::Bool(reached));
}

void LifecycleStep::Run(Evaluation* e) {
  const CompiledConfig& c = e->config;
  const LifecycleSpec& spec = *c.lifecycle();
  ProgressState& progress = e->progress;
  int target = 0;
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    const auto& condition = spec.stages[i].condition;
    if (!condition || stages_.Ask(e, i, e->deps.stage(i), *condition)) target = static_cast<int>(i);
  }
  int current = progress.stage;
  bool move = target > current || (target < current && spec.stages[static_cast<size_t>(current)].allow_regression);
  if (move) {
    progress.history.push_back(
        StageChange{spec.stages[static_cast<size_t>(current)].id, spec.stages[static_cast<size_t>(target)].id, e->now});
    progress.stage = target;
  }
  // Each output is visible to the hand-offs evaluated after it.
  e->Derived(c.stage_attr(), progress.stage == stage_);
  stage_ = progress.stage;
  e->attributes.Set(c.stage_attr(), Value::String(spec.stages[static_cast<size_t>(progress.stage)].id));
  HandOff(e, spec.mql, e->deps.mql(), c.mql_attr(), &mql_, &progress.mql_at);
  HandOff(e, spec.sql, e->deps.sql(), c.sql_attr(), &sql_, &progress.sql_at);
}

}  // namespace leadseg
