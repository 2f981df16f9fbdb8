#include "batch/lead_batch.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>

#include "batch/event_table.h"
#include "batch/field_values.h"
#include "batch/row_evaluator.h"
#include "batch/segment_rows.h"

// For the row loop's rare paths (the header, rows the segment-only loop
// declines): kept out of the record reader's function, which V8's
// optimizing tier compiles while a page's first CSV run is under way; at
// ~16 KB of wasm with them inline that compile took 0.4-0.8 s of CPU
// (docs/performance.md, s35). The batch module's link keeps wasm-opt from
// inlining them back (cmake/LeadsegWasmBatch.cmake).
#if defined(__GNUC__) || defined(__clang__)
#define LEADSEG_BATCH_NOINLINE __attribute__((noinline))
#else
#define LEADSEG_BATCH_NOINLINE
#endif

namespace leadseg {
namespace batch {

// --- ResultBuffer ------------------------------------------------------------

ResultBuffer::ResultBuffer(size_t segments) : segments_(segments), words_((segments + 63) / 64) {}

std::string_view ResultBuffer::Field(size_t i, size_t k) const {
  return fields_[field_starts_[i] + k];
}

void ResultBuffer::Clear() {
  rows_.clear();
  memberships_.clear();
  errors_.clear();
  fields_.Clear();
  field_starts_.assign(1, 0);
}

uint64_t* ResultBuffer::Append(const LeadResult& result) {
  rows_.push_back(result);
  memberships_.resize(memberships_.size() + words_, 0);
  return memberships_.data() + memberships_.size() - words_;
}

void ResultBuffer::Truncate(size_t n) {
  rows_.resize(n);
  memberships_.resize(n * words_);
}

void ResultBuffer::AppendError(std::string message) {
  // A failed row has no segments and null outputs, whatever its evaluation
  // wrote before it failed.
  LeadResult& row = rows_.back();
  std::fill(memberships_.end() - static_cast<std::ptrdiff_t>(words_), memberships_.end(), 0);
  row.score = std::nan("");
  row.grade = row.temperature = -1;
  row.stage = -1;
  row.mql = row.sql = -1;
  row.events = 0;
  errors_.push_back(std::move(message));
  row.error = static_cast<uint32_t>(errors_.size());
}

void ResultBuffer::AppendFields(const std::vector<std::string_view>& fields) {
  for (auto f : fields) fields_.Add(f);
  field_starts_.push_back(fields_.size());
}

void ResultBuffer::Swap(ResultBuffer* other) {
  std::swap(segments_, other->segments_);
  std::swap(words_, other->words_);
  rows_.swap(other->rows_);
  memberships_.swap(other->memberships_);
  errors_.swap(other->errors_);
  fields_.Swap(&other->fields_);
  field_starts_.swap(other->field_starts_);
}

// --- BatchSummary ------------------------------------------------------------

void BatchSummary::AddRows(const BatchSummary& other) {
  count += other.count;
  errors += other.errors;
  if (segments.size() < other.segments.size()) segments.resize(other.segments.size(), 0);
  for (size_t i = 0; i < other.segments.size(); ++i) segments[i] += other.segments[i];
  if (stages.size() < other.stages.size()) stages.resize(other.stages.size(), 0);
  for (size_t i = 0; i < other.stages.size(); ++i) stages[i] += other.stages[i];
  for (int i = 0; i < 4; ++i) grades[i] += other.grades[i];
  for (int i = 0; i < 3; ++i) temperatures[i] += other.temperatures[i];
  mql += other.mql;
  sql += other.sql;
  events.replayed += other.events.replayed;
  events.leads_without_id += other.events.leads_without_id;
}

// --- LeadBatch ---------------------------------------------------------------

namespace {

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

// Names the engine computes (from events or the config), never a column:
// web/src/column-map.js's columnsRead leaves them out.
bool Computed(const CompiledConfig& config, const std::string& name) {
  static const std::set<std::string> kDerived = {"segments", "score",      "grade",    "stage", "temperature",
                                                 "leadCell", "fit",        "engagement", "declared", "rfm"};
  return kDerived.count(name) || config.IsReserved(name) || config.FindSegment(name) >= 0 ||
         config.FindMetric(name) >= 0;
}

}  // namespace

// How one attribute is read from a row: the file columns named for it
// (direct) and the one mapped to it. As renameColumns does, a value in a
// column of the attribute's own name wins over a mapped one; of several
// columns with one name, the last non-empty one wins (a row object keeps
// the last).
struct AttributePlan {
  std::string name;
  int attr = AttributeSchema::kNotFound;  // in the config's schema
  std::vector<size_t> direct, mapped;
  std::vector<uint8_t> list;  // per column of direct then mapped: BatchOptions::list_columns
  bool IsList(size_t column) const {
    for (size_t i = 0; i < direct.size(); ++i) if (direct[i] == column) return list[i];
    for (size_t i = 0; i < mapped.size(); ++i) if (mapped[i] == column) return list[direct.size() + i];
    return false;
  }
};

// One attribute of AddSegmentRow's loop, computed once from the header.
// Most attributes come from one column: then a row's value is that field
// (if the row has it and it is not empty, or the column is a list), and
// a row reads one field, with no search through the plan's column lists.
// An attribute with several columns keeps its plan's rule (`plan`).
struct RowStep {
  size_t column = 0;
  int attr = AttributeSchema::kNotFound;
  bool list = false;
  const AttributePlan* plan = nullptr;  // several columns: AddSegmentRow's search
  std::string_view name;                // the plan's name (r.needed outlives the steps)
};

class LeadBatch::Reader : public CsvSink {
 public:
  explicit Reader(LeadBatch* batch) : batch_(batch) {}

  Status OnRecord(const CsvRecord& record) override {
    if (!header_seen_) {
      header_seen_ = true;
      return batch_->SetHeader(record.fields);
    }
    if (record.blank()) return Status::Ok();
    // A row no longer than the header (every row of a well-formed file):
    // its length is the reader's count, not a sum over its fields.
    if (record.fields.size() <= header.size()) {
      batch_->AddSizedRow(record.fields, record.fields.size(), record.bytes, record.number, leads_++);
    } else {
      batch_->AddRow(record.fields, record.number, leads_++);
    }
    return Status::Ok();
  }

  CsvReader reader;
  bool header_seen_ = false;
  uint64_t leads_ = 0;
  // Set by SetHeader.
  std::vector<std::string> header;
  std::vector<AttributePlan> needed;  // what the config reads (and refused names)
  std::vector<AttributePlan> all;     // every column, for rows too large to skip columns safely
  // AddSegmentRow's plan: one step per attribute of `needed`, in its order.
  std::vector<RowStep> steps;
  std::vector<size_t> id_columns;
  Document row_arena;  // the row's attributes, reused row after row

 private:
  LeadBatch* batch_;
};

LeadBatch::LeadBatch(std::shared_ptr<const CompiledConfig> config, BatchOptions options)
    : options_(std::move(options)),
      evaluator_(std::make_unique<RowEvaluator>(config)),
      reader_(std::make_unique<Reader>(this)),
      results_(config->segments().size()) {
  summary_.segments.assign(config->segments().size(), 0);
  if (SegmentRows::Fits(*config)) segment_rows_ = std::make_unique<SegmentRows>(*config);
  if (config->lifecycle()) summary_.stages.assign(config->lifecycle()->stages.size(), 0);
}

LeadBatch::~LeadBatch() = default;

const CompiledConfig& LeadBatch::config() const { return evaluator_->config(); }

Result<std::unique_ptr<LeadBatch>> LeadBatch::Create(std::shared_ptr<const CompiledConfig> config,
                                                     BatchOptions options) {
  if (!config) return InvalidArgument("no config");
  if (options.now < kEarliestTime || options.now > kMaxTime) {
    return InvalidArgument("now must be a time in milliseconds since the epoch, from 1973-03-03 to 2200, got " +
                           std::to_string(options.now));
  }
  options.id_column = std::string(TrimJs(options.id_column));
  if (options.id_column.empty()) return InvalidArgument("idColumn must be a column name", "/idColumn");
  std::set<std::string> targets;
  for (const auto& [column, attribute] : options.column_map) {
    if (TrimJs(attribute).empty()) {
      return InvalidArgument("columnMap[\"" + column + "\"] must be an attribute name, got an empty one",
                             "/columnMap" + PointerToken(column));
    }
    if (!targets.insert(attribute).second) {
      std::string first;
      for (const auto& [c, a] : options.column_map) {
        if (a == attribute) {
          first = c;
          break;
        }
      }
      return InvalidArgument("columnMap maps both \"" + first + "\" and \"" + column + "\" to \"" + attribute + "\"",
                             "/columnMap");
    }
  }
  if (options.event_lead_column.empty()) options.event_lead_column = options.id_column;
  return std::unique_ptr<LeadBatch>(new LeadBatch(std::move(config), std::move(options)));
}

Status LeadBatch::FeedEventsCsv(std::string_view bytes, bool last) {
  if (reader_->header_seen_) return FailedPrecondition("the activity table must be read before the leads");
  if (!events_) {
    EventColumns columns{options_.event_lead_column, options_.event_type_column, options_.event_at_column};
    events_ = std::make_shared<EventTable>(columns, options_.types, options_.now);
  }
  return events_->FeedCsv(bytes, last);
}

void LeadBatch::UseEvents(std::shared_ptr<EventTable> events) { events_ = std::move(events); }

uint64_t LeadBatch::events_read() const { return events_ ? events_->read() : 0; }

Status LeadBatch::FeedCsv(std::string_view bytes, bool last) {
  Status s = reader_->reader.Feed(bytes, last, reader_.get());
  if (!s.ok()) return s;
  if (last) {
    if (!reader_->header_seen_) return InvalidArgument("CSV: the input is empty (expected a header line)");
    Finish();
  }
  return Status::Ok();
}

LEADSEG_BATCH_NOINLINE Status LeadBatch::SetHeader(const std::vector<std::string_view>& names) {
  const CompiledConfig& config = this->config();
  Reader& r = *reader_;
  r.header_seen_ = true;
  r.header.clear();
  for (auto name : names) r.header.emplace_back(TrimJs(name));
  const std::vector<std::string>& header = r.header;
  // As segmentLeads reports them: the header's names as they are
  // (duplicates and empty names included).
  const std::vector<std::string>& distinct = header;
  if (events_ && std::find(distinct.begin(), distinct.end(), options_.id_column) == distinct.end()) {
    return InvalidArgument("the leads CSV has no column \"" + options_.id_column +
                           "\" to join the events on (its columns: " + Quoted(distinct) + "); set idColumn");
  }
  auto target = [&](const std::string& column) {
    for (const auto& [c, a] : options_.column_map) {
      if (c == column) return a;
    }
    return column;
  };
  // What the config reads: the attributes its conditions name, minus what
  // the engine computes.
  std::vector<std::string> reads;
  for (const auto& name : config.schema().names()) {
    if (!Computed(config, name)) reads.push_back(name);
  }
  for (const auto& name : options_.declared_attributes) {
    if (!Computed(config, name)) reads.push_back(name);
  }
  std::sort(reads.begin(), reads.end());
  reads.erase(std::unique(reads.begin(), reads.end()), reads.end());
  auto is_read = [&](const std::string& a) { return std::binary_search(reads.begin(), reads.end(), a); };
  std::vector<std::string> unknown;
  for (const auto& [column, attribute] : options_.column_map) {
    if (std::find(distinct.begin(), distinct.end(), column) == distinct.end()) unknown.push_back(column);
  }
  if (!unknown.empty() && !distinct.empty()) {
    return InvalidArgument("columnMap names " + Quoted(unknown) + ", which the file does not have (its columns: " +
                               Quoted(distinct) + ")",
                           "/columnMap");
  }
  BatchSummary::Columns columns;
  std::set<std::string> covered;
  for (const auto& c : distinct) {
    if (config.IsReserved(target(c))) {
      columns.computed.push_back(c);
      columns.ignored.push_back(c);
    } else if (is_read(target(c))) {
      columns.read.push_back(c);
      covered.insert(target(c));
    } else {
      columns.ignored.push_back(c);
    }
  }
  for (const auto& a : reads) {
    if (!covered.count(a)) columns.missing.push_back(a);
  }
  if (!reads.empty() && !distinct.empty() && columns.read.empty() && !events_) {
    return InvalidArgument("the file has none of the columns the config reads (it reads " + Quoted(reads) +
                           "; the file has " + Quoted(distinct) +
                           "); rename the columns or map them with columnMap: {fileColumn: attribute}");
  }
  summary_.columns = std::move(columns);

  // Plans: one per attribute, in the order the row object would hold them.
  r.needed.clear();
  r.all.clear();
  r.id_columns.clear();
  auto plan_of = [](std::vector<AttributePlan>* plans, const std::string& name) -> AttributePlan& {
    for (auto& p : *plans) {
      if (p.name == name) return p;
    }
    plans->push_back(AttributePlan{name, AttributeSchema::kNotFound, {}, {}, {}});
    return plans->back();
  };
  for (size_t k = 0; k < header.size(); ++k) {
    const std::string& name = header[k];
    if (name.empty()) continue;
    if (name == options_.id_column) r.id_columns.push_back(k);
    std::string attribute = target(name);
    // Named like what the engine computes: the file's data, never an
    // attribute (identify would refuse it on every row).
    if (config.IsReserved(attribute)) continue;
    bool direct = attribute == name;
    bool list = std::find(options_.list_columns.begin(), options_.list_columns.end(), name) !=
                options_.list_columns.end();
    auto add = [&](AttributePlan* plan) {
      (direct ? plan->direct : plan->mapped).push_back(k);
      plan->list.insert(direct ? plan->list.begin() + static_cast<long>(plan->direct.size()) - 1 : plan->list.end(),
                        list ? 1 : 0);
    };
    add(&plan_of(&r.all, attribute));
    // A column no condition reads cannot change an answer.
    if (config.schema().Find(attribute) != AttributeSchema::kNotFound) {
      AttributePlan& plan = plan_of(&r.needed, attribute);
      plan.attr = config.schema().Find(attribute);
      add(&plan);
    }
  }
  r.steps.clear();
  for (const AttributePlan& plan : r.needed) {
    RowStep step;
    step.attr = plan.attr;
    step.name = plan.name;
    if (plan.direct.size() + plan.mapped.size() == 1) {
      step.column = plan.direct.empty() ? plan.mapped[0] : plan.direct[0];
      step.list = plan.list[0] != 0;
    } else {
      step.plan = &plan;  // r.needed is not changed again before the next header
    }
    r.steps.push_back(step);
  }
  if (segment_rows_) {
    size_t name_bytes = 0;
    for (const RowStep& step : r.steps) name_bytes += step.name.size();
    segment_rows_->SetHeader(r.steps.size(), name_bytes);
  }
  return Status::Ok();
}

namespace {

// Rows up to this size are handed on with only the columns the config
// reads; a larger one gets all its columns, so that identify's size limit
// (kMaxAttributesBytes) refuses exactly the rows it refuses in a page.
constexpr size_t kSmallRowBytes = 64 * 1024;

}  // namespace

void LeadBatch::AddRow(const std::vector<std::string_view>& fields, uint64_t row, uint64_t lead) {
  const size_t n = std::min(fields.size(), reader_->header.size());
  size_t bytes = 0;
  for (size_t k = 0; k < n; ++k) bytes += fields[k].size();
  AddSizedRow(fields, n, bytes, row, lead);
}

void LeadBatch::AddSizedRow(const std::vector<std::string_view>& fields, size_t n, size_t bytes, uint64_t row,
                            uint64_t lead) {
  // A config of segments only, a lead without events: the row's fields
  // straight into the segment program, no Json (segment_rows.h). A row it
  // declines takes the general path, as every row did before.
  if (segment_rows_ && !events_ && bytes <= kSmallRowBytes && AddSegmentRow(fields, n, bytes, row, lead)) return;
  AddGeneralRow(fields, n, bytes, row, lead);
}

LEADSEG_BATCH_NOINLINE void LeadBatch::AddGeneralRow(const std::vector<std::string_view>& fields, size_t n,
                                                     size_t bytes, uint64_t row, uint64_t lead) {
  Reader& r = *reader_;
  const std::vector<AttributePlan>& plans = bytes > kSmallRowBytes ? r.all : r.needed;

  // The last column of `columns` with a value; a list column's empty
  // field is a value (the empty list).
  auto last_value = [&](const AttributePlan* plan, const std::vector<size_t>& columns, size_t* out) {
    bool found = false;
    for (size_t k : columns) {
      if (k < n && (!fields[k].empty() || (plan && plan->IsList(k)))) {
        *out = k;
        found = true;
      }
    }
    return found;
  };
  // The row object as a Value tree over the row's own bytes (valid for
  // this call): no JSON is built or parsed on the way to the engine.
  Document& arena = reader_->row_arena;
  arena.Clear();
  Value* members = arena.AllocateChildren(2 * plans.size());
  uint32_t count = 0;
  for (const AttributePlan& plan : plans) {
    size_t k;
    if (!last_value(&plan, plan.direct, &k) && !last_value(&plan, plan.mapped, &k)) continue;
    members[2 * count] = Value::String(plan.name);
    members[2 * count + 1] = plan.IsList(k) ? ListValue(fields[k], options_.list_separator, &arena)
                                            : FieldValue(fields[k], options_.types);
    ++count;
  }
  const Value attributes = Document::MakeObject(members, count);

  const std::string what = "lead " + std::to_string(lead) + " (row " + std::to_string(row) + ")";
  LeadResult result;
  result.row = row;
  result.lead = lead;
  result.score = std::nan("");
  uint64_t* membership = results_.Append(result);
  LeadResult& out = results_.rows_.back();
  if (options_.keep_fields) results_.AppendFields(fields);
  ++summary_.count;

  std::string error;
  std::vector<const LeadEvent*> events;
  if (events_) {
    size_t id = 0;
    std::string key;
    const EventGroup* group = nullptr;
    if (last_value(nullptr, r.id_columns, &id) && EventTable::LeadKey(fields[id], options_.types, &key)) {
      group = events_->Take(key);
    } else {
      ++summary_.events.leads_without_id;
    }
    if (group != nullptr) {
      if (!group->error.empty()) {
        uint64_t more = group->errors - 1;
        error = what + ": " + group->error;
        if (more) {
          error += " (and " + std::to_string(more) + " more malformed event" + (more == 1 ? "" : "s") +
                   " of this lead)";
        }
      } else {
        events.reserve(group->events.size());
        for (const LeadEvent& e : group->events) events.push_back(&e);
        std::stable_sort(events.begin(), events.end(),
                         [](const LeadEvent* a, const LeadEvent* b) { return a->ts < b->ts; });
      }
    }
  }
  if (error.empty()) {
    int failed_event = -1;
    Status s = evaluator_->Evaluate(attributes, events, options_.now, &out, membership, &failed_event,
                                    bytes <= kSmallRowBytes);
    if (!s.ok()) {
      error = failed_event < 0 ? what + ": " + s.message()
                               : what + ": events CSV row " + std::to_string(events[static_cast<size_t>(failed_event)]->row) +
                                     ": " + s.message();
    }
  }
  if (!error.empty()) {
    results_.AppendError(std::move(error));
    ++summary_.errors;
    return;
  }
  summary_.events.replayed += out.events;
  for (size_t s = 0; s < summary_.segments.size(); ++s) {
    if ((membership[s / 64] >> (s % 64)) & 1u) ++summary_.segments[s];
  }
  if (out.grade >= 0) ++summary_.grades[out.grade];
  if (out.temperature >= 0) ++summary_.temperatures[out.temperature];
  if (out.stage >= 0) ++summary_.stages[static_cast<size_t>(out.stage)];
  if (out.mql > 0) ++summary_.mql;
  if (out.sql > 0) ++summary_.sql;
}

bool LeadBatch::AddSegmentRow(const std::vector<std::string_view>& fields, size_t n, size_t bytes, uint64_t row,
                              uint64_t lead) {
  SegmentRows& rows = *segment_rows_;
  rows.StartRow(bytes);  // the fields' bytes of columns < n: all a step reads
  // The loop's invariants in locals: Set (inline) calls what the compiler
  // cannot see through, so members read in the loop (the steps' bounds, the plans'
  // names, the options) were loaded again for every attribute of every row.
  const RowStep* const steps_end = reader_->steps.data() + reader_->steps.size();
  const std::string_view* const field = fields.data();
  const bool types = options_.types;
  const char separator = options_.list_separator;
  for (const RowStep* step = reader_->steps.data(); step != steps_end; ++step) {
    const std::string_view* value = nullptr;
    bool list = step->list;
    if (step->plan == nullptr) {
      if (step->column < n && (!field[step->column].empty() || list)) value = &field[step->column];
    } else {
      // As AddRow's last_value: the last column with a value, the
      // attribute's own columns before mapped ones.
      const AttributePlan& plan = *step->plan;
      for (const std::vector<size_t>* columns : {&plan.direct, &plan.mapped}) {
        for (size_t i = 0; i < columns->size(); ++i) {
          size_t k = (*columns)[i];
          bool is_list = plan.list[columns == &plan.direct ? i : plan.direct.size() + i];
          if (k < n && (!field[k].empty() || is_list)) {
            value = &field[k];
            list = is_list;
          }
        }
        if (value) break;
      }
    }
    if (value && !rows.Set(step->attr, step->name, *value, list, types, separator)) return false;
  }
  if (!rows.WithinSizeLimit()) return false;
  LeadResult result;
  result.row = row;
  result.lead = lead;
  result.score = std::nan("");
  uint64_t* membership = results_.Append(result);
  rows.Finish(membership);
  if (options_.keep_fields) results_.AppendFields(fields);
  ++summary_.count;
  for (size_t w = 0; w < results_.words_per_row(); ++w) {
    for (uint64_t bits = membership[w]; bits; bits &= bits - 1) ++summary_.segments[w * 64 + static_cast<size_t>(__builtin_ctzll(bits))];
  }
  return true;
}

void LeadBatch::Finish() {
  if (!events_) return;
  summary_.events.read = events_->read();
  events_->Unmatched(&summary_.events.unknown_lead, &summary_.events.unknown_lead_ids, &summary_.events.after_now);
}

}  // namespace batch
}  // namespace leadseg
