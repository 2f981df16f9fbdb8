// Which rows a model is checked on: k-fold cross-validation or one
// held-out split, both stratified by the outcome (each fold gets its share
// of the positives, so a rare outcome still has some in every fold) and
// seeded (the same seed, the same folds).
#pragma once

#include <cstdint>
#include <vector>

#include "leadseg/status.h"

namespace leadseg::learning {

struct Validation {
  int rounds = 0;              // models fitted for checking
  bool holdout = false;
  // The round that tests each row; -1: never tested (the training part of
  // a held-out split).
  std::vector<int> round_of;

  // Rows round `r` trains on and tests on.
  void Split(int r, std::vector<size_t>& train, std::vector<size_t>& test) const;
};

// `folds` in 2..20.
Result<Validation> KFold(const std::vector<double>& y, int folds, uint64_t seed);
// `share` in (0, 1): the share of rows held out.
Result<Validation> Holdout(const std::vector<double>& y, double share, uint64_t seed);

}  // namespace leadseg::learning
