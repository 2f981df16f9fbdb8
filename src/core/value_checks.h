// Checks of Values that arrive as frames (core/value_codec.h), worded as
// the checks of parsed JSON (core/json.h), so an input refused as a frame
// reads exactly as it did as JSON text.
#pragma once

#include <cstddef>
#include <string_view>

#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

// CheckJsonValue for a Value: strings and keys must be valid UTF-8, numbers
// finite, containers at most `max_depth` levels deep. Same messages, same
// JSON Pointer paths.
Status CheckValue(const Value& v, std::string_view what, int max_depth);
// Whether CheckValue passes, without building a Status for each value:
// for callers that check many values and word a message only for one
// that fails.
bool PassesCheckValue(const Value& v, int max_depth);

// The length of v.ToJson().dump(): size limits on attributes and
// declarations count JSON text bytes, and are checked without building it.
size_t JsonTextSize(const Value& v);
// The length of `s` dumped as a JSON string, quotes included.
size_t JsonStringSize(std::string_view s);
// The most JsonTextSize answers for a finite number: a sign, 17 digits, a
// point and an exponent ("-2.2250738585072014e-308"). It stands in for a
// number's exact size in identify's usual call, which does not count
// digits (Engine::Impl::ReplaceStoredFrame).
inline constexpr size_t kMaxNumberJsonBytes = 24;

}  // namespace leadseg
