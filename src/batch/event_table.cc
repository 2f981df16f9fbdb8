#include "batch/event_table.h"

#include "batch/event_time.h"
#include "core/js.h"
#include "core/value_codec.h"

namespace leadseg {
namespace batch {

namespace {

constexpr size_t kMaxUnknownIds = 10;

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

}  // namespace

class EventTable::Sink : public CsvSink {
 public:
  explicit Sink(EventTable* table) : table_(table) {}
  Status OnRecord(const CsvRecord& record) override {
    EventTable& t = *table_;
    if (!t.header_seen_) {
      t.header_seen_ = true;
      for (auto name : record.fields) t.header_.emplace_back(TrimJs(name));
      std::vector<std::string> missing;
      // The last column of a name is the one a row object keeps.
      for (size_t k = 0; k < t.header_.size(); ++k) {
        if (t.header_[k] == t.columns_.lead) t.lead_ = static_cast<int>(k);
        if (t.header_[k] == t.columns_.type) t.type_ = static_cast<int>(k);
        if (t.header_[k] == t.columns_.at) t.at_ = static_cast<int>(k);
      }
      if (t.lead_ < 0) missing.push_back(t.columns_.lead);
      if (t.type_ < 0) missing.push_back(t.columns_.type);
      if (t.at_ < 0) missing.push_back(t.columns_.at);
      if (!missing.empty()) {
        return InvalidArgument("the events CSV has no column " + Quoted(missing) + " (its columns: " +
                               Quoted(t.header_) + "); name the columns with eventColumns: {lead, type, at}");
      }
      return Status::Ok();
    }
    if (record.blank()) return Status::Ok();
    t.AddRow(record);
    return Status::Ok();
  }

 private:
  EventTable* table_;
};

EventTable::EventTable(EventColumns columns, bool types, TimeMs now)
    : columns_(std::move(columns)), types_(types), now_(now) {}

bool EventTable::LeadKey(std::string_view raw, bool types, std::string* key) {
  if (raw.empty()) return false;
  if (types) {
    TypedField f = TypeField(raw);
    if (f.kind == TypedField::Kind::kNumber) {
      *key = js::NumberToString(f.number);
      return true;
    }
    if (f.kind == TypedField::Kind::kBool) {
      *key = f.boolean ? "true" : "false";
      return true;
    }
  }
  key->assign(raw);
  return true;
}

Status EventTable::FeedCsv(std::string_view bytes, bool last) {
  Sink sink(this);
  Status s = reader_.Feed(bytes, last, &sink);
  if (s.ok() && last && !header_seen_) s = InvalidArgument("CSV: the input is empty (expected a header line)");
  if (!s.ok() && s.message().rfind("CSV", 0) == 0) return InvalidArgument("options.events: " + s.message());
  return s;
}

void EventTable::AddRow(const CsvRecord& record) {
  ++read_;
  // The value of column k as a row object holds it: the last non-empty
  // field of that name (csv.js leaves empty fields out).
  const size_t n = std::min(record.fields.size(), header_.size());
  auto value_of = [&](const std::string& name, std::string_view* out) {
    bool found = false;
    for (size_t k = 0; k < n; ++k) {
      if (header_[k] == name && !record.fields[k].empty()) {
        *out = record.fields[k];
        found = true;
      }
    }
    return found;
  };
  std::string_view id, type, at;
  std::string key;
  bool has_key = value_of(columns_.lead, &id) && LeadKey(id, types_, &key);
  std::string problem;
  TimeMs ms = 0;
  if (!value_of(columns_.type, &type)) {
    problem = "the type column \"" + columns_.type + "\" is empty";
  } else if (!value_of(columns_.at, &at)) {
    problem = "the time column \"" + columns_.at + "\" is empty";
  } else if (!ParseEventTime(at, &ms, &problem)) {
    problem = "column \"" + columns_.at + "\": " + problem;
  }
  if (!has_key) {
    ++without_id_;
    return;
  }
  auto found = index_.find(key);
  EventGroup* group;
  if (found == index_.end()) {
    index_.emplace(key, groups_.size());
    keys_.push_back(key);
    group = &groups_.emplace_back();
  } else {
    group = &groups_[found->second];
  }
  ++group->rows;
  if (!problem.empty()) {
    ++group->errors;
    if (group->error.empty()) {
      group->error = "events CSV row " + std::to_string(record.number) + ": " + problem;
      group->events.clear();
      group->events.shrink_to_fit();
    }
    return;
  }
  if (!group->error.empty()) return;
  if (ms > now_) {
    ++group->late;
    return;
  }
  LeadEvent event;
  event.ts = ms;
  event.row = record.number;
  auto shared = types_seen_.find(std::string(type));
  if (shared == types_seen_.end()) {
    shared = types_seen_.emplace(std::string(type), std::make_unique<std::string>(type)).first;
  }
  event.type = shared->second.get();
  // Properties in column order, as a row object holds them (the last
  // column of a repeated name wins, where it first appeared).
  props_arena_.Clear();
  Value* members = props_arena_.AllocateChildren(2 * n);
  uint32_t count = 0;
  for (size_t k = 0; k < n; ++k) {
    const std::string& name = header_[k];
    if (name.empty() || record.fields[k].empty() || name == columns_.lead || name == columns_.type ||
        name == columns_.at) {
      continue;
    }
    std::string_view raw = record.fields[k];
    TypedField f = types_ ? TypeField(raw) : TypedField{TypedField::Kind::kString, false, 0};
    Value value;
    switch (f.kind) {
      case TypedField::Kind::kBool: value = Value::Bool(f.boolean); break;
      case TypedField::Kind::kNumber: value = Value::Number(f.number == 0 ? 0.0 : f.number); break;
      default: value = Value::String(raw); break;
    }
    uint32_t at = 0;
    while (at < count && members[2 * at].as_string() != name) ++at;
    if (at == count) {
      members[2 * count] = Value::String(name);
      ++count;
    }
    members[2 * at + 1] = value;
  }
  EncodeValue(Document::MakeObject(members, count), &event.props);
  group->events.push_back(std::move(event));
}

const EventGroup* EventTable::Take(std::string_view key) const {
  auto found = index_.find(std::string(key));
  if (found == index_.end()) return nullptr;
  const EventGroup& group = groups_[found->second];
  group.used.store(true, std::memory_order_relaxed);
  return &group;
}

void EventTable::Unmatched(uint64_t* unknown_lead, std::vector<std::string>* ids, uint64_t* after_now) const {
  *unknown_lead = without_id_;
  *after_now = 0;
  ids->clear();
  for (size_t i = 0; i < groups_.size(); ++i) {
    const EventGroup& g = groups_[i];
    if (g.used.load(std::memory_order_relaxed)) {
      if (g.error.empty()) *after_now += g.late;
      continue;
    }
    *unknown_lead += g.rows;
    if (ids->size() < kMaxUnknownIds) ids->push_back(keys_[i]);
  }
}

}  // namespace batch
}  // namespace leadseg
