// What every module's bindings hand JavaScript when a call fails or a config
// loads with warnings, in one shape: bindings/errors.post.js (and
// web/src/batch-module.js for the batch module) turns an error record into a
// LeadsegError. Shared by the full, runtime, batch and learning modules'
// glue; header-only because each module compiles its own bindings.
#pragma once

#include <emscripten/val.h>

#include <vector>

#include "leadseg/diagnostics.h"
#include "leadseg/status.h"

namespace leadseg {

// {__leadsegError: message, path}: the core's Status as a record.
inline emscripten::val ErrorRecord(const Status& status) {
  emscripten::val record = emscripten::val::object();
  record.set("__leadsegError", emscripten::val(status.message()));
  record.set("path", emscripten::val(status.path()));
  return record;
}

// A load's warnings as JS: [{code, message, path}].
inline emscripten::val WarningsToVal(const std::vector<Diagnostic>& diagnostics) {
  emscripten::val warnings = emscripten::val::array();
  for (const auto& d : diagnostics) {
    emscripten::val item = emscripten::val::object();
    item.set("code", emscripten::val(d.code));
    item.set("message", emscripten::val(d.message));
    item.set("path", emscripten::val(d.path));
    warnings.call<void>("push", item);
  }
  return warnings;
}

// A config that does not compile: the first error's record, with every
// diagnostic (errors and warnings) as `diagnostics`.
inline emscripten::val ErrorRecord(const Diagnostics& diagnostics) {
  emscripten::val record = ErrorRecord(diagnostics.FirstError());
  emscripten::val list = emscripten::val::array();
  for (const auto& d : diagnostics.all()) {
    emscripten::val item = emscripten::val::object();
    item.set("severity", emscripten::val(d.severity == Diagnostic::Severity::kError ? "error" : "warning"));
    item.set("code", emscripten::val(d.code));
    item.set("message", emscripten::val(d.message));
    item.set("path", emscripten::val(d.path));
    list.call<void>("push", item);
  }
  record.set("diagnostics", list);
  return record;
}

}  // namespace leadseg
