// Attributes: what conditions are evaluated against.
//
// Conditions are compiled against an AttributeSchema that interns every
// top-level attribute name they mention into a dense attribute index. An
// AttributeSet then holds one Value per attribute index, so evaluating a condition
// never looks a name up in a map, and a caller (the wasm boundary, a
// profile, a CSV row) only has to supply the attributes that some
// condition actually reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace leadseg {

class AttributeSchema {
 public:
  static constexpr int kNotFound = -1;

  AttributeSchema() = default;
  // Not copyable (schemas are shared by pointer, never duplicated).
  AttributeSchema(const AttributeSchema&) = delete;
  AttributeSchema& operator=(const AttributeSchema&) = delete;
  AttributeSchema(AttributeSchema&&) = default;
  AttributeSchema& operator=(AttributeSchema&&) = default;

  // Returns the attribute index of `name`, adding it if new.
  int Intern(std::string_view name);
  // Returns the attribute index of `name`, or kNotFound.
  int Find(std::string_view name) const;
  // Takes `names` (by attribute index) as an empty schema's, as a decoded
  // compiled config stores them: false, and the schema left as it was, when
  // a name repeats (it would shift every later index). Where Intern grows
  // both vectors name by name, this sizes them once: the compiled config's
  // reader, in the runtime wasm, carries no growth path for either.
  bool Assign(std::vector<std::string> names);

  size_t size() const { return names_.size(); }
  const std::string& name(int attr) const { return names_[static_cast<size_t>(attr)]; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // by attribute index
  // Attribute indexes sorted by name, for a binary search: a schema holds tens of
  // names, and a sorted index carries no hash table code into the module.
  std::vector<int> by_name_;
};

// One visitor's (or one row's) attribute values, by attribute index. Missing
// attributes read as JavaScript `null`, which is what GrowthBook's path
// lookup yields for them.
class AttributeSet {
 public:
  explicit AttributeSet(const AttributeSchema* schema) : schema_(schema) {}

  const AttributeSchema& schema() const { return *schema_; }

  // Marks every attribute missing; keeps memory.
  void Clear();
  void Set(int attr, Value v);
  void Unset(int attr);
  // The value at `attr`, or nullptr when missing. A few loads, forced
  // inline: at -Oz it stayed a call, made for every group a segment
  // program begins (docs/performance.md, s46).
  [[gnu::always_inline]] const Value* Get(int attr) const {
    size_t i = static_cast<size_t>(attr);
    return i < present_.size() && present_[i] ? &values_[i] : nullptr;
  }
  // Sets every member of `object` whose name the schema knows; others are
  // ignored (no condition can read them). Non-objects set nothing.
  void SetFromObject(const Value& object);

 private:
  void Grow();
  const AttributeSchema* schema_;
  std::vector<Value> values_;
  std::vector<uint8_t> present_;
};

}  // namespace leadseg
