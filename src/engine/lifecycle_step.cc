#include "engine/lifecycle_step.h"

namespace leadseg {

LifecycleStep::LifecycleStep(const CompiledConfig& config) {
  const auto& lifecycle = config.lifecycle();
  if (!lifecycle) return;
  for (const StageSpec& stage : lifecycle->stages) {
    reads_segments_.push_back(stage.condition && ReadsSegments(config, *stage.condition) ? 1 : 0);
  }
  answers_.assign(reads_segments_.size(), 0);
  mql_reads_segments_ = lifecycle->mql && ReadsSegments(config, *lifecycle->mql);
  sql_reads_segments_ = lifecycle->sql && ReadsSegments(config, *lifecycle->sql);
}

bool LifecycleStep::HandOff(Evaluation* e, const std::optional<Condition>& condition, bool reads_segments,
                            size_t id, int8_t* answer) {
  if (!condition) return false;
  // An answer not asked for last time is not kept.
  if (*answer < 0 || e->Stale(id)) *answer = e->Holds(*condition, reads_segments) ? 1 : 0;
  return *answer != 0;
}

void LifecycleStep::Run(Evaluation* e) {
  const CompiledConfig& c = e->config;
  const LifecycleSpec& spec = *c.lifecycle();
  ProgressState& progress = e->progress;
  int target = 0;
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    if (!spec.stages[i].condition) {
      answers_[i] = 1;
    } else if (e->Stale(e->deps.stage(i))) {
      answers_[i] = e->Holds(*spec.stages[i].condition, reads_segments_[i] != 0) ? 1 : 0;
    }
    if (answers_[i]) target = static_cast<int>(i);
  }
  int current = progress.stage;
  bool move = target > current || (target < current && spec.stages[static_cast<size_t>(current)].allow_regression);
  if (move) {
    progress.history.push_back(
        StageChange{spec.stages[static_cast<size_t>(current)].id, spec.stages[static_cast<size_t>(target)].id, e->now});
    progress.stage = target;
  }
  // Each output is visible to the hand-offs evaluated after it.
  e->Derived(c.stage_slot(), progress.stage == stage_);
  stage_ = progress.stage;
  e->attributes.Set(c.stage_slot(), Value::String(spec.stages[static_cast<size_t>(progress.stage)].id));

  if (progress.mql_at) {
    mql_answer_ = -1;
  } else if (HandOff(e, spec.mql, mql_reads_segments_, e->deps.mql(), &mql_answer_)) {
    progress.mql_at = e->now;
  }
  e->Derived(c.mql_slot(), progress.mql_at.has_value() == mql_);
  mql_ = progress.mql_at.has_value();
  e->attributes.Set(c.mql_slot(), Value::Bool(mql_));

  if (progress.sql_at) {
    sql_answer_ = -1;
  } else if (HandOff(e, spec.sql, sql_reads_segments_, e->deps.sql(), &sql_answer_)) {
    progress.sql_at = e->now;
  }
  e->Derived(c.sql_slot(), progress.sql_at.has_value() == sql_);
  sql_ = progress.sql_at.has_value();
  e->attributes.Set(c.sql_slot(), Value::Bool(sql_));
}

}  // namespace leadseg
