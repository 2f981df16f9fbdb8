// StoredValue: one explicit attribute or declaration as the profile keeps
// it: the value frame (core/value_codec.h) it arrived as, plus the length
// of its JSON text, which the size limits count (attributes <= 256 KB in
// all, a declaration <= 64 KB) without ever writing that text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

struct StoredValue {
  std::string frame;
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
