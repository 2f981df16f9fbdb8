// EventTable: an activity CSV (one row per event) grouped per lead id, as
// web/src/lead-events.js's EventIndex groups it for segmentLeads.
//
// The table is read whole before the leads (a lead list is then streamed
// against it). Each row holds a lead id, an event type and a time; every
// other column is a property of the event (typed as the leads' columns
// are). A malformed row makes its lead fail (the first problem is named);
// events later than `now` are left out and counted. Rows without an id,
// and groups no lead takes, are counted as events of unknown leads.
//
// Once read, the table is shared read-only between threads: Take() marks a
// group used with an atomic flag, nothing else changes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "batch/csv_reader.h"
#include "core/duration.h"
#include "core/json.h"
#include "leadseg/status.h"
#include "core/value.h"

namespace leadseg {
namespace batch {

struct LeadEvent {
  TimeMs ts = 0;
  const std::string* type = nullptr;  // shared between events of one type
  // The properties as a value frame holding an object (core/value_codec.h),
  // encoded once when the table is read: what Engine::TrackFrame stores,
  // so replaying a lead's events builds no JSON.
  std::string props;
  uint64_t row = 0;                   // its CSV row number
};

struct EventGroup {
  std::vector<LeadEvent> events;  // in file order, none later than `now`
  uint64_t rows = 0;              // rows with this id, malformed and late ones included
  std::string error;              // the first malformed row's problem ("events CSV row 7: ...")
  uint64_t errors = 0;            // malformed rows
  uint64_t late = 0;              // rows later than `now`
  mutable std::atomic<bool> used{false};
};

struct EventColumns {
  std::string lead = "email", type = "type", at = "at";
};

class EventTable {
 public:
  EventTable(EventColumns columns, bool types, TimeMs now);

  // The activity CSV's bytes, in chunks; `last` ends it. Errors: malformed
  // CSV, no header, a missing lead/type/time column.
  Status FeedCsv(std::string_view bytes, bool last);

  // The group of lead id `key` (LeadKey), marking it used; null if none.
  const EventGroup* Take(std::string_view key) const;

  uint64_t read() const { return read_; }
  // Rows no lead took (rows without an id included), up to 10 of their
  // ids (in the order first seen), and the late rows of groups taken
  // without an error. Call once every lead has been read.
  void Unmatched(uint64_t* unknown_lead, std::vector<std::string>* ids, uint64_t* after_now) const;

  // The join key of a raw id field: typed as a lead column is (with types
  // on, "42.0" and "42" are the number 42, keyed "42"); "" is no key.
  static bool LeadKey(std::string_view raw, bool types, std::string* key);

 private:
  class Sink;
  void AddRow(const CsvRecord& record);

  EventColumns columns_;
  bool types_;
  TimeMs now_;
  CsvReader reader_;
  std::vector<std::string> header_;
  int lead_ = -1, type_ = -1, at_ = -1;
  bool header_seen_ = false;
  uint64_t read_ = 0, without_id_ = 0;
  std::deque<EventGroup> groups_;
  std::vector<std::string> keys_;  // groups_[i]'s key
  std::unordered_map<std::string, size_t> index_;
  std::unordered_map<std::string, std::unique_ptr<std::string>> types_seen_;
  Document props_arena_;  // one row's properties while they are encoded
};

}  // namespace batch
}  // namespace leadseg
