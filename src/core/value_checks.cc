#include "core/value_checks.h"

#include <array>
#include <cmath>
#include <string>

#include "core/json.h"
#include "core/utf8.h"

namespace leadseg {

namespace {

Status CheckValueAt(const Value& v, std::string_view what, int depth_left, int max_depth) {
  switch (v.type()) {
    case ValueType::kString:
      if (!IsValidUtf8(v.as_string())) {
        return InvalidArgument(std::string(what) + " holds a string that is not valid UTF-8");
      }
      return Status::Ok();
    case ValueType::kNumber:
      if (!std::isfinite(v.as_number())) {
        return InvalidArgument(std::string(what) + " holds a number that is not finite (NaN or Infinity)");
      }
      return Status::Ok();
    case ValueType::kArray:
    case ValueType::kObject:
      break;
    default:
      return Status::Ok();
  }
  if (depth_left == 0) {
    return OutOfRange(std::string(what) + " nests deeper than " + std::to_string(max_depth) + " levels");
  }
  if (v.is_array()) {
    for (uint32_t i = 0; i < v.size(); ++i) {
      Status s = CheckValueAt(v.at(i), what, depth_left - 1, max_depth);
      if (!s.ok()) return s.WithPathPrefix(PointerToken(i));
    }
    return Status::Ok();
  }
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (!IsValidUtf8(v.key_at(i))) return InvalidArgument(std::string(what) + " holds a key that is not valid UTF-8");
    Status s = CheckValueAt(v.value_at(i), what, depth_left - 1, max_depth);
    if (!s.ok()) return s.WithPathPrefix(PointerToken(std::string(v.key_at(i))));
  }
  return Status::Ok();
}

bool PassesAt(const Value& v, int depth_left) {
  switch (v.type()) {
    case ValueType::kString: return IsValidUtf8(v.as_string());
    case ValueType::kNumber: return std::isfinite(v.as_number());
    case ValueType::kArray:
    case ValueType::kObject: break;
    default: return true;
  }
  if (depth_left == 0) return false;
  if (v.is_array()) {
    for (uint32_t i = 0; i < v.size(); ++i) {
      if (!PassesAt(v.at(i), depth_left - 1)) return false;
    }
    return true;
  }
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (!IsValidUtf8(v.key_at(i)) || !PassesAt(v.value_at(i), depth_left - 1)) return false;
  }
  return true;
}

size_t DecimalDigits(uint64_t n) {
  size_t digits = 1;
  while (n >= 10) n /= 10, ++digits;
  return digits;
}

}  // namespace

Status CheckValue(const Value& v, std::string_view what, int max_depth) {
  return CheckValueAt(v, what, max_depth, max_depth);
}

bool PassesCheckValue(const Value& v, int max_depth) { return PassesAt(v, max_depth); }

size_t JsonStringSize(std::string_view s) {
  // nlohmann's dump without ensure_ascii: UTF-8 as is; quote, backslash
  // and the short control escapes take 2 bytes, other controls \u00XX.
  size_t n = 2;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') n += 2;
    else if (c < 0x20) n += 6;
    else n += 1;
  }
  return n;
}

size_t JsonTextSize(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull: return 4;
    case ValueType::kBool: return v.as_bool() ? 4 : 5;
    case ValueType::kNumber: {
      const double d = v.as_number();
      if (!std::isfinite(d)) return 4;  // dumped as null
      // Value::ToJson keeps integral values integral (see there).
      if (d == std::trunc(d) && d > -9.2e18 && d < 9.2e18) {
        const auto i = static_cast<int64_t>(d);
        return i < 0 ? 1 + DecimalDigits(static_cast<uint64_t>(-(i + 1)) + 1) : DecimalDigits(static_cast<uint64_t>(i));
      }
      if (d == std::trunc(d) && d > 0 && d < 1.8e19) return DecimalDigits(static_cast<uint64_t>(d));
      std::array<char, 64> buffer;
      return static_cast<size_t>(nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), d) -
                                 buffer.data());
    }
    case ValueType::kString: return JsonStringSize(v.as_string());
    case ValueType::kArray: {
      size_t n = 2 + (v.size() > 0 ? v.size() - 1 : 0);
      for (uint32_t i = 0; i < v.size(); ++i) n += JsonTextSize(v.at(i));
      return n;
    }
    case ValueType::kObject: {
      size_t n = 2 + (v.size() > 0 ? v.size() - 1 : 0);
      for (uint32_t i = 0; i < v.size(); ++i) n += JsonStringSize(v.key_at(i)) + 1 + JsonTextSize(v.value_at(i));
      return n;
    }
  }
  return 4;
}

}  // namespace leadseg
