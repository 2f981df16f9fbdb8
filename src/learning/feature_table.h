// The numeric matrix the models learn from, built from raw columns:
//  - a numeric column becomes one standardised feature (x - mean) / scale,
//    with mean and population standard deviation of its present values (as
//    scikit-learn's StandardScaler); a missing value becomes 0, the mean;
//  - a boolean column is numeric 0/1 (standardised the same way);
//  - a categorical column becomes one 0/1 feature per level for its
//    `max_levels` most frequent levels; rarer levels share the baseline
//    (every one of its features 0), like a missing value;
//  - a column with some (not all) values missing also gets a 0/1 "missing"
//    feature, so missingness itself can carry weight.
// These are exactly the three feature kinds of the config's `predictive`
// section (docs/predictive.md), so a trained model exports as is.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/json.h"
#include "leadseg/status.h"
#include "learning/raw_column.h"

namespace leadseg::learning {

struct Feature {
  enum class Kind { kNumeric, kEquals, kMissing };

  Kind kind = Kind::kNumeric;
  size_t column = 0;       // index into the raw columns
  std::string attribute;   // the raw column's name
  double mean = 0;         // kNumeric: the standardisation
  double scale = 1;
  bool boolean = false;    // kNumeric from a boolean column
  Json equals;             // kEquals: the level
  size_t count = 0;        // rows where a kEquals / kMissing feature is 1

  // "pricing_views", "industry = Software", "company_size missing".
  std::string Label() const;
};

struct Skipped {
  std::string column;
  std::string reason;
};

struct FeatureTable {
  size_t rows = 0;
  std::vector<Feature> features;
  std::vector<double> x;  // row-major, rows x features.size()
  std::vector<Skipped> skipped;

  size_t cols() const { return features.size(); }
  const double* row(size_t i) const { return x.data() + i * features.size(); }
};

struct FeatureOptions {
  size_t max_levels = 10;
};

// Fails when the columns disagree in length or no usable feature is left;
// the error's path is "/features" or "/features/<column name>".
Result<FeatureTable> BuildFeatureTable(const std::vector<RawColumn>& columns,
                                       const FeatureOptions& options);

}  // namespace leadseg::learning
