// Engine: content slots and form experiments (see engine.h, decisions/).
#include <algorithm>
#include <cmath>

#include "decisions/bucketing.h"
#include "decisions/stats.h"
#include "engine/engine.h"

namespace leadseg {
namespace {

// The value experiments hash: the "id" attribute if identified, else the
// device's visitor id. Empty means the visitor cannot be bucketed.
std::string HashValue(const Value& attributes, const std::string& visitor_id) {
  if (const Value* id = attributes.find("id")) {
    if (id->is_string() && id->size() > 0) return std::string(id->as_string());
    if (id->is_number()) return id->ToJson().dump();  // as JSON writes it: "42", "1.5"
  }
  return visitor_id;
}

void Bump(ArmCounts* c, bool conversion) {
  if (conversion) ++c->conversions;
  else ++c->exposures;
}

}  // namespace

Json Engine::Decision::ToJson() const {
  Json out = slot.ToJson();
  out["experiment"] = experiment.empty() ? Json() : Json{{"key", experiment}, {"variant", std::string(slot.variant)},
                                                         {"inExperiment", true}, {"firstExposure", first_exposure}};
  return out;
}

Status Engine::SetVisitorId(const std::string& id) {
  if (id.empty() || id.size() > 128) return InvalidArgument("a visitor id must be 1 to 128 characters");
  decisions_.visitor_id = id;
  return Status::Ok();
}

Result<Engine::Decision> Engine::Decide(const std::string& slot_id, TimeMs now, bool record) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  int index = config_->FindSlot(slot_id);
  if (index < 0) return InvalidArgument("unknown slot \"" + slot_id + "\"");
  // Decisions read the visitor at the engine's clock: callers advance it
  // first (and so see the segment changes that brings).
  const SlotSpec& slot = config_->slots()[static_cast<size_t>(index)];
  const AttributeSet& attributes = EvaluateScratch();
  Decision d;
  if (slot.experiment && slot.experiment->Applies(attributes)) {
    const SlotExperimentSpec& e = *slot.experiment;
    int arm = -1;
    auto stored = decisions_.assignments.find(e.key);
    if (stored != decisions_.assignments.end()) {
      // Sticky: the stored variant wins while it is still an arm.
      for (size_t i = 0; i < e.variants.size(); ++i) {
        if (slot.variants[static_cast<size_t>(e.variants[i])].id == stored->second.variant) arm = static_cast<int>(i);
      }
    }
    if (arm < 0) {
      std::string hash_value = HashValue(attributes_value_, decisions_.visitor_id);
      if (!hash_value.empty()) {
        if (e.mode == SlotExperimentMode::kAb) {
          auto n = GrowthBookHash(e.key, hash_value, 1);
          if (n) arm = ChooseVariation(*n, e.ranges);
        } else {
          auto bandit = ThompsonBandit::Create(static_cast<int>(e.variants.size()));
          if (bandit.ok()) {
            const auto& site = aggregate_[e.key];
            const auto& site_segments = aggregate_segments_[e.key];
            for (size_t i = 0; i < e.variants.size(); ++i) {
              const std::string& v = slot.variants[static_cast<size_t>(e.variants[i])].id;
              if (auto it = site.find(v); it != site.end()) {
                (void)bandit->AddCounts(static_cast<int>(i), it->second.exposures, it->second.conversions);
              }
              for (const auto& [segment, by_variant] : site_segments) {
                if (auto it = by_variant.find(v); it != by_variant.end()) {
                  (void)bandit->AddSegmentCounts(segment, static_cast<int>(i), it->second.exposures,
                                                 it->second.conversions);
                }
              }
            }
            // Deterministic per visitor and experiment: the same visitor
            // asked twice before the assignment is stored gets the same arm.
            Rng rng((static_cast<uint64_t>(Fnv1a32(e.key)) << 32) | Fnv1a32(hash_value));
            std::string segment;
            for (size_t i = 0; i < membership_.size() && segment.empty(); ++i) {
              if (membership_[i] && site_segments.count(config_->segments()[i].id)) segment = config_->segments()[i].id;
            }
            arm = segment.empty() ? bandit->Choose(rng) : bandit->Choose(rng, segment);
          }
        }
      }
      if (arm >= 0 && record) {
        const std::string& variant = slot.variants[static_cast<size_t>(e.variants[static_cast<size_t>(arm)])].id;
        decisions_.assignments[e.key] = Assignment{variant, now};
        // One exposure per visitor and experiment, counted globally and
        // for each segment the visitor is in at that moment.
        Bump(&decisions_.counts[e.key][variant], false);
        for (size_t i = 0; i < membership_.size(); ++i) {
          if (membership_[i]) Bump(&decisions_.segment_counts[e.key][config_->segments()[i].id][variant], false);
        }
        d.first_exposure = true;
      }
    }
    if (arm >= 0) {
      d.slot = ExperimentDecision(slot, arm);
      d.experiment = e.key;
      return d;
    }
  }
  d.slot = leadseg::Decide(slot, attributes);
  return d;
}

Result<Json> Engine::Convert(const std::string& goal, TimeMs now) {
  LEADSEG_RETURN_IF_ERROR(CheckTime(now, "time"));
  if (goal.empty() || goal.size() > 128) return InvalidArgument("a goal must be 1 to 128 characters");
  Json attributed = Json::array();
  for (const auto& [key, assignment] : decisions_.assignments) {
    if (!decisions_.converted[key].insert(goal).second) continue;  // already counted
    Bump(&decisions_.counts[key][assignment.variant], true);
    // Per segment, the conversion belongs to the segments the visitor was
    // in when exposed (those rows hold the exposure), so every segment's
    // counts stay consistent: conversions never exceed exposures.
    if (auto by_segment = decisions_.segment_counts.find(key); by_segment != decisions_.segment_counts.end()) {
      for (auto& [segment, by_variant] : by_segment->second) {
        auto it = by_variant.find(assignment.variant);
        if (it != by_variant.end() && it->second.exposures > it->second.conversions) Bump(&it->second, true);
      }
    }
    attributed.push_back({{"experiment", key}, {"variant", assignment.variant}});
  }
  return Json{{"goal", goal}, {"attributed", attributed}};
}

Status Engine::AddAggregateCounts(const std::string& experiment, const Json& counts) {
  Document doc;
  return AddAggregateCounts(experiment, doc.Add(counts));
}

Status Engine::AddAggregateCounts(const std::string& experiment, const Value& counts) {
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
  std::map<std::string, ArmCounts> parsed;
  std::map<std::string, std::map<std::string, ArmCounts>> parsed_segments;
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
          if (!read(by_variant.value_at(k), &parsed_segments[segment][variant])) {
            return InvalidArgument("counts need integers 0 <= conversions <= exposures",
                                   "/segments" + PointerToken(segment) + PointerToken(variant));
          }
        }
      }
    } else if (!is_arm(key)) {
      return unknown_arm(key, PointerToken(key));
    } else if (!read(member, &parsed[key])) {
      return InvalidArgument("counts need integers 0 <= conversions <= exposures", PointerToken(key));
    }
  }
  aggregate_[experiment] = std::move(parsed);
  aggregate_segments_[experiment] = std::move(parsed_segments);
  return Status::Ok();
}

Json Engine::ExperimentReport() const {
  Json out = Json::array();
  for (const SlotSpec& slot : config_->slots()) {
    if (!slot.experiment) continue;
    const SlotExperimentSpec& e = *slot.experiment;
    std::vector<ArmCounts> arms;
    std::vector<std::string> ids;
    auto device = decisions_.counts.find(e.key);
    auto site = aggregate_.find(e.key);
    for (int v : e.variants) {
      const std::string& id = slot.variants[static_cast<size_t>(v)].id;
      ArmCounts c;
      if (device != decisions_.counts.end()) {
        if (auto it = device->second.find(id); it != device->second.end()) c = it->second;
      }
      if (site != aggregate_.end()) {
        if (auto it = site->second.find(id); it != site->second.end()) {
          c.exposures += it->second.exposures;
          c.conversions += it->second.conversions;
        }
      }
      arms.push_back(c);
      ids.push_back(id);
    }
    Json variants = Json::array();
    auto stats = ComputeVariantStats(arms);
    for (size_t i = 0; i < arms.size(); ++i) {
      Json v = {{"id", ids[i]}, {"exposures", arms[i].exposures}, {"conversions", arms[i].conversions}};
      if (stats.ok()) {
        const VariantStats& st = (*stats)[i];
        v["rate"] = st.conversion_rate;
        v["interval"] = {st.interval_low, st.interval_high};
        v["probabilityBest"] = st.probability_best;
      }
      variants.push_back(v);
    }
    Json segments = Json::object();
    if (auto it = decisions_.segment_counts.find(e.key); it != decisions_.segment_counts.end()) {
      for (const auto& [segment, by_variant] : it->second) {
        Json s = Json::object();
        for (const auto& [variant, c] : by_variant) s[variant] = {{"exposures", c.exposures}, {"conversions", c.conversions}};
        segments[segment] = s;
      }
    }
    auto assigned = decisions_.assignments.find(e.key);
    out.push_back({{"experiment", e.key}, {"slot", slot.id}, {"mode", SlotExperimentModeName(e.mode)},
                   {"assigned", assigned == decisions_.assignments.end() ? Json() : Json(assigned->second.variant)},
                   {"variants", variants}, {"segments", segments}});
  }
  return out;
}

}  // namespace leadseg
