#include "engine/rfm_step.h"

namespace leadseg {

void WriteRfm(Evaluation* e, const RfmSpec& rfm, const std::vector<Value>& metric_values) {
  const CompiledConfig& c = e->config;
  for (int metric : {rfm.recency.metric_index, rfm.frequency.metric_index, rfm.monetary.metric_index}) {
    if (e->changed.Has(c.metric_attr(static_cast<size_t>(metric)))) e->changed.Add(c.rfm_attr());
  }
  int r = rfm.recency.Score(metric_values[static_cast<size_t>(rfm.recency.metric_index)]);
  int f = rfm.frequency.Score(metric_values[static_cast<size_t>(rfm.frequency.metric_index)]);
  int m = rfm.monetary.Score(metric_values[static_cast<size_t>(rfm.monetary.metric_index)]);
  char cell[4] = {static_cast<char>('0' + r), static_cast<char>('0' + f), static_cast<char>('0' + m), 0};
  Value* members = e->arena.AllocateChildren(10);
  const char* keys[] = {"r", "f", "m", "cell", "score"};
  Value values[] = {Value::Number(r), Value::Number(f), Value::Number(m), e->arena.CopyString(cell),
                    Value::Number(r + f + m)};
  for (int i = 0; i < 5; ++i) {
    members[2 * i] = Value::String(keys[i]);
    members[2 * i + 1] = values[i];
  }
  e->attributes.Set(c.rfm_attr(), Document::MakeObject(members, 5));
}

}  // namespace leadseg
