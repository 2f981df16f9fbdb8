// core/number_text.h and its users without printf/strtod: ParseDecimal
// against glibc's strtod (correctly rounded), NumberToString against
// JavaScript's output and the printf-based algorithm it replaced, and the
// times CheckTimestamp names against the printf text they always had.
// tests/wasm/number-text.test.mjs compares the wasm build with JS itself.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/duration.h"
#include "core/js.h"
#include "core/number_text.h"

namespace leadseg {
namespace {

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

double FromBits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// What js::FormatNumber printed before: the fewest %.*e digits that strtod
// reads back as d, laid out by Number::toString's rules.
std::string PrintfNumberToString(double d) {
  if (d == 0) return "0";
  if (std::fabs(d) < 9007199254740992.0 && d == std::trunc(d)) {
    return std::to_string(static_cast<long long>(d));
  }
  char sci[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(sci, sizeof sci, "%.*e", precision - 1, d);
    if (std::strtod(sci, nullptr) == d) break;
  }
  std::string out = sci[0] == '-' ? "-" : "";
  std::string digits;
  const char* p = sci + out.size();
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits.push_back(*p);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size()), n = std::atoi(p + 1) + 1;
  if (k <= n && n <= 21) return out + digits + std::string(static_cast<size_t>(n - k), '0');
  if (0 < n && n <= 21) return out + digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  if (-6 < n && n <= 0) return out + "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  out += digits.substr(0, 1);
  if (k > 1) out += "." + digits.substr(1);
  return out + "e" + (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
}

void ExpectParsesLikeStrtod(const std::string& text) {
  const double want = std::strtod(text.c_str(), nullptr);
  const double got = ParseDecimal(text);
  ASSERT_EQ(Bits(got), Bits(want)) << text.substr(0, 120) << " -> " << got << ", strtod " << want;
}

TEST(NumberText, ParsesPrintedDoublesLikeStrtod) {
  std::mt19937_64 rng(20261204);
  char buf[64];
  for (int i = 0; i < 100000; ++i) {
    const double d = FromBits(rng());
    if (!std::isfinite(d)) continue;
    for (int precision : {0, 4, 14, 15, 16, 17, 22}) {
      std::snprintf(buf, sizeof buf, "%.*e", precision, d);
      ExpectParsesLikeStrtod(buf);
    }
    std::snprintf(buf, sizeof buf, "%.17g", d);
    ExpectParsesLikeStrtod(buf);
  }
}

TEST(NumberText, ParsesExactMidpointsAndTheirNeighboursLikeStrtod) {
  // The exact decimal expansion of the midpoint between a double and the
  // next (a long double holds it exactly), then one digit more either side.
  std::mt19937_64 rng(7);
  std::vector<char> buf(1200);
  auto midpoints = [&](double d) {
    const double next = std::nextafter(d, std::numeric_limits<double>::infinity());
    const long double mid = (static_cast<long double>(d) + static_cast<long double>(next)) / 2;
    std::snprintf(buf.data(), buf.size(), "%.800Le", mid);
    std::string exact = buf.data();
    ExpectParsesLikeStrtod(exact);
    const size_t e = exact.find('e');
    std::string digits = exact.substr(0, e);
    while (digits.back() == '0') digits.pop_back();
    ExpectParsesLikeStrtod(digits + "1" + exact.substr(e));
    std::string below = digits;
    size_t last = below.size() - 1;
    while (below[last] == '0') below[last--] = '9';
    --below[last];
    ExpectParsesLikeStrtod(below + "9" + exact.substr(e));
  };
  for (int e = -1074; e < 1023; ++e) midpoints(std::ldexp(1.0, e));
  for (int i = 0; i < 3000; ++i) {
    const double d = std::fabs(FromBits(rng()));
    if (std::isfinite(d) && d < std::numeric_limits<double>::max()) midpoints(d);
  }
  midpoints(0);
  midpoints(std::numeric_limits<double>::denorm_min());
  midpoints(9007199254740992.0);
}

TEST(NumberText, ParsesLongAndExtremeDecimalsLikeStrtod) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string digits;
    const int length = 1 + static_cast<int>(rng() % 1000);
    for (int j = 0; j < length; ++j) digits.push_back(static_cast<char>('0' + rng() % 10));
    const int exponent = static_cast<int>(rng() % 1000) - 650;
    ExpectParsesLikeStrtod(digits + "e" + std::to_string(exponent));
    ExpectParsesLikeStrtod("-0." + digits + "E" + std::to_string(exponent));
    ExpectParsesLikeStrtod(digits.substr(0, digits.size() / 2) + "." + digits.substr(digits.size() / 2));
  }
  for (const char* text :
       {"0", "-0", "0.0", "-0.000e5", ".5", "5.", "+.5e1", "1E+2", "00012.500e-1", "1e999", "-1e999", "1e-999",
        "1e-324", "3e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "179769313486231580793728971405301e276",
        "9007199254740993", "9007199254740995", "9007199254740993.0000000000000000000001", "1e23",
        "8.98846567431158e307", "123456789012345678901234567890", "1e99999999999999999999", "1e-99999999999999999999",
        "0.1", "0.2", "0.30000000000000004", "1e22", "1e21", "123456789e20", "1234567890123456e15"}) {
    ExpectParsesLikeStrtod(text);
  }
  ExpectParsesLikeStrtod("0." + std::string(5000, '0') + "1e5000");
  ExpectParsesLikeStrtod(std::string(1000, '9') + "e-1000");
  ExpectParsesLikeStrtod("1." + std::string(1000, '0') + "1");
  ExpectParsesLikeStrtod("2." + std::string(1200, '2') + "e-308");
}

TEST(NumberText, FormatsLikeJavaScript) {
  // Expected strings are what node 20 prints for String(x), including the
  // powers of two where the gap below is half the gap above.
  EXPECT_EQ(js::NumberToString(5e-324), "5e-324");
  EXPECT_EQ(js::NumberToString(-5e-324), "-5e-324");
  EXPECT_EQ(js::NumberToString(1e-323), "1e-323");
  EXPECT_EQ(js::NumberToString(2.225073858507201e-308), "2.225073858507201e-308");
  EXPECT_EQ(js::NumberToString(2.2250738585072014e-308), "2.2250738585072014e-308");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, -1022)), "2.2250738585072014e-308");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, 1023)), "8.98846567431158e+307");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, -1000)), "9.332636185032189e-302");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, 100)), "1.2676506002282294e+30");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, 70)), "1.1805916207174113e+21");
  EXPECT_EQ(js::NumberToString(std::ldexp(1.0, 60)), "1152921504606847000");
  EXPECT_EQ(js::NumberToString(-std::ldexp(1.0, 54)), "-18014398509481984");
  EXPECT_EQ(js::NumberToString(999999999999999900000.0), "999999999999999900000");
  EXPECT_EQ(js::NumberToString(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js::NumberToString(9.999999999999997e-7), "9.999999999999997e-7");
  EXPECT_EQ(js::NumberToString(1e-6), "0.000001");
  EXPECT_EQ(js::NumberToString(1.5e-6), "0.0000015");
  EXPECT_EQ(js::NumberToString(1e100), "1e+100");
  EXPECT_EQ(js::NumberToString(1.0000000000000002), "1.0000000000000002");
  EXPECT_EQ(js::NumberToString(0.1 * 3), "0.30000000000000004");
  EXPECT_EQ(js::NumberToString(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(js::NumberToString(-2.0 / 3), "-0.6666666666666666");
  EXPECT_EQ(js::NumberToString(4.35), "4.35");
  EXPECT_EQ(js::NumberToString(5e-7), "5e-7");
  EXPECT_EQ(js::NumberToString(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(js::NumberToString(-9007199254740991.0), "-9007199254740991");
}

TEST(NumberText, FormattedNumbersRoundTripAndMatchThePrintfAlgorithm) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const double d = i % 2 ? FromBits(rng()) : static_cast<double>(rng() % 100000000) / 1000.0;
    if (!std::isfinite(d)) continue;
    const std::string text = js::NumberToString(d);
    ASSERT_EQ(Bits(js::StringToNumber(text)), Bits(d == 0 ? 0.0 : d)) << text;
    ASSERT_EQ(text, PrintfNumberToString(d)) << std::hexfloat << d;
  }
}

TEST(NumberText, ShortestDigitsAreFewestThatReadBack) {
  std::mt19937_64 rng(5);
  char digits[20];
  char text[64];
  for (int i = 0; i < 50000; ++i) {
    const double d = std::fabs(FromBits(rng()));
    if (!std::isfinite(d) || d == 0) continue;
    int point;
    const int k = ShortestDigits(d, digits, &point);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, 17);
    ASSERT_NE(digits[0], '0');
    ASSERT_NE(digits[k - 1], '0');
    std::snprintf(text, sizeof text, "0.%.*se%d", k, digits, point);
    ASSERT_EQ(std::strtod(text, nullptr), d) << text;
    if (k > 1) {
      // Neither k-1 digit neighbour of d reads back as d.
      std::snprintf(text, sizeof text, "%.*e", k - 2, d);
      const double nearest = std::strtod(text, nullptr);
      ASSERT_NE(nearest, d) << text;
    }
  }
}

TEST(NumberText, IntegerDigitsAreExact) {
  char out[310];
  auto digits = [&](double v) { return std::string(out, static_cast<size_t>(IntegerDigits(v, out))); };
  EXPECT_EQ(digits(0), "0");
  EXPECT_EQ(digits(7), "7");
  EXPECT_EQ(digits(18446744073709549568.0), "18446744073709549568");
  EXPECT_EQ(digits(18446744073709551616.0), "18446744073709551616");
  EXPECT_EQ(digits(1e22), "10000000000000000000000");
  EXPECT_EQ(digits(1e23), "99999999999999991611392");
  char expected[400];
  std::snprintf(expected, sizeof expected, "%.0f", std::numeric_limits<double>::max());
  EXPECT_EQ(digits(std::numeric_limits<double>::max()), expected);
}

TEST(NumberText, TimesInMessagesReadAsPrintfWroteThem) {
  // CheckTimestamp named an out-of-range time with "%.0f" below 1e18 and
  // "%g" above: the same text, now without printf.
  auto printf_text = [](double ms) {
    char shown[32];
    std::snprintf(shown, sizeof shown, std::fabs(ms) < 1e18 ? "%.0f" : "%g", ms);
    return std::string(shown);
  };
  auto check = [&](double ms) {
    const std::string message = CheckTimestamp(ms, "t").message();
    const std::string want = "t " + printf_text(ms) + " ";
    ASSERT_EQ(message.substr(0, want.size()), want) << std::hexfloat << ms;
  };
  for (double ms : {-0.5, -0.4, -1.5, -2.5, -1.0, 2.5, 1e18, -1e18, 9999995e14, 1234565e12, 1234575e12,
                    999999.5e18, 1.7976931348623157e308, -1.7976931348623157e308, 7258118400000.5, 7258118400001.0,
                    99999.5, 1e11 - 0.5, 1e17 + 1, -7.5e17, 1e21, 123456.5e13}) {
    if (!(ms >= 0 && ms <= static_cast<double>(kMaxTime))) check(ms);
  }
  std::mt19937_64 rng(13);
  for (int i = 0; i < 100000; ++i) {
    double ms = i % 2 ? FromBits(rng()) : std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 120) - 60);
    if (!std::isfinite(ms) || (ms >= 0 && ms <= static_cast<double>(kMaxTime))) ms = -std::fabs(ms) - 0.5;
    if (std::isfinite(ms)) check(ms);
    check(static_cast<double>(rng() % 100000000000ull) + 0.5);  // before 1973: the "%.0f" text too
  }
}

}  // namespace
}  // namespace leadseg
