#include "batch/row_evaluator.h"

#include <cmath>

#include "batch/lead_batch.h"
#include "core/utf8.h"

namespace leadseg {
namespace batch {

RowEvaluator::RowEvaluator(std::shared_ptr<const CompiledConfig> config)
    : engine_(std::move(config)), replayer_(engine_.config()), attributes_(&engine_.config().schema()) {
  const CompiledConfig& c = engine_.config();
  if (const auto& lifecycle = c.lifecycle()) {
    for (const auto& stage : lifecycle->stages) stage_ids_.push_back(stage.id);
  }
  segments_only_config_ = c.metrics().empty() && !c.rfm() && !c.scoring() && !c.grading() && !c.temperature() &&
                          !c.lifecycle() && c.declared_attr() < 0 && c.rfm_attr() < 0;
}

bool RowEvaluator::SegmentsOnly(const Value& attributes) const {
  if (!segments_only_config_) return false;
  // Only attributes that identify stores as they are: anything it refuses
  // (an empty or reserved name, text that is not UTF-8, a number that is
  // not finite, attributes whose JSON could pass its size limit, every
  // byte escaped as \u00XX) or changes (a null removes the attribute) goes
  // through the engine, which answers with its own message or meaning.
  // CSV rows never have those; lead objects may.
  size_t bound = 2;
  auto text = [](std::string_view t) { return 6 * t.size() + 3; };
  auto scalar = [&](const Value& v) {
    if (v.is_string()) {
      bound += text(v.as_string());
      return IsValidUtf8(v.as_string());
    }
    bound += 32;
    return v.is_bool() || (v.is_number() && std::isfinite(v.as_number()));
  };
  for (uint32_t i = 0; i < attributes.size(); ++i) {
    const std::string_view key = attributes.key_at(i);
    if (key.empty() || engine_.config().IsReserved(key) || !IsValidUtf8(key)) return false;
    bound += text(key);
    const Value v = attributes.value_at(i);
    if (v.is_array()) {
      for (uint32_t k = 0; k < v.size(); ++k) {
        if (!scalar(v.at(k))) return false;
      }
    } else if (!scalar(v)) {
      return false;
    }
  }
  return bound <= kMaxAttributesBytes;
}

Status RowEvaluator::Evaluate(const Value& attributes, const std::vector<const LeadEvent*>& events, TimeMs now,
                              LeadResult* out, uint64_t* membership, int* failed_event, bool small_row,
                              const std::vector<Declared>* declarations, int* failed_declaration) {
  *failed_event = -1;
  if (failed_declaration) *failed_declaration = -1;
  const bool declares = declarations != nullptr && !declarations->empty();
  if (events.empty() && !declares && small_row && SegmentsOnly(attributes)) {
    const CompiledConfig& c = engine_.config();
    arena_.Clear();
    attributes_.Clear();
    attributes_.SetFromObject(attributes);
    c.EvaluateSegments(&attributes_, &arena_, &membership_);
    for (size_t s = 0; s < membership_.size(); ++s) {
      if (membership_[s]) membership[s / 64] |= uint64_t{1} << (s % 64);
    }
    out->SetNoSummary();
    out->events = 0;
    return Status::Ok();
  }
  replayer_.Reclaim(&engine_);
  engine_.Erase();
  const TimeMs start = events.empty() ? now : events.front()->ts;
  auto identified = engine_.Identify(attributes, start);
  if (!identified.ok()) return identified.status();
  if (declares) {
    for (size_t k = 0; k < declarations->size(); ++k) {
      const Declared& d = (*declarations)[k];
      auto declared = engine_.Declare(std::string(d.key), d.value, start);
      if (!declared.ok()) {
        if (failed_declaration) *failed_declaration = static_cast<int>(k);
        return declared.status();
      }
    }
  }
  replay_.clear();
  for (const LeadEvent* e : events) replay_.push_back(Replayer::Event{*e->type, e->props, e->ts});
  Status replayed = replayer_.Replay(&engine_, replay_.data(), replay_.size(), now, failed_event);
  if (!replayed.ok()) return replayed;
  const std::vector<uint8_t>& in = engine_.membership();
  for (size_t s = 0; s < in.size(); ++s) {
    if (in[s]) membership[s / 64] |= uint64_t{1} << (s % 64);
  }
  out->events = static_cast<uint32_t>(events.size());
  // Summary() evaluates the config once more; without scoring, grading,
  // temperature and lifecycle it could only say NaN and "" four times.
  const CompiledConfig& c = engine_.config();
  if (!c.scoring() && !c.grading() && !c.temperature() && !c.lifecycle()) {
    out->SetNoSummary();
    return Status::Ok();
  }
  Engine::LeadSummary summary = engine_.Summary();
  out->score = summary.score;
  out->grade = summary.grade.size() == 1 && summary.grade[0] >= 'A' && summary.grade[0] <= 'D'
                   ? static_cast<int8_t>(summary.grade[0] - 'A')
                   : -1;
  out->temperature = -1;
  for (int t = 0; t < 3; ++t) {
    if (summary.temperature == kTemperatureNames[t]) out->temperature = static_cast<int8_t>(t);
  }
  out->stage = -1;
  for (size_t s = 0; s < stage_ids_.size(); ++s) {
    if (summary.stage == stage_ids_[s]) out->stage = static_cast<int16_t>(s);
  }
  out->mql = c.lifecycle() ? static_cast<int8_t>(summary.mql) : -1;
  out->sql = c.lifecycle() ? static_cast<int8_t>(summary.sql) : -1;
  return Status::Ok();
}

}  // namespace batch
}  // namespace leadseg
