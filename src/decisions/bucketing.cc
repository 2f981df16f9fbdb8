#include "decisions/bucketing.h"

#include <cstddef>
#include <string>

#include "core/utf8.h"

namespace leadseg {
namespace {

constexpr uint32_t kFnvOffsetBasis = 0x811C9DC5u;
constexpr uint32_t kFnvPrime = 0x01000193u;

// Calls `f(unit)` for each UTF-16 code unit of the decoded text.
template <typename F>
inline void ForEachUtf16Unit(std::string_view utf8, F&& f) {
  auto p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto end = p + utf8.size();
  while (p != end) {
    if (*p < 0x80) {  // ASCII fast path: a byte is a code unit
      f(static_cast<uint32_t>(*p++));
      continue;
    }
    uint32_t cp = DecodeUtf8OrReplacement(p, end);
    if (cp < 0x10000) {
      f(cp);
    } else {
      cp -= 0x10000;
      f(0xD800 + (cp >> 10));
      f(0xDC00 + (cp & 0x3FF));
    }
  }
}

// FNV-1a state, fed piece by piece so that `a + b` can be hashed without
// building the concatenation. Each piece is decoded on its own, like two
// JavaScript strings.
class Fnv1a {
 public:
  void Update(std::string_view utf8) {
    uint32_t h = h_;
    ForEachUtf16Unit(utf8, [&h](uint32_t unit) { h = (h ^ unit) * kFnvPrime; });
    h_ = h;
  }
  uint32_t value() const { return h_; }

 private:
  uint32_t h_ = kFnvOffsetBasis;  // uint32_t arithmetic is the SDK's `>>> 0`
};

// `String(u)` for an unsigned 32-bit integer: at most 10 digits, no padding.
std::string_view FormatUint32(uint32_t u, char (&buf)[10]) {
  char* end = buf + sizeof(buf);
  char* p = end;
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  return std::string_view(p, static_cast<size_t>(end - p));
}

// ECMAScript StrWhiteSpaceChar: WhiteSpace plus LineTerminator, as trimmed
// by parseInt.
bool IsJsWhitespace(uint32_t cp) {
  switch (cp) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

int DigitValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// parseInt(s) (radix undefined), reduced to what the override check needs.
// Returns false for NaN. Otherwise `*negative` is the sign and `*magnitude`
// the absolute value, saturated at 2^32: anything that large already fails
// `< numVariations` for an int numVariations, so the exact value (which
// JavaScript would round to a double) does not matter.
bool ParseIntJs(std::string_view s, bool* negative, uint64_t* magnitude) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const auto end = p + s.size();
  // Trim leading whitespace, which may be multi-byte (NBSP, U+2028, ...).
  while (p != end) {
    const unsigned char* next = p;
    if (!IsJsWhitespace(DecodeUtf8OrReplacement(next, end))) break;
    p = next;
  }
  *negative = false;
  if (p != end && (*p == '+' || *p == '-')) {
    *negative = *p == '-';
    ++p;
  }
  int radix = 10;
  if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    radix = 16;
    p += 2;
  }
  constexpr uint64_t kSaturated = uint64_t{1} << 32;
  uint64_t value = 0;
  const unsigned char* digits = p;
  for (; p != end; ++p) {
    int d = DigitValue(*p);
    if (d >= radix) break;
    value = value * static_cast<uint64_t>(radix) + static_cast<uint64_t>(d);
    if (value > kSaturated) value = kSaturated;
  }
  if (p == digits) return false;  // no digits: NaN
  *magnitude = value;
  return true;
}

// JavaScript `a === b` for two strings given as UTF-8: equal code-unit
// sequences. Equal bytes decode equally; otherwise compare code points,
// since distinct invalid bytes can both decode to U+FFFD.
bool SameJsString(std::string_view a, std::string_view b) {
  if (a == b) return true;
  auto pa = reinterpret_cast<const unsigned char*>(a.data());
  auto pb = reinterpret_cast<const unsigned char*>(b.data());
  const auto ea = pa + a.size();
  const auto eb = pb + b.size();
  while (pa != ea && pb != eb) {
    if (DecodeUtf8OrReplacement(pa, ea) != DecodeUtf8OrReplacement(pb, eb)) return false;
  }
  return pa == ea && pb == eb;
}

// Position of the first JavaScript LineTerminator (LF, CR, U+2028, U+2029)
// at or after `from`, or npos. The regex `.` does not match these.
size_t FindLineTerminator(std::string_view s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\r') return i;
    if (c == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x80' &&
        (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

uint32_t Fnv1a32(std::string_view utf8) {
  Fnv1a h;
  h.Update(utf8);
  return h.value();
}

std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value,
                                     int version) {
  if (version == 2) {
    Fnv1a inner;
    inner.Update(seed);
    inner.Update(value);
    char buf[10];
    // Divide as doubles, like JavaScript; the quotient is then the double
    // nearest to the 4-decimal literal.
    return static_cast<double>(Fnv1a32(FormatUint32(inner.value(), buf)) % 10000) / 10000;
  }
  if (version == 1) {
    Fnv1a h;
    h.Update(value);  // value before seed: the SDK's original order
    h.Update(seed);
    return static_cast<double>(h.value() % 1000) / 1000;
  }
  return std::nullopt;
}

std::vector<double> EqualWeights(int n) {
  if (n <= 0) return {};
  return std::vector<double>(static_cast<size_t>(n), 1.0 / n);
}

std::vector<BucketRange> BucketRanges(int num_variations, std::optional<double> coverage_in,
                                      const std::vector<double>* weights) {
  // Same comparisons as the SDK, so NaN falls through unclamped there too.
  double coverage = coverage_in.value_or(1.0);
  if (coverage < 0) {
    coverage = 0;
  } else if (coverage > 1) {
    coverage = 1;
  }

  std::vector<double> equal;
  const std::vector<double>* w = weights;
  bool use_equal = w == nullptr || num_variations < 0 ||
                   w->size() != static_cast<size_t>(num_variations);
  if (!use_equal) {
    double total = 0;
    for (double x : *w) total += x;
    use_equal = total < 0.99 || total > 1.01;
  }
  if (use_equal) {
    equal = EqualWeights(num_variations);
    w = &equal;
  }

  std::vector<BucketRange> ranges;
  ranges.reserve(w->size());
  double cumulative = 0;
  for (double x : *w) {
    double start = cumulative;
    cumulative += x;
    ranges.emplace_back(start, start + coverage * x);
  }
  return ranges;
}

int ChooseVariation(double n, const std::vector<BucketRange>& ranges) {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  }
  return -1;
}

bool InNamespace(std::string_view hash_value, std::string_view namespace_id, double start,
                 double end) {
  // GrowthBookHash("__" + namespace_id, hash_value, 1), without building
  // the seed: version 1 hashes value + seed.
  Fnv1a h;
  h.Update(hash_value);
  h.Update("__");
  h.Update(namespace_id);
  double n = static_cast<double>(h.value() % 1000) / 1000;
  return n >= start && n < end;
}

std::optional<int> QueryStringOverride(std::string_view key, std::string_view url,
                                       int num_variations) {
  // url.split("?")[1]
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view search = url.substr(q + 1);
  search = search.substr(0, search.find('?'));
  if (search.empty()) return std::nullopt;

  // search.replace(/#.*/, ""): removes from the first "#" up to, not
  // including, the next line terminator. Usually there is none and the
  // query is a prefix of `search`; only otherwise do the two remaining
  // pieces need joining.
  std::string joined;
  size_t hash = search.find('#');
  if (hash != std::string_view::npos) {
    size_t lt = FindLineTerminator(search, hash + 1);
    if (lt == std::string_view::npos) {
      search = search.substr(0, hash);
    } else {
      joined.assign(search.substr(0, hash));
      joined.append(search.substr(lt));
      search = joined;
    }
  }

  // .split("&").map(kv => kv.split("=", 2)).filter(([k]) => k === key)[0]
  size_t pos = 0;
  while (true) {
    size_t amp = search.find('&', pos);
    std::string_view pair = search.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
    size_t eq = pair.find('=');
    std::string_view k = pair.substr(0, eq);
    if (SameJsString(k, key)) {
      // No "=" leaves v undefined, and parseInt(undefined) is NaN.
      if (eq == std::string_view::npos) return std::nullopt;
      std::string_view v = pair.substr(eq + 1);
      v = v.substr(0, v.find('='));  // split("=", 2) drops the rest
      bool negative;
      uint64_t magnitude;
      if (!ParseIntJs(v, &negative, &magnitude)) return std::nullopt;
      // "-0" parses to -0, which passes `>= 0`; any other negative fails.
      if (negative && magnitude != 0) return std::nullopt;
      if (num_variations <= 0 || magnitude >= static_cast<uint64_t>(num_variations)) {
        return std::nullopt;
      }
      return static_cast<int>(magnitude);
    }
    if (amp == std::string_view::npos) return std::nullopt;
    pos = amp + 1;
  }
}

}  // namespace leadseg
