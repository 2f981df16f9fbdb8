#include "scoring/scoring.h"

#include <algorithm>
#include <cmath>

#include "core/bytes.h"
#include "core/duration.h"

namespace leadseg {

namespace {
// Restored times must be ones the engine could have written: 0 (never) or
// a checked timestamp. Anything else makes `now - t` overflow.
bool ValidTime(TimeMs t) { return t >= kMinTime && t <= kMaxTime; }

// Drops all but the newest ProgressState::kMaxHistory stage moves.
void KeepNewestMoves(std::vector<StageChange>* history) {
  if (history->size() > ProgressState::kMaxHistory) {
    history->erase(history->begin(), history->end() - static_cast<std::ptrdiff_t>(ProgressState::kMaxHistory));
  }
}
}  // namespace

char GradingSpec::Grade(double fit) const {
  if (fit >= a) return 'A';
  if (fit >= b) return 'B';
  if (fit >= c) return 'C';
  return 'D';
}

int GradingSpec::Engagement(double score) const {
  for (int i = 0; i < 3; ++i) {
    if (score >= engagement[i]) return i + 1;
  }
  return 4;
}

const char* TemperatureName(Temperature t) {
  switch (t) {
    case Temperature::kCold: return "cold";
    case Temperature::kWarm: return "warm";
    case Temperature::kHot: return "hot";
  }
  return "cold";
}

Temperature NextTemperature(const TemperatureSpec& spec, Temperature current, double score) {
  // Up as soon as a threshold is reached; down only once the score is
  // `hysteresis` below it.
  if (score >= spec.hot) return Temperature::kHot;
  if (current == Temperature::kHot && score >= spec.hot - spec.hysteresis) return Temperature::kHot;
  if (score >= spec.warm) return Temperature::kWarm;
  if (current != Temperature::kCold && score >= spec.warm - spec.hysteresis) return Temperature::kWarm;
  return Temperature::kCold;
}

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
  if (!ValidTime(fresh.ref_) || !ValidTime(fresh.last_activity_) || !std::isfinite(fresh.level_) ||
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
    if (times > INT32_MAX || !ValidTime(c.last) || !std::isfinite(c.points)) return false;
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

void ProgressState::StartFrom(const ProgressState& committed) {
  temperature = committed.temperature;
  stage = committed.stage;
  mql_at = committed.mql_at;
  sql_at = committed.sql_at;
  history.clear();
}

void ProgressState::CommitFrom(const ProgressState& next) {
  temperature = next.temperature;
  stage = next.stage;
  mql_at = next.mql_at;
  sql_at = next.sql_at;
  history.insert(history.end(), next.history.begin(), next.history.end());
  KeepNewestMoves(&history);
}

void ProgressState::Save(std::string* out) const {
  using namespace bytes;
  PutVarint(static_cast<uint64_t>(temperature), out);
  PutSigned(stage, out);
  for (const auto* t : {&mql_at, &sql_at}) {
    PutVarint(t->has_value() ? 1 : 0, out);
    if (t->has_value()) PutSigned(**t, out);
  }
  PutVarint(history.size(), out);
  for (const auto& h : history) {
    PutString(h.from, out);
    PutString(h.to, out);
    PutSigned(h.at, out);
  }
}

bool ProgressState::Restore(std::string_view in) {
  using namespace bytes;
  ProgressState fresh;
  uint64_t temperature, n;
  int64_t stage;
  if (!GetVarint(&in, &temperature) || temperature > 2 || !GetSigned(&in, &stage)) return false;
  if (stage < 0 || stage > INT32_MAX) return false;  // an index into the stages
  fresh.temperature = static_cast<Temperature>(temperature);
  fresh.stage = static_cast<int>(stage);
  for (auto* t : {&fresh.mql_at, &fresh.sql_at}) {
    uint64_t present;
    int64_t at;
    if (!GetVarint(&in, &present)) return false;
    if (present) {
      if (!GetSigned(&in, &at) || !ValidTime(at)) return false;
      *t = at;
    }
  }
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    StageChange c;
    if (!GetString(&in, &c.from) || !GetString(&in, &c.to) || !GetSigned(&in, &c.at) || !ValidTime(c.at)) {
      return false;
    }
    fresh.history.push_back(std::move(c));
  }
  // Snapshots written before the bound may hold more.
  KeepNewestMoves(&fresh.history);
  if (!in.empty()) return false;
  *this = std::move(fresh);
  return true;
}

}  // namespace leadseg
