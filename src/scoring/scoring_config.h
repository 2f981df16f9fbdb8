// Compiles the scoring, grading, temperature and lifecycle sections of a
// config (see scoring.h, grading/grading.h, scoring/temperature.h and
// lifecycle/lifecycle.h for the format). Each reports problems to the
// diagnostics with their JSON path and returns nullopt when unusable.
#pragma once

#include <optional>

#include "conditions/attributes.h"
#include "leadseg/diagnostics.h"
#include "core/json.h"
#include "grading/grading.h"
#include "lifecycle/lifecycle.h"
#include "scoring/scoring.h"
#include "scoring/temperature.h"

namespace leadseg {

struct SectionContext {
  AttributeSchema* schema;        // segment-level attributes (trait rules, grading, stages)
  AttributeSchema* event_schema;  // event properties (event rules)
  const Json* saved_groups;
  Diagnostics* diagnostics;
};

std::optional<ScoringSpec> CompileScoring(const Json& section, const SectionContext& ctx);
std::optional<GradingSpec> CompileGrading(const Json& section, const SectionContext& ctx);
std::optional<TemperatureSpec> CompileTemperature(const Json& section, const SectionContext& ctx);
std::optional<LifecycleSpec> CompileLifecycle(const Json& section, const SectionContext& ctx);

}  // namespace leadseg
