// SegmentProgram: many conditions (a config's segments) evaluated for
// throughput, with exactly the answers of Condition::Evaluate.
//
// Condition::Evaluate walks one condition's tree and tests every leaf on
// its own. A config's segments test few attributes many times over
// (company_size 8 times, country 6 in the benchmark workload), so this
// evaluator works per attribute instead:
//
//  - every leaf that tests a top-level attribute gets one bit, and the
//    bits of an attribute share a 64-bit word (or several);
//  - Begin() decides an attribute's leaves with one step per attribute,
//    from tables built once at load: a string value is one hash lookup
//    into the attribute's interned strings (value -> the words of every
//    $eq/$in/$nin/... leaf on it), a number value one search in the sorted
//    thresholds of its ranges, a boolean or a missing value one table row;
//    anchored regexes with a literal prefix become prefix tests;
//  - each condition is a flat program over those bits (And/Or of whole
//    words under a mask, short-circuit jumps, no recursion, no trace);
//  - most conditions are a plain $and or $or of leaves. For those, every
//    table row also carries, one bit per condition, which $and conditions
//    a decided leaf of the row makes false ("kill") and which $or
//    conditions it makes true ("hit"); Begin ORs them up, so such a
//    condition is usually decided by one bit test, and EvaluateAll
//    decides up to 64 of them with a few word operations. A two-level
//    condition (an $and of leaves and $or's of leaves, or an $or of leaves
//    and $and's of leaves) gets such bits for each inner node too (a
//    "clause"), which Begin folds into the condition's. Only a condition
//    with a leaf still pending (a regex past its prefix, say) and not
//    already decided by another leaf runs its program.
//
// Whatever the tables do not cover (a string against `$lt`, an array
// value, a dotted path, a regex past its prefix, an attribute the caller
// rewrites between conditions) is left pending and decided on first use by
// Condition::MatchLeaf / HoldsLeaf: the existing evaluator, leaf by leaf.
// The tables themselves are filled by asking that evaluator about one
// representative value of each class (ConditionShape says which values
// can change a leaf's answer), so the two cannot disagree.
// Condition::Explain stays the one path that records a trace.
//
// Use, one row at a time (the batch path, CompiledConfig::EvaluateSegments):
//
//   const SegmentProgram& program = config.segment_program();
//   SegmentProgram::State state;              // reuse for every row
//   for (each row) {
//     Fill `attributes` (an AttributeSet of config.schema());
//     program.Begin(attributes, &state);      // decides every stable leaf
//     for (size_t i = 0; i < program.size(); ++i)   // any order
//       bool member = program.Holds(i, attributes, &state);
//   }
//
// or, for a membership bitset of every condition (no "segments" attribute
// to publish, i.e. config.segments_attr() < 0):
//
//   program.EvaluateAll(attributes, &state, words);  // words: WordsFor(size())
//
// Neither call allocates once `state` has served a row of this program
// (State keeps its memory; small programs never touch the heap). A
// SegmentProgram is immutable after Build and may be shared by threads,
// each with its own State, as far as the Conditions allow (their regexes
// keep scratch memory: see conditions/regex.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conditions/attributes.h"
#include "conditions/condition.h"

namespace leadseg {

class SegmentProgram {
 public:
  // Per-row working memory: leaf bits and which of them are still pending.
  class State {
   public:
    State() = default;

   private:
    friend class SegmentProgram;
    // Leaf bits and pending bits (words each), then the kill, hit and
    // unsure bits of the conditions (condition_words each).
    static constexpr size_t kInlineWords = 112;
    uint64_t* bits() { return heap_.empty() ? inline_ : heap_.data(); }
    uint64_t* pending() { return bits() + words_; }
    uint64_t* kill() { return bits() + 2 * words_; }
    uint64_t* hit() { return kill() + condition_words_; }
    uint64_t* unsure() { return hit() + condition_words_; }
    void Reserve(size_t words, size_t condition_words);
    size_t words_ = 0;
    size_t condition_words_ = 0;
    uint64_t inline_[kInlineWords];  // Begin writes before anything reads
    std::vector<uint64_t> heap_;
  };

  SegmentProgram();  // no conditions
  SegmentProgram(SegmentProgram&&) noexcept;
  SegmentProgram& operator=(SegmentProgram&&) noexcept;
  ~SegmentProgram();

  // Compiles `conditions` (kept by pointer: they must outlive the program
  // and stay where they are). `volatile_attrs` are the
  // attributes the caller may rewrite between Holds() calls of one row
  // (a config's "segments", "score", ...): their leaves are always decided
  // when their condition runs.
  static SegmentProgram Build(const std::vector<const Condition*>& conditions,
                              const std::vector<int>& volatile_attrs);

  // The built program as flat tables, for compiled configs
  // (leadseg/compiled_config.h: the compiler builds, a page only reads),
  // and back (segment_program_codec.cc; docs/compiled-config.md has the
  // layout). Decode takes the same conditions, in the same order, that
  // Build was given, and `schema_size`, the size of their attribute schema. It
  // checks every index, row and jump against the tables' sizes and the
  // conditions, so damaged or hostile bytes are `false`, never an
  // out-of-bounds read or a hang (Decode reads into `*out`, a fresh
  // program: after `false` it holds part of the tables, for the caller to
  // drop with the config it belongs to); on well-formed bytes the program
  // answers exactly as the one that was encoded (what Build would build).
  void Encode(std::string* out) const;
  static bool Decode(std::string_view* in, const std::vector<const Condition*>& conditions, size_t schema_size,
                     SegmentProgram* out);

  // Number of conditions.
  size_t size() const { return conditions_.size(); }
  // Words of a membership bitset of `n` conditions.
  static size_t WordsFor(size_t n) { return (n + 63) / 64; }

  // Starts a row: decides every leaf on a stable attribute of `attributes`.
  void Begin(const AttributeSet& attributes, State* state) const;
  // Whether condition `i` holds for the row begun with Begin() (on the same
  // `attributes`, whose stable attributes must not have changed since).
  bool Holds(size_t i, const AttributeSet& attributes, State* state) const;
  // Begin, then every condition: bit i of `membership` (word i / 64, bit
  // i % 64) is condition i. `membership` has WordsFor(size()) words.
  void EvaluateAll(const AttributeSet& attributes, State* state, uint64_t* membership) const;
  // The same, with `string_rows` (one per group): where not kNoRow, the
  // StringRow of the group's attribute's value, a string, looked up once by
  // a caller whose strings repeat over rows (lead objects' string table,
  // batch/segment_rows.h) rather than by its bytes here per row. A separate
  // function, so that the path without them stays the code it was (one
  // more branch per string group cost it ~6%).
  static constexpr uint32_t kNoRow = UINT32_MAX;
  void EvaluateAll(const AttributeSet& attributes, State* state, uint64_t* membership,
                   const uint32_t* string_rows) const;

  // Begin's tables, one group per attribute some stable leaf reads: their
  // number, the group of attribute `attr` (-1: none), and the row a string
  // value of group `group`'s attribute takes in them (for `string_rows`).
  size_t group_count() const;
  int GroupOf(int attr) const;
  uint32_t StringRow(size_t group, std::string_view s) const;

  // Leaves in total (for tests and benchmarks).
  size_t leaf_count() const;

 private:
  struct Leaf;
  struct Group;
  struct Instr;
  struct StringEntry;
  struct Clause;
  // Begin and EvaluateAll, with string rows (kRows) or without.
  template <bool kRows>
  void BeginRows(const AttributeSet& attributes, State* state, const uint32_t* string_rows) const;
  template <bool kRows>
  void EvaluateAllRows(const AttributeSet& attributes, State* state, uint64_t* membership,
                       const uint32_t* string_rows) const;
  void Resolve(uint32_t bit, const AttributeSet& attributes, State* state) const;
  bool Run(uint32_t begin, uint32_t end, const AttributeSet& attributes, State* state) const;
  // Holds without the kill/hit shortcut: the condition's program.
  bool HoldsByProgram(size_t i, const AttributeSet& attributes, State* state) const;
  // Adds the kill/hit bits of the decided leaves among `leaves` (bits of
  // word `word`) to `state`.
  void KillAndHit(uint32_t word, uint64_t leaves, const uint64_t* bits, State* state) const;
  // Folds clause `k`'s kill/hit/unsure bits (the words holding its bit)
  // into its parent condition's (the words holding the parent's bit).
  static void Fold(const Clause& k, uint64_t kill, uint64_t hit, uint64_t unsure, uint64_t& parent_kill,
                   uint64_t& parent_hit, uint64_t& parent_unsure);

  std::vector<const Condition*> conditions_;
  std::vector<Leaf> leaves_;          // by leaf id
  std::vector<uint32_t> leaf_at_bit_;  // bit -> leaf id
  std::vector<Group> groups_;         // one per stable attribute read
  std::vector<uint64_t> dynamic_mask_;  // per word: bits always pending at Begin
  std::vector<uint64_t> pool_;        // every group's tables of words
  std::vector<Instr> code_;
  std::vector<uint32_t> entry_;  // condition i runs code_[entry_[i], entry_[i + 1])
  // Per condition: kGeneral, or a plain $and / $or of leaves (code_ is then
  // mask, jump, mask, ...), which Holds decides without the interpreter.
  std::vector<uint8_t> form_;
  size_t words_ = 0;
  // Per leaf bit: (condition or clause << 2) | role, role kKill when the
  // leaf's node is an $and, kHit for an $or, 0 when its condition always
  // runs its program (kNone: no leaf at that bit).
  std::vector<uint32_t> role_of_bit_;
  // Bitsets over conditions (WordsFor(size()) words each): $and's and
  // $or's that kill/hit bits decide, and the rest (always their program).
  std::vector<uint64_t> all_of_, any_of_, general_;
  // Two-level conditions' inner nodes (bits size() + i), and the words of
  // the kill/hit/unsure bitsets (conditions and clauses).
  std::vector<Clause> clauses_;
  size_t bitset_words_ = 0;
  // A decoded program's string keys (StringEntry::data points here; a
  // built program's point into its conditions). A vector: moving the
  // program keeps the bytes where they are.
  std::vector<char> text_;
};

}  // namespace leadseg
