#include "batch/field_values.h"

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
  if (raw.empty()) return Document::MakeArray(nullptr, 0);
  // Byte loops rather than std::count and find: a list field is a few
  // short items, and in the batch module find is a call into libc's memchr
  // per item (1.7% of the 1M-row CSV's samples, docs/performance.md).
  const char* p = raw.data();
  const size_t size = raw.size();
  uint32_t n = 1;
  for (size_t k = 0; k < size; ++k) n += p[k] == separator;
  Value* items = arena->AllocateChildren(n);
  size_t start = 0;
  uint32_t item = 0;
  for (size_t k = 0; k < size; ++k) {
    if (p[k] != separator) continue;
    items[item++] = Value::String(std::string_view(p + start, k - start));
    start = k + 1;
  }
  items[item] = Value::String(std::string_view(p + start, size - start));
  return Document::MakeArray(items, n);
}

}  // namespace batch
}  // namespace leadseg
