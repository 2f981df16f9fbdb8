#include "metrics/metric.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/bytes.h"
#include "core/js.h"
#include "core/value_codec.h"

namespace leadseg {

std::optional<Aggregate> ParseAggregate(std::string_view name) {
  static const struct {
    const char* name;
    Aggregate a;
  } kNames[] = {{"count", Aggregate::kCount},          {"sum", Aggregate::kSum},
                {"min", Aggregate::kMin},              {"max", Aggregate::kMax},
                {"avg", Aggregate::kAvg},              {"distinct", Aggregate::kDistinct},
                {"first", Aggregate::kFirst},          {"last", Aggregate::kLast},
                {"sinceFirst", Aggregate::kSinceFirst}, {"sinceLast", Aggregate::kSinceLast},
                {"lastGap", Aggregate::kLastGap}};
  for (const auto& n : kNames) {
    if (name == n.name) return n.a;
  }
  return std::nullopt;
}

const char* AggregateName(Aggregate a) {
  switch (a) {
    case Aggregate::kCount: return "count";
    case Aggregate::kSum: return "sum";
    case Aggregate::kMin: return "min";
    case Aggregate::kMax: return "max";
    case Aggregate::kAvg: return "avg";
    case Aggregate::kDistinct: return "distinct";
    case Aggregate::kFirst: return "first";
    case Aggregate::kLast: return "last";
    case Aggregate::kSinceFirst: return "sinceFirst";
    case Aggregate::kSinceLast: return "sinceLast";
    case Aggregate::kLastGap: return "lastGap";
  }
  return "?";
}

bool AggregateNeedsField(Aggregate a) {
  switch (a) {
    case Aggregate::kSum:
    case Aggregate::kMin:
    case Aggregate::kMax:
    case Aggregate::kAvg:
    case Aggregate::kDistinct:
    case Aggregate::kFirst:
    case Aggregate::kLast: return true;
    default: return false;
  }
}

std::string MetricFingerprint(const MetricSpec& spec) {
  return std::string(AggregateName(spec.aggregate)) + "|" + spec.field + "|" + std::to_string(spec.window) + "|" +
         std::to_string(spec.unit) + "|" + (spec.where ? spec.where->canonical() : "");
}

void MetricState::Clear() {
  next_seq_ = 0;
  window_.clear();
  mins_.clear();
  maxs_.clear();
  count_ = 0;
  sum_ = 0;
  numeric_count_ = 0;
  min_ = max_ = 0;
  distinct_.clear();
  first_.reset();
  last_.reset();
  previous_ts_.reset();
}

void MetricState::Track(const Entry& e) {
  ++count_;
  if (!std::isnan(e.number)) {
    sum_ += e.number;
    if (numeric_count_ == 0 || e.number < min_) min_ = e.number;
    if (numeric_count_ == 0 || e.number > max_) max_ = e.number;
    ++numeric_count_;
  }
  if (spec_->aggregate == Aggregate::kDistinct) {
    auto it = DistinctAt(e.key);
    if (it != distinct_.end() && it->first == e.key) ++it->second;
    else if (distinct_.size() < kMaxDistinctValues) distinct_.emplace(it, e.key, 1);
  }
}

void MetricState::Untrack(const Entry& e) {
  --count_;
  if (!std::isnan(e.number)) {
    --numeric_count_;
    sum_ -= e.number;
    // Running sums drift by rounding as entries leave; an empty window is
    // exactly zero, so resetting there bounds the drift to one window.
    if (numeric_count_ == 0) sum_ = 0;
  }
  if (spec_->aggregate == Aggregate::kDistinct) {
    auto it = DistinctAt(e.key);
    if (it != distinct_.end() && it->first == e.key && --it->second == 0) distinct_.erase(it);
  }
}

std::vector<std::pair<std::string, uint32_t>>::iterator MetricState::DistinctAt(std::string_view key) {
  return std::lower_bound(distinct_.begin(), distinct_.end(), key,
                          [](const std::pair<std::string, uint32_t>& a, std::string_view k) { return a.first < k; });
}

void MetricState::Add(TimeMs ts, const Value& field) {
  Entry e{ts, next_seq_++, std::nan(""), {}};
  if (AggregateNeedsField(spec_->aggregate)) {
    if (field.is_null()) return;  // the event lacks the property
    switch (spec_->aggregate) {
      case Aggregate::kSum:
      case Aggregate::kMin:
      case Aggregate::kMax:
      case Aggregate::kAvg:
        e.number = js::ToNumber(field);
        if (std::isnan(e.number) || std::isinf(e.number)) return;  // not a number: ignored
        break;
      default: EncodeValue(field, &e.key);
    }
  }
  if (windowed()) {
    if (spec_->aggregate == Aggregate::kMin) {
      while (!mins_.empty() && mins_.back().second >= e.number) mins_.pop_back();
      mins_.emplace_back(e.seq, e.number);
    } else if (spec_->aggregate == Aggregate::kMax) {
      while (!maxs_.empty() && maxs_.back().second <= e.number) maxs_.pop_back();
      maxs_.emplace_back(e.seq, e.number);
    }
    Track(e);
    window_.push_back(std::move(e));
    return;
  }
  Track(e);
  if (!first_) first_ = e;
  if (last_) previous_ts_ = last_->ts;
  last_ = std::move(e);
  if (spec_->aggregate != Aggregate::kFirst && spec_->aggregate != Aggregate::kSinceFirst) {
    first_->key.clear();  // only the timestamp is needed
  }
}

void MetricState::PopFront() {
  const Entry& e = window_.front();
  if (!mins_.empty() && mins_.front().first == e.seq) mins_.pop_front();
  if (!maxs_.empty() && maxs_.front().first == e.seq) maxs_.pop_front();
  Untrack(e);
  window_.pop_front();
}

void MetricState::DropOldest(TimeMs ts, const Value& field) {
  if (!windowed() || window_.empty() || window_.front().ts != ts) return;
  // Add() kept no entry for an event without a usable field; the front
  // entry then belongs to another event at the same time.
  if (AggregateNeedsField(spec_->aggregate)) {
    if (field.is_null()) return;
    switch (spec_->aggregate) {
      case Aggregate::kSum:
      case Aggregate::kMin:
      case Aggregate::kMax:
      case Aggregate::kAvg: {
        const double n = js::ToNumber(field);
        if (std::isnan(n) || std::isinf(n)) return;
        break;
      }
      default: break;
    }
  }
  PopFront();
}

void MetricState::Expire(TimeMs now) {
  if (!windowed()) return;
  const TimeMs oldest = now - spec_->window;  // inclusive boundary
  while (!window_.empty() && window_.front().ts < oldest) PopFront();
}

Value MetricState::Read(TimeMs now, Document* arena) const {
  const Entry* first = windowed() ? (window_.empty() ? nullptr : &window_.front()) : (first_ ? &*first_ : nullptr);
  const Entry* last = windowed() ? (window_.empty() ? nullptr : &window_.back()) : (last_ ? &*last_ : nullptr);
  auto decode = [&](const Entry* e) -> Value {
    if (!e || e->key.empty()) return Value::Null();
    // Decoded strings point into the bytes they were decoded from, and the
    // entry may be expired (or replaced by Restore) while the value is still
    // read (Evaluate compares it with the next one): decode a copy kept in
    // the arena, so every string in the Value, nested ones too, lives as
    // long as the arena does.
    const std::string_view bytes = arena->CopyString(e->key).as_string();
    auto v = DecodeValue(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), arena);
    return v.ok() ? *v : Value::Null();
  };
  switch (spec_->aggregate) {
    case Aggregate::kCount: return Value::Number(static_cast<double>(count_));
    case Aggregate::kSum: return Value::Number(sum_);
    case Aggregate::kAvg:
      return numeric_count_ ? Value::Number(sum_ / static_cast<double>(numeric_count_)) : Value::Null();
    case Aggregate::kMin:
      if (windowed()) return mins_.empty() ? Value::Null() : Value::Number(mins_.front().second);
      return numeric_count_ ? Value::Number(min_) : Value::Null();
    case Aggregate::kMax:
      if (windowed()) return maxs_.empty() ? Value::Null() : Value::Number(maxs_.front().second);
      return numeric_count_ ? Value::Number(max_) : Value::Null();
    case Aggregate::kDistinct: return Value::Number(static_cast<double>(distinct_.size()));
    case Aggregate::kFirst: return decode(first);
    case Aggregate::kLast: return decode(last);
    case Aggregate::kSinceFirst:
      return first ? Value::Number(static_cast<double>(now - first->ts) / static_cast<double>(spec_->unit))
                   : Value::Null();
    case Aggregate::kSinceLast:
      return last ? Value::Number(static_cast<double>(now - last->ts) / static_cast<double>(spec_->unit))
                  : Value::Null();
    case Aggregate::kLastGap: {
      std::optional<TimeMs> before;
      if (windowed()) {
        if (window_.size() >= 2) before = window_[window_.size() - 2].ts;
      } else {
        before = previous_ts_;
      }
      if (!last || !before) return Value::Null();
      return Value::Number(static_cast<double>(last->ts - *before) / static_cast<double>(spec_->unit));
    }
  }
  return Value::Null();
}

}  // namespace leadseg

namespace leadseg {

using bytes::GetCount;
using bytes::GetDouble;
using bytes::GetString;
using bytes::GetVarint;
using bytes::PutDouble;
using bytes::PutString;
using bytes::PutVarint;

void MetricState::SaveAllTime(std::string* out) const {
  PutVarint(count_, out);
  PutDouble(sum_, out);
  PutVarint(numeric_count_, out);
  PutDouble(min_, out);
  PutDouble(max_, out);
  // In key order (distinct_'s), so equal states give equal snapshots.
  PutVarint(distinct_.size(), out);
  for (const auto& entry : distinct_) {
    PutString(entry.first, out);
    PutVarint(entry.second, out);
  }
  PutVarint(previous_ts_ ? 1 : 0, out);
  if (previous_ts_) PutVarint(static_cast<uint64_t>(*previous_ts_), out);
  for (const auto* e : {&first_, &last_}) {
    PutVarint(e->has_value() ? 1 : 0, out);
    if (e->has_value()) {
      PutVarint(static_cast<uint64_t>((*e)->ts), out);
      PutDouble((*e)->number, out);
      PutString((*e)->key, out);
    }
  }
}

bool MetricState::RestoreAllTime(std::string_view in) {
  Clear();  // read in place: no second state moved in
  uint64_t n;
  if (!GetVarint(&in, &count_) || !GetDouble(&in, &sum_) || !GetVarint(&in, &numeric_count_) ||
      !GetDouble(&in, &min_) || !GetDouble(&in, &max_) || !GetCount(&in, &n)) {
    return false;
  }
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    uint64_t c;
    if (!GetString(&in, &key) || !GetVarint(&in, &c)) return false;
    auto it = DistinctAt(key);
    if (it != distinct_.end() && it->first == key) it->second = static_cast<uint32_t>(c);  // the last one wins
    else distinct_.emplace(it, std::move(key), static_cast<uint32_t>(c));
  }
  uint64_t has_previous, previous;
  if (!GetVarint(&in, &has_previous)) return false;
  if (has_previous) {
    if (!GetVarint(&in, &previous)) return false;
    if (previous > static_cast<uint64_t>(kMaxTime)) return false;  // as CheckTimestamp: 1970..2200
    previous_ts_ = static_cast<TimeMs>(previous);
  }
  for (auto* e : {&first_, &last_}) {
    uint64_t present, ts;
    if (!GetVarint(&in, &present)) return false;
    if (present) {
      Entry entry{0, 0, 0, {}};
      if (!GetVarint(&in, &ts) || !GetDouble(&in, &entry.number) || !GetString(&in, &entry.key)) return false;
      if (ts > static_cast<uint64_t>(kMaxTime)) return false;
      entry.ts = static_cast<TimeMs>(ts);
      *e = std::move(entry);
    }
  }
  return in.empty();
}

}  // namespace leadseg
