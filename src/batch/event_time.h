// Event times in an activity table, read as web/src/lead-events.js reads
// them (eventTime): whole milliseconds (1 to 16 digits) or ISO 8601 text
// (a date, or a date-time; no offset means UTC), from 1973-03-03 (the
// core's earliest time) to 2200. A number of milliseconds before 1973 is
// refused as seconds passed as milliseconds.
#pragma once

#include <string>
#include <string_view>

#include "core/duration.h"

namespace leadseg {
namespace batch {

// 2200-01-01, the core's latest time (lead-events.js MAX_TIME).
inline constexpr TimeMs kLatestEventTime = 7258118400000;

// ISO 8601 text -> ms since the epoch; false when it is not ISO 8601 (or
// names a day or time that does not exist).
bool ParseIsoTime(std::string_view text, TimeMs* ms);

// The time `text` names, or false with `*problem` saying what is wrong
// (lead-events.js's wording).
bool ParseEventTime(std::string_view text, TimeMs* ms, std::string* problem);

// How lead-events.js describes a text value in messages: a string ("...").
std::string DescribeText(std::string_view text);

}  // namespace batch
}  // namespace leadseg
