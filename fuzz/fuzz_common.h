// Shared helpers of the leadseg fuzz targets (fuzz/*.cc).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/json.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace fuzz {

// An invariant violation: print what broke and abort, which libFuzzer
// reports as a crash and saves the input as a reproducer.
[[noreturn]] inline void Fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\n==leadseg-fuzz== invariant violated at %s:%d: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

#define FUZZ_CHECK(cond, what)                                             \
  do {                                                                     \
    if (!(cond)) ::leadseg::fuzz::Fail(__FILE__, __LINE__, (what));        \
  } while (0)

// Splits `data` at the first `n - 1` occurrences of `sep` into n parts (the
// last part takes the rest, separators included). 0xFF never occurs in
// valid UTF-8, so it separates JSON texts without escaping.
inline std::vector<std::string_view> Split(const uint8_t* data, size_t size, size_t n, char sep = '\xff') {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < n) {
    size_t at = rest.find(sep);
    if (at == std::string_view::npos) break;
    parts.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 1);
  }
  parts.push_back(rest);
  while (parts.size() < n) parts.emplace_back();
  return parts;
}

// JSON text for messages; never throws (invalid UTF-8 is replaced).
inline std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

// True when `j` dumps without an exception, i.e. every string and key in it
// is valid UTF-8 (nlohmann's dump() throws type_error 316 otherwise, and the
// wasm bindings call dump() on results).
inline bool DumpsCleanly(const Json& j) {
  try {
    (void)j.dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

inline std::shared_ptr<const CompiledConfig> CompileOrDie(std::string_view text, const char* what) {
  Diagnostics d;
  auto c = CompileConfigText(text, &d);
  if (!c) {
    std::fprintf(stderr, "leadseg-fuzz: %s does not compile:\n%s", what, d.Format().c_str());
    std::abort();
  }
  return std::shared_ptr<const CompiledConfig>(std::move(c));
}

}  // namespace fuzz
}  // namespace leadseg
