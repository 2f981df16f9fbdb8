#include "batch/segment_rows.h"

#include <algorithm>

#include "leadseg/engine.h"

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
         c.declared_attr() < 0 && c.rfm_attr() < 0 && c.segments_attr() < 0;
}

SegmentRows::SegmentRows(const CompiledConfig& config)
    : config_(config), attributes_(&config.schema()),
      string_rows_(config.segment_program().group_count(), SegmentProgram::kNoRow),
      given_(config.segment_program().group_count()) {
  for (size_t attr = 0; attr < config.schema().size(); ++attr) {
    group_of_.push_back(config.segment_program().GroupOf(static_cast<int>(attr)));
  }
}

void SegmentRows::SetHeader(size_t attributes, size_t name_bytes) {
  // Each name's TextBound, and each value's at most TextBound of its
  // field or kScalarBound: a list's items (k of them, k - 1 separators
  // dropped) come to 6 * (bytes - k + 1) + 3 * k <= TextBound(bytes).
  // So a row is within 2 + this + 6 * bytes; StartRow adds the last part.
  header_bound_ = 2 + 6 * name_bytes + (3 + kScalarBound) * attributes;
}

void SegmentRows::StartRow(size_t bytes) {
  attributes_.Clear();
  lists_.Clear();
  bound_ = 2;
  counting_ = header_bound_ + 6 * bytes > kMaxAttributesBytes;
  for (size_t i = 0; i < given_count_; ++i) string_rows_[given_[i]] = SegmentProgram::kNoRow;
  given_count_ = 0;
}

void SegmentRows::Count(std::string_view name, const Value& value, std::string_view raw) {
  bound_ += TextBound(name.size());
  if (value.is_array()) {
    for (uint32_t i = 0; i < value.size(); ++i) bound_ += TextBound(value.at(i).as_string().size());
  } else {
    bound_ += value.is_string() ? TextBound(raw.size()) : kScalarBound;
  }
}

bool SegmentRows::WithinSizeLimit() const { return !counting_ || bound_ <= kMaxAttributesBytes; }

void SegmentRows::Finish(uint64_t* membership) {
  const SegmentProgram& program = config_.segment_program();
  if (given_count_ != 0) {
    program.EvaluateAll(attributes_, &state_, membership, string_rows_.data());
  } else {
    program.EvaluateAll(attributes_, &state_, membership);
  }
}

}  // namespace batch
}  // namespace leadseg
