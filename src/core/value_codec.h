// The binary attribute frame: how attribute values cross from JavaScript
// into the core without JSON.
//
// JSON.stringify on one side and a JSON parser on the other dominate the
// cost of a condition check that itself takes tens of nanoseconds. Instead,
// the JavaScript side walks only the attributes the compiled conditions
// read (their attribute indexes in the AttributeSchema) and writes them, typed, into a
// reusable buffer in wasm memory; DecodeFrame rebuilds them as Values that
// point into that buffer, without copying strings.
//
// Layout (little-endian):
//   frame  := u32 count, count x (u32 attribute index, value)
//   value  := u8 tag, payload
//     tag 0 null | 1 false | 2 true
//     tag 3 number: f64
//     tag 4 string: u32 byte length, UTF-8 bytes
//     tag 5 array:  u32 n, n x value
//     tag 6 object: u32 n, n x (u32 key length, key bytes, value)
//
// bindings/frame.post.js is the encoder (Segmenter.prototype.evaluate). Every read is bounds-checked, so a
// malformed frame yields DataLoss, never a read past the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "conditions/attributes.h"
#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {

// Values nested deeper are refused when decoding (the decoder recurses);
// the engine refuses event properties that could not be decoded again.
inline constexpr int kMaxFrameDepth = 64;

enum class FrameTag : uint8_t {
  kNull = 0,
  kFalse = 1,
  kTrue = 2,
  kNumber = 3,
  kString = 4,
  kArray = 5,
  kObject = 6,
};

// Decodes `frame` into `attributes` (which is cleared first). Containers
// are allocated in `arena`; strings reference `frame`, which must outlive
// the attributes' use. Attribute indexes beyond the schema are an error.
Status DecodeFrame(const uint8_t* frame, size_t size, Document* arena, AttributeSet* attributes);

// Decodes one value (no attribute index before it), for event properties and tests.
// Containers deeper than `max_depth` are refused (attributes and
// declarations, which JSON allowed deeper, pass kMaxJsonDepth + 1).
Result<Value> DecodeValue(const uint8_t* data, size_t size, Document* arena, int max_depth = kMaxFrameDepth);
// As DecodeValue for the one value at the start of `data`, whatever
// follows it; `*used` is set to its encoding's length. identify's one pass
// over a frame's members (Engine::Impl::ReplaceStoredFrame) decodes a
// container member alone with it.
Result<Value> DecodeValuePrefix(const uint8_t* data, size_t size, Document* arena, int max_depth, size_t* used);
// An object frame whose members carry no names (tag 6, a u32 count, then
// each member's value alone), decoded as the object it stands for: the
// i-th member named names[i] (the count must be names.size()), which must
// outlive the value. identify's frames of values alone
// (Engine::IdentifyNamedValues).
Result<Value> DecodeNamedValues(const uint8_t* data, size_t size, const std::vector<std::string>& names,
                                Document* arena, int max_depth);
// As DecodeValue, with the strings and keys copied into `arena` too: for a
// value kept after `data` is gone (the constants of a stored condition
// program), decoded in place rather than into a scratch document and copied.
Result<Value> DecodeOwnedValue(const uint8_t* data, size_t size, Document* arena);

// Encodes `value` onto `out` in the same format; used by tests and by the
// native benchmark to drive the same path the browser takes.
void EncodeValue(const Value& value, std::string* out);
// How many bytes EncodeValue writes for `value`: where each member's value
// ends in a frame that was decoded into `value`'s object.
size_t EncodedValueSize(const Value& value);
void EncodeAttrHeader(uint32_t count, std::string* out);
void EncodeAttr(uint32_t attr, std::string* out);

}  // namespace leadseg
