#include "profile/snapshot.h"

#include "core/bytes.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/value.h"
#include "core/value_json.h"

namespace leadseg {
namespace {

constexpr char kMagic[4] = {'L', 'S', 'N', 'P'};
constexpr size_t kHeaderSize = 4 + 1 + 4 + 4;

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint32_t GetU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}

// Attributes and declarations are JSON text in the snapshot (format 1),
// values frames in the profile. Written and read by core/value_json.h, which
// writes the bytes nlohmann's dump() wrote, so format 1 keeps its bytes
// without nlohmann in the runtime module.
Value Read(const StoredValue& stored, Document* arena) {
  auto v = stored.Read(arena);
  return v.ok() ? *v : Value::Null();
}

Status Corrupt(const std::string& what) { return DataLoss("snapshot is corrupted: " + what); }

// A time a snapshot may hold: 1970..2200 (the clock of an engine that was
// never called is 0, and older engines accepted times before kEarliestTime).
bool StoredTime(double t) { return t >= static_cast<double>(kMinTime) && t <= static_cast<double>(kMaxTime); }

}  // namespace

std::string EncodeSnapshot(const SnapshotData& data) {
  using namespace bytes;
  const Profile& p = data.profile;
  std::string payload;
  PutSigned(p.clock, &payload);
  Document arena;
  // The profile's names are unique (identify replaces a value in place),
  // so this object is the one nlohmann's keyed inserts built.
  const auto count = static_cast<uint32_t>(p.attributes.size());
  Value* members = arena.AllocateChildren(2 * static_cast<size_t>(count));
  for (uint32_t i = 0; i < count; ++i) {
    members[2 * i] = Value::String(p.attributes[i].first);
    members[2 * i + 1] = Read(p.attributes[i].second, &arena);
  }
  PutString(ToJsonText(Document::MakeObject(members, count)), &payload);
  PutVarint(p.declarations.size(), &payload);
  for (const auto& [key, d] : p.declarations) {
    PutString(key, &payload);
    PutSigned(d.ts, &payload);
    PutString(ToJsonText(Read(d.value, &arena)), &payload);
  }
  PutVarint(p.events.size(), &payload);
  TimeMs previous = 0;
  for (const Event& e : p.events) {
    PutSigned(e.ts - previous, &payload);
    previous = e.ts;
    PutString(e.type, &payload);
    PutString(e.props, &payload);
  }
  PutVarint(data.archives.size(), &payload);
  for (const auto& a : data.archives) {
    PutString(a.metric_id, &payload);
    PutString(a.fingerprint, &payload);
    PutString(a.state, &payload);
  }
  PutString(data.score, &payload);
  PutString(data.progress, &payload);
  PutString(data.decisions, &payload);
  std::string out(kMagic, 4);
  out.push_back(static_cast<char>(kSnapshotVersion));
  PutU32(static_cast<uint32_t>(payload.size()), &out);
  PutU32(Crc32(payload), &out);
  out += payload;
  return out;
}

Result<SnapshotData> DecodeSnapshot(std::string_view in) {
  using namespace bytes;
  if (in.size() < kHeaderSize) return DataLoss("snapshot is truncated (" + std::to_string(in.size()) + " bytes)");
  if (in.substr(0, 4) != std::string_view(kMagic, 4)) return DataLoss("not a leadseg snapshot (bad magic)");
  uint8_t version = static_cast<uint8_t>(in[4]);
  if (version > kSnapshotVersion) {
    return FailedPrecondition("snapshot format " + std::to_string(version) + " is newer than this engine reads (" +
                              std::to_string(kSnapshotVersion) + ")");
  }
  if (version == 0) return Corrupt("format version 0");
  uint32_t length = GetU32(in, 5);
  uint32_t crc = GetU32(in, 9);
  std::string_view payload = in.substr(kHeaderSize);
  if (payload.size() != length) {
    return DataLoss("snapshot is truncated or padded: payload is " + std::to_string(payload.size()) +
                    " bytes, header says " + std::to_string(length));
  }
  if (Crc32(payload) != crc) return Corrupt("checksum mismatch");

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
  if (!GetVarint(&payload, &n) || n > payload.size()) return Corrupt("declaration count");
  for (uint64_t i = 0; i < n; ++i) {
    std::string key;
    Declaration d;
    if (!GetString(&payload, &key) || !GetSigned(&payload, &d.ts) || !GetString(&payload, &text)) {
      return Corrupt("declaration " + std::to_string(i));
    }
    if (key.empty() || !IsValidUtf8(key)) return Corrupt("declaration " + std::to_string(i) + " key");
    auto value = ParseJsonValue(text, &arena, "declaration");
    if (!value.ok()) return Corrupt("declaration " + std::to_string(i));
    if (!StoredTime(static_cast<double>(d.ts))) return Corrupt("declaration " + std::to_string(i) + " time");
    d.value = StoredValue::Of(*value);
    p.declarations[key] = std::move(d);
  }
  if (!GetVarint(&payload, &n) || n > payload.size()) return Corrupt("event count");
  TimeMs ts = 0;
  for (uint64_t i = 0; i < n; ++i) {
    Event e;
    int64_t delta;
    if (!GetSigned(&payload, &delta) || !GetString(&payload, &e.type) || !GetString(&payload, &e.props)) {
      return Corrupt("event " + std::to_string(i));
    }
    if (!IsValidUtf8(e.type)) return Corrupt("event " + std::to_string(i) + " type");
    if (delta < 0 || !StoredTime(static_cast<double>(ts) + static_cast<double>(delta))) {
      return Corrupt("event " + std::to_string(i) + " time");
    }
    ts += delta;
    e.ts = ts;
    p.events.push_back(std::move(e));
  }
  // The clock is the latest time the engine saw: a valid time, and never
  // before the newest event.
  if (!StoredTime(static_cast<double>(p.clock)) || (!p.events.empty() && p.clock < ts)) {
    return Corrupt("clock");
  }
  if (!GetVarint(&payload, &n) || n > payload.size()) return Corrupt("archive count");
  for (uint64_t i = 0; i < n; ++i) {
    MetricArchive a;
    if (!GetString(&payload, &a.metric_id) || !GetString(&payload, &a.fingerprint) || !GetString(&payload, &a.state)) {
      return Corrupt("metric archive " + std::to_string(i));
    }
    data.archives.push_back(std::move(a));
  }
  if (!GetString(&payload, &data.score) || !GetString(&payload, &data.progress)) {
    return Corrupt("score and progress");
  }
  // Experiment state was appended to format 1 later: older snapshots end
  // here. (A future field should bump kSnapshotVersion instead.)
  if (!payload.empty() && !GetString(&payload, &data.decisions)) return Corrupt("experiment state");
  if (!payload.empty()) return Corrupt("trailing bytes");
  return data;
}

}  // namespace leadseg
