#include "core/json.h"

#include <cmath>
#include <cstdint>

#include "core/printable.h"
#include "core/utf8.h"
#include "core/value_json.h"

namespace leadseg {
namespace {

// A SAX consumer that accepts everything and keeps the first syntax error.
struct ErrorLocator {
  std::string message = "unexpected end of input";
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(Json::number_integer_t) { return true; }
  bool number_unsigned(Json::number_unsigned_t) { return true; }
  bool number_float(Json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(Json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception&) {
    message = "unexpected '" + Printable(last_token, 40) + "' at byte " + std::to_string(position);
    return false;
  }
};

Status CheckJsonAt(const Json& j, std::string_view what, int depth_left, int max_depth) {
  switch (j.type()) {
    case Json::value_t::string:
      if (!IsValidUtf8(j.get_ref<const std::string&>())) {
        return InvalidArgument(std::string(what) + " holds a string that is not valid UTF-8");
      }
      return Status::Ok();
    case Json::value_t::number_float:
      if (!std::isfinite(j.get<double>())) {
        return InvalidArgument(std::string(what) + " holds a number that is not finite (NaN or Infinity)");
      }
      return Status::Ok();
    case Json::value_t::array:
    case Json::value_t::object:
      break;
    default:
      return Status::Ok();
  }
  if (depth_left == 0) {
    return OutOfRange(std::string(what) + " nests deeper than " + std::to_string(max_depth) + " levels");
  }
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      Status s = CheckJsonAt(j[i], what, depth_left - 1, max_depth);
      if (!s.ok()) return s.WithPathPrefix(PointerToken(i));
    }
    return Status::Ok();
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!IsValidUtf8(it.key())) {
      return InvalidArgument(std::string(what) + " holds a key that is not valid UTF-8");
    }
    Status s = CheckJsonAt(*it, what, depth_left - 1, max_depth);
    if (!s.ok()) return s.WithPathPrefix(PointerToken(it.key()));
  }
  return Status::Ok();
}

}  // namespace

Status CheckJsonValue(const Json& j, std::string_view what, int max_depth) {
  return CheckJsonAt(j, what, max_depth, max_depth);
}

Result<Json> ParseJson(std::string_view text, std::string_view what) {
  size_t deep = FindExcessiveNesting(text, kMaxJsonDepth);
  if (deep != std::string_view::npos) {
    return OutOfRange(std::string(what) + " nests deeper than " + std::to_string(kMaxJsonDepth) +
                      " levels (at byte " + std::to_string(deep) + ")");
  }
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Second pass only on the error path, to recover where and why.
    ErrorLocator locator;
    Json::sax_parse(text.begin(), text.end(), &locator, nlohmann::detail::input_format_t::json,
                    /*strict=*/true);
    return InvalidArgument(std::string(what) + " is not valid JSON: " + locator.message);
  }
  return parsed;
}

std::string ChildPath(const std::string& parent, const std::string& key) {
  return parent + PointerToken(key);
}

std::string ChildPath(const std::string& parent, size_t index) {
  return parent + PointerToken(index);
}

const char* JsonTypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "number";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    default: return "unknown";
  }
}

}  // namespace leadseg
