// Snapshot: the stored form of a profile.
//
//   "LSNP" | u8 format version | u32 payload length | u32 CRC-32 | payload
//
// The payload holds the clock, explicit attributes and declarations (JSON
// text: small, and readable in a hex dump), the event log (time deltas as
// zig-zag varints, event types and encoded properties), and the all-time
// archives of metrics, each tagged with a fingerprint of the metric's
// definition so a changed metric starts fresh instead of inheriting totals
// it did not compute; then the score state of pruned events and the
// lifecycle progress (stage history, temperature, MQL/SQL times). Derived state (windows, segments) is not stored; it
// is rebuilt exactly from the events.
//
// Decoding checks the magic, version, length and checksum before reading,
// and every read is bounds-checked: truncated, corrupted or future-version
// input yields an error, never a partial profile.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "profile/profile.h"

namespace leadseg {

inline constexpr uint8_t kSnapshotVersion = 1;

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
  std::string decisions; // DecisionState as JSON text: assignments, conversions, counts
};

std::string EncodeSnapshot(const SnapshotData& data);
Result<SnapshotData> DecodeSnapshot(std::string_view bytes);

}  // namespace leadseg
