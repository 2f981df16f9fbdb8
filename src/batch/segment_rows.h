// SegmentRows: the batch's loop for a config of segments only, on rows
// without events: a CSV row's fields straight into an AttributeSet and
// through the config's SegmentProgram into a membership bitset.
//
// The general path (RowEvaluator) builds a Json object per row, copies it
// into a Document and evaluates from there: ~20 allocations a row, most of
// a row's time once the evaluator got fast. Here strings are views into the
// reader's buffer, numbers and booleans are typed in place, a list column
// is an array of views in a reused Document, and nothing is allocated once
// the first row has been read. The answers are RowEvaluator's: a row it
// would hand to the engine (a reserved name with a value, attributes whose
// JSON could pass identify's size limit) is declined, and the caller takes
// the general path for it.
//
//   SegmentRows rows(config);                  // only if SegmentRows::Fits(config)
//   rows.SetHeader(attributes, name_bytes);    // once per file
//   rows.StartRow(bytes);
//   for (each attribute with a value) if (!rows.Set(attr, name_size, raw, is_list, options)) decline;
//   if (!rows.WithinSizeLimit()) decline;
//   rows.Finish(membership);
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "batch/field_values.h"
#include "config/config.h"
#include "core/value.h"
#include "leadseg/engine.h"
#include "conditions/attributes.h"
#include "segments/segment_program.h"

namespace leadseg {
namespace batch {

class SegmentRows {
 public:
  // Whether the engine's answer for a lead without events is its
  // attributes through the segments alone, in any order: no metrics,
  // RFM, scoring, grading, temperature, lifecycle or `declared`, and no
  // segment reading "segments" (which would need them published in order).
  static bool Fits(const CompiledConfig& config);

  explicit SegmentRows(const CompiledConfig& config);

  // Once per header: how many attributes a row may set (each at most
  // once) and their names' bytes in all. With them StartRow bounds a
  // whole row from its bytes, and a row that cannot come near the limit
  // (every row of a usual lead list) skips the count per attribute.
  void SetHeader(size_t attributes, size_t name_bytes);
  // `bytes`: the bytes of the fields the row's attributes come from, in
  // all (each field read by at most one attribute).
  void StartRow(size_t bytes = 0);
  // One attribute of the row: `attr` in the config's schema (-1, for a
  // name the schema lacks or CompiledConfig::IsReserved: declines; the
  // caller decides that once per column), `raw` the field as in the file (a view that
  // must stay valid until Finish), typed as csv.js types it unless !types;
  // `list`: a list column, split at `separator` into an array of text.
  // Inline: a call per attribute (its saved registers, a Value moved
  // through memory) was half of what Set cost, once the count left it.
  bool Set(int attr, std::string_view name, std::string_view raw, bool list, bool types, char separator) {
    if (attr < 0) return false;
    const Value value = list ? ListValue(raw, separator, &lists_) : FieldValue(raw, types);
    attributes_.Set(attr, value);
    if (counting_) Count(name, value, raw);
    return true;
  }
  // One attribute already typed (lead objects' indexed records,
  // lead_objects.h): `value` a scalar or an array of scalars whose strings
  // stay valid until Finish. The caller has bounded the row's size (the
  // bound is not kept for it), so WithinSizeLimit() says nothing of it.
  void SetValue(int attr, Value value) { attributes_.Set(attr, value); }
  // SetValue of a string the caller keeps in a table (lead objects' string
  // table) with `cached`, kept with it: the segment program's row for the
  // string under the attribute it was last set on. A string repeated over
  // rows (a country, a job title) is then looked up in the program's tables
  // once, not by its bytes per row. A new string's StringCache is {}.
  struct StringCache {
    int attr = -1;
    uint32_t row = 0;
  };
  void SetString(int attr, Value value, StringCache* cached) {
    attributes_.Set(attr, value);
    const int group = group_of_[static_cast<size_t>(attr)];
    if (group < 0) return;
    if (cached->attr != attr) {
      cached->attr = attr;
      cached->row = config_.segment_program().StringRow(static_cast<size_t>(group), value.as_string());
    }
    uint32_t& row = string_rows_[static_cast<size_t>(group)];
    if (row == SegmentProgram::kNoRow) given_[given_count_++] = static_cast<uint32_t>(group);
    row = cached->row;
  }
  // False when the row's attributes could pass identify's size limit: the
  // engine then refuses the row with its own message (decline it).
  bool WithinSizeLimit() const;
  // Evaluates the row into `membership` (WordsFor(segments) words).
  void Finish(uint64_t* membership);

 private:
  const CompiledConfig& config_;
  AttributeSet attributes_;
  Document lists_;  // list columns' arrays (of views), cleared per row
  SegmentProgram::State state_;
  // Counts this row's attributes into bound_: only when header_bound_
  // and the row's bytes could pass the limit (StartRow).
  void Count(std::string_view name, const Value& value, std::string_view raw);

  size_t bound_ = 0;  // an upper bound of the row's attributes as JSON text
  bool counting_ = true;
  // SetHeader's part of a row's bound: every attribute set, each value a
  // scalar's bound. Before any header, past the limit (count every row).
  size_t header_bound_ = kMaxAttributesBytes + 1;
  std::vector<int> group_of_;          // per schema attribute: its program group, or -1
  std::vector<uint32_t> string_rows_;  // per group: the row SetString gave, or kNoRow
  // The groups SetString gave a row this row (each once: at most one per
  // group), for StartRow to reset: a few stores, where filling every
  // group's was a memset call a row (a loop behind a call in wasm, 5% of
  // the batch module's profile).
  std::vector<uint32_t> given_;
  size_t given_count_ = 0;
};

}  // namespace batch
}  // namespace leadseg
