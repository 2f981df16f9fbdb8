// (e) JsonLogic: `rule JSON 0xFF data JSON`.
//
// Invariants:
//  - Compile never throws; an error carries a message;
//  - Apply and Test never crash or hang (reduce/map over data are bounded
//    by the input size), are deterministic, and Test agrees with Truthy of
//    Apply;
//  - the result converts to JSON that dumps cleanly: the wasm binding
//    returns result.ToJson().dump(), which throws on invalid UTF-8 (substr
//    and string indexing cut strings, and must not cut a character in half).
#include <cmath>
#include <string>

#include "conditions/jsonlogic.h"
#include "fuzz_common.h"

using namespace leadseg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 32 * 1024) return 0;
  auto parts = fuzz::Split(data, size, 2);
  auto rule = ParseJson(parts[0], "rule");
  if (!rule.ok()) return 0;
  auto compiled = JsonLogic::Compile(*rule);
  if (!compiled.ok()) {
    FUZZ_CHECK(!compiled.status().message().empty(), "a compile error without a message");
    return 0;
  }
  auto input = ParseJson(parts[1].empty() ? std::string_view("null") : parts[1], "data");
  Json data_json = input.ok() ? *input : Json(nullptr);
  Document data_doc, arena, arena2;
  Value d = data_doc.Add(data_json);
  Value result = compiled->Apply(d, &arena);
  Json out = result.ToJson();
  FUZZ_CHECK(fuzz::DumpsCleanly(out), "the result is not valid UTF-8: rule " + fuzz::Dump(*rule) +
                                          ", data " + fuzz::Dump(data_json) + ", result " + fuzz::Dump(out));
  Value again = compiled->Apply(d, &arena2);
  FUZZ_CHECK(fuzz::Dump(again.ToJson()) == fuzz::Dump(out), "Apply is not deterministic");
  arena.Clear();
  FUZZ_CHECK(compiled->Test(d, &arena) == JsonLogic::Truthy(again), "Test disagrees with Truthy(Apply)");
  return 0;
}
