#include "core/bytes.h"

namespace leadseg {
namespace bytes {

uint64_t Reader::U() {
  uint64_t v = 0;
  if (ok_ && !GetVarint(&in_, &v)) ok_ = false;
  return ok_ ? v : 0;
}

uint32_t Reader::U32() { return static_cast<uint32_t>(Below(uint64_t{UINT32_MAX} + 1)); }

uint64_t Reader::Below(uint64_t limit) {
  uint64_t v = U();
  return Check(v < limit) ? v : 0;
}

int64_t Reader::I() {
  int64_t v = 0;
  if (ok_ && !GetSigned(&in_, &v)) ok_ = false;
  return ok_ ? v : 0;
}

uint64_t Reader::W64() {
  uint64_t v = 0;
  if (ok_ && !GetFixed64(&in_, &v)) ok_ = false;
  return ok_ ? v : 0;
}

double Reader::D() {
  uint64_t bits = W64();
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

uint8_t Reader::Byte() {
  uint8_t v = 0;
  if (ok_ && !GetByte(&in_, &v)) ok_ = false;
  return ok_ ? v : 0;
}

bool Reader::B() {
  const uint8_t v = Byte();
  return Check(v <= 1) && v == 1;
}

void Reader::S(std::string* s) {
  if (ok_ && !GetString(&in_, s)) ok_ = false;
}

size_t Reader::Count(uint64_t max) {
  uint64_t n = 0;
  if (ok_ && !GetCount(&in_, max, &n)) ok_ = false;
  return ok_ ? static_cast<size_t>(n) : 0;
}

uint32_t Crc32(std::string_view data) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace bytes
}  // namespace leadseg
