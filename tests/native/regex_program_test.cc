// Regex programs as bytes (Regex::Encode / Regex::Decode, conditions/
// regex.h): what compiled configs store so that the runtime needs no
// pattern compiler. A decoded program answers exactly like the compiled
// one, and damaged bytes are DataLoss, never a program Search could run
// out of bounds with.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "conditions/regex.h"
#include "core/bytes.h"

namespace leadseg {
namespace {

struct Pattern {
  std::string_view text;
  bool ignore_case;
};

// Every kind of instruction, assertion, class and derived fact (anchored,
// prefix, literal only, literal alternatives, the first-unit filter).
const Pattern kPatterns[] = {
    {"", false},
    {"^/(pricing|signup)", false},
    {"^/(pricing|signup)/", false},
    {"^/docs/", false},
    {"^/docs/", true},
    {"pricing", false},
    {"PRICING", true},
    {R"(^/blog/\d{4}/)", false},
    {"(a|a)*$", false},
    {R"(^(\w+\s?)*$)", false},
    {R"(\bfoo\B)", false},
    {"[^a-z]{2,3}x", false},
    {"[^]", false},
    {"[]", false},
    {R"([\s\S]+?end)", false},
    {"[a-z\u00e9\u0100-\u017f]+$", true},
    {"\u01c5", true},                // title case folds to upper
    {"stra\u00dfe|\u212a", true},    // no ASCII image for these
    {"caf\u00e9(s)?", false},
    {"x.y", false},
    {"^$", false},
    {"(?:ab){2,}c?", false},
    {R"(\d+(\.\d+)?%)", false},
    {"a{0}", false},
    {"[a]{0}b", false},  // a class no instruction uses
};

const std::vector<std::string> kTexts = {
    "",
    "/pricing",
    "/signup/step-2",
    "/blog/pricing",
    "/blog/2024/hello",
    "/docs/intro",
    "/DOCS/intro",
    "aaaaaaaaaaaa!",
    "An input string that fails at the end!",
    "foobar",
    "foo bar",
    "12x",
    "ab1x",
    "the end",
    "Stra\u00dfe STRASSE",
    "\u01c4\u01c5\u01c6",
    "CAF\u00c9 caf\u00e9s",
    "x\ny xzy",
    "ababc",
    "3.5% off",
    "b",
    "\xff\xfe invalid \xc3",
    "\xf0\x9f\x98\x80 emoji",
};

std::string EncodeOf(const Regex& re) {
  std::string out;
  re.Encode(&out);
  return out;
}

TEST(RegexProgram, DecodedProgramsAnswerLikeCompiledOnes) {
  for (const Pattern& p : kPatterns) {
    SCOPED_TRACE(::testing::Message() << "/" << p.text << "/" << (p.ignore_case ? "i" : ""));
    auto compiled = Regex::Compile(p.text, p.ignore_case);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    const std::string bytes = EncodeOf(*compiled);
    std::string_view in = bytes;
    auto decoded = Regex::Decode(&in);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(in.empty()) << "Decode consumes exactly one program";
    EXPECT_EQ(EncodeOf(*decoded), bytes) << "nothing lost";
    EXPECT_EQ(decoded->program_size(), compiled->program_size());
    EXPECT_EQ(decoded->anchored(), compiled->anchored());
    EXPECT_EQ(decoded->literal_only(), compiled->literal_only());
    EXPECT_EQ(decoded->ignore_case(), compiled->ignore_case());
    EXPECT_EQ(decoded->literal_prefix(), compiled->literal_prefix());
    EXPECT_EQ(decoded->literal_alternatives(), compiled->literal_alternatives());
    EXPECT_EQ(decoded->alternatives_only(), compiled->alternatives_only());
    for (const std::string& text : kTexts) EXPECT_EQ(decoded->Search(text), compiled->Search(text)) << text;
  }
}

// Decode reads one program from the front: several in a row read back.
TEST(RegexProgram, ProgramsFollowEachOther) {
  std::string bytes;
  for (const Pattern& p : kPatterns) Regex::Compile(p.text, p.ignore_case)->Encode(&bytes);
  std::string_view in = bytes;
  for (const Pattern& p : kPatterns) {
    auto decoded = Regex::Decode(&in);
    ASSERT_TRUE(decoded.ok()) << p.text;
    EXPECT_EQ(EncodeOf(*decoded), EncodeOf(*Regex::Compile(p.text, p.ignore_case)));
  }
  EXPECT_TRUE(in.empty());
}

TEST(RegexProgram, EveryTruncationIsDataLoss) {
  for (const Pattern& p : kPatterns) {
    const std::string bytes = EncodeOf(*Regex::Compile(p.text, p.ignore_case));
    for (size_t n = 0; n < bytes.size(); ++n) {
      std::string_view in = std::string_view(bytes).substr(0, n);
      auto decoded = Regex::Decode(&in);
      ASSERT_FALSE(decoded.ok()) << p.text << ": accepted " << n << " of " << bytes.size() << " bytes";
      EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
    }
  }
}

// Any changed byte is DataLoss or a program that still runs (a changed
// unit or bitmap is a different, valid program); the asan preset checks
// that Search stays in bounds on each.
TEST(RegexProgram, ChangedBytesAreDataLossOrRunSafely) {
  for (const Pattern& p : kPatterns) {
    const std::string bytes = EncodeOf(*Regex::Compile(p.text, p.ignore_case));
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xFF}) {
        std::string damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ mask);
        std::string_view in = damaged;
        auto decoded = Regex::Decode(&in);
        if (!decoded.ok()) {
          EXPECT_EQ(decoded.status().code(), StatusCode::kDataLoss);
          continue;
        }
        EXPECT_LE(decoded->program_size(), Regex::kMaxInstructions);
        for (const std::string& text : kTexts) (void)decoded->Search(text);
      }
    }
  }
}

// Hand-made programs, each next to the valid one it damages, so that each
// case fails for the one reason it names.
class ProgramBytes {
 public:
  ProgramBytes& Flags(uint8_t f) { return Byte(f); }
  ProgramBytes& Byte(uint8_t b) {
    out_.push_back(static_cast<char>(b));
    return *this;
  }
  ProgramBytes& Varint(uint64_t v) {
    bytes::PutVarint(v, &out_);
    return *this;
  }
  ProgramBytes& String(std::string_view s) {
    bytes::PutString(s, &out_);
    return *this;
  }
  ProgramBytes& Bitmap(uint64_t lo, uint64_t hi) {
    for (uint64_t w : {lo, hi}) {
      for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(w >> (8 * i)));
    }
    return *this;
  }
  const std::string& bytes() const { return out_; }

 private:
  std::string out_;
};

// Ops, as regex_program.h numbers them.
constexpr uint8_t kUnit = 0, kAny = 1, kClass = 2, kSplit = 3, kJump = 4, kAssert = 5, kMatch = 6;

// flags 0, no prefix, no alternatives, no classes, then `program`.
std::string Plain(const std::vector<std::vector<uint64_t>>& program) {
  ProgramBytes b;
  b.Flags(0).String("").Varint(0).Varint(0).Varint(program.size());
  for (const auto& inst : program) {
    b.Byte(static_cast<uint8_t>(inst[0]));
    for (size_t i = 1; i < inst.size(); ++i) b.Varint(inst[i]);
  }
  return b.bytes();
}

// One class [<lo>-<hi>] (non-ASCII ranges as given) used by `[kClass index, kMatch]`.
std::string WithClass(std::vector<std::pair<uint64_t, uint64_t>> ranges, uint64_t index, uint8_t negated = 0) {
  ProgramBytes b;
  b.Flags(0).String("").Varint(0).Varint(1).Byte(negated).Bitmap(0, 0).Varint(ranges.size());
  for (const auto& [lo, hi] : ranges) b.Varint(lo).Varint(hi);
  b.Varint(2).Byte(kClass).Varint(index).Byte(kMatch);
  return b.bytes();
}

Status DecodeStatus(const std::string& bytes) {
  std::string_view in = bytes;
  auto decoded = Regex::Decode(&in);
  return decoded.ok() ? Status::Ok() : decoded.status();
}

TEST(RegexProgram, DamagedProgramsAreDataLoss) {
  struct Case {
    const char* name;
    std::string good, bad;
  } cases[] = {
      {"no instructions", Plain({{kMatch}}), Plain({})},
      {"not ending with kMatch", Plain({{kAny}, {kMatch}}), Plain({{kAny}})},
      {"an assertion at the end",
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(2).Byte(kAssert).Byte(0).Byte(kMatch).bytes(),
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(1).Byte(kAssert).Byte(0).bytes()},
      {"an unknown op", Plain({{kMatch}}), Plain({{7}})},
      {"an unknown assertion", ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(2).Byte(kAssert).Byte(3).Byte(kMatch).bytes(),
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(2).Byte(kAssert).Byte(4).Byte(kMatch).bytes()},
      {"a jump past the end", Plain({{kJump, 1}, {kMatch}}), Plain({{kJump, 2}, {kMatch}})},
      {"a split's x past the end", Plain({{kSplit, 1, 0}, {kMatch}}), Plain({{kSplit, 2, 0}, {kMatch}})},
      {"a split's y past the end", Plain({{kSplit, 0, 1}, {kMatch}}), Plain({{kSplit, 0, 2}, {kMatch}})},
      {"a unit beyond UTF-16", Plain({{kUnit, 0xFFFF}, {kMatch}}), Plain({{kUnit, 0x10000}, {kMatch}})},
      {"a class index with no classes", WithClass({}, 0), Plain({{kClass, 0}, {kMatch}})},
      {"a class index past the classes", WithClass({}, 0), WithClass({}, 1)},
      {"a class that is neither negated nor not", WithClass({}, 0, 1), WithClass({}, 0, 2)},
      {"a non-ASCII range below 128", WithClass({{128, 200}}, 0), WithClass({{127, 200}}, 0)},
      {"a range beyond UTF-16", WithClass({{128, 0xFFFF}}, 0), WithClass({{128, 0x10000}}, 0)},
      {"a range out of order", WithClass({{300, 300}}, 0), WithClass({{301, 300}}, 0)},
      {"overlapping ranges", WithClass({{200, 300}, {302, 400}}, 0), WithClass({{200, 300}, {300, 400}}, 0)},
      {"adjacent ranges (not normalized)", WithClass({{200, 300}, {302, 400}}, 0), WithClass({{200, 300}, {301, 400}}, 0)},
      {"unknown flags", Plain({{kMatch}}), "\x40" + Plain({{kMatch}}).substr(1)},
      {"non-ASCII first units without the filter",
       ProgramBytes().Flags(16 | 32).Bitmap(0, 0).String("").Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes(),
       ProgramBytes().Flags(32).String("").Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes()},
      {"the filter without its bitmap",
       ProgramBytes().Flags(16).Bitmap(0, 0).String("").Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes(),
       ProgramBytes().Flags(16).bytes()},
      {"alternatives only, with none",
       ProgramBytes().Flags(8).String("").Varint(1).String("/a").Varint(0).Varint(1).Byte(kMatch).bytes(),
       ProgramBytes().Flags(8).String("").Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes()},
      {"an unfolded unit under the i flag",
       ProgramBytes().Flags(1).String("").Varint(0).Varint(0).Varint(2).Byte(kUnit).Varint('A').Byte(kMatch).bytes(),
       ProgramBytes().Flags(1).String("").Varint(0).Varint(0).Varint(2).Byte(kUnit).Varint('a').Byte(kMatch).bytes()},
      {"a prefix longer than any program's",
       ProgramBytes().Flags(0).String(std::string(3 * Regex::kMaxInstructions, 'a')).Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes(),
       ProgramBytes().Flags(0).String(std::string(3 * Regex::kMaxInstructions + 1, 'a')).Varint(0).Varint(0).Varint(1).Byte(kMatch).bytes()},
      {"more instructions than kMaxInstructions",
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(Regex::kMaxInstructions).bytes() +
           std::string(Regex::kMaxInstructions, static_cast<char>(kMatch)),
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(Regex::kMaxInstructions + 1).bytes() +
           std::string(Regex::kMaxInstructions + 1, static_cast<char>(kMatch))},
      {"more instructions than bytes", Plain({{kMatch}}),
       ProgramBytes().Flags(0).String("").Varint(0).Varint(0).Varint(3).Byte(kMatch).bytes()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(DecodeStatus(c.good).ok()) << "the valid neighbour: " << DecodeStatus(c.good).ToString();
    Status bad = DecodeStatus(c.bad);
    EXPECT_EQ(bad.code(), StatusCode::kDataLoss) << bad.ToString();
    EXPECT_NE(bad.message().find("corrupted regular expression program"), std::string::npos) << bad.ToString();
  }
}

// A decoded program works like the compiled one, to the instruction: the
// hand-made [kSplit 1 3, kUnit 'a', kJump 0, kMatch] is `a*` (matches
// everything), and with its jump back to 1 it is still safe.
TEST(RegexProgram, HandMadeProgramsRun) {
  std::string_view in;
  std::string star = Plain({{kSplit, 1, 3}, {kUnit, 'a'}, {kJump, 0}, {kMatch}});
  in = star;
  auto re = Regex::Decode(&in);
  ASSERT_TRUE(re.ok()) << re.status().ToString();
  EXPECT_TRUE(re->Search(""));
  EXPECT_TRUE(re->Search("bbb"));
  std::string loop = Plain({{kSplit, 1, 3}, {kUnit, 'a'}, {kJump, 1}, {kMatch}});  // a+ after the split
  in = loop;
  re = Regex::Decode(&in);
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Search("xyz"));  // the split's other branch matches at once
  std::string self = Plain({{kJump, 0}, {kMatch}});  // an epsilon loop: closure visits it once
  in = self;
  re = Regex::Decode(&in);
  ASSERT_TRUE(re.ok());
  EXPECT_FALSE(re->Search("abc"));
}

}  // namespace
}  // namespace leadseg
