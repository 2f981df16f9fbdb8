#include "engine/temperature_step.h"

namespace leadseg {

void TemperatureStep::Run(Evaluation* e, double score) {
  Temperature next = NextTemperature(*e->config.temperature(), e->progress.temperature, score);
  e->progress.temperature = next;
  e->Derived(e->config.temperature_slot(), static_cast<int>(next) == written_);
  written_ = static_cast<int>(next);
  e->attributes.Set(e->config.temperature_slot(), Value::String(TemperatureName(next)));
}

}  // namespace leadseg
