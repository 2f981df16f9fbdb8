#include "learning/silhouette.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "learning/distance.h"

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
      sums[static_cast<size_t>(labels[rows[b]])] += std::sqrt(SquaredDistance(xa, pts.row(rows[b]), pts.p));
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

PairwiseDistances::PairwiseDistances(const Points& pts, std::vector<size_t> rows) : rows_(std::move(rows)) {
  const size_t m = rows_.size();
  d_.resize(m < 2 ? 0 : m * (m - 1) / 2);
  double* out = d_.data();
  for (size_t b = 1; b < m; ++b) {
    const double* xb = pts.row(rows_[b]);
    for (size_t a = 0; a < b; ++a) {
      *out++ = std::sqrt(SquaredDistance(pts.row(rows_[a]), xb, pts.p));
    }
  }
}

double Silhouette(const PairwiseDistances& distances, const std::vector<int>& labels, int k) {
  const std::vector<size_t>& rows = distances.rows();
  const size_t m = rows.size();
  if (m < 2) return 0;
  const size_t kk = static_cast<size_t>(k);
  std::vector<size_t> label(m);
  std::vector<double> counts(kk, 0.0);
  for (size_t a = 0; a < m; ++a) {
    label[a] = static_cast<size_t>(labels[rows[a]]);
    counts[label[a]] += 1;
  }
  // sums[a * k + c]: the summed distance from row a to the rows of cluster
  // c; each pair is read once and counted for both of its rows.
  std::vector<double> sums(m * kk, 0.0);
  for (size_t b = 1; b < m; ++b) {
    const double* d = distances.below(b);
    double* sums_b = &sums[b * kk];
    const size_t lb = label[b];
    for (size_t a = 0; a < b; ++a) {
      sums_b[label[a]] += d[a];
      sums[a * kk + lb] += d[a];
    }
  }
  double total = 0;
  for (size_t a = 0; a < m; ++a) {
    const size_t own = label[a];
    if (counts[own] <= 1) continue;  // a singleton scores 0
    const double* s = &sums[a * kk];
    double in = s[own] / (counts[own] - 1);
    double out = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < kk; ++c) {
      if (c != own && counts[c] > 0) out = std::min(out, s[c] / counts[c]);
    }
    if (!std::isfinite(out)) continue;
    double denom = std::max(in, out);
    if (denom > 0) total += (out - in) / denom;
  }
  return total / static_cast<double>(m);
}

}  // namespace leadseg::learning
