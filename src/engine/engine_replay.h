// Replayer: a lead's whole history through an Engine for a batch, with the
// answer TrackFrame per event + Advance(now) gives, at a fraction of the
// evaluations.
//
//   Replayer replayer(config);                 // once per config and thread
//   engine.Erase();
//   engine.Identify(attributes, events[0].ts);
//   replayer.Replay(&engine, events, n, now, &failed);
//   engine.membership(); engine.Summary();     // as after the per-event calls
//
// Why it is cheaper: Track evaluates every segment, the score, grade,
// temperature and stage after every event, because a page reacts to each
// change. A batch reads the lead once, at `now`, so segment memberships are
// only needed at the end: they depend on the state, not on the path. What
// does depend on the path is the lead's progress (the ProgressState):
// temperature (hysteresis: the previous temperature), the stage (moves are
// kept; regression may be refused) and the first time each hand-off (MQL,
// SQL) held. So after each event but the last, only the evaluation steps
// those read are run (the ReplayPlan: the temperature and stage steps and,
// transitively, the score, grade and segments their conditions read), and
// the full evaluation runs once at the end. Metrics and score awards
// (caps, oncePer, decay) are applied per event exactly as Track applies
// them. tests/native/batch_events_diff_test.cc checks the answers against a
// fresh Engine fed every call.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "leadseg/status.h"
#include "core/value.h"
#include "conditions/attributes.h"
#include "leadseg/engine.h"
#include "lifecycle/progress.h"
#include "profile/profile.h"
#include "scoring/scoring.h"

namespace leadseg {

// What of an evaluation a replayed event needs, for one config.
struct ReplayPlan {
  explicit ReplayPlan(const CompiledConfig& config);

  // Per step of config.evaluation_order(): run it after a replayed event.
  std::vector<uint8_t> steps;
  // Metrics whose values the needed steps' conditions read.
  std::vector<size_t> metrics;
  // Nothing path-dependent to evaluate (no temperature, no lifecycle): the
  // events only feed metrics and score.
  bool nothing = false;
  // Every step is needed, or the plan cannot say which are (a predictive
  // model, RFM read by a progress condition): evaluate in full.
  bool full = false;

  // The conditions the steps evaluate, numbered: segment i is i, then the
  // score's rules, the grade's, the stages', MQL and SQL.
  size_t score_rules = 0, grade_rules = 0, stage_conditions = 0, mql = 0, sql = 0, conditions = 0;
  // Per condition: it reads "segments"; it reads only what a replay cannot
  // change (attributes, declarations: set before the events), so its
  // answer holds for the whole of one lead's replay.
  std::vector<uint8_t> reads_segments, stable;
};

class Replayer {
 public:
  explicit Replayer(const CompiledConfig& config);

  struct Event {
    std::string_view type;
    std::string_view props_frame;  // a value frame holding an object
    TimeMs ts;
  };

  // Tracks `events` (in time order) into `engine` and advances it to `now`
  // when `now` is later than the last event: afterwards the engine holds
  // the membership, progress and metrics it would after TrackFrame for each
  // event and Advance(now). Each event is checked as TrackFrame checks it;
  // on the first one refused, returns its Status with *failed_event its
  // index (the engine is then as after the events before it).
  Status Replay(Engine* engine, const Event* events, size_t n, TimeMs now, int* failed_event);

  // Takes the events `engine` stores (those of the lead replayed last),
  // to be erased next, as buffers the next replay's events are copied
  // into: a batch then allocates no strings per event once its leads'
  // histories have been seen (at most kMaxSpare are kept: a long history
  // does not hold its memory for the rest of the batch). Call just before
  // engine->Erase().
  void Reclaim(Engine* engine);

 private:
  // Track's checks and storage of one event, without its evaluation.
  Status Add(Engine::Impl* engine, const Event& event);
  // The plan's steps at the engine's clock, from its committed progress,
  // into next_; committed as Commit would commit them.
  void EvaluateProgress(Engine::Impl* engine);

  ReplayPlan plan_;
  // The lead's attributes and declarations are set once per replay; the
  // attributes evaluation computes are set before they are read, every time.
  AttributeSet attributes_;
  std::vector<int8_t> stable_answers_;  // per condition: -1 not yet evaluated this replay
  Document arena_;
  std::vector<uint8_t> membership_;
  ProgressState next_;
  static constexpr size_t kMaxSpare = 256;
  std::vector<leadseg::Event> spare_;  // Reclaim's, their strings' capacity reused by Add
};

}  // namespace leadseg
