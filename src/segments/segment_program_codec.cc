// SegmentProgram::Encode and Decode: the built program's tables as bytes,
// so that a page reads them from its compiled config instead of running
// Build (its condition shapes, sorts and table filling) at every load.
//
// Decode trusts nothing: the evaluator indexes its tables without checks
// (that is its speed), so every index it will follow is checked here
// against the tables' sizes, every mask it will resolve bit by bit against
// the bits that hold a leaf, and every jump to go forward within its
// condition. What it cannot check cheaply (that a row holds the right
// answers) only changes answers, never memory safety: the bytes are the
// compiler's, behind the compiled config's CRC.
#include <cmath>
#include <cstring>

#include "core/bytes.h"
#include "segments/segment_program_tables.h"

namespace leadseg {
namespace {

using namespace segment_tables;

constexpr uint64_t kMaxItems = 1u << 24;

void U(uint64_t v, std::string* out) { bytes::PutVarint(v, out); }
// kNone as 0, anything else as itself + 1.
void Opt(uint32_t v, std::string* out) { U(static_cast<uint32_t>(v + 1), out); }

// The sticky reader (core/bytes.h) with the program's shapes: a kNone-able
// index, runs of 64-bit words.
class In : public bytes::Reader {
 public:
  using Reader::Reader;
  uint32_t Opt() { return U32() - 1; }  // 0 -> kNone
  size_t Count() { return Reader::Count(kMaxItems); }
  template <typename T>
  std::vector<T>& Sized(std::vector<T>* items) {
    return Reader::Sized(kMaxItems, items);
  }
  uint32_t Below(size_t limit) { return static_cast<uint32_t>(Reader::Below(limit)); }
  void Words(size_t n, std::vector<uint64_t>* out) {
    if (!Check(n <= rest()->size() / 8)) return;
    *out = std::vector<uint64_t>(n);
    for (uint64_t& w : *out) w = W64();
  }
};

}  // namespace

void SegmentProgram::Encode(std::string* out) const {
  // The string keys go first, as one text that the entries index.
  std::string text, body;
  auto table = [&](const std::vector<StringEntry>& entries) {
    size_t used = 0;
    for (const StringEntry& e : entries) used += e.row != kNone ? 1 : 0;
    U(entries.size(), &body);
    U(used, &body);
    for (size_t at = 0; at < entries.size(); ++at) {
      const StringEntry& e = entries[at];
      if (e.row == kNone) continue;
      U(at, &body);
      U(text.size(), &body);
      U(e.size, &body);
      U(e.row, &body);
      text.append(e.data, e.size);
    }
  };
  for (const Group& g : groups_) {
    for (uint32_t v : {static_cast<uint32_t>(g.attr), g.word, g.words, g.stride, g.all, g.null_row, g.true_row,
                       g.false_row, g.string_pending, g.other_string_row}) {
      U(v, &body);
    }
    table(g.strings);
    U(g.prefixes.size(), &body);
    for (const PrefixTest& t : g.prefixes) U(t.bit, &body);
    table(g.elements);
    for (uint32_t v : {g.other_element_row, g.any_mask, g.all_mask, g.arrays ? 1u : 0u, g.number_pending, g.nan_row}) {
      U(v, &body);
    }
    U(g.thresholds.size(), &body);
    for (double d : g.thresholds) bytes::PutDouble(d, &body);
    U(g.regions, &body);
    U(g.int_regions.size(), &body);
    for (uint8_t r : g.int_regions) U(r, &body);
    bytes::PutDouble(g.int_low, &body);
    bytes::PutDouble(g.int_high, &body);
  }

  U(conditions_.size(), out);
  U(words_, out);
  U(bitset_words_, out);
  bytes::PutString(text, out);
  U(leaves_.size(), out);
  for (const Leaf& leaf : leaves_) {
    const size_t c = static_cast<size_t>(
        std::find(conditions_.begin(), conditions_.end(), leaf.condition) - conditions_.begin());
    U(c, out);
    U(leaf.node, out);
    U(static_cast<uint32_t>(leaf.attr + 1), out);
  }
  for (uint32_t id : leaf_at_bit_) Opt(id, out);
  for (uint32_t role : role_of_bit_) Opt(role, out);
  for (uint64_t w : dynamic_mask_) bytes::PutFixed64(w, out);
  U(pool_.size(), out);
  for (uint64_t w : pool_) bytes::PutFixed64(w, out);
  U(groups_.size(), out);
  out->append(body);
  U(code_.size(), out);
  for (const Instr& in : code_) {
    U(in.op, out);
    U(in.a, out);
    bytes::PutFixed64(in.mask, out);
  }
  for (uint32_t e : entry_) U(e, out);
  for (uint8_t f : form_) U(f, out);
  for (const auto* set : {&all_of_, &any_of_, &general_}) {
    for (uint64_t w : *set) bytes::PutFixed64(w, out);
  }
  U(clauses_.size(), out);
  for (const Clause& k : clauses_) {
    U(k.bit, out);
    U(k.parent, out);
    U(k.any ? 1 : 0, out);
  }
}

bool SegmentProgram::Decode(std::string_view* bytes_in, const std::vector<const Condition*>& conditions,
                            size_t schema_size, SegmentProgram* out) {
  In in(*bytes_in);
  // Read into place: a local moved into `*out` at the end inlined the
  // move assignment of every table into the runtime's load path.
  SegmentProgram& p = *out;
  // Made whole rather than assigned (the program is a fresh one): an
  // assignment brings the vector's reuse-or-grow paths into the runtime
  // wasm's load function, a construction only an allocation and a copy.
  p.conditions_ = std::vector<const Condition*>(conditions);
  const size_t n = conditions.size();
  if (in.U32() != n) return false;
  const size_t words = in.Count();  // every word has 64 leaf-bit entries below: at least 64 bytes
  const size_t bitset_words = in.U32();
  std::string_view text;
  if (!in.ok() || !bytes::GetStringView(in.rest(), &text)) return false;
  p.text_ = std::vector<char>(text.begin(), text.end());
  p.words_ = words;
  p.bitset_words_ = bitset_words;
  const size_t bitset_bits = 64 * bitset_words;

  for (Leaf& leaf : in.Sized(&p.leaves_)) {
    const uint32_t c = in.Below(n);
    if (!in.ok()) break;
    leaf.condition = conditions[c];
    leaf.node = in.Below(leaf.condition->node_count());
    leaf.attr = static_cast<int>(in.Below(schema_size + 1)) - 1;
  }
  const size_t leaf_count = p.leaves_.size();
  // The conditions' and the clauses' bits (a clause holds a leaf at least).
  const size_t condition_words = WordsFor(n);
  if (!in.ok() || bitset_words < condition_words || bitset_words > WordsFor(n + leaf_count)) return false;
  const size_t bits = 64 * words;
  // Two entries of a byte at least per bit follow.
  if (!in.Check(bits <= in.rest()->size())) return false;
  std::vector<uint64_t> leaf_bits(words, 0);  // the bits that hold a leaf
  p.leaf_at_bit_ = std::vector<uint32_t>(bits);
  p.role_of_bit_ = std::vector<uint32_t>(bits);
  for (size_t b = 0; b < bits && in.ok(); ++b) {
    const uint32_t id = in.Opt();
    if (id != kNone && id >= p.leaves_.size()) in.Fail();
    if (id != kNone) leaf_bits[b / 64] |= Bit(static_cast<uint32_t>(b));
    p.leaf_at_bit_[b] = id;
  }
  for (size_t b = 0; b < bits && in.ok(); ++b) {
    const uint32_t role = in.Opt();
    // A leaf's condition or clause indexes the kill/hit/unsure words.
    if (p.leaf_at_bit_[b] != kNone && (role >> 2) >= bitset_bits) in.Fail();
    p.role_of_bit_[b] = role;
  }
  in.Words(words, &p.dynamic_mask_);
  for (size_t w = 0; w < words && in.ok(); ++w) {
    if (p.dynamic_mask_[w] & ~leaf_bits[w]) in.Fail();
  }
  in.Words(in.Count(), &p.pool_);
  if (!in.ok()) return false;
  const size_t pool = p.pool_.size();

  // Groups: one after another from word 0, each row inside the pool, each
  // mask that Begin resolves or reads roles for inside the group's leaves.
  uint32_t next_word = 0;
  for (Group& g : in.Sized(&p.groups_)) {
    if (!in.ok()) return false;
    g.attr = static_cast<int>(in.Below(schema_size));
    g.word = in.U32();
    g.words = in.U32();
    g.stride = in.U32();
    if (!in.ok() || g.word != next_word || g.words == 0 || g.words > words - g.word ||
        g.stride != g.words + 2 * bitset_words) {
      return false;
    }
    next_word += g.words;
    const size_t stride = g.stride;
    auto row = [&](size_t size) {
      const uint32_t r = in.U32();
      if (r > pool || size > pool - r) in.Fail();
      return r;
    };
    auto mask_within = [&](uint32_t r, uint32_t outer) {  // pool row r inside row `outer` (a mask)
      for (uint32_t w = 0; in.ok() && w < g.words; ++w) {
        if (p.pool_[r + w] & ~p.pool_[outer + w]) in.Fail();
      }
    };
    g.all = row(g.words);
    if (!in.ok()) return false;
    for (uint32_t w = 0; w < g.words; ++w) {
      if (p.pool_[g.all + w] & ~leaf_bits[g.word + w]) return false;
    }
    g.null_row = row(stride);
    g.true_row = row(stride);
    g.false_row = row(stride);
    g.string_pending = row(g.words);
    g.other_string_row = row(stride);
    if (in.ok()) mask_within(g.string_pending, g.all);
    auto table = [&](std::vector<StringEntry>* entries) {
      const size_t capacity = in.Count();
      const size_t used = in.Count();
      // A power of two with a free entry: FindRow stops at one.
      if ((capacity & (capacity - 1)) != 0 || (capacity > 0 && used >= capacity)) in.Fail();
      if (!in.ok()) return;
      *entries = std::vector<StringEntry>(capacity);  // made, not assigned (see conditions_ above)
      for (size_t i = 0; i < used && in.ok(); ++i) {
        const uint32_t at = in.Below(capacity);
        const uint32_t offset = in.U32(), size = in.U32();
        const uint32_t entry_row = row(stride);
        if (!in.ok() || (*entries)[at].row != kNone || offset > p.text_.size() || size > p.text_.size() - offset) {
          in.Fail();
          return;
        }
        (*entries)[at] = StringEntry(StringKey::Of(std::string_view(p.text_.data() + offset, size)), entry_row);
      }
    };
    table(&g.strings);
    if (g.strings.empty()) in.Fail();
    for (PrefixTest& t : in.Sized(&g.prefixes)) {
      // What Build derives from the leaf's regex, derived again from it.
      t.bit = in.Below(64 * static_cast<size_t>(g.word + g.words));
      const uint32_t id = p.leaf_at_bit_[t.bit];
      if (!in.ok() || t.bit < 64 * g.word || id == kNone) return false;
      t.regex = p.leaves_[id].condition->RegexOf(p.leaves_[id].node);
      if (!t.regex || !t.regex->anchored() || t.regex->ignore_case()) return false;
    }
    g.IndexPrefixes();
    table(&g.elements);
    g.other_element_row = row(stride);
    g.any_mask = row(g.words);
    g.all_mask = row(g.words);
    const uint32_t arrays = in.Below(2);
    g.arrays = arrays == 1;
    // StringArrayBits writes one word; FindRow needs a table.
    if (g.arrays && (g.words != 1 || g.elements.empty())) in.Fail();
    g.number_pending = row(g.words);
    g.nan_row = row(stride);
    if (in.ok()) mask_within(g.number_pending, g.all);
    for (double& t : in.Sized(&g.thresholds)) t = in.D();
    const size_t regions = 2 * g.thresholds.size() + 1;
    g.regions = in.U32();
    if (g.regions > pool || regions * stride > pool - g.regions) in.Fail();
    for (uint8_t& r : in.Sized(&g.int_regions)) r = static_cast<uint8_t>(in.Below(regions));
    const size_t int_regions = g.int_regions.size();
    g.int_low = in.D();
    g.int_high = in.D();
    if (!in.ok()) return false;
    // NumberRow indexes int_regions by an int32 between the two bounds.
    if (!g.int_regions.empty() &&
        !(g.int_low >= -2147483647.0 && g.int_high <= 2147483647.0 && std::floor(g.int_low) == g.int_low &&
          std::floor(g.int_high) == g.int_high && g.int_high - g.int_low + 1 == static_cast<double>(int_regions))) {
      return false;
    }
  }
  if (!in.ok()) return false;
  // The dynamic leaves' words follow the groups'.
  for (size_t w = 0; w < next_word; ++w) {
    if (p.dynamic_mask_[w]) return false;
  }

  // Each condition's code: operands inside the bits, masks inside the
  // leaves, jumps forward within the condition.
  for (Instr& instr : in.Sized(&p.code_)) {
    instr.op = static_cast<Instr::Op>(in.Below(Instr::kNot + 1));
    instr.a = in.U32();
    instr.mask = in.W64();
  }
  const size_t code = p.code_.size();
  p.entry_ = std::vector<uint32_t>(n + 1);
  for (size_t i = 0; i <= n && in.ok(); ++i) {
    p.entry_[i] = in.U32();
    if (p.entry_[i] > code || (i == 0 && p.entry_[0] != 0) || (i > 0 && p.entry_[i] < p.entry_[i - 1])) in.Fail();
  }
  if (!in.ok() || p.entry_.back() != code) return false;
  p.form_ = std::vector<uint8_t>(n);
  for (size_t c = 0; c < n && in.ok(); ++c) {
    const uint32_t begin = p.entry_[c], end = p.entry_[c + 1];
    const uint8_t form = static_cast<uint8_t>(in.Below(kAnyOf + 1));
    p.form_[c] = form;
    for (uint32_t pc = begin; pc < end; ++pc) {
      const Instr& instr = p.code_[pc];
      bool fits = true;
      switch (instr.op) {
        case Instr::kLeaf:
          fits = instr.a < bits && (leaf_bits[instr.a / 64] & Bit(instr.a));
          break;
        case Instr::kAll:
        case Instr::kAny:
        case Instr::kAllKnown:
        case Instr::kAnyKnown: fits = instr.a < words && !(instr.mask & ~leaf_bits[instr.a]); break;
        case Instr::kJumpIfFalse:
        case Instr::kJumpIfTrue: fits = instr.a > pc && instr.a <= end; break;
        default: break;
      }
      // A plain $and / $or reads every other instruction as a word test.
      if (form != kGeneral && (pc - begin) % 2 == 0) fits = fits && (instr.op == Instr::kAll || instr.op == Instr::kAny);
      if (!fits) return false;
    }
  }
  // The condition bitsets name conditions only.
  for (auto* set : {&p.all_of_, &p.any_of_, &p.general_}) {
    in.Words(condition_words, set);
    if (in.ok() && n % 64 && (set->back() >> (n % 64))) in.Fail();
  }
  for (Clause& k : in.Sized(&p.clauses_)) {
    k.bit = in.Below(bitset_bits);
    k.parent = in.Below(bitset_bits);
    k.any = in.Below(2) == 1;
  }
  if (!in.ok()) return false;
  *bytes_in = *in.rest();
  return true;
}

}  // namespace leadseg
