#include "profile/stored_value.h"

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

void StoredValue::AssignFrame(std::string_view bytes, size_t json) {
  frame.assign(bytes.data(), bytes.size());
  json_bytes = json;
}

size_t EncodedValueSize(const Value& v) {
  // core/value_codec.h: a tag byte, then the payload.
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

Result<Value> StoredValue::Read(Document* arena) const {
  // As deep as JSON input could nest them (identify and declare accepted
  // up to kMaxJsonDepth levels before values were kept as frames).
  return DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), arena, kMaxJsonDepth + 1);
}

}  // namespace leadseg
