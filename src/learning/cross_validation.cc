#include "learning/cross_validation.h"

#include <cmath>
#include <string>

#include "learning/random.h"

namespace leadseg::learning {

void Validation::Split(int r, std::vector<size_t>& train, std::vector<size_t>& test) const {
  train.clear();
  test.clear();
  for (size_t i = 0; i < round_of.size(); ++i) (round_of[i] == r ? test : train).push_back(i);
}

namespace {

// The rows of each class, each class in a seeded random order.
void ShuffledClasses(const std::vector<double>& y, uint64_t seed, std::vector<size_t>& negatives,
                     std::vector<size_t>& positives) {
  Random random(seed);
  for (size_t i : random.Permutation(y.size())) (y[i] > 0.5 ? positives : negatives).push_back(i);
}

Status CheckClasses(const std::vector<size_t>& negatives, const std::vector<size_t>& positives, size_t need) {
  if (positives.size() < need || negatives.size() < need) {
    return InvalidArgument("the outcome needs at least " + std::to_string(need) +
                               " rows of each class to be validated (it has " + std::to_string(positives.size()) +
                               " positive, " + std::to_string(negatives.size()) + " negative)",
                           "/outcome");
  }
  return Status::Ok();
}

}  // namespace

Result<Validation> KFold(const std::vector<double>& y, int folds, uint64_t seed) {
  if (folds < 2 || folds > 20) return InvalidArgument("folds must be an integer from 1 to 20", "/folds");
  std::vector<size_t> negatives, positives;
  ShuffledClasses(y, seed, negatives, positives);
  Status s = CheckClasses(negatives, positives, static_cast<size_t>(folds));
  if (!s.ok()) return s;
  Validation v;
  v.rounds = folds;
  v.round_of.assign(y.size(), 0);
  // Dealt round-robin, negatives then positives, so the folds' sizes differ
  // by at most one in each class.
  size_t k = 0;
  for (size_t i : negatives) v.round_of[i] = static_cast<int>(k++ % static_cast<size_t>(folds));
  for (size_t i : positives) v.round_of[i] = static_cast<int>(k++ % static_cast<size_t>(folds));
  return v;
}

Result<Validation> Holdout(const std::vector<double>& y, double share, uint64_t seed) {
  if (!(share > 0 && share < 1)) return InvalidArgument("holdout must be a share between 0 and 1", "/holdout");
  std::vector<size_t> negatives, positives;
  ShuffledClasses(y, seed, negatives, positives);
  Status s = CheckClasses(negatives, positives, 2);
  if (!s.ok()) return s;
  Validation v;
  v.rounds = 1;
  v.holdout = true;
  v.round_of.assign(y.size(), -1);
  for (const auto* group : {&negatives, &positives}) {
    size_t held = std::max<size_t>(1, static_cast<size_t>(std::llround(share * static_cast<double>(group->size()))));
    held = std::min(held, group->size() - 1);
    for (size_t k = 0; k < held; ++k) v.round_of[(*group)[k]] = 0;
  }
  return v;
}

}  // namespace leadseg::learning
