#include "engine/temperature_step.h"

namespace leadseg {

void TemperatureStep::Run(Evaluation* e, double score) {
  Temperature next = NextTemperature(*e->config.temperature(), e->progress.temperature, score);
  e->progress.temperature = next;
  e->Derived(e->config.temperature_attr(), static_cast<int>(next) == written_);
  written_ = static_cast<int>(next);
  e->attributes.Set(e->config.temperature_attr(), Value::String(TemperatureName(next)));
}

}  // namespace leadseg
