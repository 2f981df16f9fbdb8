#include "profile/stored_value.h"

#include <cstdint>
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
  std::string encoded;
  EncodeValue(v, &encoded);
  frame.Assign(encoded);
  json_bytes = JsonTextSize(v);
  json_bound = false;
}

namespace {

// Copies n bytes from `from` to `to` (not overlapping). 8 to 16 bytes (a
// number's frame, most strings') as two 8-byte words that may overlap:
// fixed-size copies are plain loads and stores in wasm, where a copy of a
// variable size is a memory.copy, which V8 runs as a call into C++.
void CopyFrame(char* to, const char* from, size_t n) {
  if (n < 8 || n > 16) {
    std::memcpy(to, from, n);
    return;
  }
  uint64_t head, tail;
  std::memcpy(&head, from, 8);
  std::memcpy(&tail, from + n - 8, 8);
  std::memcpy(to, &head, 8);
  std::memcpy(to + n - 8, &tail, 8);
}

}  // namespace

void FrameBytes::Assign(std::string_view bytes) {
  const size_t n = bytes.size();
  // A value no longer than one stored before (every number, most strings
  // once a few visitors were seen) overwrites it; a longer one takes a new
  // buffer, with room for a little more.
  if (n > capacity_) {
    capacity_ = n + n / 4;
    bytes_.reset(new char[capacity_]);
  }
  if (n > 0) CopyFrame(bytes_.get(), bytes.data(), n);
  size_ = n;
}

void StoredValue::AssignFrame(std::string_view bytes, size_t json, bool bound) {
  frame.Assign(bytes);
  json_bytes = json;
  json_bound = bound;
}

size_t StoredValue::MakeJsonBytesExact() {
  if (!json_bound) return 0;
  Document arena;
  auto v = Read(&arena);
  // A stored frame decodes (it was checked when stored); were it not to,
  // the bound stays, which only ever refuses more.
  if (!v.ok()) return 0;
  const size_t exact = JsonTextSize(*v);
  const size_t fell = json_bytes - exact;
  json_bytes = exact;
  json_bound = false;
  return fell;
}

Result<Value> StoredValue::Read(Document* arena) const {
  // As deep as JSON input could nest them (identify and declare accepted
  // up to kMaxJsonDepth levels before values were kept as frames).
  return DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), arena, kMaxJsonDepth + 1);
}

}  // namespace leadseg
