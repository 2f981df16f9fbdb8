// The mean silhouette of a clustering (Rousseeuw 1987), as scikit-learn's
// silhouette_score: for each row, (b - a) / max(a, b) with a the mean
// distance to its own cluster and b to the nearest other cluster; 0 for a
// row alone in its cluster. Exact cost is rows^2, so callers pass a sample.
#pragma once

#include <vector>

#include "learning/kmeans.h"

namespace leadseg::learning {

// `rows`: the rows to score and measure between (a sample of `points`).
double Silhouette(const Points& points, const std::vector<int>& labels, int k, const std::vector<size_t>& rows);

}  // namespace leadseg::learning
