// AttributeDeps and AttributeChanges: what lets an evaluation re-run only the
// conditions a call can have changed the answer of.
//
// A condition (a segment's, a trait or grading rule's, a lifecycle stage's
// or hand-off's) is a pure function of the attributes it reads
// (Condition::attrs(): it reads no clock and keeps nothing between calls).
// So when none of those attributes holds a different value than at the previous
// evaluation, its previous answer still stands. Engine::Evaluate collects
// the attributes whose values changed since then into an AttributeChanges (a metric
// whose value differs, every attribute after identify/declare, a derived value
// such as the score or the segment list as each is rewritten) and asks
// AttributeDeps, built once per engine from the config, whether a condition
// reads any of them.
//
// Conditions are numbered as engine/engine_replay.h numbers them: segment i
// is i, then the scoring rules, the grading rules, the lifecycle stages,
// MQL and SQL.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/config.h"
#include "core/value.h"

namespace leadseg {

// A set of attribute indexes of one schema, as bits.
class AttributeChanges {
 public:
  explicit AttributeChanges(size_t schema_size) : words_((schema_size + 63) / 64, 0) {}
  size_t words() const { return words_.size(); }
  const uint64_t* data() const { return words_.data(); }
  void Clear() { std::fill(words_.begin(), words_.end(), 0); }
  void AddAll() { std::fill(words_.begin(), words_.end(), ~uint64_t{0}); }
  // Forced inline: at -Oz it stayed a call, made for every attribute
  // identify replaces (docs/performance.md, s46).
  [[gnu::always_inline]] void Add(int attr) {
    if (attr >= 0) words_[static_cast<size_t>(attr) / 64] |= uint64_t{1} << (attr % 64);
  }
  // Adds every attribute of `other` (the same schema's).
  void AddFrom(const AttributeChanges& other) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] |= other.words_[w];
  }
  bool Has(int attr) const {
    return attr >= 0 && (words_[static_cast<size_t>(attr) / 64] >> (attr % 64) & 1) != 0;
  }
  // Whether any attribute of `set` (words() words of the same schema: a
  // condition's reads) is in this one.
  bool Intersects(const uint64_t* set) const {
    uint64_t any = 0;
    for (size_t w = 0; w < words_.size(); ++w) any |= set[w] & words_[w];
    return any != 0;
  }

 private:
  std::vector<uint64_t> words_;
};

class AttributeDeps {
 public:
  explicit AttributeDeps(const CompiledConfig& config);

  // Condition numbers (see the header comment).
  size_t segment(size_t i) const { return i; }
  size_t score_rule(size_t r) const { return score_rules_ + r; }
  size_t grade_rule(size_t r) const { return grade_rules_ + r; }
  size_t stage(size_t i) const { return stages_ + i; }
  size_t mql() const { return mql_; }
  size_t sql() const { return mql_ + 1; }
  size_t size() const { return mql_ + 2; }

  // Whether condition `id` reads an attribute in `changes` (a condition without
  // one, such as a stage with no condition, reads none).
  bool Affected(size_t id, const AttributeChanges& changes) const {
    return changes.Intersects(&deps_[id * words_]);
  }
  // Adds what condition `id` reads to `reads` (AttributeChanges words,
  // sized to fit).
  void AddReads(size_t id, std::vector<uint64_t>* reads) const {
    reads->resize(words_, 0);
    for (size_t w = 0; w < words_; ++w) (*reads)[w] |= deps_[id * words_ + w];
  }

 private:
  void Set(size_t id, const Condition* condition);

  size_t words_;
  size_t score_rules_ = 0, grade_rules_ = 0, stages_ = 0, mql_ = 0;
  std::vector<uint64_t> deps_;  // words_ per condition
};

// Whether two values are the same to every condition: same type and the
// same content (numbers bit for bit, strings byte for byte, containers
// member by member in order).
bool SameValue(const Value& a, const Value& b);

}  // namespace leadseg
