// Snapshot: the stored form of a profile (docs/snapshots.md).
//
//   "LSNP" | u8 format version | u32 payload length | u32 CRC-32 | payload
//
// The payload (format 2) holds the clock, explicit attributes and
// declarations as value frames (core/value_codec.h, the bytes the profile
// keeps), the event log (time deltas as
// zig-zag varints, event types and encoded properties), and the all-time
// archives of metrics, each tagged with a fingerprint of the metric's
// definition so a changed metric starts fresh instead of inheriting totals
// it did not compute; then the score state of pruned events and the
// lifecycle progress (stage history, temperature, MQL/SQL times), and the
// experiment state (a value frame). Derived state (windows, segments) is
// not stored; it is rebuilt exactly from the events.
//
// Decoding checks the magic, version, length and checksum before reading,
// and every read is bounds-checked: truncated, corrupted or future-version
// input yields an error, never a partial profile.
//
// Format 1 held attributes, declarations and the experiment state as JSON
// text. Reading it needs a JSON parser, which the runtime wasm should not
// carry for a conversion each visitor needs at most once; DecodeSnapshot
// refuses it with FailedPrecondition, and profile/snapshot_v1.h (linked by
// the full module, the CLI and the tests, not the runtime) converts it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "leadseg/status.h"
#include "profile/profile.h"

namespace leadseg {

inline constexpr uint8_t kSnapshotVersion = 2;

struct MetricArchive {
  std::string metric_id;
  std::string fingerprint;
  std::string state;  // MetricState::SaveAllTime bytes
};

struct SnapshotData {
  Profile profile;
  std::vector<MetricArchive> archives;
  std::string score;     // ScoreState::Save of pruned events' points
  std::string progress;  // ProgressState::Save: stage, temperature, hand-offs
  std::string decisions; // DecisionState as a value frame: assignments, conversions, counts
};

// Writes format 2.
std::string EncodeSnapshot(const SnapshotData& data);
// The same with `profile` in place of data.profile (which is ignored): an
// engine snapshots its live profile without copying it.
std::string EncodeSnapshot(const Profile& profile, const SnapshotData& data);
// Reads format 2 into `*out`, a fresh SnapshotData the caller owns (a
// Result would move it once more: code the runtime wasm carries); format 1
// gives FailedPrecondition (kSnapshotNeedsUpgrade in the message), to be
// converted by UpgradeSnapshot first.
Status DecodeSnapshot(std::string_view bytes, SnapshotData* out);

// Worded for JavaScript, where the runtime module meets it (natively:
// UpgradeSnapshot converts).
inline constexpr char kSnapshotNeedsUpgrade[] =
    "snapshot format 1 must be upgraded to format 2 first: the full module reads it (loadCore(): "
    "upgradeSnapshot() converts it, Engine.restore restores it)";

// DataLoss "snapshot is corrupted: <what>", the one place its message is
// built (the engine's checks of a decoded snapshot use it too).
Status SnapshotCorrupt(std::string_view what);

// The payload behind a valid header (magic, a version from 1 to
// kSnapshotVersion, length, checksum), and its version in `*version`.
Result<std::string_view> SnapshotPayload(std::string_view bytes, uint8_t* version);
// The fields both formats lay out alike, after the declarations: events
// (which check the clock already read into data->profile), metric
// archives, score and lifecycle state. Advances `*payload` past them.
Status DecodeSnapshotBody(std::string_view* payload, SnapshotData* data);

}  // namespace leadseg
