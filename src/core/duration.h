// Durations in config: "90s", "30m", "12h", "2d", "1w", "500ms", or "all".
// Time everywhere in leadseg is an int64 count of milliseconds since the
// Unix epoch, passed in by the caller; nothing reads a clock.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace leadseg {

using TimeMs = int64_t;

inline constexpr TimeMs kSecond = 1000;
inline constexpr TimeMs kMinute = 60 * kSecond;
inline constexpr TimeMs kHour = 60 * kMinute;
inline constexpr TimeMs kDay = 24 * kHour;
// "all": a window that never ends.
inline constexpr TimeMs kForever = INT64_MAX;

// Timestamps outside [kMinTime, kMaxTime] (years 1970..2200) are rejected:
// they are almost always seconds passed as milliseconds or the reverse.
inline constexpr TimeMs kMinTime = 0;
inline constexpr TimeMs kMaxTime = 7258118400000;  // 2200-01-01

// Parses a duration. A positive integer followed by a unit; "all" gives
// kForever.
Result<TimeMs> ParseDuration(std::string_view text);

// Validates a timestamp and says what is wrong with it.
Status CheckTimestamp(double ms, std::string_view what);

}  // namespace leadseg
