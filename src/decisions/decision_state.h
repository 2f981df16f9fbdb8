// What one visitor's device remembers about experiments: sticky
// assignments (a visitor never flips variant, whatever their attributes do
// later), which goals already converted, and the device's exposure and
// conversion counts per variant and per segment. Stored in snapshots as a
// value frame (format 2: core/value_codec.h) of the object format 1 held as
// JSON text:
//   {"visitor": id, "assignments": {key: [variant, at]},
//    "converted": {key: [goal, ...]}, "counts": {key: {variant: [exposures, conversions]}},
//    "segmentCounts": {key: {segment: {variant: [exposures, conversions]}}}}
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "core/duration.h"
#include "leadseg/status.h"
#include "core/value.h"
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

  // The frame of the object above. Reading refuses anything this could not
  // have written, with "snapshot is corrupted: experiment ..." errors.
  // FromFrame reads into `*out`, a fresh state the caller owns (a Result
  // would move the four maps once more, code the runtime wasm carries).
  std::string ToFrame() const;
  static Status FromFrame(std::string_view frame, DecisionState* out);
  // The same object as format 1's JSON text, for UpgradeSnapshot
  // (profile/snapshot_v1.h) only: it needs the JSON reader, which the
  // runtime module does not link.
  static Result<DecisionState> FromJsonText(std::string_view text);
  // The object as a Value (a decoded frame or parsed JSON text), into a
  // fresh `*out`.
  static Status FromValue(const Value& object, DecisionState* out);
};

}  // namespace leadseg
