// Profile: what one visitor has told us and done, as stored on the device.
//
// Three kinds of data, kept apart because they age differently:
//  - explicit attributes (identify): job title, company size, country...;
//    the latest value wins;
//  - declarations (zero-party data): what the visitor chose to tell, with
//    when they said it;
//  - the event log: type, time and properties of each action, in time
//    order, pruned by the config's retention policy.
// Everything derived (metrics, segments) is recomputed from these and is
// never stored, except the all-time metric totals of events that retention
// already pruned (see engine.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/ring.h"
#include "profile/stored_value.h"

namespace leadseg {

struct Event {
  TimeMs ts = 0;
  std::string type;
  std::string props;  // an encoded object (core/value_codec.h)
};

struct Declaration {
  StoredValue value;
  TimeMs ts = 0;
};

struct Profile {
  // In the order they were first identified (as the JSON object they were
  // kept in before, and as snapshots hold them); looked up linearly, since
  // a visitor has tens of attributes, not thousands.
  std::vector<std::pair<std::string, StoredValue>> attributes;
  std::map<std::string, Declaration> declarations;
  Ring<Event> events;  // ascending ts; ties keep arrival order
  TimeMs clock = 0;    // the latest time the engine has seen
};

}  // namespace leadseg
