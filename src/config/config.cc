#include "config/config.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "config/hygiene.h"
#include "config/json_checks.h"
#include "leadseg/compiler.h"
#include "scoring/predictive_config.h"
#include "scoring/scoring_config.h"

namespace leadseg {

int RfmAxis::Score(const Value& value) const {
  if (!value.is_number()) return 1;
  double v = value.as_number();
  if (lower_is_better) {
    for (int i = 0; i < 4; ++i) {
      if (v <= bounds[i]) return 5 - i;
    }
    return 1;
  }
  for (int i = 3; i >= 0; --i) {
    if (v >= bounds[i]) return i + 2;
  }
  return 1;
}

int CompiledConfig::FindSegment(std::string_view id) const {
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int CompiledConfig::FindSlot(std::string_view id) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int CompiledConfig::FindMetric(std::string_view id) const {
  for (size_t i = 0; i < metrics_.size(); ++i) {
    if (metrics_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

bool CompiledConfig::IsReserved(std::string_view name) const {
  static constexpr std::string_view kReserved[] = {"declared", "segments",    "rfm",   "score", "grade",
                                                   "leadCell", "temperature", "stage", "mql",   "sql"};
  for (std::string_view r : kReserved) {
    if (name == r) return true;
  }
  return FindMetric(name) >= 0;
}

void CompiledConfig::PublishSegments(const std::vector<uint8_t>& membership, AttributeSet* attributes,
                                     Document* arena, Value** ids) const {
  if (segments_attr_ < 0) return;
  // Rewriting in place is safe: a published array is only read by the
  // conditions evaluated before the next publish.
  if (*ids == nullptr) *ids = arena->AllocateChildren(segments_.size());
  uint32_t k = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (membership[i]) (*ids)[k++] = Value::String(segments_[i].id);
  }
  attributes->Set(segments_attr_, Document::MakeArray(*ids, k));
}

void CompiledConfig::EvaluateSegments(AttributeSet* attributes, Document* arena, std::vector<uint8_t>* out) const {
  out->assign(segments_.size(), 0);
  SegmentProgram::State state;
  if (segments_attr_ < 0) {
    // No segment reads "segments": nothing to publish between segments, so
    // all of them at once, 64 a word (same answers as Holds one by one).
    constexpr size_t kInlineWords = 4;
    uint64_t inline_words[kInlineWords];
    std::vector<uint64_t> heap;
    const size_t words = SegmentProgram::WordsFor(segments_.size());
    if (words > kInlineWords) heap.resize(words);
    uint64_t* membership = words > kInlineWords ? heap.data() : inline_words;
    segment_program_.EvaluateAll(*attributes, &state, membership);
    for (size_t i = 0; i < segments_.size(); ++i) (*out)[i] = static_cast<uint8_t>((membership[i / 64] >> (i % 64)) & 1);
    return;
  }
  bool dirty = true;
  Value* ids = nullptr;
  segment_program_.Begin(*attributes, &state);
  for (const EvalStep& step : order_) {
    if (step.kind != EvalStep::Kind::kSegment) continue;
    const SegmentSpec& s = segments_[static_cast<size_t>(step.index)];
    if (dirty && segments_attr_ >= 0 &&
        std::find(s.condition.attrs().begin(), s.condition.attrs().end(), segments_attr_) != s.condition.attrs().end()) {
      PublishSegments(*out, attributes, arena, &ids);
      dirty = false;
    }
    (*out)[static_cast<size_t>(step.index)] = segment_program_.Holds(static_cast<size_t>(step.index), *attributes, &state) ? 1 : 0;
    dirty = true;
  }
}

std::vector<const Condition*> CompiledConfig::segment_conditions() const {
  std::vector<const Condition*> conditions;
  for (const SegmentSpec& s : segments_) conditions.push_back(&s.condition);
  return conditions;
}

std::vector<const Condition*> CompiledConfig::event_conditions() const {
  std::vector<const Condition*> conditions;
  for (const MetricSpec& m : metrics_) {
    if (m.where) conditions.push_back(&*m.where);
  }
  if (scoring_) {
    for (const ScoreRule& rule : scoring_->rules) {
      if (rule.is_event) conditions.push_back(&*rule.condition);
    }
  }
  return conditions;
}

void CompiledConfig::BuildPrograms() {
  std::vector<int> volatile_attrs;
  for (int attr : {segments_attr_, score_attr_, grade_attr_, lead_cell_attr_, temperature_attr_, stage_attr_,
                   mql_attr_, sql_attr_}) {
    if (attr >= 0) volatile_attrs.push_back(attr);
  }
  segment_program_ = SegmentProgram::Build(segment_conditions(), volatile_attrs);
  event_program_ = SegmentProgram::Build(event_conditions(), {});
}

std::string CompiledConfig::Summary() const {
  return std::to_string(segments_.size()) + " segments, " + std::to_string(metrics_.size()) + " metrics, " +
         std::to_string(schema_.size()) + " attributes";
}

namespace {

// The segment ids an operand on "segments" names, whatever operator wraps
// them ({"$all": ["a", "b"]}, {"$nin": ["c"]}, "d"). Returns false when the
// operand reads the membership as a whole instead ($size, $exists, $regex,
// $type, or no id at all: "in no segment" is {"segments": {"$size": 0}}):
// it then depends on every segment.
bool CollectSegmentIds(const Json& j, std::vector<std::string>* out) {
  if (j.is_string()) {
    out->push_back(j.get<std::string>());
    return true;
  }
  if (j.is_array()) {
    bool named = true;
    for (const auto& e : j) named = CollectSegmentIds(e, out) && named;
    return named;
  }
  if (j.is_object()) {
    bool named = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      if (key == "$size" || key == "$exists" || key == "$regex" || key == "$options" || key == "$type") {
        named = false;
        continue;
      }
      named = CollectSegmentIds(*it, out) && named;
    }
    return named;
  }
  return true;  // numbers, booleans, null name nothing but read nothing either
}

// "segments" or a path into it ("segments.0").
bool IsSegmentsAttribute(const std::string& attribute) {
  return attribute == "segments" || attribute.rfind("segments.", 0) == 0;
}

// Whether `c` reads the "segments" attribute at all.
bool ReadsSegments(const Condition& c) {
  bool reads = false;
  c.ForEachLeaf([&](const std::string& attribute, const Json&, const std::string&) {
    if (IsSegmentsAttribute(attribute)) reads = true;
  });
  return reads;
}

}  // namespace

class ConfigCompiler {
 public:
  explicit ConfigCompiler(Diagnostics* d) : d_(d) {}

  std::unique_ptr<CompiledConfig> Compile(const Json& config) {
    auto out = std::make_unique<CompiledConfig>();
    out_ = out.get();
    if (!config.is_object()) {
      d_->Error("type", std::string("a config must be an object, got ") + JsonTypeName(config), "");
      return nullptr;
    }
    static const char* const kKeys[] = {"$schema",  "version",   "attributes",  "savedGroups", "metrics",
                                        "rfm",      "segments",  "retention",   "hygiene",     "scoring",
                                        "grading",  "temperature", "lifecycle",   "slots",       "predictive"};
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return it.key() == k; })) {
        d_->Error("unknown-key", "unknown key \"" + it.key() + "\"", ChildPath("", it.key()));
      }
    }
    if (auto v = config.find("version"); v != config.end() && !(v->is_number_integer() && *v == 1)) {
      d_->Error("version", "unsupported config version " + v->dump() + " (this engine reads version 1)", "/version");
    }
    if (auto g = config.find("savedGroups"); g != config.end()) {
      if (!g->is_object()) d_->Error("type", "savedGroups must be an object of arrays", "/savedGroups");
      else groups_ = &*g;
    }
    // Metrics first: their ids are reserved before segments are compiled.
    if (auto m = config.find("metrics"); m != config.end()) {
      if (!m->is_array()) d_->Error("type", "metrics must be an array", "/metrics");
      else {
        for (size_t i = 0; i < m->size(); ++i) CompileMetric((*m)[i], ChildPath("/metrics", i));
      }
    }
    if (auto a = config.find("attributes"); a != config.end()) CompileAttributeTypes(*a);
    if (auto r = config.find("rfm"); r != config.end()) CompileRfm(*r);
    if (auto r = config.find("retention"); r != config.end()) CompileRetention(*r);
    // Optional: a site that only runs slots and experiments has no segments.
    auto segments = config.find("segments");
    if (segments == config.end()) {
      // nothing to compile
    } else if (!segments->is_array()) {
      d_->Error("type", "segments must be an array", "/segments");
    } else {
      for (size_t i = 0; i < segments->size(); ++i) CompileSegment((*segments)[i], ChildPath("/segments", i));
      ResolveSegmentDependencies();
    }
    CompileScoringSections(config);
    if (d_->has_errors()) return nullptr;
    AssignAttrs();
    CheckDerivedReads();
    ComputeEvaluationOrder();
    if (d_->has_errors()) return nullptr;
    HygieneOptions hygiene;
    if (auto h = config.find("hygiene"); h != config.end()) {
      if (!h->is_object()) d_->Error("type", "hygiene must be an object", "/hygiene");
      else if (auto ms = h->find("maxSegments"); ms != h->end()) {
        if (!ms->is_number_integer() || ms->get<int64_t>() < 1) {
          d_->Error("type", "maxSegments must be a positive integer", "/hygiene/maxSegments");
        } else {
          hygiene.max_segments = static_cast<int>(std::min<int64_t>(ms->get<int64_t>(), 1000000));
        }
      }
    }
    CheckHygiene(config, *out_, attribute_types_, hygiene, d_);
    if (out_->predictive_) CheckPredictiveHygiene(*out_->predictive_, attribute_types_, KnownNames(), d_);
    if (d_->has_errors()) return nullptr;
    out->BuildPrograms();
    return out;
  }

 private:
  bool CheckKeys(const Json& obj, const std::string& path, std::initializer_list<const char*> allowed) {
    return CheckKnownKeys(obj, path, allowed, d_);
  }

  const std::string* RequireId(const Json& obj, const std::string& path, const char* what) {
    auto id = obj.find("id");
    if (id == obj.end() || !id->is_string()) {
      d_->Error("missing", std::string("a ") + what + " needs a string \"id\"", ChildPath(path, "id"));
      return nullptr;
    }
    const std::string& s = id->get_ref<const std::string&>();
    if (!IsIdentifier(s)) {
      d_->Error("id", std::string(what) + " id \"" + s +
                          "\" must start with a letter or _ and use only letters, digits and _ (at most 64)",
                ChildPath(path, "id"));
      return nullptr;
    }
    return &s;
  }

  void CompileMetric(const Json& m, const std::string& path) {
    if (!m.is_object()) {
      d_->Error("type", "a metric must be an object", path);
      return;
    }
    CheckKeys(m, path, {"id", "name", "description", "aggregate", "field", "window", "unit", "where"});
    const std::string* id = RequireId(m, path, "metric");
    if (!id) return;
    if (!metric_ids_.insert(*id).second) {
      d_->Error("duplicate-id", "metric id \"" + *id + "\" is used twice", ChildPath(path, "id"));
      return;
    }
    if (out_->IsReserved(*id)) {
      d_->Error("reserved", "metric id \"" + *id + "\" is a reserved attribute name", ChildPath(path, "id"));
      return;
    }
    MetricSpec spec;
    spec.id = *id;
    auto agg = m.find("aggregate");
    if (agg == m.end() || !agg->is_string() || !ParseAggregate(agg->get<std::string>())) {
      d_->Error("enum",
                "aggregate must be one of count, sum, min, max, avg, distinct, first, last, sinceFirst, sinceLast, lastGap",
                ChildPath(path, "aggregate"));
      return;
    }
    spec.aggregate = *ParseAggregate(agg->get<std::string>());
    auto field = m.find("field");
    if (AggregateNeedsField(spec.aggregate)) {
      if (field == m.end() || !field->is_string() || field->get_ref<const std::string&>().empty()) {
        d_->Error("missing", std::string("aggregate \"") + AggregateName(spec.aggregate) +
                                 "\" needs \"field\", the event property it reads",
                  ChildPath(path, "field"));
        return;
      }
      spec.field = field->get<std::string>();
    } else if (field != m.end()) {
      d_->Error("unexpected", std::string("aggregate \"") + AggregateName(spec.aggregate) + "\" reads no field",
                ChildPath(path, "field"));
      return;
    }
    for (const char* key : {"window", "unit"}) {
      auto w = m.find(key);
      if (w == m.end()) continue;
      auto d = w->is_string() ? ParseDuration(w->get<std::string>())
                              : Result<TimeMs>(InvalidArgument(std::string(key) + " must be a string like \"7d\""));
      if (!d.ok()) {
        d_->Error(Status(d.status().code(), d.status().message(), ChildPath(path, key)), "duration");
        return;
      }
      if (std::string(key) == "window") spec.window = *d;
      else if (*d == kForever) {
        d_->Error("duration", "unit cannot be \"all\"", ChildPath(path, key));
        return;
      } else {
        spec.unit = *d;
      }
    }
    if (auto w = m.find("where"); w != m.end()) {
      ConditionOptions options;
      options.saved_groups = groups_;
      auto c = Condition::Compile(*w, &out_->event_schema_, options, ChildPath(path, "where"));
      if (!c.ok()) {
        d_->Error(c.status(), "condition");
        return;
      }
      spec.where = std::move(c).value();
    }
    out_->metrics_.push_back(std::move(spec));
  }

  void CompileAttributeTypes(const Json& a) {
    if (!a.is_object()) {
      d_->Error("type", "attributes must be an object of name -> type", "/attributes");
      return;
    }
    for (auto it = a.begin(); it != a.end(); ++it) {
      std::string path = ChildPath("/attributes", it.key());
      static const char* const kTypes[] = {"string", "number", "boolean", "array", "object"};
      if (!it->is_string() || std::none_of(std::begin(kTypes), std::end(kTypes),
                                           [&](const char* t) { return *it == t; })) {
        d_->Error("enum", "attribute type must be string, number, boolean, array or object", path);
        continue;
      }
      if (out_->IsReserved(it.key())) {
        d_->Error("reserved", "\"" + it.key() + "\" is a metric id or reserved name, not an attribute", path);
        continue;
      }
      attribute_types_[it.key()] = it->get<std::string>();
    }
  }

  void CompileRfm(const Json& r) {
    if (!r.is_object()) {
      d_->Error("type", "rfm must be an object with recency, frequency and monetary", "/rfm");
      return;
    }
    CheckKeys(r, "/rfm", {"recency", "frequency", "monetary"});
    RfmSpec spec;
    bool ok = true;
    struct {
      const char* key;
      RfmAxis* axis;
    } axes[] = {{"recency", &spec.recency}, {"frequency", &spec.frequency}, {"monetary", &spec.monetary}};
    for (auto& a : axes) {
      std::string path = ChildPath("/rfm", a.key);
      auto it = r.find(a.key);
      if (it == r.end() || !it->is_object()) {
        d_->Error("missing", std::string("rfm needs \"") + a.key + "\": {metric, bounds}", path);
        ok = false;
        continue;
      }
      CheckKeys(*it, path, {"metric", "bounds"});
      auto metric = it->find("metric");
      int index = metric != it->end() && metric->is_string() ? out_->FindMetric(metric->get<std::string>()) : -1;
      if (index < 0) {
        d_->Error("reference", "rfm axis needs \"metric\": the id of a metric in this config", ChildPath(path, "metric"));
        ok = false;
        continue;
      }
      a.axis->metric = metric->get<std::string>();
      a.axis->metric_index = index;
      a.axis->lower_is_better = std::string(a.key) == "recency";
      auto bounds = it->find("bounds");
      bool valid = bounds != it->end() && bounds->is_array() && bounds->size() == 4;
      for (size_t i = 0; valid && i < 4; ++i) {
        valid = (*bounds)[i].is_number() && (i == 0 || (*bounds)[i].get<double>() > (*bounds)[i - 1].get<double>());
        if (valid) a.axis->bounds[i] = (*bounds)[i].get<double>();
      }
      if (!valid) {
        d_->Error("bounds", "bounds must be 4 strictly ascending numbers", ChildPath(path, "bounds"));
        ok = false;
      }
    }
    if (ok) out_->rfm_ = spec;
  }

  void CompileRetention(const Json& r) {
    if (!r.is_object()) {
      d_->Error("type", "retention must be an object", "/retention");
      return;
    }
    CheckKeys(r, "/retention", {"maxAge", "maxEvents"});
    if (auto a = r.find("maxAge"); a != r.end()) {
      auto d = a->is_string() ? ParseDuration(a->get<std::string>())
                              : Result<TimeMs>(InvalidArgument("maxAge must be a string like \"180d\""));
      if (!d.ok()) d_->Error(Status(d.status().code(), d.status().message(), "/retention/maxAge"), "duration");
      else out_->retention_.max_age = *d;
    }
    if (auto e = r.find("maxEvents"); e != r.end()) {
      if (!e->is_number_integer() || e->get<int64_t>() < 1 || e->get<int64_t>() > 1000000) {
        d_->Error("range", "maxEvents must be an integer from 1 to 1000000", "/retention/maxEvents");
      } else {
        out_->retention_.max_events = static_cast<size_t>(e->get<int64_t>());
      }
    }
  }

  void CompileSegment(const Json& s, const std::string& path) {
    if (!s.is_object()) {
      d_->Error("type", "a segment must be an object", path);
      return;
    }
    CheckKeys(s, path, {"id", "name", "description", "kind", "condition"});
    const std::string* id = RequireId(s, path, "segment");
    if (!id) return;
    if (!segment_ids_.insert(*id).second) {
      d_->Error("duplicate-id", "segment id \"" + *id + "\" is used twice", ChildPath(path, "id"));
      return;
    }
    auto cond = s.find("condition");
    if (cond == s.end()) {
      d_->Error("missing", "segment \"" + *id + "\" needs a \"condition\"", ChildPath(path, "condition"));
      return;
    }
    ConditionOptions options;
    options.saved_groups = groups_;
    auto compiled = Condition::Compile(*cond, &out_->schema_, options, ChildPath(path, "condition"));
    if (!compiled.ok()) {
      d_->Error(compiled.status(), "condition");
      return;
    }
    SegmentSpec spec{*id, "", "", SegmentKind::kCharacteristic, std::move(compiled).value(), {}};
    for (const char* key : {"name", "description"}) {
      if (auto n = s.find(key); n != s.end()) {
        if (!n->is_string()) d_->Error("type", std::string(key) + " must be a string", ChildPath(path, key));
        else (std::string(key) == "name" ? spec.name : spec.description) = n->get<std::string>();
      }
    }
    if (spec.name.empty()) spec.name = spec.id;
    if (auto k = s.find("kind"); k != s.end()) {
      if (*k == "behavioral") spec.kind = SegmentKind::kBehavioral;
      else if (*k != "characteristic") {
        d_->Error("enum", "kind must be \"characteristic\" or \"behavioral\"", ChildPath(path, "kind"));
      }
    }
    paths_.push_back(path);
    out_->segments_.push_back(std::move(spec));
  }

  // Segments that read "segments" depend on the ids they mention; one that
  // reads the membership as a whole ($size, $regex, ...) depends on every
  // segment that does not itself read "segments", so it sees them all.
  // Unknown ids are errors; cycles are found when ordering.
  void ResolveSegmentDependencies() {
    auto& segs = out_->segments_;
    std::vector<bool> reads_all(segs.size(), false), reads_any(segs.size(), false);
    auto add = [&](size_t i, int j) {
      if (std::find(segs[i].depends_on.begin(), segs[i].depends_on.end(), j) == segs[i].depends_on.end()) {
        segs[i].depends_on.push_back(j);
      }
    };
    for (size_t i = 0; i < segs.size(); ++i) {
      segs[i].condition.ForEachLeaf([&](const std::string& attribute, const Json& operand, const std::string& pointer) {
        if (!IsSegmentsAttribute(attribute)) return;
        reads_any[i] = true;
        std::vector<std::string> ids;
        if (!CollectSegmentIds(operand, &ids) || ids.empty()) reads_all[i] = true;
        for (const auto& dep : ids) {
          int j = out_->FindSegment(dep);
          if (j >= 0) add(i, j);
          // A segment that is defined but failed to compile already has its
          // own error; calling it unknown here would send the user hunting
          // for a missing definition.
          else if (!segment_ids_.count(dep)) d_->Error("reference", "unknown segment \"" + dep + "\"", pointer);
        }
      });
    }
    for (size_t i = 0; i < segs.size(); ++i) {
      if (!reads_all[i]) continue;
      for (size_t j = 0; j < segs.size(); ++j) {
        if (j != i && !reads_any[j]) add(i, static_cast<int>(j));
      }
    }
  }

  // Orders segments, score, grade, temperature and stage so each comes
  // after everything it reads; a cycle is an error naming its members, at
  // the path of the rule (or condition) whose read closes it.
  void ComputeEvaluationOrder() {
    auto& segs = out_->segments_;
    const size_t n_segments = segs.size();
    // Each read and each dependency keeps the JSON path of what causes it
    // ("/scoring/rules/8"), so errors can point at one rule.
    struct Read {
      int attr;
      std::string path;
    };
    struct Dep {
      size_t node;
      std::string path;
    };
    struct Node {
      EvalStep step;
      std::string name;
      std::vector<Read> reads;
      std::vector<int> produces;  // attribute indexes
      std::vector<Dep> deps;
    };
    std::vector<Node> nodes;
    for (size_t i = 0; i < n_segments; ++i) {
      std::string path = paths_[i] + "/condition";
      nodes.push_back({{EvalStep::Kind::kSegment, static_cast<int>(i)}, "segment " + segs[i].id, {}, {}, {}});
      for (int attr : segs[i].condition.attrs()) nodes.back().reads.push_back({attr, path});
      for (int dep : segs[i].depends_on) nodes.back().deps.push_back({static_cast<size_t>(dep), path});
    }
    auto add_attrs = [](std::vector<Read>* to, const Condition& c, const std::string& path) {
      for (int attr : c.attrs()) to->push_back({attr, path});
    };
    // The lead-scoring conditions with their paths; indices match the config
    // because a section with any error stops compilation before this.
    struct Member {
      const Condition* condition;
      std::string path;
    };
    auto members = [&](EvalStep::Kind kind) {
      std::vector<Member> out;
      if (kind == EvalStep::Kind::kScore) {
        const auto& rules = out_->scoring_->rules;
        for (size_t r = 0; r < rules.size(); ++r) {
          if (!rules[r].is_event) out.push_back({&*rules[r].condition, ChildPath("/scoring/rules", r)});
        }
      } else if (kind == EvalStep::Kind::kGrade) {
        const auto& rules = out_->grading_->rules;
        for (size_t r = 0; r < rules.size(); ++r) out.push_back({&rules[r].condition, ChildPath("/grading/rules", r)});
      } else if (kind == EvalStep::Kind::kStage) {
        const auto& stages = out_->lifecycle_->stages;
        for (size_t k = 0; k < stages.size(); ++k) {
          if (stages[k].condition) out.push_back({&*stages[k].condition, ChildPath("/lifecycle/stages", k)});
        }
        if (out_->lifecycle_->mql) out.push_back({&*out_->lifecycle_->mql, "/lifecycle/mql"});
        if (out_->lifecycle_->sql) out.push_back({&*out_->lifecycle_->sql, "/lifecycle/sql"});
      }
      return out;
    };
    // The model comes before the score and grade it adds to (dependencies
    // below); placed first, a cycle through it is reported at the feature
    // that closes it.
    const size_t predictive_node = nodes.size();
    if (out_->predictive_) {
      PredictiveSpec& model = *out_->predictive_;
      Node n{{EvalStep::Kind::kPredictive, 0}, model.RuleName(), {}, {}, {}};
      for (size_t f = 0; f < model.features.size(); ++f) {
        const PredictiveFeature& feature = model.features[f];
        std::string path = ChildPath(ChildPath("/predictive/features", f), "attribute");
        n.reads.push_back({feature.attr, path});
        if (feature.attr != out_->segments_attr_ || feature.attr < 0) continue;
        model.reads_segments = true;
        // One-hot on "segments" names one segment, which comes first; any
        // other read of the list sees every segment that does not itself
        // read "segments" (as conditions do).
        if (feature.kind == PredictiveFeature::Kind::kEquals && feature.steps.empty() &&
            feature.equals_type == ValueType::kString) {
          int j = out_->FindSegment(feature.equals_string);
          if (j < 0) {
            d_->Error("reference", "unknown segment \"" + feature.equals_string + "\"",
                      ChildPath(ChildPath("/predictive/features", f), "equals"));
          } else {
            n.deps.push_back({static_cast<size_t>(j), path});
          }
        } else {
          for (size_t j = 0; j < n_segments; ++j) {
            if (!ReadsSegments(segs[j].condition)) n.deps.push_back({j, path});
          }
        }
      }
      nodes.push_back(std::move(n));
    }
    if (out_->scoring_) {
      Node n{{EvalStep::Kind::kScore, 0}, "score", {}, {out_->score_attr_}, {}};
      for (const auto& m : members(EvalStep::Kind::kScore)) add_attrs(&n.reads, *m.condition, m.path);
      nodes.push_back(std::move(n));
    }
    if (out_->grading_) {
      Node n{{EvalStep::Kind::kGrade, 0}, "grade", {}, {out_->grade_attr_, out_->lead_cell_attr_}, {}};
      for (const auto& m : members(EvalStep::Kind::kGrade)) add_attrs(&n.reads, *m.condition, m.path);
      n.reads.push_back({out_->score_attr_, "/grading"});  // leadCell's engagement digit
      nodes.push_back(std::move(n));
    }
    if (out_->temperature_) {
      nodes.push_back({{EvalStep::Kind::kTemperature, 0}, "temperature", {{out_->score_attr_, "/temperature"}},
                       {out_->temperature_attr_}, {}});
    }
    if (out_->lifecycle_) {
      Node n{{EvalStep::Kind::kStage, 0}, "stage", {}, {out_->stage_attr_, out_->mql_attr_, out_->sql_attr_}, {}};
      for (const auto& m : members(EvalStep::Kind::kStage)) add_attrs(&n.reads, *m.condition, m.path);
      nodes.push_back(std::move(n));
    }
    if (out_->predictive_) {
      for (size_t i = n_segments; i < nodes.size(); ++i) {
        EvalStep::Kind kind = nodes[i].step.kind;
        if (kind == EvalStep::Kind::kScore && out_->predictive_->score_points) {
          nodes[i].deps.push_back({predictive_node, "/predictive/scoring"});
        }
        if (kind == EvalStep::Kind::kGrade && out_->predictive_->grade_points) {
          nodes[i].deps.push_back({predictive_node, "/predictive/grading"});
        }
      }
    }
    // Non-segment nodes that read "segments" depend on the segments they
    // name, like segments do.
    std::vector<bool> reads_segments(n_segments);
    for (size_t j = 0; j < n_segments; ++j) reads_segments[j] = ReadsSegments(segs[j].condition);
    for (size_t i = n_segments; i < nodes.size(); ++i) {
      Node& n = nodes[i];
      for (const auto& m : members(n.step.kind)) {
        m.condition->ForEachLeaf([&](const std::string& attribute, const Json& operand, const std::string& pointer) {
          if (!IsSegmentsAttribute(attribute)) return;
          std::vector<std::string> ids;
          if (!CollectSegmentIds(operand, &ids) || ids.empty()) {
            for (size_t j = 0; j < n_segments; ++j) {
              if (!reads_segments[j]) n.deps.push_back({j, m.path});
            }
          }
          for (const auto& id : ids) {
            int j = out_->FindSegment(id);
            if (j < 0) d_->Error("reference", "unknown segment \"" + id + "\"", pointer);
            else n.deps.push_back({static_cast<size_t>(j), m.path});
          }
        });
      }
    }
    // Reading an attribute another node produces is a dependency on that node;
    // reading its own output is an error (it would always see null). The
    // lifecycle hand-offs may read the stage and the earlier hand-off, which
    // are set in that order.
    for (size_t a = 0; a < nodes.size(); ++a) {
      for (size_t b = n_segments; b < nodes.size(); ++b) {
        const std::vector<int>& produces = nodes[b].produces;
        auto produced = [&](int attr) {
          return attr >= 0 && std::find(produces.begin(), produces.end(), attr) != produces.end();
        };
        if (a == b) {
          bool self = nodes[a].step.kind == EvalStep::Kind::kScore || nodes[a].step.kind == EvalStep::Kind::kGrade;
          for (const Read& read : nodes[a].reads) {
            if (self && produced(read.attr)) {
              d_->Error("cycle", nodes[a].name + " rules cannot read " + out_->schema_.name(read.attr) +
                                     ", which they compute", read.path);
              break;
            }
          }
          continue;
        }
        for (const Read& read : nodes[a].reads) {
          if (produced(read.attr)) {
            nodes[a].deps.push_back({b, read.path});
            break;
          }
        }
      }
    }
    auto name_of = [&](size_t i) {
      return nodes[i].step.kind == EvalStep::Kind::kSegment ? segs[static_cast<size_t>(nodes[i].step.index)].id
                                                            : nodes[i].name;
    };
    std::vector<int> state(nodes.size(), 0);  // 0 new, 1 on the stack, 2 done
    // The nodes being visited, each with the path of the dependency being
    // followed from it.
    std::vector<std::pair<size_t, const std::string*>> stack;
    std::function<bool(size_t)> visit = [&](size_t i) -> bool {
      if (state[i] == 2) return true;
      if (state[i] == 1) {
        auto from = std::find_if(stack.begin(), stack.end(), [&](const auto& e) { return e.first == i; });
        std::string cycle;
        for (auto it = from; it != stack.end(); ++it) cycle += name_of(it->first) + " -> ";
        cycle += name_of(i);
        // Reported where `i` reads the next member: the rule that makes the
        // first step of the cycle as printed.
        d_->Error("cycle", "these depend on each other in a cycle: " + cycle, *from->second);
        return false;
      }
      state[i] = 1;
      stack.push_back({i, nullptr});
      for (const Dep& dep : nodes[i].deps) {
        stack.back().second = &dep.path;
        if (!visit(dep.node)) return false;
      }
      stack.pop_back();
      state[i] = 2;
      out_->order_.push_back(nodes[i].step);
      return true;
    };
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!visit(i)) return;
    }
  }

  void CompileScoringSections(const Json& config) {
    SectionContext ctx{&out_->schema_, &out_->event_schema_, groups_, d_};
    if (auto s = config.find("scoring"); s != config.end()) out_->scoring_ = CompileScoring(*s, ctx);
    if (auto s = config.find("grading"); s != config.end()) out_->grading_ = CompileGrading(*s, ctx);
    if (auto s = config.find("temperature"); s != config.end()) {
      if (!config.contains("scoring")) d_->Error("missing", "temperature needs a scoring section", "/temperature");
      out_->temperature_ = CompileTemperature(*s, ctx);
    }
    if (auto s = config.find("lifecycle"); s != config.end()) out_->lifecycle_ = CompileLifecycle(*s, ctx);
    if (auto s = config.find("slots"); s != config.end()) {
      if (auto slots = CompileSlots(*s, ctx)) out_->slots_ = std::move(*slots);
    }
    if (auto s = config.find("predictive"); s != config.end()) CompilePredictiveSection(config, *s, ctx);
  }

  // The model adds its points to a score or grade the config computes; it
  // does not create either (bands and engagement thresholds are the site's
  // choice, and a score of the model alone is "scoring": {"rules": []}).
  void CompilePredictiveSection(const Json& config, const Json& section, const SectionContext& ctx) {
    out_->predictive_ = CompilePredictive(section, ctx);
    if (!out_->predictive_) return;
    if (out_->predictive_->score_points && !config.contains("scoring")) {
      d_->Error("missing",
                "predictive scoring adds to the score, which needs a scoring section (\"scoring\": {\"rules\": []} "
                "to score with the model alone)",
                "/predictive/scoring");
    }
    if (out_->predictive_->grade_points && !config.contains("grading")) {
      d_->Error("missing", "predictive grading adds to the fit, which needs a grading section", "/predictive/grading");
    }
  }

  // Every top-level name the config reads or the engine publishes, for the
  // model's unknown-attribute warning.
  std::set<std::string> KnownNames() const {
    std::set<std::string> known;
    for (const char* name : {"declared", "segments", "rfm", "score", "grade", "leadCell", "temperature", "stage",
                             "mql", "sql"}) {
      known.insert(name);
    }
    for (const auto& m : out_->metrics_) known.insert(m.id);
    for (const auto& [name, type] : attribute_types_) known.insert(name);
    auto note = [&](const Condition& c) {
      c.ForEachLeaf([&](const std::string& attribute, const Json&, const std::string&) {
        known.insert(attribute.substr(0, attribute.find('.')));
      });
    };
    for (const auto& s : out_->segments_) note(s.condition);
    if (out_->scoring_) {
      for (const auto& r : out_->scoring_->rules) {
        if (!r.is_event) note(*r.condition);
      }
    }
    if (out_->grading_) {
      for (const auto& r : out_->grading_->rules) note(r.condition);
    }
    if (out_->lifecycle_) {
      for (const auto& st : out_->lifecycle_->stages) {
        if (st.condition) note(*st.condition);
      }
      if (out_->lifecycle_->mql) note(*out_->lifecycle_->mql);
      if (out_->lifecycle_->sql) note(*out_->lifecycle_->sql);
    }
    for (const auto& slot : out_->slots_) {
      for (const auto& v : slot.variants) {
        if (v.when) note(*v.when);
      }
      if (slot.experiment && slot.experiment->when) note(*slot.experiment->when);
    }
    return known;
  }

  // A condition that reads "score" without a scoring section (and so on)
  // would silently see null: say so.
  void CheckDerivedReads() {
    struct {
      const char* name;
      bool configured;
      const char* section;
    } derived[] = {{"score", out_->scoring_.has_value(), "scoring"},
                   {"grade", out_->grading_.has_value(), "grading"},
                   {"leadCell", out_->grading_.has_value(), "grading"},
                   {"temperature", out_->temperature_.has_value(), "temperature"},
                   {"stage", out_->lifecycle_.has_value(), "lifecycle"},
                   {"mql", out_->lifecycle_.has_value(), "lifecycle"},
                   {"sql", out_->lifecycle_.has_value(), "lifecycle"},
                   {"rfm", out_->rfm_.has_value(), "rfm"}};
    auto check = [&](const std::string& attribute, const std::string& pointer) {
      std::string head = attribute.substr(0, attribute.find('.'));
      for (const auto& d : derived) {
        if (head == d.name && !d.configured) {
          d_->Error("reference", "\"" + head + "\" needs a " + d.section + " section in the config", pointer);
        }
      }
    };
    for (size_t i = 0; i < out_->segments_.size(); ++i) {
      out_->segments_[i].condition.ForEachLeaf(
          [&](const std::string& attribute, const Json&, const std::string& pointer) { check(attribute, pointer); });
    }
    // The model's features likewise: a feature on an unconfigured section
    // would always read null.
    if (out_->predictive_) {
      const auto& features = out_->predictive_->features;
      for (size_t i = 0; i < features.size(); ++i) {
        check(features[i].attribute, ChildPath(ChildPath("/predictive/features", i), "attribute"));
      }
    }
  }

  void AssignAttrs() {
    // Every metric gets an attribute index so explain and the inspector can show it
    // even when no condition reads it.
    for (const auto& m : out_->metrics_) {
      out_->metric_attrs_.push_back(out_->schema_.Intern(m.id));
      out_->metric_field_attrs_.push_back(m.field.empty() ? -1 : out_->event_schema_.Intern(m.field));
    }
    out_->declared_attr_ = out_->schema_.Find("declared");
    out_->segments_attr_ = out_->schema_.Find("segments");
    out_->rfm_attr_ = out_->rfm_ ? out_->schema_.Intern("rfm") : -1;
    out_->event_type_attr_ = out_->event_schema_.Intern("type");
    if (out_->scoring_) out_->score_attr_ = out_->schema_.Intern("score");
    if (out_->grading_) {
      out_->grade_attr_ = out_->schema_.Intern("grade");
      out_->lead_cell_attr_ = out_->schema_.Intern("leadCell");
    }
    if (out_->temperature_) out_->temperature_attr_ = out_->schema_.Intern("temperature");
    if (out_->lifecycle_) {
      out_->stage_attr_ = out_->schema_.Intern("stage");
      out_->mql_attr_ = out_->schema_.Intern("mql");
      out_->sql_attr_ = out_->schema_.Intern("sql");
    }
  }

  Diagnostics* d_;
  CompiledConfig* out_ = nullptr;
  const Json* groups_ = nullptr;
  std::vector<std::string> paths_;  // JSON path of each compiled segment
  // Every id seen, compiled or not, so a duplicate of a broken entry is
  // still reported.
  std::set<std::string> metric_ids_, segment_ids_;
  std::map<std::string, std::string> attribute_types_;
};

std::unique_ptr<CompiledConfig> CompileConfig(const Json& config, Diagnostics* diagnostics) {
  // A Json built in C++ may hold what JSON text cannot (invalid UTF-8, NaN,
  // unbounded nesting); compiled configs are echoed back as JSON text.
  Status valid = CheckJsonValue(config, "config");
  if (!valid.ok()) {
    diagnostics->Error(valid, "json");
    return nullptr;
  }
  return ConfigCompiler(diagnostics).Compile(config);
}

std::unique_ptr<CompiledConfig> CompileConfigText(std::string_view text, Diagnostics* diagnostics) {
  auto parsed = ParseJson(text, "config");
  if (!parsed.ok()) {
    diagnostics->Error(parsed.status(), "json");
    return nullptr;
  }
  return CompileConfig(*parsed, diagnostics);
}

}  // namespace leadseg
