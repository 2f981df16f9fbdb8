#include "batch/field_values.h"

#include <algorithm>

#include "batch/csv_reader.h"

namespace leadseg {
namespace batch {

Value FieldValue(std::string_view raw, bool types) {
  if (!types) return Value::String(raw);
  TypedField f = TypeField(raw);
  switch (f.kind) {
    case TypedField::Kind::kBool: return Value::Bool(f.boolean);
    // JSON.stringify(-0) is "0": what the page sends the engine.
    case TypedField::Kind::kNumber: return Value::Number(f.number == 0 ? 0.0 : f.number);
    default: return Value::String(raw);
  }
}

Value ListValue(std::string_view raw, char separator, Document* arena) {
  const uint32_t n = raw.empty() ? 0 : 1 + static_cast<uint32_t>(std::count(raw.begin(), raw.end(), separator));
  Value* items = n ? arena->AllocateChildren(n) : nullptr;
  std::string_view rest = raw;
  for (uint32_t i = 0; i < n; ++i) {
    const size_t cut = rest.find(separator);
    items[i] = Value::String(rest.substr(0, cut));
    if (cut != std::string_view::npos) rest.remove_prefix(cut + 1);
  }
  return Document::MakeArray(items, n);
}

}  // namespace batch
}  // namespace leadseg
