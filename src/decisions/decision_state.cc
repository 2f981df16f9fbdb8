#include "decisions/decision_state.h"

#include <cmath>

#include "core/value.h"
#include "core/value_checks.h"
#include "core/value_codec.h"
#include "core/value_json.h"
#include "core/value_writer.h"

namespace leadseg {
namespace {

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

// Reads the object into *s. False on anything ToFrame could not have
// written, with *what naming the part that is wrong.
bool ReadState(const Value& j, DecisionState* s, const char** what) {
  if (!j.is_object()) return false;
  if (const Value* v = j.find("visitor"); v && v->is_string()) s->visitor_id = std::string(v->as_string());
  if (const Value* a = j.find("assignments")) {
    *what = "assignments";
    if (!a->is_object()) return false;
    for (uint32_t i = 0; i < a->size(); ++i) {
      const Value pair = a->value_at(i);
      if (!pair.is_array() || pair.size() != 2 || !pair.at(0).is_string() || !IsInteger(pair.at(1))) return false;
      s->assignments[std::string(a->key_at(i))] =
          Assignment{std::string(pair.at(0).as_string()), static_cast<TimeMs>(pair.at(1).as_number())};
    }
  }
  if (const Value* g = j.find("converted")) {
    *what = "conversions";
    if (!g->is_object()) return false;
    for (uint32_t i = 0; i < g->size(); ++i) {
      const Value goals = g->value_at(i);
      if (!goals.is_array()) return false;
      for (uint32_t k = 0; k < goals.size(); ++k) {
        if (!goals.at(k).is_string()) return false;
        s->converted[std::string(g->key_at(i))].insert(std::string(goals.at(k).as_string()));
      }
    }
  }
  if (const Value* c = j.find("counts")) {
    *what = "counts";
    if (!c->is_object()) return false;
    for (uint32_t i = 0; i < c->size(); ++i) {
      if (!ReadCounts(c->value_at(i), &s->counts[std::string(c->key_at(i))])) return false;
    }
  }
  if (const Value* c = j.find("segmentCounts")) {
    *what = "segment counts";
    if (!c->is_object()) return false;
    for (uint32_t i = 0; i < c->size(); ++i) {
      const Value by_segment = c->value_at(i);
      if (!by_segment.is_object()) return false;
      for (uint32_t k = 0; k < by_segment.size(); ++k) {
        auto& out = s->segment_counts[std::string(c->key_at(i))][std::string(by_segment.key_at(k))];
        if (!ReadCounts(by_segment.value_at(k), &out)) return false;
      }
    }
  }
  return true;
}

}  // namespace

// Written directly as a frame by the ValueWriter the documents use, so the
// runtime links no second writer for it.
std::string DecisionState::ToFrame() const {
  ValueWriter w;
  auto counts_of = [&w](const std::map<std::string, ArmCounts>& by_variant) {
    w.BeginObject();
    for (const auto& [variant, c] : by_variant) {
      w.Key(variant).BeginArray().Number(static_cast<double>(c.exposures)).Number(static_cast<double>(c.conversions)).End();
    }
    w.End();
  };
  w.BeginObject();
  w.Key("visitor").String(visitor_id);
  w.Key("assignments").BeginObject();
  for (const auto& [key, a] : assignments) w.Key(key).BeginArray().String(a.variant).Number(static_cast<double>(a.at)).End();
  w.End();
  w.Key("converted").BeginObject();
  for (const auto& [key, goals] : converted) {
    w.Key(key).BeginArray();
    for (const std::string& goal : goals) w.String(goal);
    w.End();
  }
  w.End();
  w.Key("counts").BeginObject();
  for (const auto& [key, by_variant] : counts) {
    w.Key(key);
    counts_of(by_variant);
  }
  w.End();
  w.Key("segmentCounts").BeginObject();
  for (const auto& [key, by_segment] : segment_counts) {
    w.Key(key).BeginObject();
    for (const auto& [segment, by_variant] : by_segment) {
      w.Key(segment);
      counts_of(by_variant);
    }
    w.End();
  }
  w.End();
  w.End();
  return w.bytes();
}

Status DecisionState::FromFrame(std::string_view frame, DecisionState* out) {
  Document arena;
  auto decoded = DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), &arena);
  // JSON text could only hold UTF-8 and finite numbers: neither may a frame.
  if (!decoded.ok() || !PassesCheckValue(*decoded, kMaxFrameDepth)) {
    return DataLoss("snapshot is corrupted: experiment state");
  }
  return FromValue(*decoded, out);
}

Status DecisionState::FromValue(const Value& j, DecisionState* out) {
  const char* what = "state";
  // One exit for every refusal: a Status built at each would be code at
  // each (the runtime inlines this into Engine::Restore).
  if (!ReadState(j, out, &what)) return DataLoss(std::string("snapshot is corrupted: experiment ") + what);
  return Status::Ok();
}

Result<DecisionState> DecisionState::FromJsonText(std::string_view text) {
  Document arena;
  auto parsed = ParseJsonValue(text, &arena, "experiment state");
  if (!parsed.ok()) return DataLoss("snapshot is corrupted: experiment state");
  DecisionState s;
  if (Status status = FromValue(*parsed, &s); !status.ok()) return status;
  return s;
}

}  // namespace leadseg
