#include "learning/silhouette.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace leadseg::learning {

double Silhouette(const Points& pts, const std::vector<int>& labels, int k, const std::vector<size_t>& rows) {
  const size_t m = rows.size();
  if (m < 2) return 0;
  std::vector<double> counts(static_cast<size_t>(k), 0.0);
  for (size_t r : rows) counts[static_cast<size_t>(labels[r])] += 1;
  std::vector<double> sums(static_cast<size_t>(k));
  double total = 0;
  for (size_t a = 0; a < m; ++a) {
    std::fill(sums.begin(), sums.end(), 0.0);
    const double* xa = pts.row(rows[a]);
    for (size_t b = 0; b < m; ++b) {
      if (a == b) continue;
      const double* xb = pts.row(rows[b]);
      double d = 0;
      for (size_t j = 0; j < pts.p; ++j) d += (xa[j] - xb[j]) * (xa[j] - xb[j]);
      sums[static_cast<size_t>(labels[rows[b]])] += std::sqrt(d);
    }
    size_t own = static_cast<size_t>(labels[rows[a]]);
    if (counts[own] <= 1) continue;  // a singleton scores 0
    double in = sums[own] / (counts[own] - 1);
    double out = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < static_cast<size_t>(k); ++c) {
      if (c != own && counts[c] > 0) out = std::min(out, sums[c] / counts[c]);
    }
    if (!std::isfinite(out)) continue;
    double denom = std::max(in, out);
    if (denom > 0) total += (out - in) / denom;
  }
  return total / static_cast<double>(m);
}

}  // namespace leadseg::learning
