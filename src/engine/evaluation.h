// Evaluation: one pass over a visitor's attribute set, and what its steps
// share.
//
// Engine::Evaluate fills the attribute set (explicit attributes,
// declarations, metrics, RFM), then runs the steps in the order the
// compiler chose (CompiledConfig::evaluation_order): segments, the score,
// the predictive model, the grade, the temperature and the lifecycle, each
// reading the attributes written before it and writing its own. A step runs a
// condition again only when an attribute the condition reads changed since the
// previous evaluation (engine/attribute_deps.h); the answers it keeps for that
// live in the step itself:
//
//   engine/segment_step.h      segment membership
//   engine/score_step.h        trait rules, clamping ("score")
//   engine/grade_step.h        grading rules, bands ("grade", "leadCell")
//   engine/temperature_step.h  cold/warm/hot with hysteresis ("temperature")
//   engine/lifecycle_step.h    stages, MQL and SQL ("stage", "mql", "sql")
//   engine/rfm_step.h          the RFM cell ("rfm")
//
// Private to the engine: nothing outside src/engine includes these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"
#include "config/config.h"
#include "core/duration.h"
#include "core/value.h"
#include "engine/attribute_deps.h"
#include "lifecycle/progress.h"
#include "segments/segment_program.h"

namespace leadseg {

class Evaluation {
 public:
  // `kept` false: no previous evaluation to compare with (a new engine, or
  // after Restore or Erase), so every condition runs.
  Evaluation(const CompiledConfig& config, const AttributeDeps& deps, AttributeChanges* changed,
             AttributeSet* attributes, Document* arena, std::vector<uint8_t>* membership, ProgressState* progress,
             TimeMs now, bool kept)
      : config(config),
        deps(deps),
        changed(*changed),
        attributes(*attributes),
        arena(*arena),
        membership(*membership),
        progress(*progress),
        now(now),
        kept(kept) {}
  Evaluation(const Evaluation&) = delete;
  Evaluation& operator=(const Evaluation&) = delete;

  const CompiledConfig& config;
  const AttributeDeps& deps;
  AttributeChanges& changed;        // the attributes whose values differ from the previous evaluation's
  AttributeSet& attributes;    // what conditions read, written as the steps go
  Document& arena;             // derived values' strings and arrays
  std::vector<uint8_t>& membership;
  ProgressState& progress;     // this evaluation's stage and temperature (moves only)
  const TimeMs now;
  const bool kept;

  // Whether condition `id` (AttributeDeps numbering) has to run again.
  bool Stale(size_t id) const { return !kept || deps.Affected(id, changed); }
  // Whether a condition reading `reads` (AttributeChanges words, as
  // AttributeDeps::AddReads gives them) has to run again.
  bool AnyStale(const std::vector<uint64_t>& reads) const { return !kept || changed.Intersects(reads.data()); }
  // A derived value was written to `attr`: marks it changed unless it is
  // `same` as the previous evaluation's.
  void Derived(int attr, bool same) {
    if (!same || !kept) changed.Add(attr);
  }
  // Whether `condition` holds now. Conditions reading "segments" see the
  // segments decided so far, which always include every segment they name
  // (evaluation order).
  bool Holds(const Condition& condition, bool reads_segments);
  // The same for segment `i`, through the config's segment program, which
  // decides every stable attribute's leaves once, on the first segment
  // that has to run.
  bool HoldsSegment(size_t i, bool reads_segments);
  // Every segment, bit i of `words` segment i (SegmentProgram::EvaluateAll):
  // only where no segment reads "segments" (nothing is published).
  void HoldsAllSegments(uint64_t* words);
  // A segment step ran: the "segments" array is written again before the
  // next condition that reads it.
  void MembershipMoved() { segments_dirty_ = true; }
  // Writes the "segments" array now if a segment step ran since it was last
  // written (before a reader of it, and once at the end of the pass).
  void PublishSegments();

 private:
  bool segments_dirty_ = true;
  Value* segment_ids_ = nullptr;  // the "segments" array, reused by every publish
  SegmentProgram::State segment_state_;
  bool program_begun_ = false;
};

// The answers a step keeps for its conditions (trait rules, grading rules,
// lifecycle stages) between evaluations, so that a condition none of whose
// attributes changed is not run again.
class KeptAnswers {
 public:
  // Appends condition i; null for one that has none (never asked).
  void Add(const CompiledConfig& config, const Condition* condition);
  // Condition i's answer now: run again when an attribute it reads changed since
  // the last evaluation (`id`: its AttributeDeps number), else the kept one.
  bool Ask(Evaluation* e, size_t i, size_t id, const Condition& condition);
  // What condition i answered last (false if never asked).
  bool operator[](size_t i) const { return answers_[i] != 0; }

 private:
  std::vector<uint8_t> answers_;
  std::vector<uint8_t> reads_segments_;
};

// Whether `condition` reads the "segments" attribute (so the array must be
// written before it runs), decided once per config.
bool ReadsSegments(const CompiledConfig& config, const Condition& condition);

}  // namespace leadseg
