// What engine tests start from: a config compiled from JSON text (a test
// fails, with the compiler's diagnostics, when the text does not compile)
// and the tests' common first instant.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/diagnostics.h"
#include "core/duration.h"

namespace leadseg {
namespace testing {

inline constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

inline std::shared_ptr<const CompiledConfig> Compile(const std::string& text) {
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(text, &d);
  EXPECT_TRUE(config) << d.Format();
  return config;
}

}  // namespace testing
}  // namespace leadseg
