// (g) DecodeCompiledConfig of arbitrary bytes: the compiled configs
// (leadseg/compiled_config.h) a page may be served.
//
// Byte 0 selects the mode:
//   bit 0 clear: the rest is decoded as is (magic, version, length and CRC
//                must all be right by chance, so mostly header checks run);
//   bit 0 set:   the rest is a *payload*; a valid header (magic, the
//                current version, length, CRC-32) is put in front of it, so the section
//                decoders and the condition programs see arbitrary data.
//   bit 1 set:   the payload is the shipped example's, with the rest of the
//                input overwriting it from an offset read from its first two
//                bytes, so decoding gets deep into a valid layout.
//
// Invariants:
//  - never a crash, hang or sanitizer report;
//  - a rejected input has a message;
//  - the runtime module's decoder (DecodeCompiledConfigForRuntime, no regex
//    compiler, no program builder) agrees, except that it refuses with
//    FailedPrecondition every version before the stored programs (4);
//  - an accepted config encodes again to bytes that decode to a config
//    encoding to the same bytes (a fixed point), and an engine runs on it:
//    identify, track, advance, explain every segment, decide every slot.
#include <string>

#include "b2b_saas_config.h"
#include "leadseg/compiled_config.h"
#include "core/bytes.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "fuzz_common.h"

using namespace leadseg;

namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

const std::string& ShippedPayload() {
  static const std::string payload = [] {
    Diagnostics d;
    std::string_view text(reinterpret_cast<const char*>(fuzz::kB2bSaasConfig), fuzz::kB2bSaasConfigSize);
    auto config = CompileConfigText(text, &d);
    FUZZ_CHECK(config != nullptr, "the shipped example config does not compile");
    return EncodeCompiledConfig(*config, d).substr(kCompiledConfigHeaderBytes);
  }();
  return payload;
}

std::string WithHeader(const std::string& payload) {
  std::string out(kCompiledConfigMagic, sizeof kCompiledConfigMagic);
  out += static_cast<char>(kCompiledConfigVersion & 0xFF);
  out += static_cast<char>(kCompiledConfigVersion >> 8);
  out += std::string(2, '\0');
  for (uint32_t v : {static_cast<uint32_t>(payload.size()), bytes::Crc32(payload)}) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i));
  }
  return out + payload;
}

void Exercise(const LoadedConfig& loaded) {
  Diagnostics warnings;
  for (const auto& w : loaded.warnings) warnings.Warning(w.code, w.message, w.path);
  std::string again = EncodeCompiledConfig(*loaded.config, warnings);
  auto reread = DecodeCompiledConfig(again);
  FUZZ_CHECK(reread.ok(), "re-encoded config does not decode: " + reread.status().ToString());
  FUZZ_CHECK(EncodeCompiledConfig(*reread->config, warnings) == again, "re-encoding is not a fixed point");

  Engine engine(loaded.config);
  (void)engine.Identify(Json{{"job_title", "CTO"}, {"company_size", 40}, {"country", "US"}}, kT0);
  (void)engine.Track("page_view", Json{{"path", "/pricing"}}, kT0 + 1000);
  (void)engine.Track("purchase", Json{{"amount", 250}}, kT0 + 2000);
  (void)engine.Advance(kT0 + 3 * kDay);
  for (const auto& s : loaded.config->segments()) (void)engine.Explain(s.id);
  for (const auto& s : loaded.config->slots()) (void)engine.Decide(s.id, kT0 + 3 * kDay);
  (void)engine.ScoreBreakdown();
  (void)engine.Metrics();
  std::string snapshot = engine.Snapshot();
  Engine other(loaded.config);
  FUZZ_CHECK(other.Restore(snapshot).ok(), "a snapshot does not restore into an engine on the same config");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string input;
  if (mode & 2) {
    std::string payload = ShippedPayload();
    size_t offset = rest.size() >= 2 ? (static_cast<uint8_t>(rest[0]) | static_cast<uint8_t>(rest[1]) << 8) : 0;
    std::string patch = rest.size() >= 2 ? rest.substr(2) : rest;
    offset %= payload.size() + 1;
    payload.replace(offset, std::min(patch.size(), payload.size() - offset), patch);
    input = WithHeader(payload);
  } else if (mode & 1) {
    input = WithHeader(rest);
  } else {
    input = rest;
  }
  auto loaded = DecodeCompiledConfig(input);
  auto runtime = DecodeCompiledConfigForRuntime(input);
  if (runtime.ok()) {
    FUZZ_CHECK(loaded.ok(), "the runtime decoder accepts what the native one rejects: " + loaded.status().ToString());
    FUZZ_CHECK(EncodeCompiledConfig(*runtime->config, Diagnostics()) == EncodeCompiledConfig(*loaded->config, Diagnostics()),
               "the runtime decoder reads a different config");
  } else if (runtime.status().code() == StatusCode::kFailedPrecondition && loaded.ok()) {
    FUZZ_CHECK(static_cast<uint8_t>(input[4]) < kFirstStoredProgramVersion && input[5] == 0,
               "the runtime decoder refuses a current config: " + runtime.status().ToString());
  } else {
    FUZZ_CHECK(!loaded.ok(), "the runtime decoder rejects what the native one reads: " + runtime.status().ToString());
  }
  if (!loaded.ok()) {
    FUZZ_CHECK(!loaded.status().message().empty(), "a rejection without a message");
    return 0;
  }
  Exercise(*loaded);
  return 0;
}
