// core/value_json.h against nlohmann, which it replaces in the runtime:
// WriteJson must write what Value::ToJson().dump() writes, and
// ParseJsonValue must accept, build and refuse (same message) exactly what
// ParseJson + Document::Add do, on fixed cases and on random values and
// random damage to their text.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/value.h"
#include "core/value_json.h"

namespace leadseg {
namespace {

// Same tree, numbers compared by bits (so -0 and 0 differ), keys in order.
::testing::AssertionResult Same(const Value& a, const Value& b, const std::string& path = "") {
  if (a.type() != b.type()) {
    return ::testing::AssertionFailure() << path << ": " << ValueTypeName(a.type()) << " vs " << ValueTypeName(b.type());
  }
  switch (a.type()) {
    case ValueType::kNull: return ::testing::AssertionSuccess();
    case ValueType::kBool:
      if (a.as_bool() == b.as_bool()) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << path << ": booleans differ";
    case ValueType::kNumber: {
      double x = a.as_number(), y = b.as_number();
      if (std::memcmp(&x, &y, sizeof x) == 0) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << path << ": " << x << " vs " << y;
    }
    case ValueType::kString:
      if (a.as_string() == b.as_string()) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << path << ": strings differ";
    case ValueType::kArray:
    case ValueType::kObject: {
      if (a.size() != b.size()) return ::testing::AssertionFailure() << path << ": sizes differ";
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (a.is_object() && a.key_at(i) != b.key_at(i)) return ::testing::AssertionFailure() << path << ": keys differ";
        auto r = a.is_array() ? Same(a.at(i), b.at(i), path + "/" + std::to_string(i))
                              : Same(a.value_at(i), b.value_at(i), path + "/" + std::string(a.key_at(i)));
        if (!r) return r;
      }
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure();
}

// ParseJsonValue and ParseJson agree on `text`: both accept it with the
// same value, or both refuse it with the same message.
void ExpectParsesAsNlohmann(const std::string& text) {
  Document mine_arena, theirs_arena;
  auto mine = ParseJsonValue(text, &mine_arena, "input");
  auto theirs = ParseJson(text, "input");
  ASSERT_EQ(mine.ok(), theirs.ok()) << "text: " << text << "\nmine: " << mine.status().ToString()
                                    << "\ntheirs: " << theirs.status().ToString();
  if (!theirs.ok()) {
    EXPECT_EQ(mine.status().ToString(), theirs.status().ToString()) << "text: " << text;
    return;
  }
  EXPECT_TRUE(Same(*mine, theirs_arena.Add(*theirs))) << "text: " << text;
}

void ExpectWritesAsNlohmann(const Value& v) {
  EXPECT_EQ(ToJsonText(v), v.ToJson().dump());
  if (v.is_number()) {
    EXPECT_EQ(NumberJsonText(v.as_number()), v.ToJson().dump());
  }
}

std::vector<double> InterestingNumbers() {
  std::vector<double> out = {0.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1.0 / 3, -1.5, 1e21, 1e22, -1e21, 1e-7,
                             1e-6, 1.5e-7, 123456789.125, 5e-324, 2.2250738585072014e-308, DBL_MAX, -DBL_MAX,
                             9007199254740992.0, -9007199254740992.0, 9007199254740993.0, 4503599627370495.5,
                             9.2e18, -9.2e18, 9.3e18, 1.7e19, 1.8e19, 1.9e19, 18446744073709551616.0, 1e100, 0.5,
                             100, 1e15, 1e16, 1e17, 123e-20, 3.14159, 2.5e-5, 1234567.0e-3, 42};
  for (int i = 0; i <= 53; ++i) {
    out.push_back(std::ldexp(1.0, i));
    out.push_back(std::ldexp(1.0, i) - 1);
    out.push_back(-std::ldexp(1.0, i));
  }
  return out;
}

TEST(ValueJson, WritesNumbersAsNlohmann) {
  for (double d : InterestingNumbers()) ExpectWritesAsNlohmann(Value::Number(d));
  ExpectWritesAsNlohmann(Value::Number(NAN));
  ExpectWritesAsNlohmann(Value::Number(INFINITY));
  ExpectWritesAsNlohmann(Value::Number(-INFINITY));
  EXPECT_EQ(ToJsonText(Value::Number(0.1)), "0.1");
  EXPECT_EQ(ToJsonText(Value::Number(1e21)), "1e+21");
  EXPECT_EQ(ToJsonText(Value::Number(1e-7)), "1e-07");
  EXPECT_EQ(ToJsonText(Value::Number(-0.0)), "0");
  EXPECT_EQ(ToJsonText(Value::Number(9007199254740992.0)), "9007199254740992");
  // Random bit patterns: every finite double, not just short decimals.
  std::mt19937_64 rng(14);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    ExpectWritesAsNlohmann(Value::Number(d));
    ExpectWritesAsNlohmann(Value::Number(static_cast<double>(static_cast<int64_t>(rng() >> (rng() % 64)))));
  }
}

TEST(ValueJson, WritesStringsAsNlohmann) {
  std::string all_bytes_below_128;
  for (int c = 0; c < 128; ++c) all_bytes_below_128 += static_cast<char>(c);
  for (const std::string& s : {std::string(), std::string("plain"), std::string("quote \" backslash \\ slash /"),
                               std::string("\b\f\n\r\t"), std::string("nul \0 here", 11), all_bytes_below_128,
                               std::string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8")}) {
    ExpectWritesAsNlohmann(Value::String(s));
  }
}

// A random tree: nested containers, the interesting numbers, strings with
// escapes and multi-byte UTF-8, keys without repeats (nlohmann's objects
// cannot hold them).
Value RandomValue(std::mt19937_64& rng, Document* arena, int depth) {
  static const std::vector<double> numbers = InterestingNumbers();
  static const char* const pieces[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f",
                                       "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf", "{", "]"};
  auto random_string = [&]() {
    std::string s;
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    return s;
  };
  const int kind = static_cast<int>(rng() % (depth > 0 ? 8 : 6));
  switch (kind) {
    case 0: return Value::Null();
    case 1: return Value::Bool(rng() % 2 == 0);
    case 2: return Value::Number(numbers[rng() % numbers.size()]);
    case 3: {
      double d;
      uint64_t bits = rng();
      std::memcpy(&d, &bits, sizeof d);
      return Value::Number(std::isfinite(d) ? d : 0.25);
    }
    case 4:
    case 5: return arena->CopyString(random_string());
    case 6: {
      const auto n = static_cast<uint32_t>(rng() % 5);
      Value* children = arena->AllocateChildren(n);
      for (uint32_t i = 0; i < n; ++i) children[i] = RandomValue(rng, arena, depth - 1);
      return Document::MakeArray(children, n);
    }
    default: {
      const auto n = static_cast<uint32_t>(rng() % 5);
      Value* members = arena->AllocateChildren(2 * n);
      for (uint32_t i = 0; i < n; ++i) {
        members[2 * i] = arena->CopyString(random_string() + "#" + std::to_string(i));
        members[2 * i + 1] = RandomValue(rng, arena, depth - 1);
      }
      return Document::MakeObject(members, n);
    }
  }
}

TEST(ValueJson, RandomValuesWriteAndReadAsNlohmann) {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 5000; ++round) {
    Document arena;
    const Value v = RandomValue(rng, &arena, 5);
    const std::string text = v.ToJson().dump();
    ASSERT_EQ(ToJsonText(v), text);
    ExpectParsesAsNlohmann(text);
    // And with whitespace, the way hand-written JSON has it.
    ExpectParsesAsNlohmann(" \n" + v.ToJson().dump(2) + "\r\n\t");
  }
}

TEST(ValueJson, DamagedTextIsRefusedAsNlohmann) {
  // Random single-byte damage to valid text: inserted, deleted or replaced
  // bytes, including ones that break strings, escapes, UTF-8 and numbers.
  static const char kBytes[] = "{}[],:\"\\ 0-+.eE1tfnu\x01\x80\xc3\xed\xf4\xff/x";
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20000; ++round) {
    Document arena;
    std::string text = RandomValue(rng, &arena, 3).ToJson().dump();
    for (int edits = 1 + static_cast<int>(rng() % 2); edits > 0; --edits) {
      const size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
      const char byte = kBytes[rng() % (sizeof kBytes - 1)];
      switch (rng() % 3) {
        case 0: text.insert(at, 1, byte); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = byte; break;
      }
    }
    ExpectParsesAsNlohmann(text);
    if (HasFailure()) return;
  }
}

TEST(ValueJson, FixedCasesAsNlohmann) {
  const std::vector<std::string> cases = {
      "", " ", "null", "nul", "nulx", "true", "tru", "false", "[", "]", "{", "}", "[1,]", "[,1]", "{\"a\"}",
      "{\"a\":}", "{\"a\":1,}", "{,}", "{1:2}", "{true:1}", "{\"a\" 1}", "[1 2]", "01", "-", "-a", "-0", "-0.0",
      "0.0", "1.", "1.x", "1e", "1e+", "1e+x", ".5", "+1", "1e400", "-1e400", "1e-400", "18446744073709551615",
      "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
      "\"abc", "\"a\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\ud800\\u0041\"",
      "\"\\ud800x\"", "\"\\udc00\"", "\"\\ud83d\\ude00\"", "\"\\u00e9\\u0000\"", "\"tab\there\"",
      "\"\x80\"", "\"\xc3\"", "\"\xc3\xa9\"", "\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
      "\"\xf0\x9f\x98\x80\"", "\xef\xbb\xbf{}", "\xef\xbb{}", "\xef", "{}\n", "{} x", "{}{}", std::string("{}\0x", 4),
      std::string("[\0]", 3), "{\"a\":1,\"a\":2,\"b\":3}", "{\"a\":{\"x\":1},\"b\":0,\"a\":[2]}",
      "[\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nx",
      "{\"" + std::string(100, 'k') + "\" x}", "[1,\x01]", "[\x7f]", "/* */ 1", "NaN", "Infinity", "[1e99999]",
  };
  for (const std::string& text : cases) ExpectParsesAsNlohmann(text);
  // The depth limit, checked before the syntax.
  ExpectParsesAsNlohmann(std::string(128, '[') + std::string(128, ']'));
  ExpectParsesAsNlohmann(std::string(129, '[') + std::string(129, ']'));
  ExpectParsesAsNlohmann("x" + std::string(129, '{'));
  ExpectParsesAsNlohmann("[\"" + std::string(200, '[') + "\"]");
}

TEST(ValueJson, RepeatedKeyKeepsItsFirstPlaceAndLastValue) {
  Document arena;
  auto v = ParseJsonValue(R"({"a":1,"b":2,"a":3})", &arena, "input");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(ToJsonText(*v), R"({"a":3,"b":2})");
}

TEST(ValueJson, ParsedStringsDoNotReferToTheText) {
  Document arena;
  std::string text = R"({"key":"value"})";
  auto v = ParseJsonValue(text, &arena, "input");
  ASSERT_TRUE(v.ok());
  text.assign(text.size(), 'x');
  EXPECT_EQ(ToJsonText(*v), R"({"key":"value"})");
}


// The runtime module words ParseJsonValue's error for a lone surrogate
// escaped in text JSON.parse accepts without the parser: the same words.
TEST(ValueJson, LoneSurrogateEscapeErrorIsTheParsersError) {
  const std::string texts[] = {
      R"({"q":"\udc00"})",
      R"({"q":"a\ud800"})",
      R"({"k\ud800":1})",
      R"({"q":["x",{"r":"\udfff"}]})",
      "{\"q\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \\n\\t\\\"\\\\ \\ud800\\n\"}",
      "{\"q\":\"\\ud800\xf0\x9f\x98\x80\"}",
      R"({"q":"\ud800\ud800"})",
      R"({"q":"\ud800x"})",
      R"({"q":"\uD800\u0041"})",
      R"({"q":"\\ud800","r":"\udc00"})",
      R"({"a":"ok \ud83d\ude00","b":"\u00e9\udc00"})",
      "{\"long\":\"" + std::string(50, 'x') + "\\udbff\"}",
      "\xef\xbb\xbf{\"q\":\"\\udc00\"}",
      R"([1, 2.5, true, null, "\ud83d\ude00", {"\uDe00": 0}])",
  };
  for (const std::string& text : texts) {
    Document arena;
    auto parsed = ParseJsonValue(text, &arena, "input");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(), "input is not valid JSON: " + LoneSurrogateEscapeError(text)) << text;
  }
  EXPECT_EQ(LoneSurrogateEscapeError(R"({"q":"\ud83d\ude00 \\udc00"})"), "");
}

}  // namespace
}  // namespace leadseg
