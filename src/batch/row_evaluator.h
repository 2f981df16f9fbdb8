// RowEvaluator: the one call a batch makes per lead, kept narrow so that
// what answers it (today one core Engine, erased between leads, as
// segmentLeads uses it) can be swapped in one place for a faster
// evaluator without touching the CSV, join or result code around it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "batch/event_table.h"
#include "config/config.h"
#include "core/json.h"
#include "core/status.h"
#include "engine/engine.h"

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
  Status Evaluate(const Json& attributes, const std::vector<const LeadEvent*>& events, TimeMs now,
                  LeadResult* out, uint64_t* membership, int* failed_event);

 private:
  Engine engine_;
  std::vector<std::string> stage_ids_;
};

}  // namespace batch
}  // namespace leadseg
