// core/utf8.h: the RFC 3629 rules every UTF-8 reader in leadseg shares.
// Each ill-formed case is checked by all three readers (DecodeUtf8,
// IsValidUtf8, DecodeUtf8OrReplacement) so that they cannot drift apart.
// The replacement counts follow TextDecoder (WHATWG "UTF-8 decode"; the
// values were checked with node 20's `new TextDecoder().decode(bytes)`).
#include "core/utf8.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace leadseg {
namespace {

const unsigned char* Bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// What DecodeUtf8OrReplacement makes of all of `s`.
std::vector<uint32_t> DecodeAll(const std::string& s) {
  std::vector<uint32_t> out;
  const unsigned char* p = Bytes(s);
  const unsigned char* end = p + s.size();
  while (p != end) out.push_back(DecodeUtf8OrReplacement(p, end));
  return out;
}

TEST(Utf8, DecodesOneToFourByteSequences) {
  struct {
    std::string bytes;
    uint32_t cp;
  } cases[] = {
      {std::string(1, '\0'), 0x00}, {"A", 0x41},          {"\x7F", 0x7F},
      {"\xC2\x80", 0x80},       {"\xC3\xA9", 0xE9},   {"\xDF\xBF", 0x7FF},
      {"\xE0\xA0\x80", 0x800},  {"\xE2\x82\xAC", 0x20AC}, {"\xED\x9F\xBF", 0xD7FF},
      {"\xEE\x80\x80", 0xE000}, {"\xEF\xBF\xBD", 0xFFFD}, {"\xEF\xBF\xBF", 0xFFFF},
      {"\xF0\x90\x80\x80", 0x10000}, {"\xF0\x9F\x98\x80", 0x1F600}, {"\xF4\x8F\xBF\xBF", 0x10FFFF},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.bytes));
    uint32_t cp = 0, len = 0;
    ASSERT_TRUE(DecodeUtf8(Bytes(c.bytes), c.bytes.size(), &cp, &len));
    EXPECT_EQ(cp, c.cp);
    EXPECT_EQ(len, c.bytes.size());
    EXPECT_TRUE(IsValidUtf8(c.bytes));
    EXPECT_EQ(DecodeAll(c.bytes), std::vector<uint32_t>{c.cp});
    std::string encoded;
    AppendUtf8(c.cp, &encoded);
    EXPECT_EQ(encoded, c.bytes);
  }
}

TEST(Utf8, DecodesOnlyTheFirstSequence) {
  const std::string s = "\xC3\xA9x";
  uint32_t cp = 0, len = 0;
  ASSERT_TRUE(DecodeUtf8(Bytes(s), s.size(), &cp, &len));
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(len, 2u);
}

// Ill-formed input, and what TextDecoder reads instead: one U+FFFD per
// maximal subpart, the byte that broke a sequence read afresh.
TEST(Utf8, RejectsIllFormedSequences) {
  const uint32_t R = kReplacementCharacter;
  struct {
    const char* why;
    std::string bytes;
    std::vector<uint32_t> text_decoder;
  } cases[] = {
      {"lone continuation", "\x80", {R}},
      {"lone continuation BF", "\xBF", {R}},
      {"two continuations", "\x80\x80", {R, R}},
      {"overlong lead C0", "\xC0\xAF", {R, R}},
      {"overlong lead C1", "\xC1\xBF", {R, R}},
      {"overlong 3-byte (U+007F)", "\xE0\x81\xBF", {R, R, R}},
      {"overlong 3-byte (U+07FF)", "\xE0\x9F\xBF", {R, R, R}},
      {"overlong 4-byte (U+FFFF)", "\xF0\x8F\xBF\xBF", {R, R, R, R}},
      {"high surrogate U+D800", "\xED\xA0\x80", {R, R, R}},
      {"low surrogate U+DFFF", "\xED\xBF\xBF", {R, R, R}},
      {"U+110000", "\xF4\x90\x80\x80", {R, R, R, R}},
      {"lead F5", "\xF5\x80\x80\x80", {R, R, R, R}},
      {"lead FF", "\xFF", {R}},
      {"truncated 2-byte", "\xC3", {R}},
      {"truncated 3-byte", "\xE2\x82", {R}},
      {"truncated 4-byte", "\xF0\x9F\x98", {R}},
      {"truncated, then ASCII", "\xE2\x82" "A", {R, 'A'}},
      {"bad second continuation", "\xF0\x9F\x41\x80", {R, 'A', R}},
      {"ASCII where a continuation belongs", "\xC3(", {R, '('}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    uint32_t cp = 12345, len = 678;
    EXPECT_FALSE(DecodeUtf8(Bytes(c.bytes), c.bytes.size(), &cp, &len));
    EXPECT_EQ(cp, 12345u);  // left alone
    EXPECT_EQ(len, 678u);
    EXPECT_FALSE(IsValidUtf8(c.bytes));
    EXPECT_FALSE(IsValidUtf8("ok " + c.bytes + " ok"));
    EXPECT_EQ(DecodeAll(c.bytes), c.text_decoder);
  }
}

TEST(Utf8, AvailCutsASequenceShort) {
  const std::string euro = "\xE2\x82\xAC";
  uint32_t cp = 0, len = 0;
  EXPECT_FALSE(DecodeUtf8(Bytes(euro), 2, &cp, &len));
  EXPECT_FALSE(DecodeUtf8(Bytes(euro), 1, &cp, &len));
  EXPECT_TRUE(DecodeUtf8(Bytes(euro), 3, &cp, &len));
  EXPECT_EQ(cp, 0x20ACu);
}

TEST(Utf8, ValidatesWholeStrings) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul \0 inside", 12)));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("caf\xC3\xA9 \xE2\x82 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("ends cut \xF0\x9F\x98"));
}

// The lead table against a brute-force oracle: for every lead byte and
// every first continuation byte, it accepts exactly the two-byte prefixes
// of some code point's (unique, shortest) encoding.
TEST(Utf8, LeadTableMatchesTheEncoder) {
  bool prefix_used[256][256] = {};
  int continuations[256];
  for (int b = 0; b < 256; ++b) continuations[b] = -1;
  for (uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    AppendUtf8(cp, &s);
    const auto lead = static_cast<unsigned char>(s[0]);
    continuations[lead] = static_cast<int>(s.size()) - 1;
    if (s.size() > 1) prefix_used[lead][static_cast<unsigned char>(s[1])] = true;
  }
  for (int b = 0; b < 256; ++b) {
    SCOPED_TRACE(b);
    const Utf8Lead lead = Utf8LeadOf(static_cast<unsigned char>(b));
    EXPECT_EQ(lead.continuations, continuations[b]);
    if (lead.continuations <= 0) continue;
    for (int c = 0; c < 256; ++c) {
      EXPECT_EQ(c >= lead.lo && c <= lead.hi, prefix_used[b][c]) << "second byte " << c;
    }
  }
}

}  // namespace
}  // namespace leadseg
