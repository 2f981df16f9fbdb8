// Small validators shared by the config compilers: each reports a
// diagnostic with the JSON Pointer of what is wrong and returns whether the
// value was usable.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "leadseg/diagnostics.h"
#include "core/duration.h"
#include "core/json.h"

namespace leadseg {

// Reports every key of `obj` not in `allowed` (typos must not be ignored).
bool CheckKnownKeys(const Json& obj, const std::string& path, std::initializer_list<const char*> allowed,
                    Diagnostics* d);

// Reads obj[key] as a duration ("7d"); absent leaves `out` unchanged.
bool ReadDuration(const Json& obj, const char* key, const std::string& path, Diagnostics* d, TimeMs* out,
                  bool allow_forever = false);

// Reads obj[key] as a finite number; absent leaves `out` unchanged.
bool ReadNumber(const Json& obj, const char* key, const std::string& path, Diagnostics* d, double* out);

// Reads obj[key] as a string; absent leaves `out` unchanged.
bool ReadString(const Json& obj, const char* key, const std::string& path, Diagnostics* d, std::string* out);

// True for ids made of letters, digits and _, starting with a letter or _,
// at most 64 characters.
bool IsIdentifier(const std::string& s);

}  // namespace leadseg
