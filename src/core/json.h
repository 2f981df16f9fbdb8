// JSON at the edges. Configs, snapshots and conformance files are parsed
// here, once; nothing on an evaluation path parses JSON.
//
// leadseg uses nlohmann's ordered_json everywhere (as Json, named in
// leadseg/json_fwd.h for the public headers): object key order is part
// of the semantics (GrowthBook processes condition keys in order and compares
// objects through JSON.stringify, which keeps insertion order).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "leadseg/json_fwd.h"
#include "leadseg/status.h"

namespace leadseg {

// Deeper documents are rejected before parsing: nothing leadseg reads needs
// more, and it keeps every recursive walk of a parsed tree stack-safe.
inline constexpr int kMaxJsonDepth = 128;

// Parses `text`. On failure the message names the byte offset and, for
// nesting, the limit. `what` names the input in messages ("config").
Result<Json> ParseJson(std::string_view text, std::string_view what = "input");

// Checks a document built in C++ rather than parsed from text (ParseJson
// already guarantees all of this): every key and string is valid UTF-8,
// every number finite, and nesting is at most `max_depth` levels (a scalar
// is 0, `[]` is 1). Snapshots and exports write such values back as JSON
// text, so anything that could not be written must be refused on the way in.
// The error's path points at the offender, relative to `j`.
Status CheckJsonValue(const Json& j, std::string_view what, int max_depth = kMaxJsonDepth);

// JSON Pointer (RFC 6901) to a child, for error paths.
std::string ChildPath(const std::string& parent, const std::string& key);
std::string ChildPath(const std::string& parent, size_t index);

// "string", "number", ... as JSON Schema names them, for error messages.
const char* JsonTypeName(const Json& j);

}  // namespace leadseg
