// LeadBatch: a lead list (CSV bytes, fed in chunks) through a compiled
// config, without building an object per row.
//
//   BatchOptions options;
//   options.now = 1767225600000;                 // time is an input
//   options.column_map = {{"Employees", "company_size"}};
//   auto batch = LeadBatch::Create(config, options);
//   (*batch)->FeedEventsCsv(activity, /*last=*/true);   // optional, first
//   for (each chunk) {
//     LEADSEG_RETURN_IF_ERROR((*batch)->FeedCsv(chunk, last));
//     ResultBuffer& out = (*batch)->results();   // rows completed so far
//     ... read out.rows(), out.memberships() ...
//     out.Clear();                               // drained
//   }
//   const BatchSummary& s = (*batch)->summary();
//
// The contract is segmentLeads's (web/src/batch.js) on CSV input, so a
// page and a server give the same answers for the same file:
//   * the first record is the header (names trimmed); columnMap renames
//     file columns to attributes; values are typed as web/src/csv.js types
//     them (BatchOptions::types), an empty field leaves the column out;
//     only the columns the config reads are typed and handed on (the
//     others cannot change an answer); a column named like something the
//     engine computes (a metric id, score, segments, ...) is data, not an
//     attribute: it is left out and reported (summary().columns.computed),
//     and the computed value is what conditions see;
//   * each lead goes through one core Engine erased between leads: it is
//     identified at the time of its first event (or at `now`), its events
//     (from an activity CSV joined on the id column, as
//     web/src/lead-events.js joins them) are tracked in time order, and it
//     is read at `now`: segments, score, grade, stage and temperature are
//     what a visitor with those attributes and that history has at `now`;
//   * a row that fails (a malformed event of its lead, a refused
//     attribute) is a result with an error message naming the lead and its
//     row ("lead 3 (row 5): ..."), no segments and null outputs; the batch
//     goes on. A file that cannot be read (malformed CSV, no header, a
//     column map naming columns the file lacks, none of the columns the
//     config reads and no events, the id column missing when events are
//     joined) is a Status from FeedCsv, and nothing more is read.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/csv_reader.h"
#include "batch/packed_strings.h"
#include "config/config.h"
#include "core/duration.h"
#include "leadseg/status.h"

namespace leadseg {
namespace batch {

class EventTable;
class RowEvaluator;
class SegmentRows;

struct BatchOptions {
  // The time leads are read at (ms since the epoch). Required: the core
  // never reads the clock.
  TimeMs now = 0;
  // File column -> attribute (segmentLeads's columnMap). Two columns may
  // not map to one attribute.
  std::vector<std::pair<std::string, std::string>> column_map;
  // Type values (numbers, booleans) as csv.js does; false keeps text.
  bool types = true;
  // The leads' id column, joined with the activity table's lead column.
  std::string id_column = "email";
  // The activity table's columns (segmentLeads's eventColumns); an empty
  // event_lead_column means id_column.
  std::string event_lead_column;
  std::string event_type_column = "type";
  std::string event_at_column = "at";
  // Keep each row's raw fields in the results (to display or export the
  // row without reading the file again).
  bool keep_fields = false;
  // File columns holding lists written "a;b;c" (a CRM's multi-select
  // field), read as arrays of text; an empty field is an empty list. An
  // extension: segmentLeads reads such a column as one text value.
  std::vector<std::string> list_columns;
  char list_separator = ';';
  // The names the config declares in its `attributes` section. The
  // compiled config keeps only what conditions read; column-map.js also
  // counts declared attributes as read, so pass them (from the config's
  // JSON) for summary().columns to be segmentLeads's. Answers do not
  // depend on them.
  std::vector<std::string> declared_attributes;
};

// One lead's outputs. Which segments it is in is a bitset in
// ResultBuffer::memberships(), one row of words_per_row() words per lead.
struct LeadResult {
  uint64_t row = 0;      // the CSV row number (the header is row 1)
  uint64_t lead = 0;     // 0-based index among the leads (data rows)
  double score = 0;      // NaN without scoring, or when the row failed
  int8_t grade = -1;     // 0..3 = "A".."D"; -1 without grading or on error
  int8_t temperature = -1;  // 0 cold, 1 warm, 2 hot; -1 none
  int16_t stage = -1;    // index into the config's lifecycle stages; -1 none
  uint32_t events = 0;   // events replayed for this lead
  // 0 when the row succeeded, else 1 + an index into ResultBuffer::errors().
  uint32_t error = 0;
  // 1 when the lead is an MQL / SQL at `now`, 0 when not; -1 without a
  // lifecycle or on error.
  int8_t mql = -1, sql = -1;

  // No score, grade, temperature, stage or hand-off: what a lead has when
  // the config has none of them, or on a path that evaluates segments only.
  void SetNoSummary() {
    score = std::nan("");
    grade = temperature = -1;
    stage = -1;
    mql = sql = -1;
  }
};

inline constexpr const char* kGradeNames[4] = {"A", "B", "C", "D"};
inline constexpr const char* kTemperatureNames[3] = {"cold", "warm", "hot"};

// Results of the rows completed so far, in input order. The caller reads
// and then Clear()s them (a batch of any size holds only what was not yet
// drained).
class ResultBuffer {
 public:
  explicit ResultBuffer(size_t segments = 0);

  size_t size() const { return rows_.size(); }
  size_t segment_count() const { return segments_; }
  size_t words_per_row() const { return words_; }
  const std::vector<LeadResult>& rows() const { return rows_; }
  // size() * words_per_row() words; bit s of row i is segment s (config
  // order): word i * words_per_row() + s / 64, bit s % 64.
  const std::vector<uint64_t>& memberships() const { return memberships_; }
  bool InSegment(size_t i, size_t segment) const {
    return (memberships_[i * words_ + segment / 64] >> (segment % 64)) & 1u;
  }
  // Error messages of failed rows ("lead 3 (row 5): ...").
  const std::vector<std::string>& errors() const { return errors_; }
  const std::string* ErrorOf(size_t i) const {
    return rows_[i].error ? &errors_[rows_[i].error - 1] : nullptr;
  }
  // With BatchOptions::keep_fields: row i's raw fields as in the file.
  size_t FieldCount(size_t i) const { return field_starts_[i + 1] - field_starts_[i]; }
  std::string_view Field(size_t i, size_t k) const;

  void Clear();

  // Appending (LeadBatch's side).
  uint64_t* Append(const LeadResult& result);  // returns the row's zeroed membership words
  // The row appended last failed: no segments, null outputs, and `message`.
  void AppendError(std::string message);
  // Drops the rows appended since size() was `n` (rows without an error:
  // a one-pass reader's undo when its input turns out malformed).
  void Truncate(size_t n);
  void AppendFields(const std::vector<std::string_view>& fields);
  void Swap(ResultBuffer* other);

 private:
  friend class LeadBatch;  // fills in the row it appended last
  friend class LeadObjects;
  size_t segments_ = 0, words_ = 0;
  std::vector<LeadResult> rows_;
  std::vector<uint64_t> memberships_;
  std::vector<std::string> errors_;
  PackedStrings fields_;                  // every kept row's fields, in order
  std::vector<size_t> field_starts_{0};   // row i's fields: [starts[i], starts[i+1])
};

// Counts over every row read (segmentLeads's summary).
struct BatchSummary {
  uint64_t count = 0;   // leads (data rows), failed ones included
  uint64_t errors = 0;  // failed rows
  std::vector<uint64_t> segments;      // per segment, config order
  uint64_t grades[4] = {0, 0, 0, 0};   // A..D (with grading)
  uint64_t temperatures[3] = {0, 0, 0};  // cold, warm, hot (with temperature)
  std::vector<uint64_t> stages;        // per lifecycle stage
  uint64_t mql = 0, sql = 0;           // leads that are MQLs / SQLs at `now`
  struct Events {
    uint64_t read = 0;          // activity rows read
    uint64_t replayed = 0;      // events tracked into leads
    uint64_t after_now = 0;     // events of matched leads later than `now`
    uint64_t unknown_lead = 0;  // activity rows no lead took (no id included)
    std::vector<std::string> unknown_lead_ids;  // up to 10 of their ids
    uint64_t leads_without_id = 0;  // leads with an empty id (events joined)
  } events;
  struct Columns {
    std::vector<std::string> read;     // file columns the config reads (after mapping)
    std::vector<std::string> ignored;  // file columns it does not read
    std::vector<std::string> missing;  // attributes it reads that no column gives
    // File columns named (after the column map) like something the engine
    // computes (a metric id, score, grade, stage, segments, ...): data, left
    // out of the attributes, so the computed value is what conditions see.
    std::vector<std::string> computed;
  } columns;

  // Adds `other`'s row counts (not its events or columns) to these: the
  // summaries of row-aligned chunks of one file add up.
  void AddRows(const BatchSummary& other);
};

class LeadBatch {
 public:
  // InvalidArgument when the options are not usable (now not a time, a
  // column map sending two columns to one attribute, an empty id column).
  static Result<std::unique_ptr<LeadBatch>> Create(std::shared_ptr<const CompiledConfig> config,
                                                   BatchOptions options);
  ~LeadBatch();
  LeadBatch(const LeadBatch&) = delete;
  LeadBatch& operator=(const LeadBatch&) = delete;

  const CompiledConfig& config() const;
  const BatchOptions& options() const { return options_; }

  // The activity table (one row per event: lead id, type, time, other
  // columns as the event's properties), before any lead. Held whole,
  // grouped per lead id, as lead-events.js holds it.
  Status FeedEventsCsv(std::string_view bytes, bool last);
  // Or one already read (shared between batches working on chunks of one
  // lead list: see the CLI).
  void UseEvents(std::shared_ptr<EventTable> events);
  // Activity rows read so far (for progress while the table is fed).
  uint64_t events_read() const;

  // The lead list's bytes. Completed rows' results are appended to
  // results(); summary() is complete after the last chunk.
  Status FeedCsv(std::string_view bytes, bool last);

  // The same, for callers that tokenize the file themselves (the CLI reads
  // on one thread and evaluates chunks of rows on others): the header's
  // raw names, then each data row with its row number and lead index.
  Status SetHeader(const std::vector<std::string_view>& names);
  void AddRow(const std::vector<std::string_view>& fields, uint64_t row, uint64_t lead);
  // Ends the input of FeedCsv / AddRow: fills summary().events.
  void Finish();

  ResultBuffer& results() { return results_; }
  const BatchSummary& summary() const { return summary_; }

 private:
  class Reader;
  LeadBatch(std::shared_ptr<const CompiledConfig> config, BatchOptions options);
  // AddRow for the first `n` fields, `bytes` long in all.
  void AddSizedRow(const std::vector<std::string_view>& fields, size_t n, size_t bytes, uint64_t row, uint64_t lead);
  // AddRow's segment-only loop, for the first `n` fields, `bytes` long in
  // all; false: the row needs the general path (nothing was appended).
  bool AddSegmentRow(const std::vector<std::string_view>& fields, size_t n, size_t bytes, uint64_t row, uint64_t lead);
  // AddRow's general path (the engine, events, errors), for the first `n`
  // fields, `bytes` long in all.
  void AddGeneralRow(const std::vector<std::string_view>& fields, size_t n, size_t bytes, uint64_t row,
                     uint64_t lead);

  BatchOptions options_;
  std::unique_ptr<RowEvaluator> evaluator_;
  // The segment-only loop (segment_rows.h); null when the config needs
  // the engine.
  std::unique_ptr<SegmentRows> segment_rows_;
  std::shared_ptr<EventTable> events_;
  std::unique_ptr<Reader> reader_;
  ResultBuffer results_;
  BatchSummary summary_;
};

}  // namespace batch
}  // namespace leadseg
