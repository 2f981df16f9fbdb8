#include "learning/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "learning/random.h"

namespace leadseg::learning {

namespace {

double SquaredDistance(const double* a, const double* b, size_t p) {
  double d = 0;
  for (size_t j = 0; j < p; ++j) {
    double t = a[j] - b[j];
    d += t * t;
  }
  return d;
}

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
      double sum = 0;
      for (size_t i = 0; i < pts.n; ++i) {
        candidate_closest[i] = std::min(closest[i], SquaredDistance(pts.row(i), pts.row(pick), p));
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

// The squared distance from a to b, or some value > `bound` as soon as the
// partial sum passes it (the row is then not nearer to b than to a centre
// already seen). Checked every 8 columns: a branch per column would cost
// more than the columns it skips.
double SquaredDistanceBelow(const double* a, const double* b, size_t p, double bound) {
  double d = 0;
  size_t j = 0;
  while (j < p) {
    const size_t end = std::min(p, j + 8);
    for (; j < end; ++j) {
      double t = a[j] - b[j];
      d += t * t;
    }
    if (d > bound) return d;  // strictly: a returned d <= bound is exact
  }
  return d;
}

// Labels every row with its nearest centre (squared distances, with the
// partial-sum early exit above, starting from the row's previous centre,
// which after the first iterations is nearly always still the nearest);
// returns the inertia. `changed`, if given, says whether any label moved.
double Assign(const Points& pts, const std::vector<double>& centers, int k, std::vector<int>& labels,
              std::vector<double>* distances = nullptr, bool* changed = nullptr) {
  double inertia = 0;
  bool any = false;
  const double* c0 = centers.data();
  for (size_t i = 0; i < pts.n; ++i) {
    const double* x = pts.row(i);
    const int previous = labels[i];
    const int start = previous >= 0 ? previous : 0;
    int best = start;
    double best_d = SquaredDistance(x, c0 + static_cast<size_t>(start) * pts.p, pts.p);
    for (int c = 0; c < k; ++c) {
      if (c == start) continue;
      double d = SquaredDistanceBelow(x, c0 + static_cast<size_t>(c) * pts.p, pts.p, best_d);
      // Ties go to the lower-numbered centre, as a plain scan in order.
      if (d < best_d || (d == best_d && c < best)) {
        best_d = d;
        best = c;
      }
    }
    any = any || best != previous;
    labels[i] = best;
    if (distances) (*distances)[i] = best_d;
    inertia += best_d;
  }
  if (changed) *changed = any;
  return inertia;
}

}  // namespace

KMeansResult KMeansFrom(const Points& pts, std::vector<double> centers, int k, int max_iterations, double tolerance) {
  const size_t p = pts.p;
  const double tol = tolerance * MeanVariance(pts);
  KMeansResult result;
  result.k = k;
  result.labels.assign(pts.n, -1);
  std::vector<double> distances(pts.n);
  std::vector<double> sums(static_cast<size_t>(k) * p);
  std::vector<size_t> counts(static_cast<size_t>(k));
  for (int it = 1; it <= max_iterations; ++it) {
    bool changed = false;
    Assign(pts, centers, k, result.labels, &distances, &changed);
    result.iterations = it;
    if (!changed) break;  // converged: nothing moved
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (size_t i = 0; i < pts.n; ++i) {
      size_t c = static_cast<size_t>(result.labels[i]);
      counts[c]++;
      const double* x = pts.row(i);
      for (size_t j = 0; j < p; ++j) sums[c * p + j] += x[j];
    }
    double shift = 0;
    for (size_t c = 0; c < static_cast<size_t>(k); ++c) {
      if (counts[c] == 0) {
        // An empty cluster takes the row farthest from its centre.
        size_t far = static_cast<size_t>(std::max_element(distances.begin(), distances.end()) - distances.begin());
        distances[far] = 0;
        for (size_t j = 0; j < p; ++j) sums[c * p + j] = pts.row(far)[j];
        counts[c] = 1;
      }
      for (size_t j = 0; j < p; ++j) {
        double v = sums[c * p + j] / static_cast<double>(counts[c]);
        shift += (v - centers[c * p + j]) * (v - centers[c * p + j]);
        centers[c * p + j] = v;
      }
    }
    if (shift <= tol) {
      // Converged: one more assignment so labels match the final centres.
      result.inertia = Assign(pts, centers, k, result.labels);
      result.centers = std::move(centers);
      return result;
    }
  }
  result.inertia = Assign(pts, centers, k, result.labels);
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
