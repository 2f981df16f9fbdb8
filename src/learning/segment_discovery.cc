#include "learning/segment_discovery.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "learning/cluster_naming.h"
#include "learning/cluster_rule.h"
#include "learning/random.h"
#include "learning/silhouette.h"

namespace leadseg::learning {

namespace {

// `count` of 0..n-1, ascending, seeded; all of them when count >= n.
std::vector<size_t> Sample(size_t n, size_t count, uint64_t seed) {
  if (count >= n) {
    std::vector<size_t> all(n);
    for (size_t i = 0; i < n; ++i) all[i] = i;
    return all;
  }
  std::vector<size_t> order = Random(seed).Permutation(n);
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

Result<DiscoveryRun> DiscoveryRun::Start(FeatureTable table, std::vector<RawColumn> columns, const DiscoveryOptions& options) {
  const size_t n = table.rows;
  if (options.k != 0 && (options.k < 1 || options.k > 50)) return InvalidArgument("k must be an integer from 1 to 50", "/k");
  if (options.k == 0 && (options.k_max < 2 || options.k_max > 20)) return InvalidArgument("kMax must be an integer from 2 to 20", "/kMax");
  if (options.restarts < 1 || options.restarts > 50) return InvalidArgument("restarts must be an integer from 1 to 50", "/restarts");
  if (options.depth < 1 || options.depth > 3) return InvalidArgument("depth must be 1, 2 or 3", "/depth");
  int need = options.k != 0 ? options.k : 2;
  if (n < static_cast<size_t>(need) * 2) {
    return InvalidArgument("too few leads to find " + std::to_string(need) + " clusters (" + std::to_string(n) + ")", "");
  }
  DiscoveryRun run(std::move(table), std::move(columns), options);
  if (options.k != 0) {
    run.candidates_.push_back(options.k);
  } else {
    int top = static_cast<int>(std::min<size_t>(static_cast<size_t>(options.k_max), n / 2));
    for (int k = 2; k <= top; ++k) run.candidates_.push_back(k);
  }
  run.sample_ = Sample(n, options.search_rows, options.seed ^ 0x5EA4C8ULL);
  const size_t p = run.table_.cols();
  run.sample_x_.resize(run.sample_.size() * p);
  for (size_t s = 0; s < run.sample_.size(); ++s) {
    std::copy(run.table_.row(run.sample_[s]), run.table_.row(run.sample_[s]) + p, run.sample_x_.begin() + static_cast<std::ptrdiff_t>(s * p));
  }
  // Measured once: every k tried scores its labels on the same pairs.
  Points sample{run.sample_x_.data(), run.sample_.size(), p};
  run.silhouette_ = PairwiseDistances(sample, Sample(run.sample_.size(), options.silhouette_rows, options.seed ^ 0x511ULL));
  return run;
}

Status DiscoveryRun::TryK(int k) {
  Points pts{sample_x_.data(), sample_.size(), table_.cols()};
  KMeansOptions ko;
  ko.k = k;
  ko.restarts = options_.restarts;
  ko.seed = options_.seed + static_cast<uint64_t>(k);
  Result<KMeansResult> r = KMeans(pts, ko);
  if (!r.ok()) return r.status();
  double s = k > 1 ? Silhouette(silhouette_, r->labels, k) : 0;
  tried_.push_back({k, s, r->inertia});
  results_.push_back(std::move(*r));
  return Status::Ok();
}

Status DiscoveryRun::Finish() {
  if (tried_.empty()) return FailedPrecondition("no k was tried");
  size_t best = 0;
  for (size_t i = 1; i < tried_.size(); ++i) {
    if (tried_[i].silhouette > tried_[best].silhouette + 1e-12) best = i;
  }
  Points all{table_.x.data(), table_.rows, table_.cols()};
  const KMeansResult& chosen = results_[best];
  // Refine on every row from the sample's solution (a no-op when the
  // sample is every row).
  final_ = KMeansFrom(all, chosen.centers, chosen.k, 300, 1e-4);
  silhouette_of_final_ = tried_[best].silhouette;
  return Status::Ok();
}

Json DiscoveryRun::Describe() const {
  const size_t p = table_.cols();
  const int k = final_.k;
  Json out = Json::object();
  out["k"] = k;
  out["silhouette"] = silhouette_of_final_;
  Json tried = Json::array();
  for (const TriedK& t : tried_) tried.push_back(Json{{"k", t.k}, {"silhouette", t.silhouette}, {"inertia", t.inertia}});
  out["tried"] = tried;
  out["inertia"] = final_.inertia;

  ClusterRuleLearner rules(table_, columns_);
  ClusterNamer namer(table_);
  std::vector<size_t> sizes(static_cast<size_t>(k), 0);
  for (int label : final_.labels) sizes[static_cast<size_t>(label)]++;
  // Largest cluster first.
  std::vector<int> order(static_cast<size_t>(k));
  for (int c = 0; c < k; ++c) order[static_cast<size_t>(c)] = c;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sizes[static_cast<size_t>(a)] > sizes[static_cast<size_t>(b)]; });

  Json clusters = Json::array();
  std::vector<std::string> ids;
  for (size_t rank = 0; rank < order.size(); ++rank) {
    int c = order[rank];
    std::vector<double> center(final_.centers.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(c) * p),
                               final_.centers.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(c + 1) * p));
    // The centroid in the columns' own units: numeric means of the present
    // values, shares for levels, booleans and missingness.
    std::vector<double> sum(p, 0), count(p, 0);
    for (size_t i = 0; i < table_.rows; ++i) {
      if (final_.labels[i] != c) continue;
      for (size_t j = 0; j < p; ++j) {
        const Feature& f = table_.features[j];
        if (f.kind == Feature::Kind::kNumeric) {
          double v = columns_[f.column].numbers[i];
          if (std::isnan(v)) continue;
          sum[j] += v;
        } else {
          sum[j] += table_.row(i)[j];
        }
        count[j] += 1;
      }
    }
    Json centroid = Json::object();
    for (size_t j = 0; j < p; ++j) {
      centroid[table_.features[j].Label()] = count[j] > 0 ? sum[j] / count[j] : 0.0;
    }
    std::string name = namer.Name(center);
    std::string id = SegmentId("cluster_" + std::to_string(rank + 1) + "_", name);
    ClusterRule rule = rules.Describe(final_.labels, c, options_.depth);
    Json cluster = Json::object();
    cluster["id"] = id;
    cluster["name"] = name;
    cluster["size"] = sizes[static_cast<size_t>(c)];
    cluster["share"] = static_cast<double>(sizes[static_cast<size_t>(c)]) / static_cast<double>(table_.rows);
    cluster["centroid"] = centroid;
    cluster["condition"] = rule.condition;
    cluster["precision"] = rule.precision;
    cluster["recall"] = rule.recall;
    cluster["segment"] = Json{{"id", id}, {"name", name}, {"condition", rule.condition}};
    clusters.push_back(std::move(cluster));
  }
  out["clusters"] = std::move(clusters);
  return out;
}

}  // namespace leadseg::learning
