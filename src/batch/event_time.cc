#include "batch/event_time.h"

#include <cmath>

#include "core/json.h"
#include "core/js.h"

namespace leadseg {
namespace batch {

namespace {

constexpr TimeMs kSecondsLimit = 100000000000;  // 1e11 ms: 1973-03-03T09:46:40Z
const char* const kTimeForms =
    "milliseconds since the epoch, or ISO 8601 text such as \"2026-01-05T10:30:00Z\"";

bool Digits(std::string_view s, size_t from, size_t n, int* out) {
  if (from + n > s.size()) return false;
  int v = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

int UtcYear(TimeMs ms) {
  int64_t days = ms / 86400000;
  // Civil from days (inverse of DaysFromCivil), year only.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (m <= 2));
}

}  // namespace

// ^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$
bool ParseIsoTime(std::string_view s, TimeMs* ms) {
  int year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day)) {
    return false;
  }
  size_t i = 10;
  int64_t zone_minutes = 0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
    if (!Digits(s, i + 1, 2, &hour) || i + 3 >= s.size() || s[i + 3] != ':' || !Digits(s, i + 4, 2, &minute)) {
      return false;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!Digits(s, i + 1, 2, &second)) return false;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
        int scale = 100;
        for (size_t k = start; k < start + 3 && k < i; ++k, scale /= 10) millis += (s[k] - '0') * scale;
      }
    }
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        int zh = 0, zm = 0;
        if (!Digits(s, i + 1, 2, &zh)) return false;
        i += 3;
        if (i < s.size()) {
          if (s[i] == ':') ++i;
          if (!Digits(s, i, 2, &zm)) return false;
          i += 2;
        }
        if (zh > 23 || zm > 59) return false;
        zone_minutes = sign * (zh * 60 + zm);
      } else {
        return false;
      }
    }
    if (i != s.size()) return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  int64_t t = DaysFromCivil(year, month, day) * 86400000 + hour * 3600000LL + minute * 60000LL + second * 1000LL + millis;
  *ms = t - zone_minutes * 60000;
  return true;
}

std::string DescribeText(std::string_view text) {
  // JSON.stringify of at most 40 UTF-16 units, then "…".
  size_t units = 0, end = 0;
  bool cut = false;
  while (end < text.size()) {
    unsigned char b = static_cast<unsigned char>(text[end]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    size_t u = len == 4 ? 2 : 1;
    if (units + u > 40) {
      cut = true;
      break;
    }
    units += u;
    end += len;
  }
  std::string shown(text.substr(0, end));
  if (cut) shown += "\xE2\x80\xA6";
  return "a string (" + Json(shown).dump() + ")";
}

bool ParseEventTime(std::string_view text, TimeMs* out, std::string* problem) {
  bool numeric = !text.empty() && text.size() <= 16;
  for (char c : text) numeric = numeric && c >= '0' && c <= '9';
  TimeMs ms = 0;
  if (numeric) {
    for (char c : text) ms = ms * 10 + (c - '0');
  } else if (!ParseIsoTime(text, &ms)) {
    *problem = DescribeText(text) + " is not a time (" + kTimeForms + ")";
    return false;
  }
  if (ms < 0 || ms > kLatestEventTime) {
    *problem = (numeric ? js::NumberToString(static_cast<double>(ms)) : DescribeText(text)) + " is outside 1970..2200";
    return false;
  }
  if (numeric && ms < kSecondsLimit) {
    *problem = js::NumberToString(static_cast<double>(ms)) + " is in " + std::to_string(UtcYear(ms)) +
               ": seconds passed as milliseconds? (times are milliseconds since the epoch)";
    return false;
  }
  if (ms < kSecondsLimit) {
    *problem = DescribeText(text) + " is before 1973-03-03, the earliest time leadseg accepts";
    return false;
  }
  *out = ms;
  return true;
}

}  // namespace batch
}  // namespace leadseg
