#include "scoring/predictive_config.h"

#include "config/json_checks.h"

namespace leadseg {
namespace {

// The agreed format: [a-z0-9_]+ (at most 64, like other ids).
bool IsModelId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// "scoring": {"points": N} or "grading": {"points": N}.
bool ReadPoints(const Json& section, const char* key, Diagnostics* d, std::optional<double>* out) {
  auto it = section.find(key);
  if (it == section.end()) return true;
  std::string here = ChildPath("/predictive", key);
  if (!it->is_object()) {
    d->Error("type", std::string(key) + " must be an object: {\"points\": N}", here);
    return false;
  }
  CheckKnownKeys(*it, here, {"points"}, d);
  if (!it->contains("points")) {
    d->Error("missing", std::string(key) + " needs \"points\": what a probability of 1 adds", ChildPath(here, "points"));
    return false;
  }
  double points = 0;
  if (!ReadNumber(*it, "points", here, d, &points)) return false;
  *out = points;
  return true;
}

bool CompileFeature(const Json& f, const std::string& path, const SectionContext& ctx, PredictiveFeature* out) {
  Diagnostics* d = ctx.diagnostics;
  if (!f.is_object()) {
    d->Error("type", "a feature must be an object", path);
    return false;
  }
  bool ok = CheckKnownKeys(f, path, {"attribute", "weight", "mean", "scale", "equals", "missing"}, d);
  auto attribute = f.find("attribute");
  if (attribute == f.end() || !attribute->is_string() || attribute->get_ref<const std::string&>().empty()) {
    d->Error("missing", "a feature needs \"attribute\": the name it reads", ChildPath(path, "attribute"));
    ok = false;
  } else {
    out->attribute = attribute->get<std::string>();
  }
  if (!f.contains("weight")) {
    d->Error("missing", "a feature needs \"weight\"", ChildPath(path, "weight"));
    ok = false;
  } else {
    ok &= ReadNumber(f, "weight", path, d, &out->weight);
  }
  bool numeric = f.contains("mean") || f.contains("scale");
  bool equals = f.contains("equals");
  bool missing = f.contains("missing");
  if (numeric + equals + missing != 1) {
    d->Error("shape",
             "a feature is exactly one of numeric (\"mean\"/\"scale\"), one-hot (\"equals\") or a missing "
             "indicator (\"missing\": true)",
             path);
    return false;
  }
  if (numeric) {
    out->kind = PredictiveFeature::Kind::kNumeric;
    ok &= ReadNumber(f, "mean", path, d, &out->mean);
    if (ReadNumber(f, "scale", path, d, &out->scale)) {
      if (!(out->scale > 0)) {
        d->Error("range", "scale must be above 0", ChildPath(path, "scale"));
        ok = false;
      }
    } else {
      ok = false;
    }
  } else if (equals) {
    out->kind = PredictiveFeature::Kind::kEquals;
    const Json& e = f["equals"];
    if (e.is_string()) {
      out->equals_type = ValueType::kString;
      out->equals_string = e.get<std::string>();
    } else if (e.is_number()) {
      out->equals_type = ValueType::kNumber;
      out->equals_number = e.get<double>();
    } else if (e.is_boolean()) {
      out->equals_type = ValueType::kBool;
      out->equals_bool = e.get<bool>();
    } else {
      d->Error("type", "equals must be a string, a number or a boolean", ChildPath(path, "equals"));
      ok = false;
    }
  } else {
    out->kind = PredictiveFeature::Kind::kMissing;
    if (f["missing"] != true) {
      d->Error("type", "missing must be true (a missing indicator)", ChildPath(path, "missing"));
      ok = false;
    }
  }
  if (!ok) return false;
  out->attr = ctx.schema->Intern(out->ParsePath());
  return true;
}

}  // namespace

std::optional<PredictiveSpec> CompilePredictive(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/predictive";
  if (!section.is_object()) {
    d->Error("type", "predictive must be an object", path);
    return std::nullopt;
  }
  CheckKnownKeys(section, path, {"id", "name", "model", "intercept", "features", "scoring", "grading", "trainedOn"}, d);
  PredictiveSpec spec;
  bool ok = true;
  auto id = section.find("id");
  if (id == section.end() || !id->is_string() || !IsModelId(id->get<std::string>())) {
    d->Error("id", "predictive needs an \"id\" of lowercase letters, digits and _ (at most 64)", ChildPath(path, "id"));
    ok = false;
  } else {
    spec.id = id->get<std::string>();
  }
  ok &= ReadString(section, "name", path, d, &spec.name);
  auto model = section.find("model");
  if (model == section.end() || *model != "logistic") {
    d->Error("enum", "model must be \"logistic\" (the only kind of model so far)", ChildPath(path, "model"));
    ok = false;
  }
  if (!section.contains("intercept")) {
    d->Error("missing", "predictive needs \"intercept\": the log-odds when every feature contributes 0",
             ChildPath(path, "intercept"));
    ok = false;
  } else {
    ok &= ReadNumber(section, "intercept", path, d, &spec.intercept);
  }
  auto features = section.find("features");
  if (features == section.end() || !features->is_array() || features->empty() ||
      features->size() > kMaxPredictiveFeatures) {
    d->Error("missing", "predictive needs \"features\": an array of 1 to " + std::to_string(kMaxPredictiveFeatures) +
                            " features",
             ChildPath(path, "features"));
    ok = false;
  } else {
    for (size_t i = 0; i < features->size(); ++i) {
      PredictiveFeature f;
      if (CompileFeature((*features)[i], ChildPath(ChildPath(path, "features"), i), ctx, &f)) {
        spec.features.push_back(std::move(f));
      } else {
        ok = false;
      }
    }
  }
  ok &= ReadPoints(section, "scoring", d, &spec.score_points);
  ok &= ReadPoints(section, "grading", d, &spec.grade_points);
  if (!section.contains("scoring") && !section.contains("grading")) {
    d->Error("missing",
             "predictive has neither scoring nor grading: add \"scoring\": {\"points\": N} and/or \"grading\": "
             "{\"points\": N}, or the model has no effect",
             path);
    ok = false;
  }
  if (auto t = section.find("trainedOn"); t != section.end() && !t->is_object()) {
    d->Error("type", "trainedOn must be an object (informational: rows, auc, at ...)", ChildPath(path, "trainedOn"));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return spec;
}

void CheckPredictiveHygiene(const PredictiveSpec& spec, const std::map<std::string, std::string>& declared_types,
                            const std::set<std::string>& known, Diagnostics* d) {
  for (size_t i = 0; i < spec.features.size(); ++i) {
    const PredictiveFeature& f = spec.features[i];
    std::string head = f.attribute.substr(0, f.attribute.find('.'));
    std::string path = ChildPath(ChildPath("/predictive/features", i), "attribute");
    auto declared = declared_types.find(head);
    if (declared == declared_types.end()) {
      if (!declared_types.empty() && !known.count(head)) {
        d->Warning("unknown-attribute",
                   "\"" + head + "\" is not a declared attribute, a metric or a name the engine publishes, and no "
                   "condition reads it: the feature will always see it missing",
                   path);
      }
      continue;
    }
    if (f.steps.size() > 0) continue;  // a path into an object or array: its own type is unknown
    const std::string& type = declared->second;
    std::string used;
    if (f.kind == PredictiveFeature::Kind::kNumeric) used = "number";
    if (f.kind == PredictiveFeature::Kind::kEquals) used = ValueTypeName(f.equals_type);
    if (!used.empty() && used != type && type != "array" && !(used == "number" && type == "boolean")) {
      d->Warning("type-mismatch", "\"" + head + "\" is declared " + type + " but the model reads it as a " + used,
                 path);
    }
  }
}

}  // namespace leadseg
