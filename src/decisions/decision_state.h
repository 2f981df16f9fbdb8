// What one visitor's device remembers about experiments: sticky
// assignments (a visitor never flips variant, whatever their attributes do
// later), which goals already converted, and the device's exposure and
// conversion counts per variant and per segment. Stored in snapshots, as
// JSON text (format 1) written and read through core/value_json.h.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/duration.h"
#include "core/status.h"
#include "decisions/bandit.h"

namespace leadseg {

struct Assignment {
  std::string variant;
  TimeMs at = 0;
};

struct DecisionState {
  // The id experiments hash on when the visitor has no "id" attribute; the
  // web package generates and persists a random one.
  std::string visitor_id;
  std::map<std::string, Assignment> assignments;           // experiment key -> assignment
  std::map<std::string, std::set<std::string>> converted;  // experiment key -> goals
  // experiment key -> variant id -> counts on this device
  std::map<std::string, std::map<std::string, ArmCounts>> counts;
  // experiment key -> segment id -> variant id -> counts on this device
  std::map<std::string, std::map<std::string, std::map<std::string, ArmCounts>>> segment_counts;

  // The same text nlohmann wrote for this state before (snapshots keep
  // their bytes). Reading refuses anything this could not have written,
  // with "snapshot is corrupted: experiment ..." errors.
  std::string ToJsonText() const;
  static Result<DecisionState> FromJsonText(std::string_view text);
};

}  // namespace leadseg
