// Diagnostics: every problem found in a config, not just the first.
//
// A marketer editing a config wants the whole list in one go; the engine
// still refuses to load a config with any error. Warnings (hygiene: a
// segment that can never match, duplicates, over-segmentation) never block
// loading.
#pragma once

#include <string>
#include <vector>

#include "leadseg/status.h"

namespace leadseg {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string code;     // stable identifier, e.g. "condition", "duplicate-id", "cycle"
  std::string message;
  std::string path;     // JSON Pointer into the config
};

class Diagnostics {
 public:
  void Error(std::string code, std::string message, std::string path);
  void Error(const Status& status, std::string code = "invalid");
  void Warning(std::string code, std::string message, std::string path);

  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // The first error as a Status (for APIs that return one), or ok.
  Status FirstError() const;
  // "error [code] <message> (at <path>)" lines, warnings likewise.
  std::string Format() const;

 private:
  std::vector<Diagnostic> items_;
  int errors_ = 0;
};

}  // namespace leadseg
