// Engine: one visitor's profile, evaluated live against a compiled config.
//
//   Engine engine(config);
//   engine.Identify({{"job_title", "CTO"}}, now);
//   auto changes = engine.Track("page_view", {{"path", "/pricing"}}, now);
//   // changes->entered == {"high_intent_tech"}
//
// Every mutating call takes the time as an argument, updates the metrics
// incrementally, re-evaluates the segments and returns which segments the
// visitor entered and exited. Only the conditions that read an attribute
// whose value changed since the previous evaluation run again; the others
// keep their answers (engine/attribute_deps.h). The cost of a call depends on the number of
// metrics and segments, not on how many events are stored. Advancing time
// alone (Advance) expires windowed metrics and so can also move segments.
//
// Time: the engine's clock is the latest time it was given and never moves
// backwards (Advance to an earlier time changes nothing). An event older
// than the clock is inserted in time order and the metrics are rebuilt from
// the log, O(history) but exact.
//
// Retention: events older than retention.maxAge, and the oldest beyond
// retention.maxEvents, are pruned. All-time metrics stay exact: the pruned
// events' contributions are kept as running totals (and in snapshots).
// Windowed metrics see only the events retention kept: a window longer than
// maxAge, or one holding more than maxEvents events, undercounts.
//
// Errors: a call that fails returns a Status and leaves the engine exactly
// as it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/json_fwd.h"
#include "leadseg/slot_decision.h"
#include "leadseg/stage_change.h"
#include "leadseg/status.h"
#include "leadseg/time.h"

namespace leadseg {

// Declared in the internal headers that define them; the engine's
// signatures need only their names.
class CompiledConfig;  // config/config.h; made by leadseg/compiler.h or leadseg/compiled_config.h
class Value;           // core/value.h
class ValueWriter;     // core/value_writer.h
struct Profile;        // profile/profile.h
struct DecisionState;  // decisions/decision_state.h
struct ArmCounts;      // decisions/bandit.h
struct VariantStats;   // decisions/stats.h
struct ProgressState;  // lifecycle/progress.h

// What one call changed, for events a page can react to.
struct SegmentChanges {
  std::vector<std::string> entered;
  std::vector<std::string> exited;
  // The same segments as indexes into config().segments(), in the same
  // order: the wasm binding sends these, and JavaScript maps them to the
  // ids it already holds instead of decoding each id's bytes again.
  std::vector<uint32_t> entered_indexes;
  std::vector<uint32_t> exited_indexes;
  std::vector<StageChange> stages;  // lifecycle moves (usually none or one)
  std::string temperature;          // the new temperature, if it changed
  bool mql = false;                 // became a marketing-qualified lead now
  bool sql = false;                 // became a sales-qualified lead now
  bool empty() const {
    return entered.empty() && exited.empty() && stages.empty() && temperature.empty() && !mql && !sql;
  }
  // Every field emptied, the lists keeping their storage (Engine::Recycle).
  void clear() {
    entered.clear();
    exited.clear();
    entered_indexes.clear();
    exited_indexes.clear();
    stages.clear();
    temperature.clear();
    mql = false;
    sql = false;
  }
};

// Limits on what one visitor's calls may carry; larger inputs are rejected
// with OutOfRange rather than slowing down or bloating storage.
inline constexpr size_t kMaxEventTypeBytes = 128;
inline constexpr size_t kMaxEventPropsBytes = 64 * 1024;
inline constexpr size_t kMaxAttributesBytes = 256 * 1024;
inline constexpr size_t kMaxDeclarations = 256;

class Engine {
 public:
  explicit Engine(std::shared_ptr<const CompiledConfig> config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const CompiledConfig& config() const;

  // Merges explicit attributes: each key set to its value, null removes it.
  Result<SegmentChanges> Identify(const Value& traits, TimeMs now);
  // The same, with `traits` encoded as a value frame holding an object
  // (core/value_codec.h): how the JavaScript package sends them.
  Result<SegmentChanges> IdentifyFrame(std::string_view traits_frame, TimeMs now);
  // The same, with the members' names apart: `values_frame` is an object's
  // frame whose members carry no names (the tag, a u32 count, then each
  // value alone), the i-th named names[i]. How the JavaScript package sends
  // traits named as the call before (bindings/engine.cc, kSameKeys).
  // `names_version`, if not 0, must change whenever `names` does (a number
  // no other list of names had): the engine then matches the names with
  // its attributes once per version, not once per call.
  Result<SegmentChanges> IdentifyNamedValues(const std::vector<std::string>& names, std::string_view values_frame,
                                             TimeMs now, uint64_t names_version = 0);
  // Records a zero-party declaration ("interests" -> ["security"]); a null
  // value withdraws it.
  Result<SegmentChanges> Declare(const std::string& key, const Value& value, TimeMs now);
  Result<SegmentChanges> DeclareFrame(const std::string& key, std::string_view value_frame, TimeMs now);
  // Conveniences for nlohmann JSON (tests, the CLI). The binding's JSON-text
  // methods read text with core/value_json.h and call the Value forms, so
  // the runtime module links no JSON parser of nlohmann's. Json is only
  // declared here (leadseg/json_fwd.h): their callers include
  // <nlohmann/json.hpp>, and this header's others never parse it.
  Result<SegmentChanges> Identify(const Json& traits, TimeMs now);
  Result<SegmentChanges> Declare(const std::string& key, const Json& value, TimeMs now);
  // Records an event. `props` is an object (or null for none).
  Result<SegmentChanges> Track(const std::string& type, const Value& props, TimeMs ts);
  Result<SegmentChanges> Track(const std::string& type, const Json& props, TimeMs ts);
  // The same, with `props` already encoded as a value frame holding an
  // object (core/value_codec.h): how the JavaScript package sends them, so
  // an event crosses into wasm without JSON text. Events are stored as
  // frames, so the bytes are kept as they are once checked.
  Result<SegmentChanges> TrackFrame(std::string_view type, std::string_view props_frame, TimeMs ts);
  // Moves the clock forward to `now`.
  Result<SegmentChanges> Advance(TimeMs now);

  TimeMs clock() const;
  size_t event_count() const;
  const Profile& profile() const;

  // Ids of the segments the visitor is in, in config order.
  std::vector<std::string> Segments() const;
  // What a fresh profile starts with: the segments whose conditions hold
  // before any call (a {"segments": {"$size": 0}} catch-all), and any stage,
  // temperature or hand-off reached at once, as the changes of a call would
  // report them. Set by construction and Erase; empty after Restore, whose
  // visitor was already in its segments and must not enter them again.
  const SegmentChanges& initial_changes() const;
  // The changes of the calls after this one name their segments by index
  // only (entered_indexes, exited_indexes; entered and exited stay empty):
  // for a caller that holds the ids itself, as the wasm binding does (its
  // JavaScript maps indexes to ids), no id string is copied per change.
  void ReportChangesAsIndexes();
  // Hands back a change set the caller has read, so that the next call's
  // lists reuse its storage rather than allocate (the wasm binding's calls,
  // once a visitor's segments move); a call's changes are still its own.
  void Recycle(SegmentChanges&& spent);
  bool InSegment(size_t index) const;
  const std::vector<uint8_t>& membership() const;
  // --- documents -----------------------------------------------------------
  // Whole documents for a page or a report. Each is written into `out` as
  // one value frame (core/value_writer.h): the binding hands the bytes to
  // JavaScript, which decodes them (bindings/frame.post.js), so the runtime
  // needs no JSON library. The Json overloads read the same frames back as
  // JSON for tests and the CLI (engine/engine_json.cc; the runtime module
  // does not link them).

  // Every metric's current value, by id.
  void Metrics(ValueWriter* out) const;
  Json Metrics() const;
  // Everything segment conditions can read, as they read it now.
  void AttributeView(ValueWriter* out) const;
  Json AttributeView() const;
  // Score, grade, temperature, stage and where each comes from: every
  // award with its rule and event, the decay applied, the trait and grading
  // rules that matched. Null fields when the section is not configured.
  void ScoreBreakdown(ValueWriter* out) const;
  Json ScoreBreakdown() const;
  const ProgressState& progress() const;
  // The headline numbers without the breakdown, for batch use: score (NaN
  // without scoring), grade and leadCell ("" without grading), temperature
  // and stage ("" when not configured); mql/sql say whether the lead has
  // qualified by now (false without a lifecycle).
  struct LeadSummary {
    double score;
    std::string grade, lead_cell, temperature, stage;
    bool mql = false, sql = false;
  };
  LeadSummary Summary() const;

  // --- decisions (content slots, form experiments) -------------------------

  // The id experiments hash on when no "id" attribute is identified.
  Status SetVisitorId(const std::string& id);
  // What slot `slot_id` shows this visitor now, and why. When the slot's
  // experiment applies, the visitor is assigned once (A/B by GrowthBook
  // hashing, or by the Thompson bandit) and keeps that variant for good;
  // the first assignment counts one exposure (`first_exposure`).
  struct Decision {
    SlotDecision slot;
    std::string experiment;  // empty when no experiment decided
    bool first_exposure = false;
    // {slot, variant, reason, experiment}.
    void Write(ValueWriter* out) const;
    Json ToJson() const;
  };
  // `record` false is a peek: the variant a recording call would return
  // now, with nothing stored (no sticky assignment, no exposure), for
  // previews and prefetching. The engine is left exactly as it was.
  Result<Decision> Decide(const std::string& slot_id, TimeMs now, bool record = true);
  // Attributes a conversion of `goal` to every experiment the visitor is
  // assigned in (once per experiment and goal). Returns the experiments.
  // Writes {goal, attributed: [{experiment, variant}]}; on error nothing is
  // written or recorded.
  Status Convert(const std::string& goal, TimeMs now, ValueWriter* out);
  Result<Json> Convert(const std::string& goal, TimeMs now);
  // Aggregate counts the site collected from many visitors, merged into
  // the bandit's weights: {"variant": {"exposures": n, "conversions": m},
  // "segments": {"seg": {"variant": {...}}}}. Not stored in snapshots.
  // An experiment no slot runs, or a variant not in it, is an error.
  Status AddAggregateCounts(const std::string& experiment, const Value& counts);
  Status AddAggregateCounts(const std::string& experiment, const Json& counts);
  // Per experiment: its slot, mode and the visitor's variant; per variant
  // the exposures and conversions (device plus site counts); and the
  // device's counts per segment. `statistics` (decisions/stats.h's
  // ComputeVariantStats), when given, adds each variant's rate, credible
  // interval and probability to be best. It is a pointer so that a module
  // that passes none links none of lgamma/log/log1p: the wasm modules pass
  // none and the package computes the same figures in JavaScript from the
  // counts (web/src/experiment-stats.js). The Json form carries them.
  using VariantStatistics = Result<std::vector<VariantStats>> (*)(const std::vector<ArmCounts>&, double);
  void ExperimentReport(ValueWriter* out, VariantStatistics statistics = nullptr) const;
  Json ExperimentReport() const;
  // The device's own counts: {experiment: {variant: {exposures, conversions}}}.
  void ExperimentCounts(ValueWriter* out) const;
  const DecisionState& decisions() const;

  // Why the visitor is or is not in `segment_id`: each condition leaf with
  // the value it saw.
  // On error (an unknown segment) nothing is written.
  Status Explain(const std::string& segment_id, ValueWriter* out) const;
  Result<Json> Explain(const std::string& segment_id) const;

  // The whole profile as a versioned, checksummed binary snapshot.
  std::string Snapshot() const;
  // Replaces the profile with a snapshot. Truncated, corrupted or
  // future-version data is rejected with DataLoss/FailedPrecondition and
  // the engine is left untouched.
  Status Restore(std::string_view snapshot);
  // Everything stored about the visitor, readable (data-subject export).
  void Export(ValueWriter* out) const;
  Json Export() const;
  // Forgets the visitor entirely.
  void Erase();

 private:
  // A batch's replay of a lead's history (engine/engine_replay.h) works on
  // the state itself: Track's storage of each event, with fewer
  // evaluations between them.
  friend class Replayer;
  // The visitor's state and how each call changes it (engine/engine_impl.h),
  // out of this header so that what it holds and the headers it needs can
  // change without touching the API or recompiling its callers.
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadseg
