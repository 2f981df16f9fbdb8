// core/bytes.h: the checksum every compiled config and snapshot carries,
// and the varint reader's one-byte fast path against its general loop.
#include "core/bytes.h"

#include <gtest/gtest.h>

#include <string>

namespace leadseg {
namespace {

// Bitwise CRC-32 (IEEE), the definition the sliced tables must agree with.
uint32_t ReferenceCrc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : data) {
    crc ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return crc ^ 0xFFFFFFFFu;
}

TEST(Crc32, CheckValue) { EXPECT_EQ(bytes::Crc32("123456789"), 0xCBF43926u); }

TEST(Crc32, EveryLengthAndAlignmentMatchesTheBitwiseDefinition) {
  std::string data;
  for (int i = 0; i < 300; ++i) data.push_back(static_cast<char>(i * 7919 % 251));
  for (size_t start = 0; start < 4; ++start) {
    for (size_t len = 0; start + len <= data.size(); ++len) {
      const std::string_view part(data.data() + start, len);
      ASSERT_EQ(bytes::Crc32(part), ReferenceCrc32(part)) << "start " << start << ", length " << len;
    }
  }
}

TEST(GetVarint, OneByteAndLongerValuesRoundTrip) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, uint64_t{1} << 35,
                     ~uint64_t{0}}) {
    std::string out;
    bytes::PutVarint(v, &out);
    out.push_back('x');
    std::string_view in(out);
    uint64_t got = 12345;
    ASSERT_TRUE(bytes::GetVarint(&in, &got)) << v;
    EXPECT_EQ(got, v);
    EXPECT_EQ(in, "x") << v;
  }
}

TEST(GetVarint, EmptyAndTruncatedInputFail) {
  uint64_t v;
  std::string_view empty;
  EXPECT_FALSE(bytes::GetVarint(&empty, &v));
  std::string_view truncated("\x80\x80", 2);
  EXPECT_FALSE(bytes::GetVarint(&truncated, &v));
}

}  // namespace
}  // namespace leadseg
