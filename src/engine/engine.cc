#include "engine/engine_impl.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/bytes.h"
#include "core/js.h"
#include "core/same_bytes.h"
#include "core/utf8.h"
#include "core/value_checks.h"
#include "core/value_codec.h"
#include "engine/evaluation.h"
#include "engine/grade_step.h"
#include "engine/lifecycle_step.h"
#include "engine/rfm_step.h"
#include "engine/score_step.h"
#include "engine/segment_step.h"
#include "engine/attribute_deps.h"
#include "engine/temperature_step.h"
#include "profile/snapshot.h"

namespace leadseg {

// Working memory reused across calls, so steady-state evaluation does not
// allocate. Mutable through a const Engine: it holds no state of its own,
// only what the engine's state determines (kept answers, checked against
// what changed since they were computed).
struct Engine::Impl::Scratch {
  explicit Scratch(const CompiledConfig& c);
  Document arena;        // metric values, rfm, segment arrays
  Document event_arena;  // one event's decoded properties
  AttributeSet attributes;
  // The explicit attributes and declarations by attribute index: they change only
  // with RebuildValues, so Evaluate copies this set instead of looking
  // every name up in the schema again on every event.
  AttributeSet base_attributes;
  uint64_t base_generation = ~uint64_t{0};  // values_generation_ it was built at
  // Attributes identify replaced in base_attributes since the last evaluation
  // (RefreshAttribute); that evaluation takes them as changed.
  AttributeChanges base_changed;
  AttributeSet event_attributes;
  Document encode_arena;  // an event's properties (or identify's traits) while being checked
  // identify's members: where each value's encoding lies (in the traits'
  // frame, or in `encoded` when they came as a Value), the stored
  // attribute it replaces (-1: new) and the member whose value it takes.
  struct PendingTrait {
    size_t at = 0, size = 0;
    size_t json_bytes = 0;
    bool json_bound = false;  // json_bytes is a bound (StoredValue::json_bound)
    bool same = false;        // byte for byte the value stored now
  };
  std::vector<PendingTrait> pending;
  std::string encoded;
  std::vector<int32_t> trait_position, trait_source, stored_first, replaced;
  // The stored positions ReplaceStoredFrame last found for the names of
  // version `names_version` (IdentifyNamedValues), the attributes as they
  // were at `names_generation` (values_generation_: every change of the
  // stored names or their order rebuilds the values). Both must match for
  // the positions to be taken without comparing the names again.
  std::vector<int32_t> names_positions;
  uint64_t names_version = 0, names_generation = 0;
  std::string spare_props;  // a pruned event's properties buffer, reused by the next event
  // A change set its caller has read (Recycle): the next Commit's lists grow
  // into its storage instead of allocating again.
  SegmentChanges spare_changes;
  std::vector<Value> metric_values;  // the last evaluation's, in metric_arenas[metric_arena]
  // Metric values alternate between two arenas, so the previous
  // evaluation's values are still readable while the new ones are compared
  // with them.
  Document metric_arenas[2];
  int metric_arena = 0;
  std::vector<uint8_t> next;
  ProgressState next_progress;

  // What the last evaluation answered, so the next one re-runs only the
  // conditions that read an attribute whose value changed since
  // (engine/attribute_deps.h). Until an evaluation has run (`kept` false)
  // every attribute counts as changed. Each step keeps its own answers.
  AttributeDeps deps;
  AttributeChanges changed;  // this evaluation's, filled as it goes
  bool kept = false;
  SegmentStep segment_step;
  ScoreStep score_step;
  GradeStep grade_step;
  TemperatureStep temperature_step;
  LifecycleStep lifecycle_step;
  PredictiveResult predictive;  // the model's last evaluation (scoring/predictive.h)

  // What an event matches: every metric's `where` and every event scoring
  // rule, as one program over the event's attributes, so the type and path
  // leaves the metrics share are each decided once per event rather than
  // once per metric (segments/segment_program.h: the answers of
  // Condition::Evaluate).
  const SegmentProgram& event_program;  // the config's (CompiledConfig::event_program)
  SegmentProgram::State event_state;
  std::vector<int> metric_where;          // metric -> its `where` in event_program, or -1 (every event)
  std::vector<int> event_rule_condition;  // scoring rule -> its condition in event_program, or -1
};

Engine::Impl::Scratch::Scratch(const CompiledConfig& c)
    : attributes(&c.schema()),
      base_attributes(&c.schema()),
      base_changed(c.schema().size()),
      event_attributes(&c.event_schema()),
      deps(c),
      changed(c.schema().size()),
      segment_step(c, deps),
      score_step(c),
      grade_step(c),
      lifecycle_step(c),
      event_program(c.event_program()) {
  // The event program's conditions, in CompiledConfig::event_conditions()'s order.
  int next = 0;
  for (const MetricSpec& m : c.metrics()) metric_where.push_back(m.where ? next++ : -1);
  if (const auto& scoring = c.scoring()) {
    for (const ScoreRule& rule : scoring->rules) event_rule_condition.push_back(rule.is_event ? next++ : -1);
  }
}

Engine::Impl::Impl(std::shared_ptr<const CompiledConfig> config)
    : config_(std::move(config)), scratch_(std::make_unique<Scratch>(*config_)) {
  for (const auto& m : config_->metrics()) {
    live_.emplace_back(&m);
    archived_.emplace_back(&m);
  }
  if (config_->scoring()) {
    live_score_ = ScoreState(&*config_->scoring(), /*keep_awards=*/true);
    archived_score_ = ScoreState(&*config_->scoring(), /*keep_awards=*/false);
  }
  RebuildValues();
  initial_changes_ = Recompute();  // membership_ is empty: everything held is entered
}

Engine::Impl::~Impl() = default;

const AttributeSet& Engine::Impl::EvaluateScratch() const {
  Evaluate(&scratch_->next, &scratch_->next_progress);
  return scratch_->attributes;
}

Status Engine::Impl::CheckTime(TimeMs t, const char* what) const {
  LEADSEG_RETURN_IF_ERROR(CheckTimestamp(static_cast<double>(t), what));
  return Status::Ok();
}

void Engine::Impl::RebuildValues() {
  ++values_generation_;
  values_.Clear();
  // Names and strings point into the profile: an attribute's value is
  // read again whenever its frame changes (RefreshAttributes), everything
  // when attributes are added or removed (which can move the names).
  Value* members = values_.AllocateChildren(2 * profile_.attributes.size());
  attribute_members_ = members;
  stored_attrs_.resize(profile_.attributes.size());
  attributes_bytes_ = 0;
  uint32_t n = 0;
  for (const auto& [name, stored] : profile_.attributes) {
    auto v = stored.Read(&values_);
    members[2 * n] = Value::String(name);
    members[2 * n + 1] = v.ok() ? *v : Value::Null();
    stored_attrs_[n] = config_->schema().Find(name);
    attributes_bytes_ += JsonStringSize(name) + 1 + stored.json_bytes;
    ++n;
  }
  attributes_value_ = Document::MakeObject(members, n);
  members = values_.AllocateChildren(2 * profile_.declarations.size());
  n = 0;
  for (const auto& [key, d] : profile_.declarations) {
    auto v = d.value.Read(&values_);
    members[2 * n] = Value::String(key);
    members[2 * n + 1] = v.ok() ? *v : Value::Null();
    ++n;
  }
  declared_value_ = Document::MakeObject(members, n);
  values_nodes_ = values_.node_count();
}

bool Engine::Impl::BaseCurrent() const { return scratch_->base_generation == values_generation_; }

void Engine::Impl::RefreshAttributes(const std::vector<int32_t>& replaced) {
  // Values read here stay in values_ until the next full rebuild: bound
  // that garbage (arrays and objects take nodes; scalars none).
  if (ValuesOutgrown()) {
    RebuildValues();
    return;
  }
  const bool base_current = BaseCurrent();
  for (const int32_t position : replaced) RefreshAttribute(static_cast<size_t>(position), base_current);
}

void Engine::Impl::RefreshAttribute(size_t position, bool base_current) {
  const StoredValue& stored = profile_.attributes[position].second;
  const FrameBytes& frame = stored.frame;
  // A scalar is read from its frame in place (a string is its bytes after
  // the tag and length: a stored frame is whole); containers are decoded
  // into values_.
  Value value;
  switch (frame.empty() ? FrameTag::kNull : static_cast<FrameTag>(frame.data()[0])) {
    case FrameTag::kFalse: value = Value::Bool(false); break;
    case FrameTag::kTrue: value = Value::Bool(true); break;
    case FrameTag::kNumber: value = Value::Number(bytes::DecodeDouble(frame.data() + 1)); break;
    case FrameTag::kString: value = Value::String(std::string_view(frame.data() + 5, frame.size() - 5)); break;
    default: {
      auto v = stored.Read(&values_);
      value = v.ok() ? *v : Value::Null();
    }
  }
  attribute_members_[2 * position + 1] = value;
  const int attr = stored_attrs_[position];
  if (attr >= 0 && base_current) {
    scratch_->base_attributes.Set(attr, value);
    scratch_->base_changed.Add(attr);
  }
}

// A template rather than std::function: the callbacks inline into the loop
// over metrics instead of one indirect call per matching metric.
template <typename OnMetric, typename OnRule>
void Engine::Impl::ForEachMatch(const Event& e, OnMetric&& fn, OnRule&& fn_rule, const Value* props) const {
  Scratch& s = *scratch_;
  s.event_attributes.Clear();
  if (props) {
    s.event_attributes.SetFromObject(*props);
  } else {
    s.event_arena.Clear();
    auto decoded = DecodeValue(reinterpret_cast<const uint8_t*>(e.props.data()), e.props.size(), &s.event_arena);
    if (decoded.ok()) s.event_attributes.SetFromObject(*decoded);
  }
  s.event_attributes.Set(config_->event_type_attr(), Value::String(e.type));
  s.event_program.Begin(s.event_attributes, &s.event_state);
  const auto& metrics = config_->metrics();
  for (size_t m = 0; m < metrics.size(); ++m) {
    const int where = s.metric_where[m];
    if (where >= 0 && !s.event_program.Holds(static_cast<size_t>(where), s.event_attributes, &s.event_state)) continue;
    int field_attr = config_->metric_field_attr(m);
    const Value* field = field_attr >= 0 ? s.event_attributes.Get(field_attr) : nullptr;
    fn(m, field ? *field : Value::Null());
  }
  if (const auto& scoring = config_->scoring()) {
    for (size_t r = 0; r < scoring->rules.size(); ++r) {
      const int condition = s.event_rule_condition[r];
      if (condition >= 0 && s.event_program.Holds(static_cast<size_t>(condition), s.event_attributes, &s.event_state)) {
        fn_rule(static_cast<int>(r));
      }
    }
  }
}

void Engine::Impl::ApplyEvent(const Event& e, std::vector<MetricState>* states, ScoreState* score,
                        const Value* props) const {
  score->Activity(e.ts);
  ForEachMatch(
      e, [&](size_t m, const Value& field) { (*states)[m].Add(e.ts, field); },
      [&](int rule) { score->Award(rule, e.ts, e.type); }, props);
}

void Engine::Impl::RebuildMetrics() {
  for (size_t m = 0; m < live_.size(); ++m) {
    if (config_->metrics()[m].window == kForever) live_[m] = archived_[m];
    else live_[m].Clear();
  }
  live_score_ = archived_score_;
  live_score_.set_keep_awards(true);
  for (const Event& e : profile_.events) ApplyEvent(e, &live_, &live_score_);
  for (auto& state : live_) state.Expire(profile_.clock);
}

void Engine::Impl::Prune() {
  const RetentionSpec& r = config_->retention();
  auto& events = profile_.events;
  while (!events.empty() &&
         (events.size() > r.max_events || (r.max_age != kForever && events.front().ts < profile_.clock - r.max_age))) {
    DropOldestEvent();
  }
  live_score_.TrimAwards(r.max_events);
}

// noinline: every identify and track prunes, but a log drops its first
// event only once it is full or old, so a page's first calls need not
// compile this (binaryen keeps it a call: cmake/LeadsegWasm.cmake).
[[gnu::noinline]] void Engine::Impl::DropOldestEvent() {
  auto& events = profile_.events;
  // All-time metrics keep the event's contribution in their archive;
  // windowed metrics forget it, as a rebuild from the log would.
  const Event& e = events.front();
  archived_score_.Activity(e.ts);
  ForEachMatch(
      e,
      [&](size_t m, const Value& field) {
        if (config_->metrics()[m].window == kForever) archived_[m].Add(e.ts, field);
        else live_[m].DropOldest(e.ts, field);
      },
      [&](int rule) { archived_score_.Award(rule, e.ts, e.type); });
  // Its properties' buffer holds the next event's (TrackFrame): steady
  // state, one event in and one out, then allocates nothing for them.
  scratch_->spare_props.swap(events.front().props);
  events.pop_front();
}

void Engine::Impl::Evaluate(std::vector<uint8_t>* membership, ProgressState* progress) const {
  Scratch& s = *scratch_;
  const CompiledConfig& c = *config_;
  const TimeMs now = profile_.clock;
  AttributeChanges& changed = s.changed;
  changed.Clear();
  // An attribute is changed when its value differs from what the previous
  // evaluation's conditions saw. Explicit attributes and declarations are
  // replaced as a whole (RebuildValues), so a new generation changes all;
  // identify's values replaced in place change their own attributes.
  if (!s.kept) changed.AddAll();
  s.arena.Clear();
  if (s.base_generation != values_generation_) {
    s.base_attributes.Clear();
    s.base_attributes.SetFromObject(attributes_value_);
    if (c.declared_attr() >= 0) s.base_attributes.Set(c.declared_attr(), declared_value_);
    s.base_generation = values_generation_;
    changed.AddAll();
  }
  changed.AddFrom(s.base_changed);
  s.base_changed.Clear();
  s.attributes = s.base_attributes;  // same size: copies without allocating
  progress->StartFrom(progress_);
  membership->assign(c.segments().size(), 0);
  Evaluation e(c, s.deps, &changed, &s.attributes, &s.arena, membership, progress, now, s.kept);
  // Metrics are compared by value rather than told which changed: an event,
  // retention, a rebuild, a batch replay or the clock (windows, sinceLast)
  // can each move them, and a value that came back the same (a window's
  // count after one event in and one out) changes nothing.
  std::vector<Value>& metric_values = s.metric_values;
  metric_values.resize(live_.size());
  s.metric_arena ^= 1;
  Document& metric_arena = s.metric_arenas[s.metric_arena];
  metric_arena.Clear();
  for (size_t m = 0; m < live_.size(); ++m) {
    const Value v = live_[m].Read(now, &metric_arena);
    // Until an evaluation has run (a new engine, after Restore or Erase)
    // every attribute counts as changed: the previous values are not read.
    if (s.kept && !SameValue(v, metric_values[m])) changed.Add(c.metric_attr(m));
    metric_values[m] = v;
    s.attributes.Set(c.metric_attr(m), v);
  }
  if (c.rfm() && c.rfm_attr() >= 0) WriteRfm(&e, *c.rfm(), metric_values);

  // The derived values, in the order the compiler chose: each step reads
  // what the steps before it wrote (engine/evaluation.h).
  const std::vector<EvalStep>& order = c.evaluation_order();
  for (size_t k = 0; k < order.size(); ++k) {
    const EvalStep& step = order[k];
    switch (step.kind) {
      case EvalStep::Kind::kSegment:
        // Segment steps decided all at once are one step here.
        if (s.segment_step.at_once()) {
          s.segment_step.RunAll(&e);
          k += c.segments().size() - 1;
        } else {
          s.segment_step.Run(&e, static_cast<size_t>(step.index));
        }
        break;
      case EvalStep::Kind::kScore:
        s.score_step.Run(&e, live_score_.Read(now), s.predictive.points);
        break;
      case EvalStep::Kind::kGrade:
        s.grade_step.Run(&e, c.scoring() ? s.score_step.score() : 0, s.predictive.grade_points);
        break;
      case EvalStep::Kind::kPredictive: {
        // The model reads whatever it was trained on: it always runs, and
        // its points reach conditions only through the score and grade.
        const PredictiveSpec& model = *c.predictive();
        if (model.reads_segments) e.PublishSegments();
        s.predictive.Evaluate(model, s.attributes);
        break;
      }
      case EvalStep::Kind::kTemperature:
        s.temperature_step.Run(&e, s.score_step.score());
        break;
      case EvalStep::Kind::kStage:
        s.lifecycle_step.Run(&e);
        break;
    }
  }
  s.kept = true;
  // Whatever reads the attribute set next (slot decisions, explain, the
  // attribute view) sees the final membership.
  e.PublishSegments();
}

SegmentChanges Engine::Impl::Recompute() {
  // Into scratch, never in place: Evaluate starts its output from progress_.
  Evaluate(&scratch_->next, &scratch_->next_progress);
  return Commit();
}

SegmentChanges Engine::Impl::Commit() {
  std::vector<uint8_t>& next = scratch_->next;
  ProgressState& p = scratch_->next_progress;
  // The spare set, every field cleared: only its capacity carries over.
  SegmentChanges changes = std::move(scratch_->spare_changes);
  changes.clear();
  const auto& segments = config_->segments();
  const size_t n = segments.size();
  // Before the first commit there is no membership: every segment was out.
  membership_.resize(n, 0);
  // Counted first, so that each list allocates once (a visitor's identify
  // typically enters and leaves several segments); one byte compare per
  // segment, as most keep their answer.
  size_t entered = 0, moved = 0;
  for (size_t i = 0; i < n; ++i) {
    moved += next[i] != membership_[i];
    entered += next[i] > membership_[i];
  }
  if (moved > 0) {
    changes.entered_indexes.resize(entered);
    changes.exited_indexes.resize(moved - entered);
    uint32_t* in = changes.entered_indexes.data();
    uint32_t* out = changes.exited_indexes.data();
    for (uint32_t i = 0; i < n; ++i) {
      if (next[i] == membership_[i]) continue;
      if (next[i]) *in++ = i;
      else *out++ = i;
    }
  }
  // The ids, unless the caller maps the indexes itself: most ids are longer
  // than a short string holds, so each is an allocation and a copy.
  if (change_ids_) {
    changes.entered.reserve(changes.entered_indexes.size());
    for (const uint32_t i : changes.entered_indexes) changes.entered.push_back(segments[i].id);
    changes.exited.reserve(changes.exited_indexes.size());
    for (const uint32_t i : changes.exited_indexes) changes.exited.push_back(segments[i].id);
  }
  changes.stages = p.history;  // this evaluation's moves only
  if (config_->temperature() && p.temperature != progress_.temperature) {
    changes.temperature = TemperatureName(p.temperature);
  }
  changes.mql = p.mql_at && !progress_.mql_at;
  changes.sql = p.sql_at && !progress_.sql_at;
  membership_.swap(next);
  progress_.CommitFrom(p);
  return changes;
}

void Engine::Impl::Recycle(SegmentChanges&& spent) { scratch_->spare_changes = std::move(spent); }

SegmentChanges Engine::Impl::SettleProfileChange(TimeMs now, bool rebuild) {
  profile_.clock = std::max(profile_.clock, now);
  if (rebuild) RebuildValues();
  Prune();
  for (auto& state : live_) state.Expire(profile_.clock);
  Evaluate(&scratch_->next, &scratch_->next_progress);
  return Commit();
}

Result<SegmentChanges> Engine::Impl::IdentifyFrame(std::string_view traits_frame, const std::vector<std::string>* names,
                                                   TimeMs now, uint64_t names_version) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  scratch_->encode_arena.Clear();
  // With nothing stored yet (a visitor's first identify) there is nothing
  // to replace: the general path decides, as it would after
  // ReplaceStoredFrame said no, and the first call does not compile it.
  if (!profile_.attributes.empty() && ReplaceStoredFrame(traits_frame, names, names_version)) {
    return SettleProfileChange(now, /*rebuild=*/false);
  }
  scratch_->encode_arena.Clear();
  // JSON text allowed attribute values kMaxJsonDepth - 1 levels deep inside
  // the traits object; CheckValue below words the error as it did.
  const auto* data = reinterpret_cast<const uint8_t*>(traits_frame.data());
  auto traits = names ? DecodeNamedValues(data, traits_frame.size(), *names, &scratch_->encode_arena, kMaxJsonDepth + 1)
                      : DecodeValue(data, traits_frame.size(), &scratch_->encode_arena, kMaxJsonDepth + 1);
  if (!traits.ok()) return traits.status();
  return IdentifyValues(*traits, traits_frame.data(), /*named=*/names == nullptr, now);
}

namespace {

// The stored attribute named `name`, or -1. The search starts after the
// previous match (*hint): a visitor's traits usually arrive in the order
// they were first stored, so each lookup is one comparison rather than a
// scan of every attribute.
int FindAttribute(const std::vector<std::pair<std::string, StoredValue>>& stored, std::string_view name,
                  size_t* hint) {
  const size_t n = stored.size();
  for (size_t k = 0, j = *hint; k < n; ++k, ++j) {
    if (j >= n) j = 0;
    const std::string& s = stored[j].first;
    if (s.size() == name.size() && SameBytes(s.data(), name.data(), name.size())) {
      *hint = j + 1;
      return static_cast<int>(j);
    }
  }
  return -1;
}

// The value whose encoding starts `bytes`, and that encoding's length,
// for what UsualTraitJsonSize does not answer: decoded into `arena` (its
// strings stay in `bytes`) as deep as a member of identify's frame may
// nest. False for a null (it removes an attribute: the general path's
// call) or a malformed encoding; the general path words the errors.
bool ReadMemberValue(std::string_view bytes, Document* arena, Value* value, size_t* size) {
  if (bytes.empty() || static_cast<FrameTag>(bytes[0]) == FrameTag::kNull) return false;
  // A member sits one level inside the traits' object, which was decoded
  // kMaxJsonDepth + 1 levels deep (IdentifyFrame).
  auto v = DecodeValuePrefix(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), arena, kMaxJsonDepth, size);
  if (!v.ok()) return false;
  *value = *v;
  return true;
}

// Whether `s` is printable ASCII with no quote or backslash: then it is
// valid UTF-8 and its JSON text is its bytes quoted (JsonStringSize). Most
// traits are (a country, a job title, a path); 8 bytes a step, where
// IsValidUtf8 and JsonStringSize each take a byte a step.
bool PlainAscii(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
  // A byte of w is zero (or, for LessThan, below n <= 0x80): exact for
  // "any byte", the bit trick of Hacker's Delight 6-1.
  auto has_zero = [](uint64_t w) { return (w - kOnes) & ~w & kHighs; };
  auto less_than = [](uint64_t w, uint64_t n) { return (w - kOnes * n) & ~w & kHighs; };
  const char* p = s.data();
  size_t n = s.size();
  uint64_t bad = 0;
  for (; n >= 8; p += 8, n -= 8) {
    const uint64_t w = Load64(p);
    bad |= (w & kHighs) | less_than(w, 0x20) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'));
  }
  for (; n > 0; ++p, --n) {
    const auto c = static_cast<unsigned char>(*p);
    bad |= c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  }
  return bad == 0;
}

// The usual traits' JSON text size (the 256 KB accounting), read from
// their encoding at the start of `bytes` (*size: its length) without
// decoding them: a boolean, a finite number or a PlainAscii string, which
// pass identify's value checks, and arrays of them (tags, interests);
// false for the rest, which ReadMemberValue decodes and the value checks
// and JsonTextSize count (at -Oz, calls an element). A string's and a
// boolean's size is JsonTextSize's answer. A number counts as
// kMaxNumberJsonBytes and sets *bound: its exact size takes its digits (a
// fraction's, its shortest text), while near every call stays far below
// the 256 KB limit; a call the bounds would take over it goes the general
// path, which counts exactly (ReplaceStoredFrame). Nothing is set unless
// this answers.
bool UsualTraitJsonSize(std::string_view bytes, size_t* size, size_t* json_bytes, bool* bound) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  // A scalar is read as an array of one, without the brackets.
  uint32_t count = 1;
  size_t json = 0;
  if (left >= 5 && static_cast<FrameTag>(*p) == FrameTag::kArray) {
    count = bytes::DecodeFixed32(p + 1);
    // The brackets and the commas between the elements.
    json = 2 + (count > 0 ? count - 1 : 0);
    p += 5;
    left -= 5;
  }
  bool numbers = false;
  for (uint32_t i = 0; i < count; ++i) {
    if (left == 0) return false;
    size_t element = 0;
    switch (static_cast<FrameTag>(*p)) {
      case FrameTag::kFalse:
      case FrameTag::kTrue:
        json += static_cast<FrameTag>(*p) == FrameTag::kTrue ? 4 : 5;
        element = 1;
        break;
      case FrameTag::kNumber:
        // NaN and the infinities fail identify's checks: the general path
        // words the error.
        if (left < 9 || !std::isfinite(bytes::DecodeDouble(p + 1))) return false;
        json += kMaxNumberJsonBytes;
        numbers = true;
        element = 9;
        break;
      case FrameTag::kString: {
        if (left < 5) return false;
        const size_t length = bytes::DecodeFixed32(p + 1);
        if (left - 5 < length || !PlainAscii(std::string_view(p + 5, length))) return false;
        json += length + 2;
        element = 5 + length;
        break;
      }
      default:
        return false;
    }
    p += element;
    left -= element;
  }
  *size = bytes.size() - left;
  *json_bytes = json;
  *bound = numbers;
  return true;
}

}  // namespace

Result<SegmentChanges> Engine::Impl::Identify(const Value& traits, TimeMs now) {
  return IdentifyValues(traits, nullptr, /*named=*/true, now);
}

// noinline: a visitor's first identify does not call it (IdentifyFrame),
// so a page's first decision need not compile it.
[[gnu::noinline]] bool Engine::Impl::ReplaceStoredFrame(std::string_view frame, const std::vector<std::string>* names,
                                                        uint64_t names_version) {
  // The general path spends most of its time on what this call cannot
  // meet (new names, repeated names, nulls, removals), and on decoding
  // every member before it looks at any: a page identifies with the same
  // attributes call after call (issue 14), so each member is read, compared
  // with the stored bytes, checked and counted in one walk of the frame.
  auto& stored = profile_.attributes;
  if (frame.size() < 5 || static_cast<FrameTag>(frame[0]) != FrameTag::kObject) return false;
  const uint32_t n = bytes::DecodeFixed32(frame.data() + 1);
  // Each member replaces a stored attribute, in the stored order.
  if (names ? n != names->size() : n > stored.size()) return false;
  Scratch& s = *scratch_;
  s.pending.resize(n);
  s.trait_position.resize(n);
  // The names as matched last time: their positions, in the stored order
  // (n of them, as names->size()).
  const int32_t* known = names_version != 0 && names_version == s.names_version &&
                                 s.names_generation == values_generation_
                             ? s.names_positions.data()
                             : nullptr;
  size_t bytes = attributes_bytes_;
  size_t at = 5;  // after the object's tag and member count
  size_t hint = 0;
  int previous = -1;
  for (uint32_t i = 0; i < n; ++i) {
    int position;
    if (known) {
      position = known[i];
    } else {
      std::string_view key;
      if (names) {
        key = (*names)[i];
      } else {
        if (frame.size() - at < 4) return false;
        const size_t length = bytes::DecodeFixed32(frame.data() + at);
        if (frame.size() - at - 4 < length) return false;
        key = std::string_view(frame.data() + at + 4, length);
        at += 4 + length;
      }
      // In the stored order, so no name repeats; a stored name passed the
      // name checks when it was stored.
      position = FindAttribute(stored, key, &hint);
      if (position <= previous) return false;
      previous = position;
    }
    Scratch::PendingTrait& p = s.pending[i];
    const std::string_view member(frame.data() + at, frame.size() - at);
    const StoredValue& old = stored[static_cast<size_t>(position)].second;
    // A stored scalar (not null) passed identify's checks when it was
    // stored (identify, or a snapshot's ReadFrame), and an encoding is
    // self-delimiting: when its bytes start the member, the member is that
    // value, byte for byte, and is neither sized nor checked again.
    size_t size = old.frame.size();
    const auto tag = size > 0 ? static_cast<FrameTag>(old.frame.data()[0]) : FrameTag::kNull;
    const bool scalar = tag == FrameTag::kFalse || tag == FrameTag::kTrue || tag == FrameTag::kNumber ||
                        tag == FrameTag::kString;
    bool same = scalar && size <= member.size() && SameBytes(old.frame.data(), member.data(), size);
    if (!same) {
      // The usual traits are sized from their bytes (the stored frame is
      // read once, by RefreshAttribute); the rest are decoded and checked.
      size = 0;
      p.json_bound = false;
      const bool usual = UsualTraitJsonSize(member, &size, &p.json_bytes, &p.json_bound);
      Value value;
      if (!usual && !ReadMemberValue(member, &s.encode_arena, &value, &size)) return false;
      // A stored container, compared now (a scalar was, above); it may
      // nest deeper than identify accepts (a snapshot allows two levels
      // more), so one kept byte for byte is still checked.
      same = !scalar && old.frame.size() == size && SameBytes(old.frame.data(), member.data(), size);
      if (!usual) {
        if (!PassesCheckValue(value, kMaxJsonDepth - 1)) return false;
        if (!same) p.json_bytes = JsonTextSize(value);
      }
    }
    // The name's bytes leave and come back: only the values' count.
    if (same) {
      p.json_bytes = old.json_bytes;
      p.json_bound = old.json_bound;
    }
    p.at = at;
    p.size = size;
    p.same = same;
    bytes = bytes - old.json_bytes + p.json_bytes;
    s.trait_position[i] = position;
    at += size;
  }
  if (at != frame.size()) return false;
  const size_t count = stored.size();
  // Over the limit, or over it by the numbers' bounds: the general path
  // counts exactly, and words the error.
  if (2 + bytes + (count > 0 ? count - 1 : 0) > kMaxAttributesBytes) return false;
  // Each value is stored and read back in the same step (RefreshAttributes'
  // work without a list of the replaced positions and a second walk).
  const bool rebuild = ValuesOutgrown();
  const bool base_current = BaseCurrent();
  for (uint32_t i = 0; i < n; ++i) {
    const Scratch::PendingTrait& p = s.pending[i];
    if (p.same) continue;
    const size_t position = static_cast<size_t>(s.trait_position[i]);
    stored[position].second.AssignFrame(std::string_view(frame.data() + p.at, p.size), p.json_bytes, p.json_bound);
    if (!rebuild) RefreshAttribute(position, base_current);
  }
  attributes_bytes_ = bytes;
  // Values read since the last rebuild outgrew their bound: read them all.
  if (rebuild) RebuildValues();
  if (names_version != 0 && !known) {
    s.names_positions = s.trait_position;
    s.names_version = names_version;
    s.names_generation = values_generation_;
  }
  return true;
}

Result<SegmentChanges> Engine::Impl::IdentifyValues(const Value& traits, const char* frame, bool named, TimeMs now) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  if (!traits.is_object()) {
    return InvalidArgument(std::string("identify needs an object of attributes, got ") + ValueTypeName(traits.type()));
  }
  // The merged attributes' JSON text length, as the size limit counts it:
  // each member's name (quoted, escaped), a colon and its value.
  auto member_bytes = [](std::string_view name, size_t value_bytes) { return JsonStringSize(name) + 1 + value_bytes; };
  auto& stored = profile_.attributes;
  // The stored sizes that are bounds (ReplaceStoredFrame's) made exact
  // first: this path decides the limit exactly and words its error.
  for (auto& attribute : stored) attributes_bytes_ -= attribute.second.MakeJsonBytesExact();
  const uint32_t n = traits.size();
  size_t bytes = attributes_bytes_, count = stored.size();

  // First, without changing anything (a failed call leaves the profile as
  // it was): check every member, find the attribute it replaces, and
  // locate its value's encoding: in `frame` (the object's members follow
  // its tag and count, each a u32 name length, the name and the value;
  // core/value_codec.h; or the value alone, unless `named`), else encoded
  // here. A name repeated in `traits`
  // counts once, at its first position with its last value (as a parsed
  // JSON object had it): `source[i]` is the member whose value the i-th
  // takes, -1 for a later repetition.
  Scratch& s = *scratch_;
  s.pending.resize(n);
  s.trait_position.assign(n, -1);
  s.trait_source.resize(n);
  s.stored_first.assign(stored.size(), -1);
  if (!frame) s.encoded.clear();
  size_t at = 5;  // in `frame`: after the object's tag and member count
  size_t hint = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string_view key = traits.key_at(i);
    const Value value = traits.value_at(i);
    if (key.empty()) return InvalidArgument("attribute names cannot be empty");
    // A stored attribute's name passed these checks when it was stored
    // (or restored: snapshots check them too), byte for byte this one.
    const int position = FindAttribute(stored, key, &hint);
    if (position < 0) {
      if (!IsValidUtf8(key)) return InvalidArgument("an attribute name is not valid UTF-8");
      if (config_->IsReserved(key)) {
        const std::string name(key);
        return InvalidArgument("\"" + name + "\" is a reserved name (a metric id, declared, rfm or segments)",
                               PointerToken(name));
      }
    }
    // Attributes were stored as one JSON object, read back up to
    // kMaxJsonDepth. (The message is only written for a value that fails.)
    if (!PassesCheckValue(value, kMaxJsonDepth - 1)) {
      const std::string name(key);
      return CheckValue(value, "attribute \"" + name + "\"", kMaxJsonDepth - 1).WithPathPrefix(PointerToken(name));
    }
    Scratch::PendingTrait& p = s.pending[i];
    if (frame) {
      if (named) at += 4 + key.size();
      p.at = at;
      p.size = EncodedValueSize(value);
      at += p.size;
    }
    int first = -1;  // an earlier member with this name
    if (position >= 0) {
      first = s.stored_first[position];
      if (first < 0) s.stored_first[position] = static_cast<int32_t>(i);
    } else {
      for (uint32_t j = 0; j < i && first < 0; ++j) {
        if (s.trait_position[j] < 0 && s.trait_source[j] >= 0 && traits.key_at(j) == key) first = static_cast<int>(j);
      }
    }
    s.trait_position[i] = position;
    s.trait_source[i] = static_cast<int32_t>(i);
    // A stored attribute given a new value (the usual case) loses and
    // gains its name's bytes: they cancel, and are not measured.
    const bool name_cancels = position >= 0 && first < 0 && !value.is_null();
    auto member_size = [&](size_t value_bytes) { return name_cancels ? value_bytes : member_bytes(key, value_bytes); };
    if (first >= 0) {
      // The earlier member takes this value; its old value no longer counts.
      const uint32_t was = static_cast<uint32_t>(s.trait_source[first]);
      if (!traits.value_at(was).is_null()) {
        bytes -= member_size(s.pending[was].json_bytes);
        --count;
      }
      s.trait_source[first] = static_cast<int32_t>(i);
      s.trait_source[i] = -1;
    } else if (position >= 0) {
      bytes -= member_size(stored[position].second.json_bytes);
      --count;
    }
    if (!value.is_null()) {
      if (!frame) {
        p.at = s.encoded.size();
        EncodeValue(value, &s.encoded);
        p.size = s.encoded.size() - p.at;
      }
      // A value stored already, byte for byte, keeps its size and is
      // neither copied nor read again.
      const char* base = frame ? frame : s.encoded.data();
      p.same = position >= 0 &&
               std::string_view(stored[position].second.frame) == std::string_view(base + p.at, p.size);
      p.json_bytes = p.same ? stored[position].second.json_bytes : JsonTextSize(value);
      bytes += member_size(p.json_bytes);
      ++count;
    }
  }
  if (2 + bytes + (count > 0 ? count - 1 : 0) > kMaxAttributesBytes) {
    return OutOfRange("attributes would exceed " + std::to_string(kMaxAttributesBytes / 1024) + " KB");
  }
  // Then set in place (an attribute keeps its position), append new ones
  // and remove the nulls last, so that the positions found above stay valid.
  constexpr int32_t kRemoved = -2;  // in stored_first: a null removes this attribute
  const char* base = frame ? frame : s.encoded.data();
  bool reshaped = false;  // attributes added or removed: every value is read again
  s.replaced.clear();
  for (uint32_t i = 0; i < n; ++i) {
    const int source = s.trait_source[i];
    if (source < 0) continue;
    const int position = s.trait_position[i];
    if (traits.value_at(source).is_null()) {
      if (position >= 0) {
        s.stored_first[position] = kRemoved;
        reshaped = true;
      }
      continue;
    }
    const Scratch::PendingTrait& p = s.pending[source];
    const std::string_view encoding(base + p.at, p.size);
    if (position < 0) {
      stored.emplace_back(std::string(traits.key_at(i)), StoredValue());
      stored.back().second.AssignFrame(encoding, p.json_bytes);
      reshaped = true;
    } else if (!p.same) {
      stored[position].second.AssignFrame(encoding, p.json_bytes);
      s.replaced.push_back(position);
    }
  }
  if (reshaped) {
    size_t kept = 0;
    for (size_t i = 0; i < stored.size(); ++i) {
      if (i < s.stored_first.size() && s.stored_first[i] == kRemoved) continue;
      if (kept != i) stored[kept] = std::move(stored[i]);
      ++kept;
    }
    stored.resize(kept);
    RebuildValues();
  } else {
    attributes_bytes_ = bytes;
    RefreshAttributes(s.replaced);
  }
  return SettleProfileChange(now, /*rebuild=*/false);
}

Result<SegmentChanges> Engine::Impl::DeclareFrame(const std::string& key, std::string_view value_frame, TimeMs now) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  scratch_->encode_arena.Clear();
  auto value = DecodeValue(reinterpret_cast<const uint8_t*>(value_frame.data()), value_frame.size(),
                           &scratch_->encode_arena, kMaxJsonDepth + 1);
  if (!value.ok()) return value.status();
  return Declare(key, *value, now);
}

Result<SegmentChanges> Engine::Impl::Declare(const std::string& key, const Value& value, TimeMs now) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  if (key.empty() || key.size() > 128) return InvalidArgument("a declaration key must be 1 to 128 characters");
  if (!IsValidUtf8(key)) return InvalidArgument("a declaration key is not valid UTF-8");
  LEADSEG_RETURN_IF_ERROR(CheckValue(value, "declaration \"" + key + "\"", kMaxJsonDepth));
  StoredValue stored = StoredValue::Of(value);
  if (stored.json_bytes > kMaxEventPropsBytes) {
    return OutOfRange("declaration \"" + key + "\" exceeds " + std::to_string(kMaxEventPropsBytes / 1024) + " KB");
  }
  if (!value.is_null() && !profile_.declarations.count(key) && profile_.declarations.size() >= kMaxDeclarations) {
    return OutOfRange("at most " + std::to_string(kMaxDeclarations) + " declarations are kept");
  }
  if (value.is_null()) profile_.declarations.erase(key);
  else profile_.declarations[key] = Declaration{std::move(stored), now};
  return SettleProfileChange(now);
}

namespace {

Status CheckEventType(std::string_view type) {
  if (type.empty() || type.size() > kMaxEventTypeBytes) {
    return InvalidArgument("an event type must be 1 to " + std::to_string(kMaxEventTypeBytes) + " characters");
  }
  if (!IsValidUtf8(type)) return InvalidArgument("the event type is not valid UTF-8");
  return Status::Ok();
}

}  // namespace

Result<SegmentChanges> Engine::Impl::Track(const std::string& type, const Value& props, TimeMs ts) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(ts, "event time"));
  LEADSEG_RETURN_IF_ERROR(CheckEventType(type));
  if (!props.is_null() && !props.is_object()) {
    return InvalidArgument(std::string("event properties must be an object, got ") + ValueTypeName(props.type()));
  }
  // What is stored must decode again (rebuilds, Export, snapshots): stored
  // properties are frames, which nest at most kMaxFrameDepth levels.
  LEADSEG_RETURN_IF_ERROR(CheckValue(props, "event properties", kMaxFrameDepth));
  Event event;
  event.ts = ts;
  event.type = type;
  EncodeValue(props.is_null() ? Document::MakeObject(nullptr, 0) : props, &event.props);
  return AddEvent(std::move(event));
}

Result<SegmentChanges> Engine::Impl::TrackFrame(std::string_view type, std::string_view props_frame, TimeMs ts) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(ts, "event time"));
  LEADSEG_RETURN_IF_ERROR(CheckEventType(type));
  scratch_->encode_arena.Clear();
  auto props = DecodeValue(reinterpret_cast<const uint8_t*>(props_frame.data()), props_frame.size(),
                           &scratch_->encode_arena);
  if (!props.ok()) return props.status();
  if (!props->is_object()) return InvalidArgument("event properties must be an object");
  // DecodeValue has already bounded the depth (values at most kMaxFrameDepth
  // levels below the root, so containers at most kMaxFrameDepth + 1 deep as
  // CheckValue counts them): only UTF-8 and finite numbers can fail here.
  LEADSEG_RETURN_IF_ERROR(CheckValue(*props, "event properties", kMaxFrameDepth + 1));
  Event event;
  event.ts = ts;
  event.type.assign(type.data(), type.size());
  event.props.swap(scratch_->spare_props);  // reuses its capacity, if any
  event.props.assign(props_frame.data(), props_frame.size());
  // The frame's bytes stay put during the call, so the decoded properties
  // can serve the metrics directly.
  return AddEvent(std::move(event), &*props);
}

Result<SegmentChanges> Engine::Impl::AddEvent(Event event, const Value* props) {
  const TimeMs ts = event.ts;
  const RetentionSpec& r = config_->retention();
  if (r.max_age != kForever && ts < profile_.clock - r.max_age) {
    return OutOfRange("event time " + std::to_string(ts) + " is older than the retention window (" +
                      std::to_string(r.max_age / kDay) + " days before the latest time seen)");
  }
  if (event.props.size() > kMaxEventPropsBytes) {
    return OutOfRange("event properties exceed " + std::to_string(kMaxEventPropsBytes / 1024) + " KB");
  }
  auto& events = profile_.events;
  if (events.empty() || ts >= events.back().ts) {
    profile_.clock = std::max(profile_.clock, ts);
    ApplyEvent(event, &live_, &live_score_, props);
    // After adding: an event older than the clock may already be outside
    // a short window.
    for (auto& state : live_) state.Expire(profile_.clock);
    events.push_back(std::move(event));
    Prune();
  } else {
    // Late event (another tab, a queued beacon): insert in order, rebuild.
    auto at = std::upper_bound(events.begin(), events.end(), ts,
                               [](TimeMs t, const Event& e) { return t < e.ts; });
    events.insert(at, std::move(event));
    profile_.clock = std::max(profile_.clock, ts);
    Prune();
    RebuildMetrics();
  }
  Evaluate(&scratch_->next, &scratch_->next_progress);
  return Commit();
}

Result<SegmentChanges> Engine::Impl::Advance(TimeMs now) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  if (now <= profile_.clock) return SegmentChanges{};
  profile_.clock = now;
  Prune();
  for (auto& state : live_) state.Expire(now);
  Evaluate(&scratch_->next, &scratch_->next_progress);
  return Commit();
}

std::vector<std::string> Engine::Impl::Segments() const {
  std::vector<std::string> ids;
  for (size_t i = 0; i < membership_.size(); ++i) {
    if (membership_[i]) ids.push_back(config_->segments()[i].id);
  }
  return ids;
}

void Engine::Impl::Metrics(ValueWriter* out) const {
  Document arena;
  out->BeginObject();
  for (size_t m = 0; m < live_.size(); ++m) {
    out->Key(config_->metrics()[m].id).Write(live_[m].Read(profile_.clock, &arena));
  }
  out->End();
}

void Engine::Impl::AttributeView(ValueWriter* out) const {
  Evaluate(&scratch_->next, &scratch_->next_progress);
  const AttributeSchema& schema = config_->schema();
  // A name appears once, at its first place: "segments" (which conditions
  // may read too) holds the memberships wherever it first comes.
  bool segments_written = false;
  auto member = [&](std::string_view name, const Value& v) {
    if (name != "segments") {
      out->Key(name).Write(v);
    } else if (!segments_written) {
      segments_written = true;
      out->Key("segments").BeginArray();
      for (size_t i = 0; i < membership_.size(); ++i) {
        if (membership_[i]) out->String(config_->segments()[i].id);
      }
      out->End();
    }
  };
  out->BeginObject();
  for (size_t attr = 0; attr < schema.size(); ++attr) {
    const Value* v = scratch_->attributes.Get(static_cast<int>(attr));
    if (v) member(schema.name(static_cast<int>(attr)), *v);
  }
  // Explicit attributes no condition reads are part of the view too.
  for (uint32_t i = 0; i < attributes_value_.size(); ++i) {
    std::string_view name = attributes_value_.key_at(i);
    int attr = schema.Find(name);
    if (attr >= 0 && scratch_->attributes.Get(attr)) continue;  // written above
    member(name, attributes_value_.value_at(i));
  }
  member("segments", Value());
  out->End();
}

Status Engine::Impl::Explain(const std::string& segment_id, ValueWriter* out) const {
  int index = config_->FindSegment(segment_id);
  if (index < 0) return InvalidArgument("unknown segment \"" + segment_id + "\"");
  const SegmentSpec& spec = config_->segments()[static_cast<size_t>(index)];
  Evaluate(&scratch_->next, &scratch_->next_progress);
  std::vector<LeafTrace> trace;
  bool member = spec.condition.Explain(scratch_->attributes, &trace);
  out->BeginObject();
  out->Key("segment").String(spec.id);
  out->Key("name").String(spec.name);
  out->Key("description").String(spec.description);
  out->Key("member").Bool(member);
  out->Key("leaves").BeginArray();
  for (const auto& t : trace) {
    out->BeginObject();
    out->Key("path").String(t.path);
    out->Key("attribute").String(t.attribute);
    out->Key("condition").Write(t.operand);
    out->Key("actual").Write(t.actual);
    out->Key("passed").Bool(t.passed);
    out->End();
  }
  out->End();
  // A condition on the score or grade also tested the model's points.
  const auto& model = config_->predictive();
  auto reads = [&](int attr) {
    const auto& attrs = spec.condition.attrs();
    return attr >= 0 && std::find(attrs.begin(), attrs.end(), attr) != attrs.end();
  };
  bool reads_model = model && ((model->score_points && reads(config_->score_attr())) ||
                               (model->grade_points && (reads(config_->grade_attr()) || reads(config_->lead_cell_attr()))));
  if (model) {
    out->Key("predictive");
    if (reads_model) {
      WritePredictiveBreakdown(*model, scratch_->predictive, scratch_->attributes, out);
    } else {
      out->Null();
    }
  }
  out->End();
  return Status::Ok();
}

void Engine::Impl::Export(ValueWriter* out) const {
  out->BeginObject();
  out->Key("attributes").Write(attributes_value_);
  out->Key("declarations").BeginObject();
  for (uint32_t i = 0; i < declared_value_.size(); ++i) {
    const std::string key(declared_value_.key_at(i));
    out->Key(key).BeginObject();
    out->Key("value").Write(declared_value_.value_at(i));
    out->Key("at").Number(static_cast<double>(profile_.declarations.at(key).ts));
    out->End();
  }
  out->End();
  out->Key("events").BeginArray();
  Document doc;
  for (const Event& e : profile_.events) {
    doc.Clear();
    auto props = DecodeValue(reinterpret_cast<const uint8_t*>(e.props.data()), e.props.size(), &doc);
    out->BeginObject();
    out->Key("type").String(e.type);
    out->Key("ts").Number(static_cast<double>(e.ts));
    out->Key("props");
    if (props.ok()) {
      out->Write(*props);
    } else {
      out->BeginObject().End();
    }
    out->End();
  }
  out->End();
  out->Key("clock").Number(static_cast<double>(profile_.clock));
  out->End();
}

void Engine::Impl::Erase() {
  profile_ = Profile();
  for (auto& s : live_) s.Clear();
  for (auto& s : archived_) s.Clear();
  if (config_->scoring()) {
    live_score_ = ScoreState(&*config_->scoring(), true);
    archived_score_ = ScoreState(&*config_->scoring(), false);
  }
  progress_ = ProgressState();
  decisions_ = DecisionState();
  RebuildValues();
  membership_.clear();  // a fresh profile: what holds now is entered
  initial_changes_ = RecomputeWhole();
}

SegmentChanges Engine::Impl::RecomputeWhole() {
  scratch_->kept = false;  // evaluates every condition, as a new engine does
  return Recompute();
}

}  // namespace leadseg

namespace leadseg {

Engine::LeadSummary Engine::Impl::Summary() const {
  const AttributeSet& a = EvaluateScratch();
  const CompiledConfig& c = *config_;
  auto text = [&](int attr) {
    const Value* v = attr >= 0 ? a.Get(attr) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  LeadSummary out;
  out.score = c.scoring() ? scratch_->score_step.score() : std::nan("");
  out.grade = text(c.grade_attr());
  out.lead_cell = text(c.lead_cell_attr());
  out.temperature = text(c.temperature_attr());
  out.stage = text(c.stage_attr());
  auto flag = [&](int attr) {
    const Value* v = attr >= 0 ? a.Get(attr) : nullptr;
    return v && v->is_bool() && v->as_bool();
  };
  out.mql = flag(c.mql_attr());
  out.sql = flag(c.sql_attr());
  return out;
}

void Engine::Impl::ScoreBreakdown(ValueWriter* out) const {
  Evaluate(&scratch_->next, &scratch_->next_progress);
  const Scratch& s = *scratch_;
  const CompiledConfig& c = *config_;
  const ProgressState& p = s.next_progress;
  out->BeginObject();
  if (const auto& scoring = c.scoring()) {
    // raw - value is what decay took; archived points are those of events
    // retention already pruned (their individual awards are no longer kept).
    double raw = live_score_.raw();
    out->Key("score").Number(s.score_step.score());
    out->Key("behavioral").BeginObject();
    out->Key("value").Number(s.score_step.behavioral());
    out->Key("raw").Number(raw);
    out->Key("decay").Number(raw - s.score_step.behavioral());
    out->Key("awards").BeginArray();
    for (const Award& a : live_score_.awards()) {
      out->BeginObject();
      out->Key("rule").String(scoring->rules[static_cast<size_t>(a.rule)].id);
      out->Key("points").Number(a.points);
      out->Key("at").Number(static_cast<double>(a.ts));
      out->Key("event").String(a.event_type);
      out->End();
    }
    out->End();
    out->Key("earlierAwards").Number(static_cast<double>(live_score_.dropped_awards()));
    out->End();
    out->Key("traits").BeginObject();
    out->Key("value").Number(s.score_step.traits());
    out->Key("rules").BeginArray();
    for (size_t r = 0; r < scoring->rules.size(); ++r) {
      if (scoring->rules[r].is_event) continue;
      out->BeginObject();
      out->Key("rule").String(scoring->rules[r].id);
      out->Key("points").Number(scoring->rules[r].points);
      out->Key("matched").Bool(s.score_step.matched(r));
      out->End();
    }
    const auto& model = c.predictive();
    if (model && model->score_points) {
      out->BeginObject();
      out->Key("rule").String(model->RuleName());
      out->Key("points").Number(s.predictive.points);
      out->Key("matched").Bool(true);
      out->End();
    }
    out->End();
    out->End();
    out->Key("clamped").Bool(s.score_step.score() != s.score_step.behavioral() + s.score_step.traits());
  } else {
    out->Key("score").Null();
  }
  if (const auto& grading = c.grading()) {
    std::string grade(1, grading->Grade(s.grade_step.fit()));
    out->Key("grade").String(grade);
    out->Key("leadCell").String(grade + std::to_string(grading->Engagement(c.scoring() ? s.score_step.score() : 0)));
    out->Key("fit").BeginObject();
    out->Key("points").Number(s.grade_step.fit());
    out->Key("rules").BeginArray();
    for (size_t r = 0; r < grading->rules.size(); ++r) {
      out->BeginObject();
      out->Key("rule").String(grading->rules[r].id);
      out->Key("points").Number(grading->rules[r].points);
      out->Key("matched").Bool(s.grade_step.matched(r));
      out->End();
    }
    if (const auto& model = c.predictive(); model && model->grade_points) {
      out->BeginObject();
      out->Key("rule").String(model->RuleName());
      out->Key("points").Number(s.predictive.grade_points);
      out->Key("matched").Bool(true);
      out->End();
    }
    out->End();
    out->Key("bands").BeginObject();
    out->Key("A").Number(grading->a);
    out->Key("B").Number(grading->b);
    out->Key("C").Number(grading->c);
    out->End();
    out->End();
  } else {
    out->Key("grade").Null();
  }
  out->Key("temperature");
  if (c.temperature()) {
    out->String(TemperatureName(p.temperature));
  } else {
    out->Null();
  }
  if (const auto& lifecycle = c.lifecycle()) {
    out->Key("stage").String(lifecycle->stages[static_cast<size_t>(p.stage)].id);
    out->Key("stageHistory").BeginArray();
    for (const auto* moves : {&progress_.history, &p.history}) {  // committed, then any move evaluating now made
      for (const auto& h : *moves) {
        out->BeginObject();
        out->Key("from").String(h.from);
        out->Key("to").String(h.to);
        out->Key("at").Number(static_cast<double>(h.at));
        out->End();
      }
    }
    out->End();
    out->Key("mql");
    if (p.mql_at) {
      out->Number(static_cast<double>(*p.mql_at));
    } else {
      out->Null();
    }
    out->Key("sql");
    if (p.sql_at) {
      out->Number(static_cast<double>(*p.sql_at));
    } else {
      out->Null();
    }
  } else {
    out->Key("stage").Null();
  }
  const auto& model = c.predictive();
  out->Key("predictive");
  if (model) {
    WritePredictiveBreakdown(*model, s.predictive, s.attributes, out);
  } else {
    out->Null();
  }
  out->End();
}

}  // namespace leadseg
