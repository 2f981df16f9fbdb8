#include "leadseg/compiled_config.h"

#include <cmath>
#include <cstring>
#include <utility>

#include "config/config.h"
#include "core/bytes.h"

namespace leadseg {
namespace {

constexpr uint64_t kMaxItems = 1u << 20;

// --- writing -----------------------------------------------------------------

class Writer {
 public:
  void U(uint64_t v) { bytes::PutVarint(v, &out_); }
  void I(int64_t v) { bytes::PutSigned(v, &out_); }
  void D(double v) { bytes::PutDouble(v, &out_); }
  void B(bool v) { out_.push_back(v ? 1 : 0); }
  void S(std::string_view s) { bytes::PutString(s, &out_); }
  void C(const Condition& c) { c.Encode(&out_); }
  void OptC(const std::optional<Condition>& c) {
    B(c.has_value());
    if (c) C(*c);
  }
  void OptD(const std::optional<double>& d) {
    B(d.has_value());
    if (d) D(*d);
  }
  void P(const SegmentProgram& p) { p.Encode(&out_); }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// --- reading -----------------------------------------------------------------

// The sticky reader (core/bytes.h) with the config's shapes: checked
// durations, enums and indexes, conditions and programs.
class Reader : public bytes::Reader {
 public:
  Reader(std::string_view in, const ConditionDecodeOptions& conditions) : bytes::Reader(in), conditions_(conditions) {}

  // Why a condition failed when that was not damage (FailedPrecondition: a
  // regex pattern and no compiler), else OK.
  const Status& condition_status() const { return condition_status_; }

  // A duration as the config's parser produces it: positive (or, where
  // `zero_ok`, 0 for "none"), kForever only where `forever_ok`. Times are
  // computed as `now - duration`, so a negative one would overflow.
  TimeMs Duration(bool zero_ok, bool forever_ok) {
    int64_t v = I();
    return Check(v >= (zero_ok ? 0 : 1) && (v != kForever || forever_ok)) ? v : 0;
  }
  // A count of items that take at least one byte each.
  size_t Count() { return bytes::Reader::Count(kMaxItems); }
  // An enum value in [0, last].
  template <typename E>
  E Enum(E last) {
    return static_cast<E>(Below(static_cast<uint64_t>(last) + 1));
  }
  // An index in [-1, size) when `optional`, else [0, size).
  int Index(size_t size, bool optional = false) {
    int64_t v = I();
    return Check(v >= (optional ? -1 : 0) && v < static_cast<int64_t>(size)) ? static_cast<int>(v) : -1;
  }
  std::optional<Condition> C(const AttributeSchema& schema);
  // An opt<condition> into `*out` (left empty when absent), assigned here
  // rather than at each of the decoder's seven call sites.
  void OptC(const AttributeSchema& schema, std::optional<Condition>* out);
  // A list read into place (bytes::Reader::Sized). The specs that hold a
  // Condition (which has no empty state) are built as read instead.
  template <typename T>
  std::vector<T>& Sized(std::vector<T>* items) {
    return bytes::Reader::Sized(kMaxItems, items);
  }
  std::optional<double> OptD() {
    if (!B()) return std::nullopt;
    return D();
  }
  // A stored SegmentProgram over `conditions` (segments/segment_program.h).
  void P(const std::vector<const Condition*>& conditions, size_t schema_size, SegmentProgram* out) {
    if (ok()) Check(SegmentProgram::Decode(rest(), conditions, schema_size, out));
  }

 private:
  const ConditionDecodeOptions conditions_;
  Status condition_status_;
};

std::optional<Condition> Reader::C(const AttributeSchema& schema) {
  if (!ok()) return std::nullopt;
  auto c = Condition::Decode(rest(), schema, conditions_);
  if (!c.ok()) {
    Fail();
    if (c.status().code() != StatusCode::kDataLoss) condition_status_ = c.status();
    return std::nullopt;
  }
  return std::move(c).value();
}

void Reader::OptC(const AttributeSchema& schema, std::optional<Condition>* out) {
  if (!B()) return;
  // Emplaced: `*out` is a fresh spec's, empty, and an optional's assignment
  // brings the assign-into-a-held-value path into the load.
  if (auto c = C(schema)) out->emplace(std::move(*c));
}

void PutU16(uint16_t v, std::string* out) {
  out->push_back(static_cast<char>(v & 0xFF));
  out->push_back(static_cast<char>(v >> 8));
}

}  // namespace

// Friend of CompiledConfig: reads and writes its private members.
class CompiledConfigCodec {
 public:
  static void Encode(const CompiledConfig& c, const Diagnostics& diagnostics, Writer* w) {
    size_t warnings = 0;
    for (const auto& d : diagnostics.all()) warnings += d.severity == Diagnostic::Severity::kWarning ? 1 : 0;
    w->U(warnings);
    for (const auto& d : diagnostics.all()) {
      if (d.severity != Diagnostic::Severity::kWarning) continue;
      w->S(d.code);
      w->S(d.message);
      w->S(d.path);
    }
    for (const AttributeSchema* schema : {&c.schema_, &c.event_schema_}) {
      w->U(schema->size());
      for (const auto& name : schema->names()) w->S(name);
    }
    w->U(c.metrics_.size());
    for (size_t i = 0; i < c.metrics_.size(); ++i) {
      const MetricSpec& m = c.metrics_[i];
      w->S(m.id);
      w->U(static_cast<uint64_t>(m.aggregate));
      w->S(m.field);
      w->I(m.window);
      w->I(m.unit);
      w->OptC(m.where);
      w->I(c.metric_attrs_[i]);
      w->I(c.metric_field_attrs_[i]);
    }
    w->U(c.segments_.size());
    for (const SegmentSpec& s : c.segments_) {
      w->S(s.id);
      w->S(s.name);
      w->S(s.description);
      w->U(static_cast<uint64_t>(s.kind));
      w->C(s.condition);
      w->U(s.depends_on.size());
      for (int d : s.depends_on) w->I(d);
    }
    w->U(c.order_.size());
    for (const EvalStep& step : c.order_) {
      w->U(static_cast<uint64_t>(step.kind));
      w->I(step.index);
    }
    w->B(c.rfm_.has_value());
    if (c.rfm_) {
      for (const RfmAxis* axis : {&c.rfm_->recency, &c.rfm_->frequency, &c.rfm_->monetary}) {
        w->S(axis->metric);
        w->I(axis->metric_index);
        for (double b : axis->bounds) w->D(b);
        w->B(axis->lower_is_better);
      }
    }
    w->B(c.scoring_.has_value());
    if (c.scoring_) {
      const ScoringSpec& s = *c.scoring_;
      w->U(s.rules.size());
      for (const ScoreRule& r : s.rules) {
        w->S(r.id);
        w->D(r.points);
        w->B(r.is_event);
        w->OptC(r.condition);
        w->I(r.max_times);
        w->OptD(r.max_points);
        w->I(r.once_per);
      }
      w->U(static_cast<uint64_t>(s.decay.kind));
      w->I(s.decay.half_life);
      w->D(s.decay.points);
      w->I(s.decay.every);
      w->I(s.decay.after);
      w->OptD(s.min);
      w->OptD(s.max);
    }
    w->B(c.grading_.has_value());
    if (c.grading_) {
      const GradingSpec& g = *c.grading_;
      w->U(g.rules.size());
      for (const GradeRule& r : g.rules) {
        w->S(r.id);
        w->D(r.points);
        w->C(r.condition);
      }
      for (double v : {g.a, g.b, g.c, g.engagement[0], g.engagement[1], g.engagement[2]}) w->D(v);
    }
    w->B(c.temperature_.has_value());
    if (c.temperature_) {
      w->D(c.temperature_->warm);
      w->D(c.temperature_->hot);
      w->D(c.temperature_->hysteresis);
    }
    w->B(c.lifecycle_.has_value());
    if (c.lifecycle_) {
      w->U(c.lifecycle_->stages.size());
      for (const StageSpec& s : c.lifecycle_->stages) {
        w->S(s.id);
        w->OptC(s.condition);
        w->B(s.allow_regression);
      }
      w->OptC(c.lifecycle_->mql);
      w->OptC(c.lifecycle_->sql);
    }
    w->U(c.slots_.size());
    for (const SlotSpec& s : c.slots_) {
      w->S(s.id);
      w->S(s.name);
      w->U(s.variants.size());
      for (const SlotVariant& v : s.variants) {
        w->S(v.id);
        w->S(v.name);
        w->OptC(v.when);
        w->S(v.when_path);
      }
      w->I(s.default_variant);
      w->B(s.experiment.has_value());
      if (s.experiment) {
        const SlotExperimentSpec& x = *s.experiment;
        w->S(x.key);
        w->U(x.variants.size());
        for (int v : x.variants) w->I(v);
        w->U(x.weights.size());
        for (double v : x.weights) w->D(v);
        w->U(x.ranges.size());
        for (const auto& [lo, hi] : x.ranges) {
          w->D(lo);
          w->D(hi);
        }
        w->U(static_cast<uint64_t>(x.mode));
        w->OptC(x.when);
        w->S(x.when_path);
      }
    }
    w->I(c.retention_.max_age);
    w->U(c.retention_.max_events);
    for (int attr : {c.declared_attr_, c.segments_attr_, c.rfm_attr_, c.score_attr_, c.grade_attr_, c.lead_cell_attr_,
                     c.temperature_attr_, c.stage_attr_, c.mql_attr_, c.sql_attr_}) {
      w->I(attr);
    }
    w->I(c.event_type_attr_);
    // Version 2 on: the predictive model.
    w->B(c.predictive_.has_value());
    if (c.predictive_) EncodePredictive(*c.predictive_, w);
    // Version 4 on: the built programs, so that a page does not build them.
    w->P(c.segment_program_);
    w->P(c.event_program_);
  }

  // Builds the programs of a config decoded from a version that did not
  // store them (the full decoder; the runtime's passes none).
  static void BuildPrograms(CompiledConfig* c) { c->BuildPrograms(); }

  // `build_programs` null and a version before kFirstStoredProgramVersion:
  // false with `*needs_build` set.
  static bool Decode(Reader* r, uint16_t version, void (*build_programs)(CompiledConfig*), LoadedConfig* loaded,
                     bool* needs_build) {
    auto out = std::make_shared<CompiledConfig>();
    CompiledConfig& c = *out;
    for (Diagnostic& d : r->Sized(&loaded->warnings)) {
      d.severity = Diagnostic::Severity::kWarning;
      r->S(&d.code);
      r->S(&d.message);
      r->S(&d.path);
    }
    for (AttributeSchema* schema : {&c.schema_, &c.event_schema_}) {
      std::vector<std::string> names;
      for (std::string& name : r->Sized(&names)) r->S(&name);
      // Attribute indexes are positions: a repeated name would shift every later one.
      r->Check(r->ok() && schema->Assign(std::move(names)));
    }
    r->Sized(&c.metrics_);
    c.metric_attrs_.resize(c.metrics_.size());
    c.metric_field_attrs_.resize(c.metrics_.size());
    for (size_t i = 0; i < c.metrics_.size() && r->ok(); ++i) {
      MetricSpec& m = c.metrics_[i];
      r->S(&m.id);
      m.aggregate = r->Enum(Aggregate::kLastGap);
      r->S(&m.field);
      m.window = r->Duration(/*zero_ok=*/false, /*forever_ok=*/true);
      m.unit = r->Duration(/*zero_ok=*/false, /*forever_ok=*/false);
      r->OptC(c.event_schema_, &m.where);
      c.metric_attrs_[i] = r->Index(c.schema_.size());
      c.metric_field_attrs_[i] = r->Index(c.event_schema_.size(), /*optional=*/true);
      r->Check(AggregateNeedsField(m.aggregate) == (c.metric_field_attrs_[i] >= 0));
    }
    size_t n = r->Count();
    for (size_t i = 0; i < n && r->ok(); ++i) {
      std::string id, name, description;
      for (std::string* text : {&id, &name, &description}) r->S(text);
      SegmentKind kind = r->Enum(SegmentKind::kBehavioral);
      auto condition = r->C(c.schema_);
      if (!condition) return false;
      std::vector<int> depends_on;
      for (int& d : r->Sized(&depends_on)) d = r->Index(n);
      c.segments_.push_back(SegmentSpec{std::move(id), std::move(name), std::move(description), kind,
                                        std::move(*condition), std::move(depends_on)});
    }
    for (EvalStep& step : r->Sized(&c.order_)) {
      step.kind = r->Enum(version >= 2 ? EvalStep::Kind::kPredictive : EvalStep::Kind::kStage);
      step.index = static_cast<int>(r->I());
    }
    if (r->B()) {
      RfmSpec& rfm = c.rfm_.emplace();
      for (RfmAxis* axis : {&rfm.recency, &rfm.frequency, &rfm.monetary}) {
        r->S(&axis->metric);
        axis->metric_index = r->Index(c.metrics_.size());
        for (double& b : axis->bounds) b = r->D();
        axis->lower_is_better = r->B();
      }
    }
    if (r->B()) {
      ScoringSpec& s = c.scoring_.emplace();
      for (ScoreRule& rule : r->Sized(&s.rules)) {
        r->S(&rule.id);
        rule.points = r->D();
        rule.is_event = r->B();
        r->OptC(rule.is_event ? c.event_schema_ : c.schema_, &rule.condition);
        if (rule.is_event && !rule.condition) r->Fail();  // the event program holds it
        rule.max_times = static_cast<int>(r->Index(static_cast<size_t>(INT32_MAX)));
        rule.max_points = r->OptD();
        rule.once_per = r->Duration(/*zero_ok=*/true, /*forever_ok=*/false);
      }
      s.decay.kind = r->Enum(DecaySpec::Kind::kLinear);
      s.decay.half_life = r->Duration(/*zero_ok=*/true, /*forever_ok=*/false);
      s.decay.points = r->D();
      s.decay.every = r->Duration(/*zero_ok=*/true, /*forever_ok=*/false);
      s.decay.after = r->Duration(/*zero_ok=*/true, /*forever_ok=*/false);
      s.min = r->OptD();
      s.max = r->OptD();
    }
    if (r->B()) {
      GradingSpec& g = c.grading_.emplace();
      const size_t rules = r->Count();
      for (size_t i = 0; i < rules && r->ok(); ++i) {
        std::string id;
        r->S(&id);
        double points = r->D();
        auto condition = r->C(c.schema_);
        if (!condition) return false;
        g.rules.push_back(GradeRule{std::move(id), points, std::move(*condition)});
      }
      for (double* v : {&g.a, &g.b, &g.c, &g.engagement[0], &g.engagement[1], &g.engagement[2]}) *v = r->D();
    }
    if (r->B()) {
      TemperatureSpec& t = c.temperature_.emplace();
      for (double* v : {&t.warm, &t.hot, &t.hysteresis}) *v = r->D();
    }
    if (r->B()) {
      LifecycleSpec& l = c.lifecycle_.emplace();
      r->Sized(&l.stages);
      r->Check(!l.stages.empty());  // everyone starts in the first stage
      for (StageSpec& s : l.stages) {
        r->S(&s.id);
        r->OptC(c.schema_, &s.condition);
        s.allow_regression = r->B();
      }
      r->OptC(c.schema_, &l.mql);
      r->OptC(c.schema_, &l.sql);
    }
    for (SlotSpec& s : r->Sized(&c.slots_)) {
      r->S(&s.id);
      r->S(&s.name);
      r->Sized(&s.variants);
      r->Check(!s.variants.empty());
      for (SlotVariant& variant : s.variants) {
        r->S(&variant.id);
        r->S(&variant.name);
        r->OptC(c.schema_, &variant.when);
        r->S(&variant.when_path);
      }
      s.default_variant = r->Index(s.variants.size());
      if (r->B()) {
        SlotExperimentSpec& x = s.experiment.emplace();
        r->S(&x.key);
        for (int& v : r->Sized(&x.variants)) v = r->Index(s.variants.size());
        const size_t arms = x.variants.size();
        for (double& w : r->Sized(&x.weights)) w = r->D();
        r->Check(x.weights.size() == arms);
        for (auto& [lo, hi] : r->Sized(&x.ranges)) {
          lo = r->D();
          hi = r->D();
        }
        r->Check(x.ranges.size() == arms && arms > 0);
        x.mode = r->Enum(SlotExperimentMode::kBandit);
        r->OptC(c.schema_, &x.when);
        r->S(&x.when_path);
      }
    }
    c.retention_.max_age = r->Duration(/*zero_ok=*/false, /*forever_ok=*/true);
    c.retention_.max_events = static_cast<size_t>(r->U());
    for (int* attr : {&c.declared_attr_, &c.segments_attr_, &c.rfm_attr_, &c.score_attr_, &c.grade_attr_,
                      &c.lead_cell_attr_, &c.temperature_attr_, &c.stage_attr_, &c.mql_attr_, &c.sql_attr_}) {
      *attr = r->Index(c.schema_.size(), /*optional=*/true);
    }
    c.event_type_attr_ = r->Index(c.event_schema_.size());
    // A version 1 payload ends here: it has no model.
    if (version >= 2 && r->B() && !DecodePredictive(r, c, &c.predictive_)) return false;
    if (version >= kFirstStoredProgramVersion) {
      r->P(c.segment_conditions(), c.schema_.size(), &c.segment_program_);
      r->P(c.event_conditions(), c.event_schema_.size(), &c.event_program_);
    }
    if (!r->ok() || !r->at_end()) return false;
    if (!StepsHoldTogether(c)) return false;
    if (version < kFirstStoredProgramVersion) {
      if (!build_programs) {
        *needs_build = true;
        return false;
      }
      build_programs(&c);
    }
    loaded->config = std::move(out);
    return true;
  }

 private:
  static void EncodePredictive(const PredictiveSpec& p, Writer* w) {
    w->S(p.id);
    w->S(p.name);
    w->D(p.intercept);
    w->U(p.features.size());
    for (const PredictiveFeature& f : p.features) {
      w->S(f.attribute);
      w->I(f.attr);
      w->U(static_cast<uint64_t>(f.kind));
      w->D(f.weight);
      w->D(f.mean);
      w->D(f.scale);
      if (f.kind != PredictiveFeature::Kind::kEquals) continue;
      w->U(static_cast<uint64_t>(f.equals_type));
      if (f.equals_type == ValueType::kString) w->S(f.equals_string);
      if (f.equals_type == ValueType::kNumber) w->D(f.equals_number);
      if (f.equals_type == ValueType::kBool) w->B(f.equals_bool);
    }
    w->OptD(p.score_points);
    w->OptD(p.grade_points);
  }

  // Everything the compiler guarantees is checked again: finite numbers,
  // scale > 0, an attribute index that names the attribute's top-level name. Decodes
  // into `*out`, made here, in place (the config is dropped when this fails). Out of
  // line (with the runtime's binaryen limit on one-caller inlining,
  // cmake/LeadsegWasm.cmake) so that a page whose config has no model does
  // not compile its ~1.6 KB of wasm, the spec's construction among them, when it loads one.
  [[gnu::noinline]] static bool DecodePredictive(Reader* r, const CompiledConfig& c,
                                                 std::optional<PredictiveSpec>* out) {
    PredictiveSpec& p = out->emplace();
    r->S(&p.id);
    r->S(&p.name);
    p.intercept = r->D();
    bool finite = std::isfinite(p.intercept);
    r->Sized(&p.features);
    r->Check(!p.features.empty());
    for (PredictiveFeature& f : p.features) {
      r->S(&f.attribute);
      f.attr = r->Index(c.schema_.size());
      f.kind = r->Enum(PredictiveFeature::Kind::kMissing);
      f.weight = r->D();
      f.mean = r->D();
      f.scale = r->D();
      finite = finite && std::isfinite(f.weight) && std::isfinite(f.mean) && std::isfinite(f.scale) && f.scale > 0;
      if (f.kind == PredictiveFeature::Kind::kEquals) {
        f.equals_type = r->Enum(ValueType::kString);
        if (f.equals_type == ValueType::kString) r->S(&f.equals_string);
        else if (f.equals_type == ValueType::kNumber) f.equals_number = r->D();
        else if (f.equals_type == ValueType::kBool) f.equals_bool = r->B();
        else r->Fail();
      }
      if (!r->ok() || f.ParsePath() != c.schema_.name(f.attr)) return false;
      p.reads_segments = p.reads_segments || f.attr == c.segments_attr_;
    }
    p.score_points = r->OptD();
    p.grade_points = r->OptD();
    for (const auto& points : {p.score_points, p.grade_points}) finite = finite && (!points || std::isfinite(*points));
    return r->ok() && finite && (p.score_points || p.grade_points);
  }

  // The evaluation order names every segment once, and a derived step only
  // when its section (and attribute index) exists: the engine relies on both.
  static bool StepsHoldTogether(const CompiledConfig& c) {
    std::vector<int> seen(c.segments_.size(), 0);
    int model_steps = 0;
    for (const EvalStep& step : c.order_) {
      switch (step.kind) {
        case EvalStep::Kind::kSegment:
          if (step.index < 0 || static_cast<size_t>(step.index) >= seen.size() || seen[step.index]++) return false;
          break;
        case EvalStep::Kind::kScore:
          if (!c.scoring_ || c.score_attr_ < 0) return false;
          break;
        case EvalStep::Kind::kGrade:
          if (!c.grading_ || c.grade_attr_ < 0 || c.lead_cell_attr_ < 0) return false;
          break;
        case EvalStep::Kind::kTemperature:
          if (!c.temperature_ || !c.scoring_ || c.temperature_attr_ < 0) return false;
          break;
        case EvalStep::Kind::kStage:
          if (!c.lifecycle_ || c.stage_attr_ < 0 || c.mql_attr_ < 0 || c.sql_attr_ < 0) return false;
          break;
        case EvalStep::Kind::kPredictive:
          if (!c.predictive_ || model_steps++) return false;
          break;
      }
    }
    if (c.predictive_) {
      // Once, and before the score and grade it adds to (which need their
      // sections).
      if (model_steps != 1) return false;
      const PredictiveSpec& p = *c.predictive_;
      if ((p.score_points && !c.scoring_) || (p.grade_points && !c.grading_)) return false;
      for (const EvalStep& step : c.order_) {
        if (step.kind == EvalStep::Kind::kPredictive) break;
        if ((step.kind == EvalStep::Kind::kScore && p.score_points) ||
            (step.kind == EvalStep::Kind::kGrade && p.grade_points)) {
          return false;
        }
      }
    }
    for (int s : seen) {
      if (s != 1) return false;
    }
    if (c.rfm_.has_value() != (c.rfm_attr_ >= 0)) return false;
    if (c.scoring_.has_value() != (c.score_attr_ >= 0)) return false;
    if (c.grading_.has_value() != (c.grade_attr_ >= 0)) return false;
    if (c.temperature_.has_value() != (c.temperature_attr_ >= 0)) return false;
    if (c.lifecycle_.has_value() != (c.stage_attr_ >= 0)) return false;
    return true;
  }
};

std::string EncodeCompiledConfig(const CompiledConfig& config, const Diagnostics& diagnostics) {
  Writer payload;
  CompiledConfigCodec::Encode(config, diagnostics, &payload);
  std::string out(kCompiledConfigMagic, sizeof kCompiledConfigMagic);
  PutU16(kCompiledConfigVersion, &out);
  PutU16(0, &out);  // flags: none defined
  bytes::PutFixed32(static_cast<uint32_t>(payload.out().size()), &out);
  bytes::PutFixed32(bytes::Crc32(payload.out()), &out);
  out += payload.out();
  return out;
}

bool LooksLikeCompiledConfig(std::string_view bytes) {
  return bytes.size() >= sizeof kCompiledConfigMagic &&
         std::memcmp(bytes.data(), kCompiledConfigMagic, sizeof kCompiledConfigMagic) == 0;
}

namespace {

// DecodeWith's errors that carry figures. Each is its text with a '#' where
// a figure goes, filled by one loop (WithFigures), where each std::to_string
// and + was code of its own in the runtime wasm's load function (binaryen
// inlines every function with one caller into it). The constants are text
// in the messages, not formatted at run time.
static_assert(kCompiledConfigHeaderBytes == 16 && kOldestCompiledConfigVersion == 1 && kCompiledConfigVersion == 4,
              "update the messages below");

// `text` with its '#'s replaced by `a` then `b`, in decimal.
std::string WithFigures(std::string_view text, uint64_t a, uint64_t b = 0) {
  std::string out;
  for (char ch : text) {
    if (ch != '#') {
      out += ch;
      continue;
    }
    out += std::to_string(a);
    a = b;
  }
  return out;
}

// Why DecodeWith refuses the bytes. Every refusal is made by Refusal below,
// out of line: the runtime wasm's DecodeWith (compiled at every page's
// load) then holds one call per refusal instead of each message's strings
// and Status built in place.
enum class Refused {
  kNotCompiled,
  kTruncatedHeader,  // a: the bytes' size
  kVersion,          // a: the version
  kFlags,
  kTruncatedPayload,  // a: the payload's size, b: the header's
  kExtraBytes,        // a: the payload's size, b: the header's
  kChecksum,
  kRegexPatterns,  // a: the version
  kNoPrograms,     // a: the version
  kCorrupted,
};

// A version this runtime refuses for what it would need the left-out code
// for (`what`: "stores regular expressions as patterns, which this runtime
// does not compile (it leaves the regex compiler out)").
Status CompileAgain(uint64_t version, const char* what) {
  return FailedPrecondition(WithFigures("compiled config format version # ", version) + what +
                            ": compile the config again with this version (npx leadseg compile, or compileConfig())");
}

// noinline, and called from each refusal: binaryen inlines a function with
// one caller (or a small one), so this stays a call only because it has many.
[[gnu::noinline]] Result<LoadedConfig> Refusal(Refused why, uint64_t a = 0, uint64_t b = 0) {
  switch (why) {
    case Refused::kNotCompiled: return DataLoss("not a compiled leadseg config (it does not start with \"LSCF\")");
    case Refused::kTruncatedHeader:
      return DataLoss(WithFigures("compiled config is truncated (# bytes, the header alone is 16)", a));
    case Refused::kVersion:
      return FailedPrecondition(WithFigures(
          "compiled config format version # is not one this leadseg reads (1 to 4): compile the config again with "
          "this version",
          a));
    case Refused::kFlags: return DataLoss("compiled config has unknown flags");
    case Refused::kTruncatedPayload:
      return DataLoss(WithFigures("compiled config is truncated (payload of # bytes, the header says #)", a, b));
    case Refused::kExtraBytes:
      return DataLoss(
          WithFigures("compiled config is followed by extra bytes (payload of # bytes, the header says #)", a, b));
    case Refused::kChecksum: return DataLoss("compiled config is corrupted (checksum mismatch)");
    case Refused::kRegexPatterns:
      return CompileAgain(a,
                          "stores regular expressions as patterns, which this runtime does not compile "
                          "(it leaves the regex compiler out)");
    case Refused::kNoPrograms:
      return CompileAgain(a,
                          "does not store the built segment programs, which this runtime does not build "
                          "(it leaves the program builder out)");
    case Refused::kCorrupted: break;
  }
  return DataLoss("compiled config is corrupted (its contents do not hold together)");
}

// `compile_regex`: how to read the regexes of versions before
// kFirstRegexProgramVersion (ConditionDecodeOptions).
// `build_programs`: how to get the segment and event programs of versions
// before kFirstStoredProgramVersion, which did not store them.
Result<LoadedConfig> DecodeWith(std::string_view bytes,
                                Result<Regex> (*compile_regex)(std::string_view pattern, bool ignore_case),
                                void (*build_programs)(CompiledConfig*)) {
  if (!LooksLikeCompiledConfig(bytes)) return Refusal(Refused::kNotCompiled);
  if (bytes.size() < kCompiledConfigHeaderBytes) return Refusal(Refused::kTruncatedHeader, bytes.size());
  uint16_t version = static_cast<uint16_t>(static_cast<uint8_t>(bytes[4]) | static_cast<uint8_t>(bytes[5]) << 8);
  if (version < kOldestCompiledConfigVersion || version > kCompiledConfigVersion) {
    return Refusal(Refused::kVersion, version);
  }
  if (bytes[6] != 0 || bytes[7] != 0) return Refusal(Refused::kFlags);
  uint32_t length = bytes::DecodeFixed32(bytes.data() + 8);
  std::string_view payload = bytes.substr(kCompiledConfigHeaderBytes);
  if (payload.size() != length) {
    return Refusal(payload.size() < length ? Refused::kTruncatedPayload : Refused::kExtraBytes, payload.size(),
                   length);
  }
  if (bytes::Crc32(payload) != bytes::DecodeFixed32(bytes.data() + 12)) return Refusal(Refused::kChecksum);
  ConditionDecodeOptions conditions;
  conditions.regex_patterns = version < kFirstRegexProgramVersion;
  conditions.compile_regex = compile_regex;
  Reader reader(payload, conditions);
  LoadedConfig loaded;
  bool needs_build = false;
  if (!CompiledConfigCodec::Decode(&reader, version, build_programs, &loaded, &needs_build)) {
    if (reader.condition_status().code() == StatusCode::kFailedPrecondition) {
      return Refusal(Refused::kRegexPatterns, version);
    }
    return Refusal(needs_build ? Refused::kNoPrograms : Refused::kCorrupted, version);
  }
  return loaded;
}

}  // namespace

Result<LoadedConfig> DecodeCompiledConfig(std::string_view bytes) {
  return DecodeWith(bytes, &Regex::Compile, &CompiledConfigCodec::BuildPrograms);
}

Result<LoadedConfig> DecodeCompiledConfigForRuntime(std::string_view bytes) {
  return DecodeWith(bytes, nullptr, nullptr);
}

}  // namespace leadseg
