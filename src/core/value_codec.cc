#include "core/value_codec.h"

#include <cstring>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace leadseg {
namespace {


class Reader {
 public:
  Reader(const uint8_t* data, size_t size, Document* arena, int max_depth = kMaxFrameDepth, bool copy_strings = false)
      : p_(data), end_(data + size), arena_(arena), max_depth_(max_depth), copy_strings_(copy_strings) {}

  bool U8(uint8_t* v) {
    if (end_ - p_ < 1) return false;
    *v = *p_++;
    return true;
  }
  bool U32(uint32_t* v) {
    if (end_ - p_ < 4) return false;
    *v = static_cast<uint32_t>(p_[0]) | static_cast<uint32_t>(p_[1]) << 8 |
         static_cast<uint32_t>(p_[2]) << 16 | static_cast<uint32_t>(p_[3]) << 24;
    p_ += 4;
    return true;
  }
  bool F64(double* v) {
    if (end_ - p_ < 8) return false;
    uint64_t bits = 0;
    for (int i = 7; i >= 0; --i) bits = bits << 8 | p_[i];
    std::memcpy(v, &bits, sizeof bits);
    p_ += 8;
    return true;
  }
  bool Bytes(uint32_t n, std::string_view* out) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    *out = std::string_view(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }

  Status ReadValue(Value* out, int depth) {
    if (depth > max_depth_) return OutOfRange("attribute value nests too deeply");
    uint8_t tag;
    if (!U8(&tag)) return Truncated();
    switch (static_cast<FrameTag>(tag)) {
      case FrameTag::kNull: *out = Value::Null(); return Status::Ok();
      case FrameTag::kFalse: *out = Value::Bool(false); return Status::Ok();
      case FrameTag::kTrue: *out = Value::Bool(true); return Status::Ok();
      case FrameTag::kNumber: {
        double d;
        if (!F64(&d)) return Truncated();
        *out = Value::Number(d);
        return Status::Ok();
      }
      case FrameTag::kString: {
        uint32_t n;
        std::string_view s;
        if (!U32(&n) || !Bytes(n, &s)) return Truncated();
        *out = Text(s);
        return Status::Ok();
      }
      case FrameTag::kArray: {
        uint32_t n;
        if (!U32(&n)) return Truncated();
        // Each element takes at least one byte: a count beyond what is left
        // is corrupt, and checking first keeps a hostile count from
        // allocating gigabytes.
        if (n > static_cast<size_t>(end_ - p_)) return Truncated();
        Value* items = arena_->AllocateChildren(n);
        for (uint32_t i = 0; i < n; ++i) LEADSEG_RETURN_IF_ERROR(ReadValue(&items[i], depth + 1));
        *out = Document::MakeArray(items, n);
        return Status::Ok();
      }
      case FrameTag::kObject: {
        uint32_t n;
        if (!U32(&n)) return Truncated();
        const std::vector<std::string>* names = depth == 0 ? names_ : nullptr;
        if (names && n != names->size()) return DataLoss("the values do not match their names");
        if (!names && n > static_cast<size_t>(end_ - p_) / 5) return Truncated();
        Value* members = arena_->AllocateChildren(2 * static_cast<size_t>(n));
        for (uint32_t i = 0; i < n; ++i) {
          if (names) {
            members[2 * i] = Value::String((*names)[i]);
          } else {
            uint32_t klen;
            std::string_view key;
            if (!U32(&klen) || !Bytes(klen, &key)) return Truncated();
            members[2 * i] = Text(key);
          }
          LEADSEG_RETURN_IF_ERROR(ReadValue(&members[2 * i + 1], depth + 1));
        }
        *out = Document::MakeObject(members, n);
        return Status::Ok();
      }
    }
    return DataLoss("unknown value tag " + std::to_string(tag) + " in attribute frame");
  }

  // The top object's members carry no names: they are these
  // (DecodeNamedValues).
  void NameTopMembers(const std::vector<std::string>* names) { names_ = names; }

  bool at_end() const { return p_ == end_; }
  const uint8_t* position() const { return p_; }

 private:
  static Status Truncated() { return DataLoss("attribute frame is truncated"); }
  Value Text(std::string_view s) { return copy_strings_ ? arena_->CopyString(s) : Value::String(s); }
  const uint8_t* p_;
  const uint8_t* end_;
  Document* arena_;
  int max_depth_;
  bool copy_strings_;
  const std::vector<std::string>* names_ = nullptr;
};

// A tag and a u32 (a length or a count) in one append: in wasm at -Oz
// each std::string call is a call, not inlined.
void PutTagU32(FrameTag tag, uint32_t v, std::string* out) {
  char b[5] = {static_cast<char>(tag), static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
               static_cast<char>(v >> 24)};
  out->append(b, 5);
}

// One value that must fill `r`'s bytes.
Result<Value> DecodeWhole(Reader r) {
  Value v;
  Status s = r.ReadValue(&v, 0);
  if (!s.ok()) return s;
  if (!r.at_end()) return DataLoss("value has trailing bytes");
  return v;
}

}  // namespace

Status DecodeFrame(const uint8_t* frame, size_t size, Document* arena, AttributeSet* attributes) {
  attributes->Clear();
  Reader r(frame, size, arena);
  uint32_t count;
  if (!r.U32(&count)) return DataLoss("attribute frame is truncated");
  const size_t schema_size = attributes->schema().size();
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t attr;
    if (!r.U32(&attr)) return DataLoss("attribute frame is truncated");
    if (attr >= schema_size) {
      return InvalidArgument("attribute frame names index " + std::to_string(attr) + " but the schema has " +
                             std::to_string(schema_size));
    }
    Value v;
    LEADSEG_RETURN_IF_ERROR(r.ReadValue(&v, 0));
    attributes->Set(static_cast<int>(attr), v);
  }
  if (!r.at_end()) return DataLoss("attribute frame has trailing bytes");
  return Status::Ok();
}

Result<Value> DecodeValue(const uint8_t* data, size_t size, Document* arena, int max_depth) {
  return DecodeWhole(Reader(data, size, arena, max_depth));
}

Result<Value> DecodeValuePrefix(const uint8_t* data, size_t size, Document* arena, int max_depth, size_t* used) {
  Reader r(data, size, arena, max_depth);
  Value v;
  Status s = r.ReadValue(&v, 0);
  if (!s.ok()) return s;
  *used = static_cast<size_t>(r.position() - data);
  return v;
}

Result<Value> DecodeNamedValues(const uint8_t* data, size_t size, const std::vector<std::string>& names,
                                Document* arena, int max_depth) {
  // Only an object takes the names; any other value would decode as itself.
  if (size == 0 || static_cast<FrameTag>(data[0]) != FrameTag::kObject) {
    return DataLoss("the values do not match their names");
  }
  Reader r(data, size, arena, max_depth);
  r.NameTopMembers(&names);
  return DecodeWhole(r);
}

Result<Value> DecodeOwnedValue(const uint8_t* data, size_t size, Document* arena) {
  return DecodeWhole(Reader(data, size, arena, kMaxFrameDepth, /*copy_strings=*/true));
}

void EncodeAttrHeader(uint32_t count, std::string* out) { bytes::PutFixed32(count, out); }
void EncodeAttr(uint32_t attr, std::string* out) { bytes::PutFixed32(attr, out); }

size_t EncodedValueSize(const Value& v) {
  // A tag byte, then the payload.
  switch (v.type()) {
    case ValueType::kNull:
    case ValueType::kBool: return 1;
    case ValueType::kNumber: return 9;
    case ValueType::kString: return 5 + v.size();
    case ValueType::kArray: {
      size_t n = 5;
      for (uint32_t i = 0; i < v.size(); ++i) n += EncodedValueSize(v.at(i));
      return n;
    }
    case ValueType::kObject: {
      size_t n = 5;
      for (uint32_t i = 0; i < v.size(); ++i) n += 4 + v.key_at(i).size() + EncodedValueSize(v.value_at(i));
      return n;
    }
  }
  return 1;
}

void EncodeValue(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull: out->push_back(static_cast<char>(FrameTag::kNull)); return;
    case ValueType::kBool:
      out->push_back(static_cast<char>(v.as_bool() ? FrameTag::kTrue : FrameTag::kFalse));
      return;
    case ValueType::kNumber: {
      uint64_t bits;
      double d = v.as_number();
      std::memcpy(&bits, &d, sizeof bits);
      char b[9] = {static_cast<char>(FrameTag::kNumber)};
      for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<char>(bits >> (8 * i));
      out->append(b, 9);
      return;
    }
    case ValueType::kString:
      PutTagU32(FrameTag::kString, v.size(), out);
      out->append(v.as_string());
      return;
    case ValueType::kArray:
      PutTagU32(FrameTag::kArray, v.size(), out);
      for (uint32_t i = 0; i < v.size(); ++i) EncodeValue(v.at(i), out);
      return;
    case ValueType::kObject:
      PutTagU32(FrameTag::kObject, v.size(), out);
      for (uint32_t i = 0; i < v.size(); ++i) {
        bytes::PutFixed32(static_cast<uint32_t>(v.key_at(i).size()), out);
        out->append(v.key_at(i));
        EncodeValue(v.value_at(i), out);
      }
      return;
  }
}

}  // namespace leadseg
