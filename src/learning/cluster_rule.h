// Describes one cluster as a segment condition a marketer can read and the
// runtime can evaluate: a shallow decision tree (depth 1-3, Gini splits)
// learned to separate the cluster from the rest, on the lead list's own
// columns in their own units, its leaves where the cluster is the majority
// joined into one condition in the config's syntax (docs/config.md).
//
// Each split is a test whose meaning is the condition's: "x > t" is false
// for a missing x (the condition adds "$exists": true when t < 0, where a
// missing value, read as null = 0, would pass), "x = level" is false for a
// missing x, "x missing" is "$exists": false. So the precision and recall
// reported are those of the condition itself on these leads.
#pragma once

#include <cstdint>
#include <vector>

#include "core/json.h"
#include "learning/feature_table.h"
#include "learning/raw_column.h"

namespace leadseg::learning {

struct ClusterRule {
  Json condition;
  double precision = 0;  // of the leads it matches, the share in the cluster
  double recall = 0;     // of the cluster, the share it matches
};

class ClusterRuleLearner {
 public:
  // Bins every feature's column once (numeric: at most 16 quantile
  // thresholds); `columns` are the table's raw columns.
  ClusterRuleLearner(const FeatureTable& table, const std::vector<RawColumn>& columns);

  ClusterRule Describe(const std::vector<int>& labels, int cluster, int depth) const;

 private:
  struct Node;
  struct Literal {
    size_t feature;
    int threshold;  // the test is code > threshold
    bool holds;
  };
  void Grow(Node& node, const std::vector<int>& labels, int cluster, int depth, size_t min_leaf) const;
  Json LiteralCondition(const Literal& literal) const;
  Json PathCondition(const std::vector<Literal>& path) const;

  const FeatureTable& table_;
  std::vector<std::vector<uint8_t>> codes_;   // per feature, per row
  std::vector<int> code_count_;               // per feature
  std::vector<std::vector<double>> edges_;    // per numeric feature: threshold of "code > j" is edges_[j - 1]
};

}  // namespace leadseg::learning
