// ValueWriter: builds one document (an object, array or scalar) directly as
// a value frame (core/value_codec.h), for results that leave the core:
// explain, the score breakdown, metrics, exports, decisions.
//
//   ValueWriter w;
//   w.BeginObject();
//   w.Key("segment").String("high_intent");
//   w.Key("member").Bool(true);
//   w.End();
//   // w.bytes(): decoded by DecodeValue, or in JavaScript by
//   // bindings/frame.post.js (readValue).
//
// Containers are counted as they are written and the count patched in at
// End(), so a caller never sizes a container up front. The writer keeps its
// buffer across Clear(), which is how a binding reuses one per call. No
// JSON library is involved, so the runtime module can build its documents
// without one.
//
// Numbers follow JSON's rules: NaN and the infinities are written as null,
// as JSON.stringify (and nlohmann's dump) write them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace leadseg {

class ValueWriter {
 public:
  // Forgets the document but keeps the memory.
  void Clear() {
    bytes_.clear();
    open_.clear();
  }

  ValueWriter& BeginObject();
  ValueWriter& BeginArray();
  // Closes the innermost open container.
  ValueWriter& End();
  // An object member's key; the member's value is written next.
  ValueWriter& Key(std::string_view key);

  ValueWriter& Null();
  ValueWriter& Bool(bool b);
  ValueWriter& Number(double d);
  ValueWriter& String(std::string_view s);
  // A string, or null when `s` is empty (optional ids and names).
  ValueWriter& StringOrNull(std::string_view s) { return s.empty() ? Null() : String(s); }
  // A whole Value tree (attributes, metric values, event properties).
  ValueWriter& Write(const Value& v);

  // The frame; complete once every container is closed.
  const std::string& bytes() const { return bytes_; }
  bool complete() const { return open_.empty() && !bytes_.empty(); }

 private:
  struct Open {
    size_t count_at;  // where the container's u32 count is patched in
    uint32_t count;
  };
  void Counted();  // one more value (array) or member (object, at Key) in the innermost container
  void PutU32(uint32_t v);

  std::string bytes_;
  std::vector<Open> open_;
  bool in_object_member_ = false;  // a Key was written: its value does not count again
};

}  // namespace leadseg
