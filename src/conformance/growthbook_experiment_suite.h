// The `run`, `feature` and `stickyBucket` sections of GrowthBook's
// cases.json, run through decisions/experiment.h.
#pragma once

#include <string>
#include <vector>

#include "conformance/conformance.h"
#include "core/json.h"

namespace leadseg {

// Sections "run", "feature" and "stickyBucket", in that order (a section
// missing from `cases` is left out).
//  - run: [name, context, experiment, value, inExperiment, hashUsed];
//    compares value, inExperiment and hashUsed.
//  - feature: [name, context, featureKey, expectedFeatureResult]; compares
//    the whole FeatureResult (experiment echo and experimentResult
//    included) deep-equal, numbers by value, ignoring key order.
//  - stickyBucket: [name, context, initialDocs, featureKey,
//    expectedExperimentResult|null, expectedDocs]; compares the
//    experimentResult (or null) and the docs of the visitor's identifier
//    attributes after the evaluation.
std::vector<SectionResult> RunGrowthBookExperimentSections(const Json& cases);

// Runs `cases[section]` with the `feature` runner. The `contextualBandit`
// section has the same shape and is supported by FeatureEvaluator; it is
// not part of RunGrowthBookExperimentSections.
SectionResult RunGrowthBookFeatureSection(const Json& cases, const std::string& section);

}  // namespace leadseg
