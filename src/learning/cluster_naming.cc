#include "learning/cluster_naming.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

namespace leadseg::learning {

namespace {
constexpr double kDistinct = 0.3;  // standard deviations
constexpr size_t kParts = 2;

std::string LevelText(const Json& level) { return level.is_string() ? level.get<std::string>() : level.dump(); }
}  // namespace

ClusterNamer::ClusterNamer(const FeatureTable& table) : table_(table) {
  const size_t p = table.cols();
  mean_.assign(p, 0);
  sd_.assign(p, 0);
  for (size_t i = 0; i < table.rows; ++i)
    for (size_t j = 0; j < p; ++j) mean_[j] += table.row(i)[j];
  for (double& m : mean_) m /= static_cast<double>(table.rows);
  for (size_t i = 0; i < table.rows; ++i)
    for (size_t j = 0; j < p; ++j) sd_[j] += (table.row(i)[j] - mean_[j]) * (table.row(i)[j] - mean_[j]);
  for (double& s : sd_) s = std::sqrt(s / static_cast<double>(table.rows));
}

std::string ClusterNamer::Name(const std::vector<double>& center) const {
  const size_t p = table_.cols();
  std::vector<double> z(p, 0);
  for (size_t j = 0; j < p; ++j) z[j] = sd_[j] > 0 ? (center[j] - mean_[j]) / sd_[j] : 0;
  std::vector<size_t> order(p);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::fabs(z[a]) > std::fabs(z[b]); });
  std::vector<std::string> parts;
  std::vector<std::string> used;  // one part per attribute
  for (size_t j : order) {
    if (parts.size() == kParts || std::fabs(z[j]) < kDistinct) break;
    const Feature& f = table_.features[j];
    if (std::find(used.begin(), used.end(), f.attribute) != used.end()) continue;
    std::string part;
    bool up = z[j] > 0;
    switch (f.kind) {
      case Feature::Kind::kNumeric:
        part = f.boolean ? (up ? f.attribute : "not " + f.attribute) : (up ? "high " : "low ") + f.attribute;
        break;
      case Feature::Kind::kEquals:
        if (!up) continue;  // "not industry X" says little
        part = f.attribute + " " + LevelText(f.equals);
        break;
      case Feature::Kind::kMissing:
        part = (up ? "no " : "with ") + f.attribute;
        break;
    }
    used.push_back(f.attribute);
    parts.push_back(part);
  }
  if (parts.empty()) return "Typical leads";
  std::string name;
  for (const std::string& part : parts) name += (name.empty() ? "" : ", ") + part;
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

std::string SegmentId(const std::string& prefix, const std::string& name) {
  std::string id = prefix;
  bool underscore = !id.empty() && id.back() == '_';
  for (unsigned char ch : name) {
    if (std::isalnum(ch)) {
      id += static_cast<char>(std::tolower(ch));
      underscore = false;
    } else if (!underscore) {
      id += '_';
      underscore = true;
    }
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.size() > 64) id.resize(64);
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.empty() || !std::isalpha(static_cast<unsigned char>(id[0]))) id = "c_" + id;
  return id;
}

}  // namespace leadseg::learning
