#include "profile/snapshot.h"

#include <map>
#include <vector>

#include "core/bytes.h"
#include "core/duration.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/value.h"
#include "core/value_checks.h"
#include "core/value_codec.h"

namespace leadseg {
namespace {

constexpr char kMagic[4] = {'L', 'S', 'N', 'P'};
constexpr size_t kHeaderSize = 4 + 1 + 4 + 4;

Status Corrupt(std::string_view what) { return SnapshotCorrupt(what); }

// `text` with each '#' replaced by the next number, in decimal: one copy
// of the message building for every message that holds numbers (the
// runtime pays for each operator+ and std::to_string chain).
std::string Numbered(const char* text, uint64_t first, uint64_t second = 0) {
  std::string out;
  for (; *text != 0; ++text) {
    if (*text != '#') {
      out += *text;
      continue;
    }
    out += std::to_string(first);
    first = second;
  }
  return out;
}

// "snapshot is corrupted: <what>" with item `i`'s number for the '#'.
Status CorruptItem(const char* what, uint64_t i) { return Corrupt(Numbered(what, i)); }

// A time a snapshot may hold: 1970..2200 (the clock of an engine that was
// never called is 0, and older engines accepted times before kEarliestTime).
bool StoredTime(double t) { return t >= static_cast<double>(kMinTime) && t <= static_cast<double>(kMaxTime); }

// An attribute or declaration value: a frame that decodes (no trailing
// bytes) to what identify and declare accept (UTF-8 strings, finite
// numbers, as deep as JSON input could nest).
Result<Value> ReadFrame(std::string_view frame, Document* arena) {
  arena->Clear();
  auto v = DecodeValue(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), arena, kMaxJsonDepth + 1);
  if (!v.ok()) return v;
  if (!PassesCheckValue(*v, kMaxJsonDepth + 1)) return DataLoss("value");
  return v;
}

}  // namespace

Status SnapshotCorrupt(std::string_view what) {
  return DataLoss("snapshot is corrupted: " + std::string(what));
}

std::string EncodeSnapshot(const SnapshotData& data) { return EncodeSnapshot(data.profile, data); }

std::string EncodeSnapshot(const Profile& p, const SnapshotData& data) {
  using namespace bytes;
  std::string payload;
  PutSigned(p.clock, &payload);
  // Attributes and declarations: the frames the profile holds, as they are.
  PutVarint(p.attributes.size(), &payload);
  for (const auto& [name, stored] : p.attributes) {
    PutString(name, &payload);
    PutString(stored.frame, &payload);
  }
  PutVarint(p.declarations.size(), &payload);
  for (const auto& [key, d] : p.declarations) {
    PutString(key, &payload);
    PutSigned(d.ts, &payload);
    PutString(d.value.frame, &payload);
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
  PutFixed32(static_cast<uint32_t>(payload.size()), &out);
  PutFixed32(Crc32(payload), &out);
  out += payload;
  return out;
}

Result<std::string_view> SnapshotPayload(std::string_view in, uint8_t* version) {
  using bytes::Crc32;
  if (in.size() < kHeaderSize) return DataLoss(Numbered("snapshot is truncated (# bytes)", in.size()));
  if (in.substr(0, 4) != std::string_view(kMagic, 4)) return DataLoss("not a leadseg snapshot (bad magic)");
  *version = static_cast<uint8_t>(in[4]);
  if (*version > kSnapshotVersion) {
    return FailedPrecondition(
        Numbered("snapshot format # is newer than this engine reads (#)", *version, kSnapshotVersion));
  }
  if (*version == 0) return Corrupt("format version 0");
  uint32_t length = bytes::DecodeFixed32(in.data() + 5);
  uint32_t crc = bytes::DecodeFixed32(in.data() + 9);
  std::string_view payload = in.substr(kHeaderSize);
  if (payload.size() != length) {
    return DataLoss(
        Numbered("snapshot is truncated or padded: payload is # bytes, header says #", payload.size(), length));
  }
  if (Crc32(payload) != crc) return Corrupt("checksum mismatch");
  return payload;
}

Status DecodeSnapshotBody(std::string_view* payload, SnapshotData* data) {
  bytes::Reader r(*payload);
  size_t n = r.Count(UINT64_MAX);
  if (!r.ok()) return Corrupt("event count");
  TimeMs ts = 0;
  for (size_t i = 0; i < n; ++i) {
    Event e;
    const int64_t delta = r.I();
    r.S(&e.type);
    r.S(&e.props);
    if (!r.ok()) return CorruptItem("event #", i);
    if (!IsValidUtf8(e.type)) return CorruptItem("event # type", i);
    if (delta < 0 || !StoredTime(static_cast<double>(ts) + static_cast<double>(delta))) {
      return CorruptItem("event # time", i);
    }
    ts += delta;
    e.ts = ts;
    data->profile.events.push_back(std::move(e));
  }
  // The clock is the latest time the engine saw: a valid time, and never
  // before the newest event.
  const Profile& p = data->profile;
  if (!StoredTime(static_cast<double>(p.clock)) || (!p.events.empty() && p.clock < ts)) return Corrupt("clock");
  n = r.Count(UINT64_MAX);
  if (!r.ok()) return Corrupt("archive count");
  for (size_t i = 0; i < n; ++i) {
    MetricArchive a;
    for (std::string* field : {&a.metric_id, &a.fingerprint, &a.state}) r.S(field);
    if (!r.ok()) return CorruptItem("metric archive #", i);
    data->archives.push_back(std::move(a));
  }
  r.S(&data->score);
  r.S(&data->progress);
  if (!r.ok()) return Corrupt("score and progress");
  *payload = *r.rest();
  return Status::Ok();
}

namespace {

// Format 2's payload into `*data`. A Status rather than a Result: each of
// its many error returns then builds one Status, not a Result around it.
Status DecodeFormat2(std::string_view payload, SnapshotData* out) {
  bytes::Reader r(payload);
  SnapshotData& data = *out;
  Profile& p = data.profile;
  p.clock = r.I();
  if (!r.ok()) return Corrupt("header fields");
  Document arena;
  std::string frame;
  size_t n = r.Count(UINT64_MAX);
  if (!r.ok()) return Corrupt("attribute count");
  for (size_t i = 0; i < n; ++i) {
    std::string name;
    r.S(&name);
    r.S(&frame);
    if (!r.ok() || !IsValidUtf8(name)) return CorruptItem("attribute #", i);
    auto value = ReadFrame(frame, &arena);
    if (!value.ok()) return CorruptItem("attribute # value", i);
    p.attributes.emplace_back(std::move(name), StoredValue());
    p.attributes.back().second.AssignFrame(frame, JsonTextSize(*value));
  }
  // Each name once, as in the JSON object format 1 held. The names go in
  // a tree, not a sort (std::sort would be the runtime's only sort: 1.6 KB
  // of code for this check alone), and in the declarations' tree type with
  // its values unused: its operator[] is code the runtime wasm carries
  // anyway, where a std::set<std::string> was ~125 B gzip of its own.
  std::map<std::string, Declaration> names;
  for (const auto& attribute : p.attributes) {
    const size_t before = names.size();
    names[attribute.first];
    if (names.size() == before) return Corrupt("an attribute name repeats");
  }
  n = r.Count(UINT64_MAX);
  if (!r.ok()) return Corrupt("declaration count");
  for (size_t i = 0; i < n; ++i) {
    std::string key;
    r.S(&key);
    const TimeMs ts = r.I();
    r.S(&frame);
    if (!r.ok() || key.empty() || !IsValidUtf8(key) || !StoredTime(static_cast<double>(ts))) {
      return CorruptItem("declaration #", i);
    }
    auto value = ReadFrame(frame, &arena);
    if (!value.ok()) return CorruptItem("declaration # value", i);
    // Added through operator[], as declare adds them (the tree's one insert
    // path in the runtime wasm); a key that is there already repeats.
    const size_t before = p.declarations.size();
    Declaration& d = p.declarations[key];
    if (p.declarations.size() == before) return CorruptItem("declaration #", i);
    d.ts = ts;
    d.value.AssignFrame(frame, JsonTextSize(*value));
  }
  if (Status s = DecodeSnapshotBody(r.rest(), &data); !s.ok()) return s;
  r.S(&data.decisions);
  if (!r.ok()) return Corrupt("experiment state");
  if (!r.at_end()) return Corrupt("trailing bytes");
  return Status::Ok();
}

}  // namespace

Status DecodeSnapshot(std::string_view in, SnapshotData* out) {
  uint8_t version = 0;
  auto checked = SnapshotPayload(in, &version);
  if (!checked.ok()) return checked.status();
  if (version != kSnapshotVersion) return FailedPrecondition(kSnapshotNeedsUpgrade);
  return DecodeFormat2(*checked, out);
}

}  // namespace leadseg
