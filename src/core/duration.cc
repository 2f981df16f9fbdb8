#include "core/duration.h"

#include <cmath>
#include <string>

#include "core/number_text.h"

namespace leadseg {
namespace {

// A time as printf's "%.0f" wrote it below 1e18 (rounded half to even,
// "-0" for small negatives) and as "%g" above (6 significant digits,
// "1.23457e+20"): the text these messages have always had, without printf.
// Not via an integer cast: undefined beyond int64.
std::string ShownTime(double ms) {
  const double rounded = std::nearbyint(ms);  // ties to even
  std::string shown = std::signbit(rounded) ? "-" : "";
  char digits[310];
  const int n = IntegerDigits(std::fabs(rounded), digits);
  if (std::fabs(ms) < 1e18) return shown.append(digits, static_cast<size_t>(n));
  // |ms| >= 1e18 is an integer with n >= 19 digits: round to 6, ties to even.
  int kept[6];
  for (int i = 0; i < 6; ++i) kept[i] = digits[i] - '0';
  const int next = digits[6] - '0';
  bool rest_nonzero = false;
  for (int i = 7; i < n; ++i) rest_nonzero |= digits[i] != '0';
  int exponent = n - 1;
  if (next > 5 || (next == 5 && (rest_nonzero || (kept[5] & 1) != 0))) {
    int i = 5;
    while (i >= 0 && kept[i] == 9) kept[i--] = 0;
    if (i >= 0) {
      ++kept[i];
    } else {  // 999999.5… -> 1.00000e+(n)
      kept[0] = 1;
      ++exponent;
    }
  }
  int last = 5;
  while (last > 0 && kept[last] == 0) --last;  // %g drops trailing zeros
  shown.push_back(static_cast<char>('0' + kept[0]));
  if (last > 0) shown.push_back('.');
  for (int i = 1; i <= last; ++i) shown.push_back(static_cast<char>('0' + kept[i]));
  return shown.append("e+").append(std::to_string(exponent));
}

}  // namespace

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
    return OutOfRange(std::string(what) + " " + ShownTime(ms) +
                      " is outside 1970..2200 in milliseconds (seconds passed as milliseconds?)");
  }
  if (ms < static_cast<double>(kEarliestTime)) {
    // 1970-01-01, 1971-01-01, 1972-01-01 and 1973-01-01 in milliseconds.
    const int year = 1970 + (ms >= 31536000000.0) + (ms >= 63072000000.0) + (ms >= 94694400000.0);
    return OutOfRange(std::string(what) + " " + ShownTime(ms) + " is in " + std::to_string(year) +
                      ", before 1973-03-03 (1e11 ms): seconds passed as milliseconds? (times are milliseconds "
                      "since the epoch)");
  }
  return Status::Ok();
}

}  // namespace leadseg
