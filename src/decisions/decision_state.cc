#include "decisions/decision_state.h"

namespace leadseg {
namespace {

Json CountsJson(const std::map<std::string, ArmCounts>& by_variant) {
  Json out = Json::object();
  for (const auto& [variant, c] : by_variant) out[variant] = {c.exposures, c.conversions};
  return out;
}

bool ReadCounts(const Json& j, std::map<std::string, ArmCounts>* out) {
  if (!j.is_object()) return false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Json& pair = *it;
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer()) {
      return false;
    }
    ArmCounts c{pair[0].get<int64_t>(), pair[1].get<int64_t>()};
    if (c.exposures < 0 || c.conversions < 0 || c.conversions > c.exposures) return false;
    (*out)[it.key()] = c;
  }
  return true;
}

}  // namespace

Json DecisionState::ToJson() const {
  Json assigned = Json::object();
  for (const auto& [key, a] : assignments) assigned[key] = {a.variant, a.at};
  Json goals = Json::object();
  for (const auto& [key, set] : converted) goals[key] = Json(set);
  Json counts_json = Json::object();
  for (const auto& [key, by_variant] : counts) counts_json[key] = CountsJson(by_variant);
  Json segments_json = Json::object();
  for (const auto& [key, by_segment] : segment_counts) {
    Json s = Json::object();
    for (const auto& [segment, by_variant] : by_segment) s[segment] = CountsJson(by_variant);
    segments_json[key] = s;
  }
  return Json{{"visitor", visitor_id}, {"assignments", assigned}, {"converted", goals},
              {"counts", counts_json}, {"segmentCounts", segments_json}};
}

Result<DecisionState> DecisionState::FromJson(const Json& j) {
  auto bad = [](const char* what) { return DataLoss(std::string("snapshot is corrupted: experiment ") + what); };
  DecisionState s;
  if (!j.is_object()) return bad("state");
  if (auto v = j.find("visitor"); v != j.end() && v->is_string()) s.visitor_id = v->get<std::string>();
  if (auto a = j.find("assignments"); a != j.end()) {
    if (!a->is_object()) return bad("assignments");
    for (auto it = a->begin(); it != a->end(); ++it) {
      if (!it->is_array() || it->size() != 2 || !(*it)[0].is_string() || !(*it)[1].is_number_integer()) {
        return bad("assignments");
      }
      s.assignments[it.key()] = Assignment{(*it)[0].get<std::string>(), (*it)[1].get<TimeMs>()};
    }
  }
  if (auto g = j.find("converted"); g != j.end()) {
    if (!g->is_object()) return bad("conversions");
    for (auto it = g->begin(); it != g->end(); ++it) {
      if (!it->is_array()) return bad("conversions");
      for (const auto& goal : *it) {
        if (!goal.is_string()) return bad("conversions");
        s.converted[it.key()].insert(goal.get<std::string>());
      }
    }
  }
  if (auto c = j.find("counts"); c != j.end()) {
    if (!c->is_object()) return bad("counts");
    for (auto it = c->begin(); it != c->end(); ++it) {
      if (!ReadCounts(*it, &s.counts[it.key()])) return bad("counts");
    }
  }
  if (auto c = j.find("segmentCounts"); c != j.end()) {
    if (!c->is_object()) return bad("segment counts");
    for (auto it = c->begin(); it != c->end(); ++it) {
      if (!it->is_object()) return bad("segment counts");
      for (auto seg = it->begin(); seg != it->end(); ++seg) {
        if (!ReadCounts(*seg, &s.segment_counts[it.key()][seg.key()])) return bad("segment counts");
      }
    }
  }
  return s;
}

}  // namespace leadseg
