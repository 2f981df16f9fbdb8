// StoredValue: one explicit attribute or declaration as the profile keeps
// it: the value frame (core/value_codec.h) it arrived as, plus the length
// of its JSON text, which the size limits count (attributes <= 256 KB in
// all, a declaration <= 64 KB) without ever writing that text.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

// A stored value's frame bytes, in a buffer that each new value overwrites
// when it fits. identify replaces most of a visitor's values a call, many
// with one of another length (a city, a path, a list of interests); at -Oz
// std::string::assign is a chain of out-of-line calls a value (capacity,
// pointer, move, size, terminator: ~2% of identify(24) + segments()).
class FrameBytes {
 public:
  FrameBytes() = default;
  FrameBytes(const FrameBytes& other) { Assign(other); }
  FrameBytes(FrameBytes&& other) noexcept { *this = std::move(other); }
  FrameBytes& operator=(const FrameBytes& other) {
    if (this != &other) Assign(other);
    return *this;
  }
  FrameBytes& operator=(FrameBytes&& other) noexcept {
    bytes_ = std::move(other.bytes_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }

  const char* data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  operator std::string_view() const { return std::string_view(bytes_.get(), size_); }
  // Makes these bytes `bytes`, in place when they fit.
  void Assign(std::string_view bytes);

 private:
  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0, capacity_ = 0;
};

struct StoredValue {
  FrameBytes frame;
  size_t json_bytes = 0;
  // json_bytes is an upper bound, not the exact length: identify's usual
  // call counts a number as kMaxNumberJsonBytes, without its digits. The
  // general path, which decides the limit where it is near, makes it exact
  // (MakeJsonBytesExact).
  bool json_bound = false;

  static StoredValue Of(const Value& v);
  // Makes this `v`, reusing the frame's buffer.
  void Assign(const Value& v);
  // Makes this the value already encoded as `bytes` (EncodeValue's
  // output, e.g. a member's span of identify's frame), whose JSON text is
  // `json_bytes` long (at most, if `json_bound`): the bytes are copied,
  // not decoded and re-encoded.
  void AssignFrame(std::string_view bytes, size_t json_bytes, bool json_bound = false);
  // Makes json_bytes exact if it was a bound; answers by how much it fell.
  size_t MakeJsonBytesExact();
  // The value, its containers in `arena`, its strings pointing into
  // `frame` (valid while this StoredValue is neither changed nor moved).
  Result<Value> Read(Document* arena) const;
};

}  // namespace leadseg
