#include "scoring/scoring_config.h"

#include <set>

#include "config/json_checks.h"

namespace leadseg {
namespace {

std::optional<Condition> CompileCondition(const Json& c, AttributeSchema* schema, const std::string& path,
                                          const SectionContext& ctx) {
  ConditionOptions options;
  options.saved_groups = ctx.saved_groups;
  auto compiled = Condition::Compile(c, schema, options, path);
  if (!compiled.ok()) {
    ctx.diagnostics->Error(compiled.status(), "condition");
    return std::nullopt;
  }
  return std::move(compiled).value();
}

// Reads the "id" every rule carries, checking it is an identifier and new.
bool ReadRuleId(const Json& rule, const std::string& path, std::set<std::string>* seen, Diagnostics* d,
                std::string* id) {
  auto it = rule.find("id");
  if (it == rule.end() || !it->is_string() || !IsIdentifier(it->get<std::string>())) {
    d->Error("id", "a rule needs an \"id\" of letters, digits and _", ChildPath(path, "id"));
    return false;
  }
  *id = it->get<std::string>();
  if (!seen->insert(*id).second) {
    d->Error("duplicate-id", "rule id \"" + *id + "\" is used twice", ChildPath(path, "id"));
    return false;
  }
  return true;
}

bool RequireObject(const Json& j, const std::string& path, const char* what, Diagnostics* d) {
  if (j.is_object()) return true;
  d->Error("type", std::string(what) + " must be an object", path);
  return false;
}

}  // namespace

std::optional<ScoringSpec> CompileScoring(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/scoring";
  if (!RequireObject(section, path, "scoring", d)) return std::nullopt;
  CheckKnownKeys(section, path, {"rules", "decay", "min", "max"}, d);
  ScoringSpec spec;
  bool ok = true;
  auto rules = section.find("rules");
  if (rules == section.end() || !rules->is_array()) {
    d->Error("missing", "scoring needs a \"rules\" array", ChildPath(path, "rules"));
    return std::nullopt;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < rules->size(); ++i) {
    const Json& r = (*rules)[i];
    std::string here = ChildPath(ChildPath(path, "rules"), i);
    if (!RequireObject(r, here, "a scoring rule", d)) {
      ok = false;
      continue;
    }
    CheckKnownKeys(r, here, {"id", "name", "description", "points", "event", "trait", "maxTimes", "maxPoints", "oncePer"}, d);
    ScoreRule rule;
    if (!ReadRuleId(r, here, &ids, d, &rule.id)) {
      ok = false;
      continue;
    }
    auto points = r.find("points");
    if (points == r.end() || !ReadNumber(r, "points", here, d, &rule.points)) {
      if (points == r.end()) d->Error("missing", "a scoring rule needs \"points\"", ChildPath(here, "points"));
      ok = false;
      continue;
    }
    bool has_event = r.contains("event"), has_trait = r.contains("trait");
    if (has_event == has_trait) {
      d->Error("shape", "a scoring rule needs exactly one of \"event\" (a condition on the event) or \"trait\" "
                        "(a condition on the profile)", here);
      ok = false;
      continue;
    }
    rule.is_event = has_event;
    rule.condition = has_event ? CompileCondition(r["event"], ctx.event_schema, ChildPath(here, "event"), ctx)
                               : CompileCondition(r["trait"], ctx.schema, ChildPath(here, "trait"), ctx);
    if (!rule.condition) {
      ok = false;
      continue;
    }
    if (!rule.is_event && (r.contains("maxTimes") || r.contains("maxPoints") || r.contains("oncePer"))) {
      d->Error("shape", "caps (maxTimes, maxPoints, oncePer) apply to event rules only", here);
      ok = false;
      continue;
    }
    if (auto t = r.find("maxTimes"); t != r.end()) {
      if (!t->is_number_integer() || t->get<int64_t>() < 1 || t->get<int64_t>() > 1000000) {
        d->Error("range", "maxTimes must be a positive integer", ChildPath(here, "maxTimes"));
        ok = false;
      } else {
        rule.max_times = static_cast<int>(t->get<int64_t>());
      }
    }
    double max_points = 0;
    if (r.contains("maxPoints")) {
      if (ReadNumber(r, "maxPoints", here, d, &max_points) && max_points > 0) rule.max_points = max_points;
      else {
        if (max_points <= 0) d->Error("range", "maxPoints must be positive", ChildPath(here, "maxPoints"));
        ok = false;
      }
    }
    ok &= ReadDuration(r, "oncePer", here, d, &rule.once_per);
    spec.rules.push_back(std::move(rule));
  }
  if (auto decay = section.find("decay"); decay != section.end()) {
    std::string here = ChildPath(path, "decay");
    if (!RequireObject(*decay, here, "decay", d)) return std::nullopt;
    CheckKnownKeys(*decay, here, {"halfLife", "points", "every", "after"}, d);
    if (decay->contains("halfLife")) {
      spec.decay.kind = DecaySpec::Kind::kHalfLife;
      ok &= ReadDuration(*decay, "halfLife", here, d, &spec.decay.half_life);
      if (decay->contains("points") || decay->contains("every")) {
        d->Error("shape", "decay is either {halfLife} or {points, every, after}", here);
        ok = false;
      }
    } else if (decay->contains("points") && decay->contains("every")) {
      spec.decay.kind = DecaySpec::Kind::kLinear;
      ok &= ReadNumber(*decay, "points", here, d, &spec.decay.points);
      ok &= ReadDuration(*decay, "every", here, d, &spec.decay.every);
      ok &= ReadDuration(*decay, "after", here, d, &spec.decay.after);
      if (spec.decay.points <= 0) {
        d->Error("range", "decay points must be positive", ChildPath(here, "points"));
        ok = false;
      }
    } else {
      d->Error("shape", "decay is either {halfLife} or {points, every, after}", here);
      ok = false;
    }
  }
  for (const char* key : {"min", "max"}) {
    double v = 0;
    if (section.contains(key) && ReadNumber(section, key, path, d, &v)) {
      (std::string(key) == "min" ? spec.min : spec.max) = v;
    }
  }
  if (spec.min && spec.max && *spec.min > *spec.max) {
    d->Error("range", "scoring min is above max", path);
    ok = false;
  }
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<GradingSpec> CompileGrading(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/grading";
  if (!RequireObject(section, path, "grading", d)) return std::nullopt;
  CheckKnownKeys(section, path, {"rules", "bands", "engagement"}, d);
  GradingSpec spec;
  bool ok = true;
  auto rules = section.find("rules");
  if (rules == section.end() || !rules->is_array()) {
    d->Error("missing", "grading needs a \"rules\" array", ChildPath(path, "rules"));
    return std::nullopt;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < rules->size(); ++i) {
    const Json& r = (*rules)[i];
    std::string here = ChildPath(ChildPath(path, "rules"), i);
    if (!RequireObject(r, here, "a grading rule", d)) {
      ok = false;
      continue;
    }
    CheckKnownKeys(r, here, {"id", "name", "description", "points", "condition"}, d);
    std::string id;
    double points = 0;
    if (!ReadRuleId(r, here, &ids, d, &id) || !ReadNumber(r, "points", here, d, &points) || !r.contains("condition")) {
      if (!r.contains("condition")) d->Error("missing", "a grading rule needs a \"condition\"", ChildPath(here, "condition"));
      ok = false;
      continue;
    }
    auto c = CompileCondition(r["condition"], ctx.schema, ChildPath(here, "condition"), ctx);
    if (!c) {
      ok = false;
      continue;
    }
    spec.rules.push_back(GradeRule{id, points, std::move(*c)});
  }
  if (auto bands = section.find("bands"); bands != section.end()) {
    std::string here = ChildPath(path, "bands");
    if (!RequireObject(*bands, here, "bands", d)) return std::nullopt;
    CheckKnownKeys(*bands, here, {"A", "B", "C"}, d);
    ok &= ReadNumber(*bands, "A", here, d, &spec.a);
    ok &= ReadNumber(*bands, "B", here, d, &spec.b);
    ok &= ReadNumber(*bands, "C", here, d, &spec.c);
    if (!(spec.a > spec.b && spec.b > spec.c)) {
      d->Error("range", "bands must satisfy A > B > C", here);
      ok = false;
    }
  }
  if (auto e = section.find("engagement"); e != section.end()) {
    std::string here = ChildPath(path, "engagement");
    bool valid = e->is_array() && e->size() == 3;
    for (size_t i = 0; valid && i < 3; ++i) {
      valid = (*e)[i].is_number() && (i == 0 || (*e)[i].get<double>() < (*e)[i - 1].get<double>());
      if (valid) spec.engagement[i] = (*e)[i].get<double>();
    }
    if (!valid) {
      d->Error("range", "engagement must be 3 descending score thresholds for digits 1, 2 and 3", here);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<TemperatureSpec> CompileTemperature(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/temperature";
  if (!RequireObject(section, path, "temperature", d)) return std::nullopt;
  CheckKnownKeys(section, path, {"warm", "hot", "hysteresis"}, d);
  TemperatureSpec spec;
  bool ok = ReadNumber(section, "warm", path, d, &spec.warm) && ReadNumber(section, "hot", path, d, &spec.hot) &&
            ReadNumber(section, "hysteresis", path, d, &spec.hysteresis);
  if (ok && !(spec.hot > spec.warm)) {
    d->Error("range", "hot must be above warm", path);
    ok = false;
  }
  if (ok && (spec.hysteresis < 0 || spec.hysteresis >= spec.hot - spec.warm)) {
    d->Error("range", "hysteresis must be at least 0 and below hot - warm", ChildPath(path, "hysteresis"));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<LifecycleSpec> CompileLifecycle(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/lifecycle";
  if (!RequireObject(section, path, "lifecycle", d)) return std::nullopt;
  CheckKnownKeys(section, path, {"stages", "mql", "sql"}, d);
  LifecycleSpec spec;
  bool ok = true;
  auto stages = section.find("stages");
  if (stages == section.end() || !stages->is_array() || stages->empty()) {
    d->Error("missing", "lifecycle needs a non-empty \"stages\" array", ChildPath(path, "stages"));
    return std::nullopt;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < stages->size(); ++i) {
    const Json& s = (*stages)[i];
    std::string here = ChildPath(ChildPath(path, "stages"), i);
    if (!RequireObject(s, here, "a stage", d)) {
      ok = false;
      continue;
    }
    CheckKnownKeys(s, here, {"id", "name", "description", "condition", "allowRegression"}, d);
    StageSpec stage;
    if (!ReadRuleId(s, here, &ids, d, &stage.id)) {
      ok = false;
      continue;
    }
    if (auto c = s.find("condition"); c != s.end()) {
      stage.condition = CompileCondition(*c, ctx.schema, ChildPath(here, "condition"), ctx);
      if (!stage.condition) ok = false;
    } else if (i != 0) {
      d->Error("missing", "only the first stage may omit \"condition\"", ChildPath(here, "condition"));
      ok = false;
    }
    if (auto r = s.find("allowRegression"); r != s.end()) {
      if (!r->is_boolean()) {
        d->Error("type", "allowRegression must be true or false", ChildPath(here, "allowRegression"));
        ok = false;
      } else {
        stage.allow_regression = r->get<bool>();
      }
    }
    spec.stages.push_back(std::move(stage));
  }
  for (const char* key : {"mql", "sql"}) {
    if (auto c = section.find(key); c != section.end()) {
      auto compiled = CompileCondition(*c, ctx.schema, ChildPath(path, key), ctx);
      if (!compiled) ok = false;
      (std::string(key) == "mql" ? spec.mql : spec.sql) = std::move(compiled);
    }
  }
  if (!ok) return std::nullopt;
  return spec;
}

}  // namespace leadseg
