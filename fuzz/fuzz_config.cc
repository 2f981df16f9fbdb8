// (a) Config text -> ParseJson + CompileConfigText, and for configs that
// compile, one short life of an Engine built from them.
//
// Invariants:
//  - a config is returned exactly when the diagnostics hold no error, and a
//    rejected config names at least one error;
//  - nothing throws; every diagnostic formats;
//  - a compiled config evaluates: identify, track, advance, explain every
//    segment, snapshot -> restore into a fresh engine gives the same export
//    and segments.
#include <string>
#include <string_view>

#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "fuzz_common.h"

using namespace leadseg;

namespace {
constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;  // larger texts only slow the search down
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics d;
  std::unique_ptr<CompiledConfig> compiled = CompileConfigText(text, &d);
  (void)d.Format();
  if (!compiled) {
    FUZZ_CHECK(d.has_errors(), "a config was rejected without an error diagnostic");
    FUZZ_CHECK(!d.FirstError().ok(), "FirstError() is ok for a rejected config");
    return 0;
  }
  FUZZ_CHECK(!d.has_errors(), "a config compiled despite error diagnostics: " + d.Format());
  (void)compiled->Summary();
  // Keep evaluation cheap: huge generated configs add nothing here.
  if (compiled->segments().size() > 200 || compiled->metrics().size() > 200) return 0;

  auto config = std::shared_ptr<const CompiledConfig>(std::move(compiled));
  Engine e(config);
  (void)e.Identify(Json{{"job_title", "CTO"}, {"age", 30}, {"company_size", 20}}, kT0);
  (void)e.Declare("interests", Json::array({"security"}), kT0);
  (void)e.Track("page_view", Json{{"path", "/pricing"}, {"amount", 10}}, kT0 + 1);
  (void)e.Track("purchase", Json{{"amount", 100}, {"value", "x"}}, kT0 + 2);
  (void)e.Advance(kT0 + 3 * kDay);
  for (const auto& s : config->segments()) {
    auto x = e.Explain(s.id);
    FUZZ_CHECK(x.ok(), "Explain of a configured segment failed: " + x.status().ToString());
  }
  (void)e.Metrics();
  (void)e.ScoreBreakdown();
  (void)e.AttributeView();
  std::string snap = e.Snapshot();
  Engine f(config);
  Status s = f.Restore(snap);
  FUZZ_CHECK(s.ok(), "a fresh snapshot does not restore: " + s.ToString());
  FUZZ_CHECK(f.Export() == e.Export(), "restore changed the export");
  FUZZ_CHECK(f.Segments() == e.Segments(), "restore changed the segments");
  return 0;
}
