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

// `depth` levels of objects into *tree, [exposures, conversions] pairs at
// the last: 2 for the counts (experiment -> variant), 3 per segment. An
// empty object reads back as a key only at the variant level, as the
// state's maps did (an experiment's empty segment object left no key).
bool ReadCounts(const Value& j, int depth, ExperimentNode* tree) {
  if (!j.is_object()) return false;
  for (uint32_t i = 0; i < j.size(); ++i) {
    const Value v = j.value_at(i);
    if (depth == 1) {
      if (!v.is_array() || v.size() != 2 || !IsInteger(v.at(0)) || !IsInteger(v.at(1))) return false;
      ArmCounts c{static_cast<int64_t>(v.at(0).as_number()), static_cast<int64_t>(v.at(1).as_number())};
      if (c.exposures < 0 || c.conversions < 0 || c.conversions > c.exposures) return false;
      (*tree)[std::string(j.key_at(i))].counts = c;
    } else if (depth > 2 && v.is_object() && v.size() == 0) {
      continue;
    } else if (!ReadCounts(v, depth - 1, &(*tree)[std::string(j.key_at(i))])) {
      return false;
    }
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
      s->assignments[std::string(a->key_at(i))].assignment =
          Assignment{std::string(pair.at(0).as_string()), static_cast<TimeMs>(pair.at(1).as_number())};
    }
  }
  if (const Value* g = j.find("converted")) {
    *what = "conversions";
    if (!g->is_object()) return false;
    for (uint32_t i = 0; i < g->size(); ++i) {
      const Value goals = g->value_at(i);
      if (!goals.is_array()) return false;
      // An empty goal list leaves no key (the key comes with its first goal).
      for (uint32_t k = 0; k < goals.size(); ++k) {
        if (!goals.at(k).is_string()) return false;
        s->converted[std::string(g->key_at(i))][std::string(goals.at(k).as_string())];
      }
    }
  }
  if (const Value* c = j.find("counts")) {
    *what = "counts";
    if (!ReadCounts(*c, 2, &s->counts)) return false;
  }
  if (const Value* c = j.find("segmentCounts")) {
    *what = "segment counts";
    if (!ReadCounts(*c, 3, &s->segment_counts)) return false;
  }
  return true;
}

// The frame of `depth` levels of counts, as ReadCounts reads them.
void WriteCounts(const ExperimentNode& tree, int depth, ValueWriter* w) {
  w->BeginObject();
  for (const auto& [key, node] : tree.children) {
    w->Key(key);
    if (depth == 1) {
      w->BeginArray().Number(static_cast<double>(node.counts.exposures)).Number(static_cast<double>(node.counts.conversions)).End();
    } else {
      WriteCounts(node, depth - 1, w);
    }
  }
  w->End();
}

}  // namespace

ExperimentNode& ExperimentNode::operator[](const std::string& key) { return children[key]; }

const ExperimentNode* ExperimentNode::Find(const std::string& key) const {
  auto it = children.find(key);
  return it == children.end() ? nullptr : &it->second;
}

// Written directly as a frame by the ValueWriter the documents use, so the
// runtime links no second writer for it.
std::string DecisionState::ToFrame() const {
  ValueWriter w;
  w.BeginObject();
  w.Key("visitor").String(visitor_id);
  w.Key("assignments").BeginObject();
  for (const auto& [key, node] : assignments.children) {
    const Assignment& a = node.assignment;
    w.Key(key).BeginArray().String(a.variant).Number(static_cast<double>(a.at)).End();
  }
  w.End();
  w.Key("converted").BeginObject();
  for (const auto& [key, goals] : converted.children) {
    w.Key(key).BeginArray();
    for (const auto& [goal, unused] : goals.children) w.String(goal);
    w.End();
  }
  w.End();
  w.Key("counts");
  WriteCounts(counts, 2, &w);
  w.Key("segmentCounts");
  WriteCounts(segment_counts, 3, &w);
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
