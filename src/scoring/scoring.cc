#include "scoring/scoring.h"

#include <algorithm>
#include <cmath>

#include "core/bytes.h"
#include "core/duration.h"

namespace leadseg {

ScoreState::ScoreState(const ScoringSpec* spec, bool keep_awards)
    : spec_(spec), keep_awards_(keep_awards), counters_(spec->rules.size()) {}

double ScoreState::Read(TimeMs now) const {
  if (!spec_) return 0;
  const DecaySpec& d = spec_->decay;
  switch (d.kind) {
    case DecaySpec::Kind::kNone: return level_;
    case DecaySpec::Kind::kHalfLife: {
      if (now <= ref_) return level_;
      return level_ * std::exp2(-static_cast<double>(now - ref_) / static_cast<double>(d.half_life));
    }
    case DecaySpec::Kind::kLinear: {
      if (!active_ || level_ <= 0) return level_;
      TimeMs idle = now - last_activity_ - d.after;
      if (idle < 0) return level_;
      double periods = std::floor(static_cast<double>(idle) / static_cast<double>(d.every));
      return std::max(0.0, level_ - periods * d.points);
    }
  }
  return level_;
}

void ScoreState::Activity(TimeMs ts) {
  if (!spec_) return;
  // Materialise decay up to now, so it restarts from this event.
  level_ = Read(ts);
  ref_ = std::max(ref_, ts);
  last_activity_ = std::max(last_activity_, ts);
  active_ = true;
}

void ScoreState::Award(int rule, TimeMs ts, const std::string& event_type) {
  const ScoreRule& r = spec_->rules[static_cast<size_t>(rule)];
  Counter& c = counters_[static_cast<size_t>(rule)];
  if (r.max_times > 0 && c.times >= r.max_times) return;
  if (r.once_per > 0 && c.any && ts - c.last < r.once_per) return;
  double points = r.points;
  if (r.max_points && points > 0) {
    // maxPoints caps what a rule adds, as docs/config.md says: a rule with
    // negative points is not limited by it.
    points = std::min(points, std::max(0.0, *r.max_points - c.points));
    if (points == 0) return;
  }
  ++c.times;
  c.points += points;
  c.last = ts;
  c.any = true;
  level_ = Read(ts) + points;
  ref_ = std::max(ref_, ts);
  raw_ += points;
  if (keep_awards_) awards_.push_back(leadseg::Award{rule, ts, points, event_type});
}

void ScoreState::TrimAwards(size_t max) {
  while (awards_.size() > max) {
    awards_.pop_front();
    ++dropped_;
  }
}

void ScoreState::Save(std::string* out) const {
  using namespace bytes;
  PutDouble(level_, out);
  PutSigned(ref_, out);
  PutSigned(last_activity_, out);
  PutVarint(active_ ? 1 : 0, out);
  PutDouble(raw_, out);
  PutVarint(counters_.size(), out);
  for (const Counter& c : counters_) {
    PutVarint(static_cast<uint64_t>(c.times), out);
    PutDouble(c.points, out);
    PutSigned(c.last, out);
    PutVarint(c.any ? 1 : 0, out);
  }
  // The rules' ids, so a changed rule list carries each counter to its
  // rule (added after the counters: older snapshots end before them).
  if (spec_) {
    for (const auto& rule : spec_->rules) PutString(rule.id, out);
  }
}

bool ScoreState::Restore(std::string_view in) {
  using namespace bytes;
  ScoreState fresh(spec_, keep_awards_);
  uint64_t active, n;
  if (!GetDouble(&in, &fresh.level_) || !GetSigned(&in, &fresh.ref_) || !GetSigned(&in, &fresh.last_activity_) ||
      !GetVarint(&in, &active) || !GetDouble(&in, &fresh.raw_) || !GetVarint(&in, &n)) {
    return false;
  }
  if (!IsStoredTime(fresh.ref_) || !IsStoredTime(fresh.last_activity_) || !std::isfinite(fresh.level_) ||
      !std::isfinite(fresh.raw_)) {
    return false;
  }
  fresh.active_ = active != 0;
  if (n > in.size()) return false;
  std::vector<Counter> counters(static_cast<size_t>(n));
  for (Counter& c : counters) {
    uint64_t times, any;
    if (!GetVarint(&in, &times) || !GetDouble(&in, &c.points) || !GetSigned(&in, &c.last) || !GetVarint(&in, &any)) {
      return false;
    }
    if (times > INT32_MAX || !IsStoredTime(c.last) || !std::isfinite(c.points)) return false;
    c.times = static_cast<int>(times);
    c.any = any != 0;
  }
  if (in.empty()) {
    // Written before rule ids were kept: counters match by position, and
    // only while the number of rules is unchanged; else the level stays.
    if (n == fresh.counters_.size()) fresh.counters_ = std::move(counters);
  } else {
    // Each counter goes to the rule with its id; a removed rule's is dropped.
    for (size_t i = 0; i < counters.size(); ++i) {
      std::string id;
      if (!GetString(&in, &id)) return false;
      for (size_t r = 0; r < spec_->rules.size(); ++r) {
        if (spec_->rules[r].id == id) fresh.counters_[r] = counters[i];
      }
    }
    if (!in.empty()) return false;
  }
  *this = std::move(fresh);
  return true;
}

}  // namespace leadseg
