// JSON text to and from Values, without nlohmann's parser or serializer.
//
// The full module reads JSON text with these (identify's, declare's and
// track's text forms, format 1 snapshots, lead objects); the runtime
// module (what a visitor's page loads) parses none, and links only the
// nesting check, the lone-surrogate error and NumberJsonText
// (bindings/engine.cc). nlohmann's parser and `dump()` (with the printf it
// calls for `\u00XX` escapes) cost a module tens of KB; these do the same
// job on Values:
//
//  - ParseJsonValue accepts exactly what ParseJson (core/json.h) accepts,
//    with the same limits and messages, and yields the Value that
//    `Document::Add(*ParseJson(text))` would;
//  - WriteJson writes the text `v.ToJson().dump()` would, byte for byte
//    (numbers included: integral doubles as integers, others as nlohmann's
//    shortest round-trip form), so snapshots keep their bytes.
// tests/native/value_json_test.cc checks both against nlohmann.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

// Parses `text` into `arena` (strings are copied: the Value does not refer
// to `text`). Documents nesting deeper than kMaxJsonDepth are refused
// before parsing. On failure the message names `what` and the byte offset,
// as ParseJson's does.
Result<Value> ParseJsonValue(std::string_view text, Document* arena, std::string_view what = "input");

// Appends `v` as JSON text (no whitespace, UTF-8 as is, non-finite numbers
// as null).
void WriteJson(const Value& v, std::string* out);
std::string ToJsonText(const Value& v);
// A number's text as WriteJson writes it ("42", "1.5", "1e+21"), without
// the writer for the other types: the runtime writes JSON text for no
// other value (engine_decisions.cc hashes a numeric "id" as this text).
std::string NumberJsonText(double d);

// The byte offset where brackets first nest deeper than `limit` (strings
// skipped, syntax not checked), or npos. ParseJson and ParseJsonValue both
// check this before parsing, so a too-deep document gets the same error
// whatever else is wrong with it.
size_t FindExcessiveNesting(std::string_view text, int limit);

// ParseJsonValue's first check: OutOfRange ("`what` nests deeper than 128
// levels (at byte N)") if `text` nests deeper than kMaxJsonDepth. The
// runtime module, which links no JSON parser, words that error with it
// (bindings/engine.cc).
Status CheckJsonNesting(std::string_view text, std::string_view what);

// The error ParseJsonValue words (after "is not valid JSON: ") for text
// whose one fault is a lone surrogate escaped in a string, which
// JavaScript's JSON.parse accepts: "unexpected '<the string token up to
// the byte the parser stopped at>' at byte N". The runtime module, which
// links no JSON parser, words that error with it (bindings/engine.cc);
// tests/native/value_json_test.cc checks it against ParseJsonValue.
std::string LoneSurrogateEscapeError(std::string_view text);

}  // namespace leadseg
