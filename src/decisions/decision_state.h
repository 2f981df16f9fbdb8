// What one visitor's device remembers about experiments: sticky
// assignments (a visitor never flips variant, whatever their attributes do
// later), which goals already converted, and the device's exposure and
// conversion counts per variant and per segment. Stored in snapshots.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/duration.h"
#include "core/json.h"
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

  Json ToJson() const;
  static Result<DecisionState> FromJson(const Json& json);
};

}  // namespace leadseg
