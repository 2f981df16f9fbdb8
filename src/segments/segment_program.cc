#include "segments/segment_program.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "segments/segment_program_tables.h"

// Cold paths kept out of the row functions' bodies (BeginRows,
// EvaluateAllRows) in a build for speed (the batch module, -O3). A build for
// size (the page's runtime, -Oz) keeps the inliner's choice: out of line
// there, they cost its wasm 95 B gzip (docs/performance.md, s36).
// In wasm the attribute holds only because the batch link caps binaryen's
// one-caller inlining (--one-caller-inline-max-function-size in
// cmake/LeadsegWasmBatch.cmake): binaryen does not see LLVM's noinline and
// would otherwise inline every function with a single caller.
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__OPTIMIZE_SIZE__)
#define LEADSEG_SEGMENTS_NOINLINE __attribute__((noinline))
#else
#define LEADSEG_SEGMENTS_NOINLINE
#endif

namespace leadseg {
namespace {

using namespace segment_tables;

// The children of And/Or node `id` with every $and directly inside an $and
// (an attribute's operator object, `{"$gte": 10, "$lte": 200}`, is one)
// and every non-empty $or inside an $or merged into it: the same node. An
// empty $or passes, so it stays a child; a $nor is never merged.
void Flatten(const ConditionShape& shape, uint32_t id, std::vector<uint32_t>* flat) {
  const ConditionShape::Node& n = shape.nodes[id];
  for (uint32_t i = 0; i < n.count; ++i) {
    const uint32_t kid = shape.kids[n.first + i];
    const ConditionShape::Node& k = shape.nodes[kid];
    const bool same = n.kind != ConditionShape::Kind::kNor && k.kind == n.kind &&
                      (k.kind == ConditionShape::Kind::kAnd || k.count > 0);
    if (same) Flatten(shape, kid, flat);
    else flat->push_back(kid);
  }
}

bool IsAndOr(const ConditionShape::Node& n) {
  return n.kind == ConditionShape::Kind::kAnd || n.kind == ConditionShape::Kind::kOr;
}

// `id` without wrappers: an $and or $or of one (flattened) child is that
// child (`{"$or": [...]}` is an $and of one $or; `{"$or": [{"a": 1}]}` an
// $or of an $and of one leaf).
uint32_t Unwrap(const ConditionShape& shape, uint32_t id) {
  std::vector<uint32_t> flat;
  while (IsAndOr(shape.nodes[id]) && shape.nodes[id].count > 0) {
    flat.clear();
    Flatten(shape, id, &flat);
    if (flat.size() != 1) break;
    id = flat[0];
  }
  return id;
}

}  // namespace

void SegmentProgram::State::Reserve(size_t words, size_t condition_words) {
  words_ = words;
  condition_words_ = condition_words;
  const size_t total = 2 * words + 3 * condition_words;
  if (total > kInlineWords && heap_.size() < total) heap_.assign(total, 0);
}

SegmentProgram::SegmentProgram() : entry_{0} {}
SegmentProgram::SegmentProgram(SegmentProgram&&) noexcept = default;
SegmentProgram& SegmentProgram::operator=(SegmentProgram&&) noexcept = default;
SegmentProgram::~SegmentProgram() = default;

SegmentProgram SegmentProgram::Build(const std::vector<const Condition*>& conditions,
                                     const std::vector<int>& volatile_attrs) {
  SegmentProgram p;
  p.conditions_ = conditions;

  // 1. Every condition's leaves, each assigned to the group of its
  // attribute or to the dynamic leaves.
  struct Pending {
    ConditionShape::Leaf facts;
    uint32_t id;
  };
  std::vector<ConditionShape> shapes;
  shapes.reserve(conditions.size());
  std::vector<std::vector<uint32_t>> leaf_ids(conditions.size());  // shape leaf -> leaf id
  // Stable attribute -> its leaves, in order of first use. Plain vectors:
  // std::map and std::set cost the runtime module kilobytes.
  std::vector<std::vector<Pending>> by_group;
  std::vector<int> group_of_attr;
  std::vector<int> attr_order;
  std::vector<uint32_t> dynamic;
  for (size_t c = 0; c < conditions.size(); ++c) {
    shapes.push_back(conditions[c]->Shape());
    for (const ConditionShape::Leaf& facts : shapes.back().leaves) {
      uint32_t id = static_cast<uint32_t>(p.leaves_.size());
      p.leaves_.push_back(Leaf{conditions[c], facts.node, facts.attr});
      leaf_ids[c].push_back(id);
      bool stable = facts.attr >= 0 &&
                    std::find(volatile_attrs.begin(), volatile_attrs.end(), facts.attr) == volatile_attrs.end();
      if (!stable) {
        dynamic.push_back(id);
        continue;
      }
      if (group_of_attr.size() <= static_cast<size_t>(facts.attr)) group_of_attr.resize(facts.attr + 1, -1);
      int& group = group_of_attr[static_cast<size_t>(facts.attr)];
      if (group < 0) {
        group = static_cast<int>(attr_order.size());
        attr_order.push_back(facts.attr);
        by_group.emplace_back();
      }
      by_group[static_cast<size_t>(group)].push_back(Pending{facts, id});
    }
  }

  // 2. Which conditions kill/hit bits decide, and each leaf's role in
  // them: an $and or $or of leaves (after flattening and unwrapping), or
  // of leaves and inner nodes of the other kind whose children are all
  // leaves (clauses, with bits of their own past the conditions'). Every
  // other condition always runs its program.
  const uint32_t condition_words = static_cast<uint32_t>(WordsFor(conditions.size()));
  std::vector<uint8_t> form_of(conditions.size(), kGeneral);
  std::vector<std::vector<uint32_t>> leaf_role(conditions.size());  // shape leaf -> (bit << 2) | role
  for (size_t c = 0; c < conditions.size(); ++c) {
    const ConditionShape& shape = shapes[c];
    std::vector<uint32_t>& roles = leaf_role[c];
    roles.assign(shape.leaves.size(), static_cast<uint32_t>(c) << 2);
    const uint32_t root = Unwrap(shape, shape.root);
    const ConditionShape::Node& r = shape.nodes[root];
    if (r.kind == ConditionShape::Kind::kLeaf) {  // one leaf: an $and of it
      form_of[c] = kAllOf;
      roles[r.leaf] |= kKill;
      continue;
    }
    if (!IsAndOr(r) || r.count == 0) continue;
    const bool is_and = r.kind == ConditionShape::Kind::kAnd;
    std::vector<uint32_t> flat, inner;
    Flatten(shape, root, &flat);
    std::vector<Clause> clauses;
    bool two_level = !flat.empty();
    for (size_t k = 0; two_level && k < flat.size(); ++k) {
      const ConditionShape::Node& kid = shape.nodes[Unwrap(shape, flat[k])];
      if (kid.kind == ConditionShape::Kind::kLeaf) continue;
      // The other kind, non-empty, of leaves only.
      two_level = IsAndOr(kid) && kid.kind != r.kind && kid.count > 0;
      if (!two_level) break;
      inner.clear();
      Flatten(shape, Unwrap(shape, flat[k]), &inner);
      two_level = !inner.empty() && std::all_of(inner.begin(), inner.end(), [&](uint32_t i) {
        return shape.nodes[Unwrap(shape, i)].kind == ConditionShape::Kind::kLeaf;
      });
    }
    if (!two_level) continue;
    form_of[c] = is_and ? kAllOf : kAnyOf;
    for (uint32_t kid_id : flat) {
      const uint32_t kid = Unwrap(shape, kid_id);
      if (shape.nodes[kid].kind == ConditionShape::Kind::kLeaf) {
        roles[shape.nodes[kid].leaf] |= is_and ? kKill : kHit;
        continue;
      }
      Clause clause;
      clause.bit = static_cast<uint32_t>(conditions.size() + p.clauses_.size());
      clause.parent = static_cast<uint32_t>(c);
      clause.any = is_and;  // an $or inside an $and
      p.clauses_.push_back(clause);
      inner.clear();
      Flatten(shape, kid, &inner);
      for (uint32_t i : inner) {
        roles[shape.nodes[Unwrap(shape, i)].leaf] = clause.bit << 2 | (clause.any ? kHit : kKill);
      }
    }
  }
  const uint32_t bitset_words = static_cast<uint32_t>(WordsFor(conditions.size() + p.clauses_.size()));
  p.bitset_words_ = bitset_words;

  // 3. Bits: each group from a word boundary, so a row is whole words.
  std::vector<uint32_t> bit_of(p.leaves_.size(), kNone);
  uint32_t word = 0;
  for (size_t gi = 0; gi < attr_order.size(); ++gi) {
    const int attr = attr_order[gi];
    const auto& leaves = by_group[gi];
    Group g;
    g.attr = attr;
    g.word = word;
    g.words = static_cast<uint32_t>((leaves.size() + 63) / 64);
    g.stride = g.words + 2 * bitset_words;
    for (size_t i = 0; i < leaves.size(); ++i) bit_of[leaves[i].id] = 64 * word + static_cast<uint32_t>(i);
    word += g.words;
    p.groups_.push_back(std::move(g));
  }
  const uint32_t dynamic_word = word;
  for (size_t i = 0; i < dynamic.size(); ++i) bit_of[dynamic[i]] = 64 * dynamic_word + static_cast<uint32_t>(i);
  word += static_cast<uint32_t>((dynamic.size() + 63) / 64);
  p.words_ = word;
  p.leaf_at_bit_.assign(64 * static_cast<size_t>(p.words_), kNone);
  for (uint32_t id = 0; id < p.leaves_.size(); ++id) p.leaf_at_bit_[bit_of[id]] = id;
  p.dynamic_mask_.assign(p.words_, 0);
  for (uint32_t id : dynamic) p.dynamic_mask_[bit_of[id] / 64] |= Bit(bit_of[id]);

  // 4. Each group's tables, filled by asking the conditions about one value
  // of each class. Rows of values are listed with the mask of the leaves
  // they leave pending (kNone: none) for their kill/hit bits (step 5).
  struct ValueRow {
    uint32_t group, row, pending_row;
  };
  std::vector<ValueRow> value_rows;
  for (size_t gi = 0; gi < p.groups_.size(); ++gi) {
    Group& g = p.groups_[gi];
    const auto& leaves = by_group[gi];
    auto new_row = [&]() {
      uint32_t at = static_cast<uint32_t>(p.pool_.size());
      p.pool_.resize(p.pool_.size() + g.stride, 0);
      return at;
    };
    auto value_row = [&](uint32_t row, uint32_t pending_row) {
      value_rows.push_back(ValueRow{static_cast<uint32_t>(gi), row, pending_row});
    };
    // A row answering, for `value`, the leaves `include` accepts.
    auto row_for = [&](const Value& value, auto include) {
      uint32_t row = new_row();
      for (size_t i = 0; i < leaves.size(); ++i) {
        const Pending& leaf = leaves[i];
        if (!include(leaf.facts)) continue;
        if (p.leaves_[leaf.id].condition->MatchLeaf(leaf.facts.node, value)) p.pool_[row + i / 64] |= Bit(static_cast<uint32_t>(i));
      }
      return row;
    };
    auto mask_for = [&](auto include) {
      uint32_t row = new_row();
      for (size_t i = 0; i < leaves.size(); ++i) {
        if (include(leaves[i].facts)) p.pool_[row + i / 64] |= Bit(static_cast<uint32_t>(i));
      }
      return row;
    };
    auto every = [](const ConditionShape::Leaf&) { return true; };
    auto string_keyed = [](const ConditionShape::Leaf& l) { return l.string_keyed; };
    auto number_keyed = [](const ConditionShape::Leaf& l) { return l.number_keyed; };
    g.all = mask_for(every);
    g.null_row = row_for(Value::Null(), every);
    g.true_row = row_for(Value::Bool(true), every);
    g.false_row = row_for(Value::Bool(false), every);
    for (uint32_t row : {g.null_row, g.true_row, g.false_row}) value_row(row, kNone);

    // Strings: one row per interned key, one for every other string.
    auto sorted_unique = [](std::vector<std::string_view>* v) {
      std::sort(v->begin(), v->end());
      v->erase(std::unique(v->begin(), v->end()), v->end());
    };
    auto contains = [](const std::vector<std::string_view>& v, std::string_view s) {
      return std::binary_search(v.begin(), v.end(), s);
    };
    std::vector<std::string_view> keys;
    for (const Pending& leaf : leaves) {
      if (leaf.facts.string_keyed) keys.insert(keys.end(), leaf.facts.string_keys.begin(), leaf.facts.string_keys.end());
    }
    sorted_unique(&keys);
    g.string_pending = mask_for([](const ConditionShape::Leaf& l) { return !l.string_keyed; });
    std::string other = "\x01leadseg:other";
    while (contains(keys, other)) other.push_back('~');
    g.other_string_row = row_for(Value::String(other), string_keyed);
    value_row(g.other_string_row, g.string_pending);
    auto make_table = [](const std::vector<std::string_view>& table_keys, std::vector<StringEntry>* table, auto row_of) {
      size_t capacity = 4;
      while (capacity < 2 * table_keys.size()) capacity *= 2;
      table->assign(capacity, StringEntry{});
      for (std::string_view key : table_keys) {
        const StringKey k = StringKey::Of(key);
        const StringEntry e(k, row_of(key));
        size_t at = k.hash & (capacity - 1);
        while ((*table)[at].row != kNone) at = (at + 1) & (capacity - 1);
        (*table)[at] = e;
      }
    };
    make_table(keys, &g.strings, [&](std::string_view key) {
      const uint32_t row = row_for(Value::String(key), string_keyed);
      value_row(row, g.string_pending);
      return row;
    });

    // Arrays of strings: a row per element value, answering [element].
    using ArrayRule = ConditionShape::Leaf::ArrayRule;
    auto array_keyed = [](const ConditionShape::Leaf& l) { return l.array_rule != ArrayRule::kNone; };
    std::vector<std::string_view> element_keys;
    for (const Pending& leaf : leaves) {
      if (array_keyed(leaf.facts)) element_keys.insert(element_keys.end(), leaf.facts.element_keys.begin(), leaf.facts.element_keys.end());
    }
    sorted_unique(&element_keys);
    g.any_mask = mask_for([](const ConditionShape::Leaf& l) { return l.array_rule == ArrayRule::kAny; });
    g.all_mask = mask_for([](const ConditionShape::Leaf& l) { return l.array_rule == ArrayRule::kAll; });
    g.arrays = g.words == 1 && std::any_of(leaves.begin(), leaves.end(), [&](const Pending& l) { return array_keyed(l.facts); });
    if (g.arrays) {
      Document scratch;
      auto single = [&](std::string_view element) {
        Value* item = scratch.AllocateChildren(1);
        item[0] = Value::String(element);
        return Document::MakeArray(item, 1);
      };
      std::string other_element = "\x01leadseg:other";
      while (contains(element_keys, other_element)) other_element.push_back('~');
      g.other_element_row = row_for(single(other_element), array_keyed);
      make_table(element_keys, &g.elements, [&](std::string_view key) { return row_for(single(key), array_keyed); });
    }
    for (size_t i = 0; i < leaves.size(); ++i) {
      const Regex* re = leaves[i].facts.regex;
      if (re && re->anchored() && !re->ignore_case()) {
        PrefixTest t;
        t.bit = bit_of[leaves[i].id];
        t.regex = re;
        g.prefixes.push_back(t);
      }
    }
    g.IndexPrefixes();

    // Numbers: a row per threshold and per open interval around them.
    std::vector<double> thresholds;
    for (const Pending& leaf : leaves) {
      if (leaf.facts.number_keyed) thresholds.insert(thresholds.end(), leaf.facts.number_keys.begin(), leaf.facts.number_keys.end());
    }
    thresholds.erase(std::remove_if(thresholds.begin(), thresholds.end(), [](double d) { return std::isnan(d); }),
                     thresholds.end());
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());  // -0 == 0: one key
    g.thresholds = thresholds;
    // Integer regions: a byte each, from the search itself, for thresholds
    // within +-2^30 that span at most 8,192 integers (a few KB a group).
    constexpr double kIntLimit = 1073741824.0, kIntSpan = 8192;
    if (!thresholds.empty() && 2 * thresholds.size() + 1 <= 255 && thresholds.front() > -kIntLimit &&
        thresholds.back() < kIntLimit && std::ceil(thresholds.back()) - std::floor(thresholds.front()) + 3 <= kIntSpan) {
      g.int_low = std::floor(thresholds.front()) - 1;  // below every threshold
      g.int_high = std::ceil(thresholds.back()) + 1;   // above every threshold
      for (double k = g.int_low; k <= g.int_high; ++k) g.int_regions.push_back(static_cast<uint8_t>(g.RegionOf(k)));
    }
    g.number_pending = mask_for([](const ConditionShape::Leaf& l) { return !l.number_keyed; });
    g.nan_row = row_for(Value::Number(std::numeric_limits<double>::quiet_NaN()), number_keyed);
    value_row(g.nan_row, g.number_pending);
    const double inf = std::numeric_limits<double>::infinity();
    const size_t m = thresholds.size();
    g.regions = static_cast<uint32_t>(p.pool_.size());
    for (size_t r = 0; r <= 2 * m; ++r) {
      // A value inside the region, if it holds any (consecutive doubles
      // leave nothing between them).
      double v;
      bool empty = false;
      if (r % 2 == 1) {
        v = thresholds[r / 2];
      } else if (m == 0) {
        v = 0;
      } else if (r == 0) {
        v = -inf;
        empty = thresholds[0] == -inf;
      } else if (r == 2 * m) {
        v = inf;
        empty = thresholds[m - 1] == inf;
      } else {
        double lo = thresholds[r / 2 - 1], hi = thresholds[r / 2];
        v = std::nextafter(lo, hi);
        empty = !(v < hi);
      }
      if (empty) new_row();
      else value_row(row_for(Value::Number(v), number_keyed), g.number_pending);
    }
  }

  // 5. Each condition as a flat program over the bits. Within an $and or
  // $or, words whose leaves the tables always decide are tested first, so
  // a leaf that must ask its condition is reached only when needed.
  std::vector<uint8_t> prone(p.words_, 1);
  for (size_t gi = 0; gi < p.groups_.size(); ++gi) {
    const Group& g = p.groups_[gi];
    const auto& leaves = by_group[gi];
    bool keyed = std::all_of(leaves.begin(), leaves.end(), [](const Pending& l) {
      return l.facts.string_keyed && l.facts.number_keyed && !l.facts.regex;
    });
    for (uint32_t w = 0; w < g.words; ++w) prone[g.word + w] = keyed ? 0 : 1;
  }
  for (uint32_t w = dynamic_word; w < p.words_; ++w) prone[w] = 2;
  for (size_t c = 0; c < conditions.size(); ++c) {
    const ConditionShape& shape = shapes[c];
    auto bit = [&](uint32_t shape_node) { return bit_of[leaf_ids[c][shape.nodes[shape_node].leaf]]; };
    auto emit = [&](Instr::Op op, uint32_t a, uint64_t mask) {
      Instr in;
      in.op = op;
      in.a = a;
      in.mask = mask;
      p.code_.push_back(in);
      return p.code_.size() - 1;
    };
    // Recursion follows the condition's nesting, which compiling and
    // decoding bound.
    auto lower = [&](auto& self, uint32_t id) -> void {
      const ConditionShape::Node& n = shape.nodes[id];
      switch (n.kind) {
        case ConditionShape::Kind::kTrue: emit(Instr::kConst, 1, 0); return;
        case ConditionShape::Kind::kFalse: emit(Instr::kConst, 0, 0); return;
        case ConditionShape::Kind::kLeaf: emit(Instr::kLeaf, bit(id), 0); return;
        case ConditionShape::Kind::kNot:
          self(self, shape.kids[n.first]);
          emit(Instr::kNot, 0, 0);
          return;
        case ConditionShape::Kind::kAnd:
        case ConditionShape::Kind::kOr:
        case ConditionShape::Kind::kNor: {
          const bool is_and = n.kind == ConditionShape::Kind::kAnd;
          if (n.count == 0) {  // GrowthBook: $and: [] and $or: [] pass, $nor: [] fails
            emit(Instr::kConst, n.kind == ConditionShape::Kind::kNor ? 0 : 1, 0);
            return;
          }
          // An $and directly inside an $and is the same $and (an
          // attribute's operator object, `{"$gte": 10, "$lte": 200}`, is
          // one), and so is a non-empty $or inside an $or (an empty one
          // passes, so it stays a child): flattened, most conditions
          // become a plain $and or $or of leaves.
          std::vector<uint32_t> flat;
          Flatten(shape, id, &flat);
          if (flat.empty()) {  // only empty $and children: the $and passes
            emit(Instr::kConst, 1, 0);
            return;
          }
          // Leaf children first, a word at a time; the rest after, in order.
          std::vector<std::pair<uint32_t, uint64_t>> ordered;  // (word, mask)
          std::vector<uint32_t> others;
          for (uint32_t kid : flat) {
            if (shape.nodes[kid].kind != ConditionShape::Kind::kLeaf) {
              others.push_back(kid);
              continue;
            }
            const uint32_t w = bit(kid) / 64;
            auto at = std::find_if(ordered.begin(), ordered.end(), [&](const auto& m) { return m.first == w; });
            if (at == ordered.end()) ordered.emplace_back(w, Bit(bit(kid)));
            else at->second |= Bit(bit(kid));
          }
          std::sort(ordered.begin(), ordered.end());
          const size_t items = ordered.size() + others.size();
          size_t done = 0;
          std::vector<size_t> jumps;
          auto after = [&]() {
            if (++done < items) jumps.push_back(emit(is_and ? Instr::kJumpIfFalse : Instr::kJumpIfTrue, 0, 0));
          };
          std::stable_sort(ordered.begin(), ordered.end(),
                           [&](const auto& a, const auto& b) { return prone[a.first] < prone[b.first]; });
          // Leaves on several attributes, in a condition with more
          // structure than a plain $and/$or of leaves (which Holds already
          // treats so): the decided leaves of every word first, so that a
          // decided one settles the node before a pending one (a regex, say)
          // is asked in an earlier word.
          if (ordered.size() >= 2 && (id != shape.root || !others.empty())) {
            for (const auto& [w, mask] : ordered) {
              emit(is_and ? Instr::kAllKnown : Instr::kAnyKnown, w, mask);
              jumps.push_back(emit(is_and ? Instr::kJumpIfFalse : Instr::kJumpIfTrue, 0, 0));
            }
          }
          for (const auto& [w, mask] : ordered) {
            emit(is_and ? Instr::kAll : Instr::kAny, w, mask);
            after();
          }
          for (uint32_t kid : others) {
            self(self, kid);
            after();
          }
          for (size_t j : jumps) p.code_[j].a = static_cast<uint32_t>(p.code_.size());
          if (n.kind == ConditionShape::Kind::kNor) emit(Instr::kNot, 0, 0);
          return;
        }
      }
    };
    const uint32_t begin = p.entry_.back();
    lower(lower, shape.root);
    p.entry_.push_back(static_cast<uint32_t>(p.code_.size()));
    // mask (jump mask)*: a plain $and or $or of leaves.
    uint8_t form = kGeneral;
    const uint32_t end = p.entry_.back();
    if (end > begin && (end - begin) % 2 == 1) {
      const Instr::Op op = p.code_[begin].op;
      bool plain = op == Instr::kAll || op == Instr::kAny;
      for (uint32_t pc = begin; plain && pc < end; pc += 2) {
        plain = p.code_[pc].op == op &&
                (pc + 1 == end || p.code_[pc + 1].op == (op == Instr::kAll ? Instr::kJumpIfFalse : Instr::kJumpIfTrue));
      }
      if (plain) form = op == Instr::kAll ? kAllOf : kAnyOf;
    }
    p.form_.push_back(form);
  }

  // 6. Kill and hit bits: which conditions (and clauses) each row's
  // decided leaves decide.
  p.role_of_bit_.assign(64 * static_cast<size_t>(p.words_), kNone);
  p.all_of_.assign(condition_words, 0);
  p.any_of_.assign(condition_words, 0);
  p.general_.assign(condition_words, 0);
  for (size_t c = 0; c < conditions.size(); ++c) {
    const uint8_t form = form_of[c];
    (form == kAllOf ? p.all_of_ : form == kAnyOf ? p.any_of_ : p.general_)[c / 64] |= Bit(static_cast<uint32_t>(c));
    for (size_t l = 0; l < leaf_ids[c].size(); ++l) p.role_of_bit_[bit_of[leaf_ids[c][l]]] = leaf_role[c][l];
  }
  for (const ValueRow& v : value_rows) {
    const Group& g = p.groups_[v.group];
    uint64_t* row = p.pool_.data() + v.row;
    for (uint32_t w = 0; w < g.words; ++w) {
      uint64_t decided = p.pool_[g.all + w] & ~(v.pending_row == kNone ? 0 : p.pool_[v.pending_row + w]);
      for (; decided; decided &= decided - 1) {
        const uint32_t i = static_cast<uint32_t>(__builtin_ctzll(decided));
        const uint32_t role = p.role_of_bit_[64 * (g.word + w) + i];
        const uint32_t c = role >> 2;
        const bool holds = (row[w] >> i) & 1;
        if ((role & kKill) && !holds) row[g.words + c / 64] |= Bit(c);
        if ((role & kHit) && holds) row[g.words + bitset_words + c / 64] |= Bit(c);
      }
    }
  }
  return p;
}

// A clause's answer, from its own bits (the words holding its bit), into
// its parent's (the words holding the parent's bit): decided, the clause
// fails its $and parent (kill) or satisfies its $or parent (hit) or says
// nothing; undecided, the parent may have to run its program. Branch-free
// on values, so that Begin's one-word path keeps them in registers.
inline void SegmentProgram::Fold(const Clause& k, uint64_t kill, uint64_t hit, uint64_t unsure,
                                 uint64_t& parent_kill, uint64_t& parent_hit, uint64_t& parent_unsure) {
  const uint64_t s = Bit(k.bit), c = Bit(k.parent);
  // An $or is settled (true) by a hit, an $and (false) by a kill.
  const uint64_t open = ((k.any ? hit : kill) & s) ? 0 : c;
  const uint64_t undecided = (unsure & s) ? open : 0;
  const uint64_t decided = open & ~undecided;  // an $or false, an $and true
  parent_unsure |= undecided;
  parent_kill |= k.any ? decided : 0;
  parent_hit |= k.any ? 0 : decided;
}

void SegmentProgram::KillAndHit(uint32_t word, uint64_t leaves, const uint64_t* bits, State* state) const {
  uint64_t* kill = state->kill();
  uint64_t* hit = state->hit();
  for (; leaves; leaves &= leaves - 1) {
    const uint32_t i = static_cast<uint32_t>(__builtin_ctzll(leaves));
    const uint32_t role = role_of_bit_[64 * word + i];
    const uint32_t c = role >> 2;
    const bool holds = (bits[word] >> i) & 1;
    if ((role & kKill) && !holds) kill[c / 64] |= Bit(c);
    if ((role & kHit) && holds) hit[c / 64] |= Bit(c);
  }
}

size_t SegmentProgram::group_count() const { return groups_.size(); }

int SegmentProgram::GroupOf(int attr) const {
  for (size_t i = 0; i < groups_.size(); ++i) {
    if (groups_[i].attr == attr) return static_cast<int>(i);
  }
  return -1;
}

uint32_t SegmentProgram::StringRow(size_t group, std::string_view s) const {
  const Group& g = groups_[group];
  return FindRow(g.strings, s, g.other_string_row);
}

void SegmentProgram::Begin(const AttributeSet& attributes, State* state) const {
  BeginRows<false>(attributes, state, nullptr);
}

template <bool kRows>
void SegmentProgram::BeginRows(const AttributeSet& attributes, State* state, const uint32_t* string_rows) const {
  const size_t condition_words = bitset_words_;  // the conditions' and the clauses'
  state->Reserve(words_, condition_words);
  const size_t dynamic_word = groups_.empty() ? 0 : groups_.back().word + groups_.back().words;
  if (condition_words == 1 && dynamic_word == groups_.size()) {
    // The usual program, at most 64 conditions and 64 leaves on an
    // attribute: one word per group, the kill, hit and unsure bits in
    // registers until the end. The same steps as the general loop below.
    uint64_t* __restrict bits = state->bits();
    uint64_t* __restrict pending = state->pending();
    const uint64_t* __restrict pool = pool_.data();
    const uint32_t* __restrict roles = role_of_bit_.data();
    uint64_t kill = 0, hit = 0, unsure = 0;
    // The conditions of the leaves among `leaves` (bits of word `word`)
    // whose role has `flag`: the kill bits of decided false leaves, or the
    // hit bits of decided true ones. Returned rather than written through a
    // pointer, and `take` forced inline: at -Oz in wasm `take` stayed a call
    // per group, and a local whose address a call takes lives in the stack
    // frame, so kill, hit, b and p were loads and stores at every group
    // (docs/performance.md, s46). The batch module (-O3) inlined both
    // already; written instead as one row taken after the switch, it read
    // ~10% slower there.
    auto roles_of = [roles](uint64_t leaves, uint32_t word, uint32_t flag) {
      uint64_t out = 0;
      for (; leaves; leaves &= leaves - 1) {
        const uint32_t role = roles[64 * word + static_cast<uint32_t>(__builtin_ctzll(leaves))];
        if (role & flag) out |= Bit(role >> 2);
      }
      return out;
    };
    for (const Group& g : groups_) {
      const size_t gi = static_cast<size_t>(&g - groups_.data());  // read only with kRows
      const Value* v = attributes.Get(g.attr);
      const ValueType type = v ? v->type() : ValueType::kNull;
      uint64_t b = 0, p = 0;
      // A row of values: its leaf bits and the conditions they kill and hit.
      auto take = [&](uint32_t row) __attribute__((always_inline)) {
        b = pool[row];
        kill |= pool[row + 1];
        hit |= pool[row + 2];
      };
      switch (type) {
        case ValueType::kNull: take(g.null_row); break;
        case ValueType::kBool: take(v->as_bool() ? g.true_row : g.false_row); break;
        case ValueType::kString: {
          const std::string_view s = v->as_string();
          take(kRows && string_rows[gi] != kNoRow ? string_rows[gi] : FindRow(g.strings, s, g.other_string_row));
          p = pool[g.string_pending];
          if (g.prefixes.empty()) break;
          // Every literal against the text's first words, then the tests'
          // answers as masks: a test fails when none of its literals starts
          // the text, and decides true when one does and it is literal_only.
          const uint64_t starts = g.PrefixStarts(s);
          const uint64_t fails = g.prefix_bits & ~starts, matches = starts & g.literal_only_bits;
          b = (b & ~fails) | matches;
          p &= ~(fails | matches);
          kill |= roles_of(fails, g.word, kKill);
          hit |= roles_of(matches, g.word, kHit);
          break;
        }
        case ValueType::kNumber: {
          const double d = v->as_number();
          take(std::isnan(d) ? g.nan_row : g.NumberRow(d));
          p = pool[g.number_pending];
          break;
        }
        default: {
          p = pool[g.all];
          uint64_t array_bits, array_pending;
          if (type == ValueType::kArray && g.arrays && g.StringArrayBits(*v, pool, &array_bits, &array_pending)) {
            b = array_bits;
            p = array_pending;
            const uint64_t decided = pool[g.all] & ~p;
            kill |= roles_of(decided & ~b, g.word, kKill);
            hit |= roles_of(decided & b, g.word, kHit);
          }
          break;
        }
      }
      bits[g.word] = b;
      pending[g.word] = p;
      for (; p; p &= p - 1) unsure |= Bit(roles[64 * g.word + static_cast<uint32_t>(__builtin_ctzll(p))] >> 2);
    }
    for (size_t w = groups_.size(); w < words_; ++w) {
      bits[w] = 0;
      pending[w] = dynamic_mask_[w];
      for (uint64_t p = pending[w]; p; p &= p - 1) {
        unsure |= Bit(roles[64 * w + static_cast<uint32_t>(__builtin_ctzll(p))] >> 2);
      }
    }
    for (const Clause& k : clauses_) Fold(k, kill, hit, unsure, kill, hit, unsure);
    state->kill()[0] = kill;
    state->hit()[0] = hit;
    state->unsure()[0] = unsure;
    return;
  }
  // The general loop, out of line (a lambda called once, so that it needs
  // no declaration in the header): a program of more than 64 conditions or
  // leaves on an attribute is rare, and with it inline BeginRows was ~8 KB
  // of wasm that V8's optimizing tier compiled during a page's first CSV
  // run (docs/performance.md, s36).
  [&]() LEADSEG_SEGMENTS_NOINLINE {
    uint64_t* bits = state->bits();
    uint64_t* pending = state->pending();
    uint64_t* kill = state->kill();
    uint64_t* hit = state->hit();
    uint64_t* unsure = state->unsure();
    for (size_t w = 0; w < condition_words; ++w) kill[w] = hit[w] = unsure[w] = 0;
    // A condition with a pending leaf is unsure: kill/hit alone may not
    // decide it.
    auto add_unsure = [&](size_t w) {
      for (uint64_t p = pending[w]; p; p &= p - 1) {
        const uint32_t c = role_of_bit_[64 * w + static_cast<uint32_t>(__builtin_ctzll(p))] >> 2;
        unsure[c / 64] |= Bit(c);
      }
    };
    // Groups write every word of theirs below; the dynamic leaves' words
    // start pending.
    for (size_t w = dynamic_word; w < words_; ++w) {
      bits[w] = 0;
      pending[w] = dynamic_mask_[w];
      add_unsure(w);
    }
    const uint64_t* pool = pool_.data();
    for (const Group& g : groups_) {
      const size_t gi = static_cast<size_t>(&g - groups_.data());  // read only with kRows
      const Value* v = attributes.Get(g.attr);
      uint64_t* gb = bits + g.word;
      uint64_t* gp = pending + g.word;
      // A row of values: its leaf bits, the leaves it leaves pending, and the
      // conditions its decided leaves kill and hit.
      auto copy = [&](uint32_t row, uint32_t pending_row) {
        const uint64_t* r = pool + row;
        if (g.words == 1 && condition_words == 1) {  // the usual case: < 64 leaves, < 64 conditions
          gb[0] = r[0];
          gp[0] = pending_row == kNone ? 0 : pool[pending_row];
          kill[0] |= r[1];
          hit[0] |= r[2];
          return;
        }
        for (uint32_t w = 0; w < g.words; ++w) {
          gb[w] = r[w];
          gp[w] = pending_row == kNone ? 0 : pool[pending_row + w];
        }
        r += g.words;
        for (size_t w = 0; w < condition_words; ++w) {
          kill[w] |= r[w];
          hit[w] |= r[condition_words + w];
        }
      };
      const ValueType type = v ? v->type() : ValueType::kNull;
      switch (type) {
        case ValueType::kNull: copy(g.null_row, kNone); break;
        case ValueType::kBool: copy(v->as_bool() ? g.true_row : g.false_row, kNone); break;
        case ValueType::kString: {
          const std::string_view s = v->as_string();
          copy(kRows && string_rows[gi] != kNoRow ? string_rows[gi] : FindRow(g.strings, s, g.other_string_row),
               g.string_pending);
          const TextHead head = TextHead::Of(s);
          for (const PrefixTest& t : g.prefixes) {
            const uint64_t b = Bit(t.bit);
            uint64_t& word = bits[t.bit / 64];
            const uint32_t role = role_of_bit_[t.bit];
            const uint32_t c = role >> 2;
            bool starts = false;
            for (uint32_t l = t.first; l < t.end && !starts; ++l) starts = g.prefix_literals[l].Starts(head, s);
            if (!starts) {
              word &= ~b;
              if (role & kKill) kill[c / 64] |= Bit(c);
            } else if (t.literal_only) {
              word |= b;
              if (role & kHit) hit[c / 64] |= Bit(c);
            } else {
              continue;  // the rest of the pattern: Resolve runs the regex
            }
            pending[t.bit / 64] &= ~b;
          }
          break;
        }
        case ValueType::kNumber: {
          const double d = v->as_number();
          if (std::isnan(d)) {
            copy(g.nan_row, g.number_pending);
            break;
          }
          copy(g.NumberRow(d), g.number_pending);
          break;
        }
        default: {
          // Arrays of strings: $in, $nin and $elemMatch leaves combine their
          // elements' rows; the rest, and other arrays and objects, ask
          // their condition.
          if (type == ValueType::kArray && g.arrays && g.StringArrayBits(*v, pool, gb, gp)) {
            KillAndHit(g.word, pool[g.all] & ~gp[0], bits, state);
            break;
          }
          for (uint32_t w = 0; w < g.words; ++w) {
            gb[w] = 0;
            gp[w] = pool[g.all + w];
          }
          break;
        }
      }
      if (g.words == 1) {
        if (gp[0]) add_unsure(g.word);
      } else {
        for (uint32_t w = 0; w < g.words; ++w) add_unsure(g.word + w);
      }
    }
    for (const Clause& k : clauses_) {
      const size_t w = k.bit / 64, pw = k.parent / 64;
      Fold(k, kill[w], hit[w], unsure[w], kill[pw], hit[pw], unsure[pw]);
    }
  }();
}


void SegmentProgram::Resolve(uint32_t bit, const AttributeSet& attributes, State* state) const {
  const Leaf& leaf = leaves_[leaf_at_bit_[bit]];
  bool holds;
  if (leaf.attr >= 0) {
    const Value* v = attributes.Get(leaf.attr);
    holds = leaf.condition->MatchLeaf(leaf.node, v ? *v : Value::Null());
  } else {
    holds = leaf.condition->HoldsLeaf(leaf.node, attributes);
  }
  const uint64_t b = Bit(bit);
  uint64_t& word = state->bits()[bit / 64];
  word = holds ? (word | b) : (word & ~b);
  state->pending()[bit / 64] &= ~b;
}

bool SegmentProgram::Run(uint32_t begin, uint32_t end, const AttributeSet& attributes, State* state) const {
  const Instr* code = code_.data();
  uint64_t* bits = state->bits();
  uint64_t* pending = state->pending();
  bool acc = false;
  uint32_t pc = begin;
  while (pc < end) {
    const Instr& in = code[pc++];
    switch (in.op) {
      case Instr::kConst: acc = in.a != 0; break;
      case Instr::kLeaf: {
        const uint64_t b = Bit(in.a);
        if (pending[in.a / 64] & b) Resolve(in.a, attributes, state);
        acc = (bits[in.a / 64] & b) != 0;
        break;
      }
      case Instr::kAll: {
        uint64_t p = pending[in.a] & in.mask;
        const uint64_t known = in.mask & ~p;
        acc = (bits[in.a] & known) == known;
        // Decided leaves first: only ask about pending ones while needed.
        for (; acc && p; p &= p - 1) {
          const uint32_t bit = 64 * in.a + static_cast<uint32_t>(__builtin_ctzll(p));
          Resolve(bit, attributes, state);
          acc = (bits[in.a] & Bit(bit)) != 0;
        }
        break;
      }
      case Instr::kAny: {
        uint64_t p = pending[in.a] & in.mask;
        acc = (bits[in.a] & in.mask & ~p) != 0;
        for (; !acc && p; p &= p - 1) {
          const uint32_t bit = 64 * in.a + static_cast<uint32_t>(__builtin_ctzll(p));
          Resolve(bit, attributes, state);
          acc = (bits[in.a] & Bit(bit)) != 0;
        }
        break;
      }
      case Instr::kAllKnown: {
        const uint64_t known = in.mask & ~pending[in.a];
        acc = (bits[in.a] & known) == known;
        break;
      }
      case Instr::kAnyKnown: acc = (bits[in.a] & in.mask & ~pending[in.a]) != 0; break;
      case Instr::kJumpIfFalse:
        if (!acc) pc = in.a;
        break;
      case Instr::kJumpIfTrue:
        if (acc) pc = in.a;
        break;
      case Instr::kNot: acc = !acc; break;
    }
  }
  return acc;
}

size_t SegmentProgram::leaf_count() const { return leaves_.size(); }

bool SegmentProgram::HoldsByProgram(size_t i, const AttributeSet& attributes, State* state) const {
  const uint32_t begin = entry_[i], end = entry_[i + 1];
  const uint64_t* bits = state->bits();
  const uint64_t* pending = state->pending();
  // Plain $and / $or of leaves: whole words, no interpreter. A pending leaf
  // that could change the answer sends the condition to Run.
  switch (form_[i]) {
    case kAllOf: {
      bool asks = false;
      for (uint32_t pc = begin; pc < end; pc += 2) {
        const Instr& in = code_[pc];
        const uint64_t known = in.mask & ~pending[in.a];
        if ((bits[in.a] & known) != known) return false;
        asks |= known != in.mask;
      }
      return !asks || Run(begin, end, attributes, state);
    }
    case kAnyOf: {
      bool asks = false;
      for (uint32_t pc = begin; pc < end; pc += 2) {
        const Instr& in = code_[pc];
        const uint64_t p = pending[in.a] & in.mask;
        if (bits[in.a] & in.mask & ~p) return true;
        asks |= p != 0;
      }
      return asks && Run(begin, end, attributes, state);
    }
    default: return Run(begin, end, attributes, state);
  }
}

bool SegmentProgram::Holds(size_t i, const AttributeSet& attributes, State* state) const {
  // A plain $and / $or that a decided leaf settles, or whose leaves are all
  // decided: one bit.
  const size_t w = i / 64;
  const uint64_t b = Bit(static_cast<uint32_t>(i));
  if (all_of_[w] & b) {
    if (state->kill()[w] & b) return false;
    if (!(state->unsure()[w] & b)) return true;
  } else if (any_of_[w] & b) {
    if (state->hit()[w] & b) return true;
    if (!(state->unsure()[w] & b)) return false;
  }
  return HoldsByProgram(i, attributes, state);
}

void SegmentProgram::EvaluateAll(const AttributeSet& attributes, State* state, uint64_t* membership) const {
  EvaluateAllRows<false>(attributes, state, membership, nullptr);
}

void SegmentProgram::EvaluateAll(const AttributeSet& attributes, State* state, uint64_t* membership,
                                 const uint32_t* string_rows) const {
  EvaluateAllRows<true>(attributes, state, membership, string_rows);
}

// Not inlined into its callers: the batch's row function
// (batch::SegmentRows::Finish) calls both instantiations, and with the
// string-rows one inline it carried lead objects' BeginRows<true> too, ~9 KB
// of wasm for V8's optimizing tier to compile during a CSV run.
template <bool kRows>
LEADSEG_SEGMENTS_NOINLINE void SegmentProgram::EvaluateAllRows(const AttributeSet& attributes, State* state,
                                                               uint64_t* membership,
                                                               const uint32_t* string_rows) const {
  BeginRows<kRows>(attributes, state, string_rows);
  // 64 conditions at a time: plain $and/$or ones from their kill, hit and
  // unsure bits; the programs run only for the rest.
  const uint64_t* kill = state->kill();
  const uint64_t* hit = state->hit();
  const uint64_t* unsure = state->unsure();
  for (size_t w = 0; w < all_of_.size(); ++w) {
    const uint64_t all = all_of_[w] & ~kill[w], any = any_of_[w];
    uint64_t members = (all & ~unsure[w]) | (any & hit[w]);
    uint64_t rest = ((all | (any & ~hit[w])) & unsure[w]) | general_[w];
    for (; rest; rest &= rest - 1) {
      const uint32_t c = static_cast<uint32_t>(__builtin_ctzll(rest));
      if (HoldsByProgram(64 * w + c, attributes, state)) members |= Bit(c);
    }
    membership[w] = members;
  }
}

}  // namespace leadseg
