// Predictive scoring: a logistic model, trained on a site's own leads,
// that scores each visitor from the attribute namespace.
//
//   "predictive": {
//     "id": "conversion", "name": "Likely to convert", "model": "logistic",
//     "intercept": -2.31,
//     "features": [
//       {"attribute": "pricing_views_2d", "mean": 0.8, "scale": 1.4, "weight": 0.61},
//       {"attribute": "industry", "equals": "Software", "weight": 0.42},
//       {"attribute": "company_size", "missing": true, "weight": -0.35}],
//     "scoring": {"points": 40}, "grading": {"points": 50}
//   }
//
// p = 1 / (1 + exp(-(intercept + sum of contributions))), where a feature
// contributes
//   numeric  weight * (x - mean) / scale, x a number (booleans are 0/1);
//            anything else contributes 0 (imputed at the mean);
//   equals   weight when the value is strictly equal to `equals`, or is an
//            array holding it; else 0;
//   missing  weight when the value is missing or null; else 0.
// round(p * points) is added to the score ("scoring") and/or the grading fit
// ("grading") as the rule "predictive:<id>". Nothing is stored: the model
// is evaluated again on every call, like trait rules.
//
// The format is agreed with the trainer (issue 18); docs/config.md
// "Predictive scoring" is the reference.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conditions/attributes.h"
#include "core/json.h"
#include "core/value.h"
#include "core/value_writer.h"

namespace leadseg {

struct PredictiveFeature {
  enum class Kind : uint8_t { kNumeric = 0, kEquals = 1, kMissing = 2 };
  // One step of a dotted attribute path after the top-level name, read as
  // conditions read it ("company.size", "tags.0", "tags.length").
  struct Step {
    std::string name;
    bool is_index = false;
    uint32_t index = 0;
    bool is_length = false;
  };

  Kind kind = Kind::kNumeric;
  std::string attribute;    // as written: "pricing_views_2d", "declared.role"
  int attr = -1;            // the top-level name's attribute index in the attribute schema
  std::vector<Step> steps;  // the rest of the path (empty for a top-level name)
  double mean = 0, scale = 1, weight = 0;
  // kEquals: the value matched, one of string, number or boolean.
  ValueType equals_type = ValueType::kNull;
  std::string equals_string;
  double equals_number = 0;
  bool equals_bool = false;

  // Splits `attribute` into the top-level name (returned) and `steps`.
  std::string ParsePath();
  // The value this feature reads from `attributes` (null when missing).
  Value Read(const AttributeSet& attributes) const;
  // weight * z for this feature given the value it read (see above).
  double Contribution(const Value& value) const;
  // `equals` as a Value (its string points into this feature), for the
  // breakdown; as JSON for the compiled format's tests.
  Value EqualsValue() const;
  Json EqualsJson() const;
};

struct PredictiveSpec {
  std::string id;
  std::string name;
  double intercept = 0;
  std::vector<PredictiveFeature> features;
  std::optional<double> score_points;  // "scoring": {"points"}
  std::optional<double> grade_points;  // "grading": {"points"}
  // Derived, not stored: whether a feature reads "segments" (the engine
  // then publishes the membership before evaluating the model).
  bool reads_segments = false;

  // "predictive:<id>", the rule name in breakdowns.
  std::string RuleName() const { return "predictive:" + id; }
};

// One evaluation. Reused across calls: after the first, Evaluate does not
// allocate.
struct PredictiveResult {
  double logit = 0;
  double probability = 0;
  double points = 0;        // round(p * score_points), 0 without "scoring"
  double grade_points = 0;  // round(p * grade_points), 0 without "grading"
  std::vector<double> contributions;  // per feature, in config order

  void Evaluate(const PredictiveSpec& spec, const AttributeSet& attributes);
};

// round(p * points), halves away from zero (std::round).
double PredictivePoints(double probability, double points);

// The breakdown's `predictive` object for `result` (score() and explain()).
void WritePredictiveBreakdown(const PredictiveSpec& spec, const PredictiveResult& result, const AttributeSet& attributes,
                              ValueWriter* out);

// "numeric", "equals" or "missing".
const char* PredictiveKindName(PredictiveFeature::Kind kind);

}  // namespace leadseg
