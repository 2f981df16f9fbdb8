#include "core/duration.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace leadseg {

Result<TimeMs> ParseDuration(std::string_view text) {
  if (text == "all") return kForever;
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (n > 1000000000) return OutOfRange("duration \"" + std::string(text) + "\" is too long");
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  std::string_view unit = text.substr(i);
  if (i == 0 || n <= 0) {
    return InvalidArgument("duration \"" + std::string(text) +
                           "\" must be a positive whole number with a unit (ms, s, m, h, d, w), or \"all\"");
  }
  TimeMs scale;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = kSecond;
  else if (unit == "m") scale = kMinute;
  else if (unit == "h") scale = kHour;
  else if (unit == "d") scale = kDay;
  else if (unit == "w") scale = 7 * kDay;
  else {
    return InvalidArgument("duration \"" + std::string(text) + "\" has unknown unit \"" + std::string(unit) +
                           "\" (use ms, s, m, h, d or w)");
  }
  return n * scale;
}

Status CheckTimestamp(double ms, std::string_view what) {
  if (std::isnan(ms) || std::isinf(ms)) return InvalidArgument(std::string(what) + " is not a finite number");
  if (ms < static_cast<double>(kMinTime) || ms > static_cast<double>(kMaxTime)) {
    char shown[32];  // not via an integer cast: undefined beyond int64
    std::snprintf(shown, sizeof shown, std::fabs(ms) < 1e18 ? "%.0f" : "%g", ms);
    return OutOfRange(std::string(what) + " " + shown +
                      " is outside 1970..2200 in milliseconds (seconds passed as milliseconds?)");
  }
  if (ms < static_cast<double>(kEarliestTime)) {
    // 1970-01-01, 1971-01-01, 1972-01-01 and 1973-01-01 in milliseconds.
    const int year = 1970 + (ms >= 31536000000.0) + (ms >= 63072000000.0) + (ms >= 94694400000.0);
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.0f", ms);
    return OutOfRange(std::string(what) + " " + shown + " is in " + std::to_string(year) +
                      ", before 1973-03-03 (1e11 ms): seconds passed as milliseconds? (times are milliseconds "
                      "since the epoch)");
  }
  return Status::Ok();
}

}  // namespace leadseg
