#include "learning/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace leadseg::learning {

namespace {

std::vector<size_t> Ascending(const std::vector<double>& p) {
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

double Auc(const std::vector<double>& y, const std::vector<double>& p) {
  // Mann-Whitney: the sum of the positives' ranks, tied predictions sharing
  // their average rank.
  std::vector<size_t> order = Ascending(p);
  double positives = 0, rank_sum = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) ++j;
    double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (y[order[k]] > 0.5) {
        positives += 1;
        rank_sum += average_rank;
      }
    }
    i = j;
  }
  double negatives = static_cast<double>(p.size()) - positives;
  if (positives == 0 || negatives == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double LogLoss(const std::vector<double>& y, const std::vector<double>& p) {
  if (p.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double q = std::clamp(p[i], 1e-15, 1 - 1e-15);
    sum -= y[i] > 0.5 ? std::log(q) : std::log1p(-q);
  }
  return sum / static_cast<double>(p.size());
}

double Brier(const std::vector<double>& y, const std::vector<double>& p) {
  if (p.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) sum += (p[i] - y[i]) * (p[i] - y[i]);
  return sum / static_cast<double>(p.size());
}

std::vector<CalibrationBin> Calibration(const std::vector<double>& y, const std::vector<double>& p) {
  std::vector<size_t> order = Ascending(p);
  const size_t n = order.size();
  const size_t bins = std::min<size_t>(10, n);
  std::vector<CalibrationBin> out;
  size_t begin = 0;
  for (size_t b = 0; b < bins; ++b) {
    size_t end = (n * (b + 1)) / bins;
    CalibrationBin bin;
    bin.decile = static_cast<int>(b + 1);
    bin.count = end - begin;
    for (size_t k = begin; k < end; ++k) {
      bin.predicted += p[order[k]];
      bin.observed += y[order[k]];
    }
    if (bin.count) {
      bin.predicted /= static_cast<double>(bin.count);
      bin.observed /= static_cast<double>(bin.count);
    }
    out.push_back(bin);
    begin = end;
  }
  return out;
}

std::vector<RocPoint> RocCurve(const std::vector<double>& y, const std::vector<double>& p, size_t max_points) {
  std::vector<size_t> order = Ascending(p);
  std::reverse(order.begin(), order.end());
  double positives = 0;
  for (double v : y) positives += v > 0.5 ? 1 : 0;
  double negatives = static_cast<double>(y.size()) - positives;
  std::vector<RocPoint> all;
  all.push_back({0, 0, 1.0 + 1e-9});
  double tp = 0, fp = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) {
      if (y[order[j]] > 0.5) tp += 1; else fp += 1;
      ++j;
    }
    all.push_back({negatives > 0 ? fp / negatives : 0, positives > 0 ? tp / positives : 0, p[order[i]]});
    i = j;
  }
  if (all.size() <= max_points || max_points < 3) return all;
  // Thin evenly, keeping both ends.
  std::vector<RocPoint> thin;
  double stride = static_cast<double>(all.size() - 1) / static_cast<double>(max_points - 1);
  for (size_t k = 0; k < max_points; ++k) {
    size_t at = static_cast<size_t>(std::llround(static_cast<double>(k) * stride));
    thin.push_back(all[std::min(at, all.size() - 1)]);
  }
  thin.back() = all.back();
  return thin;
}

}  // namespace leadseg::learning
