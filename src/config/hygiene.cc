#include "config/hygiene.h"

#include <cmath>
#include <limits>
#include <set>

namespace leadseg {
namespace {

// The numeric interval an attribute must fall in for a conjunction to hold.
struct Interval {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  bool empty_list = false;  // $in: []

  bool Empty() const {
    if (empty_list) return true;
    if (lo > hi) return true;
    return lo == hi && (lo_open || hi_open);
  }
  void Lower(double v, bool open) {
    if (v > lo || (v == lo && open)) lo = v, lo_open = open;
  }
  void Upper(double v, bool open) {
    if (v < hi || (v == hi && open)) hi = v, hi_open = open;
  }
};

// Folds the operator object `ops` on one attribute into `iv`.
void Narrow(const Json& ops, Interval* iv) {
  if (ops.is_number()) {
    iv->Lower(ops.get<double>(), false);
    iv->Upper(ops.get<double>(), false);
    return;
  }
  if (!ops.is_object()) return;
  for (auto it = ops.begin(); it != ops.end(); ++it) {
    const Json& x = it.value();
    if (it.key() == "$in" && x.is_array() && x.empty()) iv->empty_list = true;
    if (!x.is_number()) continue;
    double v = x.get<double>();
    if (it.key() == "$gt") iv->Lower(v, true);
    else if (it.key() == "$gte") iv->Lower(v, false);
    else if (it.key() == "$lt") iv->Upper(v, true);
    else if (it.key() == "$lte") iv->Upper(v, false);
    else if (it.key() == "$eq") iv->Lower(v, false), iv->Upper(v, false);
  }
}

// Collects the conjunction of a condition object (its own keys and every
// $and member) into per-attribute intervals.
void CollectConjunction(const Json& c, std::map<std::string, Interval>* out) {
  if (!c.is_object()) return;
  for (auto it = c.begin(); it != c.end(); ++it) {
    if (it.key() == "$and" && it->is_array()) {
      for (const auto& sub : *it) CollectConjunction(sub, out);
    } else if (!it.key().empty() && it.key()[0] != '$') {
      Narrow(*it, &(*out)[it.key()]);
    }
  }
}

// The JSON type a leaf's operand implies for the attribute it tests, or "".
std::string ImpliedType(const Json& operand) {
  auto scalar = [](const Json& v) -> std::string {
    if (v.is_string()) return "string";
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "boolean";
    return "";
  };
  if (!operand.is_object()) return scalar(operand);
  for (auto it = operand.begin(); it != operand.end(); ++it) {
    const std::string& op = it.key();
    if (op == "$eq" || op == "$ne" || op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
      if (auto t = scalar(*it); !t.empty()) return t;
    }
    if ((op == "$in" || op == "$nin") && it->is_array() && !it->empty()) {
      // A list mixing types says nothing reliable.
      std::string t = scalar((*it)[0]);
      for (const auto& e : *it) {
        if (scalar(e) != t) return "";
      }
      return t;
    }
  }
  return "";
}

}  // namespace

void CheckHygiene(const Json& config, const CompiledConfig& compiled,
                  const std::map<std::string, std::string>& declared_types, const HygieneOptions& options,
                  Diagnostics* d) {
  const auto& segments = compiled.segments();
  const Json* raw = config.contains("segments") ? &config["segments"] : nullptr;

  // never-matches and duplicate-condition work on the source JSON.
  std::map<std::string, size_t> seen;
  for (size_t i = 0; raw && i < raw->size() && i < segments.size(); ++i) {
    std::string path = ChildPath("/segments", i);
    std::map<std::string, Interval> conj;
    auto source = (*raw)[i].find("condition");
    if (source != (*raw)[i].end()) CollectConjunction(*source, &conj);
    for (const auto& [attribute, iv] : conj) {
      if (iv.Empty()) {
        d->Warning("never-matches",
                   "segment \"" + segments[i].id + "\" can never match: its tests on \"" + attribute +
                       "\" contradict each other",
                   path + "/condition" + PointerToken(attribute));
      }
    }
    auto [it, inserted] = seen.emplace(segments[i].condition.canonical(), i);
    if (!inserted) {
      d->Warning("duplicate-condition",
                 "segment \"" + segments[i].id + "\" has the same condition as \"" + segments[it->second].id + "\"",
                 path + "/condition");
    }
  }

  // unused-metric
  // Everything a condition reads counts: segments, trait and grading
  // rules, lifecycle stages and hand-offs.
  std::set<std::string> read;
  auto note_reads = [&](const Condition& c) {
    c.ForEachLeaf([&](const std::string& attribute, const Json&, const std::string&) {
      read.insert(attribute.substr(0, attribute.find('.')));
    });
  };
  for (const auto& s : segments) note_reads(s.condition);
  if (compiled.scoring()) {
    for (const auto& r : compiled.scoring()->rules) {
      if (!r.is_event) note_reads(*r.condition);
    }
  }
  if (compiled.grading()) {
    for (const auto& r : compiled.grading()->rules) note_reads(r.condition);
  }
  if (const auto& lifecycle = compiled.lifecycle()) {
    for (const auto& st : lifecycle->stages) {
      if (st.condition) note_reads(*st.condition);
    }
    if (lifecycle->mql) note_reads(*lifecycle->mql);
    if (lifecycle->sql) note_reads(*lifecycle->sql);
  }
  // A metric the predictive model reads is used too.
  if (const auto& model = compiled.predictive()) {
    for (const auto& f : model->features) read.insert(f.attribute.substr(0, f.attribute.find('.')));
  }
  for (size_t i = 0; i < compiled.metrics().size(); ++i) {
    const std::string& id = compiled.metrics()[i].id;
    bool by_rfm = compiled.rfm() && (compiled.rfm()->recency.metric == id || compiled.rfm()->frequency.metric == id ||
                                     compiled.rfm()->monetary.metric == id);
    if (!read.count(id) && !by_rfm) {
      d->Warning("unused-metric", "metric \"" + id + "\" is computed but no condition reads it",
                 ChildPath("/metrics", i));
    }
  }

  // type-mismatch
  std::map<std::string, std::pair<std::string, std::string>> first_use;  // attribute -> (type, pointer)
  for (const auto& s : segments) {
    s.condition.ForEachLeaf([&](const std::string& attribute, const Json& operand, const std::string& pointer) {
      std::string type = ImpliedType(operand);
      if (type.empty()) return;
      if (auto decl = declared_types.find(attribute); decl != declared_types.end()) {
        if (decl->second != type && decl->second != "array") {
          d->Warning("type-mismatch",
                     "\"" + attribute + "\" is declared " + decl->second + " but compared as a " + type, pointer);
        }
        return;
      }
      auto [it, inserted] = first_use.emplace(attribute, std::make_pair(type, pointer));
      if (!inserted && it->second.first != type) {
        d->Warning("type-mismatch",
                   "\"" + attribute + "\" is compared as a " + type + " here and as a " + it->second.first + " at " +
                       it->second.second + "; one of them will not match the data",
                   pointer);
      }
    });
  }

  // over-segmentation
  if (static_cast<int>(segments.size()) > options.max_segments) {
    d->Warning("over-segmentation",
               std::to_string(segments.size()) + " segments exceed the budget of " +
                   std::to_string(options.max_segments) +
                   " (hygiene.maxSegments); many small segments are hard to act on and to explain",
               "/segments");
  }
}

}  // namespace leadseg
