// Lead scoring, grading, temperature and lifecycle stages.
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
//   },
//   "grading": {"rules": [{"id": "tech", "points": 40, "condition": {"industry": "Technology"}}, ...],
//               "bands": {"A": 80, "B": 60, "C": 40}, "engagement": [60, 30, 10]},
//   "temperature": {"warm": 30, "hot": 60, "hysteresis": 5},
//   "lifecycle": {"stages": [{"id": "awareness"},
//                            {"id": "consideration", "condition": {"score": {"$gte": 20}}},
//                            {"id": "decision", "condition": {"segments": {"$in": ["high_intent"]}}},
//                            {"id": "customer", "condition": {"purchases": {"$gte": 1}}}],
//                 "mql": {"score": {"$gte": 50}, "grade": {"$in": ["A", "B"]}},
//                 "sql": {"demo_requests": {"$gte": 1}}}
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
// Grade: A-D from the sum of the matching grading rules' points (ICP fit)
// against the bands; "leadCell" joins grade and an engagement digit 1-4
// from the score ("A1" = best fit, most engaged).
// Temperature: cold/warm/hot from score thresholds, with hysteresis: moving
// down needs the score to fall `hysteresis` below the threshold, so a
// score hovering at a threshold does not flap.
// Lifecycle: ordered stages; the visitor moves to the furthest stage whose
// condition holds (a stage without condition is the entry stage), never
// back unless that stage sets "allowRegression". MQL and SQL are hand-offs:
// once their condition holds they stay reached, with the time.
//
// All of these are attributes conditions can read: "score", "grade",
// "leadCell", "temperature", "stage", "mql", "sql". Dependencies between
// them and segments are ordered at compile time; a cycle is a config error.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "conditions/condition.h"
#include "core/duration.h"
#include "core/json.h"

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

struct GradeRule {
  std::string id;
  double points = 0;
  Condition condition;
};

struct GradingSpec {
  std::vector<GradeRule> rules;
  double a = 80, b = 60, c = 40;          // fit points needed for A, B, C
  double engagement[3] = {60, 30, 10};    // score needed for digits 1, 2, 3
  // "A".."D" for `fit` points.
  char Grade(double fit) const;
  int Engagement(double score) const;
};

struct TemperatureSpec {
  double warm = 30, hot = 60, hysteresis = 5;
};

enum class Temperature { kCold = 0, kWarm = 1, kHot = 2 };
const char* TemperatureName(Temperature t);
// The next temperature for `score`, given the current one.
Temperature NextTemperature(const TemperatureSpec& spec, Temperature current, double score);

struct StageSpec {
  std::string id;
  std::optional<Condition> condition;
  bool allow_regression = false;
};

struct LifecycleSpec {
  std::vector<StageSpec> stages;
  std::optional<Condition> mql, sql;
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
  const std::deque<leadseg::Award>& awards() const { return awards_; }
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
  std::deque<leadseg::Award> awards_;
  size_t dropped_ = 0;
};

// Lifecycle and temperature progress of one visitor: history-dependent,
// so stored in snapshots rather than recomputed.
struct StageChange {
  std::string from, to;
  TimeMs at = 0;
};

struct ProgressState {
  // The newest stage moves kept (older ones are dropped): a stage that
  // allows regression can move on every call, and the history is stored in
  // every snapshot.
  static constexpr size_t kMaxHistory = 100;

  Temperature temperature = Temperature::kCold;
  int stage = 0;  // index into stages: everyone starts in the first one
  std::optional<TimeMs> mql_at, sql_at;
  std::vector<StageChange> history;  // oldest first, at most kMaxHistory

  // Starts the next evaluation's state from `committed`, with an empty
  // history: evaluation appends only the moves it makes, so it never copies
  // the history (Commit appends them).
  void StartFrom(const ProgressState& committed);
  // Takes `next`'s state and appends its moves, keeping the newest
  // kMaxHistory.
  void CommitFrom(const ProgressState& next);

  void Save(std::string* out) const;
  bool Restore(std::string_view in);
};

}  // namespace leadseg
