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

// One level of the experiment state's trees of string keys: the device's
// assignments (experiment -> assignment), converted goals (experiment ->
// goal), counts (experiment -> variant -> counts) and counts per segment
// (experiment -> segment -> variant -> counts), and the site's counts
// (Engine::Impl's aggregate_*), are all this one type, each using the
// member its level needs. So the runtime wasm carries one map's find,
// insert and destroy code for all of them instead of one per nesting (s44
// counted seven tree types, their code inlined into every caller).
struct ExperimentNode {
  ArmCounts counts;                                // at a variant
  Assignment assignment;                           // at an experiment, in `assignments`
  std::map<std::string, ExperimentNode> children;  // in key order (the frame's)

  // The child under `key`, added empty if absent: every level's insert
  // goes through this one (the map's operator[] for one key type).
  ExperimentNode& operator[](const std::string& key);
  // The child under `key`, or null.
  const ExperimentNode* Find(const std::string& key) const;
  ExperimentNode* Find(const std::string& key) {
    return const_cast<ExperimentNode*>(static_cast<const ExperimentNode&>(*this).Find(key));
  }
};

struct DecisionState {
  // The id experiments hash on when the visitor has no "id" attribute; the
  // web package generates and persists a random one.
  std::string visitor_id;
  ExperimentNode assignments;  // experiment key -> assignment
  ExperimentNode converted;    // experiment key -> goal
  // experiment key -> variant id -> counts on this device
  ExperimentNode counts;
  // experiment key -> segment id -> variant id -> counts on this device
  ExperimentNode segment_counts;

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
