// The leadseg config: everything an engine evaluates, compiled once.
//
//   {
//     "version": 1,
//     "savedGroups": {"beta_accounts": ["acme", "globex"]},
//     "segments": [
//       {"id": "high_intent_tech", "name": "High-Intent Tech Leads",
//        "kind": "behavioral",
//        "condition": {"job_title": {"$in": ["CTO", "IT Manager"]}, ...}}
//     ]
//   }
//
// docs/config.md documents every field; docs/config.schema.json is the
// JSON Schema. Compilation validates everything and reports every problem
// with its JSON Pointer, then produces a CompiledConfig whose evaluation
// paths never touch JSON again.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"
#include "config/diagnostics.h"
#include "core/json.h"

namespace leadseg {

enum class SegmentKind { kCharacteristic, kBehavioral };

struct SegmentSpec {
  std::string id;
  std::string name;
  std::string description;
  SegmentKind kind = SegmentKind::kCharacteristic;
  Condition condition;
};

class CompiledConfig {
 public:
  // Interned names of every attribute a condition reads.
  const AttributeSchema& schema() const { return schema_; }
  const std::vector<SegmentSpec>& segments() const { return segments_; }
  // Index of segment `id`, or -1.
  int FindSegment(std::string_view id) const;
  // Writes 1 or 0 per segment, in config order, into `out` (resized).
  void EvaluateSegments(const AttributeSet& attributes, std::vector<uint8_t>* out) const;

  // "3 segments, 12 attributes" for humans.
  std::string Summary() const;

 private:
  friend class ConfigCompiler;
  AttributeSchema schema_;
  std::vector<SegmentSpec> segments_;
};

// Compiles a parsed config. Returns null when `diagnostics` has errors;
// warnings may be present either way.
std::unique_ptr<CompiledConfig> CompileConfig(const Json& config, Diagnostics* diagnostics);
// Parses then compiles; a JSON syntax error is reported as a diagnostic.
std::unique_ptr<CompiledConfig> CompileConfigText(std::string_view text, Diagnostics* diagnostics);

}  // namespace leadseg
