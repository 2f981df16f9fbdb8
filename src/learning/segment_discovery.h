// One segment-discovery run, in steps a caller can interleave with progress
// reports: k-means++ for each candidate k on a seeded sample of the rows
// (at most `search_rows`; silhouettes on at most `silhouette_rows` of it,
// their cost being quadratic), then the best k (or the given one) refined
// with Lloyd's iterations on every row, then each cluster described: size,
// centroid in the columns' units, a name and a segment condition.
#pragma once

#include <cstdint>
#include <vector>

#include "core/json.h"
#include "leadseg/status.h"
#include "learning/feature_table.h"
#include "learning/kmeans.h"
#include "learning/raw_column.h"
#include "learning/silhouette.h"

namespace leadseg::learning {

struct DiscoveryOptions {
  int k = 0;        // 0: chosen by silhouette over 2..k_max
  int k_max = 10;
  int restarts = 3;
  int depth = 2;    // of each cluster's rule
  uint64_t seed = 1;
  size_t search_rows = 5000;
  size_t silhouette_rows = 1500;
};

struct TriedK {
  int k;
  double silhouette;
  double inertia;  // on the search sample
};

class DiscoveryRun {
 public:
  static Result<DiscoveryRun> Start(FeatureTable table, std::vector<RawColumn> columns, const DiscoveryOptions& options);

  // The k values TryK is called with, in order.
  const std::vector<int>& candidates() const { return candidates_; }
  Status TryK(int k);
  // Picks k (the best silhouette; the smaller k on a tie) and clusters every row.
  Status Finish();
  // {k, silhouette, tried, inertia, clusters: [...]}, after Finish().
  Json Describe() const;

  const KMeansResult& result() const { return final_; }
  const FeatureTable& table() const { return table_; }

 private:
  DiscoveryRun(FeatureTable table, std::vector<RawColumn> columns, const DiscoveryOptions& options)
      : table_(std::move(table)), columns_(std::move(columns)), options_(options) {}

  FeatureTable table_;
  std::vector<RawColumn> columns_;
  DiscoveryOptions options_;
  std::vector<int> candidates_;
  std::vector<size_t> sample_;        // search rows, ascending
  std::vector<double> sample_x_;      // their features, row-major
  PairwiseDistances silhouette_;      // between the silhouette rows (indexes into sample_), once for every k
  std::vector<TriedK> tried_;
  std::vector<KMeansResult> results_;  // per tried k, on the sample
  KMeansResult final_;
  double silhouette_of_final_ = 0;
};

}  // namespace leadseg::learning
