// One column of a lead list as the learning code receives it: already typed
// by the caller (web/src/learn-input.js decides from the JSON values), one
// entry per lead.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace leadseg::learning {

struct RawColumn {
  enum class Type { kNumeric, kBoolean, kCategorical };

  std::string name;
  Type type = Type::kNumeric;
  // kNumeric / kBoolean (0 or 1): the value of each row, NaN when missing.
  std::vector<double> numbers;
  // kCategorical: the level index of each row, -1 when missing ...
  std::vector<int32_t> codes;
  // ... and the JSON value of each level (a string, number or boolean), as
  // a `predictive` feature's `equals` names it.
  std::vector<Json> levels;

  size_t size() const { return type == Type::kCategorical ? codes.size() : numbers.size(); }
  bool missing(size_t row) const;
};

}  // namespace leadseg::learning
