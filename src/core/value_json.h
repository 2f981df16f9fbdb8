// JSON text to and from Values, without nlohmann's parser or serializer.
//
// The runtime module (what a visitor's page loads) reads and writes JSON
// text only for snapshots, whose format 1 holds attributes, declarations
// and the experiment state as JSON text. nlohmann's parser and `dump()`
// (with the printf it calls for `\u00XX` escapes) cost that module tens of
// KB; these do the same job on Values:
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

}  // namespace leadseg
