// GrowthBook experiments and feature flags: assignment of a visitor to a
// variation, feature evaluation with force / rollout / experiment rules,
// prerequisites and sticky bucketing.
//
// C++ counterpart of `runExperiment` and `evalFeature` in GrowthBook's
// JavaScript SDK (`packages/sdk-js/src/core.ts`), built on the hashing
// helpers in decisions/bucketing.h and on Condition (compiled in
// GrowthBook-compatible mode). /work/shared/conformance/README.md §1.6-1.8
// is the specification; the `run`, `feature` and `stickyBucket` sections of
// growthbook-cases.json are tests (src/conformance/growthbook_experiment_suite.cc).
//
// Compile once, evaluate many times. An ExperimentSpec or a FeatureEvaluator
// is compiled from JSON once (conditions, ranges, weights, filters are all
// prepared then); RunExperiment / FeatureEvaluator::Evaluate are const,
// never parse JSON, and can be called for every page view. Per call they
// only copy the visitor's attributes into a flat Document for conditions.
//
//   auto spec = ExperimentSpec::Compile(json);        // once
//   EvalContext ctx;                                 // per visitor
//   ctx.attributes = {{"id", visitor_id}};
//   ctx.sticky_bucket_store = &store;                // optional
//   ExperimentResult r = RunExperiment(*spec, ctx);  // per page view
//   if (r.in_experiment) show(r.value);
//
// Saved groups ($inGroup) and contextual-bandit definitions are part of
// the payload, not of the visitor, so they are bound at compile time
// (ExperimentCompileOptions / FeatureCompileOptions), like conditions.
//
// Deliberate differences from the SDK:
//  - `urlPatterns`, `url` (old regex targeting), `include` and `groups` on an
//    experiment are ignored (leadseg targets with conditions). Tracking
//    callbacks and overrides objects do not exist here: the caller reads
//    the result.
//  - Malformed JSON (a non-array `variations`, a non-number weight, a meta
//    `key` that is not a string, ...) is a compile error with a JSON
//    Pointer path instead of undefined behaviour at run time. Unknown keys
//    are ignored, as in GrowthBook.
//
// Nothing here throws; nlohmann values are read only after type checks.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"
#include "core/json.h"
#include "leadseg/status.h"
#include "decisions/bucketing.h"

namespace leadseg {

class FeatureEvaluator;
namespace experiment_internal {
struct ExperimentRunner;
}

// ---------------------------------------------------------------------------
// Sticky bucketing
// ---------------------------------------------------------------------------

// One visitor identifier's remembered assignments:
//   {attributeName, attributeValue, assignments: {"<expKey>__<bucketVersion>": "<variation key>"}}
// Stored under StickyAttributeKey(attributeName, attributeValue).
struct StickyAssignmentDoc {
  std::string attribute_name;
  std::string attribute_value;
  std::map<std::string, std::string> assignments;

  Json ToJson() const;
  // Accepts the JSON shape above; a missing `assignments` is empty.
  static Result<StickyAssignmentDoc> FromJson(const Json& json, const std::string& path = "");
};

// "<attributeName>||<attributeValue>".
std::string StickyAttributeKey(std::string_view attribute_name, std::string_view attribute_value);

// The string GrowthBook hashes for `attribute` and keys sticky docs by:
// String(attributes[attribute]) (JS ToString: 123 -> "123") when the value
// is JS-truthy, else "" (the visitor cannot be bucketed on it).
std::string HashAttributeString(const Json& attributes, std::string_view attribute);

// Where sticky assignments live (localStorage, a cookie, a server table).
// Evaluation reads up to three docs and writes at most one per experiment.
class StickyBucketStore {
 public:
  virtual ~StickyBucketStore() = default;
  // The doc stored for (attribute_name, attribute_value), if any.
  virtual std::optional<StickyAssignmentDoc> Get(std::string_view attribute_name,
                                                 std::string_view attribute_value) const = 0;
  // Replaces the doc for (doc.attribute_name, doc.attribute_value). A failed
  // save does not change the result of the evaluation that caused it (as in
  // GrowthBook); the visitor is simply not sticky next time.
  virtual Status Save(const StickyAssignmentDoc& doc) = 0;
};

class InMemoryStickyBucketStore final : public StickyBucketStore {
 public:
  std::optional<StickyAssignmentDoc> Get(std::string_view attribute_name,
                                         std::string_view attribute_value) const override;
  Status Save(const StickyAssignmentDoc& doc) override;

  // Keyed by StickyAttributeKey.
  const std::map<std::string, StickyAssignmentDoc>& docs() const { return docs_; }
  // {"attr||value": doc, ...}
  Json ToJson() const;
  void Clear() { docs_.clear(); }

 private:
  std::map<std::string, StickyAssignmentDoc> docs_;
};

// ---------------------------------------------------------------------------
// Evaluation context (one visitor, one page view)
// ---------------------------------------------------------------------------

struct EvalContext {
  // The visitor's attributes: a JSON object (anything else counts as {}).
  Json attributes = Json::object();
  // The page URL, for `?<experimentKey>=<index>` overrides. May be empty.
  std::string url;
  // experimentKey -> forced variation index (an invalid index forces the
  // visitor out of the experiment).
  std::map<std::string, int> forced_variations;
  // featureKey -> forced value (source "override").
  std::map<std::string, Json> forced_feature_values;
  // QA mode: nobody is bucketed by hash; forced variations still apply.
  bool qa_mode = false;
  // false: every experiment excludes everyone.
  bool enabled = true;
  // Sticky bucketing is active when a store is set (and the experiment does
  // not set disableStickyBucketing). Not owned.
  StickyBucketStore* sticky_bucket_store = nullptr;
  // Features that experiments' `parentConditions` refer to (RunExperiment
  // only; FeatureEvaluator::Evaluate uses its own features). Not owned. A
  // prerequisite on an unknown feature sees the value null.
  const FeatureEvaluator* features = nullptr;
};

// ---------------------------------------------------------------------------
// Experiments
// ---------------------------------------------------------------------------

struct ExperimentCompileOptions {
  // GrowthBook saved groups (group id -> array of values) for $inGroup /
  // $notInGroup in `condition`. Read during Compile only; may be null.
  const Json* saved_groups = nullptr;
  // Attribute names used by conditions are interned here. Shared by
  // FeatureEvaluator across all its rules; a fresh schema when null.
  std::shared_ptr<AttributeSchema> schema;
};

// A hash-range filter (`filters[i]`): the visitor is kept when
// hash(seed, attributes[attribute], hash_version) falls in one of `ranges`.
struct ExperimentFilter {
  std::string seed;
  std::string attribute;  // empty = "id"
  int hash_version = 2;   // 0 = invalid (filters the visitor out)
  std::vector<BucketRange> ranges;
};

// `parentConditions[i]`: feature `id` must satisfy `condition` (evaluated
// against {"value": <the feature's value>}).
struct ParentCondition {
  std::string id;
  Condition condition;
  bool gate = false;
};

struct VariationMeta {
  std::optional<std::string> key;   // result key / sticky key; default String(index)
  std::optional<std::string> name;
  bool passthrough = false;
};

class ExperimentSpec {
 public:
  // Compiles a GrowthBook experiment object:
  //   {key, variations, weights?, coverage?, condition?, parentConditions?,
  //    filters?, namespace?, hashAttribute?, fallbackAttribute?,
  //    hashVersion?, seed?, ranges?, meta?, force?, status?, active?, name?,
  //    phase?, bucketVersion?, minBucketVersion?, disableStickyBucketing?}
  // `key` must be a string and `variations` an array (fewer than two
  // variations compiles, and then excludes everyone, as in GrowthBook).
  static Result<ExperimentSpec> Compile(const Json& experiment,
                                        const ExperimentCompileOptions& options = {},
                                        const std::string& path = "");

  ExperimentSpec(ExperimentSpec&&) noexcept;
  ExperimentSpec& operator=(ExperimentSpec&&) noexcept;
  ~ExperimentSpec();

  const std::string& key() const { return key_; }
  const Json& variations() const { return variations_; }
  int num_variations() const { return static_cast<int>(variations_.size()); }
  const std::vector<VariationMeta>& meta() const { return meta_; }
  // The experiment as compiled, verbatim (GrowthBook's FeatureResult
  // `experiment`).
  const Json& source() const { return source_; }

 private:
  friend struct experiment_internal::ExperimentRunner;
  ExperimentSpec() = default;

  Json source_;
  std::string key_;
  Json variations_ = Json::array();
  std::optional<std::vector<double>> weights_;
  std::optional<double> coverage_;  // nullopt: 1
  std::optional<Condition> condition_;
  std::vector<ParentCondition> parent_conditions_;
  std::optional<std::vector<ExperimentFilter>> filters_;
  struct Namespace {
    std::string id;
    double start = 0, end = 1;
  };
  std::optional<Namespace> namespace_;
  std::string hash_attribute_ = "id";
  std::string fallback_attribute_;  // empty: none
  int hash_version_ = 1;            // 0: invalid (excludes everyone)
  std::string seed_;                // empty: key
  std::optional<std::vector<BucketRange>> ranges_;
  std::vector<VariationMeta> meta_;
  bool has_force_ = false;
  int force_ = -1;
  bool draft_ = false;    // status == "draft" or active === false
  bool stopped_ = false;  // status == "stopped"
  double bucket_version_ = 0;
  double min_bucket_version_ = 0;
  bool disable_sticky_bucketing_ = false;
  std::shared_ptr<AttributeSchema> schema_;
};

// GrowthBook's Result. `bucket` is set only when the visitor was bucketed
// by hash; the bandit fields only for a contextual-bandit rule that
// bucketed the visitor by hash.
struct ExperimentResult {
  std::string key;                       // meta[i].key or String(i)
  std::optional<std::string> feature_id; // set when run for a feature rule
  bool in_experiment = false;
  bool hash_used = false;
  int variation_id = 0;
  Json value;                            // variations[variation_id]
  std::string hash_attribute;
  Json hash_value = "";                  // the raw attribute ("" when falsy); 123 stays a number
  bool sticky_bucket_used = false;
  std::optional<double> bucket;
  std::optional<std::string> name;
  bool passthrough = false;
  std::optional<Json> leaf_id;
  std::optional<std::vector<double>> variation_weights;
  std::optional<Json> bandit_version;

  // GrowthBook's JSON shape (optional fields only when set; featureId null
  // when unset).
  Json ToJson() const;
};

// Runs `experiment` for the visitor in `ctx`. With a sticky-bucket store,
// a visitor who was bucketed before keeps the stored variation (even if
// attributes, weights or coverage changed), and a new assignment is saved
// under the attribute actually hashed on. Lookup merges the
// fallbackAttribute doc, then the hashAttribute doc (which wins); like the
// SDK, an experiment without a fallbackAttribute reads the "id" doc as its
// fallback. A stored assignment from a bucket version below
// minBucketVersion excludes the visitor (stickyBucketUsed = true).
ExperimentResult RunExperiment(const ExperimentSpec& experiment, const EvalContext& ctx);

// ---------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------

enum class FeatureSource {
  kUnknownFeature,
  kDefaultValue,
  kForce,
  kExperiment,
  kPrerequisite,
  kCyclicPrerequisite,
  kOverride,
};
// "unknownFeature", "defaultValue", "force", ...
const char* FeatureSourceName(FeatureSource source);

struct FeatureResult {
  Json value;  // null for unknown features and failed prerequisites
  bool on = false;   // JS truthiness of value
  bool off = true;
  FeatureSource source = FeatureSource::kUnknownFeature;
  std::string rule_id;
  // For source kExperiment: the experiment built from the rule (GrowthBook's
  // echo: `variations` and `key` plus the optional fields the rule had) and
  // its result.
  std::optional<Json> experiment;
  std::optional<ExperimentResult> experiment_result;

  Json ToJson() const;
};

struct FeatureCompileOptions {
  const Json* saved_groups = nullptr;        // as ExperimentCompileOptions
  const Json* contextual_bandits = nullptr;  // ref -> {banditVersion?, contexts: [...]}
};

// A compiled feature payload: {"<featureKey>": {defaultValue?, rules?}}.
// Rules are tried in order: parentConditions (prerequisites; a failing
// `gate` blocks the feature), filters, then either a force rule
// (`force` + condition + percentage rollout) or an experiment rule
// (`variations`, or `contextualVariations` with `contextualBanditRef`).
class FeatureEvaluator {
 public:
  static Result<FeatureEvaluator> Compile(const Json& features,
                                          const FeatureCompileOptions& options = {},
                                          const std::string& path = "");

  FeatureEvaluator(FeatureEvaluator&&) noexcept;
  FeatureEvaluator& operator=(FeatureEvaluator&&) noexcept;
  ~FeatureEvaluator();

  bool Contains(std::string_view feature_key) const;

  // Evaluates one feature for the visitor in `ctx` (ctx.features is not
  // consulted: prerequisites resolve within this evaluator). A prerequisite
  // cycle yields source kCyclicPrerequisite.
  FeatureResult Evaluate(std::string_view feature_key, const EvalContext& ctx) const;

  // Attribute names that experiment rules hash on (hashAttribute or "id",
  // and fallbackAttribute): the identifiers a sticky-bucket store is keyed
  // by for this payload.
  std::vector<std::string> StickyBucketIdentifierAttributes() const;

 private:
  friend struct experiment_internal::ExperimentRunner;
  struct Impl;
  explicit FeatureEvaluator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadseg
