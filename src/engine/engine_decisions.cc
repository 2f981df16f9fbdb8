// Engine: content slots and form experiments (see engine.h, decisions/).
#include <algorithm>
#include <cmath>

#include "core/value_json.h"
#include "decisions/bucketing.h"
#include "decisions/stats.h"
#include "engine/engine_impl.h"

namespace leadseg {
namespace {

// The value experiments hash: the "id" attribute if identified, else the
// device's visitor id. Empty means the visitor cannot be bucketed.
std::string HashValue(const Value& attributes, const std::string& visitor_id) {
  if (const Value* id = attributes.find("id")) {
    if (id->is_string() && id->size() > 0) return std::string(id->as_string());
    if (id->is_number()) return NumberJsonText(id->as_number());  // as JSON writes it: "42", "1.5"
  }
  return visitor_id;
}

// `variant`: {exposures, conversions}, a member of an open object.
void WriteCounts(const std::string& variant, const ArmCounts& c, ValueWriter* out) {
  out->Key(variant).BeginObject();
  out->Key("exposures").Number(static_cast<double>(c.exposures));
  out->Key("conversions").Number(static_cast<double>(c.conversions));
  out->End();
}

void Bump(ArmCounts* c, bool conversion) {
  if (conversion) ++c->conversions;
  else ++c->exposures;
}

}  // namespace

void Engine::Decision::Write(ValueWriter* out) const {
  out->BeginObject();
  slot.WriteMembers(out);
  out->Key("experiment");
  if (experiment.empty()) {
    out->Null();
  } else {
    out->BeginObject();
    out->Key("key").String(experiment);
    out->Key("variant").String(slot.variant);
    out->Key("inExperiment").Bool(true);
    out->Key("firstExposure").Bool(first_exposure);
    out->End();
  }
  out->End();
}

Status Engine::Impl::SetVisitorId(const std::string& id) {
  if (id.empty() || id.size() > 128) return InvalidArgument("a visitor id must be 1 to 128 characters");
  decisions_.visitor_id = id;
  return Status::Ok();
}

Result<Engine::Decision> Engine::Impl::Decide(const std::string& slot_id, TimeMs now, bool record) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  int index = config_->FindSlot(slot_id);
  if (index < 0) return InvalidArgument("unknown slot \"" + slot_id + "\"");
  // Decisions read the visitor at the engine's clock: callers advance it
  // first (and so see the segment changes that brings).
  const SlotSpec& slot = config_->slots()[static_cast<size_t>(index)];
  const AttributeSet& attributes = EvaluateScratch();
  Decision d;
  if (slot.experiment && DecideExperiment(slot, attributes, now, record, &d)) return d;
  d.slot = leadseg::Decide(slot, attributes);
  return d;
}

// noinline: LLVM would put it back into Decide, its one caller (binaryen
// keeps a one-caller function this large a call: cmake/LeadsegWasm.cmake).
[[gnu::noinline]] bool Engine::Impl::DecideExperiment(const SlotSpec& slot, const AttributeSet& attributes, TimeMs now,
                                                      bool record, Decision* d) {
  const SlotExperimentSpec& e = *slot.experiment;
  if (!e.Applies(attributes)) return false;
  int arm = -1;
  if (const ExperimentNode* stored = decisions_.assignments.Find(e.key)) {
    // Sticky: the stored variant wins while it is still an arm.
    for (size_t i = 0; i < e.variants.size(); ++i) {
      if (slot.variants[static_cast<size_t>(e.variants[i])].id == stored->assignment.variant) arm = static_cast<int>(i);
    }
  }
  if (arm < 0) {
    std::string hash_value = HashValue(attributes_value_, decisions_.visitor_id);
    if (!hash_value.empty()) {
      if (e.mode == SlotExperimentMode::kAb) {
        auto n = GrowthBookHash(e.key, hash_value, 1);
        if (n) arm = ChooseVariation(*n, e.ranges);
      } else {
        arm = ChooseBanditArm(slot, hash_value);
      }
    }
    if (arm >= 0 && record) {
      const std::string& variant = slot.variants[static_cast<size_t>(e.variants[static_cast<size_t>(arm)])].id;
      decisions_.assignments[e.key].assignment = Assignment{variant, now};
      // One exposure per visitor and experiment, counted globally and
      // for each segment the visitor is in at that moment.
      Bump(&decisions_.counts[e.key][variant].counts, false);
      for (size_t i = 0; i < membership_.size(); ++i) {
        if (membership_[i]) Bump(&decisions_.segment_counts[e.key][config_->segments()[i].id][variant].counts, false);
      }
      d->first_exposure = true;
    }
  }
  if (arm < 0) return false;
  d->slot = ExperimentDecision(slot, arm);
  d->experiment = e.key;
  return true;
}

// A ThompsonBandit's choice over the site's counts (AddAggregateCounts
// checked them: each arm's are added once, so none of the bandit's checks
// could refuse them), made from the counts directly: the engine builds no
// bandit, and the runtime wasm carries neither its checks nor its map of
// segments.
[[gnu::noinline]] int Engine::Impl::ChooseBanditArm(const SlotSpec& slot, const std::string& hash_value) {
  const SlotExperimentSpec& e = *slot.experiment;
  const size_t n = e.variants.size();
  if (n < 1 || n > static_cast<size_t>(kMaxBanditArms)) return -1;  // as ThompsonBandit::Create refuses
  const ExperimentNode* site = aggregate_.Find(e.key);
  const ExperimentNode* site_segments = aggregate_segments_.Find(e.key);
  // The first segment the visitor is in that the site has counts for.
  const ExperimentNode* by_segment = nullptr;
  for (size_t i = 0; i < membership_.size() && site_segments && !by_segment; ++i) {
    if (membership_[i]) by_segment = site_segments->Find(config_->segments()[i].id);
  }
  std::vector<ArmCounts> global(n), own(n);
  int64_t own_exposures = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& v = slot.variants[static_cast<size_t>(e.variants[i])].id;
    if (const ExperimentNode* c = site ? site->Find(v) : nullptr) global[i] = c->counts;
    if (const ExperimentNode* c = by_segment ? by_segment->Find(v) : nullptr) {
      own[i] = c->counts;
      own_exposures += c->counts.exposures;
    }
  }
  // Deterministic per visitor and experiment: the same visitor asked twice
  // before the assignment is stored gets the same arm.
  Rng rng((static_cast<uint64_t>(Fnv1a32(e.key)) << 32) | Fnv1a32(hash_value));
  const BanditOptions options;
  return ChooseThompsonArm(SegmentOrGlobalCounts(own, own_exposures, global, options), options.exploration, rng);
}

Status Engine::Impl::Convert(const std::string& goal, TimeMs now, ValueWriter* out) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  if (goal.empty() || goal.size() > 128) return InvalidArgument("a goal must be 1 to 128 characters");
  out->BeginObject();
  out->Key("goal").String(goal);
  out->Key("attributed").BeginArray();
  for (const auto& [key, node] : decisions_.assignments.children) {
    const Assignment& assignment = node.assignment;
    if (!decisions_.converted[key].children.try_emplace(goal).second) continue;  // already counted
    Bump(&decisions_.counts[key][assignment.variant].counts, true);
    // Per segment, the conversion belongs to the segments the visitor was
    // in when exposed (those rows hold the exposure), so every segment's
    // counts stay consistent: conversions never exceed exposures.
    if (ExperimentNode* by_segment = decisions_.segment_counts.Find(key)) {
      for (auto& [segment, by_variant] : by_segment->children) {
        ExperimentNode* c = by_variant.Find(assignment.variant);
        if (c && c->counts.exposures > c->counts.conversions) Bump(&c->counts, true);
      }
    }
    out->BeginObject();
    out->Key("experiment").String(key);
    out->Key("variant").String(assignment.variant);
    out->End();
  }
  out->End();
  out->End();
  return Status::Ok();
}

Status Engine::Impl::AddAggregateCounts(const std::string& experiment, const Value& counts) {
  if (!counts.is_object()) return InvalidArgument("aggregate counts must be an object of variant -> counts");
  // A misspelt key would otherwise be kept and never read.
  const SlotSpec* slot = nullptr;
  for (const SlotSpec& s : config_->slots()) {
    if (s.experiment && s.experiment->key == experiment) slot = &s;
  }
  if (!slot) return InvalidArgument("unknown experiment \"" + experiment + "\" (no slot runs it)");
  auto is_arm = [&](const std::string& id) {
    for (int v : slot->experiment->variants) {
      if (slot->variants[static_cast<size_t>(v)].id == id) return true;
    }
    return false;
  };
  auto unknown_arm = [&](const std::string& id, std::string path) {
    return InvalidArgument("\"" + id + "\" is not a variant of experiment \"" + experiment + "\"", std::move(path));
  };
  ExperimentNode parsed;           // variant -> counts
  ExperimentNode parsed_segments;  // segment -> variant -> counts
  // Integers as JSON text writes them (no fraction, no exponent: what
  // JSON.stringify writes for integers up to 1e21), within 0..2^53.
  auto integer = [](const Value* n) {
    return n && n->is_number() && n->as_number() == std::trunc(n->as_number()) &&
           std::fabs(n->as_number()) <= 9007199254740992.0;
  };
  auto read = [&](const Value& c, ArmCounts* out) {
    if (!c.is_object()) return false;
    const Value *e = c.find("exposures"), *v = c.find("conversions");
    if (!integer(e) || !integer(v)) return false;
    *out = ArmCounts{static_cast<int64_t>(e->as_number()), static_cast<int64_t>(v->as_number())};
    return out->exposures >= 0 && out->conversions >= 0 && out->conversions <= out->exposures;
  };
  for (uint32_t i = 0; i < counts.size(); ++i) {
    const std::string key(counts.key_at(i));
    const Value member = counts.value_at(i);
    if (key == "segments") {
      if (!member.is_object()) return InvalidArgument("segments must be an object", "/segments");
      for (uint32_t s = 0; s < member.size(); ++s) {
        const std::string segment(member.key_at(s));
        const Value by_variant = member.value_at(s);
        if (!by_variant.is_object()) return InvalidArgument("segment counts must be an object", "/segments" + PointerToken(segment));
        for (uint32_t k = 0; k < by_variant.size(); ++k) {
          const std::string variant(by_variant.key_at(k));
          if (!is_arm(variant)) return unknown_arm(variant, "/segments" + PointerToken(segment) + PointerToken(variant));
          if (!read(by_variant.value_at(k), &parsed_segments[segment][variant].counts)) {
            return InvalidArgument("counts need integers 0 <= conversions <= exposures",
                                   "/segments" + PointerToken(segment) + PointerToken(variant));
          }
        }
      }
    } else if (!is_arm(key)) {
      return unknown_arm(key, PointerToken(key));
    } else if (!read(member, &parsed[key].counts)) {
      return InvalidArgument("counts need integers 0 <= conversions <= exposures", PointerToken(key));
    }
  }
  aggregate_[experiment] = std::move(parsed);
  aggregate_segments_[experiment] = std::move(parsed_segments);
  return Status::Ok();
}

void Engine::Impl::ExperimentReport(ValueWriter* out, VariantStatistics statistics) const {
  out->BeginArray();
  for (const SlotSpec& slot : config_->slots()) {
    if (!slot.experiment) continue;
    const SlotExperimentSpec& e = *slot.experiment;
    std::vector<ArmCounts> arms;
    std::vector<std::string> ids;
    const ExperimentNode* device = decisions_.counts.Find(e.key);
    const ExperimentNode* site = aggregate_.Find(e.key);
    for (int v : e.variants) {
      const std::string& id = slot.variants[static_cast<size_t>(v)].id;
      ArmCounts c;
      if (const ExperimentNode* d = device ? device->Find(id) : nullptr) c = d->counts;
      if (const ExperimentNode* s = site ? site->Find(id) : nullptr) {
        c.exposures += s->counts.exposures;
        c.conversions += s->counts.conversions;
      }
      arms.push_back(c);
      ids.push_back(id);
    }
    const ExperimentNode* assigned = decisions_.assignments.Find(e.key);
    out->BeginObject();
    out->Key("experiment").String(e.key);
    out->Key("slot").String(slot.id);
    out->Key("mode").String(SlotExperimentModeName(e.mode));
    out->Key("assigned");
    if (!assigned) {
      out->Null();
    } else {
      out->String(assigned->assignment.variant);
    }
    out->Key("variants").BeginArray();
    Result<std::vector<VariantStats>> stats = std::vector<VariantStats>();
    if (statistics) stats = statistics(arms, kReportCredibleLevel);
    for (size_t i = 0; i < arms.size(); ++i) {
      out->BeginObject();
      out->Key("id").String(ids[i]);
      out->Key("exposures").Number(static_cast<double>(arms[i].exposures));
      out->Key("conversions").Number(static_cast<double>(arms[i].conversions));
      if (statistics && stats.ok()) {
        const VariantStats& st = (*stats)[i];
        out->Key("rate").Number(st.conversion_rate);
        out->Key("interval").BeginArray().Number(st.interval_low).Number(st.interval_high).End();
        out->Key("probabilityBest").Number(st.probability_best);
      }
      out->End();
    }
    out->End();
    out->Key("segments").BeginObject();
    if (const ExperimentNode* by_segment = decisions_.segment_counts.Find(e.key)) {
      for (const auto& [segment, by_variant] : by_segment->children) {
        out->Key(segment).BeginObject();
        for (const auto& [variant, c] : by_variant.children) WriteCounts(variant, c.counts, out);
        out->End();
      }
    }
    out->End();
    out->End();
  }
  out->End();
}

void Engine::Impl::ExperimentCounts(ValueWriter* out) const {
  out->BeginObject();
  for (const auto& [key, by_variant] : decisions_.counts.children) {
    if (by_variant.children.empty()) continue;  // an experiment appears with its first count
    out->Key(key).BeginObject();
    for (const auto& [variant, c] : by_variant.children) WriteCounts(variant, c.counts, out);
    out->End();
  }
  out->End();
}

}  // namespace leadseg
