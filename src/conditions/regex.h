// Regex: a linear-time matcher for the ECMAScript regular expressions that
// GrowthBook's `$regex` and `$regexi` operators evaluate. The JavaScript SDK
// runs
//
//   new RegExp(pattern, ignoreCase ? "i" : "").test(String(value))
//
// and Regex::Compile(pattern, ignore_case).value().Search(text) returns the
// same boolean for every pattern it accepts.
//
// Why not std::regex or a backtracking engine: patterns come from config
// authors and values from visitors, and `(a+)+$` against "aaaa...a!" takes
// exponential time in a backtracking matcher. This one compiles the pattern
// to a Thompson NFA and simulates it as a state set (a Pike VM without
// capture positions, since only match/no-match is needed). Each position of the
// text visits each instruction at most once, so Search is
// O(program size x text length) whatever the pattern and input are.
//
// Semantics are those of a non-unicode (no `u` flag), non-multiline,
// non-sticky RegExp, including the Annex B leniencies browsers implement.
//
// Supported:
//  - literals, `.` (anything but \n \r \u2028 \u2029), `^` and `$` (start and
//    end of input only), `\b` and `\B`;
//  - classes `[...]` and `[^...]` with ranges and escapes, `[]` (matches
//    nothing) and `[^]` (matches anything);
//  - \d \D \w \W \s \S with their ECMAScript definitions (\s includes the
//    Unicode space separators, U+FEFF, U+2028 and U+2029);
//  - escapes \t \n \r \v \f \0 \xHH \uHHHH \cX, legacy octal escapes (\012),
//    and identity escapes (\/ \. \$ \( \[ \- \\ ...);
//  - groups ( ), (?: ) and (?<name> ) (captures are not recorded);
//  - alternation and the quantifiers * + ? {n} {n,} {n,m}, greedy or lazy
//    (laziness cannot change whether a match exists);
//  - the `i` flag, with exactly JavaScript's non-unicode case folding: two
//    UTF-16 code units are equal when their single-unit toUpperCase() is,
//    except that a non-ASCII unit never folds to an ASCII one (so U+017F
//    long s does not match "s", and U+212A Kelvin sign does not match "k").
//    The table covers the whole BMP (Unicode 17, as in Node 20.20).
//  - Annex B: a `{`, `}` or `]` that cannot be a quantifier or class end is
//    a literal (`a{` matches "a{"); `\8` is "8"; `\1` with no group 1 is the
//    octal escape U+0001; `\c` not followed by a letter is a backslash; an
//    unknown escape such as `\q` or `\p` is the letter itself (so `\p{L}`
//    matches the text "p{L}", exactly as in JavaScript without `u`).
//
// Rejected (Compile returns an error whose message names the problem and
// its byte offset in the pattern):
//  - InvalidArgument: anything JavaScript throws a SyntaxError for, e.g.
//    "nothing to repeat" (`a**`, `?`, `^*`), an unterminated group or class,
//    an unmatched `)`, `{2,1}`, a class range out of order, `\` at the end,
//    bad or duplicate group names; also a pattern that is not valid UTF-8.
//  - Unsupported: valid JavaScript this matcher does not implement:
//    backreferences (\1 when group 1 exists, \k<name>), lookahead (?= (?!,
//    lookbehind (?<= (?<!, escapes inside group names, and ES2025 modifier
//    groups (?i:...) (a SyntaxError in Node 20, valid in newer engines).
//    A syntax error anywhere in the pattern still wins, as JavaScript would
//    throw for it.
//  - OutOfRange: a pattern longer than kMaxPatternBytes, nested more than
//    kMaxNesting groups deep, or whose compiled program exceeds
//    kMaxInstructions. Counted repetition is expanded (`(a{100}){100}` is
//    10,000 copies of `a`), so the last limit is what bounds both memory and
//    the per-character cost of Search. The nesting limit bounds the
//    parser's recursion; it fits a 64 KiB WebAssembly stack.
//
// Text and pattern are UTF-8. Like JavaScript strings they are matched as
// UTF-16 code units: a character outside the BMP is a surrogate pair, so
// `^.$` does not match "😀" but `^..$` does, as in JavaScript. Invalid
// UTF-8 bytes in the text each read as one U+FFFD; nothing is read out of
// bounds.
//
// Cost: a pattern starting with ^ stops at the first position where no
// match is in progress; a plain literal (optionally after ^) is a substring
// search; other patterns skip ahead with a literal-prefix or first-byte
// filter whenever no match is in progress. The worst case remains
// program_size() steps per UTF-16 unit.
//
// Thread safety: Regex is thread-compatible, not thread-safe. Search is
// const but uses scratch memory owned by the object (sized by Compile or
// Decode, so Search never allocates); concurrent Search calls on one Regex must be
// serialised by the caller, or each thread must use its own copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/status.h"

namespace leadseg {

class Regex {
 public:
  // Limits described above. A limit hit is an OutOfRange error.
  static constexpr size_t kMaxPatternBytes = 65536;
  static constexpr size_t kMaxInstructions = 10000;
  static constexpr int kMaxNesting = 256;

  // Compiles an ECMAScript pattern (the source text between the slashes of a
  // literal, i.e. what `new RegExp(pattern)` receives). `ignore_case` is the
  // `i` flag.
  static Result<Regex> Compile(std::string_view pattern, bool ignore_case);

  // True when the pattern matches anywhere in `text`, like
  // RegExp.prototype.test. Never allocates. A moved-from Regex matches
  // nothing.
  bool Search(std::string_view text) const;

  // Number of NFA instructions (at most kMaxInstructions); Search costs at
  // most this much work per UTF-16 unit of text.
  size_t program_size() const;

  // The compiled program as bytes, and back: compiled configs (.lsc,
  // leadseg/compiled_config.h) store regexes this way so that loading one
  // needs no pattern compiler. Compile lives in its own translation unit
  // (regex_compiler.cc), so a binary that only decodes and searches, such
  // as the WebAssembly runtime module, links none of the parser.
  //
  // Layout (varint = LEB128, string = varint length + bytes; docs/
  // compiled-config.md): flags (1 byte: 1 ignore case, 2 anchored, 4
  // literal only, 8 alternatives only, 16 first-unit filter, 32 the filter
  // admits non-ASCII units); with flag 16, the ASCII units a match can start
  // with (two 64-bit little-endian bitmaps); the literal prefix (string);
  // the literal alternatives (varint count, strings); the classes (varint
  // count; each negated (1 byte), its ASCII bitmap (16 bytes as above) and
  // varint count of non-ASCII ranges, each lo and hi (varints, sorted,
  // disjoint, not adjacent, in [128, 0xFFFF])); the program (varint count;
  // each op (1 byte) then its operands as varints: the unit of kUnit (folded
  // under ignore case), the class of kClass, x of kJump, x and y of kSplit;
  // the assertion of kAssert as 1 byte).
  //
  // Decode consumes one program from the front of `in` and checks all of
  // it (sizes within the limits above, every jump target and class index
  // in range, the last instruction kMatch), so that bytes it accepts can
  // never make Search read out of bounds: anything else is DataLoss. It
  // does not re-derive the facts (anchored() ...): a program whose facts
  // lie answers wrongly, like any altered program, but safely.
  void Encode(std::string* out) const;
  static Result<Regex> Decode(std::string_view* in);

  // Facts Search relies on, for callers that decide most texts without it
  // (segments/segment_program.h): when anchored(), every match starts at
  // offset 0 with literal_prefix() (ASCII case-insensitively under
  // ignore_case()), so a text that does not start with it fails; when
  // also literal_only(), every text that starts with it matches.
  bool anchored() const { return anchored_; }
  bool literal_only() const { return literal_only_; }
  bool ignore_case() const { return ignore_case_; }
  std::string_view literal_prefix() const { return prefix_; }
  // More of the same for a case-sensitive anchored pattern whose literal
  // prefix is followed by an alternation of literals (`^/(pricing|signup)`):
  // when non-empty, every match starts with one of these texts (the prefix
  // and one branch); when also alternatives_only() (nothing follows the
  // alternation), every text that starts with one of them matches.
  const std::vector<std::string>& literal_alternatives() const { return alternatives_; }
  bool alternatives_only() const { return alternatives_only_; }

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  Regex(const Regex&);
  Regex& operator=(const Regex&);
  ~Regex();

 private:
  struct Inst;       // one NFA instruction
  struct CharClass;  // a [...] set: ASCII bitmap + sorted non-ASCII ranges
  class Compiler;

  Regex();

  bool PrefixAt(std::string_view text, size_t pos) const;
  size_t FindPrefix(std::string_view text, size_t from) const;
  size_t FindCandidate(std::string_view text, size_t from) const;
  bool RunNfa(std::string_view text) const;

  std::vector<Inst> program_;  // starts at 0, ends with a kMatch
  std::vector<CharClass> classes_;
  bool ignore_case_ = false;

  // Facts derived from the program so that Search can skip work.
  bool anchored_ = false;      // every match starts at offset 0 (leading ^)
  std::string prefix_;         // every match starts with these bytes (ASCII
                               // case-insensitively when ignore_case_)
  bool literal_only_ = false;  // the pattern is prefix_ (after an optional ^)
  std::vector<std::string> alternatives_;  // see literal_alternatives()
  bool alternatives_only_ = false;
  bool use_first_filter_ = false;  // every match starts with a unit that...
  uint64_t first_ascii_[2] = {0, 0};  // ...is one of these ASCII bytes
  bool first_non_ascii_ = false;      // ...or is any non-ASCII unit

  // Search scratch: two sparse sets of program_.size() entries and an
  // explicit stack for the epsilon closure. Sized once by Compile or Decode.
  mutable std::vector<uint32_t> scratch_;
};

}  // namespace leadseg
