#include "core/value_writer.h"

#include <cmath>
#include <cstring>

#include "core/bytes.h"
#include "core/value_codec.h"

namespace leadseg {

void ValueWriter::PutU32(uint32_t v) { bytes::PutFixed32(v, &bytes_); }

// An object's members are counted at their key, an array's elements at
// their value; a value that follows a key is the member already counted.
void ValueWriter::Counted() {
  if (in_object_member_) {
    in_object_member_ = false;
    return;
  }
  if (!open_.empty()) ++open_.back().count;
}

ValueWriter& ValueWriter::BeginObject() {
  Counted();
  bytes_.push_back(static_cast<char>(FrameTag::kObject));
  open_.push_back({bytes_.size(), 0});
  PutU32(0);
  return *this;
}

ValueWriter& ValueWriter::BeginArray() {
  Counted();
  bytes_.push_back(static_cast<char>(FrameTag::kArray));
  open_.push_back({bytes_.size(), 0});
  PutU32(0);
  return *this;
}

ValueWriter& ValueWriter::End() {
  const Open& o = open_.back();
  const uint32_t n = o.count;
  char b[4] = {static_cast<char>(n), static_cast<char>(n >> 8), static_cast<char>(n >> 16), static_cast<char>(n >> 24)};
  std::memcpy(&bytes_[o.count_at], b, 4);
  open_.pop_back();
  return *this;
}

ValueWriter& ValueWriter::Key(std::string_view key) {
  ++open_.back().count;
  in_object_member_ = true;
  PutU32(static_cast<uint32_t>(key.size()));
  bytes_.append(key);
  return *this;
}

ValueWriter& ValueWriter::Null() {
  Counted();
  bytes_.push_back(static_cast<char>(FrameTag::kNull));
  return *this;
}

ValueWriter& ValueWriter::Bool(bool b) {
  Counted();
  bytes_.push_back(static_cast<char>(b ? FrameTag::kTrue : FrameTag::kFalse));
  return *this;
}

ValueWriter& ValueWriter::Number(double d) {
  if (!std::isfinite(d)) return Null();
  Counted();
  bytes_.push_back(static_cast<char>(FrameTag::kNumber));
  bytes::PutDouble(d, &bytes_);
  return *this;
}

ValueWriter& ValueWriter::String(std::string_view s) {
  Counted();
  bytes_.push_back(static_cast<char>(FrameTag::kString));
  PutU32(static_cast<uint32_t>(s.size()));
  bytes_.append(s);
  return *this;
}

ValueWriter& ValueWriter::Write(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull: return Null();
    case ValueType::kBool: return Bool(v.as_bool());
    case ValueType::kNumber: return Number(v.as_number());
    case ValueType::kString: return String(v.as_string());
    case ValueType::kArray:
      BeginArray();
      for (uint32_t i = 0; i < v.size(); ++i) Write(v.at(i));
      return End();
    case ValueType::kObject:
      BeginObject();
      for (uint32_t i = 0; i < v.size(); ++i) Key(v.key_at(i)).Write(v.value_at(i));
      return End();
  }
  return Null();
}

}  // namespace leadseg
