#include "profile/snapshot_v1.h"

#include "core/bytes.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/value.h"
#include "core/value_json.h"
#include "decisions/decision_state.h"
#include "profile/snapshot.h"

namespace leadseg {
namespace {

Status Corrupt(const std::string& what) { return DataLoss("snapshot is corrupted: " + what); }

// Format 1's payload, read as format 1's reader read it (same checks, same
// messages), with the values as frames and the experiment state as its
// frame: what EncodeSnapshot writes as format 2.
Result<SnapshotData> DecodeFormat1(std::string_view payload) {
  using namespace bytes;
  SnapshotData data;
  Profile& p = data.profile;
  std::string text;
  uint64_t n;
  if (!GetSigned(&payload, &p.clock) || !GetString(&payload, &text)) return Corrupt("header fields");
  Document arena;
  auto attributes = ParseJsonValue(text, &arena, "snapshot attributes");
  if (!attributes.ok() || !attributes->is_object()) return Corrupt("attributes");
  for (uint32_t i = 0; i < attributes->size(); ++i) {
    p.attributes.emplace_back(std::string(attributes->key_at(i)), StoredValue::Of(attributes->value_at(i)));
  }
  if (!GetCount(&payload, &n)) return Corrupt("declaration count");
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    Declaration d;
    if (!GetString(&payload, &key) || !GetSigned(&payload, &d.ts) || !GetString(&payload, &text)) {
      return Corrupt("declaration " + std::to_string(i));
    }
    if (key.empty() || !IsValidUtf8(key)) return Corrupt("declaration " + std::to_string(i) + " key");
    auto value = ParseJsonValue(text, &arena, "declaration");
    if (!value.ok()) return Corrupt("declaration " + std::to_string(i));
    if (!IsStoredTime(d.ts)) return Corrupt("declaration " + std::to_string(i) + " time");
    d.value = StoredValue::Of(*value);
    p.declarations[key] = std::move(d);
  }
  if (Status s = DecodeSnapshotBody(&payload, &data); !s.ok()) return s;
  text.clear();
  // The experiment state was appended to format 1 later: older snapshots
  // end before it, and had none (as does an empty text).
  DecisionState decisions;
  if (!payload.empty() && !GetString(&payload, &text)) return Corrupt("experiment state");
  if (!text.empty()) {
    auto state = DecisionState::FromJsonText(text);
    if (!state.ok()) return state.status();
    decisions = std::move(state).value();
  }
  if (!payload.empty()) return Corrupt("trailing bytes");
  data.decisions = decisions.ToFrame();
  return data;
}

}  // namespace

Result<std::string> UpgradeSnapshot(std::string_view bytes) {
  uint8_t version = 0;
  auto payload = SnapshotPayload(bytes, &version);
  if (!payload.ok()) return payload.status();  // as DecodeSnapshot would say
  if (version != 1) return std::string(bytes);
  auto data = DecodeFormat1(*payload);
  if (!data.ok()) return data.status();
  std::string out = EncodeSnapshot(*data);
  // What format 1 held that format 2 cannot (none is known) is refused here
  // rather than by the restore that follows.
  SnapshotData check;
  if (Status s = DecodeSnapshot(out, &check); !s.ok()) return s;
  return out;
}

}  // namespace leadseg
