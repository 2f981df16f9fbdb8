// The run, feature and stickyBucket sections of GrowthBook's cases.json,
// compared the way the SDK's Jest runner does (toEqual: deep, numbers by
// value, object key order ignored).
#include "conformance/growthbook_experiment_suite.h"

#include <cmath>
#include <memory>
#include <optional>

#include "conformance/conformance.h"
#include "decisions/experiment.h"

namespace leadseg {

namespace {

// Jest toEqual over JSON: numbers by value, key order ignored.
bool DeepEqual(const Json& a, const Json& b) { return JsonEquivalent(a, b); }

const Json* Member(const Json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

std::string CaseLabel(const Json& c, size_t i) {
  std::string name = c.is_array() && !c.empty() && c[0].is_string() ? c[0].get<std::string>() : "";
  return "#" + std::to_string(i) + " " + name;
}

// A cases.json context turned into an EvalContext. Not movable: `ctx`
// points into `features`.
struct CaseContext {
  EvalContext ctx;
  Json saved_groups = Json::object();
  std::optional<FeatureEvaluator> features;

  CaseContext() = default;
  CaseContext(const CaseContext&) = delete;
  CaseContext& operator=(const CaseContext&) = delete;

  Status Load(const Json& c) {
    if (!c.is_object()) return InvalidArgument("context must be an object");
    if (const Json* a = Member(c, "attributes"); a && a->is_object()) ctx.attributes = *a;
    if (const Json* u = Member(c, "url"); u && u->is_string()) ctx.url = u->get<std::string>();
    if (const Json* f = Member(c, "forcedVariations"); f && f->is_object()) {
      for (auto it = f->begin(); it != f->end(); ++it) {
        if (!it.value().is_number()) return InvalidArgument("forced variation must be a number");
        ctx.forced_variations[it.key()] = static_cast<int>(it.value().get<double>());
      }
    }
    if (const Json* q = Member(c, "qaMode"); q && q->is_boolean()) ctx.qa_mode = q->get<bool>();
    if (const Json* e = Member(c, "enabled"); e && e->is_boolean() && !e->get<bool>()) {
      ctx.enabled = false;
    }
    if (const Json* g = Member(c, "savedGroups"); g && g->is_object()) saved_groups = *g;
    if (const Json* f = Member(c, "features")) {
      FeatureCompileOptions options;
      options.saved_groups = &saved_groups;
      options.contextual_bandits = Member(c, "contextualBandits");
      auto compiled = FeatureEvaluator::Compile(*f, options, "/features");
      if (!compiled.ok()) return compiled.status();
      features.emplace(std::move(compiled).value());
      ctx.features = &*features;
    }
    return Status::Ok();
  }
};

void Fail(SectionResult* section, const std::string& label, const std::string& what) {
  ++section->failed;
  section->failures.push_back(label + ": " + what);
}

SectionResult RunSection(const Json& cases) {
  SectionResult section;
  section.name = "run";
  const Json& list = cases["run"];
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    std::string label = CaseLabel(c, i);
    if (!c.is_array() || c.size() < 6 || !c[4].is_boolean() || !c[5].is_boolean()) {
      Fail(&section, label, "malformed case");
      continue;
    }
    CaseContext context;
    Status st = context.Load(c[1]);
    if (!st.ok()) {
      Fail(&section, label, "context: " + st.ToString());
      continue;
    }
    ExperimentCompileOptions options;
    options.saved_groups = &context.saved_groups;
    auto spec = ExperimentSpec::Compile(c[2], options);
    if (!spec.ok()) {
      Fail(&section, label, "compile error: " + spec.status().ToString());
      continue;
    }
    ExperimentResult r = RunExperiment(*spec, context.ctx);
    bool in = c[4].get<bool>(), hash_used = c[5].get<bool>();
    if (DeepEqual(r.value, c[3]) && r.in_experiment == in && r.hash_used == hash_used) {
      ++section.passed;
    } else {
      Fail(&section, label,
           "got value " + r.value.dump() + " inExperiment " + (r.in_experiment ? "true" : "false") +
               " hashUsed " + (r.hash_used ? "true" : "false") + ", expected value " + c[3].dump() +
               " inExperiment " + (in ? "true" : "false") + " hashUsed " +
               (hash_used ? "true" : "false"));
    }
  }
  return section;
}

SectionResult FeatureSection(const Json& cases, const std::string& name) {
  SectionResult section;
  section.name = name;
  const Json& list = cases[name];
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    std::string label = CaseLabel(c, i);
    if (!c.is_array() || c.size() < 4 || !c[2].is_string() || !c[3].is_object()) {
      Fail(&section, label, "malformed case");
      continue;
    }
    CaseContext context;
    Status st = context.Load(c[1]);
    if (!st.ok()) {
      Fail(&section, label, "context: " + st.ToString());
      continue;
    }
    Json got;
    if (context.features) {
      got = context.features->Evaluate(c[2].get<std::string>(), context.ctx).ToJson();
    } else {
      auto empty = FeatureEvaluator::Compile(Json::object());
      got = empty->Evaluate(c[2].get<std::string>(), context.ctx).ToJson();
    }
    // The SDK runner compares with {ruleId: "", ...expected}.
    Json expected = c[3];
    if (!expected.contains("ruleId")) expected["ruleId"] = "";
    if (DeepEqual(got, expected)) {
      ++section.passed;
    } else {
      Fail(&section, label, "got " + got.dump() + ", expected " + expected.dump());
    }
  }
  return section;
}

SectionResult StickyBucketSection(const Json& cases) {
  SectionResult section;
  section.name = "stickyBucket";
  const Json& list = cases["stickyBucket"];
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& c = list[i];
    std::string label = CaseLabel(c, i);
    if (!c.is_array() || c.size() < 6 || !c[2].is_array() || !c[3].is_string() ||
        !c[5].is_object()) {
      Fail(&section, label, "malformed case");
      continue;
    }
    CaseContext context;
    Status st = context.Load(c[1]);
    if (!st.ok()) {
      Fail(&section, label, "context: " + st.ToString());
      continue;
    }
    InMemoryStickyBucketStore store;
    for (size_t d = 0; d < c[2].size() && st.ok(); ++d) {
      auto doc = StickyAssignmentDoc::FromJson(c[2][d], "/" + std::to_string(d));
      st = doc.ok() ? store.Save(*doc) : doc.status();
    }
    if (!st.ok()) {
      Fail(&section, label, "initial docs: " + st.ToString());
      continue;
    }
    context.ctx.sticky_bucket_store = &store;
    auto empty = FeatureEvaluator::Compile(Json::object());
    const FeatureEvaluator& features = context.features ? *context.features : *empty;
    FeatureResult result = features.Evaluate(c[3].get<std::string>(), context.ctx);
    Json got_result = result.experiment_result ? result.experiment_result->ToJson() : Json(nullptr);

    // The SDK's docs map holds the docs it loaded for the visitor's
    // identifier attributes (attr||String(attributes[attr] || "")) plus the
    // ones it saved, which are for identifier attributes too.
    Json got_docs = Json::object();
    for (const std::string& attr : features.StickyBucketIdentifierAttributes()) {
      std::string value = HashAttributeString(context.ctx.attributes, attr);
      if (auto doc = store.Get(attr, value)) got_docs[StickyAttributeKey(attr, value)] = doc->ToJson();
    }

    bool result_ok = DeepEqual(got_result, c[4]);
    bool docs_ok = DeepEqual(got_docs, c[5]);
    if (result_ok && docs_ok) {
      ++section.passed;
    } else {
      std::string what;
      if (!result_ok) what += "experimentResult " + got_result.dump() + ", expected " + c[4].dump();
      if (!docs_ok) {
        what += std::string(what.empty() ? "" : "; ") + "docs " + got_docs.dump() + ", expected " +
                c[5].dump();
      }
      Fail(&section, label, what);
    }
  }
  return section;
}

bool HasSection(const Json& cases, const char* name) {
  const Json* s = Member(cases, name);
  return s != nullptr && s->is_array();
}

}  // namespace

SectionResult RunGrowthBookFeatureSection(const Json& cases, const std::string& section) {
  if (!HasSection(cases, section.c_str())) {
    SectionResult missing;
    missing.name = section;
    missing.skipped = true;
    return missing;
  }
  return FeatureSection(cases, section);
}

std::vector<SectionResult> RunGrowthBookExperimentSections(const Json& cases) {
  std::vector<SectionResult> sections;
  if (HasSection(cases, "run")) sections.push_back(RunSection(cases));
  if (HasSection(cases, "feature")) sections.push_back(FeatureSection(cases, "feature"));
  if (HasSection(cases, "stickyBucket")) sections.push_back(StickyBucketSection(cases));
  return sections;
}

}  // namespace leadseg
