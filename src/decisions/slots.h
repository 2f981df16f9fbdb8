// Slots: the places on a page whose content or form depends on who is
// looking (a hero banner, a signup form, a call to action).
//
//   "slots": [
//     {"id": "hero", "name": "Home page hero",
//      "variants": [
//        {"id": "enterprise", "when": {"segments": {"$in": ["enterprise"]}}},
//        {"id": "smb", "when": {"score": {"$gte": 30}, "stage": "consideration"}},
//        {"id": "default"}],
//      "default": "default",
//      "experiment": {"key": "hero-test", "variants": ["enterprise", "default"],
//                     "weights": [0.5, 0.5], "mode": "ab",
//                     "when": {"country": "US"}}}
//   ]
//
// Rules. Variants are tried in order; the first whose `when` condition holds
// is served, else the slot's `default` (which must name one of its
// variants). A variant without `when` is never chosen by a rule: it is the
// default or an experiment arm. `when` conditions are GrowthBook-style
// conditions compiled in strict mode against the config's attribute schema,
// so they can read everything segments can: attributes, metrics, segments,
// score, grade, stage...
//
// Experiment (optional). A slot can test some of its variants against each
// other. This module only compiles and stores the experiment; the engine
// assigns visitors:
//  - "ab" (the default): GrowthBook bucketing of the visitor id with the
//    experiment key as seed: ChooseVariation(GrowthBookHash(key, id, 1),
//    ranges), `ranges` precomputed below from `weights` (equal when absent;
//    they must sum to 1 within 0.01, as in GrowthBook, and a visitor whose
//    hash falls past the last range -- weights summing to 0.99 -- is, as
//    there, not in the experiment);
//  - "bandit": a ThompsonBandit (decisions/bandit.h) over the experiment's
//    variants, fed with the site's exposure and conversion counts;
//  - `when` restricts the experiment to some visitors. The intended order
//    is: a visitor for whom the experiment applies (SlotExperimentSpec::
//    Applies) gets the assigned arm (ExperimentDecision); everyone else the
//    rules (Decide).
//
// Errors name their JSON Pointer: unknown keys, ids that are not
// identifiers or are used twice (slot ids in the config, variant ids in a
// slot), a default or experiment variant that is not a variant of the
// slot, an experiment key used by two slots (assignments and counts are
// keyed by it), malformed weights, an invalid condition.
// A variant that nothing can serve (no `when`, not the default, not in the
// experiment) is a warning ("unreachable").
//
// Decide() is const, evaluates compiled conditions only and does not
// allocate: the decision (leadseg/slot_decision.h) refers to strings owned
// by the SlotSpec.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"
#include "core/json.h"
#include "decisions/bucketing.h"
#include "leadseg/slot_decision.h"
#include "scoring/scoring_config.h"

namespace leadseg {

struct SlotVariant {
  std::string id;
  std::string name;                // optional display name; empty when absent
  std::optional<Condition> when;   // absent: default / experiment arm only
  std::string when_path;           // JSON Pointer of `when`; empty when absent
};

enum class SlotExperimentMode { kAb, kBandit };
const char* SlotExperimentModeName(SlotExperimentMode mode);  // "ab", "bandit"

struct SlotExperimentSpec {
  std::string key;
  // Arms, in config order: indexes into SlotSpec::variants.
  std::vector<int> variants;
  // One per arm, summing to 1 (equal weights when the config has none).
  std::vector<double> weights;
  // GrowthBook bucket ranges for mode "ab" (BucketRanges(n, 1, weights)).
  std::vector<BucketRange> ranges;
  SlotExperimentMode mode = SlotExperimentMode::kAb;
  std::optional<Condition> when;  // absent: every visitor
  std::string when_path;

  // True when the experiment applies to this visitor (no `when`, or it holds).
  bool Applies(const AttributeSet& attributes) const {
    return !when || when->Evaluate(attributes);
  }
};

struct SlotSpec {
  std::string id;
  std::string name;
  std::vector<SlotVariant> variants;  // non-empty
  int default_variant = 0;            // index into variants
  std::optional<SlotExperimentSpec> experiment;
};

// Compiles the "slots" section (a JSON array; paths start at "/slots").
// Reports every problem to ctx.diagnostics and returns nullopt when any of
// them is an error. Conditions are compiled against ctx.schema.
std::optional<std::vector<SlotSpec>> CompileSlots(const Json& section, const SectionContext& ctx);

// The variant the rules choose for this visitor: the first variant whose
// `when` holds, else the default.
SlotDecision Decide(const SlotSpec& slot, const AttributeSet& attributes);

// The decision for arm `arm` (an index into slot.experiment->variants) of
// the slot's experiment. The slot must have an experiment and the arm must
// exist.
SlotDecision ExperimentDecision(const SlotSpec& slot, int arm);

}  // namespace leadseg
