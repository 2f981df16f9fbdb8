// The evalCondition section of GrowthBook's cases.json, run through
// Condition in GrowthBook-compatible mode, and through the same program
// after the Encode/Decode round trip of compiled configs, and through the
// segment evaluator (segments/segment_program.h) segments use.
#include "conditions/condition.h"
#include "conformance/conformance.h"
#include "segments/segment_program.h"

namespace leadseg {

std::vector<SectionResult> RunGrowthBookConditionSections(const Json& cases) {
  SectionResult section;
  section.name = "evalCondition";
  const Json* list = cases.contains("evalCondition") ? &cases["evalCondition"] : nullptr;
  if (!list || !list->is_array()) return {};
  Document doc;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& c = (*list)[i];
    std::string name = c.is_array() && !c.empty() && c[0].is_string() ? c[0].get<std::string>() : "";
    std::string label = "#" + std::to_string(i) + " " + name;
    if (!c.is_array() || c.size() < 4 || !c[3].is_boolean()) {
      ++section.failed;
      section.failures.push_back(label + ": malformed case");
      continue;
    }
    ConditionOptions options;
    options.strict = false;
    Json groups = c.size() > 4 ? c[4] : Json::object();
    options.saved_groups = &groups;
    AttributeSchema schema;
    auto condition = Condition::Compile(c[1], &schema, options);
    if (!condition.ok()) {
      ++section.failed;
      section.failures.push_back(label + ": compile error: " + condition.status().ToString());
      continue;
    }
    // The runtime evaluates programs read from compiled configs: run every
    // case through that round trip too, and require both answers.
    std::string program;
    condition->Encode(&program);
    std::string_view in = program;
    auto runtime = Condition::Decode(&in, schema);
    if (!runtime.ok() || !in.empty()) {
      ++section.failed;
      section.failures.push_back(label + ": compiled program does not read back: " + runtime.status().ToString());
      continue;
    }
    doc.Clear();
    AttributeSet attributes(&schema);
    attributes.Clear();
    attributes.SetFromObject(doc.Add(c[2]));
    bool got = condition->Evaluate(attributes);
    if (runtime->Evaluate(attributes) != got) {
      ++section.failed;
      section.failures.push_back(label + ": the compiled program answers differently from the compiled condition");
      continue;
    }
    SegmentProgram segments = SegmentProgram::Build({&*runtime}, {});
    SegmentProgram::State state;
    segments.Begin(attributes, &state);
    if (segments.Holds(0, attributes, &state) != got) {
      ++section.failed;
      section.failures.push_back(label + ": the segment program answers differently from the compiled condition");
      continue;
    }
    bool expected = c[3].get<bool>();
    if (got == expected) {
      ++section.passed;
    } else {
      ++section.failed;
      section.failures.push_back(label + ": got " + (got ? "true" : "false") + ", expected " +
                                 (expected ? "true" : "false") + "; condition " + c[1].dump() +
                                 ", attributes " + c[2].dump());
    }
  }
  return {section};
}

}  // namespace leadseg
