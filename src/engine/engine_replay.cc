#include "engine/engine_replay.h"

#include <algorithm>
#include <string>

#include "core/json.h"
#include "core/utf8.h"
#include "core/value_checks.h"
#include "core/value_codec.h"
#include "engine/engine_impl.h"

namespace leadseg {

namespace {

// The ids a leaf on "segments" names when its answer depends on those
// memberships alone ($in, $nin, $all of ids). Anything else ($size, a
// path into the list, $elemMatch, a regex) may depend on every segment
// decided before it.
bool NamedSegments(const std::string& attribute, const Json& operand, std::vector<std::string>* ids) {
  if (attribute != "segments" || !operand.is_object() || operand.size() != 1) return false;
  auto it = operand.begin();
  if (it.key() != "$in" && it.key() != "$nin" && it.key() != "$all") return false;
  if (!it->is_array() || it->empty()) return false;
  for (const auto& id : *it) {
    if (!id.is_string()) return false;
    ids->push_back(id.get<std::string>());
  }
  return true;
}

bool ReadsAttr(const Condition& condition, int attr) {
  return attr >= 0 && std::find(condition.attrs().begin(), condition.attrs().end(), attr) != condition.attrs().end();
}

}  // namespace

ReplayPlan::ReplayPlan(const CompiledConfig& c) {
  const std::vector<EvalStep>& order = c.evaluation_order();
  steps.assign(order.size(), 0);
  if (!c.temperature() && !c.lifecycle()) {
    nothing = true;
    return;
  }
  // The model's features may read anything, with dependencies of their own:
  // not worth a second analysis for the few configs that have one.
  full = c.predictive().has_value();
  std::vector<int> segment_at(c.segments().size(), -1);
  int score_at = -1, grade_at = -1, temperature_at = -1, stage_at = -1;
  for (size_t k = 0; k < order.size(); ++k) {
    const int at = static_cast<int>(k);
    switch (order[k].kind) {
      case EvalStep::Kind::kSegment: segment_at[static_cast<size_t>(order[k].index)] = at; break;
      case EvalStep::Kind::kScore: score_at = at; break;
      case EvalStep::Kind::kGrade: grade_at = at; break;
      case EvalStep::Kind::kTemperature: temperature_at = at; break;
      case EvalStep::Kind::kStage: stage_at = at; break;
      case EvalStep::Kind::kPredictive: break;
    }
  }
  std::vector<uint8_t> metric_read(c.metrics().size(), 0);
  std::vector<size_t> work;
  auto need = [&](int at) {
    if (at >= 0 && !steps[static_cast<size_t>(at)]) {
      steps[static_cast<size_t>(at)] = 1;
      work.push_back(static_cast<size_t>(at));
    }
  };
  // What a condition of the step at `at` reads becomes needed too.
  auto reads = [&](const Condition& condition, size_t at) {
    for (int attr : condition.attrs()) {
      if (attr == c.score_attr()) need(score_at);
      if (attr == c.grade_attr() || attr == c.lead_cell_attr()) need(grade_at);
      if (attr == c.temperature_attr()) need(temperature_at);
      if (attr == c.stage_attr() || attr == c.mql_attr() || attr == c.sql_attr()) need(stage_at);
      if (attr == c.rfm_attr()) full = true;
      for (size_t m = 0; m < c.metrics().size(); ++m) {
        if (c.metric_attr(m) == attr) metric_read[m] = 1;
      }
    }
    if (!ReadsAttr(condition, c.segments_attr())) return;
    // The segments it names, or (when it cannot say) every segment decided
    // before it, so that the list it reads is the one a full evaluation
    // publishes there.
    std::vector<std::string> ids;
    bool named = false, unnamed = false;
    condition.ForEachLeaf([&](const std::string& attribute, const Json& operand, const std::string&) {
      if (attribute != "segments" && attribute.rfind("segments.", 0) != 0) return;
      if (NamedSegments(attribute, operand, &ids)) named = true;
      else unnamed = true;
    });
    for (const auto& id : ids) {
      int j = c.FindSegment(id);
      if (j < 0) unnamed = true;
      else need(segment_at[static_cast<size_t>(j)]);
    }
    if (unnamed || !named) {
      for (size_t k = 0; k < at; ++k) {
        if (order[k].kind == EvalStep::Kind::kSegment) need(static_cast<int>(k));
      }
    }
  };
  need(temperature_at);
  need(stage_at);
  while (!work.empty()) {
    const size_t at = work.back();
    work.pop_back();
    const EvalStep& step = order[at];
    switch (step.kind) {
      case EvalStep::Kind::kSegment: reads(c.segments()[static_cast<size_t>(step.index)].condition, at); break;
      case EvalStep::Kind::kScore:
        for (const ScoreRule& rule : c.scoring()->rules) {
          if (!rule.is_event) reads(*rule.condition, at);
        }
        break;
      case EvalStep::Kind::kGrade:
        for (const auto& rule : c.grading()->rules) reads(rule.condition, at);
        need(score_at);  // the lead cell's engagement digit
        break;
      case EvalStep::Kind::kTemperature: need(score_at); break;
      case EvalStep::Kind::kStage: {
        const LifecycleSpec& spec = *c.lifecycle();
        for (const auto& stage : spec.stages) {
          if (stage.condition) reads(*stage.condition, at);
        }
        if (spec.mql) reads(*spec.mql, at);
        if (spec.sql) reads(*spec.sql, at);
        break;
      }
      case EvalStep::Kind::kPredictive: break;
    }
  }
  if (full) steps.assign(order.size(), 1);
  for (size_t m = 0; m < metric_read.size(); ++m) {
    if (metric_read[m] || full) metrics.push_back(m);
  }

  // Number the conditions and say which are stable during a replay.
  std::vector<const Condition*> all;
  for (const auto& segment : c.segments()) all.push_back(&segment.condition);
  score_rules = all.size();
  if (c.scoring()) {
    for (const ScoreRule& rule : c.scoring()->rules) all.push_back(rule.is_event ? nullptr : &*rule.condition);
  }
  grade_rules = all.size();
  if (c.grading()) {
    for (const auto& rule : c.grading()->rules) all.push_back(&rule.condition);
  }
  stage_conditions = all.size();
  if (c.lifecycle()) {
    for (const auto& stage : c.lifecycle()->stages) all.push_back(stage.condition ? &*stage.condition : nullptr);
  }
  mql = all.size();
  all.push_back(c.lifecycle() && c.lifecycle()->mql ? &*c.lifecycle()->mql : nullptr);
  sql = all.size();
  all.push_back(c.lifecycle() && c.lifecycle()->sql ? &*c.lifecycle()->sql : nullptr);
  conditions = all.size();
  std::vector<int> computed = {c.segments_attr(), c.rfm_attr(),   c.score_attr(), c.grade_attr(),
                               c.lead_cell_attr(), c.temperature_attr(), c.stage_attr(), c.mql_attr(),
                               c.sql_attr()};
  for (size_t m = 0; m < c.metrics().size(); ++m) computed.push_back(c.metric_attr(m));
  reads_segments.assign(conditions, 0);
  stable.assign(conditions, 0);
  for (size_t i = 0; i < conditions; ++i) {
    if (!all[i]) continue;
    reads_segments[i] = ReadsAttr(*all[i], c.segments_attr());
    bool changes = false;
    for (int attr : all[i]->attrs()) {
      changes = changes || std::find(computed.begin(), computed.end(), attr) != computed.end();
    }
    stable[i] = !changes;
  }
}

Replayer::Replayer(const CompiledConfig& config) : plan_(config), attributes_(&config.schema()) {}

Status Replayer::Add(Engine::Impl* e, const Event& ev) {
  // TrackFrame's checks, in its order and words.
  LEADSEG_RETURN_IF_ERROR(e->CheckTime(ev.ts, "event time"));
  if (ev.type.empty() || ev.type.size() > kMaxEventTypeBytes) {
    return InvalidArgument("an event type must be 1 to " + std::to_string(kMaxEventTypeBytes) + " characters");
  }
  if (!IsValidUtf8(ev.type)) return InvalidArgument("the event type is not valid UTF-8");
  arena_.Clear();
  auto props = DecodeValue(reinterpret_cast<const uint8_t*>(ev.props_frame.data()), ev.props_frame.size(), &arena_);
  if (!props.ok()) return props.status();
  if (!props->is_object()) return InvalidArgument("event properties must be an object");
  LEADSEG_RETURN_IF_ERROR(CheckValue(*props, "event properties", kMaxFrameDepth + 1));
  // AddEvent without its evaluation.
  const RetentionSpec& r = e->config_->retention();
  Profile& profile = e->profile_;
  if (r.max_age != kForever && ev.ts < profile.clock - r.max_age) {
    return OutOfRange("event time " + std::to_string(ev.ts) + " is older than the retention window (" +
                      std::to_string(r.max_age / kDay) + " days before the latest time seen)");
  }
  if (ev.props_frame.size() > kMaxEventPropsBytes) {
    return OutOfRange("event properties exceed " + std::to_string(kMaxEventPropsBytes / 1024) + " KB");
  }
  leadseg::Event event;
  if (!spare_.empty()) {
    event = std::move(spare_.back());
    spare_.pop_back();
  }
  event.ts = ev.ts;
  event.type.assign(ev.type.data(), ev.type.size());
  event.props.assign(ev.props_frame.data(), ev.props_frame.size());
  auto& events = profile.events;
  if (events.empty() || ev.ts >= events.back().ts) {
    profile.clock = std::max(profile.clock, ev.ts);
    // The properties decoded above serve the metrics and rules, as
    // TrackFrame's do: not decoded a second time from event.props.
    e->ApplyEvent(event, &e->live_, &e->live_score_, &*props);
    for (auto& state : e->live_) state.Expire(profile.clock);
    events.push_back(std::move(event));
    e->Prune();
  } else {
    auto at = std::upper_bound(events.begin(), events.end(), ev.ts,
                               [](TimeMs t, const leadseg::Event& x) { return t < x.ts; });
    events.insert(at, std::move(event));
    profile.clock = std::max(profile.clock, ev.ts);
    e->Prune();
    e->RebuildMetrics();
  }
  return Status::Ok();
}

// Engine::Evaluate restricted to the plan's steps (the same code per step),
// with segments decided by their conditions (what the segment program
// answers for them, without deciding every attribute's leaves first).
void Replayer::EvaluateProgress(Engine::Impl* e) {
  const CompiledConfig& c = *e->config_;
  const TimeMs now = e->profile_.clock;
  arena_.Clear();
  for (size_t m : plan_.metrics) attributes_.Set(c.metric_attr(m), e->live_[m].Read(now, &arena_));
  next_.StartFrom(e->progress_);
  membership_.assign(c.segments().size(), 0);
  bool segments_dirty = true;
  Value* segment_ids = nullptr;
  double score = 0;
  auto holds = [&](const Condition& condition, size_t id) {
    int8_t& known = stable_answers_[id];
    if (known >= 0) return known != 0;
    if (segments_dirty && plan_.reads_segments[id]) {
      c.PublishSegments(membership_, &attributes_, &arena_, &segment_ids);
      segments_dirty = false;
    }
    const bool answer = condition.Evaluate(attributes_);
    if (plan_.stable[id]) known = answer ? 1 : 0;
    return answer;
  };
  const std::vector<EvalStep>& order = c.evaluation_order();
  for (size_t k = 0; k < order.size(); ++k) {
    if (!plan_.steps[k]) continue;
    const EvalStep& step = order[k];
    switch (step.kind) {
      case EvalStep::Kind::kSegment: {
        const size_t i = static_cast<size_t>(step.index);
        membership_[i] = holds(c.segments()[i].condition, i) ? 1 : 0;
        segments_dirty = true;
        break;
      }
      case EvalStep::Kind::kScore: {
        const ScoringSpec& spec = *c.scoring();
        double traits = 0;
        for (size_t r = 0; r < spec.rules.size(); ++r) {
          const ScoreRule& rule = spec.rules[r];
          if (!rule.is_event && holds(*rule.condition, plan_.score_rules + r)) traits += rule.points;
        }
        score = e->live_score_.Read(now) + traits;
        if (spec.min) score = std::max(score, *spec.min);
        if (spec.max) score = std::min(score, *spec.max);
        attributes_.Set(c.score_attr(), Value::Number(score));
        break;
      }
      case EvalStep::Kind::kGrade: {
        const GradingSpec& spec = *c.grading();
        double fit = 0;
        for (size_t r = 0; r < spec.rules.size(); ++r) {
          if (holds(spec.rules[r].condition, plan_.grade_rules + r)) fit += spec.rules[r].points;
        }
        char grade[2] = {spec.Grade(fit), 0};
        char cell[3] = {grade[0], static_cast<char>('0' + spec.Engagement(c.scoring() ? score : 0)), 0};
        attributes_.Set(c.grade_attr(), arena_.CopyString(grade));
        attributes_.Set(c.lead_cell_attr(), arena_.CopyString(cell));
        break;
      }
      case EvalStep::Kind::kTemperature:
        next_.temperature = NextTemperature(*c.temperature(), e->progress_.temperature, score);
        attributes_.Set(c.temperature_attr(), Value::String(TemperatureName(next_.temperature)));
        break;
      case EvalStep::Kind::kStage: {
        const LifecycleSpec& spec = *c.lifecycle();
        int target = 0;
        for (size_t i = 0; i < spec.stages.size(); ++i) {
          if (!spec.stages[i].condition || holds(*spec.stages[i].condition, plan_.stage_conditions + i)) target = static_cast<int>(i);
        }
        const int current = next_.stage;
        const bool move = target > current ||
                          (target < current && spec.stages[static_cast<size_t>(current)].allow_regression);
        if (move) {
          next_.history.push_back(StageChange{spec.stages[static_cast<size_t>(current)].id,
                                              spec.stages[static_cast<size_t>(target)].id, now});
          next_.stage = target;
        }
        attributes_.Set(c.stage_attr(), Value::String(spec.stages[static_cast<size_t>(next_.stage)].id));
        if (!next_.mql_at && spec.mql && holds(*spec.mql, plan_.mql)) next_.mql_at = now;
        attributes_.Set(c.mql_attr(), Value::Bool(next_.mql_at.has_value()));
        if (!next_.sql_at && spec.sql && holds(*spec.sql, plan_.sql)) next_.sql_at = now;
        attributes_.Set(c.sql_attr(), Value::Bool(next_.sql_at.has_value()));
        break;
      }
      case EvalStep::Kind::kPredictive: break;  // plans with a model are full
    }
  }
  e->progress_.CommitFrom(next_);
}

void Replayer::Reclaim(Engine* engine) {
  auto& events = engine->impl_->profile_.events;
  for (size_t i = 0; i < events.size() && spare_.size() < kMaxSpare; ++i) spare_.push_back(std::move(events[i]));
}

Status Replayer::Replay(Engine* engine, const Event* events, size_t n, TimeMs now, int* failed_event) {
  Engine::Impl* e = engine->impl_.get();
  *failed_event = -1;
  bool evaluated = true;
  // Identify and declare came before: the lead's attributes are final.
  attributes_.Clear();
  attributes_.SetFromObject(e->attributes_value_);
  if (e->config_->declared_attr() >= 0) attributes_.Set(e->config_->declared_attr(), e->declared_value_);
  stable_answers_.assign(plan_.conditions, -1);  // the engine's membership is that of its state
  for (size_t i = 0; i < n; ++i) {
    Status added = Add(e, events[i]);
    if (!added.ok()) {
      *failed_event = static_cast<int>(i);
      if (!evaluated) e->Recompute();
      return added;
    }
    // The last event is evaluated in full unless Advance(now) will be.
    const bool last = i + 1 == n && now <= e->profile_.clock;
    if (plan_.full || last) {
      e->Recompute();
      evaluated = true;
    } else {
      if (!plan_.nothing) EvaluateProgress(e);
      evaluated = false;
    }
  }
  if (n > 0) {
    auto advanced = e->Advance(now);
    if (!advanced.ok()) {
      if (!evaluated) e->Recompute();
      return advanced.status();
    }
  }
  return Status::Ok();
}

}  // namespace leadseg
