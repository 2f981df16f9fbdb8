// GrowthBook runExperiment / evalFeature. The numbered steps follow
// core.ts (and /work/shared/conformance/README.md §1.7) so the two can be
// read side by side.
#include "decisions/experiment.h"

#include <algorithm>
#include <cmath>

#include "core/js.h"
#include "core/value.h"

namespace leadseg {

namespace {

const Json& EmptyObject() {
  static const Json* const kEmpty = new Json(Json::object());
  return *kEmpty;
}

// obj[name] or nullptr. `obj` must be an object.
const Json* Member(const Json& obj, const char* name) {
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

// JavaScript ToBoolean over JSON.
bool JsTruthy(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return false;
    case Json::value_t::boolean:
      return j.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: {
      double d = j.get<double>();
      return d != 0 && !std::isnan(d);
    }
    case Json::value_t::string:
      return !j.get_ref<const std::string&>().empty();
    default:
      return true;
  }
}

bool Truthy(const Json* j) { return j != nullptr && JsTruthy(*j); }

// JavaScript String(v) over JSON ("" + v, as the SDK concatenates).
std::string JsString(const Json& j) {
  switch (j.type()) {
    case Json::value_t::string:
      return j.get<std::string>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return js::NumberToString(j.get<double>());
    case Json::value_t::boolean:
      return j.get<bool>() ? "true" : "false";
    case Json::value_t::null:
    case Json::value_t::discarded:
      return "null";
    default: {
      Document doc;
      return js::ToString(doc.Add(j));
    }
  }
}

Json NumbersToJson(const std::vector<double>& v) {
  Json out = Json::array();
  for (double d : v) out.push_back(d);
  return out;
}

// `hashVersion || default`, then the SDK's `version === 1 / === 2`.
int HashVersionFrom(const Json* v, int default_version) {
  if (!Truthy(v)) return default_version;
  if (!v->is_number()) return 0;
  double d = v->get<double>();
  if (d == 1) return 1;
  if (d == 2) return 2;
  return 0;
}

Status ReadNumber(const Json& j, const std::string& path, double* out) {
  if (!j.is_number()) return InvalidArgument(std::string("expected a number, got ") + JsonTypeName(j), path);
  *out = j.get<double>();
  return Status::Ok();
}

// An optional string member: absent or null -> "", else must be a string.
Status ReadOptionalString(const Json& obj, const char* name, const std::string& path,
                          std::string* out) {
  out->clear();
  const Json* v = Member(obj, name);
  if (v == nullptr || v->is_null()) return Status::Ok();
  if (!v->is_string()) {
    return InvalidArgument(std::string(name) + " must be a string, got " + JsonTypeName(*v),
                           ChildPath(path, name));
  }
  *out = v->get<std::string>();
  return Status::Ok();
}

Status ReadRange(const Json& j, const std::string& path, BucketRange* out) {
  if (!j.is_array() || j.size() != 2) return InvalidArgument("a range must be [start, end]", path);
  LEADSEG_RETURN_IF_ERROR(ReadNumber(j[0], ChildPath(path, 0), &out->first));
  LEADSEG_RETURN_IF_ERROR(ReadNumber(j[1], ChildPath(path, 1), &out->second));
  return Status::Ok();
}

Status ReadRanges(const Json& j, const std::string& path, std::vector<BucketRange>* out) {
  if (!j.is_array()) return InvalidArgument("ranges must be an array of [start, end]", path);
  out->clear();
  for (size_t i = 0; i < j.size(); ++i) {
    BucketRange r;
    LEADSEG_RETURN_IF_ERROR(ReadRange(j[i], ChildPath(path, i), &r));
    out->push_back(r);
  }
  return Status::Ok();
}

Status ReadNumbers(const Json& j, const std::string& path, std::vector<double>* out) {
  if (!j.is_array()) return InvalidArgument("expected an array of numbers", path);
  out->clear();
  for (size_t i = 0; i < j.size(); ++i) {
    double d = 0;
    LEADSEG_RETURN_IF_ERROR(ReadNumber(j[i], ChildPath(path, i), &d));
    out->push_back(d);
  }
  return Status::Ok();
}

Status ReadFilters(const Json& j, const std::string& path, std::vector<ExperimentFilter>* out) {
  if (!j.is_array()) return InvalidArgument("filters must be an array", path);
  out->clear();
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& f = j[i];
    std::string fpath = ChildPath(path, i);
    if (!f.is_object()) return InvalidArgument("a filter must be an object", fpath);
    ExperimentFilter filter;
    const Json* seed = Member(f, "seed");
    if (seed == nullptr || !seed->is_string()) {
      return InvalidArgument("filter seed must be a string", ChildPath(fpath, "seed"));
    }
    filter.seed = seed->get<std::string>();
    LEADSEG_RETURN_IF_ERROR(ReadOptionalString(f, "attribute", fpath, &filter.attribute));
    filter.hash_version = HashVersionFrom(Member(f, "hashVersion"), 2);
    const Json* ranges = Member(f, "ranges");
    if (ranges == nullptr) return InvalidArgument("filter needs ranges", ChildPath(fpath, "ranges"));
    LEADSEG_RETURN_IF_ERROR(ReadRanges(*ranges, ChildPath(fpath, "ranges"), &filter.ranges));
    out->push_back(std::move(filter));
  }
  return Status::Ok();
}

Result<Condition> CompileGrowthBookCondition(const Json& condition, AttributeSchema* schema,
                                             const Json* saved_groups, const std::string& path) {
  ConditionOptions options;
  options.strict = false;
  options.saved_groups = saved_groups;
  return Condition::Compile(condition, schema, options, path);
}

Status ReadParentConditions(const Json& j, AttributeSchema* schema, const std::string& path,
                            std::vector<ParentCondition>* out) {
  if (!j.is_array()) return InvalidArgument("parentConditions must be an array", path);
  out->clear();
  for (size_t i = 0; i < j.size(); ++i) {
    const Json& p = j[i];
    std::string ppath = ChildPath(path, i);
    if (!p.is_object()) return InvalidArgument("a parent condition must be an object", ppath);
    const Json* id = Member(p, "id");
    if (id == nullptr || !id->is_string()) {
      return InvalidArgument("parent condition id must be a string", ChildPath(ppath, "id"));
    }
    const Json* cond = Member(p, "condition");
    // `parentCondition.condition || {}`, evaluated without saved groups.
    auto compiled = CompileGrowthBookCondition(Truthy(cond) ? *cond : EmptyObject(), schema,
                                               nullptr, ChildPath(ppath, "condition"));
    if (!compiled.ok()) return compiled.status();
    out->push_back(ParentCondition{id->get<std::string>(), std::move(compiled).value(),
                                   Truthy(Member(p, "gate"))});
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------
// Sticky-bucket docs and stores
// ---------------------------------------------------------------------------

std::string StickyAttributeKey(std::string_view attribute_name, std::string_view attribute_value) {
  std::string key;
  key.reserve(attribute_name.size() + 2 + attribute_value.size());
  key.append(attribute_name);
  key.append("||");
  key.append(attribute_value);
  return key;
}

std::string HashAttributeString(const Json& attributes, std::string_view attribute) {
  if (!attributes.is_object()) return "";
  auto it = attributes.find(std::string(attribute));
  if (it == attributes.end() || !JsTruthy(*it)) return "";
  return JsString(*it);
}

Json StickyAssignmentDoc::ToJson() const {
  Json assignments_json = Json::object();
  for (const auto& [k, v] : assignments) assignments_json[k] = v;
  return Json{{"attributeName", attribute_name},
              {"attributeValue", attribute_value},
              {"assignments", std::move(assignments_json)}};
}

Result<StickyAssignmentDoc> StickyAssignmentDoc::FromJson(const Json& json, const std::string& path) {
  if (!json.is_object()) return InvalidArgument("a sticky bucket doc must be an object", path);
  StickyAssignmentDoc doc;
  const Json* name = Member(json, "attributeName");
  const Json* value = Member(json, "attributeValue");
  if (name == nullptr || !name->is_string()) {
    return InvalidArgument("attributeName must be a string", ChildPath(path, "attributeName"));
  }
  if (value == nullptr || !value->is_string()) {
    return InvalidArgument("attributeValue must be a string", ChildPath(path, "attributeValue"));
  }
  doc.attribute_name = name->get<std::string>();
  doc.attribute_value = value->get<std::string>();
  const Json* assignments = Member(json, "assignments");
  if (assignments != nullptr && !assignments->is_null()) {
    std::string apath = ChildPath(path, "assignments");
    if (!assignments->is_object()) return InvalidArgument("assignments must be an object", apath);
    for (auto it = assignments->begin(); it != assignments->end(); ++it) {
      if (!it.value().is_string()) {
        return InvalidArgument("an assignment must be a string", ChildPath(apath, it.key()));
      }
      doc.assignments[it.key()] = it.value().get<std::string>();
    }
  }
  return doc;
}

std::optional<StickyAssignmentDoc> InMemoryStickyBucketStore::Get(
    std::string_view attribute_name, std::string_view attribute_value) const {
  auto it = docs_.find(StickyAttributeKey(attribute_name, attribute_value));
  if (it == docs_.end()) return std::nullopt;
  return it->second;
}

Status InMemoryStickyBucketStore::Save(const StickyAssignmentDoc& doc) {
  docs_[StickyAttributeKey(doc.attribute_name, doc.attribute_value)] = doc;
  return Status::Ok();
}

Json InMemoryStickyBucketStore::ToJson() const {
  Json out = Json::object();
  for (const auto& [key, doc] : docs_) out[key] = doc.ToJson();
  return out;
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

Json ExperimentResult::ToJson() const {
  Json j = Json::object();
  j["key"] = key;
  j["featureId"] = feature_id ? Json(*feature_id) : Json(nullptr);
  j["inExperiment"] = in_experiment;
  j["hashUsed"] = hash_used;
  j["variationId"] = variation_id;
  j["value"] = value;
  j["hashAttribute"] = hash_attribute;
  j["hashValue"] = hash_value;
  j["stickyBucketUsed"] = sticky_bucket_used;
  if (name) j["name"] = *name;
  if (bucket) j["bucket"] = *bucket;
  if (passthrough) j["passthrough"] = true;
  if (leaf_id) j["leafId"] = *leaf_id;
  if (variation_weights) j["variationWeights"] = NumbersToJson(*variation_weights);
  if (bandit_version) j["banditVersion"] = *bandit_version;
  return j;
}

const char* FeatureSourceName(FeatureSource source) {
  switch (source) {
    case FeatureSource::kUnknownFeature: return "unknownFeature";
    case FeatureSource::kDefaultValue: return "defaultValue";
    case FeatureSource::kForce: return "force";
    case FeatureSource::kExperiment: return "experiment";
    case FeatureSource::kPrerequisite: return "prerequisite";
    case FeatureSource::kCyclicPrerequisite: return "cyclicPrerequisite";
    case FeatureSource::kOverride: return "override";
  }
  return "unknownFeature";
}

Json FeatureResult::ToJson() const {
  Json j = Json::object();
  j["value"] = value;
  j["on"] = on;
  j["off"] = off;
  j["source"] = FeatureSourceName(source);
  j["ruleId"] = rule_id;
  if (experiment) j["experiment"] = *experiment;
  if (experiment_result) j["experimentResult"] = experiment_result->ToJson();
  return j;
}

// ---------------------------------------------------------------------------
// ExperimentSpec
// ---------------------------------------------------------------------------

ExperimentSpec::ExperimentSpec(ExperimentSpec&&) noexcept = default;
ExperimentSpec& ExperimentSpec::operator=(ExperimentSpec&&) noexcept = default;
ExperimentSpec::~ExperimentSpec() = default;

Result<ExperimentSpec> ExperimentSpec::Compile(const Json& j, const ExperimentCompileOptions& options,
                                               const std::string& path) {
  if (!j.is_object()) return InvalidArgument("an experiment must be an object", path);
  ExperimentSpec s;
  s.source_ = j;
  s.schema_ = options.schema ? options.schema : std::make_shared<AttributeSchema>();

  const Json* key = Member(j, "key");
  if (key == nullptr || !key->is_string()) {
    return InvalidArgument("experiment key must be a string", ChildPath(path, "key"));
  }
  s.key_ = key->get<std::string>();

  const Json* variations = Member(j, "variations");
  if (variations == nullptr || !variations->is_array()) {
    return InvalidArgument("variations must be an array", ChildPath(path, "variations"));
  }
  s.variations_ = *variations;

  if (const Json* w = Member(j, "weights"); w != nullptr && !w->is_null()) {
    std::vector<double> weights;
    LEADSEG_RETURN_IF_ERROR(ReadNumbers(*w, ChildPath(path, "weights"), &weights));
    s.weights_ = std::move(weights);
  }
  if (const Json* c = Member(j, "coverage"); c != nullptr && !c->is_null()) {
    double coverage = 0;
    LEADSEG_RETURN_IF_ERROR(ReadNumber(*c, ChildPath(path, "coverage"), &coverage));
    s.coverage_ = coverage;
  }
  if (const Json* c = Member(j, "condition"); Truthy(c)) {
    auto condition = CompileGrowthBookCondition(*c, s.schema_.get(), options.saved_groups,
                                                ChildPath(path, "condition"));
    if (!condition.ok()) return condition.status();
    s.condition_ = std::move(condition).value();
  }
  if (const Json* p = Member(j, "parentConditions"); Truthy(p)) {
    LEADSEG_RETURN_IF_ERROR(ReadParentConditions(*p, s.schema_.get(),
                                                 ChildPath(path, "parentConditions"),
                                                 &s.parent_conditions_));
  }
  if (const Json* f = Member(j, "filters"); Truthy(f)) {
    std::vector<ExperimentFilter> filters;
    LEADSEG_RETURN_IF_ERROR(ReadFilters(*f, ChildPath(path, "filters"), &filters));
    s.filters_ = std::move(filters);
  }
  if (const Json* ns = Member(j, "namespace"); Truthy(ns)) {
    std::string npath = ChildPath(path, "namespace");
    if (!ns->is_array() || ns->size() != 3 || !(*ns)[0].is_string()) {
      return InvalidArgument("namespace must be [id, start, end]", npath);
    }
    Namespace n;
    n.id = (*ns)[0].get<std::string>();
    LEADSEG_RETURN_IF_ERROR(ReadNumber((*ns)[1], ChildPath(npath, 1), &n.start));
    LEADSEG_RETURN_IF_ERROR(ReadNumber((*ns)[2], ChildPath(npath, 2), &n.end));
    s.namespace_ = n;
  }
  LEADSEG_RETURN_IF_ERROR(ReadOptionalString(j, "hashAttribute", path, &s.hash_attribute_));
  if (s.hash_attribute_.empty()) s.hash_attribute_ = "id";
  LEADSEG_RETURN_IF_ERROR(ReadOptionalString(j, "fallbackAttribute", path, &s.fallback_attribute_));
  s.hash_version_ = HashVersionFrom(Member(j, "hashVersion"), 1);
  LEADSEG_RETURN_IF_ERROR(ReadOptionalString(j, "seed", path, &s.seed_));
  if (const Json* r = Member(j, "ranges"); Truthy(r)) {
    std::vector<BucketRange> ranges;
    LEADSEG_RETURN_IF_ERROR(ReadRanges(*r, ChildPath(path, "ranges"), &ranges));
    s.ranges_ = std::move(ranges);
  }
  if (const Json* m = Member(j, "meta"); Truthy(m)) {
    std::string mpath = ChildPath(path, "meta");
    if (!m->is_array()) return InvalidArgument("meta must be an array", mpath);
    for (size_t i = 0; i < m->size(); ++i) {
      const Json& item = (*m)[i];
      std::string ipath = ChildPath(mpath, i);
      if (!item.is_object()) return InvalidArgument("a variation meta must be an object", ipath);
      VariationMeta meta;
      std::string text;
      LEADSEG_RETURN_IF_ERROR(ReadOptionalString(item, "key", ipath, &text));
      if (!text.empty()) meta.key = text;
      LEADSEG_RETURN_IF_ERROR(ReadOptionalString(item, "name", ipath, &text));
      if (!text.empty()) meta.name = text;
      meta.passthrough = Truthy(Member(item, "passthrough"));
      s.meta_.push_back(std::move(meta));
    }
  }
  if (const Json* f = Member(j, "force"); f != nullptr) {
    s.has_force_ = true;
    if (!f->is_null()) {
      double d = 0;
      LEADSEG_RETURN_IF_ERROR(ReadNumber(*f, ChildPath(path, "force"), &d));
      if (d != std::floor(d) || std::fabs(d) > 1e9) {
        return InvalidArgument("force must be a variation index", ChildPath(path, "force"));
      }
      s.force_ = static_cast<int>(d);
    }
  }
  if (const Json* st = Member(j, "status"); st != nullptr && st->is_string()) {
    s.draft_ = *st == "draft";
    s.stopped_ = *st == "stopped";
  }
  if (const Json* a = Member(j, "active"); a != nullptr && a->is_boolean() && !a->get<bool>()) {
    s.draft_ = true;
  }
  for (auto [name, out] : {std::pair<const char*, double*>{"bucketVersion", &s.bucket_version_},
                           std::pair<const char*, double*>{"minBucketVersion", &s.min_bucket_version_}}) {
    const Json* v = Member(j, name);
    if (v == nullptr || v->is_null()) continue;
    LEADSEG_RETURN_IF_ERROR(ReadNumber(*v, ChildPath(path, name), out));
    if (*out != std::floor(*out) || std::fabs(*out) > 1e9) {
      return InvalidArgument(std::string(name) + " must be an integer", ChildPath(path, name));
    }
  }
  s.disable_sticky_bucketing_ = Truthy(Member(j, "disableStickyBucketing"));
  return Result<ExperimentSpec>(std::move(s));
}

// ---------------------------------------------------------------------------
// FeatureEvaluator internals
// ---------------------------------------------------------------------------

namespace experiment_internal {

struct BanditLeaf {
  Json leaf_id;
  Condition condition;
  std::vector<double> weights;
};

struct Bandit {
  std::optional<Json> bandit_version;
  std::vector<BanditLeaf> leaves;
};

struct FeatureRule {
  enum class Kind { kSkip, kForce, kExperiment };
  Kind kind = Kind::kSkip;
  std::string id;
  std::vector<ParentCondition> parents;
  std::optional<std::vector<ExperimentFilter>> filters;
  // Force rules.
  Json force;
  std::optional<Condition> condition;
  std::string seed;  // rule.seed || featureKey
  std::string hash_attribute;
  std::string fallback_attribute;
  bool disable_sticky_bucketing = false;
  std::optional<BucketRange> range;
  bool has_coverage = false;
  bool coverage_null = false;
  double coverage = 0;
  int hash_version = 1;
  // Experiment rules.
  std::optional<ExperimentSpec> experiment;
  std::optional<Bandit> bandit;  // contextualBanditRef with a definition
};

struct CompiledFeature {
  Json default_value;
  std::vector<FeatureRule> rules;
};

}  // namespace experiment_internal

using experiment_internal::Bandit;
using experiment_internal::BanditLeaf;
using experiment_internal::CompiledFeature;
using experiment_internal::FeatureRule;

struct FeatureEvaluator::Impl {
  std::shared_ptr<AttributeSchema> schema = std::make_shared<AttributeSchema>();
  std::map<std::string, CompiledFeature, std::less<>> features;
  std::vector<std::string> identifiers;
};

FeatureEvaluator::FeatureEvaluator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FeatureEvaluator::FeatureEvaluator(FeatureEvaluator&&) noexcept = default;
FeatureEvaluator& FeatureEvaluator::operator=(FeatureEvaluator&&) noexcept = default;
FeatureEvaluator::~FeatureEvaluator() = default;

bool FeatureEvaluator::Contains(std::string_view feature_key) const {
  return impl_->features.find(feature_key) != impl_->features.end();
}

std::vector<std::string> FeatureEvaluator::StickyBucketIdentifierAttributes() const {
  return impl_->identifiers;
}

namespace {

Status CompileBandit(const Json& def, AttributeSchema* schema, const Json* saved_groups,
                     const std::string& path, Bandit* out) {
  if (const Json* v = Member(def, "banditVersion"); v != nullptr) out->bandit_version = *v;
  const Json* contexts = Member(def, "contexts");
  if (contexts == nullptr || contexts->is_null()) return Status::Ok();
  std::string cpath = ChildPath(path, "contexts");
  if (!contexts->is_array()) return InvalidArgument("contexts must be an array", cpath);
  for (size_t i = 0; i < contexts->size(); ++i) {
    const Json& c = (*contexts)[i];
    std::string lpath = ChildPath(cpath, i);
    if (!c.is_object()) return InvalidArgument("a bandit context must be an object", lpath);
    const Json* cond = Member(c, "condition");
    auto condition = CompileGrowthBookCondition(Truthy(cond) ? *cond : EmptyObject(), schema,
                                                saved_groups, ChildPath(lpath, "condition"));
    if (!condition.ok()) return condition.status();
    const Json* weights = Member(c, "weights");
    if (weights == nullptr) return InvalidArgument("a bandit context needs weights", lpath);
    BanditLeaf leaf{Member(c, "leafId") ? *Member(c, "leafId") : Json(nullptr),
                    std::move(condition).value(), {}};
    LEADSEG_RETURN_IF_ERROR(ReadNumbers(*weights, ChildPath(lpath, "weights"), &leaf.weights));
    out->leaves.push_back(std::move(leaf));
  }
  return Status::Ok();
}

// The experiment evalFeature builds from an experiment rule.
Json ExperimentFromRule(const Json& rule, const Json& variations, const std::string& feature_key) {
  Json exp = Json::object();
  exp["variations"] = variations;
  const Json* key = Member(rule, "key");
  exp["key"] = Truthy(key) ? *key : Json(feature_key);
  if (const Json* v = Member(rule, "coverage")) exp["coverage"] = *v;
  for (const char* name : {"weights", "hashAttribute", "fallbackAttribute", "disableStickyBucketing"}) {
    if (const Json* v = Member(rule, name); Truthy(v)) exp[name] = *v;
  }
  for (const char* name : {"bucketVersion", "minBucketVersion"}) {
    if (const Json* v = Member(rule, name)) exp[name] = *v;
  }
  for (const char* name : {"namespace", "meta", "ranges", "name", "phase", "seed", "hashVersion",
                           "filters", "condition"}) {
    if (const Json* v = Member(rule, name); Truthy(v)) exp[name] = *v;
  }
  return exp;
}

Status CompileRule(const Json& rule, const std::string& feature_key, const FeatureCompileOptions& options,
                   const std::shared_ptr<AttributeSchema>& schema, const std::string& path,
                   FeatureRule* out) {
  if (!rule.is_object()) return InvalidArgument("a rule must be an object", path);
  if (const Json* id = Member(rule, "id"); Truthy(id)) out->id = JsString(*id);
  if (const Json* p = Member(rule, "parentConditions"); Truthy(p)) {
    LEADSEG_RETURN_IF_ERROR(
        ReadParentConditions(*p, schema.get(), ChildPath(path, "parentConditions"), &out->parents));
  }
  if (const Json* f = Member(rule, "filters"); Truthy(f)) {
    std::vector<ExperimentFilter> filters;
    LEADSEG_RETURN_IF_ERROR(ReadFilters(*f, ChildPath(path, "filters"), &filters));
    out->filters = std::move(filters);
  }

  if (const Json* force = Member(rule, "force")) {
    out->kind = FeatureRule::Kind::kForce;
    out->force = *force;
    if (const Json* c = Member(rule, "condition"); Truthy(c)) {
      auto condition = CompileGrowthBookCondition(*c, schema.get(), options.saved_groups,
                                                  ChildPath(path, "condition"));
      if (!condition.ok()) return condition.status();
      out->condition = std::move(condition).value();
    }
    const Json* seed = Member(rule, "seed");
    out->seed = Truthy(seed) ? JsString(*seed) : feature_key;
    LEADSEG_RETURN_IF_ERROR(ReadOptionalString(rule, "hashAttribute", path, &out->hash_attribute));
    LEADSEG_RETURN_IF_ERROR(
        ReadOptionalString(rule, "fallbackAttribute", path, &out->fallback_attribute));
    out->disable_sticky_bucketing = Truthy(Member(rule, "disableStickyBucketing"));
    if (const Json* r = Member(rule, "range"); Truthy(r)) {
      BucketRange range;
      LEADSEG_RETURN_IF_ERROR(ReadRange(*r, ChildPath(path, "range"), &range));
      out->range = range;
    }
    if (const Json* c = Member(rule, "coverage")) {
      out->has_coverage = true;
      if (c->is_null()) {
        out->coverage_null = true;
      } else {
        LEADSEG_RETURN_IF_ERROR(ReadNumber(*c, ChildPath(path, "coverage"), &out->coverage));
      }
    }
    out->hash_version = HashVersionFrom(Member(rule, "hashVersion"), 1);
    return Status::Ok();
  }

  // Bandit rules keep their variations under contextualVariations, so
  // SDKs without bandit support skip them.
  const Json* variations = Member(rule, "contextualVariations");
  if (variations == nullptr || variations->is_null()) variations = Member(rule, "variations");
  if (!Truthy(variations)) {
    out->kind = FeatureRule::Kind::kSkip;
    return Status::Ok();
  }
  out->kind = FeatureRule::Kind::kExperiment;
  ExperimentCompileOptions eopts;
  eopts.saved_groups = options.saved_groups;
  eopts.schema = schema;
  auto spec = ExperimentSpec::Compile(ExperimentFromRule(rule, *variations, feature_key), eopts, path);
  if (!spec.ok()) return spec.status();
  out->experiment = std::move(spec).value();

  const Json* ref = Member(rule, "contextualBanditRef");
  if (Truthy(ref) && options.contextual_bandits != nullptr &&
      options.contextual_bandits->is_object()) {
    const Json* def = Member(*options.contextual_bandits, JsString(*ref).c_str());
    if (Truthy(def)) {
      std::string dpath = "/contextualBandits/" + PointerToken(JsString(*ref));
      if (!def->is_object()) return InvalidArgument("a contextual bandit must be an object", dpath);
      Bandit bandit;
      LEADSEG_RETURN_IF_ERROR(
          CompileBandit(*def, schema.get(), options.saved_groups, dpath, &bandit));
      out->bandit = std::move(bandit);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<FeatureEvaluator> FeatureEvaluator::Compile(const Json& features,
                                                   const FeatureCompileOptions& options,
                                                   const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (features.is_null()) return FeatureEvaluator(std::move(impl));
  if (!features.is_object()) return InvalidArgument("features must be an object", path);
  auto add_identifier = [&](const std::string& name) {
    if (name.empty()) return;
    auto& ids = impl->identifiers;
    if (std::find(ids.begin(), ids.end(), name) == ids.end()) ids.push_back(name);
  };
  for (auto it = features.begin(); it != features.end(); ++it) {
    const Json& def = it.value();
    std::string fpath = ChildPath(path, it.key());
    // `!features[id]`: a falsy definition is an unknown feature.
    if (!JsTruthy(def)) continue;
    if (!def.is_object()) return InvalidArgument("a feature must be an object", fpath);
    CompiledFeature feature;
    if (const Json* d = Member(def, "defaultValue")) feature.default_value = *d;
    if (const Json* rules = Member(def, "rules"); Truthy(rules)) {
      std::string rpath = ChildPath(fpath, "rules");
      if (!rules->is_array()) return InvalidArgument("rules must be an array", rpath);
      for (size_t i = 0; i < rules->size(); ++i) {
        FeatureRule rule;
        LEADSEG_RETURN_IF_ERROR(
            CompileRule((*rules)[i], it.key(), options, impl->schema, ChildPath(rpath, i), &rule));
        if (rule.experiment) {
          const Json& src = rule.experiment->source();
          const Json* attr = Member(src, "hashAttribute");
          add_identifier(attr && attr->is_string() && !attr->get_ref<const std::string&>().empty()
                             ? attr->get<std::string>()
                             : std::string("id"));
          if (const Json* fb = Member(src, "fallbackAttribute"); fb && fb->is_string()) {
            add_identifier(fb->get<std::string>());
          }
        }
        feature.rules.push_back(std::move(rule));
      }
    }
    impl->features.emplace(it.key(), std::move(feature));
  }
  return FeatureEvaluator(std::move(impl));
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

namespace experiment_internal {

// One top-level call: the visitor's attributes flattened once for
// conditions, and the prerequisite stack.
class Evaluation {
 public:
  explicit Evaluation(const EvalContext& ctx)
      : ctx_(ctx), attributes_(ctx.attributes.is_object() ? ctx.attributes : EmptyObject()) {
    root_ = doc_.Add(attributes_);
  }

  const EvalContext& ctx() const { return ctx_; }
  std::vector<std::string>& stack() { return stack_; }

  // attributes[name], or nullptr.
  const Json* Attribute(const std::string& name) const { return Member(attributes_, name.c_str()); }

  const AttributeSet& AttributesFor(const AttributeSchema* schema) {
    for (auto& [s, set] : sets_) {
      if (s == schema) return *set;
    }
    auto set = std::make_unique<AttributeSet>(schema);
    set->Clear();
    set->SetFromObject(root_);
    sets_.emplace_back(schema, std::move(set));
    return *sets_.back().second;
  }

 private:
  const EvalContext& ctx_;
  const Json& attributes_;
  Document doc_;
  Value root_;
  std::vector<std::pair<const AttributeSchema*, std::unique_ptr<AttributeSet>>> sets_;
  std::vector<std::string> stack_;
};

struct HashAttr {
  std::string name;
  const Json* value = nullptr;  // nullptr: empty (falsy), the visitor cannot be bucketed
  std::string Text() const { return value ? JsString(*value) : std::string(); }
};

// GrowthBook's runExperiment and evalFeature, as static functions with
// access to the evaluator's and experiment's internals (friends in
// decisions/experiment.h). Not leadseg::Engine, the visitor's engine.
struct ExperimentRunner {
  // getHashAttribute(attr, fallback).
  static HashAttr GetHashAttribute(const Evaluation& e, const std::string& attr,
                                   const std::string& fallback) {
    HashAttr h;
    h.name = attr.empty() ? "id" : attr;
    const Json* v = e.Attribute(h.name);
    if (Truthy(v)) h.value = v;
    if (h.value == nullptr && !fallback.empty()) {
      const Json* f = e.Attribute(fallback);
      if (Truthy(f)) {
        h.value = f;
        h.name = fallback;
      }
    }
    return h;
  }

  static bool IsFilteredOut(const Evaluation& e, const std::vector<ExperimentFilter>& filters) {
    for (const ExperimentFilter& f : filters) {
      HashAttr h = GetHashAttribute(e, f.attribute, "");
      if (h.value == nullptr) return true;
      std::optional<double> n = GrowthBookHash(f.seed, h.Text(), f.hash_version);
      if (!n) return true;
      bool in_any = false;
      for (const BucketRange& r : f.ranges) in_any = in_any || (*n >= r.first && *n < r.second);
      if (!in_any) return true;
    }
    return false;
  }

  static bool StickyActive(const Evaluation& e, bool disabled) {
    return e.ctx().sticky_bucket_store != nullptr && !disabled;
  }

  static std::string StickyExperimentKey(const std::string& key, double bucket_version) {
    return key + "__" + js::NumberToString(bucket_version);
  }

  // getStickyBucketVariation: {variation or -1, version blocked}.
  static std::pair<int, bool> StickyBucketVariation(const Evaluation& e, const ExperimentSpec& s) {
    const StickyBucketStore& store = *e.ctx().sticky_bucket_store;
    std::map<std::string, std::string> assignments;
    // The fallback doc first, then the hash-attribute doc, which wins. As
    // in the SDK, an experiment without a fallbackAttribute reads the "id"
    // doc as its fallback.
    HashAttr hash = GetHashAttribute(e, s.hash_attribute_, "");
    HashAttr fallback = GetHashAttribute(e, s.fallback_attribute_, "");
    if (fallback.value != nullptr) {
      if (auto doc = store.Get(fallback.name, fallback.Text())) {
        for (auto& [k, v] : doc->assignments) assignments[k] = v;
      }
    }
    if (auto doc = store.Get(hash.name, hash.Text())) {
      for (auto& [k, v] : doc->assignments) assignments[k] = v;
    }
    for (double i = 0; i < s.min_bucket_version_; ++i) {
      if (assignments.count(StickyExperimentKey(s.key_, i))) return {-1, true};
    }
    auto it = assignments.find(StickyExperimentKey(s.key_, s.bucket_version_));
    if (it == assignments.end()) return {-1, false};
    for (size_t i = 0; i < s.meta_.size(); ++i) {
      if (s.meta_[i].key && *s.meta_[i].key == it->second) return {static_cast<int>(i), false};
    }
    return {-1, false};
  }

  static void SaveStickyAssignment(const Evaluation& e, const HashAttr& hash,
                                   const std::string& experiment_key, const std::string& variation_key) {
    StickyBucketStore& store = *e.ctx().sticky_bucket_store;
    StickyAssignmentDoc doc;
    doc.attribute_name = hash.name;
    doc.attribute_value = hash.Text();
    if (auto existing = store.Get(doc.attribute_name, doc.attribute_value)) {
      doc.assignments = std::move(existing->assignments);
    }
    auto it = doc.assignments.find(experiment_key);
    if (it != doc.assignments.end() && it->second == variation_key) return;  // unchanged
    doc.assignments[experiment_key] = variation_key;
    // A failed save leaves the result as it is (GrowthBook ignores it too).
    (void)store.Save(doc);
  }

  // getExperimentResult.
  static ExperimentResult MakeResult(const Evaluation& e, const ExperimentSpec& s, int variation,
                                     bool hash_used, const std::string* feature_id,
                                     std::optional<double> bucket = std::nullopt,
                                     bool sticky_bucket_used = false) {
    ExperimentResult r;
    r.in_experiment = true;
    if (variation < 0 || variation >= s.num_variations()) {
      variation = 0;
      r.in_experiment = false;
    }
    HashAttr h = GetHashAttribute(
        e, s.hash_attribute_,
        StickyActive(e, s.disable_sticky_bucketing_) ? s.fallback_attribute_ : std::string());
    const VariationMeta* meta =
        static_cast<size_t>(variation) < s.meta_.size() ? &s.meta_[static_cast<size_t>(variation)] : nullptr;
    r.key = meta && meta->key ? *meta->key : std::to_string(variation);
    if (feature_id) r.feature_id = *feature_id;
    r.hash_used = hash_used;
    r.variation_id = variation;
    r.value = s.num_variations() > 0 ? s.variations_[static_cast<size_t>(variation)] : Json();
    r.hash_attribute = h.name;
    r.hash_value = h.value ? *h.value : Json("");
    r.sticky_bucket_used = sticky_bucket_used;
    if (meta && meta->name) r.name = *meta->name;
    if (bucket) r.bucket = *bucket;
    if (meta && meta->passthrough) r.passthrough = true;
    return r;
  }

  static ExperimentResult Run(Evaluation& e, const ExperimentSpec& s, const std::string* feature_id,
                              const std::vector<double>* weights_override) {
    const EvalContext& ctx = e.ctx();
    auto exclude = [&]() { return MakeResult(e, s, -1, false, feature_id); };
    const int num_variations = s.num_variations();

    // 1. Fewer than two variations.
    if (num_variations < 2) return exclude();
    // 2. Context disabled.
    if (!ctx.enabled) return exclude();
    // 3. Query-string override.
    if (std::optional<int> qs = QueryStringOverride(s.key_, ctx.url, num_variations)) {
      return MakeResult(e, s, *qs, false, feature_id);
    }
    // 4. Forced in the context.
    if (auto it = ctx.forced_variations.find(s.key_); it != ctx.forced_variations.end()) {
      return MakeResult(e, s, it->second, false, feature_id);
    }
    // 5. Draft or inactive.
    if (s.draft_) return exclude();
    // 6. The hash attribute.
    const bool sticky = StickyActive(e, s.disable_sticky_bucketing_);
    HashAttr hash = GetHashAttribute(e, s.hash_attribute_, sticky ? s.fallback_attribute_ : std::string());
    if (hash.value == nullptr) return exclude();
    const std::string hash_text = hash.Text();

    int assigned = -1;
    bool found_sticky = false;
    bool sticky_blocked = false;
    if (sticky) {
      auto [variation, blocked] = StickyBucketVariation(e, s);
      found_sticky = variation >= 0;
      assigned = variation;
      sticky_blocked = blocked;
    }

    // 7-8. Targeting, unless a sticky bucket already decided.
    if (!found_sticky) {
      if (s.filters_) {
        if (IsFilteredOut(e, *s.filters_)) return exclude();
      } else if (s.namespace_ &&
                 !InNamespace(hash_text, s.namespace_->id, s.namespace_->start, s.namespace_->end)) {
        return exclude();
      }
      if (s.condition_ && !s.condition_->Evaluate(e.AttributesFor(s.schema_.get()))) return exclude();
      for (const ParentCondition& parent : s.parent_conditions_) {
        FeatureResult p = ctx.features != nullptr ? EvalFeature(*ctx.features, parent.id, e)
                                                  : UnknownFeature();
        if (p.source == FeatureSource::kCyclicPrerequisite) return exclude();
        if (!ParentPasses(parent, p.value, s.schema_.get())) return exclude();
      }
    }

    // 9. Hash and choose the variation.
    std::optional<double> n =
        GrowthBookHash(s.seed_.empty() ? s.key_ : s.seed_, hash_text, s.hash_version_);
    if (!n) return exclude();
    if (!found_sticky) {
      const std::vector<double>* weights =
          weights_override ? weights_override : (s.weights_ ? &*s.weights_ : nullptr);
      assigned = s.ranges_ ? ChooseVariation(*n, *s.ranges_)
                           : ChooseVariation(*n, BucketRanges(num_variations, s.coverage_, weights));
    }
    // 9.5. A sticky bucket from a blocked version unenrolls the visitor.
    if (sticky_blocked) return MakeResult(e, s, -1, false, feature_id, std::nullopt, true);
    // 10. Not in any range.
    if (assigned < 0) return exclude();
    // 11. Forced by the experiment.
    if (s.has_force_) return MakeResult(e, s, s.force_, false, feature_id);
    // 12. QA mode, 12.5 stopped.
    if (ctx.qa_mode) return exclude();
    if (s.stopped_) return exclude();

    // 13. In the experiment.
    ExperimentResult result = MakeResult(e, s, assigned, true, feature_id, n, found_sticky);
    // 13.5. Persist the sticky bucket.
    if (sticky) {
      SaveStickyAssignment(e, hash, StickyExperimentKey(s.key_, s.bucket_version_), result.key);
    }
    return result;
  }

  static bool ParentPasses(const ParentCondition& parent, const Json& value, const AttributeSchema* schema) {
    Document doc;
    Json object = Json::object();
    object["value"] = value;
    AttributeSet set(schema);
    set.Clear();
    set.SetFromObject(doc.Add(object));
    return parent.condition.Evaluate(set);
  }

  static FeatureResult MakeFeatureResult(Json value, FeatureSource source, std::string rule_id = {}) {
    FeatureResult r;
    r.on = JsTruthy(value);
    r.off = !r.on;
    r.value = std::move(value);
    r.source = source;
    r.rule_id = std::move(rule_id);
    return r;
  }

  static FeatureResult UnknownFeature() { return MakeFeatureResult(nullptr, FeatureSource::kUnknownFeature); }

  static bool IncludedInRollout(const Evaluation& e, const FeatureRule& rule) {
    if (!rule.range && !rule.has_coverage) return true;
    if (!rule.range && !rule.coverage_null && rule.coverage == 0) return false;
    HashAttr h = GetHashAttribute(
        e, rule.hash_attribute,
        StickyActive(e, rule.disable_sticky_bucketing) ? rule.fallback_attribute : std::string());
    if (h.value == nullptr) return false;
    std::optional<double> n = GrowthBookHash(rule.seed, h.Text(), rule.hash_version);
    if (!n) return false;
    if (rule.range) return *n >= rule.range->first && *n < rule.range->second;
    return *n <= (rule.coverage_null ? 0.0 : rule.coverage);  // `n <= null` compares with 0
  }

  static FeatureResult EvalFeature(const FeatureEvaluator& evaluator, const std::string& id, Evaluation& e) {
    std::vector<std::string>& stack = e.stack();
    if (std::find(stack.begin(), stack.end(), id) != stack.end()) {
      return MakeFeatureResult(nullptr, FeatureSource::kCyclicPrerequisite);
    }
    stack.push_back(id);
    struct Pop {
      std::vector<std::string>& s;
      ~Pop() { s.pop_back(); }
    } pop{stack};

    const EvalContext& ctx = e.ctx();
    if (auto it = ctx.forced_feature_values.find(id); it != ctx.forced_feature_values.end()) {
      return MakeFeatureResult(it->second, FeatureSource::kOverride);
    }
    const FeatureEvaluator::Impl& impl = *evaluator.impl_;
    auto found = impl.features.find(id);
    if (found == impl.features.end()) return UnknownFeature();
    const CompiledFeature& feature = found->second;
    const AttributeSchema* schema = impl.schema.get();

    for (const FeatureRule& rule : feature.rules) {
      // Prerequisites.
      bool skip = false;
      for (const ParentCondition& parent : rule.parents) {
        FeatureResult p = EvalFeature(evaluator, parent.id, e);
        if (p.source == FeatureSource::kCyclicPrerequisite) {
          return MakeFeatureResult(nullptr, FeatureSource::kCyclicPrerequisite);
        }
        if (!ParentPasses(parent, p.value, schema)) {
          if (parent.gate) return MakeFeatureResult(nullptr, FeatureSource::kPrerequisite);
          skip = true;
          break;
        }
      }
      if (skip) continue;
      if (rule.filters && IsFilteredOut(e, *rule.filters)) continue;

      if (rule.kind == FeatureRule::Kind::kForce) {
        if (rule.condition && !rule.condition->Evaluate(e.AttributesFor(schema))) continue;
        if (!IncludedInRollout(e, rule)) continue;
        return MakeFeatureResult(rule.force, FeatureSource::kForce, rule.id);
      }
      if (rule.kind != FeatureRule::Kind::kExperiment) continue;

      const ExperimentSpec& spec = *rule.experiment;
      // Contextual bandit: the first leaf whose condition passes supplies
      // the weights; no leaf means the rule's (or equal) weights, leaf -1.
      const std::vector<double>* weights_override = nullptr;
      const BanditLeaf* leaf = nullptr;
      std::vector<double> fallback_weights;
      if (rule.bandit) {
        for (const BanditLeaf& l : rule.bandit->leaves) {
          if (l.condition.Evaluate(e.AttributesFor(schema))) {
            leaf = &l;
            break;
          }
        }
        if (leaf) {
          weights_override = &leaf->weights;
        } else {
          fallback_weights = spec.weights_ ? *spec.weights_ : EqualWeights(spec.num_variations());
        }
      }
      ExperimentResult result = Run(e, spec, &id, weights_override);
      if (!result.in_experiment || result.passthrough) continue;

      FeatureResult out = MakeFeatureResult(result.value, FeatureSource::kExperiment, rule.id);
      Json echo = spec.source();
      if (leaf) echo["weights"] = NumbersToJson(leaf->weights);
      if (rule.bandit && result.hash_used && result.in_experiment) {
        Json leaf_id = leaf ? leaf->leaf_id : Json(-1);
        const std::vector<double>& weights = leaf ? leaf->weights : fallback_weights;
        Json cb = Json::object();
        cb["leafId"] = leaf_id;
        cb["variationWeights"] = NumbersToJson(weights);
        if (rule.bandit->bandit_version) cb["banditVersion"] = *rule.bandit->bandit_version;
        echo["contextualBandit"] = std::move(cb);
        result.leaf_id = leaf_id;
        result.variation_weights = weights;
        result.bandit_version = rule.bandit->bandit_version;
      }
      out.experiment = std::move(echo);
      out.experiment_result = std::move(result);
      return out;
    }
    return MakeFeatureResult(feature.default_value, FeatureSource::kDefaultValue);
  }
};

}  // namespace experiment_internal

ExperimentResult RunExperiment(const ExperimentSpec& experiment, const EvalContext& ctx) {
  experiment_internal::Evaluation e(ctx);
  return experiment_internal::ExperimentRunner::Run(e, experiment, nullptr, nullptr);
}

FeatureResult FeatureEvaluator::Evaluate(std::string_view feature_key, const EvalContext& ctx) const {
  experiment_internal::Evaluation e(ctx);
  return experiment_internal::ExperimentRunner::EvalFeature(*this, std::string(feature_key), e);
}

}  // namespace leadseg
