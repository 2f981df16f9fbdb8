#include "batch/csv_reader.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "batch/csv_scan.h"
#include "core/utf8.h"

#if defined(__GNUC__) || defined(__clang__)
#define LEADSEG_CSV_COLD __attribute__((noinline))
#else
#define LEADSEG_CSV_COLD
#endif

namespace leadseg {
namespace batch {

namespace {

constexpr char kBom[3] = {'\xEF', '\xBB', '\xBF'};

using csv_scan::FindDelimiter;

// strtod rounds correctly (glibc, and musl in wasm, where libc++ has no
// floating-point from_chars); underflow gives 0 or a subnormal, as
// JavaScript's Number() does; overflow is Infinity, which stays text.
// `text` has JSON number syntax, so the C locale's strtod reads it whole.
// Out of line: its buffer would give TypeField a stack frame, which in
// wasm is a shadow-stack pointer moved on every call, for every field.
__attribute__((noinline)) double StrtodOf(std::string_view text) {
  char small[64];
  std::string large;
  const char* z;
  if (text.size() < sizeof small) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = 0;
    z = small;
  } else {
    large.assign(text);
    z = large.c_str();
  }
  return std::strtod(z, nullptr);
}

// Whether the 8 bytes at `p` are all ASCII digits; if so, their value.
// SWAR on one little-endian 64-bit word (wasm and x86 both are): a digit
// is 0x30..0x39, so its high nibble is 3 and adding 6 keeps it 3.
bool EightDigits(const char* p, uint64_t* value) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if ((v & 0xF0F0F0F0F0F0F0F0u) != 0x3030303030303030u ||
      ((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) != 0x3030303030303030u) {
    return false;
  }
  v -= 0x3030303030303030u;
  // The first digit is the lowest byte: pairs, then fours, then all eight.
  v = v * 10 + (v >> 8);
  v = (((v & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
       (((v >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >>
      32;
  *value = v;
  return true;
}

// The error for bytes that are not UTF-8. Out of line, as are the reader's
// other cold paths (LEADSEG_CSV_COLD): Feed is one of the functions V8's
// optimizing tier compiles during a page's first CSV run, and its cold
// paths' code made that compile ~4.5 KB of wasm (docs/performance.md, s36).
LEADSEG_CSV_COLD Status NotUtf8(uint64_t at) {
  return InvalidArgument("CSV: the input is not valid UTF-8 (at byte " + std::to_string(at) + ")");
}

}  // namespace

void RecordBytes::Grow(size_t at_least) {
  size_t capacity = capacity_ ? capacity_ : 64;
  while (capacity < at_least) capacity *= 2;
  std::unique_ptr<char[]> bigger(new char[capacity]);
  if (size_) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = capacity;
}

CsvReader::CsvReader() { field_ends_.reserve(64); }

// A streaming UTF-8 check (core/utf8.h's rules: no overlongs, surrogates or
// code points past U+10FFFF), so a sequence split between chunks is judged
// whole.
Status CsvReader::CheckUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    if (utf8_need_ == 0) {
      i = csv_scan::AsciiRun(p, i, n);
      if (i == n) break;
      unsigned char b = p[i];
      if (b < 0x80) {
        ++i;
        continue;
      }
      const Utf8Lead lead = Utf8LeadOf(b);
      if (lead.continuations < 0) return NotUtf8(offset_ + i);
      utf8_start_ = offset_ + i;
      utf8_need_ = lead.continuations;
      utf8_lo_ = lead.lo;
      utf8_hi_ = lead.hi;
      ++i;
      continue;
    }
    unsigned char b = p[i];
    if (b < utf8_lo_ || b > utf8_hi_) return NotUtf8(utf8_start_);
    utf8_lo_ = 0x80;
    utf8_hi_ = 0xBF;
    --utf8_need_;
    ++i;
  }
  return Status::Ok();
}

Status CsvReader::Emit(CsvSink* sink) {
  record_.fields.clear();
  size_t start = 0;
  for (size_t end : field_ends_) {
    record_.fields.emplace_back(buffer_.data() + start, end - start);
    start = end;
  }
  record_.number = ++records_;
  record_.bytes = start;  // the last field's end: the fields lie back to back in buffer_
  Status s = sink->OnRecord(record_);
  buffer_.clear();
  field_ends_.clear();
  return s;
}

Status CsvReader::FastRecord(const char* p, size_t i, size_t n, CsvSink* sink, size_t* end) {
  *end = i;
  record_.fields.clear();
  // The delimiters of the 16 bytes from `block` not yet used, lowest bit
  // first: one vector compare finds the ends of two or three fields of a
  // typical lead list, where a scan per field would read each block again.
  size_t block = i;
  uint32_t mask = 0;
  bool blocks = csv_scan::kVectorized && block + 16 <= n;
#if defined(__wasm_simd128__) || defined(__SSE2__)
  if (blocks) mask = csv_scan::DelimiterMask16(p + block);
#endif
  for (size_t at = i;;) {
    // A quoted field, or the part ending first: the byte-by-byte path,
    // from the record's start.
    if (at == n || p[at] == '"') return Status::Ok();
    size_t j;
#if defined(__wasm_simd128__) || defined(__SSE2__)
    while (blocks && mask == 0) {
      block += 16;
      if (block + 16 > n) blocks = false;
      else mask = csv_scan::DelimiterMask16(p + block);
    }
#endif
    if (blocks) {
      j = block + static_cast<size_t>(__builtin_ctz(mask));
      mask &= mask - 1;
    } else {
      // The last bytes of the part (fewer than 16 after `block`).
      j = FindDelimiter(p, at > block ? at : block, n);
      if (j == n) return Status::Ok();
    }
    record_.fields.emplace_back(p + at, j - at);
    const char c = p[j];
    at = j + 1;
    if (c == ',') continue;
    ++line_;
    if (c == '\r') skip_lf_ = true;
    record_.number = ++records_;
    // Fields separated by one comma each, no quotes: the span less the commas.
    record_.bytes = (j - i) - (record_.fields.size() - 1);
    *end = at;
    return sink->OnRecord(record_);
  }
}

Status CsvReader::Feed(std::string_view bytes, bool last, CsvSink* sink) {
  if (done_) return FailedPrecondition("CSV: the input already ended (or failed)");
  Status valid = CheckUtf8(bytes);
  if (valid.ok() && last && utf8_need_ > 0) valid = NotUtf8(utf8_start_);
  if (!valid.ok()) {
    done_ = true;
    return valid;
  }
  offset_ += bytes.size();

  std::string pending;  // the bytes of a BOM-like start that turned out not to be one
  if (!started_) SkipBoms(&bytes, last, &pending);

  for (std::string_view part : {std::string_view(pending), bytes}) {
    const char* p = part.data();
    const size_t n = part.size();
    size_t i = 0;
    while (i < n) {
      if (skip_lf_) {
        skip_lf_ = false;
        if (p[i] == '\n') {
          ++i;
          continue;
        }
      }
      // A record that starts here: if it is all unquoted fields and ends
      // in this part, its fields are views into the part, not copies.
      if (state_ == State::kFieldStart && field_ends_.empty()) {
        size_t end = 0;
        Status s = FastRecord(p, i, n, sink, &end);
        if (!s.ok()) {
          done_ = true;
          return s;
        }
        if (end != i) {
          i = end;
          continue;
        }
      }
      Status s = ReadSlowly(p, n, &i, sink);
      if (!s.ok()) {
        done_ = true;
        return s;
      }
    }
  }
  if (!last) return Status::Ok();
  return End(sink);
}

// Leading byte order marks: TextDecoder drops one, csv.js another.
LEADSEG_CSV_COLD void CsvReader::SkipBoms(std::string_view* bytes, bool last, std::string* pending) {
  while (!started_ && !bytes->empty()) {
    if ((*bytes)[0] == kBom[bom_matched_]) {
      bytes->remove_prefix(1);
      if (++bom_matched_ == 3) {
        bom_matched_ = 0;
        if (--boms_left_ == 0) started_ = true;
      }
      continue;
    }
    pending->assign(kBom, bom_matched_);
    bom_matched_ = 0;
    started_ = true;
  }
  if (last && !started_ && bom_matched_ > 0) pending->assign(kBom, bom_matched_);
}

LEADSEG_CSV_COLD Status CsvReader::ReadSlowly(const char* p, size_t n, size_t* at, CsvSink* sink) {
  size_t i = *at;
  if (state_ == State::kQuoted) {
    const void* q = std::memchr(p + i, '"', n - i);
    size_t end = q ? static_cast<size_t>(static_cast<const char*>(q) - p) : n;
    for (size_t k = i; k < end; ++k) line_ += p[k] == '\n';
    buffer_.Append(p + i, end - i);
    if (!q) {
      *at = n;
      return Status::Ok();
    }
    *at = end + 1;
    state_ = State::kQuoteInQuoted;
    return Status::Ok();
  }
  if (state_ == State::kQuoteInQuoted) {
    if (p[i] == '"') {
      buffer_.Push('"');
      state_ = State::kQuoted;
      *at = i + 1;
      return Status::Ok();
    }
    state_ = State::kUnquoted;  // after the closing quote: text up to the delimiter is appended
  } else if (state_ == State::kFieldStart && p[i] == '"') {
    state_ = State::kQuoted;
    quote_line_ = line_;
    *at = i + 1;
    return Status::Ok();
  }
  size_t j = FindDelimiter(p, i, n);
  buffer_.Append(p + i, j - i);
  state_ = State::kUnquoted;
  if (j == n) {
    *at = n;
    return Status::Ok();
  }
  char c = p[j];
  *at = j + 1;
  field_ends_.push_back(buffer_.size());
  state_ = State::kFieldStart;
  if (c == ',') return Status::Ok();
  ++line_;
  if (c == '\r') skip_lf_ = true;
  return Emit(sink);
}

LEADSEG_CSV_COLD Status CsvReader::End(CsvSink* sink) {
  done_ = true;
  if (state_ == State::kQuoted) {
    return InvalidArgument("CSV: the quoted field that starts on line " + std::to_string(quote_line_) +
                           " is never closed");
  }
  if (state_ == State::kFieldStart && field_ends_.empty()) return Status::Ok();
  field_ends_.push_back(buffer_.size());
  state_ = State::kFieldStart;
  return Emit(sink);
}

namespace {

// TypeField's numbers other than its common one: the whole JSON number
// grammar. Out of line, so that the common field (text, a boolean, a short
// integer) is typed without the registers this needs saved and restored.
LEADSEG_CSV_COLD TypedField TypeNumber(std::string_view text) {
  TypedField out;
  out.kind = TypedField::Kind::kString;
  // JSON number syntax: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
  const char* p = text.data();
  const char* end = p + text.size();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const char* q = p;
  const bool negative = q < end && *q == '-';
  if (negative) ++q;
  if (q == end || !digit(*q)) return out;
  // The digits as an integer while they fit in 15 (exact in a double).
  uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  bool exponent = false;
  if (*q == '0') {
    ++q;
  } else {
    // Eight digits at a time while eight remain (a revenue, a phone
    // number), then one at a time.
    uint64_t eight;
    while (end - q >= 8 && EightDigits(q, &eight)) {
      mantissa = mantissa * 100000000u + eight;
      q += 8;
      digits += 8;
    }
    for (; q < end && digit(*q); ++q, ++digits) mantissa = mantissa * 10 + static_cast<uint64_t>(*q - '0');
  }
  if (q < end && *q == '.') {
    ++q;
    if (q == end || !digit(*q)) return out;
    for (; q < end && digit(*q); ++q, ++digits, ++fraction) mantissa = mantissa * 10 + static_cast<uint64_t>(*q - '0');
  }
  if (q < end && (*q == 'e' || *q == 'E')) {
    exponent = true;
    ++q;
    if (q < end && (*q == '+' || *q == '-')) ++q;
    if (q == end || !digit(*q)) return out;
    while (q < end && digit(*q)) ++q;
  }
  if (q != end) return out;
  // Most numbers in a lead list are integers or short decimals: with at
  // most 15 digits and no exponent, the mantissa and 10^fraction are exact
  // doubles, so one division rounds exactly as strtod does (Clinger's fast
  // path) and the slow, allocation-prone strtod is skipped.
  if (!exponent && digits <= 15) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    double value = static_cast<double>(mantissa);
    if (fraction) value /= kPow10[fraction];
    out.kind = TypedField::Kind::kNumber;
    out.number = negative ? -value : value;
    return out;
  }
  const double value = StrtodOf(text);
  if (!std::isfinite(value)) return out;
  out.kind = TypedField::Kind::kNumber;
  out.number = value;
  return out;
}

}  // namespace

TypedField TypeField(std::string_view text) {
  TypedField out;
  if (text.empty()) return out;
  out.kind = TypedField::Kind::kString;
  // The first byte decides most fields: only t/T and f/F can begin a
  // boolean, only '-' and digits a number; anything else is text.
  const char first = static_cast<char>(text[0] | 0x20);
  if (first == 't' || first == 'f') {
    auto lower_equals = [&](const char* word, size_t n) {
      if (text.size() != n) return false;
      for (size_t k = 0; k < n; ++k) {
        if (static_cast<char>(text[k] | 0x20) != word[k]) return false;
      }
      return true;
    };
    if (lower_equals("true", 4)) {
      out.kind = TypedField::Kind::kBool;
      out.boolean = true;
    } else if (lower_equals("false", 5)) {
      out.kind = TypedField::Kind::kBool;
    }
    return out;
  }
  if (first != '-' && (first < '0' || first > '9')) return out;
  // The common number of a lead list, an integer of 1 to 15 digits without
  // a sign or a leading zero (an age, a count, a revenue), read here: its
  // value is exact in a double. Anything else, from its first byte that is
  // not a digit, is TypeNumber's.
  const size_t size = text.size();
  if (first == '-' || (first == '0' && size > 1) || size > 15) return TypeNumber(text);
  uint64_t value = 0;
  for (size_t k = 0; k < size; ++k) {
    const unsigned digit = static_cast<unsigned char>(text[k]) - unsigned{'0'};
    if (digit > 9) return TypeNumber(text);
    value = value * 10 + digit;
  }
  out.kind = TypedField::Kind::kNumber;
  out.number = static_cast<double>(value);
  return out;
}

namespace {

// The code point ending at `end` (UTF-8, valid), and its length.
uint32_t LastCodePoint(std::string_view s, size_t* length) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  *length = s.size() - i;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  switch (*length) {
    case 1: return b(i);
    case 2: return ((b(i) & 0x1F) << 6) | (b(i + 1) & 0x3F);
    case 3: return ((b(i) & 0x0F) << 12) | ((b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F);
    default: return ((b(i) & 0x07) << 18) | ((b(i + 1) & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
  }
}

uint32_t FirstCodePoint(std::string_view s, size_t* length) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  uint32_t c = b(0);
  if (c < 0x80 || s.size() < 2) {
    *length = 1;
    return c;
  }
  if (c < 0xE0) {
    *length = 2;
    return ((c & 0x1F) << 6) | (b(1) & 0x3F);
  }
  if (c < 0xF0 && s.size() >= 3) {
    *length = 3;
    return ((c & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  }
  if (s.size() >= 4) {
    *length = 4;
    return ((c & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
  *length = 1;
  return c;
}

// ECMAScript WhiteSpace and LineTerminator: what String.prototype.trim removes.
bool IsJsSpace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::string_view TrimJs(std::string_view text) {
  size_t length = 0;
  while (!text.empty() && IsJsSpace(FirstCodePoint(text, &length))) text.remove_prefix(length);
  while (!text.empty() && IsJsSpace(LastCodePoint(text, &length))) text.remove_suffix(length);
  return text;
}

}  // namespace batch
}  // namespace leadseg
