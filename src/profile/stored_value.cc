#include "profile/stored_value.h"

#include <cstring>

#include "core/json.h"
#include "core/value_checks.h"
#include "core/value_codec.h"

namespace leadseg {

StoredValue StoredValue::Of(const Value& v) {
  StoredValue out;
  out.Assign(v);
  return out;
}

void StoredValue::Assign(const Value& v) {
  frame.clear();
  EncodeValue(v, &frame);
  json_bytes = JsonTextSize(v);
}

namespace {

// Copies n bytes from `from` to `to` (not overlapping). Frames of up to
// 32 bytes (a boolean, a number, most strings) as fixed-size words that
// may overlap: those are plain loads and stores in wasm, where a copy of a
// variable size is a memory.copy, which V8 runs as a call into C++.
template <size_t kWord>
void CopyWords(char* to, const char* from, size_t n) {  // kWord <= n <= 2 * kWord
  char head[kWord], tail[kWord];
  std::memcpy(head, from, kWord);
  std::memcpy(tail, from + n - kWord, kWord);
  std::memcpy(to, head, kWord);
  std::memcpy(to + n - kWord, tail, kWord);
}

void CopyFrame(char* to, const char* from, size_t n) {
  if (n > 16) {
    if (n > 32) std::memcpy(to, from, n);
    else CopyWords<16>(to, from, n);
  } else if (n >= 8) {
    CopyWords<8>(to, from, n);
  } else if (n >= 4) {
    CopyWords<4>(to, from, n);
  } else if (n > 0) {
    // 1 to 3 bytes: the first, the middle and the last.
    const char a = from[0], b = from[n / 2], c = from[n - 1];
    to[0] = a;
    to[n / 2] = b;
    to[n - 1] = c;
  }
}

}  // namespace

void StoredValue::AssignFrame(std::string_view bytes, size_t json) {
  // A value as long as the one it replaces (every number, many strings)
  // overwrites it in place: at -Oz, assign() is a chain of out-of-line
  // calls (capacity, pointer, size, terminator) per attribute identified.
  if (bytes.size() == frame.size()) CopyFrame(&frame[0], bytes.data(), bytes.size());
  else frame.assign(bytes.data(), bytes.size());
  json_bytes = json;
}

Result<Value> StoredValue::Read(Document* arena) const {
  // As deep as JSON input could nest them (identify and declare accepted
  // up to kMaxJsonDepth levels before values were kept as frames).
  return DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), arena, kMaxJsonDepth + 1);
}

}  // namespace leadseg
