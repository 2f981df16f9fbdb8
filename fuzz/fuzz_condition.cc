// (b) Conditions: `condition JSON 0xFF attributes JSON 0xFF frame bytes`.
//
// The condition is compiled in strict and in GrowthBook-compatible mode (with
// a fixed set of saved groups) and evaluated against
//   1. the attributes JSON (Document::Add + SetFromObject), and
//   2. the third part decoded as a binary attribute frame (DecodeFrame),
//   3. the attributes of (1) encoded as a frame and decoded again.
// Invariants:
//  - nothing throws or crashes; malformed frames are errors, not reads past
//    the buffer;
//  - Evaluate and Explain agree; every explained leaf dumps cleanly;
//  - strict success implies compatible success, with no warnings and the
//    same result;
//  - the frame round trip of (3) gives the same result as (1).
#include <string>

#include "conditions/condition.h"
#include "core/value_codec.h"
#include "fuzz_common.h"

using namespace leadseg;

namespace {

const Json& SavedGroups() {
  static const Json groups = Json::parse(
      R"({"beta": ["acme", "globex", 1, 2.5, true], "empty": [], "nums": [0, -1, 1e300],
          "mixed": [null, "1", [1], {"a": 1}]})");
  return groups;
}

struct Outcome {
  bool compiled = false;
  bool json_result = false;
  bool frame_ok = false;
  bool frame_result = false;
  size_t warnings = 0;
};

bool EvaluateChecked(const Condition& c, const AttributeSet& attributes) {
  bool result = c.Evaluate(attributes);
  std::vector<LeafTrace> trace;
  bool explained = c.Explain(attributes, &trace);
  FUZZ_CHECK(result == explained, "Evaluate and Explain disagree");
  for (const auto& t : trace) {
    (void)fuzz::Dump(t.operand.ToJson());
    (void)fuzz::Dump(t.actual.ToJson());
  }
  return result;
}

Outcome Run(const Json& condition, bool strict, const Json* attributes, std::string_view frame) {
  Outcome out;
  ConditionOptions options;
  options.strict = strict;
  options.saved_groups = &SavedGroups();
  AttributeSchema schema;
  auto compiled = Condition::Compile(condition, &schema, options, "/c");
  if (!compiled.ok()) {
    FUZZ_CHECK(!compiled.status().message().empty(), "a compile error without a message");
    return out;
  }
  out.compiled = true;
  const Condition& c = *compiled;
  out.warnings = c.warnings().size();
  if (strict) FUZZ_CHECK(out.warnings == 0, "strict mode produced warnings");
  (void)c.canonical();
  c.ForEachLeaf([](const std::string&, const Json& operand, const std::string&) { (void)fuzz::Dump(operand); });
  for (int attr : c.attrs()) FUZZ_CHECK(attr >= 0 && static_cast<size_t>(attr) < schema.size(), "attr out of range");

  Document doc;
  AttributeSet set(&schema);
  if (attributes) {
    set.Clear();
    Value root = doc.Add(*attributes);
    set.SetFromObject(root);
    out.json_result = EvaluateChecked(c, set);

    // Same attributes through the binary frame codec (what the browser sends).
    std::string encoded;
    uint32_t count = 0;
    for (size_t attr = 0; attr < schema.size(); ++attr) count += set.Get(static_cast<int>(attr)) ? 1 : 0;
    EncodeAttrHeader(count, &encoded);
    for (size_t attr = 0; attr < schema.size(); ++attr) {
      if (const Value* v = set.Get(static_cast<int>(attr))) {
        EncodeAttr(static_cast<uint32_t>(attr), &encoded);
        EncodeValue(*v, &encoded);
      }
    }
    Document frame_doc;
    AttributeSet decoded(&schema);
    Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), &frame_doc, &decoded);
    // Frames cap nesting at 64; deeper JSON attributes cannot travel as frames.
    if (s.ok()) {
      FUZZ_CHECK(EvaluateChecked(c, decoded) == out.json_result,
                 "frame round trip changed the result of " + fuzz::Dump(condition) + " on " + fuzz::Dump(*attributes));
    } else {
      FUZZ_CHECK(s.code() == StatusCode::kOutOfRange, "an encoded frame does not decode: " + s.ToString());
    }
  }

  Document frame_doc;
  set.Clear();
  Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(frame.data()), frame.size(), &frame_doc, &set);
  if (s.ok()) {
    out.frame_ok = true;
    out.frame_result = EvaluateChecked(c, set);
  } else {
    FUZZ_CHECK(!s.message().empty(), "a frame error without a message");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  auto parts = fuzz::Split(data, size, 3);
  auto condition = ParseJson(parts[0], "condition");
  if (!condition.ok()) return 0;
  auto attributes = ParseJson(parts[1], "attributes");
  const Json* attrs = attributes.ok() && attributes->is_object() ? &*attributes : nullptr;

  Outcome strict = Run(*condition, /*strict=*/true, attrs, parts[2]);
  Outcome compatible = Run(*condition, /*strict=*/false, attrs, parts[2]);
  if (strict.compiled) {
    FUZZ_CHECK(compatible.compiled, "strict mode compiled what compatible mode rejected");
    FUZZ_CHECK(compatible.warnings == 0, "compatible mode warns about a condition strict mode accepts");
    FUZZ_CHECK(strict.json_result == compatible.json_result,
               "strict and compatible disagree on " + fuzz::Dump(*condition));
    FUZZ_CHECK(strict.frame_ok == compatible.frame_ok && strict.frame_result == compatible.frame_result,
               "strict and compatible disagree on a frame");
  }
  return 0;
}
