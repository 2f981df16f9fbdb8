#include "core/json.h"

namespace leadseg {
namespace {

// Finds the nesting depth without building anything, skipping strings.
// Returns the byte offset where the limit was crossed, or npos.
size_t FindExcessiveNesting(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

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
    message = "unexpected '" + last_token.substr(0, 40) + "' at byte " + std::to_string(position);
    return false;
  }
};

}  // namespace

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
