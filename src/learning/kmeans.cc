#include "learning/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "learning/distance.h"
#include "learning/random.h"

namespace leadseg::learning {

namespace {

double MeanVariance(const Points& pts) {
  double total = 0;
  for (size_t j = 0; j < pts.p; ++j) {
    double mean = 0;
    for (size_t i = 0; i < pts.n; ++i) mean += pts.row(i)[j];
    mean /= static_cast<double>(pts.n);
    double ss = 0;
    for (size_t i = 0; i < pts.n; ++i) ss += (pts.row(i)[j] - mean) * (pts.row(i)[j] - mean);
    total += ss / static_cast<double>(pts.n);
  }
  return total / static_cast<double>(pts.p);
}

// The squared distance from a to b, or some value > `bound` as soon as the
// partial sum passes it (the row is then not nearer to b than to a centre
// already seen). Checked every 8 columns: a branch per column would cost
// more than the columns it skips.
double SquaredDistanceBelow(const double* a, const double* b, size_t p, double bound) {
  double d = 0;
  size_t j = 0;
  while (j < p) {
    const size_t width = std::min<size_t>(p - j, 8);
    d += SquaredDistance(a + j, b + j, width);
    j += width;
    if (d > bound) return d;  // strictly: a returned d <= bound is exact
  }
  return d;
}

// Greedy k-means++ (Arthur & Vassilvitskii; scikit-learn's variant).
std::vector<double> SeedPlusPlus(const Points& pts, int k, Random& random) {
  const size_t p = pts.p;
  std::vector<double> centers(static_cast<size_t>(k) * p);
  size_t first = random.Below(pts.n);
  std::copy(pts.row(first), pts.row(first) + p, centers.begin());
  std::vector<double> closest(pts.n);
  double potential = 0;
  for (size_t i = 0; i < pts.n; ++i) potential += closest[i] = SquaredDistance(pts.row(i), pts.row(first), p);
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<double> candidate_closest(pts.n), best_closest(pts.n);
  for (int c = 1; c < k; ++c) {
    size_t best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      // Sample a row with probability proportional to its squared distance.
      double target = random.Uniform() * potential;
      size_t pick = pts.n - 1;
      double acc = 0;
      for (size_t i = 0; i < pts.n; ++i) {
        acc += closest[i];
        if (acc > target) {
          pick = i;
          break;
        }
      }
      // A distance is abandoned once past the row's closest so far (it
      // would not be taken): the same potential, fewer columns summed.
      double sum = 0;
      for (size_t i = 0; i < pts.n; ++i) {
        candidate_closest[i] = std::min(closest[i], SquaredDistanceBelow(pts.row(i), pts.row(pick), p, closest[i]));
        sum += candidate_closest[i];
      }
      if (sum < best_potential) {
        best_potential = sum;
        best = pick;
        best_closest.swap(candidate_closest);
      }
    }
    std::copy(pts.row(best), pts.row(best) + p, centers.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(c) * p));
    closest.swap(best_closest);
    potential = best_potential;
  }
  return centers;
}

// Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010):
// per row, an upper bound on the distance to its own centre and a lower
// bound on the distance to any other. A row whose upper bound is below
// both its lower bound and half the gap from its centre to the nearest
// other centre cannot change centre, so its distances are not computed.
// The labels are those of a full scan (the bounds only skip rows that
// would keep theirs), so the iterations are Lloyd's: the same centres,
// labels and inertia, at a fraction of the distance computations once
// most rows have settled. Distances here are Euclidean, not squared, as
// the triangle inequality the bounds rest on needs.
//
// The per-centre sums of the rows are kept up to date as rows change
// centre (rather than summed again over every row each iteration, which
// cost as much as the distances the bounds save).
class HamerlyAssigner {
 public:
  HamerlyAssigner(const Points& pts, int k)
      : pts_(pts),
        k_(static_cast<size_t>(k)),
        upper_(pts.n, std::numeric_limits<double>::infinity()),
        lower_(pts.n, 0.0),
        half_gap_(k_),
        moved_(k_, 0.0),
        sums_(k_ * pts.p, 0.0),
        counts_(k_, 0) {}

  // Labels every row with its nearest centre (ties to the lower-numbered
  // centre); true when any label changed. labels[i] < 0: not labelled yet.
  bool Assign(const std::vector<double>& centers, std::vector<int>& labels) {
    const size_t p = pts_.p;
    const double* c0 = centers.data();
    for (size_t a = 0; a < k_; ++a) {
      double nearest = std::numeric_limits<double>::infinity();
      for (size_t b = 0; b < k_; ++b) {
        if (b != a) nearest = std::min(nearest, SquaredDistance(c0 + a * p, c0 + b * p, p));
      }
      half_gap_[a] = 0.5 * std::sqrt(nearest);
    }
    bool changed = false;
    for (size_t i = 0; i < pts_.n; ++i) {
      const int own = labels[i];
      const double* x = pts_.row(i);
      if (own >= 0) {
        const double bound = std::max(half_gap_[static_cast<size_t>(own)], lower_[i]);
        if (upper_[i] <= bound) continue;
        upper_[i] = std::sqrt(SquaredDistance(x, c0 + static_cast<size_t>(own) * p, p));
        if (upper_[i] <= bound) continue;
      }
      // The nearest and second nearest centres, in order; a distance is
      // abandoned once past the second nearest.
      size_t best = 0;
      double d1 = std::numeric_limits<double>::infinity(), d2 = d1;
      for (size_t c = 0; c < k_; ++c) {
        double d = SquaredDistanceBelow(x, c0 + c * p, p, d2);
        if (d < d1) {
          d2 = d1;
          d1 = d;
          best = c;
        } else if (d < d2) {
          d2 = d;
        }
      }
      upper_[i] = std::sqrt(d1);
      lower_[i] = std::sqrt(d2);
      if (static_cast<int>(best) == own) continue;
      changed = true;
      labels[i] = static_cast<int>(best);
      if (own >= 0) {
        double* from = &sums_[static_cast<size_t>(own) * p];
        for (size_t j = 0; j < p; ++j) from[j] -= x[j];
        counts_[static_cast<size_t>(own)]--;
      }
      double* to = &sums_[best * p];
      for (size_t j = 0; j < p; ++j) to[j] += x[j];
      counts_[best]++;
    }
    return changed;
  }

  // The sum of the rows of centre c (p values) and their count.
  const double* sum(size_t c) const { return &sums_[c * pts_.p]; }
  size_t count(size_t c) const { return counts_[c]; }

  // After the centres moved from `before` to `after`: loosens the bounds
  // by how far each centre moved.
  void Moved(const std::vector<double>& before, const std::vector<double>& after, const std::vector<int>& labels) {
    const size_t p = pts_.p;
    size_t farthest = 0;
    double most = 0, second = 0;
    for (size_t c = 0; c < k_; ++c) {
      moved_[c] = std::sqrt(SquaredDistance(before.data() + c * p, after.data() + c * p, p));
      if (moved_[c] > most) {
        second = most;
        most = moved_[c];
        farthest = c;
      } else if (moved_[c] > second) {
        second = moved_[c];
      }
    }
    for (size_t i = 0; i < pts_.n; ++i) {
      const size_t own = static_cast<size_t>(labels[i]);
      upper_[i] += moved_[own];
      lower_[i] -= own == farthest ? second : most;
    }
  }

 private:
  Points pts_;
  size_t k_;
  std::vector<double> upper_, lower_, half_gap_, moved_;
  std::vector<double> sums_;
  std::vector<size_t> counts_;
};

}  // namespace

KMeansResult KMeansFrom(const Points& pts, std::vector<double> centers, int k, int max_iterations, double tolerance) {
  const size_t p = pts.p;
  const size_t kk = static_cast<size_t>(k);
  const double tol = tolerance * MeanVariance(pts);
  KMeansResult result;
  result.k = k;
  result.labels.assign(pts.n, -1);
  HamerlyAssigner assigner(pts, k);
  std::vector<double> before;
  bool settled = false;  // the labels are those of the current centres
  for (int it = 1; it <= max_iterations; ++it) {
    const bool changed = assigner.Assign(centers, result.labels);
    result.iterations = it;
    if (!changed) {
      settled = true;  // converged: nothing moved
      break;
    }
    before = centers;
    std::vector<double> distances;  // to the own centre, squared: only for an empty cluster
    for (size_t c = 0; c < kk; ++c) {
      double* center = &centers[c * p];
      if (assigner.count(c) > 0) {
        const double* sum = assigner.sum(c);
        const double count = static_cast<double>(assigner.count(c));
        for (size_t j = 0; j < p; ++j) center[j] = sum[j] / count;
        continue;
      }
      // An empty cluster takes the row farthest from its centre.
      if (distances.empty()) {
        distances.resize(pts.n);
        for (size_t i = 0; i < pts.n; ++i) {
          distances[i] = SquaredDistance(pts.row(i), before.data() + static_cast<size_t>(result.labels[i]) * p, p);
        }
      }
      size_t far = static_cast<size_t>(std::max_element(distances.begin(), distances.end()) - distances.begin());
      distances[far] = 0;
      std::copy(pts.row(far), pts.row(far) + p, center);
    }
    const double shift = SquaredDistance(before.data(), centers.data(), kk * p);
    assigner.Moved(before, centers, result.labels);
    if (shift <= tol) break;  // converged: the centres hardly moved
  }
  // The labels of the final centres, and the exact inertia.
  if (!settled) assigner.Assign(centers, result.labels);
  double inertia = 0;
  for (size_t i = 0; i < pts.n; ++i) {
    inertia += SquaredDistance(pts.row(i), centers.data() + static_cast<size_t>(result.labels[i]) * p, p);
  }
  result.inertia = inertia;
  result.centers = std::move(centers);
  return result;
}

Result<KMeansResult> KMeans(const Points& pts, const KMeansOptions& options) {
  if (options.k < 1) return InvalidArgument("k must be at least 1", "/k");
  if (static_cast<size_t>(options.k) > pts.n) {
    return InvalidArgument("k is " + std::to_string(options.k) + " but there are only " + std::to_string(pts.n) + " rows", "/k");
  }
  if (options.restarts < 1) return InvalidArgument("restarts must be at least 1", "/restarts");
  Random random(options.seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int r = 0; r < options.restarts; ++r) {
    std::vector<double> centers = SeedPlusPlus(pts, options.k, random);
    KMeansResult run = KMeansFrom(pts, std::move(centers), options.k, options.max_iterations, options.tolerance);
    if (run.inertia < best.inertia) best = std::move(run);
  }
  return best;
}

}  // namespace leadseg::learning
