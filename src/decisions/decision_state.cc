#include "decisions/decision_state.h"

#include <cmath>
#include <vector>

#include "core/value.h"
#include "core/value_json.h"

namespace leadseg {
namespace {

// Builds the state's JSON as a Value tree: strings refer to the state's
// own keys, so the tree lives only while the state is unchanged.
class Builder {
 public:
  Value Object(std::vector<std::pair<std::string_view, Value>> members) {
    const auto n = static_cast<uint32_t>(members.size());
    Value* out = arena_.AllocateChildren(2 * static_cast<size_t>(n));
    for (uint32_t i = 0; i < n; ++i) {
      out[2 * i] = Value::String(members[i].first);
      out[2 * i + 1] = members[i].second;
    }
    return Document::MakeObject(out, n);
  }
  Value Array(const std::vector<Value>& elements) {
    const auto n = static_cast<uint32_t>(elements.size());
    Value* out = arena_.AllocateChildren(n);
    for (uint32_t i = 0; i < n; ++i) out[i] = elements[i];
    return Document::MakeArray(out, n);
  }
  static Value Integer(int64_t i) { return Value::Number(static_cast<double>(i)); }

  Value Counts(const std::map<std::string, ArmCounts>& by_variant) {
    std::vector<std::pair<std::string_view, Value>> members;
    for (const auto& [variant, c] : by_variant) members.emplace_back(variant, Array({Integer(c.exposures), Integer(c.conversions)}));
    return Object(std::move(members));
  }

 private:
  Document arena_;
};

// What nlohmann called an integer: integral text. Every number this state
// writes is an integer well inside 2^53 (times in ms, counts).
bool IsInteger(const Value& v) {
  if (!v.is_number()) return false;
  const double d = v.as_number();
  return d == std::trunc(d) && std::fabs(d) <= 9007199254740992.0;
}

bool ReadCounts(const Value& j, std::map<std::string, ArmCounts>* out) {
  if (!j.is_object()) return false;
  for (uint32_t i = 0; i < j.size(); ++i) {
    const Value pair = j.value_at(i);
    if (!pair.is_array() || pair.size() != 2 || !IsInteger(pair.at(0)) || !IsInteger(pair.at(1))) return false;
    ArmCounts c{static_cast<int64_t>(pair.at(0).as_number()), static_cast<int64_t>(pair.at(1).as_number())};
    if (c.exposures < 0 || c.conversions < 0 || c.conversions > c.exposures) return false;
    (*out)[std::string(j.key_at(i))] = c;
  }
  return true;
}

}  // namespace

std::string DecisionState::ToJsonText() const {
  Builder b;
  std::vector<std::pair<std::string_view, Value>> assigned, goals, counts_json, segments_json;
  for (const auto& [key, a] : assignments) {
    assigned.emplace_back(key, b.Array({Value::String(a.variant), Builder::Integer(a.at)}));
  }
  for (const auto& [key, set] : converted) {
    std::vector<Value> ids;
    for (const std::string& goal : set) ids.push_back(Value::String(goal));
    goals.emplace_back(key, b.Array(ids));
  }
  for (const auto& [key, by_variant] : counts) counts_json.emplace_back(key, b.Counts(by_variant));
  for (const auto& [key, by_segment] : segment_counts) {
    std::vector<std::pair<std::string_view, Value>> s;
    for (const auto& [segment, by_variant] : by_segment) s.emplace_back(segment, b.Counts(by_variant));
    segments_json.emplace_back(key, b.Object(std::move(s)));
  }
  return leadseg::ToJsonText(b.Object({{"visitor", Value::String(visitor_id)},
                              {"assignments", b.Object(std::move(assigned))},
                              {"converted", b.Object(std::move(goals))},
                              {"counts", b.Object(std::move(counts_json))},
                              {"segmentCounts", b.Object(std::move(segments_json))}}));
}

Result<DecisionState> DecisionState::FromJsonText(std::string_view text) {
  auto bad = [](const char* what) { return DataLoss(std::string("snapshot is corrupted: experiment ") + what); };
  Document arena;
  auto parsed = ParseJsonValue(text, &arena, "experiment state");
  if (!parsed.ok()) return bad("state");
  const Value& j = *parsed;
  DecisionState s;
  if (!j.is_object()) return bad("state");
  if (const Value* v = j.find("visitor"); v && v->is_string()) s.visitor_id = std::string(v->as_string());
  if (const Value* a = j.find("assignments")) {
    if (!a->is_object()) return bad("assignments");
    for (uint32_t i = 0; i < a->size(); ++i) {
      const Value pair = a->value_at(i);
      if (!pair.is_array() || pair.size() != 2 || !pair.at(0).is_string() || !IsInteger(pair.at(1))) {
        return bad("assignments");
      }
      s.assignments[std::string(a->key_at(i))] =
          Assignment{std::string(pair.at(0).as_string()), static_cast<TimeMs>(pair.at(1).as_number())};
    }
  }
  if (const Value* g = j.find("converted")) {
    if (!g->is_object()) return bad("conversions");
    for (uint32_t i = 0; i < g->size(); ++i) {
      const Value goals = g->value_at(i);
      if (!goals.is_array()) return bad("conversions");
      for (uint32_t k = 0; k < goals.size(); ++k) {
        if (!goals.at(k).is_string()) return bad("conversions");
        s.converted[std::string(g->key_at(i))].insert(std::string(goals.at(k).as_string()));
      }
    }
  }
  if (const Value* c = j.find("counts")) {
    if (!c->is_object()) return bad("counts");
    for (uint32_t i = 0; i < c->size(); ++i) {
      if (!ReadCounts(c->value_at(i), &s.counts[std::string(c->key_at(i))])) return bad("counts");
    }
  }
  if (const Value* c = j.find("segmentCounts")) {
    if (!c->is_object()) return bad("segment counts");
    for (uint32_t i = 0; i < c->size(); ++i) {
      const Value by_segment = c->value_at(i);
      if (!by_segment.is_object()) return bad("segment counts");
      for (uint32_t k = 0; k < by_segment.size(); ++k) {
        auto& out = s.segment_counts[std::string(c->key_at(i))][std::string(by_segment.key_at(k))];
        if (!ReadCounts(by_segment.value_at(k), &out)) return bad("segment counts");
      }
    }
  }
  return s;
}

}  // namespace leadseg
