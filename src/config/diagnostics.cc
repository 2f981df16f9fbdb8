#include "leadseg/diagnostics.h"

namespace leadseg {

void Diagnostics::Error(std::string code, std::string message, std::string path) {
  items_.push_back({Diagnostic::Severity::kError, std::move(code), std::move(message), std::move(path)});
  ++errors_;
}

void Diagnostics::Error(const Status& status, std::string code) {
  Error(std::move(code), status.message(), status.path());
}

void Diagnostics::Warning(std::string code, std::string message, std::string path) {
  items_.push_back({Diagnostic::Severity::kWarning, std::move(code), std::move(message), std::move(path)});
}

Status Diagnostics::FirstError() const {
  for (const auto& d : items_) {
    if (d.severity == Diagnostic::Severity::kError) return InvalidArgument(d.message, d.path);
  }
  return Status::Ok();
}

std::string Diagnostics::Format() const {
  std::string out;
  for (const auto& d : items_) {
    out += d.severity == Diagnostic::Severity::kError ? "error" : "warning";
    out += " [" + d.code + "] " + d.message;
    if (!d.path.empty()) out += " (at " + d.path + ")";
    out += "\n";
  }
  return out;
}

}  // namespace leadseg
