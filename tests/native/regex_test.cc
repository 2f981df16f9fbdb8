// Tests for conditions/regex.h.
//
// Every row of kCases was checked against Node 20 (V8) by evaluating
// `new RegExp(pattern, ignore_case ? "i" : "").test(text)`; the expected
// column is what Node printed. The same generator also ran ~600,000 random
// pattern/text pairs against Node with no disagreement (see the integration
// notes of the change that added this file).

#include "conditions/regex.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace leadseg {
namespace {

constexpr bool kCase = false;  // no flags
constexpr bool kI = true;      // the `i` flag ($regexi)

struct Case {
  std::string_view pattern;
  bool ignore_case;
  std::string_view text;
  bool expected;
};

// Non-ASCII text is UTF-8; octal escapes spell control and invisible
// characters (e.g. "\342\200\250" is U+2028).
const Case kCases[] = {
    {"^/(pricing|signup)", kCase, "/pricing", true},
    {"^/(pricing|signup)", kCase, "/signup/step-2", true},
    {"^/(pricing|signup)", kCase, "/blog/pricing", false},
    {R"(^/blog/\d{4}/)", kCase, "/blog/2024/hello", true},
    {R"(^/blog/\d{4}/)", kCase, "/blog/24/hello", false},
    {"^/docs/", kCase, "/docs/intro", true},
    {"^/docs/", kCase, "/en/docs/intro", false},
    {"^/docs/", kCase, "/docs", false},
    {"pricing", kCase, "https://example.com/pricing?x=1", true},
    {R"(\.example\.com$)", kCase, "www.example.com", true},
    {R"(\.example\.com$)", kCase, "www.example.com.evil", false},
    {"utm_source=(google|bing)", kCase, "?a=1&utm_source=bing&b=2", true},
    {"abc", kCase, "xxabcxx", true},
    {"abc", kCase, "ab", false},
    {"a.c", kCase, "abc", true},
    {"a.c", kCase, "a\012c", false},
    {"a.c", kCase, "a\342\200\250c", false},
    {"a.c", kCase, "a\011c", true},
    {"^abc$", kCase, "abc", true},
    {"^abc$", kCase, "abc\012", false},
    {"b$", kCase, "ab", true},
    {"^b", kCase, "ab", false},
    {"a^b", kCase, "a^b", false},
    {"", kCase, "", true},
    {"", kCase, "anything", true},
    {"^$", kCase, "", true},
    {"^$", kCase, "x", false},
    {"a*", kCase, "", true},
    {R"(\bcat\b)", kCase, "the cat sat", true},
    {R"(\bcat\b)", kCase, "concatenate", false},
    {R"(\Bcat\B)", kCase, "concatenate", true},
    {R"(\bé)", kCase, "é", false},
    {R"(\b)", kCase, "", false},
    {R"(\B)", kCase, "", true},
    {"[abc]", kCase, "xxbxx", true},
    {"[^abc]", kCase, "abc", false},
    {"[^abc]", kCase, "abcd", true},
    {"^[a-f0-9]+$", kCase, "deadbeef42", true},
    {"^[a-f0-9]+$", kCase, "deadbeefg", false},
    {"[]", kCase, "anything", false},
    {"[^]", kCase, "\012", true},
    {"[a-]", kCase, "-", true},
    {"[-a]", kCase, "-", true},
    {R"([\d-z])", kCase, "-", true},
    {R"([\]])", kCase, "]", true},
    {"[.]", kCase, "a", false},
    {R"([\b])", kCase, "\010", true},
    {R"([\w.-]+@[\w-]+\.com)", kCase, "first.last@my-site.com", true},
    {R"(^[^\s]+$)", kCase, "no-spaces", true},
    {R"(^[^\s]+$)", kCase, "has\302\240nbsp", false},
    {"[é-ü]", kCase, "ö", true},
    {R"(\d)", kCase, "٣", false},
    {R"(^\d+$)", kCase, "0123456789", true},
    {R"(\D)", kCase, "123", false},
    {R"(^\w+$)", kCase, "snake_case_9", true},
    {R"(\w)", kCase, "é", false},
    {R"(\W)", kCase, "é", true},
    {R"(\s)", kCase, "\343\200\200", true},
    {R"(\s)", kCase, "\357\273\277", true},
    {R"(\s)", kCase, "\342\200\213", false},
    {R"(^\S+$)", kCase, "a\342\200\251b", false},
    {R"(\t\n\r\v\f)", kCase, "\011\012\015\013\014", true},
    {R"(\x41\u00e9)", kCase, "Aé", true},
    {R"(\cJ)", kCase, "\012", true},
    {R"(\0)", kCase, std::string_view("a\000b", 3), true},
    {R"(\/\.\$\(\[\-\\)", kCase, R"(/.$([-\)", true},
    {R"(\q\p{L})", kCase, "qp{L}", true},
    {R"(\x4)", kCase, "x4", true},
    {R"(\u{41})", kCase, "A", false},
    {R"(\u{2})", kCase, "uu", true},
    {R"(\c)", kCase, R"(\c)", true},
    {R"(\1)", kCase, "\001", true},
    {R"(\8)", kCase, "8", true},
    {R"(\101)", kCase, "A", true},
    {"a{", kCase, "a{", true},
    {"a{1", kCase, "a{1", true},
    {"a{,2}", kCase, "a{,2}", true},
    {"}", kCase, "}", true},
    {"]", kCase, "]", true},
    {"x{a}", kCase, "x{a}", true},
    {"(?:ab)+c", kCase, "ababc", true},
    {R"((?<year>\d{4})-(?<month>\d{2}))", kCase, "on 2024-05-01", true},
    {"a|b|c", kCase, "zzc", true},
    {"a|b|c", kCase, "zzz", false},
    {"(a|)b", kCase, "b", true},
    {"x(|y)z", kCase, "xyz", true},
    {"()", kCase, "", true},
    {"(a|aa)*b", kCase, "aaaab", true},
    {"(a|aa)*b", kCase, "aaaa", false},
    {"^a{2,3}$", kCase, "a", false},
    {"^a{2,3}$", kCase, "aa", true},
    {"^a{2,3}$", kCase, "aaa", true},
    {"^a{2,3}$", kCase, "aaaa", false},
    {"a{2,3}", kCase, "aaaa", true},
    {"^a{3}$", kCase, "aaa", true},
    {"^a{2,}$", kCase, "aaaaaaa", true},
    {"^a{2,}$", kCase, "a", false},
    {"^a{0}$", kCase, "", true},
    {"^(ab){2}$", kCase, "abab", true},
    {"^a+?b*?c??$", kCase, "aab", true},
    {"^a{1,2}?$", kCase, "aa", true},
    {"^(a*)*$", kCase, "aaa", true},
    {"^(a*)+b", kCase, "b", true},
    {"^(?:a?){3}a{3}$", kCase, "aaa", true},
    {"colou?r", kCase, "color", true},
    {"^/PRICING", kI, "/pricing", true},
    {"^/PRICING", kCase, "/pricing", false},
    {"chrome", kI, "Mozilla/5.0 Chrome/120", true},
    {"[A-Z]+", kI, "123abc", true},
    {"[^a-z]", kI, "ABC", false},
    {"é", kI, "É", true},
    {"straße", kI, "STRASSE", false},
    {"ß", kI, "ẞ", false},
    {"ſ", kI, "s", false},
    {"k", kI, "\342\204\252", false},
    {"µ", kI, "Μ", true},
    {"ÿ", kI, "Ÿ", true},
    {"σ", kI, "ς", true},
    {R"(\w)", kI, "ſ", false},
    {R"(\bK)", kI, "k", true},
    {"^.$", kCase, "😀", false},
    {"^..$", kCase, "😀", true},
    {R"(\uD83D\uDE00)", kCase, "a😀b", true},
    {"^[😀]$", kCase, "😀", false},
    {"😀+", kCase, "😀😀", true},
    {"(x+x+)+y", kCase, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy", true},
    {"^(a|a)*$", kCase, "aaaaaaaaaaaa!", false},
    {"(a|a)*$", kCase, "aaaaaaaaaaaa!", true},
    {R"(^(\w+\s?)*$)", kCase, "An input string that fails at the end!", false},
};

TEST(Regex, MatchesLikeJavaScript) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "pattern /" << c.pattern << "/"
                                      << (c.ignore_case ? "i" : "") << " text \"" << c.text
                                      << "\"");
    Result<Regex> re = Regex::Compile(c.pattern, c.ignore_case);
    ASSERT_TRUE(re.ok()) << re.status().ToString();
    EXPECT_EQ(re->Search(c.text), c.expected);
  }
}

// The classic exponential cases for backtracking engines. These are
// correctness checks; the matcher is linear, so they are also fast, but no
// time is asserted here.
TEST(Regex, HostilePatternsAreLinear) {
  const std::string as = std::string(10000, 'a') + "!";
  Result<Regex> nested = Regex::Compile("(a+)+$", false);
  ASSERT_TRUE(nested.ok());
  EXPECT_FALSE(nested->Search(as));
  EXPECT_TRUE(nested->Search(std::string(10000, 'a')));

  const std::string xs(5000, 'x');
  Result<Regex> pairs = Regex::Compile("(x+x+)+y", false);
  ASSERT_TRUE(pairs.ok());
  EXPECT_FALSE(pairs->Search(xs));
  EXPECT_TRUE(pairs->Search(xs + "y"));

  Result<Regex> alternation = Regex::Compile("(a|aa)*b", false);
  ASSERT_TRUE(alternation.ok());
  EXPECT_FALSE(alternation->Search(std::string(10000, 'a')));
  EXPECT_TRUE(alternation->Search(std::string(10000, 'a') + "b"));

  Result<Regex> words = Regex::Compile(R"(^(\w+\s?)*$)", false);
  ASSERT_TRUE(words.ok());
  std::string sentence;
  for (int i = 0; i < 2000; ++i) sentence += "word ";
  EXPECT_TRUE(words->Search(sentence));
  EXPECT_FALSE(words->Search(sentence + "!"));
}

TEST(Regex, EmptyPatternMatchesEverything) {
  for (bool ignore_case : {false, true}) {
    Result<Regex> re = Regex::Compile("", ignore_case);
    ASSERT_TRUE(re.ok());
    EXPECT_TRUE(re->Search(""));
    EXPECT_TRUE(re->Search("anything"));
    EXPECT_TRUE(re->Search("\xff"));
  }
}

struct ErrorCase {
  std::string_view pattern;
  StatusCode code;
  std::string_view message;  // a substring of the message
};

// InvalidArgument rows are SyntaxErrors in Node 20; Unsupported rows are
// patterns Node accepts.
const ErrorCase kErrors[] = {
    {"/???***[)", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 3"},
    {"?", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 0"},
    {"a**", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 2"},
    {"a{2}{3}", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 4"},
    {"^*", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 1"},
    {"$+", StatusCode::kInvalidArgument, "nothing to repeat"},
    {R"(\b*)", StatusCode::kInvalidArgument, "nothing to repeat"},
    {"{1}", StatusCode::kInvalidArgument, "nothing to repeat at pattern offset 0"},
    {"x{2,1}", StatusCode::kInvalidArgument, "numbers out of order"},
    {"(a", StatusCode::kInvalidArgument, "unterminated group at pattern offset 0"},
    {"a)", StatusCode::kInvalidArgument, "unmatched ')' at pattern offset 1"},
    {"[a", StatusCode::kInvalidArgument, "unterminated character class"},
    {"[z-a]", StatusCode::kInvalidArgument, "range out of order in character class"},
    {"a\\", StatusCode::kInvalidArgument, "\\ at end of pattern"},
    {"(?<1a>x)", StatusCode::kInvalidArgument, "invalid capture group name"},
    {"(?<n>a)(?<n>b)", StatusCode::kInvalidArgument, "duplicate capture group name"},
    {"(?x)", StatusCode::kInvalidArgument, "invalid group"},
    {"(?<=a)+", StatusCode::kInvalidArgument, "nothing to repeat"},
    {"(?<n>a)\\k<m>", StatusCode::kInvalidArgument, "invalid named reference"},
    {"(?<n>a)\\k", StatusCode::kInvalidArgument, "invalid named reference"},
    // A syntax error wins over an earlier unsupported construct, as in JS.
    {"(a)\\1(b", StatusCode::kInvalidArgument, "unterminated group at pattern offset 5"},
    {"(a)\\1", StatusCode::kUnsupported, "backreference \\1 at pattern offset 3"},
    {"\\1(a)", StatusCode::kUnsupported, "backreference \\1 at pattern offset 0"},
    {"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10", StatusCode::kUnsupported, "backreference \\10"},
    {"(?<n>a)\\k<n>", StatusCode::kUnsupported, "backreference \\k<name> at pattern offset 7"},
    {"x(?=y)", StatusCode::kUnsupported, "lookahead"},
    {"x(?!y)", StatusCode::kUnsupported, "lookahead"},
    {"(?=a)*b", StatusCode::kUnsupported, "lookahead"},
    {"(?<=y)x", StatusCode::kUnsupported, "lookbehind"},
    {"(?<!y)x", StatusCode::kUnsupported, "lookbehind (?<= or (?<! at pattern offset 0"},
    {"(?i:a)", StatusCode::kUnsupported, "inline modifier group"},
    {"\xff", StatusCode::kInvalidArgument, "not valid UTF-8 at pattern offset 0"},
};

TEST(Regex, RejectsInvalidAndUnsupportedPatterns) {
  for (const ErrorCase& c : kErrors) {
    SCOPED_TRACE(::testing::Message() << "pattern /" << c.pattern << "/");
    Result<Regex> re = Regex::Compile(c.pattern, false);
    ASSERT_FALSE(re.ok());
    EXPECT_EQ(re.status().code(), c.code);
    EXPECT_NE(re.status().message().find(c.message), std::string::npos)
        << re.status().message();
  }
}

TEST(Regex, OffsetsAreBytesOfTheUtf8Pattern) {
  Result<Regex> re = Regex::Compile("é*+", false);  // é is 2 bytes
  ASSERT_FALSE(re.ok());
  EXPECT_NE(re.status().message().find("offset 3"), std::string::npos)
      << re.status().message();
}

TEST(Regex, CountedRepetitionIsCapped) {
  Result<Regex> fits = Regex::Compile("^(?:a{100}){99}$", false);  // 9,902 + match
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_LE(fits->program_size(), Regex::kMaxInstructions);
  EXPECT_TRUE(fits->Search(std::string(9900, 'a')));
  EXPECT_FALSE(fits->Search(std::string(9899, 'a')));

  Result<Regex> nested = Regex::Compile("((a{100}){100}){100}", false);
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(nested.status().message().find("1000001 instructions"), std::string::npos)
      << nested.status().message();
  // Points at the innermost construct that is too large by itself:
  // (a{100}){100}, whose 10,000 instructions leave no room for the rest.
  EXPECT_NE(nested.status().message().find("pattern offset 2 "), std::string::npos)
      << nested.status().message();

  // Huge counts saturate instead of overflowing.
  Result<Regex> huge = Regex::Compile("(a{4294967295}){4294967295}", false);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kOutOfRange);

  // Repeating nothing costs nothing, however often.
  Result<Regex> empty = Regex::Compile("(?:){1000000000}x", false);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->Search("x"));
}

TEST(Regex, NestingIsCapped) {
  auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '(') + "a" +
           std::string(static_cast<size_t>(depth), ')');
  };
  Result<Regex> ok = Regex::Compile(nested(Regex::kMaxNesting), false);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->Search("a"));

  Result<Regex> deep = Regex::Compile(nested(Regex::kMaxNesting + 1), false);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(deep.status().message().find("pattern offset 256"), std::string::npos)
      << deep.status().message();

  // Far deeper than a small stack would survive if this recursed unchecked.
  Result<Regex> abyss = Regex::Compile(std::string(Regex::kMaxPatternBytes, '('), false);
  ASSERT_FALSE(abyss.ok());
  EXPECT_EQ(abyss.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(abyss.status().message().find("nested more than 256"), std::string::npos)
      << abyss.status().message();
}

TEST(Regex, PatternLengthIsCapped) {
  Result<Regex> longest = Regex::Compile(std::string(Regex::kMaxPatternBytes, ')'), false);
  ASSERT_FALSE(longest.ok());  // but not because of its length
  EXPECT_EQ(longest.status().code(), StatusCode::kInvalidArgument);

  Result<Regex> too_long = Regex::Compile(std::string(Regex::kMaxPatternBytes + 1, 'a'), false);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kOutOfRange);
  EXPECT_NE(too_long.status().message().find("65537 bytes"), std::string::npos)
      << too_long.status().message();
}

// Text is read as JavaScript would hold it: UTF-16 code units, with each
// invalid UTF-8 byte as one U+FFFD.
TEST(Regex, ReadsInvalidUtf8AsReplacementCharacters) {
  Result<Regex> one = Regex::Compile("^.$", false);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->Search("\xff"));
  EXPECT_FALSE(one->Search("\xe2\x82"));  // truncated: two units
  EXPECT_TRUE(one->Search("\xe2\x82\xac"));  // the euro sign
  EXPECT_FALSE(one->Search("\xed\xa0\x80"));  // encoded surrogate: three units

  Result<Regex> replacement = Regex::Compile("^\\uFFFD\\uFFFD$", false);
  ASSERT_TRUE(replacement.ok());
  EXPECT_TRUE(replacement->Search("\xc0\xaf"));  // overlong '/'
  EXPECT_TRUE(replacement->Search("\xef\xbf\xbd\xff"));

  // Nothing is read past the end, whatever the last byte promises.
  Result<Regex> any = Regex::Compile("x.", false);
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->Search(std::string_view("x\xf0\x9f\x98\x80", 3)));
  EXPECT_FALSE(any->Search(std::string_view("x\xf0\x9f\x98\x80", 1)));
}

TEST(Regex, NulBytesAreOrdinaryCharacters) {
  Result<Regex> re = Regex::Compile(std::string_view("a\0b", 3), false);
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE(re->Search(std::string_view("xa\0by", 5)));
  EXPECT_FALSE(re->Search("ab"));
}

TEST(Regex, PrefiltersDoNotMissMatches) {
  // Literal prefix, first-byte filter and anchoring, each at the very end of
  // a long text and after near misses.
  std::string text(50000, 'x');
  text += "chromE 2024!";
  struct {
    std::string_view pattern;
    bool ignore_case;
    bool expected;
  } const cases[] = {
      {"chrome", kI, true},        {"chrome", kCase, false},   {"CHROME \\d+", kI, true},
      {"\\d{4}!$", kCase, true},   {"\\d{5}", kCase, false},   {"[cC]hrom[eE]", kCase, true},
      {"^x+c", kCase, true},       {"^y", kCase, false},       {"\\bchr", kCase, false},
      {"\\Bchr", kCase, true},     {"e 2", kCase, false},      {"E 2", kCase, true},
      {"é|!", kCase, true},        {"é", kCase, false},        {"^xxx", kI, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.pattern);
    Result<Regex> re = Regex::Compile(c.pattern, c.ignore_case);
    ASSERT_TRUE(re.ok()) << re.status().ToString();
    EXPECT_EQ(re->Search(text), c.expected);
  }
  // A prefilter jump must land on a character boundary and see the right
  // character before it for \b.
  Result<Regex> boundary = Regex::Compile("\\bb", false);
  ASSERT_TRUE(boundary.ok());
  EXPECT_TRUE(boundary->Search("éb"));  // é is not a word character
  EXPECT_FALSE(boundary->Search("ab"));
  Result<Regex> emoji = Regex::Compile("\\uDE00", false);  // a lone low surrogate
  ASSERT_TRUE(emoji.ok());
  EXPECT_TRUE(emoji->Search("x😀"));
}

// literal_alternatives() (segments/segment_program.h decides texts with
// it instead of searching): the facts for the patterns it covers, none for
// those it does not, and Search agrees with them on texts around each
// alternative.
TEST(Regex, LiteralAlternativesDescribeEveryMatch) {
  struct {
    std::string_view pattern;
    std::vector<std::string> alternatives;
    bool only;
  } const cases[] = {
      {"^/(pricing|signup)", {"/pricing", "/signup"}, true},
      {"^/product/(analytics|automation)", {"/product/analytics", "/product/automation"}, true},
      {"^/(?:a|b)c", {"/a", "/b"}, false},
      {"^(a|)", {"a", ""}, true},
      {"^(a|b)(c|d)", {"a", "b"}, false},
      {"^/(\xC3\xA9t\xC3\xA9|b)", {"/\xC3\xA9t\xC3\xA9", "/b"}, true},
      {"^/blog/\\d{4}/", {}, false},      // no alternation after the prefix
      {"^/pricing|[?&]plan=", {}, false},  // not anchored
      {"^/(a|b+)", {}, false},              // a branch that is not a literal
      {"^/(a|\\d)", {}, false},
      {"^/(a|(b|c))", {}, false},
      {"/(a|b)", {}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.pattern);
    Result<Regex> re = Regex::Compile(c.pattern, false);
    ASSERT_TRUE(re.ok()) << re.status().ToString();
    EXPECT_EQ(re->literal_alternatives(), c.alternatives);
    if (!c.alternatives.empty()) EXPECT_EQ(re->alternatives_only(), c.only);
    // Texts: each alternative, cut short, extended, and with a byte changed.
    std::vector<std::string> texts = {"", "/", "x", "/pricing/plans", "/signup", "/product/analytics/x"};
    for (const std::string& a : c.alternatives) {
      texts.push_back(a);
      texts.push_back(a + "c");
      texts.push_back(a + "x/1");
      if (!a.empty()) texts.push_back(a.substr(0, a.size() - 1));
      if (!a.empty()) texts.push_back(a.substr(0, a.size() - 1) + "Z");
    }
    for (const std::string& text : texts) {
      bool starts = false;
      for (const std::string& a : c.alternatives) starts |= text.compare(0, a.size(), a) == 0;
      if (c.alternatives.empty()) continue;
      if (!starts) EXPECT_FALSE(re->Search(text)) << text;
      if (starts && c.only) EXPECT_TRUE(re->Search(text)) << text;
    }
  }
  Result<Regex> folded = Regex::Compile("^/(pricing|signup)", true);  // not under the i flag
  ASSERT_TRUE(folded.ok());
  EXPECT_TRUE(folded->literal_alternatives().empty());
}

TEST(Regex, IsCopyableAndMovable) {
  Result<Regex> compiled = Regex::Compile("^/(pricing|signup)", false);
  ASSERT_TRUE(compiled.ok());
  Regex original = std::move(compiled).value();
  Regex copy = original;
  EXPECT_TRUE(copy.Search("/pricing"));
  Regex moved = std::move(original);
  EXPECT_TRUE(moved.Search("/signup"));
  EXPECT_FALSE(moved.Search("/blog"));
  EXPECT_FALSE(original.Search("/pricing"));  // NOLINT: moved-from matches nothing

  Result<Regex> other = Regex::Compile("blog", true);
  ASSERT_TRUE(other.ok());
  copy = *other;
  EXPECT_TRUE(copy.Search("/BLOG"));
  moved = std::move(copy);
  EXPECT_TRUE(moved.Search("/Blog"));
}

TEST(Regex, SearchIsRepeatable) {
  // Scratch state from one Search must not leak into the next.
  Result<Regex> re = Regex::Compile("a(b|c)*d", false);
  ASSERT_TRUE(re.ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(re->Search("abcbcb"));
    EXPECT_TRUE(re->Search("xxabcbcd"));
    EXPECT_FALSE(re->Search(""));
  }
}

}  // namespace
}  // namespace leadseg
