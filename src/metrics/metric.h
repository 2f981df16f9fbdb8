// Behavioural metrics: numbers computed on the device from the event log.
//
//   {"id": "pricing_views_2d", "aggregate": "count", "window": "2d",
//    "where": {"type": "page_view", "path": {"$regex": "^/pricing"}}}
//
// A metric is an attribute like any other: segment conditions read it by
// id ({"pricing_views_2d": {"$gte": 2}}). `where` is a condition over the
// event: its `type` and its properties as top-level attributes.
//
// Aggregates (over the matching events inside the window):
//   count                       number of events
//   sum | min | max | avg       of the numeric property `field`
//   distinct                    number of distinct values of `field`
//   first | last                the oldest / newest value of `field`
//   sinceFirst | sinceLast      time since the oldest / newest event, in
//                               `unit` (default "d"), fractional
//   lastGap                     time between the newest event and the one
//                               before it, in `unit` ("came back after 30
//                               days away")
// With no matching event, count, sum and distinct read 0 and the others
// read null (so {"$exists": false} tests "never happened").
//
// distinct remembers at most kMaxDistinctValues values per metric (they are
// kept in memory and in every snapshot, and an all-time metric would
// otherwise grow forever). Past the bound the count stops growing: it is
// then a lower bound, exact again once a window has room.
//
// Windows: an event at time t is inside a window of length W at time now
// when now - W <= t <= now; the boundary is inclusive. Updates are
// incremental: an event costs O(1) amortized per metric whatever the
// history length, and moving time forward expires entries from the front.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conditions/condition.h"
#include "core/duration.h"
#include "core/ring.h"
#include "core/value.h"

namespace leadseg {

inline constexpr size_t kMaxDistinctValues = 1000;

enum class Aggregate { kCount, kSum, kMin, kMax, kAvg, kDistinct, kFirst, kLast, kSinceFirst, kSinceLast, kLastGap };

// Parses "count", "sum", ...; nullopt when unknown.
std::optional<Aggregate> ParseAggregate(std::string_view name);
const char* AggregateName(Aggregate a);
// Whether the aggregate reads a property (`field` required).
bool AggregateNeedsField(Aggregate a);

struct MetricSpec {
  std::string id;
  Aggregate aggregate = Aggregate::kCount;
  std::string field;
  TimeMs window = kForever;
  TimeMs unit = kDay;
  std::optional<Condition> where;  // over the event schema; none = every event
};

// Identifies a metric's definition: two specs with the same fingerprint
// compute the same thing (used to decide whether stored totals still apply).
std::string MetricFingerprint(const MetricSpec& spec);

// The running value of one metric.
class MetricState {
 public:
  explicit MetricState(const MetricSpec* spec) : spec_(spec) {}

  // Forgets everything.
  void Clear();
  // Adds one matching event. `field` is the event's value of spec.field
  // (null when absent); events are added in time order.
  void Add(TimeMs ts, const Value& field);
  // Retention pruned the oldest stored event, taken at `ts`, which matched
  // this metric: a windowed metric forgets it too (it is the front entry,
  // if still inside the window), so live state always equals what a
  // rebuild from the retained events gives.
  // `field` is the pruned event's field: an event whose field Add ignored
  // (absent, or not a number for sum/min/max/avg) has no entry to drop.
  void DropOldest(TimeMs ts, const Value& field);
  // Drops entries that fell out of the window at `now`.
  void Expire(TimeMs now);
  // The metric's value at `now` (after Expire(now)). Strings and containers
  // of first/last are decoded into `arena`.
  Value Read(TimeMs now, Document* arena) const;

  // Serialises the all-time state (windowed state is rebuilt from the event
  // log instead), and restores it; Restore returns false on malformed bytes,
  // and the state is then partly read: discard it (Engine::Restore reads
  // into states it drops on any error, so no copy is kept to fall back to).
  void SaveAllTime(std::string* out) const;
  bool RestoreAllTime(std::string_view bytes);

  // Number of entries held (windowed metrics), for tests and memory limits.
  size_t entries() const { return window_.size(); }

 private:
  struct Entry {
    TimeMs ts;
    uint64_t seq;  // identifies the entry in the min/max deques
    double number;
    std::string key;  // encoded value, for distinct/first/last
  };
  bool windowed() const { return spec_->window != kForever; }
  void Track(const Entry& e);
  void PopFront();
  void Untrack(const Entry& e);
  // Where `key` is, or would be inserted, in distinct_.
  std::vector<std::pair<std::string, uint32_t>>::iterator DistinctAt(std::string_view key);

  const MetricSpec* spec_;
  // Windowed: the matching entries inside the window, oldest first.
  Ring<Entry> window_;
  // Monotonic deques over window_ for O(1) min/max.
  Ring<std::pair<uint64_t, double>> mins_, maxs_;
  uint64_t next_seq_ = 0;
  // Aggregates of what is counted (window contents, or all time).
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t numeric_count_ = 0;
  double min_ = 0, max_ = 0;
  // distinct: value -> number of counted events with it, sorted by value
  // (a sorted vector rather than a hash map: it is bounded, snapshots want
  // key order, and the module carries no hash table code for it).
  std::vector<std::pair<std::string, uint32_t>> distinct_;
  // All-time only: the oldest and newest entries.
  std::optional<Entry> first_, last_;
  std::optional<TimeMs> previous_ts_;  // the event before last_, for lastGap
};

}  // namespace leadseg
