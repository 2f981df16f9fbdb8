// The RFM step: recency, frequency and monetary scores 1-5 from three
// metrics (config/config.h, RfmSpec), written as "rfm": {r, f, m, cell,
// score}, where cell is "555" for the best customers.
#pragma once

#include <vector>

#include "core/value.h"
#include "engine/evaluation.h"

namespace leadseg {

// `metric_values`: this evaluation's, by metric. "rfm" counts as changed
// when one of its three metrics did.
void WriteRfm(Evaluation* e, const RfmSpec& rfm, const std::vector<Value>& metric_values);

}  // namespace leadseg
