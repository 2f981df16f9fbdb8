// SlotDecision: what a content slot shows one visitor, and why (a rule's
// condition held, the slot's default, or the slot's experiment assigned
// it). Engine::Decide returns one (leadseg/engine.h); decisions/slots.h
// makes them from a config's compiled slots.
#pragma once

#include <string_view>

#include "leadseg/json_fwd.h"

namespace leadseg {

class ValueWriter;  // core/value_writer.h

// Why a slot shows what it shows.
struct SlotReason {
  enum class Kind {
    kRule,        // variants[rule].when held (and no earlier one did)
    kDefault,     // no `when` held
    kExperiment,  // assigned by the slot's experiment
  };
  Kind kind = Kind::kDefault;
  int rule = -1;                // kRule: index of the variant whose `when` held
  std::string_view condition;   // kRule: JSON Pointer of that `when`
  std::string_view experiment;  // kExperiment: the experiment key
};

// Views into the config's SlotSpec (decisions/slots.h), valid while the
// config lives.
struct SlotDecision {
  std::string_view slot;
  std::string_view variant;
  int variant_index = 0;
  SlotReason reason;

  // {"slot": "hero", "variant": "enterprise",
  //  "reason": {"rule": 0, "condition": "/slots/0/variants/0/when"}}
  // "reason" is {"rule": "default"} for the default and
  // {"experiment": "hero-test"} for an experiment arm. WriteMembers leaves
  // the object open for a caller that adds members (Engine::Decision).
  void WriteMembers(ValueWriter* out) const;
  Json ToJson() const;
};

}  // namespace leadseg
