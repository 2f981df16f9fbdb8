// Lead scoring: points per action and trait, with caps and decay.
//
//   "scoring": {
//     "rules": [
//       {"id": "webinar", "points": 10, "event": {"type": "webinar_attended"}},
//       {"id": "demo_request", "points": 25, "event": {"type": "form_submit", "form": "demo"}},
//       {"id": "pricing_visit", "points": 15, "event": {"type": "page_view", "path": {"$regex": "^/pricing"}},
//        "maxTimes": 3, "oncePer": "1d"},
//       {"id": "decision_maker", "points": 20, "trait": {"job_title": {"$in": ["CTO", "VP Engineering"]}}},
//       {"id": "gone_quiet", "points": -10, "trait": {"days_since_visit": {"$gte": 30}}}
//     ],
//     "decay": {"halfLife": "30d"},
//     "min": 0, "max": 100
//   }
//
// Score = behavioural points (event rules, decayed) + trait points (rules
// on the current profile, not decayed), clamped to [min, max] when given.
//  - Event rules award points when a tracked event matches, limited by
//    maxTimes (awards), maxPoints (total points) and oncePer (at most one
//    award per period). Points may be negative.
//  - Decay applies on read, so the score is exact at any time and reading
//    it never changes it: "halfLife" halves behavioural points every
//    period; {"points": N, "every": P, "after": A} removes N points per
//    period P of inactivity once A has passed since the last event (never
//    below zero).
//  - Trait rules are conditions over everything segments can read
//    (attributes, metrics, declarations, segments), re-evaluated each time.
//
// The score is an attribute conditions can read ("score"), as are what is
// derived from it and from other rules: grading/grading.h ("grade",
// "leadCell"), scoring/temperature.h ("temperature") and
// lifecycle/lifecycle.h ("stage", "mql", "sql"). Dependencies between them
// and segments are ordered at compile time; a cycle is a config error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/condition.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/ring.h"

namespace leadseg {

struct ScoreRule {
  std::string id;
  double points = 0;
  bool is_event = true;       // event rule (else trait rule)
  std::optional<Condition> condition;
  int max_times = 0;          // 0: unlimited
  std::optional<double> max_points;
  TimeMs once_per = 0;        // 0: no limit
};

struct DecaySpec {
  enum class Kind { kNone, kHalfLife, kLinear } kind = Kind::kNone;
  TimeMs half_life = 0;
  double points = 0;
  TimeMs every = 0;
  TimeMs after = 0;
};

struct ScoringSpec {
  std::vector<ScoreRule> rules;
  DecaySpec decay;
  std::optional<double> min, max;
};

// One award of points, kept for the breakdown.
struct Award {
  int rule = 0;
  TimeMs ts = 0;
  double points = 0;
  std::string event_type;
};

// The behavioural score of one visitor: decayed level plus the per-rule
// counters that enforce caps. Updated in O(1) per event.
class ScoreState {
 public:
  ScoreState() = default;
  ScoreState(const ScoringSpec* spec, bool keep_awards);

  // Any event counts as activity for linear decay.
  void Activity(TimeMs ts);
  // Event rule `rule` matched an event at `ts`: award within its caps.
  void Award(int rule, TimeMs ts, const std::string& event_type);
  // Behavioural points at `now`, decay applied.
  double Read(TimeMs now) const;
  // Sum of points awarded before decay.
  double raw() const { return raw_; }
  const Ring<leadseg::Award>& awards() const { return awards_; }
  size_t dropped_awards() const { return dropped_; }
  void set_keep_awards(bool keep) { keep_awards_ = keep; }
  // Bounds the award history kept for breakdowns.
  void TrimAwards(size_t max);

  void Save(std::string* out) const;
  bool Restore(std::string_view in);

 private:
  struct Counter {
    int times = 0;
    double points = 0;
    TimeMs last = 0;
    bool any = false;
  };
  const ScoringSpec* spec_ = nullptr;
  bool keep_awards_ = false;
  double level_ = 0;  // behavioural points as of ref_
  TimeMs ref_ = 0;
  TimeMs last_activity_ = 0;
  bool active_ = false;
  double raw_ = 0;
  std::vector<Counter> counters_;
  Ring<leadseg::Award> awards_;
  size_t dropped_ = 0;
};

}  // namespace leadseg
