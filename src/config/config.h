// The leadseg config: everything an engine evaluates, compiled once.
//
//   {
//     "version": 1,
//     "attributes": {"job_title": "string", "company_size": "number"},
//     "savedGroups": {"beta_accounts": ["acme", "globex"]},
//     "metrics": [
//       {"id": "pricing_views_2d", "aggregate": "count", "window": "2d",
//        "where": {"type": "page_view", "path": {"$regex": "^/pricing"}}}
//     ],
//     "rfm": {"recency":   {"metric": "days_since_purchase", "bounds": [7, 30, 90, 180]},
//             "frequency": {"metric": "purchases_365d",      "bounds": [1, 2, 4, 8]},
//             "monetary":  {"metric": "spend_365d",          "bounds": [100, 500, 2000, 10000]}},
//     "segments": [
//       {"id": "high_intent_tech", "name": "High-Intent Tech Leads", "kind": "behavioral",
//        "condition": {"job_title": {"$in": ["CTO", "IT Manager"]},
//                      "pricing_views_2d": {"$gte": 2}}}
//     ],
//     "retention": {"maxAge": "180d", "maxEvents": 10000},
//     "hygiene": {"maxSegments": 30}
//   }
//
// Segment conditions read one flat attribute namespace:
//   - explicit attributes (identify), e.g. "job_title";
//   - "declared": zero-party declarations, e.g. "declared.interests";
//   - every metric by id;
//   - "rfm": {"r", "f", "m", "cell" ("543"), "score" (3..15)} when configured;
//   - "segments": the ids of the segments the visitor is in, so segments
//     compose: {"segments": {"$all": ["young_adults", "high_engagement"]}}.
//   - "score", "grade", "leadCell", "temperature", "stage", "mql", "sql"
//     when scoring, grading, temperature or lifecycle are configured
//     (scoring/scoring.h).
// Reserved names (metric ids and the names above) cannot be identified.
//
// docs/config.md documents every field and docs/config.schema.json is the
// JSON Schema. Compilation reports every problem with its JSON Pointer,
// plus hygiene warnings, and produces a CompiledConfig whose evaluation
// paths never touch JSON again.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"
#include "leadseg/diagnostics.h"
#include "core/duration.h"
#include "core/json.h"
#include "metrics/metric.h"
#include "decisions/slots.h"
#include "grading/grading.h"
#include "lifecycle/lifecycle.h"
#include "scoring/predictive.h"
#include "scoring/scoring.h"
#include "scoring/temperature.h"
#include "segments/segment_program.h"

namespace leadseg {

enum class SegmentKind { kCharacteristic, kBehavioral };

struct SegmentSpec {
  std::string id;
  std::string name;
  std::string description;
  SegmentKind kind = SegmentKind::kCharacteristic;
  Condition condition;
  std::vector<int> depends_on;  // indices of segments this one's condition reads
};

// One RFM axis: a metric and four ascending bounds that split it into
// scores 1..5. Recency is better when lower (days since the last
// purchase); frequency and monetary are better when higher.
struct RfmAxis {
  std::string metric;
  int metric_index = -1;
  double bounds[4] = {0, 0, 0, 0};
  bool lower_is_better = false;
  // The 1..5 score of `value`; a missing value scores 1.
  int Score(const Value& value) const;
};

struct RfmSpec {
  RfmAxis recency, frequency, monetary;
};

struct RetentionSpec {
  TimeMs max_age = kForever;
  size_t max_events = 10000;
};

// One step of an evaluation, in dependency order.
struct EvalStep {
  // kPredictive (the model, scoring/predictive.h) was added after the rest:
  // its number is last so older compiled configs keep theirs.
  enum class Kind { kSegment, kScore, kGrade, kTemperature, kStage, kPredictive };
  Kind kind;
  int index = 0;  // segment index for kSegment
};

class CompiledConfig {
 public:
  // Interned names of every attribute a segment condition reads.
  const AttributeSchema& schema() const { return schema_; }
  // Interned names of what metric filters read from events ("type" and
  // properties).
  const AttributeSchema& event_schema() const { return event_schema_; }

  const std::vector<MetricSpec>& metrics() const { return metrics_; }
  const std::vector<SegmentSpec>& segments() const { return segments_; }
  // Segments, score, grade, temperature and stage, each after everything
  // it reads.
  const std::vector<EvalStep>& evaluation_order() const { return order_; }
  const std::optional<ScoringSpec>& scoring() const { return scoring_; }
  const std::optional<GradingSpec>& grading() const { return grading_; }
  const std::optional<TemperatureSpec>& temperature() const { return temperature_; }
  const std::optional<LifecycleSpec>& lifecycle() const { return lifecycle_; }
  // The "predictive" model, evaluated before the score and grade it adds to.
  const std::optional<PredictiveSpec>& predictive() const { return predictive_; }
  // Content and form slots, with their experiments (decisions/slots.h).
  const std::vector<SlotSpec>& slots() const { return slots_; }
  int FindSlot(std::string_view id) const;
  const std::optional<RfmSpec>& rfm() const { return rfm_; }
  const RetentionSpec& retention() const { return retention_; }

  // Attribute indexes in schema() of the derived attributes (-1 when nothing reads them
  // and they need not be computed).
  int metric_attr(size_t metric) const { return metric_attrs_[metric]; }
  int declared_attr() const { return declared_attr_; }
  int segments_attr() const { return segments_attr_; }
  int rfm_attr() const { return rfm_attr_; }
  int score_attr() const { return score_attr_; }
  int grade_attr() const { return grade_attr_; }
  int lead_cell_attr() const { return lead_cell_attr_; }
  int temperature_attr() const { return temperature_attr_; }
  int stage_attr() const { return stage_attr_; }
  int mql_attr() const { return mql_attr_; }
  int sql_attr() const { return sql_attr_; }
  // Attribute indexes in event_schema().
  int event_type_attr() const { return event_type_attr_; }
  int metric_field_attr(size_t metric) const { return metric_field_attrs_[metric]; }

  // Index of segment / metric `id`, or -1.
  int FindSegment(std::string_view id) const;
  int FindMetric(std::string_view id) const;
  // True for names identify() may not set.
  bool IsReserved(std::string_view name) const;

  // Sets the "segments" attribute to the ids of the segments `membership`
  // marks, in config order. `*ids` is the evaluation's one id array: null
  // at the start of an evaluation, allocated in `arena` on first use and
  // rewritten in place afterwards, so publishing before each segment that
  // reads "segments" costs no memory (a 1,000-segment chain once took
  // O(n^2) of it).
  void PublishSegments(const std::vector<uint8_t>& membership, AttributeSet* attributes, Document* arena,
                       Value** ids) const;
  // Evaluates every segment against `attributes`, in dependency order,
  // writing 1 or 0 per segment (config order) into `out`. When segments
  // read "segments", `arena` holds the membership array. Score, grade and
  // stage are not computed here (the Engine does); conditions reading them
  // see whatever `attributes` holds.
  void EvaluateSegments(AttributeSet* attributes, Document* arena, std::vector<uint8_t>* out) const;

  // "3 segments, 2 metrics, 12 attributes" for humans.
  std::string Summary() const;

  // The segments' conditions compiled for throughput
  // (segments/segment_program.h): condition i is segment i. Built when the
  // config is compiled or decoded; "segments" and the scoring outputs are
  // its volatile attributes.
  const SegmentProgram& segment_program() const { return segment_program_; }
  // What an event matches, as one program over the event's attributes:
  // condition i is event_conditions()[i], every metric's `where` then every
  // event scoring rule's condition, in config order. Built with
  // segment_program(); the Engine reads it (engine/engine.cc).
  const SegmentProgram& event_program() const { return event_program_; }
  std::vector<const Condition*> event_conditions() const;
  // The segments' conditions, in config order (segment_program()'s).
  std::vector<const Condition*> segment_conditions() const;

 private:
  friend class ConfigCompiler;
  friend class CompiledConfigCodec;  // compiled/compiled_config.cc
  AttributeSchema schema_;
  AttributeSchema event_schema_;
  std::vector<MetricSpec> metrics_;
  std::vector<int> metric_attrs_;
  std::vector<int> metric_field_attrs_;
  std::vector<SegmentSpec> segments_;
  std::vector<EvalStep> order_;
  std::optional<RfmSpec> rfm_;
  std::optional<ScoringSpec> scoring_;
  std::optional<GradingSpec> grading_;
  std::optional<TemperatureSpec> temperature_;
  std::optional<LifecycleSpec> lifecycle_;
  std::optional<PredictiveSpec> predictive_;
  std::vector<SlotSpec> slots_;
  int score_attr_ = -1, grade_attr_ = -1, lead_cell_attr_ = -1, temperature_attr_ = -1, stage_attr_ = -1,
      mql_attr_ = -1, sql_attr_ = -1;
  RetentionSpec retention_;
  int declared_attr_ = -1;
  int segments_attr_ = -1;
  int rfm_attr_ = -1;
  int event_type_attr_ = -1;
  SegmentProgram segment_program_;
  SegmentProgram event_program_;
  // Builds both programs once the conditions and the attribute indexes are final: the
  // compiler does, and DecodeCompiledConfig for a format before the
  // programs were stored (leadseg/compiled_config.h).
  void BuildPrograms();
};

// The compiler that makes one: leadseg/compiler.h.

}  // namespace leadseg
