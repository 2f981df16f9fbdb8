#include "core/value_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

// Only the shortest round-trip double formatting (Grisu2), header-only: the
// same digits nlohmann's dump() writes, without its serializer or parser.
#include <nlohmann/detail/conversions/to_chars.hpp>

#include "core/json.h"
#include "core/number_text.h"
#include "core/printable.h"
#include "core/utf8.h"

namespace leadseg {
namespace {

// A hexadecimal digit's value, or -1 (for \u escapes: the parser's and
// LoneSurrogateEscapeError's, which must agree on what ends one).
int HexDigit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A recursive-descent parser whose lexer follows nlohmann's byte for byte
// (the same accepted language, and the same token text and byte offset in
// errors, which ParseJson reports). nlohmann's quirks kept on purpose:
//  - a NUL byte outside a string ends the input ("{}\0junk" is valid);
//  - the token quoted in an error is everything read since the last string
//    or number began (whitespace and punctuation included), control bytes
//    written <U+00XX>, and the offset counts a read past the end;
//  - "-0" is the integer 0, "-0.0" the double -0;
//  - a repeated key keeps its first position and takes the last value.
class Parser {
 public:
  Parser(std::string_view text, Document* arena) : text_(text), arena_(arena) {}

  bool Parse(Value* out) {
    Scan();
    if (!ParseValue(out)) return false;
    if (Scan() != kEnd) return Fail();
    return true;
  }

  const std::string& error() const { return error_; }

 private:
  enum Token { kBeginArray, kEndArray, kBeginObject, kEndObject, kNameSep, kValueSep,
               kTrue, kFalse, kNull, kString, kNumber, kEnd, kError };

  // Reads the next byte (-1 past the end); the count advances either way.
  int Get() {
    current_ = read_ < text_.size() ? static_cast<unsigned char>(text_[read_]) : -1;
    ++read_;
    return current_;
  }
  void Unget() { --read_; }

  bool Fail() {
    std::string token;
    const size_t end = read_ < text_.size() ? read_ : text_.size();
    for (size_t i = token_begin_; i < end; ++i) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (c <= 0x1F) {
        static const char kHex[] = "0123456789ABCDEF";
        token += "<U+00";
        token += kHex[c >> 4];
        token += kHex[c & 15];
        token += '>';
      } else {
        token += static_cast<char>(c);
      }
    }
    error_ = "unexpected '" + Printable(token, 40) + "' at byte " + std::to_string(read_);
    return false;
  }

  Token Scan() {
    if (read_ == 0 && !SkipBom()) return token_ = kError;
    do Get();
    while (current_ == ' ' || current_ == '\t' || current_ == '\n' || current_ == '\r');
    switch (current_) {
      case '[': return token_ = kBeginArray;
      case ']': return token_ = kEndArray;
      case '{': return token_ = kBeginObject;
      case '}': return token_ = kEndObject;
      case ':': return token_ = kNameSep;
      case ',': return token_ = kValueSep;
      case 't': return token_ = ScanLiteral("true", kTrue);
      case 'f': return token_ = ScanLiteral("false", kFalse);
      case 'n': return token_ = ScanLiteral("null", kNull);
      case '"': token_begin_ = read_ - 1; return token_ = ScanString();
      case '-': case '0': case '1': case '2': case '3': case '4':
      case '5': case '6': case '7': case '8': case '9':
        token_begin_ = read_ - 1;
        return token_ = ScanNumber();
      case 0:
      case -1: return token_ = kEnd;
      default: return token_ = kError;
    }
  }

  bool SkipBom() {
    if (Get() == 0xEF) return Get() == 0xBB && Get() == 0xBF;
    Unget();
    return true;
  }

  Token ScanLiteral(std::string_view literal, Token type) {
    for (size_t i = 1; i < literal.size(); ++i) {
      if (Get() != static_cast<unsigned char>(literal[i])) return kError;
    }
    return type;
  }

  // Four hex digits, or -1 at the first byte that is not one.
  int GetCodepoint() {
    int cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigit(Get());
      if (digit < 0) return -1;
      cp = cp * 16 + digit;
    }
    return cp;
  }

  // The continuation bytes of one UTF-8 sequence, each within its range
  // (core/utf8.h's Utf8LeadOf: no overlong forms, surrogates or code points
  // past U+10FFFF).
  bool Continuation(int first_lo, int first_hi, int count) {
    for (int i = 0; i < count; ++i) {
      const int lo = i == 0 ? first_lo : 0x80, hi = i == 0 ? first_hi : 0xBF;
      const int c = Get();
      if (c < lo || c > hi) return false;
      string_ += static_cast<char>(c);
    }
    return true;
  }

  Token ScanString() {
    string_.clear();
    while (true) {
      const int c = Get();
      if (c == -1) return kError;
      if (c == '"') return kString;
      if (c == '\\') {
        switch (Get()) {
          case '"': string_ += '"'; break;
          case '\\': string_ += '\\'; break;
          case '/': string_ += '/'; break;
          case 'b': string_ += '\b'; break;
          case 'f': string_ += '\f'; break;
          case 'n': string_ += '\n'; break;
          case 'r': string_ += '\r'; break;
          case 't': string_ += '\t'; break;
          case 'u': {
            int cp = GetCodepoint();
            if (cp == -1) return kError;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (Get() != '\\' || Get() != 'u') return kError;
              const int low = GetCodepoint();
              if (low < 0xDC00 || low > 0xDFFF) return kError;  // -1 included
              cp = ((cp - 0xD800) << 10) + (low - 0xDC00) + 0x10000;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
              return kError;
            }
            AppendUtf8(static_cast<uint32_t>(cp), &string_);
            break;
          }
          default: return kError;
        }
        continue;
      }
      if (c < 0x20) return kError;
      if (c < 0x80) {
        string_ += static_cast<char>(c);
        continue;
      }
      string_ += static_cast<char>(c);
      const Utf8Lead lead = Utf8LeadOf(static_cast<unsigned char>(c));
      if (lead.continuations < 0 || !Continuation(lead.lo, lead.hi, lead.continuations)) return kError;
    }
  }

  static bool IsDigit(int c) { return c >= '0' && c <= '9'; }

  Token ScanNumber() {
    bool integral = true;
    int c = current_;
    if (c == '-') {
      c = Get();
      if (!IsDigit(c)) return kError;
    }
    if (c == '0') {
      c = Get();
    } else {
      do c = Get();
      while (IsDigit(c));
    }
    if (c == '.') {
      integral = false;
      if (!IsDigit(Get())) return kError;
      do c = Get();
      while (IsDigit(c));
    }
    if (c == 'e' || c == 'E') {
      integral = false;
      c = Get();
      if (c == '+' || c == '-') c = Get();
      if (!IsDigit(c)) return kError;
      do c = Get();
      while (IsDigit(c));
    }
    Unget();
    // ParseDecimal rounds correctly (as strtod did), as converting the
    // integer nlohmann reads for integral text would; only the sign of zero
    // differs.
    number_ = ParseDecimal(std::string_view(text_.data() + token_begin_, read_ - token_begin_));
    if (integral && number_ == 0) number_ = 0;
    return kNumber;
  }

  bool ParseValue(Value* out) {
    switch (token_) {
      case kBeginObject: return ParseObject(out);
      case kBeginArray: return ParseArray(out);
      case kTrue: *out = Value::Bool(true); return true;
      case kFalse: *out = Value::Bool(false); return true;
      case kNull: *out = Value::Null(); return true;
      case kString: *out = arena_->CopyString(string_); return true;
      case kNumber:
        if (!std::isfinite(number_)) return Fail();  // "1e999"
        *out = Value::Number(number_);
        return true;
      default: return Fail();
    }
  }

  bool ParseArray(Value* out) {
    const size_t base = stack_.size();
    if (Scan() != kEndArray) {
      while (true) {
        Value element;
        if (!ParseValue(&element)) return false;
        stack_.push_back(element);
        if (Scan() == kValueSep) {
          Scan();
          continue;
        }
        if (token_ == kEndArray) break;
        return Fail();
      }
    }
    const auto n = static_cast<uint32_t>(stack_.size() - base);
    Value* children = arena_->AllocateChildren(n);
    std::copy(stack_.begin() + static_cast<std::ptrdiff_t>(base), stack_.end(), children);
    stack_.resize(base);
    *out = Document::MakeArray(children, n);
    return true;
  }

  bool ParseObject(Value* out) {
    const size_t base = stack_.size();
    if (Scan() != kEndObject) {
      while (true) {
        if (token_ != kString) return Fail();
        // Linear: an object's earlier keys, as Value::find looks them up.
        size_t found = stack_.size();
        for (size_t i = base; i < stack_.size(); i += 2) {
          if (stack_[i].as_string() == string_) found = i;
        }
        if (found == stack_.size()) {
          stack_.push_back(arena_->CopyString(string_));
          stack_.emplace_back();
        }
        if (Scan() != kNameSep) return Fail();
        Scan();
        Value member;
        if (!ParseValue(&member)) return false;
        stack_[found + 1] = member;
        if (Scan() == kValueSep) {
          Scan();
          continue;
        }
        if (token_ == kEndObject) break;
        return Fail();
      }
    }
    const auto n = static_cast<uint32_t>((stack_.size() - base) / 2);
    Value* members = arena_->AllocateChildren(2 * static_cast<size_t>(n));
    std::copy(stack_.begin() + static_cast<std::ptrdiff_t>(base), stack_.end(), members);
    stack_.resize(base);
    *out = Document::MakeObject(members, n);
    return true;
  }

  std::string_view text_;
  Document* arena_;
  size_t read_ = 0;         // bytes read, a read past the end included
  int current_ = -1;        // the byte read last, -1 past the end
  size_t token_begin_ = 0;  // where the token an error quotes starts
  Token token_ = kEnd;
  std::string string_;      // the last string token, unescaped
  double number_ = 0;
  std::vector<Value> stack_;  // elements and members of open containers
  std::string error_;
};

void WriteUnsigned(uint64_t n, std::string* out) {
  char digits[20];
  int i = 0;
  do {
    digits[i++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (i > 0) out->push_back(digits[--i]);
}

void WriteNumber(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  // As Value::ToJson makes them: integral values as integers.
  if (d == std::trunc(d)) {
    if (d > -9.2e18 && d < 9.2e18) {
      const auto i = static_cast<int64_t>(d);
      if (i < 0) {
        out->push_back('-');
        WriteUnsigned(static_cast<uint64_t>(-(i + 1)) + 1, out);
      } else {
        WriteUnsigned(static_cast<uint64_t>(i), out);
      }
      return;
    }
    if (d > 0 && d < 1.8e19) {
      WriteUnsigned(static_cast<uint64_t>(d), out);
      return;
    }
  }
  char buffer[64];
  const char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, d);
  out->append(buffer, static_cast<size_t>(end - buffer));
}

void WriteString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

}  // namespace

size_t FindExcessiveNesting(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

Status CheckJsonNesting(std::string_view text, std::string_view what) {
  size_t deep = FindExcessiveNesting(text, kMaxJsonDepth);
  if (deep == std::string_view::npos) return Status::Ok();
  return OutOfRange(std::string(what) + " nests deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " +
                    std::to_string(deep) + ")");
}

namespace {

// Four hex digits at `at` as a code point; -1 if any is not one.
int HexAt(std::string_view text, size_t at) {
  int cp = 0;
  for (size_t i = at; i < at + 4; ++i) {
    const int digit = HexDigit(i < text.size() ? static_cast<unsigned char>(text[i]) : -1);
    if (digit < 0) return -1;
    cp = cp * 16 + digit;
  }
  return cp;
}

}  // namespace

// Follows Parser::ScanString's escapes: a low surrogate alone stops it
// after its four digits; a high one needs a backslash, a 'u' and a low one
// next, and it stops at the first byte that is not. The text holds nothing else the
// parser would stop at (no control bytes in strings), so the token needs no
// <U+00XX> for them.
std::string LoneSurrogateEscapeError(std::string_view text) {
  size_t begin = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      if (!in_string) begin = i;
      in_string = !in_string;
      continue;
    }
    if (c != '\\' || ++i >= text.size() || text[i] != 'u') continue;
    const int cp = HexAt(text, i + 1);
    i += 4;  // the last digit
    size_t read = 0;  // bytes the parser read, the one it stopped at included
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      read = i + 1;
    } else if (cp >= 0xD800 && cp <= 0xDBFF) {
      const int low = HexAt(text, i + 3);
      if (i + 1 >= text.size() || text[i + 1] != '\\') read = i + 2;
      else if (i + 2 >= text.size() || text[i + 2] != 'u') read = i + 3;
      else if (low < 0xDC00 || low > 0xDFFF) read = i + 7;
      else i += 6;  // a pair
    }
    if (read != 0) {
      return "unexpected '" + Printable(text.substr(begin, std::min(read, text.size()) - begin), 40) + "' at byte " +
             std::to_string(read);
    }
  }
  return std::string();
}

Result<Value> ParseJsonValue(std::string_view text, Document* arena, std::string_view what) {
  if (Status s = CheckJsonNesting(text, what); !s.ok()) return s;
  Parser parser(text, arena);
  Value out;
  if (!parser.Parse(&out)) return InvalidArgument(std::string(what) + " is not valid JSON: " + parser.error());
  return out;
}

void WriteJson(const Value& v, std::string* out) {
  switch (v.type()) {
    case ValueType::kNull: out->append("null"); return;
    case ValueType::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case ValueType::kNumber: WriteNumber(v.as_number(), out); return;
    case ValueType::kString: WriteString(v.as_string(), out); return;
    case ValueType::kArray:
      out->push_back('[');
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        WriteJson(v.at(i), out);
      }
      out->push_back(']');
      return;
    case ValueType::kObject:
      out->push_back('{');
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        WriteString(v.key_at(i), out);
        out->push_back(':');
        WriteJson(v.value_at(i), out);
      }
      out->push_back('}');
      return;
  }
}

std::string ToJsonText(const Value& v) {
  std::string out;
  WriteJson(v, &out);
  return out;
}

std::string NumberJsonText(double d) {
  std::string out;
  WriteNumber(d, &out);
  return out;
}

}  // namespace leadseg
