// Text of untrusted bytes fit for an error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace leadseg {

// The first `limit` bytes of `token`, with bytes outside printable ASCII
// written as \xNN: the token may be invalid UTF-8 (that can be the error),
// and a message must stay valid text. Both JSON readers (core/json.cc,
// core/value_json.cc) word their tokens this way.
inline std::string Printable(std::string_view token, size_t limit) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < token.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace leadseg
