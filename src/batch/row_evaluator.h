// RowEvaluator: the one call a batch makes per lead, kept narrow so that
// what answers it (one core Engine, erased between leads, as segmentLeads
// uses it) can be swapped in one place for a faster evaluator without
// touching the CSV, join or result code around it.
//
// Nothing on this path is JSON: the row arrives as a Value tree (built from
// the CSV fields by LeadBatch), the lead's events as the value frames the
// EventTable encoded once, and the engine's Value and frame entry points
// take them as they are. The engine is the answer's definition (metrics,
// scoring with caps and decay, grade, temperature with hysteresis,
// lifecycle, RFM), so the batch cannot drift from it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "batch/event_table.h"
#include "config/config.h"
#include "core/json.h"
#include "leadseg/status.h"
#include "core/value.h"
#include "conditions/attributes.h"
#include "leadseg/engine.h"
#include "engine/engine_replay.h"

namespace leadseg {
namespace batch {

struct LeadResult;

class RowEvaluator {
 public:
  explicit RowEvaluator(std::shared_ptr<const CompiledConfig> config);

  const CompiledConfig& config() const { return engine_.config(); }

  // One lead: `attributes` (an object) identified at the first event's
  // time (or at `now`), `events` (sorted by time, none later than `now`)
  // tracked, the lead read at `now`. Fills out's score, grade,
  // temperature, stage and events and sets the bits of `membership`
  // (ceil(segments / 64) words, zeroed by the caller). On failure returns
  // the Status and sets *failed_event to the index of the event that was
  // refused (-1: the attributes were).
  // `small_row`: the row's fields are few enough bytes that identify's
  // size limit cannot refuse them.
  // `declarations` (lead objects' zero-party declarations, key and value)
  // are declared after identify, at the same time; when one is refused,
  // *failed_declaration is its index (else -1).
  struct Declared {
    std::string_view key;
    Value value;
  };
  Status Evaluate(const Value& attributes, const std::vector<const LeadEvent*>& events, TimeMs now,
                  LeadResult* out, uint64_t* membership, int* failed_event, bool small_row = true,
                  const std::vector<Declared>* declarations = nullptr, int* failed_declaration = nullptr);

  // The engine after Evaluate: the lead as read at `now` (metrics, ...).
  const Engine& engine() const { return engine_; }

 private:
  // A config of segments only (no metrics, RFM, scoring, grading,
  // temperature, lifecycle or `declared`): an engine's answer for a lead
  // without events is then its attributes through the segments, which is
  // what CompiledConfig::EvaluateSegments computes, without erasing and
  // identifying an engine (~20 us a row) around it. Only for attributes
  // identify would store as they are (scalars and arrays of scalars, no
  // null, no name it refuses, well within its size limit).
  bool SegmentsOnly(const Value& attributes) const;

  Engine engine_;
  // The lead's events go in through the replayer: the same answer as one
  // TrackFrame per event, with only the path-dependent steps evaluated
  // between events.
  Replayer replayer_;
  std::vector<Replayer::Event> replay_;
  std::vector<std::string> stage_ids_;
  bool segments_only_config_ = false;
  AttributeSet attributes_;
  Document arena_;  // what segment evaluation publishes ("segments")
  std::vector<uint8_t> membership_;
};

}  // namespace batch
}  // namespace leadseg
