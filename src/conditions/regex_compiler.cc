// Regex::Compile: pattern text to program (regex_program.h), in three steps:
//   1. decode the UTF-8 pattern into UTF-16 code units (what a JavaScript
//      RegExp sees), remembering each unit's byte offset for error messages;
//   2. parse it by recursive descent into a small AST (Parser), following
//      the ECMAScript grammar with its Annex B extensions;
//   3. lower the AST to a Thompson NFA program (Regex::Compiler), after
//      checking its exact size against kMaxInstructions, and derive facts
//      that let Search skip work (anchoring, a literal prefix, the set of
//      bytes a match can start with).
//
// Only the config compiler, the CLI, tests and fuzzers call this; the
// matcher (regex.cc) and a program read back from bytes (Regex::Decode) do
// not need it, which keeps it out of the WebAssembly runtime module.

#include <algorithm>
#include <string>
#include <utility>

#include "conditions/regex.h"
#include "conditions/regex_program.h"

// Keeps a helper's locals out of the recursive parser frames (see Parser).
#if defined(__GNUC__) || defined(__clang__)
#define LEADSEG_REGEX_NOINLINE __attribute__((noinline))
#else
#define LEADSEG_REGEX_NOINLINE
#endif

namespace leadseg {

using namespace regex_internal;  // NOLINT: this file's own vocabulary

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFF;   // max of an unbounded quantifier
constexpr uint32_t kNoPc = 0xFFFFFFFF;       // end of a chain of jumps to patch

bool IsOctalDigit(int32_t c) { return c >= '0' && c <= '7'; }

int HexValue(int32_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

// ---------------------------------------------------------------------------
// Sets of code units

// Sorts and merges overlapping or adjacent ranges.
void Normalize(std::vector<Range>* ranges) {
  std::sort(ranges->begin(), ranges->end(),
            [](const Range& a, const Range& b) { return a.lo < b.lo; });
  size_t out = 0;
  for (const Range& r : *ranges) {
    if (out > 0 && r.lo <= (*ranges)[out - 1].hi + 1) {
      (*ranges)[out - 1].hi = std::max((*ranges)[out - 1].hi, r.hi);
    } else {
      (*ranges)[out++] = r;
    }
  }
  ranges->resize(out);
}

constexpr Range kDigitRanges[] = {{'0', '9'}};
constexpr Range kWordRanges[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
// WhiteSpace and LineTerminator: TAB VT FF SP NBSP ZWNBSP, Unicode Zs, LF CR
// LS PS.
constexpr Range kSpaceRanges[] = {
    {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
    {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};

bool IsClassEscape(int32_t c) {
  return c == 'd' || c == 'D' || c == 's' || c == 'S' || c == 'w' || c == 'W';
}

// Appends the units of \d \D \s \S \w or \W (`letter`) to `out`.
void AppendClassEscape(int32_t letter, std::vector<Range>* out) {
  const Range* begin;
  const Range* end;
  switch (letter | 0x20) {
    case 'd':
      begin = std::begin(kDigitRanges), end = std::end(kDigitRanges);
      break;
    case 'w':
      begin = std::begin(kWordRanges), end = std::end(kWordRanges);
      break;
    default:
      begin = std::begin(kSpaceRanges), end = std::end(kSpaceRanges);
      break;
  }
  if (letter >= 'a') {  // lower case: the set itself
    out->insert(out->end(), begin, end);
    return;
  }
  uint32_t next = 0;  // upper case: the complement (sets are sorted)
  for (const Range* r = begin; r != end; ++r) {
    if (r->lo > next) out->push_back({next, r->lo - 1});
    next = r->hi + 1;
  }
  if (next <= kMaxUnit) out->push_back({next, kMaxUnit});
}

// ---------------------------------------------------------------------------
// Syntax tree

enum class NodeKind : uint8_t {
  kEmpty,      // matches the empty string
  kUnit,       // one literal code unit
  kAny,        // .
  kClass,      // [...], \d and friends
  kAssert,     // ^ $ \b \B
  kConcat,     // kids in sequence (never nested: groups are spliced in)
  kAlternate,  // kids as alternatives
  kRepeat,     // kids[0]{min,max}
};

struct Node {
  NodeKind kind = NodeKind::kEmpty;
  Assertion assertion = Assertion::kBegin;
  uint16_t unit = 0;
  uint32_t class_index = 0;
  uint32_t min = 0, max = 0;
  size_t offset = 0;  // byte offset in the pattern, for error messages
  std::vector<int> kids;
};

struct ClassSpec {
  std::vector<Range> ranges;  // not normalized
  bool negated = false;
};

struct Ast {
  std::vector<Node> nodes;
  std::vector<ClassSpec> classes;
  int root = -1;
};

// ---------------------------------------------------------------------------
// Parser: ECMAScript Pattern[~UnicodeMode, ~UnicodeSetsMode, ~NamedCaptureGroups
// unless the pattern has a named group], Annex B.1.2 syntax.

class Parser {
 public:
  Parser(const std::u16string& units, const std::vector<size_t>& offsets, Ast* ast)
      : units_(units), offsets_(offsets), ast_(ast) {}

  Status Parse() {
    ScanGroups();
    const int root = ParseDisjunction(0);
    if (root < 0) return error_;
    if (pos_ < units_.size()) {  // only a ')' stops a top-level disjunction
      Fail(StatusCode::kInvalidArgument, "unmatched ')'", pos_);
      return error_;
    }
    if (!unsupported_.ok()) return unsupported_;
    ast_->root = root;
    return Status::Ok();
  }

 private:
  // A class atom: one unit, or a class escape such as \d (escape != 0).
  struct ClassAtom {
    uint16_t unit = 0;
    int32_t escape = 0;
  };

  int32_t At(size_t i) const { return i < units_.size() ? units_[i] : -1; }

  // `what` is a C string (not a string_view or std::string) because these
  // are called from the recursive parser frames: a scalar argument costs
  // no stack space there.
  Status MakeError(StatusCode code, const char* what, size_t unit_pos) const {
    const char* prefix = "invalid regular expression: ";
    if (code == StatusCode::kUnsupported) prefix = "unsupported regular expression feature: ";
    if (code == StatusCode::kOutOfRange) prefix = "regular expression too complex: ";
    const size_t offset = offsets_[std::min(unit_pos, units_.size())];
    return Status(code, std::string(prefix) + what + " at pattern offset " +
                            std::to_string(offset));
  }

  // Records the error and returns -1 so that callers can `return Fail(...)`.
  LEADSEG_REGEX_NOINLINE int Fail(StatusCode code, const char* what, size_t unit_pos) {
    error_ = MakeError(code, what, unit_pos);
    return -1;
  }

  // Notes a construct that is valid JavaScript but not implemented, and
  // stands in an empty node for it. Parsing goes on so that a later syntax
  // error is still reported as one: JavaScript would throw for it.
  LEADSEG_REGEX_NOINLINE int NoteUnsupported(const char* what, size_t unit_pos) {
    if (unsupported_.ok()) unsupported_ = MakeError(StatusCode::kUnsupported, what, unit_pos);
    return AddNode(NodeKind::kEmpty, unit_pos);
  }

  int AddNode(NodeKind kind, size_t unit_pos) {
    Node node;
    node.kind = kind;
    node.offset = offsets_[std::min(unit_pos, units_.size())];
    ast_->nodes.push_back(std::move(node));
    return static_cast<int>(ast_->nodes.size() - 1);
  }

  int AddUnit(uint32_t unit, size_t unit_pos) {
    const int n = AddNode(NodeKind::kUnit, unit_pos);
    ast_->nodes[n].unit = static_cast<uint16_t>(unit);
    return n;
  }

  int AddAssert(Assertion assertion, size_t unit_pos) {
    const int n = AddNode(NodeKind::kAssert, unit_pos);
    ast_->nodes[n].assertion = assertion;
    return n;
  }

  int AddClass(ClassSpec spec, size_t unit_pos) {
    const int n = AddNode(NodeKind::kClass, unit_pos);
    ast_->nodes[n].class_index = static_cast<uint32_t>(ast_->classes.size());
    ast_->classes.push_back(std::move(spec));
    return n;
  }

  // Counts capturing groups and collects group names before parsing: both
  // decide how escapes parse (\2 is a backreference only when there are two
  // groups, even if the second comes later; \k is special only when the
  // pattern has a named group).
  void ScanGroups() {
    bool in_class = false;
    for (size_t i = 0; i < units_.size(); ++i) {
      const int32_t c = units_[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        in_class = c != ']';
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(' && At(i + 1) != '?') {
        ++capture_count_;
      } else if (c == '(' && At(i + 2) == '<' && At(i + 3) != '=' && At(i + 3) != '!') {
        ++capture_count_;
        has_named_groups_ = true;
        size_t end = i + 3;  // scan only the name, to stay linear
        while (IsNameUnit(At(end), end == i + 3)) ++end;
        if (At(end) == '>') group_names_.push_back(units_.substr(i + 3, end - i - 3));
      }
    }
  }

  // The recursive functions below (ParseDisjunction -> ParseAlternative ->
  // ParseTerm -> ParseAtom -> ParseGroup -> ParseGroupBody) keep their
  // frames small so that kMaxNesting levels fit in a WebAssembly stack
  // (64 KiB by default): lists under construction live in `pending_`,
  // quantifier bounds in members rather than address-taken locals, and the
  // leaves that build strings or class sets are not inlined, so that their
  // locals are not part of every recursive frame.

  // Disjunction :: Alternative ( '|' Alternative )*
  int ParseDisjunction(int depth) {
    const size_t start = pos_;
    const size_t base = pending_.size();
    for (;;) {
      const int alternative = ParseAlternative(depth);
      if (alternative < 0) return -1;
      pending_.push_back(alternative);
      if (At(pos_) != '|') break;
      ++pos_;
    }
    return PopPending(NodeKind::kAlternate, base, start);
  }

  // Alternative :: Term*
  int ParseAlternative(int depth) {
    const size_t start = pos_;
    const size_t base = pending_.size();
    while (pos_ < units_.size() && At(pos_) != '|' && At(pos_) != ')') {
      const int term = ParseTerm(depth);
      if (term < 0) return -1;
      const Node& node = ast_->nodes[term];
      if (node.kind == NodeKind::kConcat) {  // a group: grouping is irrelevant here
        pending_.insert(pending_.end(), node.kids.begin(), node.kids.end());
      } else if (node.kind != NodeKind::kEmpty) {
        pending_.push_back(term);
      }
    }
    return PopPending(NodeKind::kConcat, base, start);
  }

  // Moves pending_[base...] into a new kConcat or kAlternate node; one item
  // is returned as is, none makes a kEmpty node.
  int PopPending(NodeKind kind, size_t base, size_t unit_pos) {
    const size_t count = pending_.size() - base;
    if (count == 1) {
      const int only = pending_.back();
      pending_.pop_back();
      return only;
    }
    const int n = AddNode(count == 0 ? NodeKind::kEmpty : kind, unit_pos);
    ast_->nodes[n].kids.assign(pending_.begin() + static_cast<std::ptrdiff_t>(base),
                               pending_.end());
    pending_.resize(base);
    return n;
  }

  // Term :: Assertion | Atom Quantifier?
  int ParseTerm(int depth) {
    const int32_t c = At(pos_);
    switch (c) {
      case '^':
        return AddAssert(Assertion::kBegin, pos_++);
      case '$':
        return AddAssert(Assertion::kEnd, pos_++);
      case '\\':
        if (At(pos_ + 1) == 'b' || At(pos_ + 1) == 'B') {
          pos_ += 2;
          return AddAssert(At(pos_ - 1) == 'b' ? Assertion::kWordBoundary
                                               : Assertion::kNotWordBoundary,
                           pos_ - 2);
        }
        break;
      case '(':
        if (At(pos_ + 1) == '?' && At(pos_ + 2) == '<' &&
            (At(pos_ + 3) == '=' || At(pos_ + 3) == '!')) {
          // Lookbehind is an assertion: unlike lookahead (Annex B) it
          // cannot be quantified, so it is not parsed as an atom.
          const size_t start = pos_;
          pos_ += 4;
          if (ParseGroupBody(depth, start) < 0) return -1;
          return NoteUnsupported("lookbehind (?<= or (?<!", start);
        }
        break;
      case '*':
      case '+':
      case '?':
        return Fail(StatusCode::kInvalidArgument, "nothing to repeat", pos_);
      case '{':
        // Annex B: a '{' that does not start a quantifier is a literal, but
        // one that does must follow something repeatable.
        if (ParseBraces(pos_)) {
          return Fail(StatusCode::kInvalidArgument, "nothing to repeat", pos_);
        }
        break;
      default:
        break;
    }
    const int atom = ParseAtom(depth);
    if (atom < 0) return -1;
    return ParseQuantifier(atom);
  }

  // Quantifier :: ( '*' | '+' | '?' | '{' n ( ',' m? )? '}' ) '?'?
  LEADSEG_REGEX_NOINLINE int ParseQuantifier(int atom) {
    const size_t start = pos_;
    uint32_t min = 0, max = kInfinite;
    size_t end = pos_ + 1;
    switch (At(pos_)) {
      case '*':
        break;
      case '+':
        min = 1;
        break;
      case '?':
        max = 1;
        break;
      case '{':
        if (!ParseBraces(pos_)) return atom;  // a literal '{'
        min = braces_min_, max = braces_max_, end = braces_end_;
        break;
      default:
        return atom;
    }
    pos_ = end;
    if (At(pos_) == '?') ++pos_;  // lazy: same set of matches
    if (min > max) {
      return Fail(StatusCode::kInvalidArgument, "numbers out of order in {} quantifier", start);
    }
    const int n = AddNode(NodeKind::kRepeat, start);
    Node& node = ast_->nodes[n];
    node.min = min;
    node.max = max;
    node.kids = {atom};
    node.offset = ast_->nodes[atom].offset;  // point errors at what is repeated
    return n;
  }

  // Whether "{n}", "{n,}" or "{n,m}" is at `at`; if so sets braces_min_,
  // braces_max_ and braces_end_, without consuming anything. Counts
  // saturate; anything that large fails the size check later anyway.
  bool ParseBraces(size_t at) {
    size_t i = at + 1;
    if (!IsDecimalDigit(At(i))) return false;
    braces_min_ = ParseCount(i);
    i = count_end_;
    if (At(i) == '}') {
      braces_max_ = braces_min_;
    } else if (At(i) == ',' && At(i + 1) == '}') {
      braces_max_ = kInfinite;
      ++i;
    } else if (At(i) == ',' && IsDecimalDigit(At(i + 1))) {
      braces_max_ = ParseCount(i + 1);
      i = count_end_;
      if (At(i) != '}') return false;
    } else {
      return false;
    }
    braces_end_ = i + 1;
    return true;
  }

  // The decimal number at i; count_end_ is set to the index after it.
  uint32_t ParseCount(size_t i) {
    uint64_t value = 0;
    for (; IsDecimalDigit(At(i)); ++i) {
      value = std::min<uint64_t>(value * 10 + static_cast<uint64_t>(At(i) - '0'), kInfinite - 1);
    }
    count_end_ = i;
    return static_cast<uint32_t>(value);
  }

  // Atom :: '.' | '(' ... ')' | '[' ... ']' | '\' AtomEscape | PatternCharacter
  int ParseAtom(int depth) {
    switch (At(pos_)) {
      case '.':
        return AddNode(NodeKind::kAny, pos_++);
      case '(':
        return ParseGroup(depth);
      case '[':
        return ParseClass();
      case '\\':
        return ParseAtomEscape();
      default: {  // includes Annex B's literal ']', '{' and '}'
        const size_t at = pos_++;
        return AddUnit(static_cast<uint32_t>(At(at)), at);
      }
    }
  }

  // '(' Disjunction ')', '(?:' ... ')', '(?<name>' ... ')', and the
  // unsupported lookahead and modifier groups. Lookbehind is in ParseTerm.
  int ParseGroup(int depth) {
    const size_t start = pos_++;
    const char* unsupported = nullptr;
    if (At(pos_) == '?') {
      const int32_t kind = At(pos_ + 1);
      if (kind == ':') {
        pos_ += 2;
      } else if (kind == '=' || kind == '!') {
        pos_ += 2;
        unsupported = "lookahead (?= or (?!";
      } else if (kind == '<') {
        pos_ += 2;
        if (!ParseGroupName(start)) return -1;
      } else if (const size_t end = MatchModifiers(pos_ + 1)) {
        pos_ = end;
        unsupported = "inline modifier group such as (?i:...)";
      } else {
        return Fail(StatusCode::kInvalidArgument, "invalid group", start);
      }
    }
    const int body = ParseGroupBody(depth, start);
    if (body < 0) return -1;
    return unsupported != nullptr ? NoteUnsupported(unsupported, start) : body;
  }

  // The rest of a group whose opening ends at pos_: Disjunction ')'. This is
  // the only recursion of the parser, so bounding it bounds the stack.
  int ParseGroupBody(int depth, size_t group_start) {
    static_assert(Regex::kMaxNesting == 256, "update the message below");
    if (depth >= Regex::kMaxNesting) {
      return Fail(StatusCode::kOutOfRange, "groups nested more than 256 deep", group_start);
    }
    const int body = ParseDisjunction(depth + 1);
    if (body < 0) return -1;
    if (At(pos_) != ')') {
      return Fail(StatusCode::kInvalidArgument, "unterminated group", group_start);
    }
    ++pos_;
    return body;
  }

  // "ims-ims:" at i, the ES2025 modifiers syntax: the index after the ':',
  // or 0 when there is none.
  size_t MatchModifiers(size_t i) const {
    auto flag = [](int32_t c) { return c == 'i' || c == 'm' || c == 's'; };
    while (flag(At(i))) ++i;
    if (At(i) == '-') {
      ++i;
      while (flag(At(i))) ++i;
    }
    return At(i) == ':' ? i + 1 : 0;
  }

  static bool IsNameUnit(int32_t c, bool first) {
    // Identifier characters; non-ASCII is accepted without checking
    // ID_Start / ID_Continue, the only leniency of this parser.
    return IsAsciiLetter(c) || c == '$' || c == '_' || c >= 0x80 ||
           (!first && IsDecimalDigit(c));
  }

  // GroupName :: '<' RegExpIdentifierName '>', with pos_ after the '<'.
  LEADSEG_REGEX_NOINLINE bool ParseGroupName(size_t group_start) {
    const size_t name_start = pos_;
    while (IsNameUnit(At(pos_), pos_ == name_start)) ++pos_;
    if (At(pos_) == '\\') {
      Fail(StatusCode::kUnsupported, "escape sequence in a group name", pos_);
      return false;
    }
    if (pos_ == name_start || At(pos_) != '>') {
      Fail(StatusCode::kInvalidArgument, "invalid capture group name", group_start);
      return false;
    }
    std::u16string name = units_.substr(name_start, pos_ - name_start);
    ++pos_;
    if (std::find(seen_names_.begin(), seen_names_.end(), name) != seen_names_.end()) {
      Fail(StatusCode::kInvalidArgument, "duplicate capture group name", group_start);
      return false;
    }
    seen_names_.push_back(std::move(name));
    return true;
  }

  // AtomEscape, with pos_ at the backslash.
  LEADSEG_REGEX_NOINLINE int ParseAtomEscape() {
    const size_t start = pos_;
    const int32_t c = At(pos_ + 1);
    if (c < 0) return Fail(StatusCode::kInvalidArgument, "\\ at end of pattern", start);
    if (IsClassEscape(c)) {
      pos_ += 2;
      ClassSpec spec;
      // \D \S \W as negated \d \s \w: the same set, with a cheaper bitmap.
      AppendClassEscape(c | 0x20, &spec.ranges);
      spec.negated = c < 'a';
      return AddClass(std::move(spec), start);
    }
    if (c >= '1' && c <= '9') {
      const uint32_t group = ParseCount(pos_ + 1);
      if (group <= capture_count_) {
        pos_ = count_end_;
        const std::string what = "backreference \\" + std::to_string(group);
        return NoteUnsupported(what.c_str(), start);
      }
      // Annex B: no such group, so \1-\7 start an octal escape and \8 \9
      // are identity escapes; ParseCharacterEscape handles both.
    }
    if (c == 'k' && has_named_groups_) return ParseNamedReference(start);
    if (c == 'c' && !IsAsciiLetter(At(pos_ + 2))) {
      ++pos_;  // Annex B: "\c" without a control letter is a literal backslash
      return AddUnit('\\', start);
    }
    ++pos_;
    return AddUnit(ParseCharacterEscape(), start);
  }

  // \k<name> in a pattern with named groups: a backreference, or an error.
  int ParseNamedReference(size_t start) {
    if (At(pos_ + 2) == '<') {
      const size_t close = units_.find(u'>', pos_ + 3);
      if (close != std::u16string::npos) {
        const std::u16string name = units_.substr(pos_ + 3, close - pos_ - 3);
        if (std::find(group_names_.begin(), group_names_.end(), name) != group_names_.end()) {
          pos_ = close + 1;
          return NoteUnsupported("backreference \\k<name>", start);
        }
      }
    }
    return Fail(StatusCode::kInvalidArgument, "invalid named reference", start);
  }

  // CharacterEscape, with pos_ just after the backslash. Never fails: in
  // non-unicode mode anything that is not a known escape is the character
  // itself (\x without two hex digits is "x", \u{41} is "u" repeated 41
  // times). The caller has already handled \c without a control letter.
  uint32_t ParseCharacterEscape() {
    const int32_t c = At(pos_++);
    switch (c) {
      case 'f':
        return 0x0C;
      case 'n':
        return 0x0A;
      case 'r':
        return 0x0D;
      case 't':
        return 0x09;
      case 'v':
        return 0x0B;
      case 'c':
        return static_cast<uint32_t>(At(pos_++)) % 32;
      case 'x':
        return ParseHexEscape(2, 'x');
      case 'u':
        return ParseHexEscape(4, 'u');
      default:
        break;
    }
    if (IsOctalDigit(c)) {  // \0 and Annex B's legacy octal escapes, up to \377
      uint32_t value = static_cast<uint32_t>(c - '0');
      const int max_digits = c <= '3' ? 3 : 2;
      for (int digits = 1; digits < max_digits && IsOctalDigit(At(pos_)); ++digits) {
        value = value * 8 + static_cast<uint32_t>(At(pos_++) - '0');
      }
      return value;
    }
    return static_cast<uint32_t>(c);  // identity escape
  }

  uint32_t ParseHexEscape(int digits, uint32_t letter) {
    uint32_t value = 0;
    for (int i = 0; i < digits; ++i) {
      const int v = HexValue(At(pos_ + static_cast<size_t>(i)));
      if (v < 0) return letter;
      value = value * 16 + static_cast<uint32_t>(v);
    }
    pos_ += static_cast<size_t>(digits);
    return value;
  }

  // CharacterClass :: '[' '^'? ClassRanges ']'
  LEADSEG_REGEX_NOINLINE int ParseClass() {
    const size_t start = pos_++;
    ClassSpec spec;
    if (At(pos_) == '^') {
      spec.negated = true;
      ++pos_;
    }
    for (;;) {
      if (pos_ >= units_.size()) {
        return Fail(StatusCode::kInvalidArgument, "unterminated character class", start);
      }
      if (At(pos_) == ']') {
        ++pos_;
        break;
      }
      ClassAtom from;
      if (!ParseClassAtom(&from)) return -1;
      if (At(pos_) != '-' || At(pos_ + 1) == ']' || At(pos_ + 1) < 0) {
        AddClassAtom(from, &spec);
        continue;
      }
      const size_t dash = pos_++;
      ClassAtom to;
      if (!ParseClassAtom(&to)) return -1;
      if (from.escape != 0 || to.escape != 0) {
        // Annex B: [\d-z] is \d, '-' and 'z'.
        AddClassAtom(from, &spec);
        AddClassAtom(ClassAtom{'-', 0}, &spec);
        AddClassAtom(to, &spec);
      } else if (from.unit > to.unit) {
        return Fail(StatusCode::kInvalidArgument, "range out of order in character class",
                    dash);
      } else {
        spec.ranges.push_back({from.unit, to.unit});
      }
    }
    return AddClass(std::move(spec), start);
  }

  static void AddClassAtom(const ClassAtom& atom, ClassSpec* spec) {
    if (atom.escape != 0) {
      AppendClassEscape(atom.escape, &spec->ranges);
    } else {
      spec->ranges.push_back({atom.unit, atom.unit});
    }
  }

  // ClassAtom, with Annex B's ClassEscape rules.
  bool ParseClassAtom(ClassAtom* atom) {
    const int32_t c = At(pos_);
    if (c != '\\') {
      atom->unit = static_cast<uint16_t>(c);
      ++pos_;
      return true;
    }
    const int32_t e = At(pos_ + 1);
    if (e < 0) {
      Fail(StatusCode::kInvalidArgument, "\\ at end of pattern", pos_);
      return false;
    }
    if (IsClassEscape(e)) {
      atom->escape = e;
      pos_ += 2;
    } else if (e == 'b') {  // backspace inside a class
      atom->unit = 0x08;
      pos_ += 2;
    } else if (e == 'c') {
      const int32_t letter = At(pos_ + 2);
      if (IsAsciiLetter(letter) || IsDecimalDigit(letter) || letter == '_') {
        atom->unit = static_cast<uint16_t>(letter % 32);
        pos_ += 3;
      } else {
        atom->unit = '\\';  // Annex B: then 'c' is the next atom
        ++pos_;
      }
    } else if (e == 'k' && has_named_groups_) {
      Fail(StatusCode::kInvalidArgument, "invalid escape \\k in character class", pos_);
      return false;
    } else {
      ++pos_;
      atom->unit = static_cast<uint16_t>(ParseCharacterEscape());
    }
    return true;
  }

  const std::u16string& units_;
  const std::vector<size_t>& offsets_;  // byte offset of each unit, and the end
  Ast* ast_;
  size_t pos_ = 0;
  std::vector<int> pending_;  // see ParseDisjunction
  uint32_t braces_min_ = 0, braces_max_ = 0;  // set by ParseBraces
  size_t braces_end_ = 0;
  size_t count_end_ = 0;  // set by ParseCount
  Status error_;        // the syntax error that stopped parsing
  Status unsupported_;  // the first unsupported construct, if any
  uint32_t capture_count_ = 0;
  bool has_named_groups_ = false;
  std::vector<std::u16string> group_names_;  // from ScanGroups
  std::vector<std::u16string> seen_names_;   // while parsing, for duplicates
};

// Decodes the pattern into UTF-16 units; offsets[i] is unit i's byte offset
// and offsets[units.size()] the pattern's length.
Status DecodePattern(std::string_view pattern, std::u16string* units,
                     std::vector<size_t>* offsets) {
  const auto* p = reinterpret_cast<const unsigned char*>(pattern.data());
  units->reserve(pattern.size());
  offsets->reserve(pattern.size() + 1);
  for (size_t i = 0; i < pattern.size();) {
    uint32_t cp, len;
    if (!DecodeUtf8(p + i, pattern.size() - i, &cp, &len)) {
      return InvalidArgument("invalid regular expression: pattern is not valid UTF-8 at "
                             "pattern offset " + std::to_string(i));
    }
    if (cp < 0x10000) {
      units->push_back(static_cast<char16_t>(cp));
      offsets->push_back(i);
    } else {  // a surrogate pair, as in a JavaScript string
      cp -= 0x10000;
      units->push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      units->push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
      offsets->push_back(i);
      offsets->push_back(i);
    }
    i += len;
  }
  offsets->push_back(pattern.size());
  return Status::Ok();
}

constexpr uint64_t kHugeSize = uint64_t{1} << 40;  // saturation point of sizes

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return std::min(a + b, kHugeSize); }
uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  if (a != 0 && b > kHugeSize / a) return kHugeSize;
  return std::min(a * b, kHugeSize);
}

}  // namespace

// Lowers an Ast to a program and fills in Search's shortcuts.
class Regex::Compiler {
 public:
  Compiler(const Ast& ast, bool ignore_case, Regex* re)
      : ast_(ast), ignore_case_(ignore_case), re_(re) {}

  Status Run() {
    sizes_.resize(ast_.nodes.size());
    const uint64_t size = SaturatingAdd(ComputeSize(ast_.root), 1);  // + kMatch
    if (size > kMaxInstructions) return TooLarge(size);
    for (const ClassSpec& spec : ast_.classes) re_->classes_.push_back(LowerClass(spec));
    re_->program_.reserve(size);
    Emit(ast_.root);
    Push(Op::kMatch);
    FindAnchor();
    FindFirstUnits();
    FindLiteralPrefix();
    // Two sparse sets (sparse + dense arrays each) and the closure stack.
    re_->scratch_.assign(5 * re_->program_.size(), 0);
    return Status::Ok();
  }

 private:
  // Exact instruction count of Emit(n), saturated at kHugeSize.
  uint64_t ComputeSize(int n) {
    const Node& node = ast_.nodes[n];
    uint64_t size = 0;
    switch (node.kind) {
      case NodeKind::kEmpty:
        break;
      case NodeKind::kUnit:
      case NodeKind::kAny:
      case NodeKind::kClass:
      case NodeKind::kAssert:
        size = 1;
        break;
      case NodeKind::kConcat:
      case NodeKind::kAlternate:
        for (int kid : node.kids) size = SaturatingAdd(size, ComputeSize(kid));
        if (node.kind == NodeKind::kAlternate) {  // a split and a jump per extra branch
          size = SaturatingAdd(size, 2 * (node.kids.size() - 1));
        }
        break;
      case NodeKind::kRepeat: {
        const uint64_t body = ComputeSize(node.kids[0]);
        if (body == 0) {
          size = 0;
        } else if (node.max == kInfinite) {  // see EmitRepeat
          size = node.min == 0 ? body + 2 : SaturatingAdd(SaturatingMul(node.min, body), 1);
        } else {
          size = SaturatingAdd(SaturatingMul(node.min, body),
                               SaturatingMul(node.max - node.min, body + 1));
        }
        break;
      }
    }
    sizes_[n] = size;
    return size;
  }

  // Names the innermost construct that is too large by itself.
  Status TooLarge(uint64_t size) const {
    int n = ast_.root;
    for (bool descended = true; descended;) {
      descended = false;
      for (int kid : ast_.nodes[n].kids) {
        if (sizes_[kid] + 1 > kMaxInstructions) {
          n = kid;
          descended = true;
          break;
        }
      }
    }
    std::string count = size >= kHugeSize ? "more than 10^12" : std::to_string(size);
    return OutOfRange("regular expression too complex: it would compile to " + count +
                      " instructions, more than the limit of " +
                      std::to_string(kMaxInstructions) +
                      " (counted repetition is expanded); the construct at pattern offset " +
                      std::to_string(ast_.nodes[n].offset) + " is too large");
  }

  CharClass LowerClass(const ClassSpec& spec) const {
    std::vector<Range> ranges = spec.ranges;
    Normalize(&ranges);
    if (ignore_case_) AddFoldedImage(&ranges);
    CharClass cls;
    cls.negated = spec.negated;
    for (const Range& r : ranges) {
      for (uint32_t u = r.lo; u <= std::min<uint32_t>(r.hi, 127); ++u) {
        cls.ascii[u >> 6] |= uint64_t{1} << (u & 63);
      }
      if (r.hi >= 128) cls.non_ascii.push_back({std::max<uint32_t>(r.lo, 128), r.hi});
    }
    return cls;
  }

  // Under the `i` flag a text unit t matches the set S when Fold(t) equals
  // Fold(s) for some s in S, i.e. when Fold(t) is in Fold(S). Search folds
  // t, so the class stores S plus Fold(S). (The extra members of S are never
  // looked up: folded units are fixed points of Fold.)
  static void AddFoldedImage(std::vector<Range>* ranges) {
    if (ranges->empty()) return;
    std::vector<Range> image;
    for (size_t i = 0; i < kFoldRunCount; ++i) {
      const FoldRun& run = kFoldRuns[i];
      if (run.last < ranges->front().lo) continue;
      if (run.first > ranges->back().hi) break;  // runs are sorted
      for (uint32_t u = run.first; u <= run.last; u += run.stride) {
        if (InRanges(*ranges, u)) {
          const uint32_t f = Fold(u);
          image.push_back({f, f});
        }
      }
    }
    ranges->insert(ranges->end(), image.begin(), image.end());
    Normalize(ranges);
  }

  uint32_t Push(Op op) {
    re_->program_.push_back(Inst{op, Assertion::kBegin, 0, 0, 0});
    return static_cast<uint32_t>(re_->program_.size() - 1);
  }
  uint32_t Here() const { return static_cast<uint32_t>(re_->program_.size()); }
  Inst& At(uint32_t pc) { return re_->program_[pc]; }

  void Emit(int n) {
    const Node& node = ast_.nodes[n];
    switch (node.kind) {
      case NodeKind::kEmpty:
        break;
      case NodeKind::kUnit:
        At(Push(Op::kUnit)).unit =
            static_cast<uint16_t>(ignore_case_ ? Fold(node.unit) : node.unit);
        break;
      case NodeKind::kAny:
        Push(Op::kAny);
        break;
      case NodeKind::kClass:
        At(Push(Op::kClass)).x = node.class_index;
        break;
      case NodeKind::kAssert:
        At(Push(Op::kAssert)).assertion = node.assertion;
        break;
      case NodeKind::kConcat:
        for (int kid : node.kids) Emit(kid);
        break;
      case NodeKind::kAlternate:
        EmitAlternate(node);
        break;
      case NodeKind::kRepeat:
        EmitRepeat(node);
        break;
    }
  }

  //       split L1, L2
  //   L1: <a>
  //       jump END
  //   L2: split L3, L4 ... <last>
  //  END:
  //
  // The jumps to END are chained through their x until END is known (no
  // vector: Emit recurses once per nesting level and keeps frames small).
  void EmitAlternate(const Node& node) {
    uint32_t jumps = kNoPc;
    for (size_t i = 0; i + 1 < node.kids.size(); ++i) {
      const uint32_t split = Push(Op::kSplit);
      At(split).x = split + 1;
      Emit(node.kids[i]);
      const uint32_t jump = Push(Op::kJump);
      At(jump).x = jumps;
      jumps = jump;
      At(split).y = Here();
    }
    Emit(node.kids.back());
    while (jumps != kNoPc) {
      const uint32_t next = At(jumps).x;
      At(jumps).x = Here();
      jumps = next;
    }
  }

  // x{n,m} is n copies of x then m-n optional copies that each may skip to
  // the end; x{0,} is a loop around x; x{n,} with n >= 1 is n-1 copies then
  // x+ as "L: x; split L, next".
  void EmitRepeat(const Node& node) {
    const int body = node.kids[0];
    if (sizes_[body] == 0) return;  // repeating the empty string
    const bool unbounded = node.max == kInfinite;
    const uint32_t copies = unbounded && node.min > 0 ? node.min - 1 : node.min;
    for (uint32_t i = 0; i < copies; ++i) Emit(body);
    if (unbounded && node.min == 0) {
      const uint32_t split = Push(Op::kSplit);
      At(split).x = split + 1;
      Emit(body);
      At(Push(Op::kJump)).x = split;
      At(split).y = Here();
    } else if (unbounded) {
      const uint32_t loop = Here();
      Emit(body);
      const uint32_t split = Push(Op::kSplit);
      At(split).x = loop;
      At(split).y = split + 1;
    } else {
      uint32_t splits = kNoPc;  // chained through y, as in EmitAlternate
      for (uint32_t i = node.min; i < node.max; ++i) {
        const uint32_t split = Push(Op::kSplit);
        At(split).x = split + 1;
        At(split).y = splits;
        splits = split;
        Emit(body);
      }
      while (splits != kNoPc) {
        const uint32_t next = At(splits).y;
        At(splits).y = Here();
        splits = next;
      }
    }
  }

  // Calls visit(pc) for every instruction reachable from pc 0 through
  // epsilon moves; `follow(inst)` decides whether an assertion is passed.
  template <typename Follow, typename Visit>
  void WalkEpsilon(Follow follow, Visit visit) const {
    const std::vector<Inst>& program = re_->program_;
    std::vector<bool> seen(program.size());
    std::vector<uint32_t> stack = {0};
    seen[0] = true;
    auto push = [&](uint32_t pc) {
      if (!seen[pc]) {
        seen[pc] = true;
        stack.push_back(pc);
      }
    };
    while (!stack.empty()) {
      const uint32_t pc = stack.back();
      stack.pop_back();
      const Inst& inst = program[pc];
      visit(pc);
      if (inst.op == Op::kSplit) {
        push(inst.x);
        push(inst.y);
      } else if (inst.op == Op::kJump) {
        push(inst.x);
      } else if (inst.op == Op::kAssert && follow(inst)) {
        push(pc + 1);
      }
    }
  }

  // Anchored: no instruction that consumes or matches is reachable from the
  // start without passing a ^, so only offset 0 can start a match.
  void FindAnchor() {
    bool anchored = true;
    WalkEpsilon([](const Inst& inst) { return inst.assertion != Assertion::kBegin; },
                [&](uint32_t pc) {
                  const Op op = re_->program_[pc].op;
                  if (op != Op::kSplit && op != Op::kJump && op != Op::kAssert) anchored = false;
                });
    re_->anchored_ = anchored;
  }

  // The units a match can start with, assuming every assertion holds (an
  // over-approximation, which is what a prefilter needs). Disabled when the
  // empty string may match or when it would not exclude anything.
  void FindFirstUnits() {
    bool can_match_empty = false;
    uint64_t ascii[2] = {0, 0};
    bool non_ascii = false;
    WalkEpsilon([](const Inst&) { return true; }, [&](uint32_t pc) {
      const Inst& inst = re_->program_[pc];
      switch (inst.op) {
        case Op::kMatch:
          can_match_empty = true;
          return;
        case Op::kUnit:
          non_ascii |= inst.unit >= 128;
          break;
        case Op::kAny:
          non_ascii = true;
          break;
        case Op::kClass: {
          const CharClass& cls = re_->classes_[inst.x];
          non_ascii |= cls.negated || !cls.non_ascii.empty();
          break;
        }
        default:
          return;
      }
      for (uint32_t b = 0; b < 128; ++b) {
        if (inst.Consumes(ignore_case_ ? Fold(b) : b, re_->classes_)) {
          ascii[b >> 6] |= uint64_t{1} << (b & 63);
        }
      }
    });
    const bool excludes_nothing = ascii[0] == ~uint64_t{0} && ascii[1] == ~uint64_t{0} && non_ascii;
    re_->use_first_filter_ = !can_match_empty && !excludes_nothing;
    re_->first_ascii_[0] = ascii[0];
    re_->first_ascii_[1] = ascii[1];
    re_->first_non_ascii_ = non_ascii;
  }

  // The literal units every match starts with, as UTF-8, when the top level
  // of the pattern is a sequence starting with literals (after an optional
  // ^). Under the `i` flag only ASCII qualifies: an ASCII unit's case
  // variants are exactly its ASCII upper and lower case.
  void FindLiteralPrefix() {
    const Node& root = ast_.nodes[ast_.root];
    std::vector<int> items;
    if (root.kind == NodeKind::kConcat) {
      items = root.kids;
    } else if (root.kind != NodeKind::kEmpty) {
      items = {ast_.root};
    }
    size_t i = 0;
    if (!items.empty() && ast_.nodes[items[0]].kind == NodeKind::kAssert &&
        ast_.nodes[items[0]].assertion == Assertion::kBegin) {
      ++i;
    }
    for (; i < items.size(); ++i) {
      const Node& node = ast_.nodes[items[i]];
      if (node.kind != NodeKind::kUnit) break;
      const uint32_t u = node.unit;
      // Surrogates have no UTF-8 form and U+FFFD also stands for invalid
      // bytes, so a byte search could not find them.
      const bool usable = ignore_case_ ? u < 128 : !(u >= 0xD800 && u <= 0xDFFF) && u != 0xFFFD;
      if (!usable) break;
      AppendUtf8(u, &re_->prefix_);
    }
    re_->literal_only_ = i == items.size();
    if (re_->anchored_ && !ignore_case_ && i < items.size()) FindLiteralAlternatives(items, i);
  }

  // After the literal prefix, an alternation whose branches are all
  // literals (or empty): the prefix followed by each branch.
  void FindLiteralAlternatives(const std::vector<int>& items, size_t i) {
    const Node& alternation = ast_.nodes[items[i]];
    if (alternation.kind != NodeKind::kAlternate) return;
    std::vector<std::string> alternatives;
    for (int kid : alternation.kids) {
      const Node& branch = ast_.nodes[kid];
      std::vector<int> units;
      if (branch.kind == NodeKind::kConcat) {
        units = branch.kids;
      } else if (branch.kind != NodeKind::kEmpty) {
        units = {kid};
      }
      std::string text = re_->prefix_;
      for (int unit : units) {
        const Node& node = ast_.nodes[unit];
        // As in the prefix: no surrogates or U+FFFD, which have no bytes.
        if (node.kind != NodeKind::kUnit || (node.unit >= 0xD800 && node.unit <= 0xDFFF) || node.unit == 0xFFFD) {
          return;
        }
        AppendUtf8(node.unit, &text);
      }
      alternatives.push_back(std::move(text));
    }
    re_->alternatives_ = std::move(alternatives);
    re_->alternatives_only_ = i + 1 == items.size();
  }

  const Ast& ast_;
  const bool ignore_case_;
  Regex* re_;
  std::vector<uint64_t> sizes_;  // ComputeSize per node
};

Result<Regex> Regex::Compile(std::string_view pattern, bool ignore_case) {
  // Checked first so that a huge pattern cannot make the parser build a
  // huge syntax tree before the instruction limit rejects it.
  if (pattern.size() > kMaxPatternBytes) {
    return OutOfRange("regular expression too complex: the pattern is " +
                      std::to_string(pattern.size()) + " bytes long, more than the limit of " +
                      std::to_string(kMaxPatternBytes));
  }
  std::u16string units;
  std::vector<size_t> offsets;
  LEADSEG_RETURN_IF_ERROR(DecodePattern(pattern, &units, &offsets));
  Ast ast;
  LEADSEG_RETURN_IF_ERROR(Parser(units, offsets, &ast).Parse());
  Regex re;
  re.ignore_case_ = ignore_case;
  LEADSEG_RETURN_IF_ERROR(Compiler(ast, ignore_case, &re).Run());
  return Result<Regex>(std::move(re));
}

}  // namespace leadseg

#undef LEADSEG_REGEX_NOINLINE
