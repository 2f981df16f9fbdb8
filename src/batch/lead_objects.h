// LeadObjects: lead objects (segmentLeads(config, [{...}, ...])) with their
// declarations and events, many per call, through one RowEvaluator: the
// bulk path of lead objects, as LeadBatch is that of CSV files.
//
// The package checks each lead and its history in JavaScript (the
// messages of segmentLeads' per-lead path are made there), sorts its
// events in time order and leaves out those later than `now`, then writes
// the leads as records into one buffer (web/src/lead-records.js):
//
//   record      := attributes u32(declarations) declaration*
//                  u32(events) event*
//   attributes  := u8(kind) u32(bytes) bytes
//                  kind 1: a value frame holding an object (core/value_codec.h)
//                  kind 0: JSON text
//                  kind 2: indexed (below), only with no declarations
//                          and no events
//   declaration := text(key) text(value JSON)
//   event       := f64(time ms) text(type) text(props JSON)
//   text        := u32(bytes) bytes (UTF-8)
//
// (little-endian).
//
// Indexed records are the fast path of a segments-only config
// (SegmentRows::Fits): the package checked the lead is one the segment
// loop answers exactly as the engine would (what RowEvaluator::
// SegmentsOnly checks: every name one AttrOf() does not refuse, strings
// well-formed, numbers finite, no null, scalars or arrays of them, within
// identify's size limit), and sends only the attributes a condition reads,
// by attribute index, their strings as ids into a table AddStrings() fills once per
// distinct string (a lead list repeats its values):
//
//   indexed     := u32(count) (u32(attr) value)*
//   value       := u8(1) | u8(2)          false, true
//                | u8(3) f64              a number
//                | u8(4) u32(id)          a string of the table
//                | u8(5) u32(n) value*    an array of scalars
//   strings     := text*                  AddStrings' bytes
//
// Nothing is decoded into a Document, no name is looked up and no string
// is copied per lead. A flat lead (the usual CRM row: strings, numbers,
// booleans, null and arrays of those) comes as a frame, written in one
// pass by bindings/batch.post.js and decoded without a parser, as the core
// module's identifyObject sends traits; any other lead comes as the JSON
// text the per-lead path hands the engine, read by core/value_json.h, as
// the core module's identify reads it. Either way the engine gets the same
// Value, so values, limits and messages are the same.
// Each lead is identified at its first event's time (or at `now`), its
// declarations declared then, its events replayed (engine/engine_replay.h)
// and it is read at `now`. Results go to a ResultBuffer (lead = index in
// the whole list); a lead that fails has a Failure saying which step
// refused it, for the package to word the error as the per-lead path does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "batch/event_table.h"
#include "batch/lead_batch.h"
#include "batch/packed_strings.h"
#include "batch/row_evaluator.h"
#include "batch/segment_rows.h"
#include "config/config.h"
#include "leadseg/status.h"
#include "core/value.h"
#include "core/value_writer.h"

namespace leadseg {
namespace batch {

class LeadObjects {
 public:
  LeadObjects(std::shared_ptr<const CompiledConfig> config, TimeMs now, bool with_metrics);

  // Starts over for another run on the same config, as a LeadObjects made
  // anew with `now` and `with_metrics` would: no results, an empty string
  // table. What the config costs to set up (its engine, the segment loop)
  // is kept: a caller reusing one config per call pays it once.
  void Restart(TimeMs now, bool with_metrics);

  // Why a lead failed: the step and, for a declaration or an event, its
  // index in the record (events in the order written, i.e. time order).
  struct Failure {
    enum class Step : int8_t { kAttributes = 0, kDeclaration = 1, kEvent = 2, kRead = 3 };
    Step step = Step::kAttributes;
    int32_t index = -1;
    std::string message;
    std::string path;  // the Status's JSON pointer
  };

  // Evaluates the records in `bytes`, leads numbered from `first_lead`,
  // appending one result each to results(). A malformed buffer (the
  // package's bug, not the user's) is an error and nothing is appended.
  Status Feed(std::string_view bytes, uint64_t first_lead);

  // Indexed records: whether the config is one they may be used with
  // (SegmentRows::Fits); the index of attribute `name`, kUnread when no
  // condition reads it, kRefused when the lead must take another kind of
  // record (a name identify refuses: empty, reserved, not UTF-8).
  static constexpr int kUnread = -1;
  static constexpr int kRefused = -2;
  bool TakesIndexed() const { return rows_ != nullptr; }
  int AttrOf(std::string_view name) const;
  // Appends `bytes` (text*) to the string table indexed records' ids index,
  // emptied first when `reset`. A malformed buffer changes nothing.
  Status AddStrings(std::string_view bytes, bool reset);

  ResultBuffer& results() { return results_; }
  // Per result row: its failure (step kRead never happens for a lead that
  // was read), valid until Clear().
  const Failure* FailureOf(size_t i) const;
  // With metrics: row i's metric values as a value frame holding an object
  // (core/value_writer.h), what Engine::Metrics writes.
  std::string_view MetricsOf(size_t i) const;
  void Clear();

 private:
  // One record, its texts and frames still in the input buffer.
  struct Parsed {
    bool frame = false;  // attributes: a value frame, else JSON text
    // Indexed: its attributes are indexed_[first, first + count).
    bool indexed = false;
    uint32_t first = 0, count = 0;
    std::string_view attributes;
    std::vector<std::pair<std::string_view, std::string_view>> declarations;
    struct Event {
      double ts;
      std::string_view type, props;
    };
    std::vector<Event> events;
  };
  // The attributes of `lead` as a Value in arena_.
  Result<Value> Attributes(const Parsed& lead);
  Status EvaluateOne(const Parsed& lead, LeadResult* out, uint64_t* membership, Failure* failure);
  // Reads an indexed record's attributes into indexed_ (arrays in
  // indexed_arena_); false when they are malformed.
  bool ReadIndexed(std::string_view bytes, Parsed* lead);
  // Feed when every record is indexed: each read straight into the row and
  // evaluated, in one pass. False, with nothing appended, at the first
  // record that is not indexed or is malformed; Feed then reads the buffer
  // again the general way (which also words the error).
  bool FeedIndexed(std::string_view bytes, uint64_t first_lead);

  TimeMs now_;
  bool with_metrics_;
  RowEvaluator evaluator_;
  std::shared_ptr<const CompiledConfig> config_;
  std::unique_ptr<SegmentRows> rows_;  // with a config SegmentRows fits
  std::vector<std::string> strings_;   // indexed records' string table
  std::vector<Value> string_values_;   // and as Values (pointing into strings_)
  std::vector<SegmentRows::StringCache> string_rows_;  // and their rows in the segment program
  std::vector<std::pair<int, Value>> indexed_;  // the indexed attributes of one Feed
  Document indexed_arena_;                      // and their arrays
  ResultBuffer results_;
  std::vector<Failure> failures_;     // one per failed row, in row order
  std::vector<int32_t> failure_of_;   // per row: index into failures_, or -1
  PackedStrings metrics_;  // with metrics: one frame per row (empty when it failed)
  ValueWriter writer_;
  std::vector<Parsed> parsed_;  // the records of one Feed
  // Reused per lead.
  Document arena_;
  std::vector<std::string> types_;
  std::vector<LeadEvent> events_;
  std::vector<const LeadEvent*> event_ptrs_;
  std::vector<RowEvaluator::Declared> declared_;
};

}  // namespace batch
}  // namespace leadseg
