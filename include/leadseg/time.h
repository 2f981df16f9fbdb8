// Time in leadseg's API: an int64 count of milliseconds since the Unix
// epoch, passed in by the caller to every call that needs it; nothing in
// leadseg reads a clock. core/duration.h holds durations ("30m", "all")
// and the range of times a call accepts (CheckTimestamp).
#pragma once

#include <cstdint>

namespace leadseg {

using TimeMs = int64_t;

}  // namespace leadseg
