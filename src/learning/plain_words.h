// A model's weights as a marketer reads them: "pricing_views_2d: +0.44
// log-odds per unit (odds x1.55)". Numeric weights are turned back into
// the column's own units (weight / scale), so they read per view, per
// employee, per day, not per standard deviation.
#pragma once

#include <string>

#include "learning/feature_table.h"

namespace leadseg::learning {

// The weight of `feature` per unit of its column (numeric), or as is.
double PerUnit(const Feature& feature, double weight);

std::string WeightInWords(const Feature& feature, double weight);

// A number with two significant decimals, and a sign when `sign`:
// 0.44, -1.3, 0.0012, 1200.
std::string ShortNumber(double v, bool sign = false);

}  // namespace leadseg::learning
