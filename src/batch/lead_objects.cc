#include "batch/lead_objects.h"

#include <cmath>
#include <cstring>

#include "core/duration.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/value_checks.h"
#include "core/value_codec.h"
#include "core/value_json.h"
#include "leadseg/engine.h"

namespace leadseg {
namespace batch {

namespace {

// Reads the records' fixed-width fields and texts; any overrun is the
// writer's bug and fails the whole buffer.
class RecordReader {
 public:
  explicit RecordReader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }
  bool U8(uint8_t* v) { return Fixed(v, 1); }
  bool U32(uint32_t* v) { return Fixed(v, 4); }
  bool F64(double* v) { return Fixed(v, 8); }
  bool Text(std::string_view* out) {
    uint32_t n;
    if (!U32(&n) || rest_.size() < n) return false;
    *out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return true;
  }

 private:
  template <typename T>
  bool Fixed(T* v, size_t n) {
    if (rest_.size() < n) return false;
    std::memcpy(v, rest_.data(), n);  // wasm and x86 are little-endian, as the writer
    rest_.remove_prefix(n);
    return true;
  }
  std::string_view rest_;
};

// ReadIndexedValues' `id` for a value that is not one of the table's strings.
constexpr uint32_t kNoString = UINT32_MAX;

// Reads an indexed record's attributes (lead_objects.h), handing each to
// set(attr, value, id) (arrays in `arena`, strings from `strings`, the
// table's Values; `id` the string's in the table, else kNoString). False
// when they are malformed: an attribute index past `schema_size`, a string
// id past the table, an unknown tag, a number not finite, bytes short or
// left over (some attributes may have been set by then). Fixed-width
// fields are read with one bounds check each and no call: this loop is
// most of what the module does per lead.
template <typename Set>
inline bool ReadIndexedValues(std::string_view bytes, size_t schema_size, const std::vector<Value>& strings,
                              Document* arena, Set&& set) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  // The table in locals: set()'s byte stores may alias the vector's own
  // pointers, which would otherwise be loaded again for every attribute.
  const Value* const table = strings.data();
  const size_t table_size = strings.size();
  auto left = [&] { return static_cast<size_t>(end - p); };
  auto u32 = [&] {
    uint32_t v;
    std::memcpy(&v, p, 4);  // wasm and x86 are little-endian, as the writer
    p += 4;
    return v;
  };
  uint32_t string_id = kNoString;  // the last string scalar() read
  auto scalar = [&](uint8_t tag, Value* out) {
    switch (tag) {
      case 1: *out = Value::Bool(false); return true;
      case 2: *out = Value::Bool(true); return true;
      case 3: {
        double d;
        if (left() < 8) return false;
        std::memcpy(&d, p, 8);
        p += 8;
        if (!std::isfinite(d)) return false;
        *out = Value::Number(d);
        return true;
      }
      case 4: {
        if (left() < 4) return false;
        const uint32_t id = u32();
        if (id >= table_size) return false;
        *out = table[id];
        string_id = id;
        return true;
      }
      default: return false;
    }
  };
  if (left() < 4) return false;
  const uint32_t count = u32();
  for (uint32_t k = 0; k < count; ++k) {
    // A string or a number (most attributes) with room for the longest
    // scalar: one bounds check for the attribute index, the tag and the value.
    if (left() >= 13) {
      uint32_t attr, id;
      double d;
      std::memcpy(&attr, p, 4);
      if (p[4] == 4) {
        std::memcpy(&id, p + 5, 4);
        if (attr >= schema_size || id >= table_size) return false;
        p += 9;
        set(attr, table[id], id);
        continue;
      }
      if (p[4] == 3) {
        std::memcpy(&d, p + 5, 8);
        if (attr >= schema_size || !std::isfinite(d)) return false;
        p += 13;
        set(attr, Value::Number(d), kNoString);
        continue;
      }
    }
    if (left() < 5) return false;
    const uint32_t attr = u32();
    const uint8_t tag = static_cast<uint8_t>(*p++);
    if (attr >= schema_size) return false;
    Value value;
    if (tag == 5) {
      if (left() < 4) return false;
      const uint32_t n = u32();
      if (n > left()) return false;  // each item takes a byte at least
      Value* items = n ? arena->AllocateChildren(n) : nullptr;
      for (uint32_t i = 0; i < n; ++i) {
        if (left() < 1 || !scalar(static_cast<uint8_t>(*p++), &items[i])) return false;
      }
      value = Document::MakeArray(items, n);
      set(attr, value, kNoString);
      continue;
    }
    if (!scalar(tag, &value)) return false;
    set(attr, value, tag == 4 ? string_id : kNoString);
  }
  return p == end;
}

}  // namespace

LeadObjects::LeadObjects(std::shared_ptr<const CompiledConfig> config, TimeMs now, bool with_metrics)
    : now_(now), with_metrics_(with_metrics), evaluator_(config), config_(config),
      results_(config->segments().size()) {
  if (SegmentRows::Fits(*config_)) rows_ = std::make_unique<SegmentRows>(*config_);
}

void LeadObjects::Restart(TimeMs now, bool with_metrics) {
  now_ = now;
  with_metrics_ = with_metrics;
  Clear();
  strings_.clear();
  string_values_.clear();
  string_rows_.clear();
}

int LeadObjects::AttrOf(std::string_view name) const {
  if (name.empty() || config_->IsReserved(name) || !IsValidUtf8(name)) return kRefused;
  const int attr = config_->schema().Find(name);
  return attr == AttributeSchema::kNotFound ? kUnread : attr;
}

Status LeadObjects::AddStrings(std::string_view bytes, bool reset) {
  // Read them all first, so that a malformed buffer adds nothing.
  std::vector<std::string_view> added;
  RecordReader in(bytes);
  while (!in.done()) {
    std::string_view s;
    if (!in.Text(&s)) return InvalidArgument("lead records: the string table is truncated");
    // The package sends well-formed strings only; TextEncoder wrote them.
    if (!IsValidUtf8(s)) return InvalidArgument("lead records: a string of the table is not UTF-8");
    added.push_back(s);
  }
  if (reset) strings_.clear();
  const std::string* const buffer = strings_.data();
  const size_t old = strings_.size();
  for (std::string_view s : added) strings_.emplace_back(s);
  // The table as Values, for the record reader. A string's bytes move when
  // the vector does (short strings live inside it): then all again.
  string_values_.resize(strings_.data() == buffer ? old : 0);
  for (size_t i = string_values_.size(); i < strings_.size(); ++i) string_values_.push_back(Value::String(strings_[i]));
  // A new string's program row is not known yet.
  if (reset) string_rows_.clear();
  string_rows_.resize(strings_.size());
  return Status::Ok();
}

bool LeadObjects::ReadIndexed(std::string_view bytes, Parsed* lead) {
  lead->indexed = true;
  lead->first = static_cast<uint32_t>(indexed_.size());
  const bool ok = ReadIndexedValues(bytes, config_->schema().size(), string_values_, &indexed_arena_,
                                    [this](uint32_t attr, Value value, uint32_t) {
                                      indexed_.emplace_back(static_cast<int>(attr), value);
                                    });
  lead->count = static_cast<uint32_t>(indexed_.size()) - lead->first;
  return ok;
}

bool LeadObjects::FeedIndexed(std::string_view bytes, uint64_t first_lead) {
  const size_t before = results_.size();
  indexed_arena_.Clear();
  const size_t schema_size = config_->schema().size();
  SegmentRows& rows = *rows_;
  SegmentRows::StringCache* const cache = string_rows_.data();  // per string id
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  uint64_t lead = first_lead;
  // One record: u8(2) u32(n) indexed(n bytes) u32(0 declarations) u32(0 events).
  auto record = [&] {
    uint32_t n, declarations, events;
    if (end - p < 5 || *p != 2) return false;
    std::memcpy(&n, p + 1, 4);
    p += 5;
    if (static_cast<size_t>(end - p) < size_t{n} + 8) return false;
    const std::string_view attributes(p, n);
    p += n;
    std::memcpy(&declarations, p, 4);
    std::memcpy(&events, p + 4, 4);
    p += 8;
    if (declarations != 0 || events != 0) return false;
    rows.StartRow();
    if (!ReadIndexedValues(attributes, schema_size, string_values_, &indexed_arena_,
                           [&rows, cache](uint32_t attr, Value value, uint32_t id) {
                             if (id != kNoString) {
                               rows.SetString(static_cast<int>(attr), value, &cache[id]);
                             } else {
                               rows.SetValue(static_cast<int>(attr), value);
                             }
                           })) {
      return false;
    }
    LeadResult result;
    result.lead = lead++;
    result.SetNoSummary();
    rows.Finish(results_.Append(result));
    return true;
  };
  while (p != end) {
    if (!record()) {
      results_.Truncate(before);
      return false;
    }
  }
  failure_of_.resize(results_.size(), -1);
  return true;
}

Status LeadObjects::Feed(std::string_view bytes, uint64_t first_lead) {
  // Indexed records, the usual buffer of a segments-only config: one pass.
  if (rows_ && !with_metrics_ && FeedIndexed(bytes, first_lead)) return Status::Ok();
  // Read every record first, so that a malformed buffer appends nothing.
  std::vector<Parsed>& leads = parsed_;
  leads.clear();
  indexed_.clear();
  indexed_arena_.Clear();
  RecordReader in(bytes);
  while (!in.done()) {
    Parsed lead;
    uint8_t kind = 0;
    uint32_t n = 0;
    bool ok = in.U8(&kind) && kind <= 2 && in.Text(&lead.attributes) && in.U32(&n);
    lead.frame = kind == 1;
    // Indexed: only for a config they fit, and with no history.
    if (ok && kind == 2) ok = rows_ != nullptr && n == 0 && ReadIndexed(lead.attributes, &lead);
    for (uint32_t k = 0; ok && k < n; ++k) {
      std::string_view key, value;
      ok = in.Text(&key) && in.Text(&value);
      lead.declarations.emplace_back(key, value);
    }
    ok = ok && in.U32(&n) && !(lead.indexed && n != 0);
    for (uint32_t k = 0; ok && k < n; ++k) {
      Parsed::Event e;
      ok = in.F64(&e.ts) && in.Text(&e.type) && in.Text(&e.props);
      lead.events.push_back(e);
    }
    if (!ok) return InvalidArgument("lead records: record " + std::to_string(leads.size()) + " is truncated");
    leads.push_back(std::move(lead));
  }
  for (size_t i = 0; i < leads.size(); ++i) {
    LeadResult result;
    result.lead = first_lead + i;
    result.score = std::nan("");
    uint64_t* membership = results_.Append(result);
    LeadResult& out = results_.rows_.back();
    Failure failure;
    Status s = EvaluateOne(leads[i], &out, membership, &failure);
    if (!s.ok()) {
      failure.message = s.message();
      failure.path = s.path();
      results_.AppendError(failure.message);  // no segments, null outputs
      failure_of_.push_back(static_cast<int32_t>(failures_.size()));
      failures_.push_back(std::move(failure));
    } else {
      failure_of_.push_back(-1);
    }
    if (with_metrics_) {
      writer_.Clear();
      if (s.ok()) evaluator_.engine().Metrics(&writer_);
      metrics_.Add(writer_.bytes());  // a failed row's frame is empty
    }
  }
  return Status::Ok();
}

Result<Value> LeadObjects::Attributes(const Parsed& lead) {
  if (!lead.frame) return ParseJsonValue(lead.attributes, &arena_, "attributes");
  // As the core module's identifyFrame decodes traits: values as deep as
  // JSON text allowed them (Engine::Identify words any limit's error).
  return DecodeValue(reinterpret_cast<const uint8_t*>(lead.attributes.data()), lead.attributes.size(), &arena_,
                     kMaxJsonDepth + 1);
}

// As segmentLeads' per-lead path calls the core module: identify(JSON) at
// the start, declare(key, JSON) for each declaration, track(type, JSON, ts)
// for each event, advance(now). What the module's text methods check
// before the engine does is checked here in the same order, so the first
// refusal is the one the per-lead path meets.
Status LeadObjects::EvaluateOne(const Parsed& lead, LeadResult* out, uint64_t* membership, Failure* failure) {
  if (lead.indexed) {
    // What RowEvaluator's segment-only loop answers, checked by the package.
    rows_->StartRow();
    for (uint32_t k = lead.first; k < lead.first + lead.count; ++k) rows_->SetValue(indexed_[k].first, indexed_[k].second);
    rows_->Finish(membership);
    out->SetNoSummary();
    out->events = 0;
    return Status::Ok();
  }
  arena_.Clear();
  failure->step = Failure::Step::kAttributes;
  auto attributes = Attributes(lead);
  if (!attributes.ok()) return attributes.status();

  // The declarations up to the first the module would refuse before the
  // engine sees it; the events likewise (none when a declaration is).
  declared_.clear();
  Status refused;
  Failure::Step refused_step = Failure::Step::kDeclaration;
  int refused_index = -1;
  for (size_t k = 0; k < lead.declarations.size() && refused.ok(); ++k) {
    const auto& [key, text] = lead.declarations[k];
    if (!IsValidUtf8(key)) {
      refused = InvalidArgument("a declaration key is not valid UTF-8");
    } else if (auto value = ParseJsonValue(text, &arena_, "declaration"); !value.ok()) {
      refused = value.status();
    } else {
      declared_.push_back(RowEvaluator::Declared{key, *value});
      continue;
    }
    refused_index = static_cast<int>(k);
  }
  types_.resize(std::max(types_.size(), lead.events.size()));
  events_.resize(lead.events.size());
  event_ptrs_.clear();
  for (size_t i = 0; i < lead.events.size() && refused.ok(); ++i) {
    const Parsed::Event& e = lead.events[i];
    Status s = IsValidUtf8(e.type) ? CheckTimestamp(e.ts, "event time")
                                   : InvalidArgument("an event type is not valid UTF-8");
    Result<Value> props = Value::Null();
    if (s.ok()) {
      props = ParseJsonValue(e.props.empty() ? std::string_view("{}") : e.props, &arena_, "event properties");
      if (!props.ok()) s = props.status();
    }
    // Engine::Track's own checks, before the event is stored as a frame.
    if (s.ok() && (e.type.empty() || e.type.size() > kMaxEventTypeBytes)) {
      s = InvalidArgument("an event type must be 1 to " + std::to_string(kMaxEventTypeBytes) + " characters");
    }
    if (s.ok() && !props->is_null() && !props->is_object()) {
      s = InvalidArgument(std::string("event properties must be an object, got ") + ValueTypeName(props->type()));
    }
    if (s.ok()) s = CheckValue(*props, "event properties", kMaxFrameDepth);
    if (!s.ok()) {
      refused = s;
      refused_step = Failure::Step::kEvent;
      refused_index = static_cast<int>(i);
      break;
    }
    LeadEvent& stored = events_[i];
    types_[i].assign(e.type.data(), e.type.size());
    stored.type = &types_[i];
    stored.ts = static_cast<TimeMs>(e.ts);
    stored.props.clear();
    EncodeValue(props->is_null() ? Document::MakeObject(nullptr, 0) : *props, &stored.props);
    event_ptrs_.push_back(&stored);
  }

  int failed_event = -1, failed_declaration = -1;
  // small_row: RowEvaluator::SegmentsOnly checks what identify would
  // refuse or change, so a lead of any size may take the segment-only loop.
  Status s = evaluator_.Evaluate(*attributes, event_ptrs_, now_, out, membership, &failed_event,
                                 /*small_row=*/true, &declared_, &failed_declaration);
  if (!s.ok()) {
    if (failed_declaration >= 0) {
      failure->step = Failure::Step::kDeclaration;
      failure->index = failed_declaration;
    } else if (failed_event >= 0) {
      failure->step = Failure::Step::kEvent;
      failure->index = failed_event;
    }
    return s;
  }
  if (!refused.ok()) {
    failure->step = refused_step;
    failure->index = refused_index;
    return refused;
  }
  return Status::Ok();
}

const LeadObjects::Failure* LeadObjects::FailureOf(size_t i) const {
  return failure_of_[i] < 0 ? nullptr : &failures_[static_cast<size_t>(failure_of_[i])];
}

std::string_view LeadObjects::MetricsOf(size_t i) const {
  if (!with_metrics_) return {};
  return metrics_[i];
}

void LeadObjects::Clear() {
  results_.Clear();
  failures_.clear();
  failure_of_.clear();
  metrics_.Clear();
}

}  // namespace batch
}  // namespace leadseg
