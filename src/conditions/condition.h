// Targeting conditions in GrowthBook's Mongo-style syntax.
//
//   {"job_title": {"$in": ["CTO", "IT Manager"]},
//    "pricing_views": {"$gte": 2},
//    "$or": [{"country": "US"}, {"country": "CA"}]}
//
// A condition is compiled once into a flat tree of nodes whose constants,
// attribute indexes, regexes and version strings are all prepared ahead of
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
#include "leadseg/status.h"
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
  Value operand;          // the condition side (points into the Condition)
  Value actual;           // the attribute value seen (null if missing; points
                          // into the attribute set, valid while it is)
  bool passed = false;
};

// The boolean structure of a compiled condition over its leaves, for an
// evaluator that decides leaves its own way (segments/segment_program.h)
// and asks the Condition only about the leaves it cannot decide. Built by
// Condition::Shape(); views point into the Condition, which must outlive
// the shape.
struct ConditionShape {
  enum class Kind : uint8_t { kTrue, kFalse, kAnd, kOr, kNor, kNot, kLeaf };
  struct Node {
    Kind kind = Kind::kTrue;
    uint32_t first = 0;  // kAnd/kOr/kNor/kNot: children in `kids`
    uint32_t count = 0;
    uint32_t leaf = 0;  // kLeaf: index in `leaves`
  };
  // One test. When `attr` >= 0 the leaf is a value test of the top-level
  // attribute at that index (a missing attribute is null) and
  // Condition::MatchLeaf(node, value) decides it; otherwise it reads the
  // attribute set some other way (a dotted path) and
  // Condition::HoldsLeaf(node, attributes) decides it.
  struct Leaf {
    uint32_t node = 0;
    int attr = -1;
    // For a string value the answer depends only on which of
    // `string_keys` (if any) the value equals: any other string gets the
    // same answer. False when the leaf needs the string itself.
    bool string_keyed = false;
    std::vector<std::string_view> string_keys;
    // For a number value other than NaN the answer is constant on every
    // open interval between consecutive `number_keys` (and beyond them).
    bool number_keyed = false;
    std::vector<double> number_keys;
    // A $regex leaf: its compiled pattern (for prefix tests), else null.
    const Regex* regex = nullptr;
    // For an array value whose elements are all strings: the answer is the
    // OR (kAny) or the AND (kAll) over its elements e of the answer for the
    // array [e], which depends only on which of `element_keys` e equals.
    enum class ArrayRule : uint8_t { kNone, kAny, kAll };
    ArrayRule array_rule = ArrayRule::kNone;
    std::vector<std::string_view> element_keys;
  };
  std::vector<Node> nodes;
  std::vector<uint32_t> kids;
  std::vector<Leaf> leaves;
  uint32_t root = 0;
};

// How Condition::Decode reads regexes. Compiled-config formats 1 and 2
// stored each one as its pattern (string) and ignore-case flag (1 byte)
// instead of its program (`regex_patterns`); such a regex is compiled with
// `compile_regex` (&Regex::Compile), or, without one (the runtime module,
// which does not link the compiler), makes Decode fail with
// FailedPrecondition once the rest of the program has been read.
struct ConditionDecodeOptions {
  bool regex_patterns = false;
  Result<Regex> (*compile_regex)(std::string_view pattern, bool ignore_case) = nullptr;
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

  // The attribute indexes this condition reads (deduplicated).
  const std::vector<int>& attrs() const;

  // Calls `fn(attribute, operand, pointer)` for every attribute test that
  // reads the top-level attribute set (tests inside $elemMatch, which read
  // array elements, are skipped). Used by config hygiene checks.
  void ForEachLeaf(const std::function<void(const std::string& attribute, const Json& operand,
                                            const std::string& pointer)>& fn) const;

  // The condition as a boolean program over its leaves (ConditionShape):
  // $and/$or/$nor/$not, an attribute's operator object (every operator a
  // leaf) and value-level $not are structure; every other test is a leaf.
  ConditionShape Shape() const;
  // Decide one leaf of Shape(), exactly as Evaluate would: MatchLeaf for a
  // leaf with an attribute index (against that attribute's value, null when missing),
  // HoldsLeaf for one without.
  bool MatchLeaf(uint32_t node, const Value& value) const;
  bool HoldsLeaf(uint32_t node, const AttributeSet& attributes) const;
  // For a stored SegmentProgram (SegmentProgram::Decode), which names
  // leaves by node: how many nodes there are (any node id below is safe to
  // pass to MatchLeaf and HoldsLeaf), and the regex of a $regex node (what
  // Shape() reports as a leaf's `regex`), else null.
  size_t node_count() const;
  const Regex* RegexOf(uint32_t node) const;

  // Canonical text of the source condition, for duplicate detection.
  const std::string& canonical() const;

  // The compiled program as bytes, for compiled configs
  // (leadseg/compiled_config.h), and back. Decode checks every index,
  // operand type and the nesting depth against `schema`, so corrupted or
  // hostile bytes are DataLoss, never an out-of-bounds read; it needs no
  // JSON parser and, for what Encode writes, no regex compiler either
  // (regexes are stored as compiled programs: Regex::Encode). Warnings
  // (compatible mode only) are not kept.
  void Encode(std::string* out) const;

  static Result<Condition> Decode(std::string_view* in, const AttributeSchema& schema,
                                  const ConditionDecodeOptions& options = ConditionDecodeOptions());

 private:
  friend class ConditionCompiler;
  struct Program;
  explicit Condition(std::unique_ptr<Program> program);
  std::unique_ptr<Program> program_;
};

}  // namespace leadseg
