// The shortcuts src/learning/ takes for speed give the answers of the plain
// computation: the silhouette from distances measured once for every k,
// k-means' assignment with its partial-distance early exit, and Newton's
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
