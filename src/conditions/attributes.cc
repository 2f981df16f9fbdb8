#include "conditions/attributes.h"

#include <algorithm>

namespace leadseg {

namespace {

// The first of the sorted indexes [begin, end) whose name is not less than
// `name`.
std::vector<int>::const_iterator LowerBound(std::vector<int>::const_iterator begin,
                                            std::vector<int>::const_iterator end, const std::vector<std::string>& names,
                                            std::string_view name) {
  return std::lower_bound(begin, end, name,
                          [&names](int attr, std::string_view n) { return names[static_cast<size_t>(attr)] < n; });
}

}  // namespace

int AttributeSchema::Intern(std::string_view name) {
  auto at = LowerBound(by_name_.begin(), by_name_.end(), names_, name);
  if (at != by_name_.end() && names_[static_cast<size_t>(*at)] == name) return *at;
  int attr = static_cast<int>(names_.size());
  names_.emplace_back(name);
  by_name_.insert(at, attr);
  return attr;
}

int AttributeSchema::Find(std::string_view name) const {
  auto at = LowerBound(by_name_.begin(), by_name_.end(), names_, name);
  return at != by_name_.end() && names_[static_cast<size_t>(*at)] == name ? *at : kNotFound;
}

bool AttributeSchema::Assign(std::vector<std::string> names) {
  std::vector<int> by_name(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    // Insertion into the sorted first i, as Intern's: the greater ones
    // moved up one.
    const auto sorted_end = by_name.cbegin() + static_cast<std::ptrdiff_t>(i);
    const auto at = LowerBound(by_name.cbegin(), sorted_end, names, names[i]);
    if (at != sorted_end && names[static_cast<size_t>(*at)] == names[i]) return false;
    const auto lo = at - by_name.cbegin();
    std::move_backward(by_name.begin() + lo, by_name.begin() + static_cast<std::ptrdiff_t>(i),
                       by_name.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    by_name[static_cast<size_t>(lo)] = static_cast<int>(i);
  }
  names_ = std::move(names);
  by_name_ = std::move(by_name);
  return true;
}

void AttributeSet::Grow() {
  // The schema may have grown since this set was made (more conditions
  // compiled); new attribute indexes start missing.
  if (values_.size() < schema_->size()) {
    values_.resize(schema_->size());
    present_.resize(schema_->size(), 0);
  }
}

void AttributeSet::Clear() {
  Grow();
  std::fill(present_.begin(), present_.end(), 0);
}

void AttributeSet::Set(int attr, Value v) {
  size_t i = static_cast<size_t>(attr);
  if (i >= values_.size()) Grow();
  if (i >= values_.size()) return;
  values_[i] = v;
  present_[i] = 1;
}

void AttributeSet::Unset(int attr) {
  size_t i = static_cast<size_t>(attr);
  if (i < present_.size()) present_[i] = 0;
}

void AttributeSet::SetFromObject(const Value& object) {
  if (!object.is_object()) return;
  Grow();
  for (uint32_t i = 0; i < object.size(); ++i) {
    int attr = schema_->Find(object.key_at(i));
    if (attr != AttributeSchema::kNotFound) Set(attr, object.value_at(i));
  }
}

}  // namespace leadseg
