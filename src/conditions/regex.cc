// Regex: the matcher, and programs to bytes and back. Regex::Compile, the
// pattern compiler, is in regex_compiler.cc (see regex_program.h for why).
//
// Search simulates the NFA over the text's UTF-16 units with two sparse
// sets (Briggs & Torczon): `seeds`, the instructions reached by consuming
// the previous unit, and `closed`, their epsilon closure at the current
// position. Assertions (^ $ \b \B) are epsilon moves evaluated against the
// units on either side of the current position. Each instruction enters
// `closed` at most once per position, hence O(program x text).

#include "conditions/regex.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "conditions/regex_program.h"
#include "core/bytes.h"

namespace leadseg {
namespace regex_internal {

const FoldRun kFoldRuns[] = {
    {0x0061, 0x007A, 1, -32}, {0x00B5, 0x00B5, 1, 743},
    {0x00E0, 0x00F6, 1, -32}, {0x00F8, 0x00FE, 1, -32},
    {0x00FF, 0x00FF, 1, 121}, {0x0101, 0x012F, 2, -1},
    {0x0133, 0x0137, 2, -1}, {0x013A, 0x0148, 2, -1}, {0x014B, 0x0177, 2, -1},
    {0x017A, 0x017E, 2, -1}, {0x0180, 0x0180, 1, 195},
    {0x0183, 0x0185, 2, -1}, {0x0188, 0x0188, 1, -1}, {0x018C, 0x018C, 1, -1},
    {0x0192, 0x0192, 1, -1}, {0x0195, 0x0195, 1, 97}, {0x0199, 0x0199, 1, -1},
    {0x019A, 0x019A, 1, 163}, {0x019B, 0x019B, 1, 42561},
    {0x019E, 0x019E, 1, 130}, {0x01A1, 0x01A5, 2, -1},
    {0x01A8, 0x01A8, 1, -1}, {0x01AD, 0x01AD, 1, -1}, {0x01B0, 0x01B0, 1, -1},
    {0x01B4, 0x01B6, 2, -1}, {0x01B9, 0x01B9, 1, -1}, {0x01BD, 0x01BD, 1, -1},
    {0x01BF, 0x01BF, 1, 56}, {0x01C5, 0x01C5, 1, -1}, {0x01C6, 0x01C6, 1, -2},
    {0x01C8, 0x01C8, 1, -1}, {0x01C9, 0x01C9, 1, -2}, {0x01CB, 0x01CB, 1, -1},
    {0x01CC, 0x01CC, 1, -2}, {0x01CE, 0x01DC, 2, -1},
    {0x01DD, 0x01DD, 1, -79}, {0x01DF, 0x01EF, 2, -1},
    {0x01F2, 0x01F2, 1, -1}, {0x01F3, 0x01F3, 1, -2}, {0x01F5, 0x01F5, 1, -1},
    {0x01F9, 0x021F, 2, -1}, {0x0223, 0x0233, 2, -1}, {0x023C, 0x023C, 1, -1},
    {0x023F, 0x0240, 1, 10815}, {0x0242, 0x0242, 1, -1},
    {0x0247, 0x024F, 2, -1}, {0x0250, 0x0250, 1, 10783},
    {0x0251, 0x0251, 1, 10780}, {0x0252, 0x0252, 1, 10782},
    {0x0253, 0x0253, 1, -210}, {0x0254, 0x0254, 1, -206},
    {0x0256, 0x0257, 1, -205}, {0x0259, 0x0259, 1, -202},
    {0x025B, 0x025B, 1, -203}, {0x025C, 0x025C, 1, 42319},
    {0x0260, 0x0260, 1, -205}, {0x0261, 0x0261, 1, 42315},
    {0x0263, 0x0263, 1, -207}, {0x0264, 0x0264, 1, 42343},
    {0x0265, 0x0265, 1, 42280}, {0x0266, 0x0266, 1, 42308},
    {0x0268, 0x0268, 1, -209}, {0x0269, 0x0269, 1, -211},
    {0x026A, 0x026A, 1, 42308}, {0x026B, 0x026B, 1, 10743},
    {0x026C, 0x026C, 1, 42305}, {0x026F, 0x026F, 1, -211},
    {0x0271, 0x0271, 1, 10749}, {0x0272, 0x0272, 1, -213},
    {0x0275, 0x0275, 1, -214}, {0x027D, 0x027D, 1, 10727},
    {0x0280, 0x0280, 1, -218}, {0x0282, 0x0282, 1, 42307},
    {0x0283, 0x0283, 1, -218}, {0x0287, 0x0287, 1, 42282},
    {0x0288, 0x0288, 1, -218}, {0x0289, 0x0289, 1, -69},
    {0x028A, 0x028B, 1, -217}, {0x028C, 0x028C, 1, -71},
    {0x0292, 0x0292, 1, -219}, {0x029D, 0x029D, 1, 42261},
    {0x029E, 0x029E, 1, 42258}, {0x0345, 0x0345, 1, 84},
    {0x0371, 0x0373, 2, -1}, {0x0377, 0x0377, 1, -1},
    {0x037B, 0x037D, 1, 130}, {0x03AC, 0x03AC, 1, -38},
    {0x03AD, 0x03AF, 1, -37}, {0x03B1, 0x03C1, 1, -32},
    {0x03C2, 0x03C2, 1, -31}, {0x03C3, 0x03CB, 1, -32},
    {0x03CC, 0x03CC, 1, -64}, {0x03CD, 0x03CE, 1, -63},
    {0x03D0, 0x03D0, 1, -62}, {0x03D1, 0x03D1, 1, -57},
    {0x03D5, 0x03D5, 1, -47}, {0x03D6, 0x03D6, 1, -54},
    {0x03D7, 0x03D7, 1, -8}, {0x03D9, 0x03EF, 2, -1},
    {0x03F0, 0x03F0, 1, -86}, {0x03F1, 0x03F1, 1, -80},
    {0x03F2, 0x03F2, 1, 7}, {0x03F3, 0x03F3, 1, -116},
    {0x03F5, 0x03F5, 1, -96}, {0x03F8, 0x03F8, 1, -1},
    {0x03FB, 0x03FB, 1, -1}, {0x0430, 0x044F, 1, -32},
    {0x0450, 0x045F, 1, -80}, {0x0461, 0x0481, 2, -1},
    {0x048B, 0x04BF, 2, -1}, {0x04C2, 0x04CE, 2, -1},
    {0x04CF, 0x04CF, 1, -15}, {0x04D1, 0x052F, 2, -1},
    {0x0561, 0x0586, 1, -48}, {0x10D0, 0x10FA, 1, 3008},
    {0x10FD, 0x10FF, 1, 3008}, {0x13F8, 0x13FD, 1, -8},
    {0x1C80, 0x1C80, 1, -6254}, {0x1C81, 0x1C81, 1, -6253},
    {0x1C82, 0x1C82, 1, -6244}, {0x1C83, 0x1C84, 1, -6242},
    {0x1C85, 0x1C85, 1, -6243}, {0x1C86, 0x1C86, 1, -6236},
    {0x1C87, 0x1C87, 1, -6181}, {0x1C88, 0x1C88, 1, 35266},
    {0x1C8A, 0x1C8A, 1, -1}, {0x1D79, 0x1D79, 1, 35332},
    {0x1D7D, 0x1D7D, 1, 3814}, {0x1D8E, 0x1D8E, 1, 35384},
    {0x1E01, 0x1E95, 2, -1}, {0x1E9B, 0x1E9B, 1, -59},
    {0x1EA1, 0x1EFF, 2, -1}, {0x1F00, 0x1F07, 1, 8}, {0x1F10, 0x1F15, 1, 8},
    {0x1F20, 0x1F27, 1, 8}, {0x1F30, 0x1F37, 1, 8}, {0x1F40, 0x1F45, 1, 8},
    {0x1F51, 0x1F57, 2, 8}, {0x1F60, 0x1F67, 1, 8}, {0x1F70, 0x1F71, 1, 74},
    {0x1F72, 0x1F75, 1, 86}, {0x1F76, 0x1F77, 1, 100},
    {0x1F78, 0x1F79, 1, 128}, {0x1F7A, 0x1F7B, 1, 112},
    {0x1F7C, 0x1F7D, 1, 126}, {0x1FB0, 0x1FB1, 1, 8},
    {0x1FBE, 0x1FBE, 1, -7205}, {0x1FD0, 0x1FD1, 1, 8},
    {0x1FE0, 0x1FE1, 1, 8}, {0x1FE5, 0x1FE5, 1, 7}, {0x214E, 0x214E, 1, -28},
    {0x2170, 0x217F, 1, -16}, {0x2184, 0x2184, 1, -1},
    {0x24D0, 0x24E9, 1, -26}, {0x2C30, 0x2C5F, 1, -48},
    {0x2C61, 0x2C61, 1, -1}, {0x2C65, 0x2C65, 1, -10795},
    {0x2C66, 0x2C66, 1, -10792}, {0x2C68, 0x2C6C, 2, -1},
    {0x2C73, 0x2C73, 1, -1}, {0x2C76, 0x2C76, 1, -1}, {0x2C81, 0x2CE3, 2, -1},
    {0x2CEC, 0x2CEE, 2, -1}, {0x2CF3, 0x2CF3, 1, -1},
    {0x2D00, 0x2D25, 1, -7264}, {0x2D27, 0x2D27, 1, -7264},
    {0x2D2D, 0x2D2D, 1, -7264}, {0xA641, 0xA66D, 2, -1},
    {0xA681, 0xA69B, 2, -1}, {0xA723, 0xA72F, 2, -1}, {0xA733, 0xA76F, 2, -1},
    {0xA77A, 0xA77C, 2, -1}, {0xA77F, 0xA787, 2, -1}, {0xA78C, 0xA78C, 1, -1},
    {0xA791, 0xA793, 2, -1}, {0xA794, 0xA794, 1, 48}, {0xA797, 0xA7A9, 2, -1},
    {0xA7B5, 0xA7C3, 2, -1}, {0xA7C8, 0xA7CA, 2, -1}, {0xA7CD, 0xA7DB, 2, -1},
    {0xA7F6, 0xA7F6, 1, -1}, {0xAB53, 0xAB53, 1, -928},
    {0xAB70, 0xABBF, 1, -38864}, {0xFF41, 0xFF5A, 1, -32},
};

const size_t kFoldRunCount = sizeof(kFoldRuns) / sizeof(kFoldRuns[0]);

uint32_t Fold(uint32_t u) {
  if (u < 0xB5) return u - 'a' < 26 ? u - 32 : u;  // below the first non-ASCII run
  if (u > kMaxUnit) return u;
  const FoldRun* end = kFoldRuns + kFoldRunCount;
  const FoldRun* run = std::upper_bound(
      kFoldRuns, end, u, [](uint32_t v, const FoldRun& r) { return v < r.first; });
  if (run == kFoldRuns) return u;
  --run;
  if (u > run->last || (u - run->first) % run->stride != 0) return u;
  return static_cast<uint32_t>(static_cast<int32_t>(u) + run->delta);
}

}  // namespace regex_internal

using namespace regex_internal;  // NOLINT: this file's own vocabulary

namespace {

constexpr uint32_t kEndOfText = 0xFFFFFFFF;  // Utf16Reader::unit() at the end

// Reads UTF-8 text as the UTF-16 code units a JavaScript string would hold.
// An invalid byte reads as one U+FFFD. Every byte that is not a UTF-8
// continuation byte (10xxxxxx) starts a unit, so Seek() to such an offset
// lands where sequential reading would.
class Utf16Reader {
 public:
  explicit Utf16Reader(std::string_view text) : text_(text) { Decode(); }

  uint32_t unit() const { return unit_; }  // kEndOfText past the end
  size_t offset() const { return offset_; }  // byte offset of the code point
  bool at_code_point_start() const { return !in_low_; }

  void Advance() {
    if (low_ != 0 && !in_low_) {  // second half of a surrogate pair
      unit_ = low_;
      in_low_ = true;
      return;
    }
    offset_ += length_;
    Decode();
  }

  void Seek(size_t offset) {
    offset_ = offset;
    Decode();
  }

 private:
  void Decode() {
    in_low_ = false;
    low_ = 0;
    if (offset_ >= text_.size()) {
      unit_ = kEndOfText;
      length_ = 0;
      return;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data()) + offset_;
    if (p[0] < 0x80) {  // fast path
      unit_ = p[0];
      length_ = 1;
      return;
    }
    uint32_t cp;
    if (!DecodeUtf8(p, text_.size() - offset_, &cp, &length_)) {
      unit_ = 0xFFFD;
      length_ = 1;
      return;
    }
    if (cp < 0x10000) {
      unit_ = cp;
      return;
    }
    cp -= 0x10000;
    unit_ = 0xD800 + (cp >> 10);
    low_ = 0xDC00 + (cp & 0x3FF);
  }

  std::string_view text_;
  size_t offset_ = 0;
  uint32_t unit_ = kEndOfText;
  uint32_t low_ = 0;  // pending low surrogate, 0 when none
  uint32_t length_ = 0;
  bool in_low_ = false;
};

// Sparse set of instruction indexes over caller-provided arrays: O(1)
// insert, lookup and clear, with no initialisation needed between uses.
struct SparseSet {
  uint32_t* sparse;
  uint32_t* dense;
  uint32_t size;

  bool Contains(uint32_t v) const {
    const uint32_t i = sparse[v];
    return i < size && dense[i] == v;
  }
  void Insert(uint32_t v) {  // requires !Contains(v)
    sparse[v] = size;
    dense[size++] = v;
  }
};

// What the assertions at one text position can see.
struct Position {
  bool at_start;
  bool at_end;
  bool word_before;
  bool word_after;
};

bool Holds(Assertion assertion, const Position& at) {
  switch (assertion) {
    case Assertion::kBegin:
      return at.at_start;
    case Assertion::kEnd:
      return at.at_end;
    case Assertion::kWordBoundary:
      return at.word_before != at.word_after;
    case Assertion::kNotWordBoundary:
      return at.word_before == at.word_after;
  }
  return false;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

// ---------------------------------------------------------------------------
// Regex

Regex::Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::Regex(const Regex&) = default;
Regex& Regex::operator=(const Regex&) = default;
Regex::~Regex() = default;

size_t Regex::program_size() const { return program_.size(); }

// ---------------------------------------------------------------------------
// Programs as bytes (the layout is in regex.h, above Encode)

namespace {

enum EncodedFlag : uint8_t {
  kIgnoreCase = 1,
  kAnchored = 2,
  kLiteralOnly = 4,
  kAlternativesOnly = 8,
  kFirstFilter = 16,
  kFirstNonAscii = 32,
  kAllFlags = 63,
};

void PutBitmap(const uint64_t bits[2], std::string* out) {
  bytes::PutFixed64(bits[0], out);
  bytes::PutFixed64(bits[1], out);
}


}  // namespace

void Regex::Encode(std::string* out) const {
  const bool filter = use_first_filter_;
  out->push_back(static_cast<char>((ignore_case_ ? kIgnoreCase : 0) | (anchored_ ? kAnchored : 0) |
                                   (literal_only_ ? kLiteralOnly : 0) |
                                   (alternatives_only_ ? kAlternativesOnly : 0) | (filter ? kFirstFilter : 0) |
                                   (filter && first_non_ascii_ ? kFirstNonAscii : 0)));
  if (filter) PutBitmap(first_ascii_, out);
  bytes::PutString(prefix_, out);
  bytes::PutVarint(alternatives_.size(), out);
  for (const std::string& text : alternatives_) bytes::PutString(text, out);
  bytes::PutVarint(classes_.size(), out);
  for (const CharClass& cls : classes_) {
    out->push_back(cls.negated ? 1 : 0);
    PutBitmap(cls.ascii, out);
    bytes::PutVarint(cls.non_ascii.size(), out);
    for (const Range& r : cls.non_ascii) {
      bytes::PutVarint(r.lo, out);
      bytes::PutVarint(r.hi, out);
    }
  }
  bytes::PutVarint(program_.size(), out);
  for (const Inst& inst : program_) {
    out->push_back(static_cast<char>(inst.op));
    switch (inst.op) {
      case Op::kUnit:
        bytes::PutVarint(inst.unit, out);
        break;
      case Op::kClass:
      case Op::kJump:
        bytes::PutVarint(inst.x, out);
        break;
      case Op::kSplit:
        bytes::PutVarint(inst.x, out);
        bytes::PutVarint(inst.y, out);
        break;
      case Op::kAssert:
        out->push_back(static_cast<char>(inst.assertion));
        break;
      case Op::kAny:
      case Op::kMatch:
        break;
    }
  }
}

Result<Regex> Regex::Decode(std::string_view* in) {
  // Every literal unit of a prefix or alternative is one instruction, of at
  // most 3 UTF-8 bytes.
  constexpr uint64_t kMaxLiteralBytes = 3 * kMaxInstructions;
  bytes::Reader r(*in);
  Regex re;
  // False at the first thing out of range: one error below, not one per
  // check (each costs the runtime wasm a Status built and destroyed).
  auto read = [&]() -> bool {
    const uint8_t flags = r.Byte();
    re.ignore_case_ = (flags & kIgnoreCase) != 0;
    re.anchored_ = (flags & kAnchored) != 0;
    re.literal_only_ = (flags & kLiteralOnly) != 0;
    re.alternatives_only_ = (flags & kAlternativesOnly) != 0;
    re.use_first_filter_ = (flags & kFirstFilter) != 0;
    re.first_non_ascii_ = (flags & kFirstNonAscii) != 0;
    if (!r.Check((flags & ~kAllFlags) == 0 && (!re.first_non_ascii_ || re.use_first_filter_))) return false;
    if (re.use_first_filter_) {
      re.first_ascii_[0] = r.W64();
      re.first_ascii_[1] = r.W64();
    }
    r.S(&re.prefix_);
    uint64_t n = r.Count(kMaxInstructions);
    if (!r.Check(re.prefix_.size() <= kMaxLiteralBytes && (!re.alternatives_only_ || n > 0))) return false;
    re.alternatives_ = std::vector<std::string>(n);  // made once: no growth path (bytes::Reader::Sized)
    for (std::string& text : re.alternatives_) {
      r.S(&text);
      if (!r.Check(text.size() <= kMaxLiteralBytes)) return false;
    }
    // One class per [...] or \d-like escape of the pattern, each at least two
    // bytes of it.
    r.Sized(kMaxPatternBytes / 2, &re.classes_);
    for (CharClass& cls : re.classes_) {
      cls.negated = r.B();
      cls.ascii[0] = r.W64();
      cls.ascii[1] = r.W64();
      r.Sized(kMaxUnit, &cls.non_ascii);
      uint64_t next = 128;  // ranges are sorted, disjoint and not adjacent (InRanges, Normalize)
      for (Range& range : cls.non_ascii) {
        const uint64_t lo = r.Below(kMaxUnit + 1), hi = r.Below(kMaxUnit + 1);
        if (!r.Check(lo >= next && hi >= lo)) return false;
        range = Range{static_cast<uint32_t>(lo), static_cast<uint32_t>(hi)};
        next = hi + 2;
      }
    }
    n = r.Count(kMaxInstructions);
    if (!r.Check(n > 0)) return false;
    re.program_ = std::vector<Inst>(n);
    for (Inst& inst : re.program_) {
      const uint8_t op = r.Byte();
      if (!r.Check(op <= static_cast<uint8_t>(Op::kMatch))) return false;
      inst = Inst{static_cast<Op>(op), Assertion::kBegin, 0, 0, 0};
      switch (inst.op) {
        case Op::kUnit:
          inst.unit = static_cast<uint16_t>(r.Below(kMaxUnit + 1));
          // Search folds the text under the `i` flag, so an unfolded unit
          // could never match.
          r.Check(!re.ignore_case_ || Fold(inst.unit) == inst.unit);
          break;
        case Op::kClass: inst.x = static_cast<uint32_t>(r.Below(re.classes_.size())); break;
        case Op::kSplit:
          inst.x = static_cast<uint32_t>(r.Below(n));
          inst.y = static_cast<uint32_t>(r.Below(n));
          break;
        case Op::kJump: inst.x = static_cast<uint32_t>(r.Below(n)); break;
        case Op::kAssert: {
          const uint8_t assertion = r.Byte();
          r.Check(assertion <= static_cast<uint8_t>(Assertion::kNotWordBoundary));
          inst.assertion = static_cast<Assertion>(assertion);
          break;
        }
        case Op::kAny:
        case Op::kMatch: break;
      }
      if (!r.ok()) return false;
    }
    // Consumers and assertions continue at pc + 1: ending with kMatch keeps
    // that inside the program.
    return re.program_.back().op == Op::kMatch;
  };
  if (!read()) return DataLoss("corrupted regular expression program");
  *in = *r.rest();
  re.scratch_ = std::vector<uint32_t>(5 * re.program_.size());
  return Result<Regex>(std::move(re));
}

bool Regex::PrefixAt(std::string_view text, size_t pos) const {
  if (prefix_.empty()) return true;  // text.data() may be null: no memcmp
  if (text.size() - pos < prefix_.size()) return false;
  if (!ignore_case_) return std::memcmp(text.data() + pos, prefix_.data(), prefix_.size()) == 0;
  for (size_t i = 0; i < prefix_.size(); ++i) {
    if (AsciiLower(text[pos + i]) != AsciiLower(prefix_[i])) return false;
  }
  return true;
}

size_t Regex::FindPrefix(std::string_view text, size_t from) const {
  if (!ignore_case_) return text.find(prefix_, from);
  for (size_t i = from; i + prefix_.size() <= text.size(); ++i) {
    if (PrefixAt(text, i)) return i;
  }
  return std::string_view::npos;
}

// The first byte offset >= from (a code point start) at which a match might
// start, or npos if none can.
size_t Regex::FindCandidate(std::string_view text, size_t from) const {
  if (!prefix_.empty()) return FindPrefix(text, from);
  if (!use_first_filter_) return from;
  for (size_t i = from; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    // Stopping only at ASCII bytes, or at the first non-ASCII byte after
    // some, keeps i on a code point start.
    if (b < 128 ? ((first_ascii_[b >> 6] >> (b & 63)) & 1) != 0 : first_non_ascii_) return i;
  }
  return std::string_view::npos;
}

bool Regex::Search(std::string_view text) const {
  if (program_.empty()) return false;  // moved-from
  if (literal_only_) {
    return anchored_ ? PrefixAt(text, 0) : FindPrefix(text, 0) != std::string_view::npos;
  }
  if (anchored_ && !PrefixAt(text, 0)) return false;
  return RunNfa(text);
}

bool Regex::RunNfa(std::string_view text) const {
  const uint32_t n = static_cast<uint32_t>(program_.size());
  uint32_t* scratch = scratch_.data();
  SparseSet seeds{scratch, scratch + n, 0};       // reached by the last step
  SparseSet closed{scratch + 2 * n, scratch + 3 * n, 0};  // their closure here
  uint32_t* stack = scratch + 4 * n;

  // Adds pc and everything reachable from it by epsilon moves to `closed`.
  // Returns true on reaching kMatch: for a yes/no answer we can stop there.
  auto add_closure = [&](uint32_t pc, const Position& at) {
    if (closed.Contains(pc)) return false;
    closed.Insert(pc);
    uint32_t top = 0;
    stack[top++] = pc;
    auto push = [&](uint32_t next) {
      if (!closed.Contains(next)) {
        closed.Insert(next);
        stack[top++] = next;  // each pc enters once, so top <= n
      }
    };
    while (top > 0) {
      const uint32_t cur = stack[--top];
      const Inst& inst = program_[cur];
      switch (inst.op) {
        case Op::kMatch:
          return true;
        case Op::kJump:
          push(inst.x);
          break;
        case Op::kSplit:
          push(inst.y);
          push(inst.x);
          break;
        case Op::kAssert:
          if (Holds(inst.assertion, at)) push(cur + 1);
          break;
        default:  // consumes: waits in `closed` for the step
          break;
      }
    }
    return false;
  };

  Utf16Reader reader(text);
  bool at_start = true;
  bool word_before = false;
  for (;;) {
    if (seeds.size == 0) {  // no match in progress
      if (anchored_ && !at_start) return false;
      if (!anchored_ && reader.at_code_point_start()) {
        const size_t from = reader.offset();
        const size_t to = FindCandidate(text, from);
        if (to == std::string_view::npos) return false;
        if (to != from) {
          reader.Seek(to);
          at_start = false;
          word_before = IsWordUnit(static_cast<unsigned char>(text[to - 1]));
        }
      }
    }
    const uint32_t unit = reader.unit();
    const Position at{at_start, unit == kEndOfText, word_before,
                      unit != kEndOfText && IsWordUnit(unit)};
    closed.size = 0;
    for (uint32_t i = 0; i < seeds.size; ++i) {
      const uint32_t pc = seeds.dense[i];
      if (program_[pc].op <= Op::kClass) {  // fast path: a consumer is its own closure
        if (!closed.Contains(pc)) closed.Insert(pc);
      } else if (add_closure(pc, at)) {
        return true;
      }
    }
    if ((at_start || !anchored_) && add_closure(0, at)) return true;
    if (at.at_end) return false;

    const uint32_t folded = ignore_case_ ? Fold(unit) : unit;
    seeds.size = 0;
    for (uint32_t i = 0; i < closed.size; ++i) {
      const uint32_t pc = closed.dense[i];
      if (program_[pc].Consumes(folded, classes_) && !seeds.Contains(pc + 1)) {
        seeds.Insert(pc + 1);
      }
    }
    word_before = at.word_after;
    at_start = false;
    reader.Advance();
  }
}

}  // namespace leadseg
