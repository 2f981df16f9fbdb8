// ProgressState: where one visitor is in the lifecycle and how warm they
// are. History-dependent (hysteresis, stages that never move back,
// hand-offs that stay reached), so stored in snapshots rather than
// recomputed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/duration.h"
#include "leadseg/stage_change.h"
#include "scoring/temperature.h"

namespace leadseg {

struct ProgressState {
  // The newest stage moves kept (older ones are dropped): a stage that
  // allows regression can move on every call, and the history is stored in
  // every snapshot.
  static constexpr size_t kMaxHistory = 100;

  Temperature temperature = Temperature::kCold;
  int stage = 0;  // index into stages: everyone starts in the first one
  std::optional<TimeMs> mql_at, sql_at;
  std::vector<StageChange> history;  // oldest first, at most kMaxHistory

  // Starts the next evaluation's state from `committed`, with an empty
  // history: evaluation appends only the moves it makes, so it never copies
  // the history (Commit appends them).
  void StartFrom(const ProgressState& committed);
  // Takes `next`'s state and appends its moves, keeping the newest
  // kMaxHistory.
  void CommitFrom(const ProgressState& next);

  void Save(std::string* out) const;
  bool Restore(std::string_view in);
};

}  // namespace leadseg
