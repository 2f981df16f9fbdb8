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

Result<Value> StoredValue::Read(Document* arena) const {
  // As deep as JSON input could nest them (identify and declare accepted
  // up to kMaxJsonDepth levels before values were kept as frames).
  return DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), arena, kMaxJsonDepth + 1);
}

}  // namespace leadseg
