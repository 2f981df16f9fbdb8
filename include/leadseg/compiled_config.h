// Compiled configs (.lsc): a CompiledConfig as versioned, checksummed bytes.
//
//   Diagnostics d;
//   auto config = CompileConfigText(json, &d);            // the compiler
//   std::string lsc = EncodeCompiledConfig(*config, d);   // build time
//   ...
//   auto loaded = DecodeCompiledConfig(lsc);              // page load
//   Engine engine(std::move(loaded->config));
//
// The bytes hold the compiled programs, not the config's JSON: loading
// them parses no JSON, runs no check and needs neither nlohmann's parser
// nor the config compiler, which is what lets the runtime module leave both
// out. Every index, count, enum and operand type is checked while decoding,
// so truncated, corrupted or hostile bytes are a Status, never a crash:
//   DataLoss            not a compiled config, truncated, checksum mismatch,
//                       or contents that do not hold together;
//   FailedPrecondition  a format version this build does not read (compiled
//                       by a newer leadseg: recompile with this one);
//                       older versions (from 1) are read by
//                       DecodeCompiledConfig, not by
//                       DecodeCompiledConfigForRuntime (see there).
// The hygiene warnings the compiler reported travel with the bytes, so an
// engine loaded from them reports the same `warnings` as one given the JSON.
//
// docs/compiled-config.md documents the format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/diagnostics.h"
#include "leadseg/status.h"

namespace leadseg {

// The compiled programs and tables of a config (config/config.h, internal):
// callers hold and pass it, only the engine reads it.
class CompiledConfig;

// "LSCF": the first four bytes of every compiled config.
inline constexpr char kCompiledConfigMagic[4] = {'L', 'S', 'C', 'F'};
// The format version this build writes, and the newest it reads. Bump it
// whenever the layout of any section changes, and keep reading the older
// ones: version 2 appended the predictive model to version 1; version 3
// stores each regex as its compiled program where 1 and 2 stored its
// pattern (Condition::Decode reads both: ConditionDecodeOptions); version
// 4 appends the built segment and event programs
// (segments/segment_program.h), which older versions leave to the reader
// to build.
inline constexpr uint16_t kCompiledConfigVersion = 4;
// The first version that stores compiled regex programs.
inline constexpr uint16_t kFirstRegexProgramVersion = 3;
// The first version that stores the built segment and event programs.
inline constexpr uint16_t kFirstStoredProgramVersion = 4;
// The oldest format version this build reads.
inline constexpr uint16_t kOldestCompiledConfigVersion = 1;
// magic (4) + version (2) + flags (2) + payload length (4) + CRC-32 (4).
inline constexpr size_t kCompiledConfigHeaderBytes = 16;

struct LoadedConfig {
  std::shared_ptr<const CompiledConfig> config;
  std::vector<Diagnostic> warnings;  // the compiler's warnings, as it reported them
};

// The compiled form of `config`, with the warnings (not errors) of
// `diagnostics`.
std::string EncodeCompiledConfig(const CompiledConfig& config, const Diagnostics& diagnostics);

// Reads bytes written by EncodeCompiledConfig, of any version from
// kOldestCompiledConfigVersion on. The regexes of versions 1 and 2 are
// pattern text, which this compiles: it links the regex compiler
// (conditions/regex_compiler.cc); versions 1 to 3 hold no built programs,
// which this builds (SegmentProgram::Build, a few milliseconds).
Result<LoadedConfig> DecodeCompiledConfig(std::string_view bytes);

// The same without the regex compiler and the program builder, for the
// WebAssembly runtime module (bindings/, LEADSEG_RUNTIME_MODULE), which is
// smaller for leaving both out: a config of a version before
// kFirstStoredProgramVersion is FailedPrecondition, with a message asking
// for the config to be compiled again; everything else reads exactly as
// with DecodeCompiledConfig.
Result<LoadedConfig> DecodeCompiledConfigForRuntime(std::string_view bytes);

// True when `bytes` start with the magic: a compiled config (maybe damaged)
// rather than JSON text.
bool LooksLikeCompiledConfig(std::string_view bytes);

}  // namespace leadseg
