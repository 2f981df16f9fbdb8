#include "core/utf8.h"

namespace leadseg {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp, len;
    if (!DecodeUtf8(p + i, n - i, &cp, &len)) return false;
    i += len;
  }
  return true;
}

}  // namespace leadseg
