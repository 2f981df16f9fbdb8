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
// keep their answers (engine/slot_deps.h). The cost of a call depends on the number of
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

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "config/config.h"
#include "core/json.h"
#include "leadseg/status.h"
#include "core/value_writer.h"
#include "metrics/metric.h"
#include "lifecycle/progress.h"
#include "profile/profile.h"
#include "decisions/decision_state.h"
#include "decisions/slots.h"
#include "decisions/stats.h"
#include "scoring/scoring.h"

namespace leadseg {

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

  const CompiledConfig& config() const { return *config_; }

  // Merges explicit attributes: each key set to its value, null removes it.
  Result<SegmentChanges> Identify(const Value& traits, TimeMs now);
  // The same, with `traits` encoded as a value frame holding an object
  // (core/value_codec.h): how the JavaScript package sends them.
  Result<SegmentChanges> IdentifyFrame(std::string_view traits_frame, TimeMs now);
  // Records a zero-party declaration ("interests" -> ["security"]); a null
  // value withdraws it.
  Result<SegmentChanges> Declare(const std::string& key, const Value& value, TimeMs now);
  Result<SegmentChanges> DeclareFrame(const std::string& key, std::string_view value_frame, TimeMs now);
  // Conveniences for nlohmann JSON (tests, the CLI). The binding's JSON-text
  // methods read text with core/value_json.h and call the Value forms, so
  // the runtime module links no JSON parser of nlohmann's.
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

  TimeMs clock() const { return profile_.clock; }
  size_t event_count() const { return profile_.events.size(); }
  const Profile& profile() const { return profile_; }

  // Ids of the segments the visitor is in, in config order.
  std::vector<std::string> Segments() const;
  // What a fresh profile starts with: the segments whose conditions hold
  // before any call (a {"segments": {"$size": 0}} catch-all), and any stage,
  // temperature or hand-off reached at once, as the changes of a call would
  // report them. Set by construction and Erase; empty after Restore, whose
  // visitor was already in its segments and must not enter them again.
  const SegmentChanges& initial_changes() const { return initial_changes_; }
  bool InSegment(size_t index) const { return membership_[index] != 0; }
  const std::vector<uint8_t>& membership() const { return membership_; }
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
  const ProgressState& progress() const { return progress_; }
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
  const DecisionState& decisions() const { return decisions_; }

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
  // A batch's replay of a lead's history (engine/engine_replay.h): Track's
  // storage of each event, with fewer evaluations between them.
  friend class Replayer;
  struct Scratch;
  // Track's common tail: the retention and size checks, then the event is
  // stored and the segments evaluated. `props`, when given, is the event's
  // properties already decoded from event.props (TrackFrame has them), so
  // they are not decoded a second time.
  Result<SegmentChanges> AddEvent(Event event, const Value* props = nullptr);
  // Identify and IdentifyFrame: `frame`, when given, is the value frame
  // `traits` was decoded from, whose bytes are stored as they are.
  Result<SegmentChanges> IdentifyValues(const Value& traits, const char* frame, TimeMs now);
  // Reads every explicit attribute and declaration again (a new
  // generation: the next evaluation takes every slot as changed).
  void RebuildValues();
  // After identify replaced the values of the stored attributes at these
  // positions (and nothing was added or removed): reads only those again
  // and marks only their slots changed for the next evaluation.
  void RefreshAttributes(const std::vector<int32_t>& replaced);
  // Calls fn(metric index, field value) for each metric the event matches.
  // and fn_rule(rule index) for each event scoring rule.
  // `props`: e.props decoded, if the caller has it (else decoded here).
  template <typename OnMetric, typename OnRule>
  void ForEachMatch(const Event& e, OnMetric&& fn, OnRule&& fn_rule, const Value* props = nullptr) const;
  void ApplyEvent(const Event& e, std::vector<MetricState>* states, ScoreState* score,
                  const Value* props = nullptr) const;
  void RebuildMetrics();
  void Prune();
  // Recomputes the attribute set, the membership and the progress (stage,
  // temperature, hand-offs) at the clock, from the current progress.
  // `progress` receives only this evaluation's stage moves (Commit appends
  // them), so it must not be &progress_.
  void Evaluate(std::vector<uint8_t>* membership, ProgressState* progress) const;
  SegmentChanges Commit();
  // Evaluate + Commit for a state that is new or replaced as a whole
  // (construction, Erase, Restore); returns the changes from the previous
  // membership, which only a fresh profile reports (initial_changes).
  SegmentChanges Recompute();
  // After attributes or declarations changed at `now`: move the clock,
  // prune, expire, re-evaluate and report what changed.
  // `rebuild` false: the values are already read (RefreshAttributes).
  SegmentChanges SettleProfileChange(TimeMs now, bool rebuild = true);
  Status CheckTime(TimeMs t, const char* what) const;
  // Evaluates into scratch memory (nothing is committed) and returns the
  // attribute set conditions saw; valid until the next evaluation.
  const AttributeSet& EvaluateScratch() const;

  std::shared_ptr<const CompiledConfig> config_;
  Profile profile_;
  std::vector<MetricState> live_;      // current metric states
  std::vector<MetricState> archived_;  // all-time totals of pruned events
  Document values_;                    // explicit attributes and declarations as Values
  uint64_t values_generation_ = 0;     // counts RebuildValues (Scratch caches by it)
  Value attributes_value_;
  Value declared_value_;
  // attributes_value_'s members (name, value pairs in values_), replaced
  // in place by RefreshAttributes; each stored attribute's schema slot (-1
  // when no condition reads it); how many nodes values_ held after the
  // last RebuildValues (values read since are garbage until the next).
  Value* attribute_members_ = nullptr;
  std::vector<int> attribute_slots_;
  size_t values_nodes_ = 0;
  // The explicit attributes' JSON text length as the 256 KB limit counts
  // it, kept so identify does not measure every stored name again.
  size_t attributes_bytes_ = 0;
  ScoreState live_score_;
  ScoreState archived_score_;
  ProgressState progress_;
  DecisionState decisions_;
  // Site-supplied counts: experiment -> variant -> counts, and per segment.
  std::map<std::string, std::map<std::string, ArmCounts>> aggregate_;
  std::map<std::string, std::map<std::string, std::map<std::string, ArmCounts>>> aggregate_segments_;
  std::vector<uint8_t> membership_;
  SegmentChanges initial_changes_;
  std::unique_ptr<Scratch> scratch_;  // per-call working memory, reused
};

}  // namespace leadseg
