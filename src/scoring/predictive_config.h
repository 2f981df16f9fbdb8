// Compiles the "predictive" section of a config (see scoring/predictive.h
// for the format), reporting each problem with its JSON path, e.g.
// "/predictive/features/3/scale". Returns nullopt when unusable.
#pragma once

#include <map>
#include <set>
#include <optional>
#include <string>

#include "leadseg/diagnostics.h"
#include "core/json.h"
#include "scoring/predictive.h"
#include "scoring/scoring_config.h"

namespace leadseg {

inline constexpr size_t kMaxPredictiveFeatures = 200;

std::optional<PredictiveSpec> CompilePredictive(const Json& section, const SectionContext& ctx);

// Hygiene warnings for a compiled model (they never block loading):
//   unknown-attribute  the config declares its attributes and a feature
//                      reads a name that is none of them, no metric, no
//                      name the engine publishes, and no condition reads it
//                      either: most likely a typo or a column the site never
//                      sends, so the feature is always missing;
//   type-mismatch      a numeric feature on an attribute declared string,
//                      or `equals` of another type than the declaration.
// `known` holds every other top-level name the config reads or publishes.
void CheckPredictiveHygiene(const PredictiveSpec& spec, const std::map<std::string, std::string>& declared_types,
                            const std::set<std::string>& known, Diagnostics* d);

}  // namespace leadseg
