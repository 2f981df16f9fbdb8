// Names a cluster from its most distinctive features: those whose mean in
// the cluster is furthest, in standard deviations of the whole list, from
// the list's mean ("High pricing_views_2d, industry Software").
#pragma once

#include <string>
#include <vector>

#include "learning/feature_table.h"

namespace leadseg::learning {

class ClusterNamer {
 public:
  explicit ClusterNamer(const FeatureTable& table);

  // `center`: the cluster's mean of each (standardised) feature.
  std::string Name(const std::vector<double>& center) const;

 private:
  const FeatureTable& table_;
  std::vector<double> mean_, sd_;
};

// A segment id from a name: lower case letters, digits and "_", starting
// with a letter, at most 64 characters ("cluster_2_high_pricing_views").
std::string SegmentId(const std::string& prefix, const std::string& name);

}  // namespace leadseg::learning
