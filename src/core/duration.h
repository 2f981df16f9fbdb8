// Durations in config: "90s", "30m", "12h", "2d", "1w", "500ms", or "all".
// Time everywhere in leadseg is a TimeMs (leadseg/time.h): milliseconds
// since the Unix epoch, passed in by the caller; nothing reads a clock.
#pragma once

#include <cstdint>
#include <string_view>

#include "leadseg/status.h"
#include "leadseg/time.h"

namespace leadseg {

inline constexpr TimeMs kSecond = 1000;
inline constexpr TimeMs kMinute = 60 * kSecond;
inline constexpr TimeMs kHour = 60 * kMinute;
inline constexpr TimeMs kDay = 24 * kHour;
// "all": a window that never ends.
inline constexpr TimeMs kForever = INT64_MAX;

// The range of times stored in snapshots (years 1970..2200). Snapshots
// written before kEarliestTime was enforced may hold times before it.
inline constexpr TimeMs kMinTime = 0;
inline constexpr TimeMs kMaxTime = 7258118400000;  // 2200-01-01
// Whether a time read back from a snapshot is one the engine could have
// written: 0 (never) or a checked timestamp. Anything else makes `now - t`
// overflow.
inline bool IsStoredTime(TimeMs t) { return t >= kMinTime && t <= kMaxTime; }
// The earliest time a call accepts, 1973-03-03T09:46:40Z (1e11 ms). A
// current time in seconds (1.8e9) is far below it, so every time below is
// refused as seconds passed as milliseconds. The one time rule: every entry
// point (engine, bindings, JS package) applies it through CheckTimestamp.
inline constexpr TimeMs kEarliestTime = 100000000000;

// Parses a duration. A positive integer followed by a unit; "all" gives
// kForever.
Result<TimeMs> ParseDuration(std::string_view text);

// Validates the time of a call: finite, from kEarliestTime to kMaxTime;
// says what is wrong with it (OutOfRange).
Status CheckTimestamp(double ms, std::string_view what);

}  // namespace leadseg
