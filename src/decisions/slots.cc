#include "decisions/slots.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "config/json_checks.h"
#include "core/value_writer.h"

namespace leadseg {
namespace {

bool RequireObject(const Json& j, const std::string& path, const char* what, Diagnostics* d) {
  if (j.is_object()) return true;
  d->Error("type", std::string(what) + " must be an object", path);
  return false;
}

// Reads obj["id"], which must be an identifier.
bool ReadId(const Json& obj, const std::string& path, const char* what, Diagnostics* d, std::string* id) {
  auto it = obj.find("id");
  if (it == obj.end() || !it->is_string() || !IsIdentifier(it->get<std::string>())) {
    d->Error("id", std::string(what) + " needs an \"id\" of letters, digits and _ (at most 64)",
             ChildPath(path, "id"));
    return false;
  }
  *id = it->get<std::string>();
  return true;
}

std::optional<Condition> CompileWhen(const Json& c, const std::string& path, const SectionContext& ctx) {
  ConditionOptions options;
  options.saved_groups = ctx.saved_groups;
  auto compiled = Condition::Compile(c, ctx.schema, options, path);
  if (!compiled.ok()) {
    ctx.diagnostics->Error(compiled.status(), "condition");
    return std::nullopt;
  }
  return std::move(compiled).value();
}

int FindVariant(const std::vector<SlotVariant>& variants, const std::string& id) {
  for (size_t i = 0; i < variants.size(); ++i) {
    if (variants[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

// `ids_complete`: every variant of the slot was read, so a name missing
// from slot.variants really is unknown (and not a knock-on of an earlier
// error).
std::optional<SlotExperimentSpec> CompileExperiment(const Json& e, const std::string& path, const SlotSpec& slot,
                                                    bool ids_complete, const SectionContext& ctx,
                                                    std::map<std::string, std::string>* keys) {
  Diagnostics* d = ctx.diagnostics;
  if (!RequireObject(e, path, "an experiment", d)) return std::nullopt;
  bool ok = CheckKnownKeys(e, path, {"key", "variants", "weights", "mode", "when"}, d);
  SlotExperimentSpec x;

  auto key = e.find("key");
  if (key == e.end() || !key->is_string() || key->get<std::string>().empty()) {
    d->Error("missing", "an experiment needs a \"key\" (a non-empty string)", ChildPath(path, "key"));
    ok = false;
  } else {
    x.key = key->get<std::string>();
    // Sticky assignments, hashing seeds and the site's counts are all keyed
    // by the experiment key: two slots sharing one would share them.
    auto [it, added] = keys->emplace(x.key, slot.id);
    if (!added) {
      d->Error("duplicate-id", "experiment key \"" + x.key + "\" is already used by slot \"" + it->second + "\"",
               ChildPath(path, "key"));
      ok = false;
    }
  }

  const std::string variants_path = ChildPath(path, "variants");
  auto variants = e.find("variants");
  if (variants == e.end() || !variants->is_array() || variants->size() < 2) {
    d->Error("shape", "an experiment needs a \"variants\" array of at least two variant ids of the slot",
             variants_path);
    return std::nullopt;
  }
  for (size_t k = 0; k < variants->size(); ++k) {
    const Json& v = (*variants)[k];
    const std::string here = ChildPath(variants_path, k);
    if (!v.is_string()) {
      d->Error("type", "an experiment variant must be the id of a variant of the slot", here);
      ok = false;
      continue;
    }
    const int index = FindVariant(slot.variants, v.get<std::string>());
    if (index < 0) {
      if (ids_complete) {
        d->Error("reference", "\"" + v.get<std::string>() + "\" is not a variant of slot \"" + slot.id + "\"", here);
      }
      ok = false;
      continue;
    }
    if (std::find(x.variants.begin(), x.variants.end(), index) != x.variants.end()) {
      d->Error("duplicate-id", "variant \"" + v.get<std::string>() + "\" is listed twice", here);
      ok = false;
      continue;
    }
    x.variants.push_back(index);
  }

  const size_t n = variants->size();
  if (auto weights = e.find("weights"); weights != e.end()) {
    const std::string here = ChildPath(path, "weights");
    bool valid = weights->is_array() && weights->size() == n;
    double sum = 0;
    for (size_t k = 0; valid && k < n; ++k) {
      const Json& w = (*weights)[k];
      valid = w.is_number() && std::isfinite(w.get<double>()) && w.get<double>() >= 0;
      if (valid) {
        x.weights.push_back(w.get<double>());
        sum += w.get<double>();
      }
    }
    // GrowthBook falls back to equal weights outside [0.99, 1.01]; a config
    // says what it means instead.
    if (!valid || sum < 0.99 || sum > 1.01) {
      d->Error("range", "weights must be " + std::to_string(n) + " non-negative numbers, one per variant, summing to 1",
               here);
      ok = false;
    }
  } else {
    x.weights = EqualWeights(static_cast<int>(n));
  }

  if (auto mode = e.find("mode"); mode != e.end()) {
    if (mode->is_string() && mode->get<std::string>() == "ab") {
      x.mode = SlotExperimentMode::kAb;
    } else if (mode->is_string() && mode->get<std::string>() == "bandit") {
      x.mode = SlotExperimentMode::kBandit;
      if (e.contains("weights")) {
        d->Warning("ignored", "weights are ignored in bandit mode: the bandit sets the split", ChildPath(path, "weights"));
      }
    } else {
      d->Error("enum", "mode must be \"ab\" or \"bandit\"", ChildPath(path, "mode"));
      ok = false;
    }
  }

  if (auto when = e.find("when"); when != e.end()) {
    x.when_path = ChildPath(path, "when");
    x.when = CompileWhen(*when, x.when_path, ctx);
    ok &= x.when.has_value();
  }

  if (!ok) return std::nullopt;
  x.ranges = BucketRanges(static_cast<int>(n), 1.0, &x.weights);
  return x;
}

}  // namespace

const char* SlotExperimentModeName(SlotExperimentMode mode) {
  return mode == SlotExperimentMode::kBandit ? "bandit" : "ab";
}

std::optional<std::vector<SlotSpec>> CompileSlots(const Json& section, const SectionContext& ctx) {
  Diagnostics* d = ctx.diagnostics;
  const std::string path = "/slots";
  if (!section.is_array()) {
    d->Error("type", "slots must be an array", path);
    return std::nullopt;
  }
  std::vector<SlotSpec> out;
  out.reserve(section.size());
  bool ok = true;
  std::set<std::string> slot_ids;
  std::map<std::string, std::string> experiment_keys;  // key -> slot id

  for (size_t i = 0; i < section.size(); ++i) {
    const Json& s = section[i];
    const std::string here = ChildPath(path, i);
    if (!RequireObject(s, here, "a slot", d)) {
      ok = false;
      continue;
    }
    bool slot_ok = CheckKnownKeys(s, here, {"id", "name", "description", "variants", "default", "experiment"}, d);
    SlotSpec slot;
    if (ReadId(s, here, "a slot", d, &slot.id)) {
      if (!slot_ids.insert(slot.id).second) {
        d->Error("duplicate-id", "slot id \"" + slot.id + "\" is used twice", ChildPath(here, "id"));
        slot_ok = false;
      }
    } else {
      slot_ok = false;
    }
    std::string description;
    slot_ok &= ReadString(s, "name", here, d, &slot.name);
    slot_ok &= ReadString(s, "description", here, d, &description);

    const std::string variants_path = ChildPath(here, "variants");
    auto variants = s.find("variants");
    if (variants == s.end() || !variants->is_array() || variants->empty()) {
      d->Error("missing", "a slot needs a non-empty \"variants\" array", variants_path);
      ok = false;
      continue;
    }
    bool ids_complete = true;
    for (size_t j = 0; j < variants->size(); ++j) {
      const Json& v = (*variants)[j];
      const std::string vhere = ChildPath(variants_path, j);
      if (!RequireObject(v, vhere, "a variant", d)) {
        slot_ok = ids_complete = false;
        continue;
      }
      slot_ok &= CheckKnownKeys(v, vhere, {"id", "name", "description", "when"}, d);
      SlotVariant variant;
      if (!ReadId(v, vhere, "a variant", d, &variant.id)) {
        slot_ok = ids_complete = false;
        continue;
      }
      if (FindVariant(slot.variants, variant.id) >= 0) {
        d->Error("duplicate-id", "variant id \"" + variant.id + "\" is used twice in slot \"" + slot.id + "\"",
                 ChildPath(vhere, "id"));
        slot_ok = false;
        continue;  // ids stay complete: the id is known
      }
      slot_ok &= ReadString(v, "name", vhere, d, &variant.name);
      slot_ok &= ReadString(v, "description", vhere, d, &description);
      if (auto when = v.find("when"); when != v.end()) {
        variant.when_path = ChildPath(vhere, "when");
        variant.when = CompileWhen(*when, variant.when_path, ctx);
        slot_ok &= variant.when.has_value();
      }
      slot.variants.push_back(std::move(variant));
    }

    const std::string default_path = ChildPath(here, "default");
    auto def = s.find("default");
    if (def == s.end()) {
      d->Error("missing", "a slot needs a \"default\": the id of the variant shown when no \"when\" holds",
               default_path);
      slot_ok = false;
    } else if (!def->is_string()) {
      d->Error("type", "default must be the id of a variant of the slot", default_path);
      slot_ok = false;
    } else {
      const int index = FindVariant(slot.variants, def->get<std::string>());
      if (index < 0) {
        if (ids_complete) {
          d->Error("reference", "default \"" + def->get<std::string>() + "\" is not a variant of slot \"" + slot.id + "\"",
                   default_path);
        }
        slot_ok = false;
      } else {
        slot.default_variant = index;
      }
    }

    if (auto e = s.find("experiment"); e != s.end()) {
      slot.experiment =
          CompileExperiment(*e, ChildPath(here, "experiment"), slot, ids_complete, ctx, &experiment_keys);
      slot_ok &= slot.experiment.has_value();
    }

    if (!slot_ok) {
      ok = false;
      continue;
    }
    // Every variant was read, so its index is its position in the config.
    for (size_t j = 0; j < slot.variants.size(); ++j) {
      const int index = static_cast<int>(j);
      const bool in_experiment =
          slot.experiment && std::find(slot.experiment->variants.begin(), slot.experiment->variants.end(), index) !=
                                 slot.experiment->variants.end();
      if (!slot.variants[j].when && index != slot.default_variant && !in_experiment) {
        d->Warning("unreachable",
                   "variant \"" + slot.variants[j].id +
                       "\" has no \"when\" and is neither the default nor in the experiment: it is never shown",
                   ChildPath(variants_path, j));
      }
    }
    out.push_back(std::move(slot));
  }
  if (!ok) return std::nullopt;
  return out;
}

SlotDecision Decide(const SlotSpec& slot, const AttributeSet& attributes) {
  SlotDecision decision;
  decision.slot = slot.id;
  for (size_t i = 0; i < slot.variants.size(); ++i) {
    const SlotVariant& v = slot.variants[i];
    if (v.when && v.when->Evaluate(attributes)) {
      decision.variant = v.id;
      decision.variant_index = static_cast<int>(i);
      decision.reason.kind = SlotReason::Kind::kRule;
      decision.reason.rule = static_cast<int>(i);
      decision.reason.condition = v.when_path;
      return decision;
    }
  }
  decision.variant = slot.variants[static_cast<size_t>(slot.default_variant)].id;
  decision.variant_index = slot.default_variant;
  decision.reason.kind = SlotReason::Kind::kDefault;
  return decision;
}

SlotDecision ExperimentDecision(const SlotSpec& slot, int arm) {
  const SlotExperimentSpec& x = *slot.experiment;
  SlotDecision decision;
  decision.slot = slot.id;
  decision.variant_index = x.variants[static_cast<size_t>(arm)];
  decision.variant = slot.variants[static_cast<size_t>(decision.variant_index)].id;
  decision.reason.kind = SlotReason::Kind::kExperiment;
  decision.reason.experiment = x.key;
  return decision;
}

void SlotDecision::WriteMembers(ValueWriter* out) const {
  out->Key("slot").String(slot);
  out->Key("variant").String(variant);
  out->Key("reason").BeginObject();
  switch (reason.kind) {
    case SlotReason::Kind::kRule:
      out->Key("rule").Number(reason.rule);
      out->Key("condition").String(reason.condition);
      break;
    case SlotReason::Kind::kDefault:
      out->Key("rule").String("default");
      break;
    case SlotReason::Kind::kExperiment:
      out->Key("experiment").String(reason.experiment);
      break;
  }
  out->End();
}

Json SlotDecision::ToJson() const {
  Json reason_json = Json::object();
  switch (reason.kind) {
    case SlotReason::Kind::kRule:
      reason_json["rule"] = reason.rule;
      reason_json["condition"] = std::string(reason.condition);
      break;
    case SlotReason::Kind::kDefault:
      reason_json["rule"] = "default";
      break;
    case SlotReason::Kind::kExperiment:
      reason_json["experiment"] = std::string(reason.experiment);
      break;
  }
  Json j = Json::object();
  j["slot"] = std::string(slot);
  j["variant"] = std::string(variant);
  j["reason"] = std::move(reason_json);
  return j;
}

}  // namespace leadseg
