// Engine::Impl: the state behind leadseg/engine.h's Engine and the code
// that changes it. Engine forwards its calls here (engine/engine_api.cc);
// engine.cc and engine_decisions.cc implement them, as leadseg/engine.h
// documents them. The nlohmann JSON conveniences are Engine's own, built on
// the Value and ValueWriter forms (engine/engine_json.cc), so they are not
// repeated here. Internal: only src/engine/ includes it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "config/config.h"
#include "core/value.h"
#include "core/value_writer.h"
#include "decisions/decision_state.h"
#include "decisions/slots.h"
#include "decisions/stats.h"
#include "leadseg/engine.h"
#include "leadseg/status.h"
#include "lifecycle/progress.h"
#include "metrics/metric.h"
#include "profile/profile.h"
#include "scoring/scoring.h"

namespace leadseg {

class Engine::Impl {
 public:
  explicit Impl(std::shared_ptr<const CompiledConfig> config);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  const CompiledConfig& config() const { return *config_; }

  Result<SegmentChanges> Identify(const Value& traits, TimeMs now);
  // `names`, if given, name the members of a frame of values alone
  // (Engine::IdentifyNamedValues, which says what `names_version` is).
  Result<SegmentChanges> IdentifyFrame(std::string_view traits_frame, const std::vector<std::string>* names,
                                       TimeMs now, uint64_t names_version = 0);
  Result<SegmentChanges> Declare(const std::string& key, const Value& value, TimeMs now);
  Result<SegmentChanges> DeclareFrame(const std::string& key, std::string_view value_frame, TimeMs now);
  Result<SegmentChanges> Track(const std::string& type, const Value& props, TimeMs ts);
  Result<SegmentChanges> TrackFrame(std::string_view type, std::string_view props_frame, TimeMs ts);
  Result<SegmentChanges> Advance(TimeMs now);

  TimeMs clock() const { return profile_.clock; }
  size_t event_count() const { return profile_.events.size(); }
  const Profile& profile() const { return profile_; }

  std::vector<std::string> Segments() const;
  const SegmentChanges& initial_changes() const { return initial_changes_; }
  void ReportChangesAsIndexes() { change_ids_ = false; }
  void Recycle(SegmentChanges&& spent);
  bool InSegment(size_t index) const { return membership_[index] != 0; }
  const std::vector<uint8_t>& membership() const { return membership_; }

  void Metrics(ValueWriter* out) const;
  void AttributeView(ValueWriter* out) const;
  void ScoreBreakdown(ValueWriter* out) const;
  const ProgressState& progress() const { return progress_; }
  LeadSummary Summary() const;

  Status SetVisitorId(const std::string& id);
  Result<Decision> Decide(const std::string& slot_id, TimeMs now, bool record);
  Status Convert(const std::string& goal, TimeMs now, ValueWriter* out);
  Status AddAggregateCounts(const std::string& experiment, const Value& counts);
  void ExperimentReport(ValueWriter* out, VariantStatistics statistics) const;
  void ExperimentCounts(ValueWriter* out) const;
  const DecisionState& decisions() const { return decisions_; }

  Status Explain(const std::string& segment_id, ValueWriter* out) const;

  std::string Snapshot() const;
  Status Restore(std::string_view snapshot);
  void Export(ValueWriter* out) const;
  void Erase();

 private:
  // A batch's replay (engine/engine_replay.h) stores events and evaluates
  // through the helpers below.
  friend class Replayer;
  struct Scratch;
  // Decide's experiment: the arm `slot`'s experiment gives this visitor
  // (the stored one, else bucketed or the bandit's, recorded if `record`),
  // into `d`. False when the experiment does not apply or cannot bucket the
  // visitor (no id): the slot then decides by its variants' conditions.
  // Out of Decide (engine_decisions.cc) because most slots run none: their
  // first decide should not compile it.
  bool DecideExperiment(const SlotSpec& slot, const AttributeSet& attributes, TimeMs now, bool record,
                        Decision* d);
  // The bandit's arm for `slot`'s experiment (an index into its variants),
  // drawn from the site's counts, per segment where the visitor is in one
  // the site counted; -1 if none. Deterministic per visitor (`hash_value`).
  int ChooseBanditArm(const SlotSpec& slot, const std::string& hash_value);
  // Track's common tail: the retention and size checks, then the event is
  // stored and the segments evaluated. `props`, when given, is the event's
  // properties already decoded from event.props (TrackFrame has them), so
  // they are not decoded a second time.
  Result<SegmentChanges> AddEvent(Event event, const Value* props = nullptr);
  // Identify, IdentifyFrame and IdentifyNamedValues: `frame`, when given,
  // is the value frame `traits` was decoded from, whose bytes are stored as
  // they are; `named` says whether its members carry their names.
  Result<SegmentChanges> IdentifyValues(const Value& traits, const char* frame, bool named, TimeMs now);
  // IdentifyFrame's usual call, in one walk of the frame: every member
  // (named by `names`, if given, else by the frame) replaces an attribute
  // stored already, in the stored order, with a value that is not null
  // and passes the value checks, and the result fits the size limit.
  // Returns false, having changed nothing, for anything else (which the
  // general path then decides, errors included). `names_version` as
  // IdentifyFrame's.
  bool ReplaceStoredFrame(std::string_view frame, const std::vector<std::string>* names, uint64_t names_version);
  // Reads every explicit attribute and declaration again (a new
  // generation: the next evaluation takes every attribute as changed).
  void RebuildValues();
  // After identify replaced the values of the stored attributes at these
  // positions (and nothing was added or removed): reads only those again
  // and marks only their attributes changed for the next evaluation.
  void RefreshAttributes(const std::vector<int32_t>& replaced);
  // Whether the values read since the last RebuildValues outgrew their
  // bound (containers read again take nodes in values_ until a rebuild).
  bool ValuesOutgrown() const { return values_.node_count() > 2 * values_nodes_ + 1024; }
  // Reads stored attribute `position` again from its frame: into the
  // attributes object and, if `base_current` (BaseCurrent), into the
  // evaluation's base set, its attribute marked changed there.
  void RefreshAttribute(size_t position, bool base_current);
  // Whether the evaluation's base set was built from the current values
  // (Evaluate rebuilds one that is behind, and then takes all as changed).
  bool BaseCurrent() const;
  // Calls fn(metric index, field value) for each metric the event matches.
  // and fn_rule(rule index) for each event scoring rule.
  // `props`: e.props decoded, if the caller has it (else decoded here).
  template <typename OnMetric, typename OnRule>
  void ForEachMatch(const Event& e, OnMetric&& fn, OnRule&& fn_rule, const Value* props = nullptr) const;
  void ApplyEvent(const Event& e, std::vector<MetricState>* states, ScoreState* score,
                  const Value* props = nullptr) const;
  void RebuildMetrics();
  void Prune();
  // Prune's step: the oldest event leaves the log, its contributions the
  // metrics (archived if all-time) and the score.
  void DropOldestEvent();
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
  // Recompute with nothing kept from before: every condition is evaluated,
  // as a new engine evaluates them (Erase, Restore).
  SegmentChanges RecomputeWhole();
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
  // in place by RefreshAttributes; each stored attribute's index in the schema (-1
  // when no condition reads it); how many nodes values_ held after the
  // last RebuildValues (values read since are garbage until the next).
  Value* attribute_members_ = nullptr;
  std::vector<int> stored_attrs_;
  size_t values_nodes_ = 0;
  // The explicit attributes' JSON text length as the 256 KB limit counts
  // it, kept so identify does not measure every stored name again.
  size_t attributes_bytes_ = 0;
  ScoreState live_score_;
  ScoreState archived_score_;
  ProgressState progress_;
  DecisionState decisions_;
  // Site-supplied counts: experiment -> variant -> counts, and per segment
  // (experiment -> segment -> variant), in the experiment state's one tree type.
  ExperimentNode aggregate_;
  ExperimentNode aggregate_segments_;
  std::vector<uint8_t> membership_;
  SegmentChanges initial_changes_;
  bool change_ids_ = true;  // Commit names segments by id too (ReportChangesAsIndexes)
  std::unique_ptr<Scratch> scratch_;  // per-call working memory, reused
};

}  // namespace leadseg
