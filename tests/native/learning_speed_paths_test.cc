// The shortcuts src/learning/ takes for speed give the answers of the plain
// computation: the silhouette from distances measured once for every k,
// k-means' assignment with its partial-distance early exit and Hamerly's
// bounds (the same iterations as plain Lloyd's), and Newton's
// method, which skips the line search when the full step lowers the
// objective, converging to the point where the gradient is 0.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "learning/feature_table.h"
#include "learning/kmeans.h"
#include "learning/logistic_regression.h"
#include "learning/random.h"
#include "learning/silhouette.h"

namespace leadseg::learning {
namespace {

// n rows x p columns around three centres, seeded.
std::vector<double> Blobs(size_t n, size_t p, uint64_t seed) {
  Random random(seed);
  std::vector<double> x(n * p);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < p; ++j) x[i * p + j] = static_cast<double>((i % 3) * (j % 2) * 3) + random.Uniform() * 2;
  }
  return x;
}

TEST(LearningSpeedPaths, SilhouetteFromSharedDistancesEqualsTheDirectOne) {
  const size_t n = 400, p = 7;
  std::vector<double> x = Blobs(n, p, 3);
  Points pts{x.data(), n, p};
  std::vector<size_t> rows;
  for (size_t i = 0; i < n; i += 2) rows.push_back(i);
  PairwiseDistances distances(pts, rows);
  for (int k = 2; k <= 5; ++k) {
    KMeansOptions o;
    o.k = k;
    Result<KMeansResult> r = KMeans(pts, o);
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR(Silhouette(distances, r->labels, k), Silhouette(pts, r->labels, k, rows), 1e-12) << "k = " << k;
  }
}

TEST(LearningSpeedPaths, KMeansLabelsAreTheNearestCentre) {
  const size_t n = 500, p = 19;  // not a multiple of the early exit's 8 columns
  std::vector<double> x = Blobs(n, p, 5);
  x[0] = 1000;  // an outlier, far from every centre
  Points pts{x.data(), n, p};
  KMeansOptions o;
  o.k = 4;
  o.restarts = 2;
  Result<KMeansResult> r = KMeans(pts, o);
  ASSERT_TRUE(r.ok());
  double inertia = 0;
  for (size_t i = 0; i < n; ++i) {
    int best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    for (int c = 0; c < r->k; ++c) {
      double d = 0;
      for (size_t j = 0; j < p; ++j) d += std::pow(x[i * p + j] - r->centers[static_cast<size_t>(c) * p + j], 2);
      if (d < best_d) best_d = d, best = c;
    }
    ASSERT_EQ(r->labels[i], best) << "row " << i;
    inertia += best_d;
  }
  EXPECT_NEAR(r->inertia, inertia, 1e-9 * inertia);

}

// Plain Lloyd's iterations, every distance computed, centres summed afresh:
// what KMeansFrom's bounds and running sums must reproduce.
KMeansResult PlainLloyd(const Points& pts, std::vector<double> centers, int k, int max_iterations, double tol) {
  const size_t p = pts.p, kk = static_cast<size_t>(k);
  double mean_variance = 0;
  for (size_t j = 0; j < p; ++j) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < pts.n; ++i) mean += pts.row(i)[j];
    mean /= static_cast<double>(pts.n);
    for (size_t i = 0; i < pts.n; ++i) ss += std::pow(pts.row(i)[j] - mean, 2);
    mean_variance += ss / static_cast<double>(pts.n);
  }
  tol *= mean_variance / static_cast<double>(p);
  KMeansResult r;
  r.k = k;
  r.labels.assign(pts.n, -1);
  auto assign = [&] {
    bool changed = false;
    r.inertia = 0;
    for (size_t i = 0; i < pts.n; ++i) {
      int best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (size_t c = 0; c < kk; ++c) {
        double d = 0;
        for (size_t j = 0; j < p; ++j) d += std::pow(pts.row(i)[j] - centers[c * p + j], 2);
        if (d < best_d) best_d = d, best = static_cast<int>(c);
      }
      changed = changed || r.labels[i] != best;
      r.labels[i] = best;
      r.inertia += best_d;
    }
    return changed;
  };
  for (int it = 1; it <= max_iterations; ++it) {
    r.iterations = it;
    if (!assign()) break;
    std::vector<double> sums(kk * p, 0.0), counts(kk, 0.0);
    for (size_t i = 0; i < pts.n; ++i) {
      counts[static_cast<size_t>(r.labels[i])] += 1;
      for (size_t j = 0; j < p; ++j) sums[static_cast<size_t>(r.labels[i]) * p + j] += pts.row(i)[j];
    }
    double shift = 0;
    for (size_t c = 0; c < kk; ++c) {
      for (size_t j = 0; j < p; ++j) {
        double v = counts[c] > 0 ? sums[c * p + j] / counts[c] : centers[c * p + j];
        shift += std::pow(v - centers[c * p + j], 2);
        centers[c * p + j] = v;
      }
    }
    if (shift <= tol) {
      assign();
      break;
    }
  }
  r.centers = centers;
  return r;
}

TEST(LearningSpeedPaths, KMeansWithBoundsIteratesAsPlainLloyd) {
  // Overlapping blobs in 28 columns, where many rows sit between centres
  // and keep changing them for dozens of iterations.
  const size_t n = 3000, p = 28;
  Random random(11);
  std::vector<double> x(n * p);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < p; ++j) x[i * p + j] = static_cast<double>((i % 4) * (j % 3)) * 0.5 + random.Uniform() * 3;
  }
  Points pts{x.data(), n, p};
  for (int k : {2, 5, 9}) {
    std::vector<double> start;
    for (int c = 0; c < k; ++c) start.insert(start.end(), pts.row(static_cast<size_t>(c) * 97), pts.row(static_cast<size_t>(c) * 97) + p);
    KMeansResult fast = KMeansFrom(pts, start, k, 300, 1e-6);
    KMeansResult plain = PlainLloyd(pts, start, k, 300, 1e-6);
    EXPECT_GT(plain.iterations, 5) << "k = " << k;
    EXPECT_EQ(fast.iterations, plain.iterations) << "k = " << k;
    EXPECT_EQ(fast.labels, plain.labels) << "k = " << k;
    EXPECT_NEAR(fast.inertia, plain.inertia, 1e-9 * plain.inertia) << "k = " << k;
    for (size_t j = 0; j < start.size(); ++j) EXPECT_NEAR(fast.centers[j], plain.centers[j], 1e-9) << "k = " << k;
  }
}

TEST(LearningSpeedPaths, NewtonConvergesToAZeroGradientInFewIterations) {
  const size_t n = 3000;
  Random random(11);
  std::vector<RawColumn> columns(3);
  std::vector<double> y(n);
  for (size_t c = 0; c < columns.size(); ++c) columns[c].name = "x" + std::to_string(c);
  for (size_t i = 0; i < n; ++i) {
    double eta = -0.5;
    for (size_t c = 0; c < columns.size(); ++c) {
      double v = random.Uniform() * 4 - 2;
      columns[c].numbers.push_back(v);
      eta += (static_cast<double>(c) - 1) * 1.5 * v;
    }
    y[i] = random.Uniform() < 1 / (1 + std::exp(-eta)) ? 1 : 0;
  }
  Result<FeatureTable> t = BuildFeatureTable(columns, {});
  ASSERT_TRUE(t.ok());
  LogisticOptions o;
  Result<LogisticModel> m = FitLogistic(*t, y, {}, o);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->converged);
  EXPECT_LE(m->iterations, 10);
  // The gradient of C * loss + |w|^2 / 2 at the fitted point.
  std::vector<double> g(t->cols() + 1, 0.0);
  for (size_t i = 0; i < n; ++i) {
    double r = m->Probability(t->row(i)) - y[i];
    g[0] += r;
    for (size_t j = 0; j < t->cols(); ++j) g[j + 1] += r * t->row(i)[j];
  }
  for (size_t j = 0; j < t->cols(); ++j) g[j + 1] += m->weights[j];
  for (double gj : g) EXPECT_NEAR(gj, 0, 1e-6);
}

}  // namespace
}  // namespace leadseg::learning
