// Little helpers for leadseg's compact binary formats (snapshots, metric
// archives, compiled configs and their condition and regex programs):
// LEB128 varints, fixed 32- and 64-bit words and doubles as their bit pattern,
// single bytes, bounded counts, length-prefixed strings. Readers consume from a string_view and return false, never read
// past the end, on truncated input.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace leadseg {
namespace bytes {

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline bool GetVarint(std::string_view* in, uint64_t* v) {
  // Most varints of leadseg's formats are one byte: that case first, out
  // of the 64-bit loop (in the runtime wasm this function is called for
  // each of a compiled config's fields, and a shorter common path keeps
  // V8 from compiling it again with TurboFan during the load).
  if (!in->empty() && static_cast<uint8_t>((*in)[0]) < 0x80) {
    *v = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Signed values (time deltas) zig-zag so small negatives stay small.
inline void PutSigned(int64_t v, std::string* out) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

inline bool GetSigned(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

// Fixed-width words, least significant byte first, appended whole: at -Oz
// in wasm each std::string call stays a call, so a push_back per byte is
// four or eight calls where one append is one. Every fixed-width field of
// leadseg's formats (frame lengths, headers, checksums, doubles) goes
// through these.
inline void PutFixed32(uint32_t v, std::string* out) {
  const char b[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 24)};
  out->append(b, 4);
}

inline void PutFixed64(uint64_t v, std::string* out) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}

// The words read in place, from `p` on (the caller has checked the bytes
// are there): headers and frames read at known offsets. On a little-endian
// host (wasm, x86, most ARM) a word is its bytes as they lie, one load:
// the byte-by-byte form is what -Oz kept as a call (DecodeFixed64, two of
// these, at each stored number identify reads, docs/performance.md, s46).
inline uint32_t DecodeFixed32(const char* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
#else
  const auto* b = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 | static_cast<uint32_t>(b[2]) << 16 |
         static_cast<uint32_t>(b[3]) << 24;
#endif
}

inline uint64_t DecodeFixed64(const char* p) { return uint64_t{DecodeFixed32(p + 4)} << 32 | DecodeFixed32(p); }

inline double DecodeDouble(const char* p) {
  const uint64_t bits = DecodeFixed64(p);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

inline bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = DecodeFixed64(in->data());
  in->remove_prefix(8);
  return true;
}

inline void PutDouble(double d, std::string* out) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  PutFixed64(bits, out);
}

inline bool GetDouble(std::string_view* in, double* d) {
  uint64_t bits;
  if (!GetFixed64(in, &bits)) return false;
  std::memcpy(d, &bits, sizeof bits);
  return true;
}

inline bool GetByte(std::string_view* in, uint8_t* b) {
  if (in->empty()) return false;
  *b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

// A count of items that take at least one byte each, at most `max`: a
// count beyond what is left is corrupt, and checking first keeps a hostile
// count from allocating.
inline bool GetCount(std::string_view* in, uint64_t max, uint64_t* n) {
  return GetVarint(in, n) && *n <= max && *n <= in->size();
}

// Such a count bounded only by the bytes left.
inline bool GetCount(std::string_view* in, uint64_t* n) {
  return GetVarint(in, n) && *n <= in->size();
}

inline void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

// A PutString'd string as a view into `in` (valid as long as its bytes).
inline bool GetStringView(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *s = std::string_view(in->data(), static_cast<size_t>(n));
  in->remove_prefix(static_cast<size_t>(n));
  return true;
}

inline bool GetString(std::string_view* in, std::string* s) {
  std::string_view view;
  if (!GetStringView(in, &view)) return false;
  s->assign(view);
  return true;
}

// A reader whose first failure sticks: after a truncated or out-of-range
// read ok() is false and every later read returns a zero value without
// consuming, so a decoder checks once per structure instead of after every
// field. The decoders of compiled configs and of the segment program tables
// (and the snapshot body) share this one: its methods live out of line in
// bytes.cc, one copy in the runtime wasm, where inlining them at each of the
// decoders' hundred-odd fields cost more than the calls.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  // False when `holds` is: for checks between reads.
  bool Check(bool holds) { return ok_ = ok_ && holds; }
  bool at_end() const { return in_.empty(); }
  // What is left, for decoders that read with the free functions above
  // (they advance it); a failure they report goes to Fail().
  std::string_view* rest() { return &in_; }

  uint64_t U();                   // a varint
  uint32_t U32();                 // a varint that fits 32 bits
  uint64_t Below(uint64_t limit); // a varint below `limit` (a size)
  int64_t I();                    // a zig-zag varint
  uint64_t W64();                 // eight bytes
  double D();                     // a double's eight bytes
  uint8_t Byte();
  bool B();                       // a byte that is 0 or 1
  void S(std::string* s);         // a length-prefixed string
  // A count of items that take at least one byte each, at most `max`
  // (GetCount).
  size_t Count(uint64_t max);
  // Such a count, then `*items` as that many default items for the caller
  // to read into place. Sized once rather than grown: each element type's
  // push_back brings its own reallocation path (moving every field) into
  // the runtime wasm. The count is bounded by the bytes left, so hostile
  // bytes allocate at most sizeof(T) per byte.
  template <typename T>
  std::vector<T>& Sized(uint64_t max, std::vector<T>* items) {
    *items = std::vector<T>(Count(max));
    return *items;
  }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// CRC-32 (IEEE), to tell a corrupted snapshot from a valid one.
uint32_t Crc32(std::string_view data);

}  // namespace bytes
}  // namespace leadseg
