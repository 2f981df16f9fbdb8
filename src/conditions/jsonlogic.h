// JsonLogic (jsonlogic.com), compiled once and evaluated many times.
//
// The dialect is the one of the reference implementation json-logic-js
// (2.0.x) and of the shared suite /work/shared/conformance/jsonlogic-tests.json.
// Compile() turns a rule into a tree of operator nodes, checking operator
// names and argument counts up front, so that evaluation never parses JSON,
// never fails and never throws.
//
// Rule shape
//   A rule is any JSON value. An object with exactly one key is an operator
//   call: {"op": args}. `args` is an array of argument rules, or a single
//   argument rule that is not an array ({"var": "x"} == {"var": ["x"]}).
//   An array evaluates element-wise to a new array ([1, {"var": "x"}] ->
//   [1, 2]). Scalars and {} evaluate to themselves. An object with two or
//   more keys is data and passes through unevaluated, as in json-logic-js.
//
// Operators
//   Data:        var, missing, missing_some
//   Logic:       if, ?:, and, or, !, !!
//   Comparison:  ==, ===, !=, !==, >, >=, <, <= (< and <= also take three
//                arguments: {"<": [a, b, c]} is a < b && b < c)
//   Arithmetic:  +, -, *, /, %, max, min
//   Strings:     cat, substr, in
//   Arrays:      merge, in, map, filter, reduce, all, none, some
//   Misc:        log (returns its argument; prints nothing)
//
// Truthiness (if, and, or, !, !!, filter, all, none, some, Test()) is
// JsonLogic's: JavaScript ToBoolean except that [] is falsy. So false, null,
// 0, NaN, "" and [] are falsy; "0", {} and [0] are truthy.
//
// Coercions follow JavaScript, via core/js.h:
//   ==, !=           loose equality (1 == "1", null == null only).
//   ===, !==         strict equality; arrays and objects are never equal
//                    (see the identity caveat at the end).
//   > >= < <=        JS relational comparison: strings compare by UTF-16
//                    code unit when both sides are strings, else by ToNumber.
//   + and *          parseFloat of each operand: {"+": "3.5kg"} is 3.5,
//                    {"+": ""} and {"+": null} are NaN. {"+": []} is 0.
//   - / %            ToNumber: {"-": ["5", ""]} is 5; unary {"-": x} is -x.
//   max, min         Math.max / Math.min: ToNumber, NaN if any operand is NaN,
//                    and -Infinity / +Infinity for no operands.
//   cat              Array.prototype.join(""): numbers as Number::toString
//                    ("0.30000000000000004"), null as "", arrays joined
//                    with ",", objects as "[object Object]".
//   in               {"in": [a, "str"]}: substring test on String(a);
//                    {"in": [a, [..]]}: membership by ===; otherwise false.
//   substr           JS String.prototype.substr on UTF-16 code units, with
//                    json-logic-js's extension that a negative length drops
//                    that many units from the end. A cut through a surrogate
//                    pair yields U+FFFD for the half that cannot be encoded.
//   merge            flattens one level; non-array operands are appended.
//   var              "a.b.0" descends through object keys and array indices
//                    (canonical decimal only: "01" is not an index); strings
//                    index UTF-16 code units ({"var": "s.1"} on {"s": "abc"}
//                    is "b"), and arrays and strings have "length". Other JS properties
//                    (prototype members) are absent. A number key is its JS
//                    string (1 -> "1", 1.5 -> "1.5" -> keys "1", "5"). "",
//                    null and no argument mean the whole data. The optional
//                    second argument is the default, returned when a step is
//                    absent or descends from null; a present null is null.
//   missing          the keys (as given) whose var is null or ""; a single
//                    array argument is the key list itself. A key that is
//                    an array is [path, default], as var's arguments.
//   missing_some     [need, keys]: [] when keys.length - missing >= need,
//                    else the missing keys. As in json-logic-js, a non-array
//                    `keys` is checked as one key, and its length is that of
//                    JS: a string's UTF-16 length, else NaN (never enough).
//   map, filter, all, none, some  evaluate their second argument with each
//                    element of the first as data; a non-array first
//                    argument is an empty list ([] / false / true / false).
//                    all of [] is false.
//   reduce           [list, rule, initial]: the rule sees
//                    {"current": element, "accumulator": acc}; initial is
//                    evaluated against the outer data and defaults to null.
//   if, ?:           [c1, v1, c2, v2, ..., else]; no else gives null.
//   and, or          short-circuit and return the deciding operand.
//
// Rejected at compile time (InvalidArgument, `path` is the JSON Pointer of the
// offending node or operator key, e.g. "/and/1/frobnicate"):
//   - unknown operators, including json-logic-js's "method" and dotted
//     method calls ("a.b") and anything registered with add_operation;
//   - argument counts outside the operator's signature: exactly 1 for !, !!,
//     log; exactly 2 for == === != !== > >= / % in missing_some map filter
//     all none some; 2-3 for < <= substr reduce; 1-2 for -; at most 2 for
//     var; at least 1 for and, or, *;
//   - an object with several keys of which one names an operator
//     ({"var": "a", "default": 1}): a malformed rule rather than data.
// Rules nesting deeper than kMaxJsonDepth give OutOfRange.
//
// Deliberate differences from json-logic-js outside what the suite encodes:
//   - {"*": x} with one operand returns parseFloat(x), not x unchanged.
//   - Arrays and objects never compare equal (==, ===, in), even when both
//     operands are the same data node ({"==": [{"var": "a"}, {"var": "a"}]}
//     is true in JS, where they are one reference): Values carry no
//     identity (see js::StrictEquals).
//   - Strings are UTF-8, so a lone surrogate produced by substr or string
//     indexing is U+FFFD rather than JS's unpaired code unit.
//   - Calls json-logic-js would throw on (unknown op, `*` with no operand)
//     or answer with `undefined` (wrong arity) are compile errors instead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

class JsonLogic {
 public:
  // Compiles a rule. Unknown operators, wrong arity where JsonLogic defines
  // one, multi-key operator objects -> InvalidArgument with the JSON Pointer
  // path (e.g. "/and/1/frobnicate"). Never throws.
  static Result<JsonLogic> Compile(const Json& rule);

  // Movable (defined in the .cc, where Node is complete); not copyable,
  // because the constants' Document is not.
  JsonLogic(JsonLogic&&);
  JsonLogic& operator=(JsonLogic&&);
  ~JsonLogic();
  JsonLogic(const JsonLogic&) = delete;
  JsonLogic& operator=(const JsonLogic&) = delete;

  // Evaluates against `data`. Results (and intermediates) are allocated in
  // `arena`, which the caller may Clear() between evaluations to reuse memory.
  // The returned Value may also point into `data` and into this JsonLogic's
  // constants, so it stays valid while all three live and `arena` is not
  // cleared. Const and reentrant: one compiled rule may serve many threads,
  // each with its own arena.
  Value Apply(const Value& data, Document* arena) const;

  // Convenience for a boolean decision (JsonLogic truthiness of the result).
  bool Test(const Value& data, Document* arena) const;

  // JsonLogic truthiness: JS ToBoolean, except that [] is falsy.
  static bool Truthy(const Value& v);

 private:
  enum class Op : uint8_t;
  struct Node;
  struct Compiler;
  struct Evaluator;

  JsonLogic();

  // nodes_[root_] is the rule. Children of a node are node ids stored
  // contiguously in child_ids_[first, first + count).
  std::vector<Node> nodes_;
  std::vector<uint32_t> child_ids_;
  uint32_t root_ = 0;
  // Owns the bytes and trees of every constant in nodes_. Its chunks are
  // heap blocks, so moving the JsonLogic (and this Document) keeps the
  // constants' pointers valid.
  Document constants_;
};

}  // namespace leadseg
