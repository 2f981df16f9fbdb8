// Lifecycle: awareness -> consideration -> decision -> customer, with the
// MQL and SQL hand-offs.
//
//   "lifecycle": {"stages": [{"id": "awareness"},
//                            {"id": "consideration", "condition": {"score": {"$gte": 20}}},
//                            {"id": "decision", "condition": {"segments": {"$in": ["high_intent"]}}},
//                            {"id": "customer", "condition": {"purchases": {"$gte": 1}}}],
//                 "mql": {"score": {"$gte": 50}, "grade": {"$in": ["A", "B"]}},
//                 "sql": {"demo_requests": {"$gte": 1}}}
//
// Ordered stages: the visitor moves to the furthest stage whose condition
// holds (a stage without condition is the entry stage), never back unless
// that stage sets "allowRegression". MQL and SQL are hand-offs: once their
// condition holds they stay reached, with the time. Conditions read them as
// "stage", "mql" and "sql". Evaluated by engine/lifecycle_step.h; where a
// visitor is lives in lifecycle/progress.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conditions/condition.h"

namespace leadseg {

struct StageSpec {
  std::string id;
  std::optional<Condition> condition;
  bool allow_regression = false;
};

struct LifecycleSpec {
  std::vector<StageSpec> stages;
  std::optional<Condition> mql, sql;
};

}  // namespace leadseg
