#include "engine/attribute_deps.h"

#include <cstring>

namespace leadseg {

AttributeDeps::AttributeDeps(const CompiledConfig& c) : words_((c.schema().size() + 63) / 64) {
  const size_t segments = c.segments().size();
  const size_t score_rules = c.scoring() ? c.scoring()->rules.size() : 0;
  const size_t grade_rules = c.grading() ? c.grading()->rules.size() : 0;
  const size_t stages = c.lifecycle() ? c.lifecycle()->stages.size() : 0;
  score_rules_ = segments;
  grade_rules_ = score_rules_ + score_rules;
  stages_ = grade_rules_ + grade_rules;
  mql_ = stages_ + stages;
  deps_.assign(size() * words_, 0);
  for (size_t i = 0; i < segments; ++i) Set(segment(i), &c.segments()[i].condition);
  for (size_t r = 0; r < score_rules; ++r) {
    const ScoreRule& rule = c.scoring()->rules[r];
    if (!rule.is_event && rule.condition) Set(score_rule(r), &*rule.condition);
  }
  for (size_t r = 0; r < grade_rules; ++r) Set(grade_rule(r), &c.grading()->rules[r].condition);
  if (const auto& lifecycle = c.lifecycle()) {
    for (size_t i = 0; i < stages; ++i) {
      if (lifecycle->stages[i].condition) Set(stage(i), &*lifecycle->stages[i].condition);
    }
    if (lifecycle->mql) Set(mql(), &*lifecycle->mql);
    if (lifecycle->sql) Set(sql(), &*lifecycle->sql);
  }
}

void AttributeDeps::Set(size_t id, const Condition* condition) {
  uint64_t* deps = &deps_[id * words_];
  for (int attr : condition->attrs()) {
    if (attr >= 0 && static_cast<size_t>(attr) / 64 < words_) {
      deps[static_cast<size_t>(attr) / 64] |= uint64_t{1} << (attr % 64);
    } else {
      // An attribute index outside the schema cannot happen; if it did, nothing could
      // show the condition unaffected, so it depends on everything.
      std::fill(deps, deps + words_, ~uint64_t{0});
      return;
    }
  }
}

bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kNull: return true;
    case ValueType::kBool: return a.as_bool() == b.as_bool();
    case ValueType::kNumber: {
      // Bit for bit: 0 and -0 differ (a condition could tell them apart
      // through division or text), and a NaN is the same as itself.
      const double x = a.as_number(), y = b.as_number();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case ValueType::kString: return a.as_string() == b.as_string();
    case ValueType::kArray:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (!SameValue(a.at(i), b.at(i))) return false;
      }
      return true;
    case ValueType::kObject:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (a.key_at(i) != b.key_at(i) || !SameValue(a.value_at(i), b.value_at(i))) return false;
      }
      return true;
  }
  return false;
}

}  // namespace leadseg
