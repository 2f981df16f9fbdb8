#include "segments/segment_program.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace leadseg {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

// A short-string hash; the tables hold a few dozen strings, so speed on
// 5-30 byte values matters more than anything else.
uint64_t HashString(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  h = (h ^ w) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  return h;
}

uint64_t Bit(uint32_t bit) { return uint64_t{1} << (bit & 63); }

enum Form : uint8_t { kGeneral, kAllOf, kAnyOf };

}  // namespace

// One leaf of one condition, and how to ask the condition about it.
struct SegmentProgram::Leaf {
  const Condition* condition = nullptr;
  uint32_t node = 0;
  int slot = -1;  // >= 0: MatchLeaf on that attribute; -1: HoldsLeaf
};

struct SegmentProgram::StringEntry {
  const char* data = nullptr;
  uint32_t size = 0;
  uint32_t row = kNone;  // kNone: empty
  uint64_t hash = 0;
};

// An anchored, case-sensitive $regex leaf: a text that does not start with
// the prefix fails; with literal_only, one that does matches.
struct PrefixTest {
  uint32_t bit = 0;
  std::string_view prefix;
  bool literal_only = false;
};

// The leaves on one stable attribute, bits [64 * word, 64 * (word + words)),
// and rows of `words` words in pool_ answering them per class of value.
struct SegmentProgram::Group {
  int slot = -1;
  uint32_t word = 0, words = 0;
  uint32_t all = 0;          // mask of the group's leaves
  uint32_t null_row = 0;     // missing or null: every leaf decided
  uint32_t true_row = 0, false_row = 0;
  uint32_t string_pending = 0;  // mask: leaves a string does not decide by table
  uint32_t other_string_row = 0;
  std::vector<StringEntry> strings;  // open addressing, power-of-two size
  std::vector<PrefixTest> prefixes;
  // Arrays of strings (single-word groups): rows per interned element.
  std::vector<StringEntry> elements;
  uint32_t other_element_row = 0;
  uint32_t any_mask = 0, all_mask = 0;  // leaves that OR / AND their elements' rows
  bool arrays = false;
  uint32_t number_pending = 0;
  uint32_t nan_row = 0;
  std::vector<double> thresholds;  // sorted, distinct
  uint32_t regions = 0;  // 2 * thresholds.size() + 1 rows: below t0, at t0, between t0 and t1, ...
};

struct SegmentProgram::Instr {
  enum Op : uint8_t { kConst, kLeaf, kAll, kAny, kJumpIfFalse, kJumpIfTrue, kNot };
  Op op = kConst;
  uint32_t a = 0;  // kConst: value; kLeaf: bit; kAll/kAny: word; jumps: target
  uint64_t mask = 0;
};

// The row of `s` in a string table, or `otherwise`.
template <typename Entry>
static uint32_t FindRow(const std::vector<Entry>& table, std::string_view s, uint32_t otherwise) {
  const uint64_t h = HashString(s);
  const size_t mask = table.size() - 1;
  for (size_t at = h & mask;; at = (at + 1) & mask) {
    const Entry& e = table[at];
    if (e.row == kNone) return otherwise;
    if (e.hash == h && e.size == s.size() && std::memcmp(e.data, s.data(), s.size()) == 0) return e.row;
  }
}

void SegmentProgram::State::Reserve(size_t words) {
  words_ = words;
  if (words > kInlineWords && heap_.size() < 2 * words) heap_.assign(2 * words, 0);
}

SegmentProgram::SegmentProgram() : entry_{0} {}
SegmentProgram::SegmentProgram(SegmentProgram&&) noexcept = default;
SegmentProgram& SegmentProgram::operator=(SegmentProgram&&) noexcept = default;
SegmentProgram::~SegmentProgram() = default;

SegmentProgram SegmentProgram::Build(const std::vector<const Condition*>& conditions,
                                     const std::vector<int>& volatile_slots) {
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
  std::vector<int> group_of_slot;
  std::vector<int> slot_order;
  std::vector<uint32_t> dynamic;
  for (size_t c = 0; c < conditions.size(); ++c) {
    shapes.push_back(conditions[c]->Shape());
    for (const ConditionShape::Leaf& facts : shapes.back().leaves) {
      uint32_t id = static_cast<uint32_t>(p.leaves_.size());
      p.leaves_.push_back(Leaf{conditions[c], facts.node, facts.slot});
      leaf_ids[c].push_back(id);
      bool stable = facts.slot >= 0 &&
                    std::find(volatile_slots.begin(), volatile_slots.end(), facts.slot) == volatile_slots.end();
      if (!stable) {
        dynamic.push_back(id);
        continue;
      }
      if (group_of_slot.size() <= static_cast<size_t>(facts.slot)) group_of_slot.resize(facts.slot + 1, -1);
      int& group = group_of_slot[static_cast<size_t>(facts.slot)];
      if (group < 0) {
        group = static_cast<int>(slot_order.size());
        slot_order.push_back(facts.slot);
        by_group.emplace_back();
      }
      by_group[static_cast<size_t>(group)].push_back(Pending{facts, id});
    }
  }

  // 2. Bits: each group from a word boundary, so a row is whole words.
  std::vector<uint32_t> bit_of(p.leaves_.size(), kNone);
  uint32_t word = 0;
  for (size_t gi = 0; gi < slot_order.size(); ++gi) {
    const int slot = slot_order[gi];
    const auto& leaves = by_group[gi];
    Group g;
    g.slot = slot;
    g.word = word;
    g.words = static_cast<uint32_t>((leaves.size() + 63) / 64);
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

  // 3. Each group's tables, filled by asking the conditions about one value
  // of each class.
  for (size_t gi = 0; gi < p.groups_.size(); ++gi) {
    Group& g = p.groups_[gi];
    const auto& leaves = by_group[gi];
    auto new_row = [&]() {
      uint32_t at = static_cast<uint32_t>(p.pool_.size());
      p.pool_.resize(p.pool_.size() + g.words, 0);
      return at;
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
    auto make_table = [](const std::vector<std::string_view>& table_keys, std::vector<StringEntry>* table, auto row_of) {
      size_t capacity = 4;
      while (capacity < 2 * table_keys.size()) capacity *= 2;
      table->assign(capacity, StringEntry{});
      for (std::string_view key : table_keys) {
        StringEntry e;
        e.data = key.data();
        e.size = static_cast<uint32_t>(key.size());
        e.hash = HashString(key);
        e.row = row_of(key);
        size_t at = e.hash & (capacity - 1);
        while ((*table)[at].row != kNone) at = (at + 1) & (capacity - 1);
        (*table)[at] = e;
      }
    };
    make_table(keys, &g.strings, [&](std::string_view key) { return row_for(Value::String(key), string_keyed); });

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
        g.prefixes.push_back(PrefixTest{bit_of[leaves[i].id], re->literal_prefix(), re->literal_only()});
      }
    }

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
    g.number_pending = mask_for([](const ConditionShape::Leaf& l) { return !l.number_keyed; });
    g.nan_row = row_for(Value::Number(std::numeric_limits<double>::quiet_NaN()), number_keyed);
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
      else row_for(Value::Number(v), number_keyed);
    }
  }

  // 4. Each condition as a flat program over the bits. Within an $and or
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
          // Leaf children first, a word at a time; the rest after, in order.
          std::vector<std::pair<uint32_t, uint64_t>> ordered;  // (word, mask)
          std::vector<uint32_t> others;
          for (uint32_t i = 0; i < n.count; ++i) {
            uint32_t kid = shape.kids[n.first + i];
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
  return p;
}

void SegmentProgram::Begin(const AttributeSet& attributes, State* state) const {
  state->Reserve(words_);
  uint64_t* bits = state->bits();
  uint64_t* pending = state->pending();
  for (size_t w = 0; w < words_; ++w) {
    bits[w] = 0;
    pending[w] = dynamic_mask_[w];
  }
  const uint64_t* pool = pool_.data();
  for (const Group& g : groups_) {
    const Value* v = attributes.Get(g.slot);
    uint64_t* gb = bits + g.word;
    uint64_t* gp = pending + g.word;
    auto copy = [&](uint32_t row, uint32_t pending_row) {
      if (g.words == 1) {  // the usual case: fewer than 64 leaves on an attribute
        gb[0] = pool[row];
        gp[0] = pending_row == kNone ? 0 : pool[pending_row];
        return;
      }
      for (uint32_t w = 0; w < g.words; ++w) {
        gb[w] = pool[row + w];
        gp[w] = pending_row == kNone ? 0 : pool[pending_row + w];
      }
    };
    const ValueType type = v ? v->type() : ValueType::kNull;
    switch (type) {
      case ValueType::kNull: copy(g.null_row, kNone); break;
      case ValueType::kBool: copy(v->as_bool() ? g.true_row : g.false_row, kNone); break;
      case ValueType::kString: {
        const std::string_view s = v->as_string();
        copy(FindRow(g.strings, s, g.other_string_row), g.string_pending);
        for (const PrefixTest& t : g.prefixes) {
          const uint64_t b = Bit(t.bit);
          uint64_t& word = bits[t.bit / 64];
          bool starts = s.size() >= t.prefix.size() && std::memcmp(s.data(), t.prefix.data(), t.prefix.size()) == 0;
          if (!starts) {
            word &= ~b;
          } else if (t.literal_only) {
            word |= b;
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
        const auto& t = g.thresholds;
        const size_t i = static_cast<size_t>(std::lower_bound(t.begin(), t.end(), d) - t.begin());
        const size_t region = (i < t.size() && t[i] == d) ? 2 * i + 1 : 2 * i;
        copy(g.regions + static_cast<uint32_t>(region) * g.words, g.number_pending);
        break;
      }
      default: {
        // Arrays of strings: $in, $nin and $elemMatch leaves combine their
        // elements' rows; the rest, and other arrays and objects, ask
        // their condition.
        if (type == ValueType::kArray && g.arrays) {
          uint64_t any = 0, all = ~uint64_t{0};
          bool strings = true;
          for (uint32_t i = 0; i < v->size(); ++i) {
            const Value e = v->at(i);
            if (!e.is_string()) {
              strings = false;
              break;
            }
            const uint64_t row = pool[FindRow(g.elements, e.as_string(), g.other_element_row)];
            any |= row;
            all &= row;
          }
          if (strings) {
            const uint64_t any_mask = pool[g.any_mask], all_mask = pool[g.all_mask];
            gb[0] = (any & any_mask) | (all & all_mask);
            gp[0] = pool[g.all] & ~(any_mask | all_mask);
            break;
          }
        }
        copy(g.null_row, g.all);
        for (uint32_t w = 0; w < g.words; ++w) gb[w] = 0;
        break;
      }
    }
  }
}

void SegmentProgram::Resolve(uint32_t bit, const AttributeSet& attributes, State* state) const {
  const Leaf& leaf = leaves_[leaf_at_bit_[bit]];
  bool holds;
  if (leaf.slot >= 0) {
    const Value* v = attributes.Get(leaf.slot);
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

bool SegmentProgram::Holds(size_t i, const AttributeSet& attributes, State* state) const {
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

void SegmentProgram::EvaluateAll(const AttributeSet& attributes, State* state, uint64_t* membership) const {
  Begin(attributes, state);
  const size_t n = conditions_.size();
  for (size_t w = 0; w < WordsFor(n); ++w) membership[w] = 0;
  for (size_t i = 0; i < n; ++i) {
    if (Holds(i, attributes, state)) membership[i / 64] |= Bit(static_cast<uint32_t>(i));
  }
}

}  // namespace leadseg
