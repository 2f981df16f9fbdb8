#include "learning/cluster_rule.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace leadseg::learning {

namespace {
constexpr int kBins = 16;
constexpr size_t kEdgeSample = 20000;

double Gini(double in, double total) {
  if (total <= 0) return 0;
  double q = in / total;
  return 2 * q * (1 - q) * total;  // weighted by size
}
}  // namespace

struct ClusterRuleLearner::Node {
  std::vector<size_t> rows;
  double in = 0;  // rows of the cluster
  bool leaf = true;
  Literal test{0, 0, true};
  std::unique_ptr<Node> yes, no;
};

ClusterRuleLearner::ClusterRuleLearner(const FeatureTable& table, const std::vector<RawColumn>& columns)
    : table_(table) {
  const size_t n = table.rows;
  for (const Feature& f : table.features) {
    const RawColumn& c = columns[f.column];
    std::vector<uint8_t> codes(n, 0);
    std::vector<double> edges;
    if (f.kind == Feature::Kind::kNumeric && !f.boolean) {
      std::vector<double> present;
      size_t stride = std::max<size_t>(1, n / kEdgeSample);
      for (size_t i = 0; i < n; i += stride) if (!std::isnan(c.numbers[i])) present.push_back(c.numbers[i]);
      std::sort(present.begin(), present.end());
      for (int b = 1; b < kBins && !present.empty(); ++b) {
        double q = present[(present.size() - 1) * static_cast<size_t>(b) / kBins];
        if (q < present.back() && (edges.empty() || q > edges.back())) edges.push_back(q);
      }
      for (size_t i = 0; i < n; ++i) {
        double v = c.numbers[i];
        if (std::isnan(v)) continue;
        codes[i] = static_cast<uint8_t>(1 + (std::lower_bound(edges.begin(), edges.end(), v) - edges.begin()));
      }
      code_count_.push_back(static_cast<int>(edges.size()) + 2);
    } else {
      for (size_t i = 0; i < n; ++i) {
        bool on = false;
        switch (f.kind) {
          case Feature::Kind::kNumeric: on = !std::isnan(c.numbers[i]) && c.numbers[i] > 0.5; break;
          case Feature::Kind::kEquals: on = table.row(i)[&f - table.features.data()] > 0.5; break;
          case Feature::Kind::kMissing: on = c.missing(i); break;
        }
        codes[i] = on ? 1 : 0;
      }
      code_count_.push_back(2);
    }
    codes_.push_back(std::move(codes));
    edges_.push_back(std::move(edges));
  }
}

void ClusterRuleLearner::Grow(Node& node, const std::vector<int>& labels, int cluster, int depth,
                              size_t min_leaf) const {
  const double total = static_cast<double>(node.rows.size());
  if (depth == 0 || node.in == 0 || node.in == total) return;
  double best_gain = 1e-9 * total;
  Literal best{0, -1, true};
  std::vector<double> count, in;
  for (size_t f = 0; f < codes_.size(); ++f) {
    const int codes = code_count_[f];
    count.assign(static_cast<size_t>(codes), 0);
    in.assign(static_cast<size_t>(codes), 0);
    const std::vector<uint8_t>& code = codes_[f];
    for (size_t r : node.rows) {
      count[code[r]] += 1;
      if (labels[r] == cluster) in[code[r]] += 1;
    }
    // "code > j" for j = 0 (non-numeric) or 1..codes-2 (numeric thresholds).
    bool numeric = !edges_[f].empty();
    double yes_count = total, yes_in = node.in;
    for (int j = 0; j + 1 < codes; ++j) {
      yes_count -= count[static_cast<size_t>(j)];
      yes_in -= in[static_cast<size_t>(j)];
      if (numeric && j == 0) continue;  // "x > missing" is no threshold
      double no_count = total - yes_count, no_in = node.in - yes_in;
      if (yes_count < static_cast<double>(min_leaf) || no_count < static_cast<double>(min_leaf)) continue;
      double gain = Gini(node.in, total) - Gini(yes_in, yes_count) - Gini(no_in, no_count);
      if (gain > best_gain) {
        best_gain = gain;
        best = Literal{f, j, true};
      }
    }
  }
  if (best.threshold < 0) return;
  node.leaf = false;
  node.test = best;
  node.yes = std::make_unique<Node>();
  node.no = std::make_unique<Node>();
  const std::vector<uint8_t>& code = codes_[best.feature];
  for (size_t r : node.rows) {
    Node& child = code[r] > best.threshold ? *node.yes : *node.no;
    child.rows.push_back(r);
    if (labels[r] == cluster) child.in += 1;
  }
  node.rows.clear();
  node.rows.shrink_to_fit();
  Grow(*node.yes, labels, cluster, depth - 1, min_leaf);
  Grow(*node.no, labels, cluster, depth - 1, min_leaf);
}

Json ClusterRuleLearner::LiteralCondition(const Literal& l) const {
  const Feature& f = table_.features[l.feature];
  Json value;
  switch (f.kind) {
    case Feature::Kind::kNumeric: {
      if (f.boolean) {
        value = l.holds ? Json(true) : Json{{"$ne", true}};
        break;
      }
      double t = edges_[l.feature][static_cast<size_t>(l.threshold - 1)];
      // A missing value reads as null = 0 in a comparison (docs/config.md,
      // "Coercions"): "$gt": t with t < 0 would match it.
      if (l.holds) {
        value = t >= 0 ? Json{{"$gt", t}} : Json{{"$exists", true}, {"$gt", t}};
      } else if (t >= 0) {
        value = Json{{"$lte", t}};
      } else {
        return Json{{"$not", Json{{f.attribute, Json{{"$exists", true}, {"$gt", t}}}}}};
      }
      break;
    }
    case Feature::Kind::kEquals:
      value = l.holds ? f.equals : Json{{"$ne", f.equals}};
      break;
    case Feature::Kind::kMissing:
      value = Json{{"$exists", !l.holds}};
      break;
  }
  return Json{{f.attribute, value}};
}

Json ClusterRuleLearner::PathCondition(const std::vector<Literal>& path) const {
  if (path.empty()) return Json::object();
  std::vector<Json> parts;
  for (const Literal& l : path) parts.push_back(LiteralCondition(l));
  // One object when every part reads its own attribute, else "$and".
  Json merged = Json::object();
  for (const Json& part : parts) {
    const std::string& key = part.begin().key();
    if (merged.contains(key)) return Json{{"$and", parts}};
    merged[key] = part.begin().value();
  }
  return merged;
}

ClusterRule ClusterRuleLearner::Describe(const std::vector<int>& labels, int cluster, int depth) const {
  Node root;
  root.rows.resize(table_.rows);
  for (size_t i = 0; i < table_.rows; ++i) {
    root.rows[i] = i;
    if (labels[i] == cluster) root.in += 1;
  }
  const double size = root.in;
  const size_t min_leaf = std::max<size_t>(1, table_.rows / 200);
  Grow(root, labels, cluster, std::clamp(depth, 1, 3), min_leaf);

  // The leaves, with their paths.
  struct Leaf {
    std::vector<Literal> path;
    double in, total;
  };
  std::vector<Leaf> leaves;
  std::vector<Literal> path;
  std::function<void(const Node&)> walk = [&](const Node& node) {
    if (node.leaf) {
      leaves.push_back({path, node.in, static_cast<double>(node.rows.size())});
      return;
    }
    Literal yes = node.test;
    path.push_back(yes);
    walk(*node.yes);
    path.back().holds = false;
    walk(*node.no);
    path.pop_back();
  };
  // Counts of a leaf live in its rows; internal nodes cleared theirs.
  walk(root);

  std::vector<const Leaf*> chosen;
  for (const Leaf& leaf : leaves) if (leaf.in * 2 > leaf.total) chosen.push_back(&leaf);
  if (chosen.empty()) {
    // No leaf where the cluster is the majority: the one with the best F1.
    const Leaf* best = &leaves[0];
    double best_f1 = -1;
    for (const Leaf& leaf : leaves) {
      double f1 = leaf.in > 0 ? 2 * leaf.in / (leaf.total + size) : 0;
      if (f1 > best_f1) {
        best_f1 = f1;
        best = &leaf;
      }
    }
    chosen.push_back(best);
  }
  ClusterRule rule;
  double in = 0, total = 0;
  std::vector<Json> paths;
  for (const Leaf* leaf : chosen) {
    in += leaf->in;
    total += leaf->total;
    paths.push_back(PathCondition(leaf->path));
  }
  // Two sibling leaves both chosen (same parent, last test differs only in
  // sign) collapse into their parent's path.
  if (chosen.size() == leaves.size()) {
    rule.condition = Json::object();
  } else if (paths.size() == 1) {
    rule.condition = paths[0];
  } else {
    std::vector<Json> merged;
    for (size_t a = 0; a < chosen.size(); ++a) {
      if (a + 1 < chosen.size() && chosen[a]->path.size() == chosen[a + 1]->path.size() &&
          !chosen[a]->path.empty()) {
        const auto& pa = chosen[a]->path;
        const auto& pb = chosen[a + 1]->path;
        bool siblings = pa.back().feature == pb.back().feature && pa.back().threshold == pb.back().threshold &&
                        pa.back().holds != pb.back().holds;
        for (size_t i = 0; siblings && i + 1 < pa.size(); ++i) {
          siblings = pa[i].feature == pb[i].feature && pa[i].threshold == pb[i].threshold && pa[i].holds == pb[i].holds;
        }
        if (siblings) {
          merged.push_back(PathCondition(std::vector<Literal>(pa.begin(), pa.end() - 1)));
          ++a;
          continue;
        }
      }
      merged.push_back(PathCondition(chosen[a]->path));
    }
    rule.condition = merged.size() == 1 ? merged[0] : Json{{"$or", merged}};
  }
  rule.precision = total > 0 ? in / total : 0;
  rule.recall = size > 0 ? in / size : 0;
  return rule;
}

}  // namespace leadseg::learning
