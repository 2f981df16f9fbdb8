#include "core/js.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/number_text.h"

namespace leadseg {
namespace js {
namespace {

bool IsJsWhitespace(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
    *len = 1;
    return true;
  }
  // U+00A0, U+FEFF, U+2028/2029 and the U+2000 block, U+1680, U+202F,
  // U+205F, U+3000 in UTF-8.
  auto starts = [&](const char* seq) {
    size_t n = std::strlen(seq);
    return s.size() - i >= n && std::memcmp(s.data() + i, seq, n) == 0;
  };
  static const char* const kSpaces[] = {
      "\xC2\xA0", "\xEF\xBB\xBF", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE1\x9A\x80", "\xE2\x80\xAF",
      "\xE2\x81\x9F", "\xE3\x80\x80"};
  for (const char* seq : kSpaces) {
    if (starts(seq)) {
      *len = std::strlen(seq);
      return true;
    }
  }
  if (s.size() - i >= 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) >= 0x80 && static_cast<unsigned char>(s[i + 2]) <= 0x8A) {
    *len = 3;  // U+2000..U+200A
    return true;
  }
  return false;
}

std::string_view TrimJs(std::string_view s) {
  size_t len = 0;
  while (!s.empty() && IsJsWhitespace(s, 0, &len)) s.remove_prefix(len);
  // Trailing: scan forward and remember the end of the last non-space.
  size_t end = 0, i = 0;
  while (i < s.size()) {
    if (IsJsWhitespace(s, i, &len)) {
      i += len;
    } else {
      ++i;
      end = i;
    }
  }
  return s.substr(0, end);
}

bool AllDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
  }
  return true;
}

double ParseRadix(std::string_view digits, int base) {
  double r = 0;
  for (char c : digits) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    r = r * base + d;
  }
  return r;
}

// StrDecimalLiteral: [+-] (Infinity | digits[.digits] | .digits) [e[+-]digits]
bool IsDecimalLiteral(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (s.substr(i) == "Infinity") return true;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// Decodes one UTF-8 code point at s[i]; invalid bytes decode as themselves.
uint32_t DecodeAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> uint32_t {
    return i + k < s.size() ? (static_cast<unsigned char>(s[i + k]) & 0x3F) : 0;
  };
  if (c < 0x80) return c;
  if (c >= 0xF0) return ((c & 0x07u) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
  if (c >= 0xE0) return ((c & 0x0Fu) << 12) | (cont(1) << 6) | cont(2);
  if (c >= 0xC0) return ((c & 0x1Fu) << 6) | cont(1);
  return c;
}

uint32_t FirstUtf16Unit(uint32_t cp) {
  return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
}

bool IsContainer(const Value& v) { return v.is_array() || v.is_object(); }

// ToPrimitive for the comparison operators: containers become strings.
// Scalars are returned unchanged; `scratch` holds the string if one is made.
Value ToPrimitive(const Value& v, std::string* scratch) {
  if (!IsContainer(v)) return v;
  scratch->clear();
  AppendString(v, scratch);
  return Value::String(*scratch);
}

}  // namespace

bool Truthy(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull: return false;
    case ValueType::kBool: return v.as_bool();
    case ValueType::kNumber: return v.as_number() != 0 && !std::isnan(v.as_number());
    case ValueType::kString: return v.size() != 0;
    default: return true;
  }
}

double StringToNumber(std::string_view raw) {
  std::string_view s = TrimJs(raw);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    int base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (base != 0) {
      return AllDigits(s.substr(2), base) ? ParseRadix(s.substr(2), base)
                                          : std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (!IsDecimalLiteral(s)) return std::numeric_limits<double>::quiet_NaN();
  size_t sign = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (s.substr(sign) == "Infinity") {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  return ParseDecimal(s);
}

double ToNumber(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull: return 0;
    case ValueType::kBool: return v.as_bool() ? 1 : 0;
    case ValueType::kNumber: return v.as_number();
    case ValueType::kString: return StringToNumber(v.as_string());
    case ValueType::kArray: {
      if (v.size() == 0) return 0;
      std::string s;
      AppendString(v, &s);
      return StringToNumber(s);
    }
    case ValueType::kObject: return std::numeric_limits<double>::quiet_NaN();
  }
  return std::numeric_limits<double>::quiet_NaN();
}

namespace {

char* WriteUnsigned(uint64_t x, char* out) {
  char reversed[20];
  int n = 0;
  do reversed[n++] = static_cast<char>('0' + x % 10), x /= 10;
  while (x != 0);
  while (n > 0) *out++ = reversed[--n];
  return out;
}

char* WriteText(const char* text, char* out) {
  while (*text) *out++ = *text++;
  return out;
}

}  // namespace

int FormatNumber(double d, char* buf) {
  char* out = buf;
  if (std::isnan(d)) {
    out = WriteText("NaN", out);
  } else if (std::isinf(d)) {
    out = WriteText(d < 0 ? "-Infinity" : "Infinity", out);
  } else if (d == 0) {
    *out++ = '0';  // -0 too
  } else if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) {
    // Integers below 2^53 print directly; this is the common case.
    if (d < 0) *out++ = '-';
    out = WriteUnsigned(static_cast<uint64_t>(std::fabs(d)), out);
  } else {
    // Shortest digit string that round-trips (the spec's "k as small as
    // possible"), then laid out per Number::toString.
    if (d < 0) *out++ = '-';
    char digits[20];
    int n;  // position of the decimal point relative to digits
    const int k = ShortestDigits(std::fabs(d), digits, &n);
    if (k <= n && n <= 21) {
      for (int i = 0; i < k; ++i) *out++ = digits[i];
      for (int i = k; i < n; ++i) *out++ = '0';
    } else if (0 < n && n <= 21) {
      for (int i = 0; i < n; ++i) *out++ = digits[i];
      *out++ = '.';
      for (int i = n; i < k; ++i) *out++ = digits[i];
    } else if (-6 < n && n <= 0) {
      *out++ = '0';
      *out++ = '.';
      for (int i = 0; i < -n; ++i) *out++ = '0';
      for (int i = 0; i < k; ++i) *out++ = digits[i];
    } else {
      *out++ = digits[0];
      if (k > 1) {
        *out++ = '.';
        for (int i = 1; i < k; ++i) *out++ = digits[i];
      }
      *out++ = 'e';
      *out++ = n - 1 >= 0 ? '+' : '-';
      out = WriteUnsigned(static_cast<uint64_t>(n - 1 >= 0 ? n - 1 : 1 - n), out);
    }
  }
  *out = '\0';
  return static_cast<int>(out - buf);
}

std::string NumberToString(double d) {
  char buf[kNumberBufferSize];
  int n = FormatNumber(d, buf);
  return std::string(buf, static_cast<size_t>(n));
}

void AppendString(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull: out->append("null"); return;
    case ValueType::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case ValueType::kNumber: {
      char buf[kNumberBufferSize];
      out->append(buf, static_cast<size_t>(FormatNumber(v.as_number(), buf)));
      return;
    }
    case ValueType::kString: out->append(v.as_string()); return;
    case ValueType::kArray:
      // Array.prototype.join: null and undefined elements become "".
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (i) out->push_back(',');
        if (!v.at(i).is_null()) AppendString(v.at(i), out);
      }
      return;
    case ValueType::kObject: out->append("[object Object]"); return;
  }
}

std::string ToString(const Value& v) {
  std::string s;
  AppendString(v, &s);
  return s;
}

bool StringEquals(const Value& v, std::string_view s) {
  switch (v.type()) {
    case ValueType::kString: return v.as_string() == s;
    case ValueType::kNull: return s == "null";
    case ValueType::kBool: return s == (v.as_bool() ? "true" : "false");
    case ValueType::kNumber: {
      char buf[kNumberBufferSize];
      int n = FormatNumber(v.as_number(), buf);
      return std::string_view(buf, static_cast<size_t>(n)) == s;
    }
    default: return ToString(v) == s;
  }
}

bool StrictEquals(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kNull: return true;
    case ValueType::kBool: return a.as_bool() == b.as_bool();
    case ValueType::kNumber: return a.as_number() == b.as_number();
    case ValueType::kString: return a.as_string() == b.as_string();
    default: return false;
  }
}

bool SameValueZero(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number() && std::isnan(a.as_number()) && std::isnan(b.as_number())) {
    return true;
  }
  return StrictEquals(a, b);
}

bool LooseEquals(const Value& a, const Value& b) {
  if (a.type() == b.type()) return StrictEquals(a, b);
  if (a.is_null() || b.is_null()) return false;  // null == undefined only
  if (a.is_bool()) return LooseEquals(Value::Number(a.as_bool() ? 1 : 0), b);
  if (b.is_bool()) return LooseEquals(a, Value::Number(b.as_bool() ? 1 : 0));
  if (a.is_number() && b.is_string()) return a.as_number() == StringToNumber(b.as_string());
  if (a.is_string() && b.is_number()) return StringToNumber(a.as_string()) == b.as_number();
  std::string scratch;
  if (IsContainer(a) && !IsContainer(b)) return LooseEquals(ToPrimitive(a, &scratch), b);
  if (IsContainer(b) && !IsContainer(a)) return LooseEquals(a, ToPrimitive(b, &scratch));
  return false;  // two different containers are two different references
}

bool StringifyEquals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    // JSON.stringify prints non-finite numbers as null.
    double x = a.as_number(), y = b.as_number();
    bool fx = std::isfinite(x), fy = std::isfinite(y);
    if (!fx || !fy) return !fx && !fy;
    return x == y;
  }
  auto is_null_like = [](const Value& v) {
    return v.is_null() || (v.is_number() && !std::isfinite(v.as_number()));
  };
  if (is_null_like(a) || is_null_like(b)) return is_null_like(a) && is_null_like(b);
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case ValueType::kBool: return a.as_bool() == b.as_bool();
    case ValueType::kString: return a.as_string() == b.as_string();
    case ValueType::kArray:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (!StringifyEquals(a.at(i), b.at(i))) return false;
      }
      return true;
    case ValueType::kObject:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (a.key_at(i) != b.key_at(i) || !StringifyEquals(a.value_at(i), b.value_at(i))) return false;
      }
      return true;
    default: return false;
  }
}

int CompareUtf16(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  // Back up to the start of the code point that differs.
  while (i > 0 && (static_cast<unsigned char>(a[i]) & 0xC0) == 0x80) --i;
  uint32_t ca = DecodeAt(a, i), cb = DecodeAt(b, i);
  uint32_t ua = FirstUtf16Unit(ca), ub = FirstUtf16Unit(cb);
  if (ua != ub) return ua < ub ? -1 : 1;
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

bool Compare(const Value& a_in, const Value& b_in, Relation rel) {
  std::string sa, sb;
  Value a = ToPrimitive(a_in, &sa);
  Value b = ToPrimitive(b_in, &sb);
  int c;
  if (a.is_string() && b.is_string()) {
    c = CompareUtf16(a.as_string(), b.as_string());
  } else {
    double x = ToNumber(a), y = ToNumber(b);
    if (std::isnan(x) || std::isnan(y)) return false;
    c = x < y ? -1 : (x > y ? 1 : 0);
  }
  switch (rel) {
    case Relation::kLess: return c < 0;
    case Relation::kLessEqual: return c <= 0;
    case Relation::kGreater: return c > 0;
    case Relation::kGreaterEqual: return c >= 0;
  }
  return false;
}

}  // namespace js
}  // namespace leadseg
