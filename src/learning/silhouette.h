// The mean silhouette of a clustering (Rousseeuw 1987), as scikit-learn's
// silhouette_score: for each row, (b - a) / max(a, b) with a the mean
// distance to its own cluster and b to the nearest other cluster; 0 for a
// row alone in its cluster. Exact cost is rows^2, so callers pass a sample.
#pragma once

#include <cstddef>
#include <vector>

#include "learning/kmeans.h"

namespace leadseg::learning {

// `rows`: the rows to score and measure between (a sample of `points`).
double Silhouette(const Points& points, const std::vector<int>& labels, int k, const std::vector<size_t>& rows);

// The distances between every pair of `rows` of `points` (the packed lower
// triangle, float64): what the silhouette of any labelling of those rows
// needs. Discovery scores k = 2..10 on the same rows, so it measures them
// once here (1,500 rows: 9 MB) instead of once per k.
class PairwiseDistances {
 public:
  PairwiseDistances() = default;
  PairwiseDistances(const Points& points, std::vector<size_t> rows);

  const std::vector<size_t>& rows() const { return rows_; }
  // Distances from row b to rows 0..b-1, in order.
  const double* below(size_t b) const { return d_.data() + b * (b - 1) / 2; }

 private:
  std::vector<size_t> rows_;
  std::vector<double> d_;
};

// The same mean silhouette as above, from precomputed distances; `labels`
// are per row of `points` (as above), read at distances.rows().
double Silhouette(const PairwiseDistances& distances, const std::vector<int>& labels, int k);

}  // namespace leadseg::learning
