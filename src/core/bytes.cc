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

// Slicing by 4 (four tables, a word per step): in the runtime wasm a byte
// per step ran the loop 29,600 times for the worked example's compiled
// config at every load, enough for V8 to compile it again with TurboFan
// (~1 ms of CPU on a background thread) on top of a slower Liftoff loop.
// The tables (4 KB) are built at the first call rather than stored in the
// module's bytes.
uint32_t Crc32(std::string_view data) {
  static uint32_t table[4][256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (int t = 1; t < 4; ++t) table[t][i] = table[0][table[t - 1][i] & 0xFF] ^ (table[t - 1][i] >> 8);
    }
    ready = true;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  uint32_t crc = 0xFFFFFFFFu;
  for (; n >= 4; p += 4, n -= 4) {
    crc ^= static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
           static_cast<uint32_t>(p[3]) << 24;
    crc = table[3][crc & 0xFF] ^ table[2][(crc >> 8) & 0xFF] ^ table[1][(crc >> 16) & 0xFF] ^ table[0][crc >> 24];
  }
  for (; n > 0; ++p, --n) crc = table[0][(crc ^ *p) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace bytes
}  // namespace leadseg
