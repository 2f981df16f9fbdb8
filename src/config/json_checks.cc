#include "config/json_checks.h"

#include <algorithm>
#include <cmath>

namespace leadseg {

bool CheckKnownKeys(const Json& obj, const std::string& path, std::initializer_list<const char*> allowed,
                    Diagnostics* d) {
  bool ok = true;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return it.key() == k; })) {
      d->Error("unknown-key", "unknown key \"" + it.key() + "\"", ChildPath(path, it.key()));
      ok = false;
    }
  }
  return ok;
}

bool ReadDuration(const Json& obj, const char* key, const std::string& path, Diagnostics* d, TimeMs* out,
                  bool allow_forever) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  std::string here = ChildPath(path, key);
  if (!it->is_string()) {
    d->Error("duration", std::string(key) + " must be a string like \"7d\"", here);
    return false;
  }
  auto parsed = ParseDuration(it->get<std::string>());
  if (!parsed.ok()) {
    d->Error("duration", parsed.status().message(), here);
    return false;
  }
  if (*parsed == kForever && !allow_forever) {
    d->Error("duration", std::string(key) + " cannot be \"all\"", here);
    return false;
  }
  *out = *parsed;
  return true;
}

bool ReadNumber(const Json& obj, const char* key, const std::string& path, Diagnostics* d, double* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_number() || !std::isfinite(it->get<double>()) || std::fabs(it->get<double>()) > 1e12) {
    d->Error("type", std::string(key) + " must be a number (at most 1e12 in size)", ChildPath(path, key));
    return false;
  }
  *out = it->get<double>();
  return true;
}

bool ReadString(const Json& obj, const char* key, const std::string& path, Diagnostics* d, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_string()) {
    d->Error("type", std::string(key) + " must be a string", ChildPath(path, key));
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace leadseg
