// StageChange: one move of a visitor from a lifecycle stage to another, as
// a call's SegmentChanges reports it (leadseg/engine.h) and as the
// visitor's progress keeps its history (lifecycle/progress.h).
#pragma once

#include <string>

#include "leadseg/time.h"

namespace leadseg {

struct StageChange {
  std::string from, to;  // stage ids
  TimeMs at = 0;
};

}  // namespace leadseg
