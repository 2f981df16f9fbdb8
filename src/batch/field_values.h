// A CSV field as the Value the engine is given for it: what LeadBatch's
// rows (lead_batch.cc) and SegmentRows (segment_rows.cc) both build, so
// the two paths type and split a field the same way.
#pragma once

#include <string_view>

#include "core/value.h"

namespace leadseg {
namespace batch {

// A field as the page sends it to the engine: typed as csv.js types it
// (csv_reader.h's TypeField) when `types`, else the text. Strings point
// into `raw`.
Value FieldValue(std::string_view raw, bool types);

// A list column's field split at `separator` into an array allocated in
// `arena`: "a;b;" is ["a", "b", ""], "" is []. The items point into `raw`.
Value ListValue(std::string_view raw, char separator, Document* arena);

}  // namespace batch
}  // namespace leadseg
