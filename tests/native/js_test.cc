#include "core/js.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace leadseg {
namespace {

TEST(Js, FormatsNumbersLikeNumberToString) {
  // Expected strings are what node prints for String(x).
  EXPECT_EQ(js::NumberToString(1), "1");
  EXPECT_EQ(js::NumberToString(-0.0), "0");
  EXPECT_EQ(js::NumberToString(0.1), "0.1");
  EXPECT_EQ(js::NumberToString(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js::NumberToString(1e21), "1e+21");
  EXPECT_EQ(js::NumberToString(1e20), "100000000000000000000");
  EXPECT_EQ(js::NumberToString(1e-7), "1e-7");
  EXPECT_EQ(js::NumberToString(0.000001), "0.000001");
  EXPECT_EQ(js::NumberToString(123.456), "123.456");
  EXPECT_EQ(js::NumberToString(-1.5e-10), "-1.5e-10");
  EXPECT_EQ(js::NumberToString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(js::NumberToString(std::nan("")), "NaN");
  EXPECT_EQ(js::NumberToString(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(js::NumberToString(1.7976931348623157e308), "1.7976931348623157e+308");
}

TEST(Js, StringToNumber) {
  EXPECT_EQ(js::StringToNumber(""), 0);
  EXPECT_EQ(js::StringToNumber("  42  "), 42);
  EXPECT_EQ(js::StringToNumber("0x1F"), 31);
  EXPECT_EQ(js::StringToNumber("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(js::StringToNumber(".5"), 0.5);
  EXPECT_EQ(js::StringToNumber("5."), 5);
  EXPECT_TRUE(std::isnan(js::StringToNumber("1,2")));
  EXPECT_TRUE(std::isnan(js::StringToNumber("inf")));
  EXPECT_TRUE(std::isnan(js::StringToNumber("-0x10")));
  EXPECT_TRUE(std::isnan(js::StringToNumber("1e")));
}

TEST(Js, ComparesStringsByUtf16CodeUnits) {
  // U+FF5E (one unit, 0xFF5E) sorts after U+1F600 (surrogates 0xD83D...)
  // in JavaScript, although its code point is smaller.
  EXPECT_LT(js::CompareUtf16("\xF0\x9F\x98\x80", "\xEF\xBD\x9E"), 0);
  EXPECT_LT(js::CompareUtf16("B", "a"), 0);
  EXPECT_LT(js::CompareUtf16("ab", "abc"), 0);
  EXPECT_EQ(js::CompareUtf16("x", "x"), 0);
}

TEST(Js, LooseEquality) {
  Document d;
  auto v = [&](const char* j) { return d.Add(Json::parse(j)); };
  EXPECT_TRUE(js::LooseEquals(v("1"), v("\"1\"")));
  EXPECT_TRUE(js::LooseEquals(v("true"), v("1")));
  EXPECT_FALSE(js::LooseEquals(v("null"), v("0")));
  EXPECT_TRUE(js::LooseEquals(v("[1]"), v("1")));
  EXPECT_FALSE(js::LooseEquals(v("[1]"), v("[1]")));
  EXPECT_TRUE(js::LooseEquals(v("\"\""), v("0")));
}

}  // namespace
}  // namespace leadseg
