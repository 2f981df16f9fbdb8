// Snapshot format 1 -> format 2 (docs/snapshots.md), once per stored
// profile.
//
// Format 1 held attributes, declarations and the experiment state as JSON
// text; format 2 holds them as value frames, so the runtime module (what a
// visitor's page loads) reads and writes snapshots without a JSON parser or
// number formatting. This converter needs the JSON reader
// (core/value_json.h); it is linked by the full module (upgradeSnapshot(),
// and Engine.restore there), the CLI and the tests, never by the runtime.
// The web package calls it when storage hands it a format-1 snapshot
// (web/src/profile-storage.js).
#pragma once

#include <string>
#include <string_view>

#include "leadseg/status.h"

namespace leadseg {

// Format 1 bytes -> the format 2 bytes EncodeSnapshot writes for the same
// profile (nothing lost: values, times, events, archives, score, lifecycle
// and experiment state carry over unchanged). Format 2 is returned as it
// is. A damaged header gets DecodeSnapshot's error, and a format-1 payload
// that format 1's reader refused the same DataLoss message it gave.
Result<std::string> UpgradeSnapshot(std::string_view bytes);

}  // namespace leadseg
