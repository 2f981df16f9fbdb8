#include "lifecycle/progress.h"

#include <cstdint>

#include "core/bytes.h"

namespace leadseg {

namespace {

// Drops all but the newest ProgressState::kMaxHistory stage moves.
void KeepNewestMoves(std::vector<StageChange>* history) {
  if (history->size() > ProgressState::kMaxHistory) {
    history->erase(history->begin(), history->end() - static_cast<std::ptrdiff_t>(ProgressState::kMaxHistory));
  }
}
}  // namespace

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
      if (!GetSigned(&in, &at) || !IsStoredTime(at)) return false;
      *t = at;
    }
  }
  if (!GetCount(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    StageChange c;
    if (!GetString(&in, &c.from) || !GetString(&in, &c.to) || !GetSigned(&in, &c.at) || !IsStoredTime(c.at)) {
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
