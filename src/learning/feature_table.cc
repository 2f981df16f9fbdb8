#include "learning/feature_table.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace leadseg::learning {

bool RawColumn::missing(size_t row) const {
  return type == Type::kCategorical ? codes[row] < 0 : std::isnan(numbers[row]);
}

std::string Feature::Label() const {
  switch (kind) {
    case Kind::kNumeric: return attribute;
    case Kind::kEquals: return attribute + " = " + (equals.is_string() ? equals.get<std::string>() : equals.dump());
    case Kind::kMissing: return attribute + " missing";
  }
  return attribute;
}

namespace {

Status CheckColumn(const RawColumn& c, size_t rows) {
  std::string path = "/features" + PointerToken(c.name);
  if (c.name.empty()) return InvalidArgument("a feature column has no name", "/features");
  if (c.size() != rows) {
    return InvalidArgument("column \"" + c.name + "\" has " + std::to_string(c.size()) + " values for " +
                           std::to_string(rows) + " rows", path);
  }
  if (c.type == RawColumn::Type::kCategorical) {
    for (int32_t code : c.codes) {
      if (code >= static_cast<int32_t>(c.levels.size())) {
        return InvalidArgument("column \"" + c.name + "\" has a level code out of range", path);
      }
    }
  } else {
    for (double v : c.numbers) {
      if (std::isinf(v)) return InvalidArgument("column \"" + c.name + "\" has an infinite value", path);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<FeatureTable> BuildFeatureTable(const std::vector<RawColumn>& columns, const FeatureOptions& options) {
  FeatureTable table;
  if (columns.empty()) return InvalidArgument("no feature columns", "/features");
  table.rows = columns[0].size();
  if (table.rows == 0) return InvalidArgument("no rows to learn from", "");
  for (const RawColumn& c : columns) {
    Status s = CheckColumn(c, table.rows);
    if (!s.ok()) return s;
  }

  for (size_t ci = 0; ci < columns.size(); ++ci) {
    const RawColumn& c = columns[ci];
    size_t missing = 0;
    for (size_t r = 0; r < table.rows; ++r) missing += c.missing(r) ? 1 : 0;
    if (missing == table.rows) {
      table.skipped.push_back({c.name, "no values"});
      continue;
    }
    size_t before = table.features.size();
    if (c.type != RawColumn::Type::kCategorical) {
      double sum = 0;
      for (double v : c.numbers) if (!std::isnan(v)) sum += v;
      double present = static_cast<double>(table.rows - missing);
      double mean = sum / present;
      double ss = 0;
      for (double v : c.numbers) if (!std::isnan(v)) ss += (v - mean) * (v - mean);
      double sd = std::sqrt(ss / present);
      if (sd > 1e-12 * std::max(1.0, std::fabs(mean))) {
        Feature f;
        f.kind = Feature::Kind::kNumeric;
        f.column = ci;
        f.attribute = c.name;
        f.mean = mean;
        f.scale = sd;
        f.boolean = c.type == RawColumn::Type::kBoolean;
        table.features.push_back(std::move(f));
      }
    } else {
      std::vector<size_t> counts(c.levels.size(), 0);
      for (int32_t code : c.codes) if (code >= 0) counts[static_cast<size_t>(code)]++;
      std::vector<size_t> order(c.levels.size());
      std::iota(order.begin(), order.end(), 0);
      // Most frequent first; ties in level order, so the choice is stable.
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return counts[a] > counts[b]; });
      size_t kept = 0;
      for (size_t level : order) {
        if (kept == options.max_levels || counts[level] == 0) break;
        if (counts[level] == table.rows) break;  // constant: says nothing
        Feature f;
        f.kind = Feature::Kind::kEquals;
        f.column = ci;
        f.attribute = c.name;
        f.equals = c.levels[level];
        f.count = counts[level];
        f.mean = static_cast<double>(level);  // the code it tests, while building
        table.features.push_back(std::move(f));
        ++kept;
      }
    }
    if (missing > 0) {
      Feature f;
      f.kind = Feature::Kind::kMissing;
      f.column = ci;
      f.attribute = c.name;
      f.count = missing;
      table.features.push_back(std::move(f));
    }
    if (table.features.size() == before) table.skipped.push_back({c.name, "the same value in every row"});
  }
  if (table.features.empty()) {
    return InvalidArgument("no usable feature: every column is constant or empty", "/features");
  }

  const size_t p = table.features.size();
  table.x.assign(table.rows * p, 0.0);
  for (size_t j = 0; j < p; ++j) {
    Feature& f = table.features[j];
    const RawColumn& c = columns[f.column];
    for (size_t r = 0; r < table.rows; ++r) {
      double v = 0;
      switch (f.kind) {
        case Feature::Kind::kNumeric:
          v = std::isnan(c.numbers[r]) ? 0.0 : (c.numbers[r] - f.mean) / f.scale;
          break;
        case Feature::Kind::kEquals:
          v = c.codes[r] == static_cast<int32_t>(f.mean) ? 1.0 : 0.0;
          break;
        case Feature::Kind::kMissing:
          v = c.missing(r) ? 1.0 : 0.0;
          break;
      }
      table.x[r * p + j] = v;
    }
    if (f.kind == Feature::Kind::kEquals) f.mean = 0;
  }
  return table;
}

}  // namespace leadseg::learning
