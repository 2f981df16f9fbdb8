// Targeting conditions in GrowthBook's Mongo-style syntax.
//
//   {"job_title": {"$in": ["CTO", "IT Manager"]},
//    "pricing_views": {"$gte": 2},
//    "$or": [{"country": "US"}, {"country": "CA"}]}
//
// A condition is compiled once into a flat tree of nodes whose constants,
// attribute slots, regexes and version strings are all prepared ahead of
// time; Evaluate() then walks it without parsing or allocating. The
// semantics are GrowthBook's (mongrule.ts) to the letter, including its
// JavaScript coercions: `{"age": "30"}` matches the number 30, a missing
// attribute is null, `$eq` is `===`. ../shared/conformance/README.md §1.9
// is the specification; every evalCondition case there is a test.
//
// Two compile modes:
//  - strict (the default, for leadseg configs): an unknown operator, an
//    invalid or unsupported regex, or an operand of the wrong type is a
//    compile error naming its JSON path. A typo must not silently make a
//    segment empty.
//  - GrowthBook-compatible: such constructs evaluate to false, as the JS
//    SDK does at run time. Used for the conformance suite and for
//    conditions imported verbatim from GrowthBook.
//
// Regexes use a linear-time matcher (conditions/regex.h), so `$regex` on
// hostile input cannot hang a page.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/regex.h"
#include "core/json.h"
#include "core/status.h"
#include "core/value.h"

namespace leadseg {

class ConditionCompiler;

struct ConditionOptions {
  bool strict = true;
  // GrowthBook "saved groups" for $inGroup / $notInGroup: group id -> array
  // of values. Resolved at compile time; may be null (no groups).
  const Json* saved_groups = nullptr;
};

// What one condition leaf saw during an explained evaluation.
struct LeafTrace {
  std::string path;       // JSON Pointer of the leaf in the condition
  std::string attribute;  // dotted attribute path
  Json operand;           // the condition side
  Json actual;            // the attribute value seen (null if missing)
  bool passed = false;
};

class Condition {
 public:
  // Compiles `condition` (a JSON object). Attribute names are interned in
  // `schema`, which must outlive the Condition. `path` prefixes error
  // locations, e.g. "/segments/3/condition".
  static Result<Condition> Compile(const Json& condition, AttributeSchema* schema,
                                   const ConditionOptions& options = {},
                                   const std::string& path = "");

  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;
  ~Condition();

  // True when `attributes` satisfy the condition.
  bool Evaluate(const AttributeSet& attributes) const;

  // Like Evaluate, and records every leaf it visited with the value it saw.
  // Short-circuiting is kept, so unvisited leaves are absent.
  bool Explain(const AttributeSet& attributes, std::vector<LeafTrace>* trace) const;

  // Warnings found while compiling in compatible mode (e.g. an unknown
  // operator that will always be false). Empty in strict mode.
  const std::vector<Status>& warnings() const;

  // The attribute slots this condition reads (deduplicated).
  const std::vector<int>& slots() const;

  // Calls `fn(attribute, operand, pointer)` for every attribute test that
  // reads the top-level attribute set (tests inside $elemMatch, which read
  // array elements, are skipped). Used by config hygiene checks.
  void ForEachLeaf(const std::function<void(const std::string& attribute, const Json& operand,
                                            const std::string& pointer)>& fn) const;

  // Canonical text of the source condition, for duplicate detection.
  const std::string& canonical() const;

  // The compiled program as bytes, for compiled configs
  // (compiled/compiled_config.h), and back. Decode checks every index,
  // operand type and the nesting depth against `schema`, so corrupted or
  // hostile bytes are an error, never an out-of-bounds read; it needs no
  // JSON parser (regexes are recompiled from their pattern). Warnings
  // (compatible mode only) are not kept.
  void Encode(std::string* out) const;
  static Result<Condition> Decode(std::string_view* in, const AttributeSchema& schema);

 private:
  friend class ConditionCompiler;
  struct Program;
  explicit Condition(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

}  // namespace leadseg
