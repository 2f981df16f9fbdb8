// src/batch/csv_reader.h: the dialect of web/src/csv.js, fed in chunks
// split at every possible point.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "batch/csv_reader.h"

namespace leadseg {
namespace batch {
namespace {

using Records = std::vector<std::vector<std::string>>;

struct Collect : CsvSink {
  Records records;
  std::vector<uint64_t> numbers;
  Status OnRecord(const CsvRecord& r) override {
    size_t bytes = 0;
    for (auto f : r.fields) bytes += f.size();
    EXPECT_EQ(r.bytes, bytes) << "record " << r.number;
    records.emplace_back(r.fields.begin(), r.fields.end());
    numbers.push_back(r.number);
    return Status::Ok();
  }
};

// Tokenizes `input` in the chunks `cuts` splits it into.
Result<Records> Tokenize(std::string_view input, const std::vector<size_t>& cuts = {},
                         std::vector<uint64_t>* numbers = nullptr) {
  CsvReader reader;
  Collect sink;
  size_t start = 0;
  for (size_t cut : cuts) {
    Status s = reader.Feed(input.substr(start, cut - start), false, &sink);
    if (!s.ok()) return s;
    start = cut;
  }
  Status s = reader.Feed(input.substr(start), true, &sink);
  if (!s.ok()) return s;
  if (numbers) *numbers = sink.numbers;
  return sink.records;
}

// The same records whether the input comes whole, cut once anywhere or
// cut into single bytes.
void ExpectEverySplit(const std::string& input, const Records& expected) {
  auto whole = Tokenize(input);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, expected) << "whole input";
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    auto split = Tokenize(input, {cut});
    ASSERT_TRUE(split.ok()) << "cut at " << cut << ": " << split.status().ToString();
    EXPECT_EQ(*split, expected) << "cut at " << cut;
    for (size_t second = cut; second <= input.size(); ++second) {
      auto twice = Tokenize(input, {cut, second});
      ASSERT_TRUE(twice.ok());
      EXPECT_EQ(*twice, expected) << "cut at " << cut << " and " << second;
    }
  }
  std::vector<size_t> bytes;
  for (size_t i = 1; i < input.size(); ++i) bytes.push_back(i);
  auto single = Tokenize(input, bytes);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(*single, expected) << "byte by byte";
}

TEST(BatchCsvReader, PlainRecords) {
  ExpectEverySplit("a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}});
  ExpectEverySplit("a,b\n1,2", {{"a", "b"}, {"1", "2"}});  // no final line break
  ExpectEverySplit("a,,\n,,\n", {{"a", "", ""}, {"", "", ""}});
}

TEST(BatchCsvReader, LineEnds) {
  ExpectEverySplit("a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}});
  ExpectEverySplit("a,b\r1,2\r", {{"a", "b"}, {"1", "2"}});
  ExpectEverySplit("a\n\n\r\n\rb\n", {{"a"}, {""}, {""}, {""}, {"b"}});
}

TEST(BatchCsvReader, QuotedFields) {
  ExpectEverySplit("\"a,b\",\"say \"\"hi\"\"\"\n", {{"a,b", "say \"hi\""}});
  ExpectEverySplit("\"line\r\nbreak\",x\n\"\"\n", {{"line\r\nbreak", "x"}, {""}});
  // A quote inside an unquoted field is text; text after a closing quote
  // is appended (csv.js is lenient there).
  ExpectEverySplit("ab\"c,\"q\"tail,\"\"\"\"\n", {{"ab\"c", "qtail", "\""}});
}

// Records longer than the 16 bytes the reader scans at once
// (batch/csv_scan.h), with delimiters, quotes and UTF-8 at every offset of
// a block: read whole (block by block where 16 bytes are left) they give
// the records, numbers and errors that single bytes (never a block) give.
TEST(BatchCsvReader, BlocksGiveWhatBytesGive) {
  const std::vector<std::string> pieces = {"a", "bc", "0123456789abcdef", "-4.5", ",", ",", ",",
                                           "\n", "\r\n", "\r", "\"", "\"q,\"\"\n\"", "\xC3\xA9"};
  std::mt19937 rng(15);
  for (int round = 0; round < 400; ++round) {
    std::string input;
    const size_t size = 1 + rng() % 160;
    while (input.size() < size) {
      // Quotes rarely, so that most records stay on the unquoted path.
      size_t k = rng() % pieces.size();
      if (pieces[k][0] == '"' && rng() % 4 != 0) k = 0;
      input += pieces[k];
    }
    std::vector<size_t> bytes;
    for (size_t i = 1; i < input.size(); ++i) bytes.push_back(i);
    std::vector<uint64_t> whole_numbers, single_numbers;
    auto whole = Tokenize(input, {}, &whole_numbers);
    auto single = Tokenize(input, bytes, &single_numbers);
    ASSERT_EQ(whole.ok(), single.ok()) << input;
    if (!whole.ok()) {
      EXPECT_EQ(whole.status().message(), single.status().message()) << input;
      continue;
    }
    EXPECT_EQ(*whole, *single) << input;
    EXPECT_EQ(whole_numbers, single_numbers) << input;
  }
}

TEST(BatchCsvReader, ByteOrderMarks) {
  // TextDecoder drops one BOM and csv.js another: a third is text.
  ExpectEverySplit("\xEF\xBB\xBF" "a,b\n", {{"a", "b"}});
  ExpectEverySplit("\xEF\xBB\xBF\xEF\xBB\xBF" "a\n", {{"a"}});
  ExpectEverySplit("\xEF\xBB\xBF\xEF\xBB\xBF\xEF\xBB\xBF" "a\n", {{"\xEF\xBB\xBF" "a"}});
  // Not at the start: kept.
  ExpectEverySplit("a,\xEF\xBB\xBF" "b\n", {{"a", "\xEF\xBB\xBF" "b"}});
  // Looks like a BOM's start, is not one.
  ExpectEverySplit("\xEF\xBB\xBE,x\n", {{"\xEF\xBB\xBE", "x"}});
}

TEST(BatchCsvReader, Utf8AcrossChunks) {
  ExpectEverySplit("n\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80\n", {{"n\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}});
}

TEST(BatchCsvReader, InvalidUtf8IsAnError) {
  for (std::string bad : {std::string("a,\xFF\n"), std::string("a,\xC3\n"), std::string("\xED\xA0\x80\n"),
                          std::string("\xC0\xAF\n"), std::string("ok\n\xF4\x90\x80\x80\n"), std::string("x\xE2\x82")}) {
    for (size_t cut = 0; cut <= bad.size(); ++cut) {
      auto r = Tokenize(bad, {cut});
      ASSERT_FALSE(r.ok()) << "cut at " << cut;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("not valid UTF-8"), std::string::npos) << r.status().message();
    }
  }
  auto r = Tokenize("abc,\xFF");
  EXPECT_EQ(r.status().message(), "CSV: the input is not valid UTF-8 (at byte 4)");
}

TEST(BatchCsvReader, UnclosedQuoteNamesItsLine) {
  auto r = Tokenize("a\nb\n\"open\nstill open\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "CSV: the quoted field that starts on line 3 is never closed");
}

TEST(BatchCsvReader, RecordNumbersCountBlankLinesNotQuotedBreaks) {
  std::vector<uint64_t> numbers;
  auto r = Tokenize("h\n\"a\nb\"\n\nc\n", {}, &numbers);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(numbers, (std::vector<uint64_t>{1, 2, 3, 4}));
}

TEST(BatchCsvReader, FeedAfterTheEndIsRefused) {
  CsvReader reader;
  Collect sink;
  ASSERT_TRUE(reader.Feed("a\n", true, &sink).ok());
  EXPECT_EQ(reader.Feed("b\n", false, &sink).code(), StatusCode::kFailedPrecondition);
}

TEST(BatchCsvReader, TypesFieldsAsCsvJs) {
  using K = TypedField::Kind;
  struct Case {
    const char* text;
    K kind;
    double number;
  };
  for (const Case& c : std::vector<Case>{{"", K::kMissing, 0},   {"42", K::kNumber, 42},     {"-3.5", K::kNumber, -3.5},
                                         {"1e6", K::kNumber, 1e6}, {"1E-2", K::kNumber, 0.01}, {"0", K::kNumber, 0},
                                         {"007", K::kString, 0},  {"+1", K::kString, 0},     {" 42", K::kString, 0},
                                         {"42 ", K::kString, 0},  {"1.", K::kString, 0},     {".5", K::kString, 0},
                                         {"1e400", K::kString, 0}, {"1e-400", K::kNumber, 0}, {"-", K::kString, 0},
                                         {"0x10", K::kString, 0}, {"Infinity", K::kString, 0}, {"NaN", K::kString, 0},
                                         {"true", K::kBool, 1},   {"FALSE", K::kBool, 0},    {"tRuE", K::kBool, 1},
                                         {"truee", K::kString, 0}, {"yes", K::kString, 0},
                                         // Eight digits at a time: a byte just past '9' or before
                                         // '0' in any of the eight is text.
                                         {"12345678", K::kNumber, 12345678}, {"9876543210", K::kNumber, 9876543210},
                                         {"1234567:", K::kString, 0}, {"1234/678", K::kString, 0},
                                         {"12345678:", K::kString, 0}, {"1\xD9" "345678", K::kString, 0},
                                         {"12345678.25", K::kNumber, 12345678.25},
                                         // The short integers read inline, and what they hand on.
                                         {"123456789012345", K::kNumber, 123456789012345},
                                         {"1234567890123456", K::kNumber, 1234567890123456},
                                         {"12a", K::kString, 0}, {"9:", K::kString, 0}, {"5-", K::kString, 0},
                                         {"\x19", K::kString, 0}, {"\r5", K::kString, 0}, {"00", K::kString, 0},
                                         {"-0", K::kNumber, 0}, {"-12", K::kNumber, -12}}) {
    TypedField f = TypeField(c.text);
    EXPECT_EQ(f.kind, c.kind) << c.text;
    if (c.kind == K::kNumber) {
      EXPECT_EQ(f.number, c.number) << c.text;
    }
    if (c.kind == K::kBool) {
      EXPECT_EQ(f.boolean, c.number == 1) << c.text;
    }
  }
  EXPECT_EQ(TypeField("0.1").number, 0.1);
  EXPECT_EQ(TypeField("123456789012345678901234567890").number, 1.2345678901234568e29);
}

// TypeField decides short numbers without strtod (Clinger's fast path):
// the same doubles, bit for bit, on numbers around every digit count and
// fraction length the shortcut takes, and on the ones it leaves to strtod.
TEST(BatchCsvReader, TypesNumbersExactlyAsStrtod) {
  std::mt19937_64 random(15);
  auto digits = [&](int n, bool leading_zero_ok) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      char d = static_cast<char>('0' + random() % 10);
      if (i == 0 && !leading_zero_ok && d == '0') d = '1';
      s.push_back(d);
    }
    return s;
  };
  for (int round = 0; round < 200000; ++round) {
    int whole = 1 + static_cast<int>(random() % 17);
    int fraction = static_cast<int>(random() % 18);
    std::string text = (random() % 2 ? "-" : "") + (random() % 5 == 0 ? std::string("0") : digits(whole, false));
    if (fraction) text += "." + digits(fraction, true);
    if (random() % 10 == 0) text += "e" + std::to_string(static_cast<int>(random() % 40) - 20);
    TypedField f = TypeField(text);
    ASSERT_EQ(f.kind, TypedField::Kind::kNumber) << text;
    double expected = std::strtod(text.c_str(), nullptr);
    ASSERT_EQ(std::memcmp(&f.number, &expected, sizeof expected), 0) << text << ": " << f.number << " vs " << expected;
  }
}

TEST(BatchCsvReader, TrimsHeaderNamesAsJavaScriptDoes) {
  EXPECT_EQ(TrimJs("  a b \t"), "a b");
  EXPECT_EQ(TrimJs("\xC2\xA0name\xE2\x80\xAF"), "name");  // NBSP, narrow NBSP
  EXPECT_EQ(TrimJs("\xEF\xBB\xBFx\xE3\x80\x80"), "x");      // U+FEFF, U+3000
  EXPECT_EQ(TrimJs("\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(TrimJs(" "), "");
}

}  // namespace
}  // namespace batch
}  // namespace leadseg
