// The config compiler: a config's JSON in, a CompiledConfig (or every
// problem with it) out.
//
//   Diagnostics d;
//   std::unique_ptr<CompiledConfig> config = CompileConfigText(text, &d);
//   if (!config) return d.FirstError();  // d.all(): every problem, with its JSON Pointer
//   std::string lsc = EncodeCompiledConfig(*config, d);  // to ship it compiled
//                                                        // (leadseg/compiled_config.h)
//   Engine engine(std::move(config));                    // or use it (leadseg/engine.h)
//
// This is the compiler's API, apart from the runtime's (leadseg/engine.h,
// leadseg/compiled_config.h's decoders): a page that loads compiled
// configs never calls it, and the runtime WebAssembly module links none of
// it. config/config.h documents the config itself and docs/config.md every
// field.
#pragma once

#include <memory>
#include <string_view>

#include "leadseg/diagnostics.h"
#include "leadseg/json_fwd.h"

namespace leadseg {

class CompiledConfig;

// Compiles a parsed config. Returns null when `diagnostics` has errors;
// warnings may be present either way.
std::unique_ptr<CompiledConfig> CompileConfig(const Json& config, Diagnostics* diagnostics);
// Parses then compiles; a JSON syntax error is reported as a diagnostic.
std::unique_ptr<CompiledConfig> CompileConfigText(std::string_view text, Diagnostics* diagnostics);

}  // namespace leadseg
