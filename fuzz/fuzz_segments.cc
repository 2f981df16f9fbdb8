// (h) The segment program against the condition evaluator:
// `conditions JSON 0xFF attributes JSON 0xFF flags`.
//
// The conditions (an array, or one condition) are compiled in
// GrowthBook-compatible mode (strict mode rejects a subset of the same
// programs) and built into one SegmentProgram; the attributes (an array of
// objects, or one object) are rows. The first flag byte picks volatile
// attribute indexes, the second an evaluation order. Invariants:
//  - nothing throws or crashes;
//  - for every row and condition, SegmentProgram::Holds (in the flagged
//    order, after Begin) and EvaluateAll agree with Condition::Evaluate,
//    for the built program and for it encoded and decoded (which encodes
//    again to the same bytes).
#include <algorithm>
#include <string>
#include <vector>

#include "conditions/condition.h"
#include "fuzz_common.h"
#include "segments/segment_program.h"

using namespace leadseg;

namespace {

const Json& SavedGroups() {
  static const Json groups = Json::parse(R"({"beta": ["acme", "globex", 1, 2.5, true], "empty": []})");
  return groups;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  auto parts = fuzz::Split(data, size, 3);
  auto conditions = ParseJson(parts[0], "conditions");
  auto rows = ParseJson(parts[1], "attributes");
  if (!conditions.ok() || !rows.ok()) return 0;
  std::vector<Json> sources = conditions->is_array() ? conditions->get<std::vector<Json>>() : std::vector<Json>{*conditions};
  std::vector<Json> profiles = rows->is_array() ? rows->get<std::vector<Json>>() : std::vector<Json>{*rows};
  if (sources.size() > 64 || profiles.size() > 64) return 0;
  const uint8_t volatile_bits = parts[2].size() > 0 ? static_cast<uint8_t>(parts[2][0]) : 0;
  const uint8_t order_seed = parts[2].size() > 1 ? static_cast<uint8_t>(parts[2][1]) : 0;

  AttributeSchema schema;
  ConditionOptions options;
  options.strict = false;
  options.saved_groups = &SavedGroups();
  std::vector<Condition> compiled;
  for (const Json& source : sources) {
    auto c = Condition::Compile(source, &schema, options);
    if (c.ok()) compiled.push_back(std::move(c).value());
  }
  std::vector<const Condition*> pointers;
  for (const Condition& c : compiled) pointers.push_back(&c);
  std::vector<int> volatile_attrs;
  for (size_t attr = 0; attr < schema.size() && attr < 8; ++attr) {
    if (volatile_bits >> attr & 1) volatile_attrs.push_back(static_cast<int>(attr));
  }
  SegmentProgram built = SegmentProgram::Build(pointers, volatile_attrs);
  FUZZ_CHECK(built.size() == compiled.size(), "the program lost a condition");
  // What a page runs: the built program stored (Encode) and read back
  // (Decode), which must re-encode to the same bytes and answer the same.
  std::string stored;
  built.Encode(&stored);
  SegmentProgram decoded;
  std::string_view in = stored;
  FUZZ_CHECK(SegmentProgram::Decode(&in, pointers, schema.size(), &decoded) && in.empty(),
             "a built program does not decode");
  std::string again;
  decoded.Encode(&again);
  FUZZ_CHECK(again == stored, "a decoded program encodes to other bytes");

  std::vector<size_t> order(compiled.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!order.empty()) std::rotate(order.begin(), order.begin() + order_seed % order.size(), order.end());
  if (order_seed & 1) std::reverse(order.begin(), order.end());

  SegmentProgram::State state;
  Document doc;
  AttributeSet attributes(&schema);
  std::vector<uint64_t> words(SegmentProgram::WordsFor(compiled.size()) + 1);
  // The built program, and the one a page reads back.
  for (const SegmentProgram* run : {&built, &decoded}) {
    const SegmentProgram& program = *run;
    for (const Json& profile : profiles) {
      doc.Clear();
      attributes.Clear();
      attributes.SetFromObject(doc.Add(profile));
      program.Begin(attributes, &state);
      for (size_t i : order) {
        const bool want = compiled[i].Evaluate(attributes);
        FUZZ_CHECK(program.Holds(i, attributes, &state) == want,
                   "SegmentProgram disagrees with Evaluate on " + fuzz::Dump(sources.size() == compiled.size() ? sources[i] : Json()) +
                       " for " + fuzz::Dump(profile));
      }
      program.EvaluateAll(attributes, &state, words.data());
      for (size_t i = 0; i < compiled.size(); ++i) {
        FUZZ_CHECK(((words[i / 64] >> (i % 64)) & 1) == (compiled[i].Evaluate(attributes) ? 1u : 0u),
                   "EvaluateAll disagrees with Evaluate");
      }
    }
  }
  return 0;
}
