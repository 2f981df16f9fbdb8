#include "batch/segment_rows.h"

#include "batch/csv_reader.h"
#include "engine/engine.h"

namespace leadseg {
namespace batch {

namespace {

// RowEvaluator's bound on a row's attributes as JSON text: every byte
// escaped as \u00XX, quotes and a separator; 32 for a number or boolean.
constexpr size_t TextBound(size_t bytes) { return 6 * bytes + 3; }
constexpr size_t kScalarBound = 32;

}  // namespace

bool SegmentRows::Fits(const CompiledConfig& c) {
  return c.metrics().empty() && !c.rfm() && !c.scoring() && !c.grading() && !c.temperature() && !c.lifecycle() &&
         c.declared_slot() < 0 && c.rfm_slot() < 0 && c.segments_slot() < 0;
}

SegmentRows::SegmentRows(const CompiledConfig& config) : config_(config), attributes_(&config.schema()) {}

void SegmentRows::StartRow() {
  attributes_.Clear();
  lists_.Clear();
  bound_ = 2;
}

bool SegmentRows::Set(int slot, std::string_view name, std::string_view raw, bool list, bool types, char separator) {
  if (slot < 0) return false;
  bound_ += TextBound(name.size());
  if (list) {
    // "a;b;" is ["a", "b", ""], "" is [] (LeadBatch's split).
    uint32_t n = 0;
    if (!raw.empty()) {
      n = 1;
      for (char c : raw) n += c == separator;
    }
    Value* items = n ? lists_.AllocateChildren(n) : nullptr;
    std::string_view rest = raw;
    for (uint32_t i = 0; i < n; ++i) {
      size_t cut = i + 1 < n ? rest.find(separator) : rest.size();
      items[i] = Value::String(rest.substr(0, cut));
      bound_ += TextBound(cut);
      if (i + 1 < n) rest.remove_prefix(cut + 1);
    }
    attributes_.Set(slot, Document::MakeArray(items, n));
    return true;
  }
  if (!types) {
    attributes_.Set(slot, Value::String(raw));
    bound_ += TextBound(raw.size());
    return true;
  }
  TypedField f = TypeField(raw);
  switch (f.kind) {
    case TypedField::Kind::kBool:
      attributes_.Set(slot, Value::Bool(f.boolean));
      bound_ += kScalarBound;
      break;
    case TypedField::Kind::kNumber:
      // JSON.stringify(-0) is "0": what the page sends the engine.
      attributes_.Set(slot, Value::Number(f.number == 0 ? 0.0 : f.number));
      bound_ += kScalarBound;
      break;
    default:
      attributes_.Set(slot, Value::String(raw));
      bound_ += TextBound(raw.size());
      break;
  }
  return true;
}

bool SegmentRows::WithinSizeLimit() const { return bound_ <= kMaxAttributesBytes; }

void SegmentRows::Finish(uint64_t* membership) {
  config_.segment_program().EvaluateAll(attributes_, &state_, membership);
}

}  // namespace batch
}  // namespace leadseg
